/* sockactl reexec against the real sockactd: it executes itself again in the same process and takes
 * back its sockets, services, instances and fd holder (daemon/reexec.h). What the tests check is what
 * an administrator would: sockactd's pid (the reply's "pid:"), which ports answer and that a listener
 * is the very same socket (its inode in /proc/net/tcp, held by sockactd), which process serves,
 * sockactl's status, list and stored, and what a service started afterwards gets — also through 10
 * re-executions under load. */
#include "tests.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "harness.h"
#include "traffic.h"
#include "sockact.h"
#include "support.h"
#include "util.h"

#define PROC_NET_TCP_MAX (8 << 20) /* /proc/net/tcp also lists every connection in TIME_WAIT */
#define OUTPUT_MAX       (64 << 10)
#define ONE_REQUEST      "--exit-after 1" /* each connection activates the service anew */
#define KEEPS_RUNNING    "--idle-exit-ms 30000"
#define TIMEOUT_US       (10 * 1000 * 1000ULL)
#define SETTLED_REFUSAL  "re-execute once it settled" /* a refusal to try again (sockactd(8)) */
#define CHILD_NOFILE     1024 /* the soft limit sockactd is started with in test_reexec_child_fds */

extern char **environ;

static char *loopback(uint16_t port)
{
        return format("127.0.0.1:%u", port);
}

/* NAME.socket on 127.0.0.1:port with the [Socket] lines given (its third line is the first of them). */
static void write_socket(struct harness *h, const char *name, uint16_t port, const char *lines)
{
        _cleanup_free_ char *file = format("%s.socket", name),
                            *text = format("[Socket]\nListenStream=127.0.0.1:%u\n%s", port, lines);

        ck_assert_int_eq(harness_write_unit(h, file, text), 0);
}

/* NAME.service running listen-service with arguments, and the [Service] lines given. */
static void write_service(struct harness *h, const char *name, const char *arguments, const char *lines)
{
        _cleanup_free_ char *file = format("%s.service", name), *exec = program("listen-service"),
                            *text = format("[Service]\nExecStart=%s %s\n%s", exec, arguments, lines);

        ck_assert_int_eq(harness_write_unit(h, file, text), 0);
}

static void write_pair(struct harness *h, const char *name, uint16_t port, const char *arguments)
{
        write_socket(h, name, port, "");
        write_service(h, name, arguments, "");
}

/* NAME.socket, Accept=yes on 127.0.0.1:port, and NAME@.service running command with the connection
 * on stdin and stdout. */
static void write_accept(struct harness *h, const char *name, uint16_t port, const char *command)
{
        _cleanup_free_ char *file = format("%s@.service", name),
                            *text = format("[Service]\nExecStart=%s\nStandardInput=socket\n", command);

        write_socket(h, name, port, "Accept=yes\nTriggerLimitBurst=0\nPollLimitBurst=0\n");
        ck_assert_int_eq(harness_write_unit(h, file, text), 0);
}

/* sockactl --runtime-dir DIR ARGS..., run to its end while sockactd's log is read (a log pipe left
 * full would stall sockactd, and with it the very request under test). fd3, unless -1, is the
 * sockactl's fd 3 (for store). */
static struct run_result ctl_fd(struct harness *h, int fd3, const char *const *args)
{
        char *argv[24] = { (char *) program_path("SOCKACTL", "build/sockactl"), (char *) "--runtime-dir",
                           h->runtime_dir };
        _cleanup_free_ char *out = path_in(h, "sockactl.out"), *err = path_in(h, "sockactl.err");
        _cleanup_close_ int lifted = -1;
        struct run_result result = { 0 };
        long long deadline = now_ms() + RUN_TIMEOUT_MS;
        posix_spawn_file_actions_t actions;
        size_t n = 3;
        int status = 0;
        pid_t pid;

        for (; *args; args++) {
                ck_assert_uint_lt(n, ELEMENTSOF(argv) - 1);
                argv[n++] = (char *) *args;
        }
        argv[n] = NULL;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd3 >= 0) {
                /* from above 3, so that dup2() makes a copy without close-on-exec */
                lifted = fcntl(fd3, F_DUPFD_CLOEXEC, 10);
                ck_assert_int_ge(lifted, 0);
                posix_spawn_file_actions_adddup2(&actions, lifted, 3);
        }
        ck_assert_int_eq(posix_spawn(&pid, argv[0], &actions, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        for (;;) {
                pid_t done = waitpid(pid, &status, WNOHANG);

                ck_assert_int_ge(done, 0);
                if (done == pid)
                        break;
                if (now_ms() > deadline) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                        ck_abort_msg("sockactl %s did not finish within %d ms:\n%s", argv[3], RUN_TIMEOUT_MS,
                                     harness_log_tail(h));
                }
                ck_assert_int_eq(harness_pump(h, 5), 0);
        }
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ck_assert_int_eq(harness_read_file(out, OUTPUT_MAX, &result.out), 0);
        ck_assert_int_eq(harness_read_file(err, OUTPUT_MAX, &result.err), 0);
        return result;
}

static struct run_result ctl(struct harness *h, const char *verb, const char *unit)
{
        return ctl_fd(h, -1, (const char *const[]){ verb, unit, NULL });
}

/* "sockactl status UNIT" (which must succeed), the number after key ("accepted: "). */
static long status_number(struct harness *h, const char *unit, const char *key)
{
        struct run_result r = ctl(h, "status", unit);
        long n;

        ck_assert_msg(r.status == 0, "status %s: exit %d: %s", unit, r.status, r.err);
        n = number_after(r.out, key);
        run_result_clear(&r);
        return n;
}

/* Whether text has a line that starts with prefix. */
static bool has_line_starting(const char *text, const char *prefix)
{
        _cleanup_free_ char *line = line_starting(text, prefix);

        return line != NULL;
}

/* sockactd's log from the absolute offset on (what is still kept of it). */
static const char *log_since(const struct harness *h, size_t offset)
{
        return h->log + (offset > h->log_dropped ? offset - h->log_dropped : 0);
}

/* Waits until "sockactl status UNIT" has the line given. */
static void wait_status_line(struct harness *h, const char *unit, const char *line)
{
        for (long long until = now_ms() + T;;) {
                struct run_result r = ctl(h, "status", unit);
                bool found = r.status == 0 && has_line(r.out, line);

                if (!found && now_ms() > until)
                        ck_abort_msg("status %s has no line \"%s\" within %d ms:\n%s%s\nsockactd:\n%s", unit,
                                     line, T, r.out, r.err, harness_log_tail(h));
                run_result_clear(&r);
                if (found)
                        return;
                ck_assert_int_eq(harness_pump(h, 20), 0);
        }
}

/* Waits until the socket unit's "connections:" (the ACTIVE column of sockactl list) is n. */
static void wait_connections(struct harness *h, const char *unit, long n)
{
        _cleanup_free_ char *line = format("connections: %ld", n);

        wait_status_line(h, unit, line);
}

/* "sockactl reexec", tried again while a unit has not settled (that refusal says to try again,
 * sockactd(8)); every other outcome is returned. *refused counts the refusals (may be NULL). */
static struct run_result reexec(struct harness *h, unsigned *refused)
{
        for (long long until = now_ms() + T;;) {
                struct run_result r = ctl(h, "reexec", NULL);

                if (r.status != 1 || !strstr(r.err, SETTLED_REFUSAL) || now_ms() > until)
                        return r;
                if (refused)
                        (*refused)++;
                run_result_clear(&r);
                ck_assert_int_eq(harness_pump(h, 10), 0);
        }
}

/* A reexec that succeeds: sockactd logs that it re-executed, and the reply of the new image names
 * sockactd's own pid, unchanged. Returns the reply's "listening:" and "instances:". */
static void assert_reexec(struct harness *h, unsigned *refused, long *ret_listening, long *ret_instances)
{
        size_t offset = h->log_dropped + h->log_len;
        struct run_result r = reexec(h, refused);

        ck_assert_msg(r.status == 0, "sockactl reexec: exit %d\nstdout:\n%sstderr:\n%ssockactd:\n%s",
                      r.status, r.out, r.err, harness_log_tail(h));
        ck_assert_msg(number_after(r.out, "pid: ") == h->pid,
                      "sockactl reexec: pid %ld, sockactd is %d:\n%s", number_after(r.out, "pid: "),
                      (int) h->pid, r.out);
        ck_assert_msg(count_lines(r.out, "") == 3, "sockactl reexec printed:\n%s", r.out);
        if (ret_listening)
                *ret_listening = number_after(r.out, "listening: ");
        if (ret_instances)
                *ret_instances = number_after(r.out, "instances: ");
        run_result_clear(&r);
        wait_log(h, &offset, "sockactd: Re-executing ");
        wait_log(h, &offset, "sockactd: Re-executed: ");
        ck_assert(process_running(h->pid));
}

/* The inode of the one socket listening on 127.0.0.1:port (/proc/net/tcp: "sl local remote st ...
 * inode", the address as the kernel's hex of the network-order value), which sockactd must hold. */
static unsigned long listener_inode(const struct harness *h, uint16_t port)
{
        _cleanup_free_ char *table = NULL,
                            *local = format("%08X:%04X", (unsigned) htonl(INADDR_LOOPBACK), (unsigned) port);
        unsigned long inode = 0;
        size_t listeners = 0;

        ck_assert_int_eq(harness_read_file("/proc/net/tcp", PROC_NET_TCP_MAX, &table), 0);
        for (const char *line = strchr(table, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
                char address[64], state[8];
                unsigned long candidate;

                if (sscanf(line + 1, "%*s %63s %*s %7s %*s %*s %*s %*s %*s %lu", address, state,
                           &candidate) == 3 &&
                    streq(address, local) && streq(state, "0A")) {
                        inode = candidate;
                        listeners++;
                }
        }
        ck_assert_msg(listeners == 1, "%zu sockets listen on 127.0.0.1:%u, expected 1", listeners, port);
        ck_assert_msg(daemon_holds(h, inode), "sockactd does not hold the socket on 127.0.0.1:%u:\n%s", port,
                      harness_log_tail(h));
        return inode;
}

static void assert_same_listener(const struct harness *h, uint16_t port, unsigned long inode,
                                 const char *after)
{
        unsigned long now = listener_inode(h, port);

        ck_assert_msg(now == inode, "after %s, 127.0.0.1:%u is a new socket (inode %lu, was %lu):\n%s",
                      after, port, now, inode, harness_log_tail(h));
}

/* A connection to port is answered by a service, sockactd's child, that got the one socket of unit.
 * Returns the service's pid; *ret_request (may be NULL) is its "request=" count. */
static pid_t assert_serves(struct harness *h, uint16_t port, const char *unit, long *ret_request)
{
        _cleanup_free_ char *address = loopback(port), *report = request(h, address, SOCK_STREAM);

        assert_activation(h, report, 1, unit);
        assert_linef(report, "fd 3 name=%s type=stream listening=1 family=inet local=%s", unit, address);
        if (ret_request)
                *ret_request = number_after(report, "request=");
        return (pid_t) number_after(report, "pid=");
}

/* What an echo instance (/bin/echo hello) answers on port. */
static void assert_echoes(struct harness *h, uint16_t port)
{
        _cleanup_free_ char *address = loopback(port), *answer = NULL;
        int r = harness_request(h, address, SOCK_STREAM, T, &answer);

        ck_assert_msg(r == 0 && has_line(answer, "hello"), "%s answered (%s): %s\n%s", address, strerror(-r),
                      answer ? answer : "", harness_log_tail(h));
}

/* sockactl stop unit, and its main process pid is gone. */
static void stop_service(struct harness *h, const char *unit, pid_t pid)
{
        struct run_result r = ctl(h, "stop", unit);

        ck_assert_msg(r.status == 0, "stop %s: exit %d: %s", unit, r.status, r.err);
        run_result_clear(&r);
        ck_assert_msg(wait_gone(pid, T), "%s: its process %d still runs after sockactl stop:\n%s", unit,
                      (int) pid, harness_log_tail(h));
}

/* Sends text on the connection fd (non-blocking, as harness_connect() makes it). */
static void send_text(int fd, const char *text)
{
        ck_assert_int_eq(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t) strlen(text));
}

/* The next line the connection says, "" at EOF; fails after T. */
static char *read_line(struct harness *h, int fd)
{
        char buf[256];
        size_t n = 0;

        for (long long until = now_ms() + T; n < sizeof(buf) - 1;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;

                ck_assert_msg(now_ms() < until, "the connection said nothing within %d ms:\n%s", T,
                              harness_log_tail(h));
                ck_assert_int_eq(harness_pump(h, 0), 0);
                if (poll(&p, 1, 20) == 0)
                        continue;
                k = read(fd, buf + n, 1);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (k <= 0 || buf[n] == '\n')
                        break;
                n++;
        }
        buf[n] = '\0';
        return format("%s", buf);
}

static uint16_t local_port(int fd)
{
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);

        ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &sa, &len), 0);
        return ntohs(sa.sin_port);
}

/* The fds of sockactd above stderr without close-on-exec (/proc/PID/fdinfo/FD, "flags:" in octal), as
 * " fd N (what it is)" each; "" when there is none. */
static char *daemon_fds_without_cloexec(const struct harness *h)
{
        _cleanup_free_ char *dir = format("/proc/%d/fd", (int) h->pid);
        char *list = format("%s", "");
        DIR *d = opendir(dir);
        struct dirent *de;

        ck_assert_ptr_nonnull(d);
        while ((de = readdir(d))) {
                _cleanup_free_ char *info_path = NULL, *info = NULL, *flags = NULL, *link_path = NULL;
                char target[256] = "", *longer;
                int fd = atoi(de->d_name);

                if (de->d_name[0] == '.' || fd <= STDERR_FILENO)
                        continue;
                info_path = format("/proc/%d/fdinfo/%d", (int) h->pid, fd);
                if (harness_read_file(info_path, 64 << 10, &info) < 0)
                        continue; /* closed meanwhile */
                flags = line_starting(info, "flags:");
                ck_assert_ptr_nonnull(flags);
                if (strtoul(flags + strlen("flags:"), NULL, 8) & O_CLOEXEC)
                        continue;
                link_path = format("/proc/%d/fd/%d", (int) h->pid, fd);
                (void) readlink(link_path, target, sizeof(target) - 1);
                longer = format("%s fd %d (%s)", list, fd, target);
                free(list);
                list = longer;
        }
        closedir(d);
        return list;
}

/* ---- 10 re-executions under load ---- */

#define REEXECS                10
#define CONNECTIONS_PER_REEXEC 12 /* each reexec waits until the load has had these more answers */

/* inst.socket (Accept=yes, an echo per connection), web.socket (Accept=no, listen-service that keeps
 * running) and once.socket (Accept=no, a service that exits after each connection, so that sockactd
 * activates it for the next: its socket is sockactd's to watch) under a load, two clients each;
 * meanwhile 10 reexecs (a reexec refused because a unit is between two states is tried again, as
 * sockactd(8) says). Every connection is answered, sockactd keeps its pid, every listener keeps its
 * socket, and web.service is the same process throughout. */
START_TEST(test_reexec_under_load)
{
        struct harness h;
        uint16_t inst = free_port(AF_INET, SOCK_STREAM), web = free_port(AF_INET, SOCK_STREAM),
                 once = free_port(AF_INET, SOCK_STREAM);
        struct load l = { .lock = PTHREAD_MUTEX_INITIALIZER,
                          .deadline_ms = now_ms() + LOAD_SECONDS * 1000LL };
        struct load_client clients[] = { { .load = &l, .address = loopback(inst), .answer = "hello" },
                                         { .load = &l, .address = loopback(inst), .answer = "hello" },
                                         { .load = &l, .address = loopback(web), .answer = "end" },
                                         { .load = &l, .address = loopback(web), .answer = "end" },
                                         { .load = &l, .address = loopback(once), .answer = "end" },
                                         { .load = &l, .address = loopback(once), .answer = "end" } };
        _cleanup_free_ char *web_address = loopback(web), *report = NULL;
        unsigned long inst_inode, web_inode, once_inode;
        unsigned refused = 0;
        pid_t daemon_pid, web_pid;

        init(&h);
        write_accept(&h, "inst", inst, "/bin/echo hello");
        write_pair(&h, "web", web, KEEPS_RUNNING);
        /* no limit pauses once.socket (a paused socket refuses a reexec until the pause ends) */
        write_socket(&h, "once", once, "TriggerLimitBurst=0\nPollLimitBurst=0\n");
        write_service(&h, "once", ONE_REQUEST, "StartLimitIntervalSec=0\n");
        start(&h, NULL, 0, 3);
        daemon_pid = h.pid;
        inst_inode = listener_inode(&h, inst);
        web_inode = listener_inode(&h, web);
        once_inode = listener_inode(&h, once);
        web_pid = assert_serves(&h, web, "web.socket", NULL);
        for (size_t i = 0; i < ELEMENTSOF(clients); i++)
                ck_assert_int_eq(pthread_create(&clients[i].thread, NULL, load_run, &clients[i]), 0);
        wait_load_served(&h, &l, CONNECTIONS_PER_REEXEC);

        for (unsigned i = 0; i < REEXECS; i++) {
                unsigned served = load_served(&l);
                long listening = 0;

                assert_reexec(&h, &refused, &listening, NULL);
                ck_assert_int_eq(listening, 3);
                wait_load_served(&h, &l, served + CONNECTIONS_PER_REEXEC);
        }

        pthread_mutex_lock(&l.lock);
        l.stop = true;
        pthread_mutex_unlock(&l.lock);
        for (size_t i = 0; i < ELEMENTSOF(clients); i++) {
                ck_assert_int_eq(pthread_join(clients[i].thread, NULL), 0);
                free(clients[i].address);
        }
        fprintf(stderr,
                "test_reexec_under_load: %u connections answered, %u failed, through %d reexecs "
                "(%u refusals to try again)\n",
                l.served, l.failed, REEXECS, refused);
        ck_assert_msg(l.failed == 0, "%u of %u connections failed; the first: %s, answer %s\n%s", l.failed,
                      l.failed + l.served, l.first_error ? strerror(-l.first_error) : "wrong answer",
                      l.first_answer, harness_log_tail(&h));
        ck_assert_uint_gt(l.served, 0);
        ck_assert_int_eq(h.pid, daemon_pid);
        ck_assert_uint_eq(occurrences(h.log, "sockactd: Re-executed: "), REEXECS);
        assert_same_listener(&h, inst, inst_inode, "the reexecs");
        assert_same_listener(&h, web, web_inode, "the reexecs");
        assert_same_listener(&h, once, once_inode, "the reexecs");
        /* web.service was never started again: the one that ran before serves on */
        report = request(&h, web_address, SOCK_STREAM);
        ck_assert_msg(number_after(report, "pid=") == web_pid, "web.service is %ld, not %d as before",
                      number_after(report, "pid="), (int) web_pid);
        ck_assert_int_eq(status_number(&h, "web.service", "main_pid: "), web_pid);
        stop(&h);
}
END_TEST

/* ---- what goes on ---- */

/* A service started before a reexec is supervised after it: one that keeps running is stopped by
 * sockactl stop (its process ends, its status is dead, the next connection starts another); one
 * that exits on its own afterwards (--exit-after 2) is seen to exit, and the next connection starts a
 * new process. Nothing runs again on the way: no ExecStartPre= of the socket or the service. */
START_TEST(test_reexec_keeps_children)
{
        struct harness h;
        uint16_t keep = free_port(AF_INET, SOCK_STREAM), ends = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *pre_log = NULL, *pre_socket = NULL, *pre_service = NULL, *pre = NULL;
        long request_count = 0, listening = 0;
        pid_t kept, ending, again;

        init(&h);
        pre_log = path_in(&h, "pre.log");
        pre_socket = format("ExecStartPre=/bin/sh -c 'echo keep.socket >> %s'\n", pre_log);
        pre_service = format("ExecStartPre=/bin/sh -c 'echo keep.service >> %s'\n", pre_log);
        write_socket(&h, "keep", keep, pre_socket);
        write_service(&h, "keep", KEEPS_RUNNING, pre_service);
        write_pair(&h, "ends", ends, "--exit-after 2");
        start(&h, NULL, 0, 2);
        kept = assert_serves(&h, keep, "keep.socket", NULL);
        ending = assert_serves(&h, ends, "ends.socket", &request_count);
        ck_assert_int_eq(request_count, 1);

        assert_reexec(&h, NULL, &listening, NULL);
        ck_assert_int_eq(listening, 2);
        /* nothing ran again: neither the socket's nor the running service's ExecStartPre= */
        ck_assert_int_eq(harness_read_file(pre_log, OUTPUT_MAX, &pre), 0);
        ck_assert_str_eq(pre, "keep.socket\nkeep.service\n");

        /* both run on, known by their pids */
        ck_assert_int_eq(status_number(&h, "keep.service", "main_pid: "), kept);
        ck_assert_int_eq(status_number(&h, "ends.service", "main_pid: "), ending);
        ck_assert_int_eq(assert_serves(&h, keep, "keep.socket", NULL), kept);

        stop_service(&h, "keep.service", kept);
        wait_status_line(&h, "keep.service", "state: dead");
        again = assert_serves(&h, keep, "keep.socket", NULL);
        ck_assert_int_ne(again, kept);

        /* its second request ends it: sockactd sees the exit, and starts it anew for the next one */
        ck_assert_int_eq(assert_serves(&h, ends, "ends.socket", &request_count), ending);
        ck_assert_int_eq(request_count, 2);
        ck_assert_msg(wait_gone(ending, T), "ends.service %d did not exit after 2 requests", (int) ending);
        wait_status_line(&h, "ends.service", "state: dead");
        again = assert_serves(&h, ends, "ends.socket", &request_count);
        ck_assert_int_ne(again, ending);
        ck_assert_int_eq(request_count, 1);
        stop(&h);
}
END_TEST

/* An Accept=yes connection open across a reexec: its instance (/bin/cat) is counted and known by name
 * after it, still serves the connection, and when the client ends it the instance's end is seen: the
 * socket's ACTIVE count returns to 0 and the instance is gone. */
START_TEST(test_reexec_keeps_connection)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *address = loopback(port), *line = NULL, *instance = NULL, *running = NULL;
        _cleanup_close_ int fd = -1;
        long instances = 0;
        pid_t cat;
        struct run_result r;

        init(&h);
        write_accept(&h, "echo", port, "/bin/cat");
        start(&h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(&h, address, SOCK_STREAM, T, &fd), 0);
        send_text(fd, "before\n");
        line = read_line(&h, fd);
        ck_assert_str_eq(line, "before");
        free(line);
        instance = format("echo@0-%s-127.0.0.1:%u.service", address, local_port(fd));
        wait_status_line(&h, instance, "state: running");
        cat = (pid_t) status_number(&h, instance, "main_pid: ");
        ck_assert_int_eq(status_number(&h, "echo.socket", "connections: "), 1);

        assert_reexec(&h, NULL, NULL, &instances);
        ck_assert_int_eq(instances, 1);
        ck_assert_int_eq(status_number(&h, "echo.socket", "connections: "), 1);
        running = format("main_pid: %d", (int) cat);
        wait_status_line(&h, instance, "state: running");
        wait_status_line(&h, instance, running);

        send_text(fd, "after\n");
        line = read_line(&h, fd);
        ck_assert_str_eq(line, "after");
        free(line);
        ck_assert_int_eq(shutdown(fd, SHUT_WR), 0); /* cat reads EOF and exits */
        line = read_line(&h, fd);
        ck_assert_str_eq(line, "");
        ck_assert(wait_gone(cat, T));
        wait_connections(&h, "echo.socket", 0);
        r = ctl(&h, "status", instance);
        ck_assert_msg(r.status == 4, "status %s after its end: exit %d\n%s", instance, r.status, r.out);
        run_result_clear(&r);
        ck_assert_int_eq(status_number(&h, "echo.socket", "accepted: "), 1);
        stop(&h);
}
END_TEST

/* What sockactd holds survives a reexec: the fds stored with sockactl store (listed by sockactl stored,
 * the time left of one with --ttl, fetchable: the very pipe; two fds under a name with a space; and
 * one whose --ttl ends after the reexec is closed then), a service's fd store (listed by status, and
 * passed to its next run), and the counters of the socket units (ACCEPTED, so that the next instance
 * is numbered after the former ones, and ACTIVATIONS). */
START_TEST(test_reexec_keeps_what_is_held)
{
        struct harness h;
        uint16_t inst = free_port(AF_INET, SOCK_STREAM), web = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *inst_address = loopback(inst), *web_address = loopback(web),
                            *notifier = program("notifier"), *flag = NULL, *keeper = NULL, *next = NULL,
                            *ttl_line = NULL,
                            *kept_line = format("%-32s %5s %10s %12s", "kept", "1", "0", "-"),
                            *two_line = format("%-32s %5s %10s %12s", "two words", "2", "0", "-");
        char buf[8] = "", **names = NULL;
        int pipe_fds[2], expiring[2], *fds = NULL;
        size_t n = 0, offset;
        struct run_result r;

        init(&h);
        write_accept(&h, "inst", inst, "/bin/echo hello");
        write_pair(&h, "web", web, ONE_REQUEST);
        /* keeper.service: its first run stores a memfd and exits; each later run prints its fds */
        flag = path_in(&h, "flag");
        keeper = format("[Service]\nFileDescriptorStoreMax=1\nFileDescriptorStorePreserve=yes\n"
                        "ExecStart=/bin/sh -c 'if [ -e %s ]; then exec %s fds; else touch %s; exec %s "
                        "storemem:state:kept-across barrier:5000 exit:0; fi'\n",
                        flag, notifier, flag, notifier);
        ck_assert_int_eq(harness_write_unit(&h, "keeper.service", keeper), 0);
        start(&h, NULL, 0, 2);

        for (int i = 0; i < 3; i++)
                assert_echoes(&h, inst);
        assert_started_again(&h, web_address, "web.socket"); /* two activations */
        wait_connections(&h, "inst.socket", 0);
        ck_assert_int_eq(status_number(&h, "inst.socket", "accepted: "), 3);
        ck_assert_int_eq(status_number(&h, "web.socket", "activations: "), 2);

        ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
        r = ctl_fd(&h, pipe_fds[1], (const char *const[]){ "store", "kept", "3", NULL });
        ck_assert_msg(r.status == 0, "store kept: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        r = ctl_fd(&h, pipe_fds[1], (const char *const[]){ "store", "--ttl", "5min", "brief", "3", NULL });
        ck_assert_msg(r.status == 0, "store brief: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        /* both ends of the pipe under a name with a space, through libsockact */
        ck_assert_int_eq(sockact_store(h.runtime_dir, "two words", (int[]){ pipe_fds[1], pipe_fds[0] }, 2, 0,
                                       TIMEOUT_US),
                         0);
        close(pipe_fds[1]);

        r = ctl(&h, "start", "keeper.service");
        ck_assert_msg(r.status == 0, "start keeper.service: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        wait_log(&h, NULL, "keeper.service: FDSTORE=1: stored fd \"state\"");
        wait_status_line(&h, "keeper.service", "state: dead");
        wait_status_line(&h, "keeper.service", "fdstore: state");

        /* the only writer of a pipe, stored for a few seconds: its expiry is due after the reexec */
        ck_assert_int_eq(pipe2(expiring, O_CLOEXEC), 0);
        r = ctl_fd(&h, expiring[1], (const char *const[]){ "store", "--ttl", "5s", "expiring", "3", NULL });
        ck_assert_msg(r.status == 0, "store expiring: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        close(expiring[1]);

        assert_reexec(&h, NULL, NULL, NULL);
        offset = h.log_dropped + h.log_len;

        /* the counters */
        ck_assert_int_eq(status_number(&h, "inst.socket", "accepted: "), 3);
        ck_assert_int_eq(status_number(&h, "web.socket", "activations: "), 2);
        assert_echoes(&h, inst);
        next = format("inst@3-%s-127.0.0.1:", inst_address);
        wait_log(&h, &offset, next);
        wait_connections(&h, "inst.socket", 0);
        ck_assert_int_eq(status_number(&h, "inst.socket", "accepted: "), 4);

        /* the stored fds: listed, one with time left, and the very pipe */
        r = ctl(&h, "stored", NULL);
        ck_assert_msg(r.status == 0 && has_line(r.out, kept_line), "stored after the reexec: exit %d\n%s%s",
                      r.status, r.out, r.err);
        ck_assert_msg(has_line(r.out, two_line), "stored after the reexec:\n%s", r.out);
        ttl_line = line_starting(r.out, "brief ");
        ck_assert_msg(ttl_line && strstr(ttl_line, "min") && !endswith(ttl_line, " -"),
                      "stored after the reexec:\n%s", r.out);
        run_result_clear(&r);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "kept" }, 1, TIMEOUT_US, &fds, &names, &n),
                0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(names[0], "kept");
        ck_assert_int_eq(write(fds[0], "hi", 2), 2);
        close(fds[0]);
        free(fds);
        free(names);
        ck_assert_int_eq(read(pipe_fds[0], buf, sizeof(buf)), 2);
        ck_assert_str_eq(buf, "hi");
        ck_assert_int_eq(sockact_fetch(h.runtime_dir, (const char *[]){ "two words" }, 1, TIMEOUT_US, &fds,
                                       &names, &n),
                         0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(names[0], "two words");
        ck_assert_str_eq(names[1], "two words");
        ck_assert_int_eq(write(fds[0], "ho", 2), 2);
        memset(buf, 0, sizeof(buf));
        ck_assert_int_eq(read(fds[1], buf, sizeof(buf)), 2); /* the same pipe, both ends */
        ck_assert_str_eq(buf, "ho");
        close(fds[0]);
        close(fds[1]);
        free(fds);
        free(names);
        close(pipe_fds[0]);

        /* the one with a few seconds left: listed still, then closed when they are over (the write end
         * of the pipe gone, its reader sees the end) */
        r = ctl(&h, "stored", NULL);
        ck_assert_msg(r.status == 0 && has_line_starting(r.out, "expiring "),
                      "stored after the reexec, before the expiry:\n%s", r.out);
        run_result_clear(&r);
        {
                struct pollfd p = { .fd = expiring[0], .events = POLLIN };
                long long until = now_ms() + T;

                while (poll(&p, 1, 0) == 0) {
                        ck_assert_msg(
                                now_ms() < until,
                                "the stored fd that expires 5s after it was stored is still open after "
                                "%d ms more:\n%s",
                                T, harness_log_tail(&h));
                        ck_assert_int_eq(harness_pump(&h, 50), 0);
                }
                ck_assert_int_eq(read(expiring[0], buf, sizeof(buf)), 0);
                close(expiring[0]);
        }
        wait_log(&h, &offset, "Stored expiring (1 fds) expired");

        /* the fd store: listed, and the next run gets it */
        wait_status_line(&h, "keeper.service", "fdstore: state");
        r = ctl(&h, "start", "keeper.service");
        ck_assert_msg(r.status == 0, "start keeper.service: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        wait_log(&h, &offset, "fds 1\n");
        wait_log(&h, &offset, "fd 3 state kept-across\n");
        stop(&h);
}
END_TEST

/* A Type=notify service that runs across a reexec keeps what it told sockactd (STATUS=, shown by
 * status), and its watchdog goes on: WATCHDOG=1 sent across one reexec keeps it running; after the
 * pings stopped, another reexec, and WatchdogSec= still ends it (SIGABRT, result "watchdog"). */
START_TEST(test_reexec_keeps_notify_state)
{
        struct harness h;
        _cleanup_free_ char *notifier = program("notifier"), *service = NULL;
        size_t offset;
        pid_t pid;

        init(&h);
        service = format("[Service]\nType=notify\nWatchdogSec=3\n"
                         "ExecStart=%s 'send:READY=1|STATUS=serving two' watchdog:200:10 print:pings-done "
                         "sleep:20000\n",
                         notifier);
        ck_assert_int_eq(harness_write_unit(&h, "wd.service", service), 0);
        start(&h, NULL, 0, 0);
        offset = h.log_dropped + h.log_len;
        {
                struct run_result r = ctl(&h, "start", "wd.service");

                ck_assert_msg(r.status == 0, "start wd.service: exit %d: %s", r.status, r.err);
                run_result_clear(&r);
        }
        wait_status_line(&h, "wd.service", "state: running");
        wait_status_line(&h, "wd.service", "status: serving two");
        pid = (pid_t) status_number(&h, "wd.service", "main_pid: ");

        assert_reexec(&h, NULL, NULL, NULL); /* while it pings */
        ck_assert_int_eq(status_number(&h, "wd.service", "main_pid: "), pid);
        wait_status_line(&h, "wd.service", "status: serving two");
        wait_log(&h, &offset, "pings-done");
        assert_reexec(&h, NULL, NULL, NULL); /* once it stopped, within WatchdogSec= of its last ping */
        ck_assert_msg(!strstr(h.log, "Watchdog timeout"), "aborted before its pings stopped:\n%s",
                      harness_log_tail(&h));
        ck_assert_int_eq(status_number(&h, "wd.service", "main_pid: "), pid);
        wait_log(&h, &offset, "wd.service: Watchdog timeout: no WATCHDOG=1 within 3s, sending SIGABRT");
        ck_assert(wait_gone(pid, T));
        wait_status_line(&h, "wd.service", "result: watchdog");
        stop(&h);
}
END_TEST

/* ---- a state the new image cannot read ---- */

/* sockactd started from a copy, which is then replaced by a script that empties the state before it
 * executes the real sockactd: the new image finds no state it can read (sockactd(8)). The sockets
 * survive all the same (the same inodes, adopted by address, and answering), sockactd keeps its pid
 * and answers on its control socket again; the sockactl that asked sees its connection closed, and
 * says that it got no answer (exit 6), never that it succeeded. */
START_TEST(test_reexec_unreadable_state)
{
        struct harness h;
        uint16_t inst = free_port(AF_INET, SOCK_STREAM), web = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *copy = NULL, *real = NULL, *script = NULL, *script_path = NULL, *old_env = NULL,
                            *exe_link = NULL;
        char exe[4096] = "";
        unsigned long inst_inode, web_inode;
        size_t offset;
        struct run_result r;

        init(&h);
        real = realpath(program_path("SOCKACTD", "build/sockactd"), NULL);
        ck_assert_ptr_nonnull(real);
        ck_assert_int_eq(harness_install_file(&h, real, "sockactd", &copy), 0);
        write_accept(&h, "inst", inst, "/bin/echo hello");
        write_pair(&h, "web", web, ONE_REQUEST);
        old_env = getenv("SOCKACTD") ? format("%s", getenv("SOCKACTD")) : NULL;
        ck_assert_int_eq(setenv("SOCKACTD", copy, 1), 0);
        start(&h, NULL, 0, 2);
        if (old_env)
                ck_assert_int_eq(setenv("SOCKACTD", old_env, 1), 0);
        else
                ck_assert_int_eq(unsetenv("SOCKACTD"), 0);
        inst_inode = listener_inode(&h, inst);
        web_inode = listener_inode(&h, web);
        assert_echoes(&h, inst);
        assert_serves(&h, web, "web.socket", NULL);
        wait_connections(&h, "inst.socket", 0); /* settled: a reexec is not refused */
        wait_status_line(&h, "web.service", "state: dead");

        /* the upgrade: a script in the copy's place, which empties the state */
        script =
                format("#!/bin/sh\n"
                       "for a; do case $a in --deserialize=*) : > /proc/self/fd/${a#--deserialize=};; esac; "
                       "done\n"
                       "exec %s \"$@\"\n",
                       real);
        script_path = path_in(&h, "sockactd.new");
        {
                _cleanup_close_ int fd = open(script_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

                ck_assert_int_ge(fd, 0);
                ck_assert_int_eq(write(fd, script, strlen(script)), (ssize_t) strlen(script));
        }
        ck_assert_int_eq(chmod(script_path, 0755), 0);
        ck_assert_int_eq(rename(script_path, copy), 0);

        offset = h.log_dropped + h.log_len;
        r = ctl(&h, "reexec", NULL);
        fprintf(stderr,
                "test_reexec_unreadable_state: sockactl reexec: exit %d, stdout \"%s\", stderr \"%s\"\n",
                r.status, r.out, r.err);
        ck_assert_msg(r.status == 6 && strstr(r.err, "cannot reach sockactd") && !*r.out,
                      "sockactl reexec, the state lost: exit %d\nstdout:\n%sstderr:\n%ssockactd:\n%s",
                      r.status, r.out, r.err, harness_log_tail(&h));
        run_result_clear(&r);
        wait_log(&h, &offset, "sockactd: Re-executing ");
        wait_log(&h, &offset, "Cannot read the state the former sockactd left (Bad message)");
        wait_log(&h, &offset, "sockactd: 2 sockets listening, ready");

        /* the same process, now the real binary */
        ck_assert(process_running(h.pid));
        exe_link = format("/proc/%d/exe", (int) h.pid);
        ck_assert_int_gt(readlink(exe_link, exe, sizeof(exe) - 1), 0);
        ck_assert_str_eq(exe, real);

        assert_same_listener(&h, inst, inst_inode, "a reexec that lost its state");
        assert_same_listener(&h, web, web_inode, "a reexec that lost its state");
        assert_echoes(&h, inst);
        assert_serves(&h, web, "web.socket", NULL);
        r = ctl(&h, "list", NULL);
        ck_assert_msg(r.status == 0 && strstr(r.out, "inst.socket") && strstr(r.out, "web.socket"),
                      "list after the reexec: exit %d\n%s%s", r.status, r.out, r.err);
        run_result_clear(&r);
        stop(&h);
}
END_TEST

/* ---- refusals ---- */

/* A reexec is refused, and nothing changes (the pid, the sockets, the running service), while the unit
 * files are not those that run: one edited and not reloaded ("reload first"), one broken (its
 * file:line), and while a unit has not settled (a service in its ExecStartPre=, named). With the
 * files as they were and every unit settled, it goes through. */
START_TEST(test_reexec_refusals)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *broken = NULL, *address = loopback(port), *slow = NULL, *report = NULL;
        unsigned long inode;
        pid_t service;
        struct run_result r;

        init(&h);
        write_pair(&h, "web", port, KEEPS_RUNNING);
        slow = format("[Service]\nExecStartPre=/bin/sleep 30\nExecStart=/bin/sleep 30\n");
        ck_assert_int_eq(harness_write_unit(&h, "slow.service", slow), 0);
        start(&h, NULL, 0, 1);
        inode = listener_inode(&h, port);
        service = assert_serves(&h, port, "web.socket", NULL);

        /* edited, not reloaded */
        write_service(&h, "web", "--idle-exit-ms 40000", "");
        r = ctl(&h, "reexec", NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, "sockactl reload first") && !*r.out,
                      "reexec with an edited web.service: exit %d\nstdout:\n%sstderr:\n%s", r.status, r.out,
                      r.err);
        run_result_clear(&r);

        /* broken */
        write_service(&h, "web", KEEPS_RUNNING, "");
        write_socket(&h, "web", port, "Bogus=yes\n"); /* its line 3 */
        broken = format("%s/web.socket:3: ", h.unit_dir);
        r = ctl(&h, "reexec", NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, broken) && !*r.out,
                      "reexec with a broken web.socket: exit %d\nstdout:\n%sstderr:\n%s", r.status, r.out,
                      r.err);
        run_result_clear(&r);
        write_socket(&h, "web", port, "");

        /* a unit that has not settled */
        r = ctl(&h, "start", "slow.service");
        ck_assert_msg(r.status == 0, "start slow.service: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        wait_status_line(&h, "slow.service", "state: start-pre");
        r = ctl(&h, "reexec", NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, "slow.service") && strstr(r.err, "start-pre") &&
                              strstr(r.err, SETTLED_REFUSAL),
                      "reexec while slow.service starts: exit %d\nstdout:\n%sstderr:\n%s", r.status, r.out,
                      r.err);
        run_result_clear(&r);

        /* nothing changed */
        ck_assert_msg(!strstr(h.log, "Re-executing"), "sockactd re-executed:\n%s", harness_log_tail(&h));
        ck_assert(process_running(h.pid));
        assert_same_listener(&h, port, inode, "the refused reexecs");
        report = request(&h, address, SOCK_STREAM);
        ck_assert_int_eq(number_after(report, "pid="), service);
        ck_assert_int_eq(status_number(&h, "web.service", "main_pid: "), service);

        /* settled, and the files as loaded: it goes through */
        r = ctl(&h, "stop", "slow.service");
        ck_assert_msg(r.status == 0, "stop slow.service: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        assert_reexec(&h, NULL, NULL, NULL);
        assert_same_listener(&h, port, inode, "the reexec");
        ck_assert_int_eq(status_number(&h, "web.service", "main_pid: "), service);
        stop(&h);
}
END_TEST

/* In the ad-hoc mode (the units on sockactd's command line) a reexec is refused: exit 1, the reason
 * said, and sockactd goes on with the same socket. */
START_TEST(test_reexec_adhoc_refused)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *service = program("listen-service"), *tcp = loopback(port);
        unsigned long inode;
        unsigned sockets = 0;
        struct run_result r;

        init(&h);
        char *const args[] = { (char *) "--log-target",
                               (char *) "stderr",
                               (char *) "--log-level",
                               (char *) "debug",
                               (char *) "--runtime-dir",
                               h.runtime_dir,
                               (char *) "-l",
                               tcp,
                               service,
                               NULL };
        ck_assert_int_eq(harness_start_argv(&h, args, NULL), 0);
        ck_assert_msg(harness_wait_ready(&h, T, &sockets) == 0 && sockets == 1,
                      "sockactd -l did not start:\n%s", harness_log_tail(&h));
        inode = listener_inode(&h, port);

        r = ctl(&h, "reexec", NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, "command line") && !*r.out,
                      "reexec in the ad-hoc mode: exit %d\nstdout:\n%sstderr:\n%s", r.status, r.out, r.err);
        run_result_clear(&r);
        ck_assert_msg(!strstr(h.log, "Re-executing"), "sockactd re-executed:\n%s", harness_log_tail(&h));
        ck_assert(process_running(h.pid));
        assert_same_listener(&h, port, inode, "a refused reexec");
        free(request(&h, tcp, SOCK_STREAM));
        stop(&h);
}
END_TEST

/* A reexec that fails (status, stdout, stderr) and changes nothing: sockactd runs on, with the same
 * listener and service, and the fds it passes are close-on-exec again as they were. */
static struct run_result failed_reexec(struct harness *h, uint16_t port, unsigned long inode, pid_t service,
                                       const char *open_before)
{
        size_t offset = h->log_dropped + h->log_len;
        struct run_result r = ctl(h, "reexec", NULL);
        _cleanup_free_ char *open_after = NULL;

        wait_log(h, &offset, "Cannot re-execute");
        ck_assert(process_running(h->pid));
        open_after = daemon_fds_without_cloexec(h);
        ck_assert_msg(streq(open_after, open_before),
                      "after a failed reexec, fds without close-on-exec:%s\n(before it:%s)", open_after,
                      open_before);
        assert_same_listener(h, port, inode, "a failed reexec");
        ck_assert_int_eq(assert_serves(h, port, "web.socket", NULL), service);
        return r;
}

/* The binary cannot be executed (the file sockactd was started from is gone, then not executable): the
 * reexec fails with the reason and exit status 1 ("sockactd refused or failed the request",
 * sockactl(1)), and sockactd goes on as it was, every fd close-on-exec again; once the file is back,
 * a reexec goes through. */
START_TEST(test_reexec_exec_fails)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *copy = NULL, *real = NULL, *old_env = NULL, *again = NULL, *open_before = NULL;
        struct run_result missing, unexecutable;
        unsigned long inode;
        pid_t service;

        init(&h);
        real = realpath(program_path("SOCKACTD", "build/sockactd"), NULL);
        ck_assert_ptr_nonnull(real);
        ck_assert_int_eq(harness_install_file(&h, real, "sockactd", &copy), 0);
        write_pair(&h, "web", port, KEEPS_RUNNING);
        old_env = getenv("SOCKACTD") ? format("%s", getenv("SOCKACTD")) : NULL;
        ck_assert_int_eq(setenv("SOCKACTD", copy, 1), 0);
        start(&h, NULL, 0, 1);
        if (old_env)
                ck_assert_int_eq(setenv("SOCKACTD", old_env, 1), 0);
        else
                ck_assert_int_eq(unsetenv("SOCKACTD"), 0);
        inode = listener_inode(&h, port);
        service = assert_serves(&h, port, "web.socket", NULL);
        open_before = daemon_fds_without_cloexec(&h); /* what it inherited from the test, if anything */

        ck_assert_int_eq(unlink(copy), 0);
        missing = failed_reexec(&h, port, inode, service, open_before);
        ck_assert_int_eq(harness_install_file(&h, real, "sockactd", &again), 0);
        ck_assert_int_eq(chmod(again, 0644), 0);
        unexecutable = failed_reexec(&h, port, inode, service, open_before);

        ck_assert_int_eq(chmod(again, 0755), 0);
        assert_reexec(&h, NULL, NULL, NULL);
        assert_same_listener(&h, port, inode, "the reexec");
        ck_assert_int_eq(status_number(&h, "web.service", "main_pid: "), service);

        /* what sockactl said of the failures */
        ck_assert_msg(missing.status == 1 && strstr(missing.err, "No such file or directory") &&
                              !*missing.out && unexecutable.status == 1 &&
                              strstr(unexecutable.err, "Permission denied") && !*unexecutable.out,
                      "reexec of a missing binary: exit %d, stderr: %s"
                      "reexec of a binary that is not executable: exit %d, stderr: %s"
                      "(expected exit 1 for both, sockactl(1): 4 is \"no such unit\", 5 \"not allowed\")",
                      missing.status, missing.err, unexecutable.status, unexecutable.err);
        run_result_clear(&missing);
        run_result_clear(&unexecutable);
        stop(&h);
}
END_TEST

/* ---- what a service started afterwards gets ---- */

/* Waits until fd-report has written its report to path and exited; returns that report. */
static char *fd_report_in(struct harness *h, const char *path)
{
        for (long long until = now_ms() + T;;) {
                _cleanup_free_ char *text = NULL;
                size_t running = 0;

                /* count first, then read: a report read after its writer was gone is complete */
                ck_assert_int_eq(harness_count_children(h, "fd-report", &running), 0);
                if (harness_read_file(path, HARNESS_REPORT_MAX, &text) == 0 && startswith(text, "pid ") &&
                    running == 0)
                        return TAKE_PTR(text);
                ck_assert_msg(now_ms() < until, "no report from fd-report in %s:\n%s", path,
                              harness_log_tail(h));
                ck_assert_int_eq(harness_pump(h, 20), 0);
        }
}

/* rep.service (fd-report, its output appended to path) started by sockactl start; its report. */
static char *run_fd_report(struct harness *h, const char *path)
{
        struct run_result r;

        ck_assert_int_eq(truncate(path, 0), 0);
        r = ctl(h, "start", "rep.service");
        ck_assert_msg(r.status == 0, "start rep.service: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        return fd_report_in(h, path);
}

/* The report's "fd N ..." lines, in their order. */
static char *fd_lines(const char *report)
{
        char *lines = format("%s", "");

        for (const char *p = report; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (startswith(p, "fd ")) {
                        char *longer = format("%s%.*s\n", lines, (int) strcspn(p, "\n"), p);

                        free(lines);
                        lines = longer;
                }
        return lines;
}

/* Exactly stdin, stdout, stderr and its two listeners at 3 and 4 (unix_path the second), LISTEN_FDS=2. */
static void assert_own_fds(const char *report, const char *unix_path, const char *when)
{
        _cleanup_free_ char *fd3 = line_starting(report, "fd 3 cloexec=0 "),
                            *fd4 = line_starting(report, "fd 4 cloexec=0 ");

        ck_assert_msg(count_lines(report, "fd ") == 5, "%s, the service has other fds than 0-4:\n%s", when,
                      report);
        assert_line(report, "fd 0 cloexec=0 nonblock=0 kind=chr");
        ck_assert_msg(fd3 && endswith(fd3, " kind=stream"), "%s, fd 3 is not its TCP listener:\n%s", when,
                      report);
        ck_assert_msg(fd4 && strstr(fd4, " kind=stream path=") && endswith(fd4, unix_path),
                      "%s, fd 4 is not its Unix listener:\n%s", when, report);
        assert_line(report, "env LISTEN_FDS=2");
        assert_line(report, "env LISTEN_FDNAMES=rep.socket:rep.socket");
}

/* After a reexec whose state passed many fds (the listeners, an Accept=yes connection, a stored pipe,
 * the control, notify and fd sockets, the lock), a service then started gets exactly its own fds, as
 * before, and the same RLIMIT_NOFILE as before (the one sockactd was started with, not the one it
 * raised to); sockactd's own fds are all close-on-exec again. */
START_TEST(test_reexec_child_fds)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), echo = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *output = NULL, *unix_path = NULL, *socket_text = NULL, *service_text = NULL,
                            *fd_report = program("fd-report"), *echo_address = loopback(echo),
                            *before = NULL, *after = NULL, *nofile_before = NULL, *nofile_after = NULL,
                            *line = NULL, *fds_before = NULL, *fds_after = NULL, *open_after = NULL;
        _cleanup_close_ int connection = -1;
        struct rlimit saved, lowered;
        int pipe_fds[2];
        struct run_result r;

        init(&h);
        output = path_in(&h, "report");
        unix_path = path_in(&h, "rep.sock");
        socket_text = format("[Socket]\nListenStream=127.0.0.1:%u\nListenStream=%s\n", port, unix_path);
        service_text = format("[Service]\nExecStart=%s\nStandardOutput=append:%s\n", fd_report, output);
        ck_assert_int_eq(harness_write_unit(&h, "rep.socket", socket_text), 0);
        ck_assert_int_eq(harness_write_unit(&h, "rep.service", service_text), 0);
        write_accept(&h, "echo", echo, "/bin/cat");
        ck_assert_int_eq(close(open(output, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)), 0);

        /* a soft limit below the hard one, which sockactd raises for itself and keeps for its services */
        ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
        lowered = saved;
        if (saved.rlim_max > CHILD_NOFILE)
                lowered.rlim_cur = CHILD_NOFILE;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lowered), 0);
        start(&h, NULL, 0, 3);
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);

        /* more in the state: a connection with its instance, a stored pipe */
        ck_assert_int_eq(harness_connect(&h, echo_address, SOCK_STREAM, T, &connection), 0);
        send_text(connection, "x\n");
        line = read_line(&h, connection);
        ck_assert_str_eq(line, "x");
        ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
        r = ctl_fd(&h, pipe_fds[1], (const char *const[]){ "store", "kept", "3", NULL });
        ck_assert_msg(r.status == 0, "store kept: exit %d: %s", r.status, r.err);
        run_result_clear(&r);
        close(pipe_fds[0]);
        close(pipe_fds[1]);

        before = run_fd_report(&h, output);
        assert_own_fds(before, unix_path, "before the reexec");
        nofile_before = line_starting(before, "nofile ");
        ck_assert_ptr_nonnull(nofile_before);
        if (saved.rlim_max > CHILD_NOFILE) {
                _cleanup_free_ char *expected = format("nofile %d ", CHILD_NOFILE);

                ck_assert_msg(startswith(nofile_before, expected), "before: %s", nofile_before);
        }

        assert_reexec(&h, NULL, NULL, NULL);
        open_after = daemon_fds_without_cloexec(&h);
        ck_assert_msg(!*open_after, "after the reexec, sockactd has fds without close-on-exec:%s\n%s",
                      open_after, harness_log_tail(&h));
        after = run_fd_report(&h, output);
        assert_own_fds(after, unix_path, "after the reexec");
        fds_before = fd_lines(before);
        fds_after = fd_lines(after);
        ck_assert_msg(streq(fds_before, fds_after), "the service's fds before the reexec:\n%safter:\n%s",
                      fds_before, fds_after);
        nofile_after = line_starting(after, "nofile ");
        ck_assert_msg(nofile_after && streq(nofile_after, nofile_before),
                      "RLIMIT_NOFILE: %s before, %s after", nofile_before,
                      nofile_after ? nofile_after : "none");

        /* the connection is still served */
        free(line);
        send_text(connection, "y\n");
        line = read_line(&h, connection);
        ck_assert_str_eq(line, "y");
        stop(&h);
}
END_TEST

/* ---- under a manager of its own ---- */

/* Appends what arrives on fd within timeout_ms to *text (each datagram followed by "\n--\n"). */
static void receive(int fd, int timeout_ms, char **text)
{
        for (long long until = now_ms() + timeout_ms, now; (now = now_ms()) < until;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                char buf[4096];
                ssize_t n;

                if (poll(&p, 1, (int) (until - now)) <= 0)
                        break;
                n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                if (n <= 0)
                        continue;
                buf[n] = '\0';
                ck_assert_int_ge(strextend_printf(text, "%s\n--\n", buf), 0);
        }
}

/* Under systemd ($NOTIFY_SOCKET, $WATCHDOG_USEC), a reexec is a reload to the manager: RELOADING=1
 * before it, READY=1 (with the counts) once the new image has taken everything back, and WATCHDOG=1
 * goes on from the new image; its services still do not get the manager's variables. */
START_TEST(test_reexec_tells_its_manager)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_free_ char *path = NULL, *notify_env = NULL, *received = NULL, *report = NULL,
                            *address = loopback(port);
        _cleanup_close_ int fd = -1;
        const char *after_ready;
        unsigned sockets = 0;

        init(&h);
        write_pair(&h, "web", port, ONE_REQUEST);
        path = path_in(&h, "manager.sock");
        ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        notify_env = format("NOTIFY_SOCKET=%s", path);
        char *args[] = { (char *) "--unit-dir",
                         h.unit_dir,
                         (char *) "--runtime-dir",
                         h.runtime_dir,
                         (char *) "--log-target",
                         (char *) "stderr",
                         (char *) "--log-level",
                         (char *) "debug",
                         NULL };
        char *env[] = { notify_env, (char *) "WATCHDOG_USEC=200000", NULL };
        ck_assert_int_eq(harness_start_argv(&h, args, env), 0);
        ck_assert_int_eq(harness_wait_ready(&h, T, &sockets), 0);
        ck_assert_uint_eq(sockets, 1);
        receive(fd, 300, &received);
        ck_assert_msg(received && strstr(received, "READY=1\nSTATUS=1 sockets listening, 0 failed\n--\n"),
                      "no READY=1 in:\n%s", received ? received : "(nothing)");
        free(TAKE_PTR(received));

        assert_reexec(&h, NULL, NULL, NULL);
        receive(fd, 1000, &received);
        ck_assert_msg(
                received && strstr(received, "RELOADING=1\nMONOTONIC_USEC=") &&
                        (after_ready = strstr(strstr(received, "RELOADING=1"),
                                              "READY=1\nSTATUS=1 sockets listening, 0 failed\n--\n")) &&
                        strstr(after_ready, "WATCHDOG=1"),
                "no RELOADING=1, then READY=1, then WATCHDOG=1 around the reexec in:\n%s",
                received ? received : "(nothing)");

        report = request(&h, address, SOCK_STREAM);
        ck_assert_msg(!strstr(report, "NOTIFY_SOCKET") && !strstr(report, "WATCHDOG_USEC"),
                      "the service got sockactd's own notification variables:\n%s", report);
        stop(&h);
}
END_TEST

/* ---- loans ---- */

/* A process that fetched a socket (sockactl fetch) before a reexec still has it to itself after it:
 * sockactd activates nothing through it; once the fetcher exits, it watches the socket again and the
 * next connection starts the service. */
START_TEST(test_reexec_keeps_loans)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *address = loopback(port), *fetcher_log = NULL, *listen_service = NULL,
                            *report = NULL;
        char *argv[] = { (char *) program_path("SOCKACTL", "build/sockactl"),
                         (char *) "--runtime-dir",
                         NULL,
                         (char *) "fetch",
                         (char *) "web.socket",
                         (char *) "--",
                         NULL,
                         (char *) "--idle-exit-ms",
                         (char *) "30000",
                         NULL };
        posix_spawn_file_actions_t actions;
        size_t offset = 0;
        pid_t fetcher, service;
        int status;

        init(&h);
        write_pair(&h, "web", port, KEEPS_RUNNING);
        start(&h, NULL, 0, 1);
        fetcher_log = path_in(&h, "fetcher.log");
        listen_service = program("listen-service");
        argv[2] = h.runtime_dir;
        argv[6] = listen_service;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, fetcher_log, O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        ck_assert_int_eq(posix_spawn(&fetcher, argv[0], &actions, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        wait_log(&h, &offset, "web.socket: Fetched: not watched while the fetcher runs");
        report = request(&h, address, SOCK_STREAM);
        ck_assert_int_eq(number_after(report, "pid="), fetcher);
        free(TAKE_PTR(report));

        assert_reexec(&h, NULL, NULL, NULL);
        offset = h.log_dropped + h.log_len;
        report = request(&h, address, SOCK_STREAM);
        ck_assert_msg(number_after(report, "pid=") == fetcher, "served by %ld, not by the fetcher %d",
                      number_after(report, "pid="), (int) fetcher);
        free(TAKE_PTR(report));
        ck_assert_msg(!strstr(log_since(&h, offset), "activating web.service"),
                      "sockactd activated web.service through a fetched socket:\n%s", harness_log_tail(&h));
        wait_status_line(&h, "web.service", "state: dead");

        ck_assert_int_eq(kill(fetcher, SIGTERM), 0);
        ck_assert_int_eq(waitpid(fetcher, &status, 0), fetcher);
        wait_log(&h, &offset, "web.socket: Every fetcher has exited: watched again");
        service = assert_serves(&h, port, "web.socket", NULL);
        ck_assert_int_ne(service, fetcher);
        stop(&h);
}
END_TEST

Suite *reexec_suite(void)
{
        Suite *s = suite_create("reexec");
        TCase *t = tcase_create("reexec"), *load = tcase_create("load");

        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_reexec_keeps_children);
        tcase_add_test(t, test_reexec_keeps_connection);
        tcase_add_test(t, test_reexec_keeps_what_is_held);
        tcase_add_test(t, test_reexec_keeps_notify_state);
        tcase_add_test(t, test_reexec_unreadable_state);
        tcase_add_test(t, test_reexec_refusals);
        tcase_add_test(t, test_reexec_adhoc_refused);
        tcase_add_test(t, test_reexec_exec_fails);
        tcase_add_test(t, test_reexec_child_fds);
        tcase_add_test(t, test_reexec_keeps_loans);
        tcase_add_test(t, test_reexec_tells_its_manager);
        suite_add_tcase(s, t);

        /* the load ends after LOAD_SECONDS at the latest; the reexecs and the waits take a few T more */
        tcase_set_timeout(load, LOAD_SECONDS + 60);
        tcase_add_unchecked_fixture(load, harness_root_setup, harness_root_teardown);
        tcase_add_test(load, test_reexec_under_load);
        suite_add_tcase(s, load);
        return s;
}
