/* Reload against the real sockactd: "sockactl reload" and SIGHUP re-read the unit directory and
 * apply the difference, or change nothing when a file is broken; --dry-run says the same and changes
 * nothing. What the tests check is what an administrator would: the lines sockactl prints, which
 * ports answer or refuse, which process serves, and that a listener that stays is the very same
 * socket (its inode in /proc/net/tcp, held by sockactd) — also through 50 reloads under load. */
#include "tests.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "harness.h"
#include "traffic.h"
#include "support.h"
#include "util.h"

#define PROC_NET_TCP_MAX (8 << 20) /* /proc/net/tcp also lists every connection in TIME_WAIT */
#define OUTPUT_MAX       (64 << 10)
#define ONE_REQUEST      "--exit-after 1" /* each connection activates the service anew */
#define KEEPS_RUNNING    "--idle-exit-ms 30000"

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

static void remove_pair(struct harness *h, const char *name)
{
        static const char *const suffixes[] = { "socket", "service" };

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                _cleanup_free_ char *path = format("%s/%s.%s", h->unit_dir, name, suffixes[i]);

                ck_assert_int_eq(unlink(path), 0);
        }
}

/* "sockactl reload [--dry-run]", run to its end while sockactd's log is read: under load sockactd
 * logs every connection, and a log pipe left full would stall the very reload under test. */
static struct run_result reload(struct harness *h, bool dry_run)
{
        char *argv[] = { (char *) program_path("SOCKACTL", "build/sockactl"),
                         (char *) "--runtime-dir",
                         h->runtime_dir,
                         (char *) "reload",
                         dry_run ? (char *) "--dry-run" : NULL,
                         NULL };
        _cleanup_free_ char *out = path_in(h, "reload.out"), *err = path_in(h, "reload.err");
        struct run_result result = { 0 };
        long long deadline = now_ms() + RUN_TIMEOUT_MS;
        posix_spawn_file_actions_t actions;
        int status = 0;
        pid_t pid;

        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
                        ck_abort_msg("sockactl reload did not finish within %d ms:\n%s", RUN_TIMEOUT_MS,
                                     harness_log_tail(h));
                }
                ck_assert_int_eq(harness_pump(h, 5), 0);
        }
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ck_assert_int_eq(harness_read_file(out, OUTPUT_MAX, &result.out), 0);
        ck_assert_int_eq(harness_read_file(err, OUTPUT_MAX, &result.err), 0);
        return result;
}

/* A reload (or its dry run) that exits 0 and prints exactly expected. */
static void assert_reload(struct harness *h, bool dry_run, const char *expected)
{
        struct run_result r = reload(h, dry_run);

        ck_assert_msg(r.status == 0 && streq(r.out, expected),
                      "sockactl reload%s: exit %d, expected 0 and:\n%sstdout:\n%sstderr:\n%ssockactd:\n%s",
                      dry_run ? " --dry-run" : "", r.status, expected, r.out, r.err, harness_log_tail(h));
        run_result_clear(&r);
}

/* SIGHUP to sockactd, then needle in its log; returns where the log stood before the signal. */
static size_t sighup(struct harness *h, const char *needle)
{
        size_t before = h->log_dropped + h->log_len, offset = before;

        ck_assert_int_eq(kill(h->pid, SIGHUP), 0);
        wait_log(h, &offset, needle);
        return before;
}

static struct run_result sockactl(const struct harness *h, const char *verb, const char *unit)
{
        return sockactl_run(h, 0, 0, (const char *const[]){ verb, unit, NULL });
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

/* The listener on 127.0.0.1:port is still the socket of that inode, after what the reload changed. */
static void assert_same_listener(const struct harness *h, uint16_t port, unsigned long inode,
                                 const char *after)
{
        unsigned long now = listener_inode(h, port);

        ck_assert_msg(now == inode, "after %s, 127.0.0.1:%u is a new socket (inode %lu, was %lu):\n%s",
                      after, port, now, inode, harness_log_tail(h));
}

static void assert_refused(struct harness *h, uint16_t port)
{
        _cleanup_free_ char *address = loopback(port);
        int fd = -1, r = harness_connect(h, address, SOCK_STREAM, T, &fd);

        if (r == 0)
                close(fd);
        ck_assert_msg(r == -ECONNREFUSED, "connecting to %s: %s, not refused:\n%s", address,
                      r == 0 ? "connected" : strerror(-r), harness_log_tail(h));
}

/* A connection to port activates a service that gets the one socket of unit, and answers. Returns
 * the service's pid. */
static pid_t assert_serves(struct harness *h, uint16_t port, const char *unit)
{
        _cleanup_free_ char *address = loopback(port), *report = request(h, address, SOCK_STREAM);

        assert_activation(h, report, 1, unit);
        assert_linef(report, "fd 3 name=%s type=stream listening=1 family=inet local=%s", unit, address);
        return (pid_t) number_after(report, "pid=");
}

/* A request to address is answered by the service that runs as pid. */
static void assert_served_by(struct harness *h, const char *address, pid_t pid)
{
        _cleanup_free_ char *report = request(h, address, SOCK_STREAM);

        ck_assert_msg(number_after(report, "pid=") == pid, "served by %ld, not by the running %d",
                      number_after(report, "pid="), (int) pid);
}

/* sockactl stop unit, and its main process pid is gone. */
static void stop_service(struct harness *h, const char *unit, pid_t pid)
{
        struct run_result r = sockactl(h, "stop", unit);

        ck_assert_msg(r.status == 0, "stop %s: exit %d: %s", unit, r.status, r.err);
        run_result_clear(&r);
        ck_assert(wait_gone(pid, T));
}

/* /proc/PID/cmdline, its arguments joined by spaces. */
static char *command_line(pid_t pid)
{
        _cleanup_free_ char *path = format("/proc/%d/cmdline", (int) pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char buf[4096];
        ssize_t n;

        ck_assert_int_ge(fd, 0);
        n = read(fd, buf, sizeof(buf) - 1);
        ck_assert_int_gt(n, 0);
        for (ssize_t i = 0; i < n - 1; i++)
                buf[i] = buf[i] ? buf[i] : ' ';
        buf[n] = '\0';
        return format("%s", buf);
}

/* ---- the tests ---- */

/* A new ListenStream= moves the unit: the new address activates the service, the old one refuses. */
START_TEST(test_reload_moves_listener)
{
        struct harness h;
        uint16_t old_port = free_port(AF_INET, SOCK_STREAM), new_port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *expected =
                                    format("x.socket: changed: opens 127.0.0.1:%u, closes 127.0.0.1:%u\n",
                                           new_port, old_port),
                            *listen = format("listen: 127.0.0.1:%u", new_port);
        struct run_result status;

        init(&h);
        write_pair(&h, "x", old_port, KEEPS_RUNNING);
        start(&h, NULL, 0, 1);

        write_socket(&h, "x", new_port, "");
        assert_reload(&h, false, expected);
        assert_serves(&h, new_port, "x.socket");
        assert_refused(&h, old_port);
        status = sockactl(&h, "status", "x.socket");
        ck_assert_msg(status.status == 0 && has_line(status.out, listen) &&
                              count_lines(status.out, "listen:") == 1,
                      "status x.socket after the reload:\n%s%s", status.out, status.err);
        run_result_clear(&status);
        stop(&h);
}
END_TEST

/* One broken file refuses the whole reload, by sockactl and by SIGHUP alike: the new unit next to it
 * is not added, and the units that were there serve on the very same sockets. */
START_TEST(test_reload_refuses_broken_unit)
{
        struct harness h;
        uint16_t a = free_port(AF_INET, SOCK_STREAM), b = free_port(AF_INET, SOCK_STREAM),
                 c = free_port(AF_INET, SOCK_STREAM);
        unsigned long a_inode, b_inode;
        struct run_result real, dry, status;
        _cleanup_free_ char *error = NULL;
        size_t offset;

        init(&h);
        write_pair(&h, "a", a, ONE_REQUEST);
        write_pair(&h, "b", b, ONE_REQUEST);
        start(&h, NULL, 0, 2);
        a_inode = listener_inode(&h, a);
        b_inode = listener_inode(&h, b);

        write_socket(&h, "b", b, "Bogus=yes\n"); /* its line 3 */
        write_pair(&h, "c", c, ONE_REQUEST);
        error = format("%s/b.socket:3: ", h.unit_dir);
        real = reload(&h, false);
        ck_assert_msg(real.status == 1 && strstr(real.err, error) && !strstr(real.out, "c.socket"),
                      "reload with a broken b.socket: exit %d\nstdout:\n%sstderr:\n%s", real.status,
                      real.out, real.err);
        dry = reload(&h, true);
        ck_assert_msg(dry.status == 1 && streq(dry.err, real.err), "dry run: exit %d, stderr:\n%s",
                      dry.status, dry.err);
        run_result_clear(&real);
        run_result_clear(&dry);
        assert_refused(&h, c);
        assert_serves(&h, a, "a.socket");
        assert_serves(&h, b, "b.socket");
        assert_same_listener(&h, a, a_inode, "a refused reload");
        assert_same_listener(&h, b, b_inode, "a refused reload");
        status = sockactl(&h, "status", "c.socket");
        ck_assert_msg(status.status == 4, "status c.socket: exit %d\n%s", status.status, status.out);
        run_result_clear(&status);

        offset = sighup(&h, "Reload refused");
        wait_log(&h, &offset, error);
        ck_assert(process_running(h.pid));
        assert_refused(&h, c);
        assert_serves(&h, a, "a.socket");
        assert_serves(&h, b, "b.socket");
        assert_same_listener(&h, a, a_inode, "a refused SIGHUP");
        assert_same_listener(&h, b, b_inode, "a refused SIGHUP");
        stop(&h);
}
END_TEST

/* A listener that stays keeps its socket through reloads that change everything around it: another
 * unit added and removed, the service's arguments, in-place options (KeepAlive=, then Backlog= by
 * SIGHUP). The service then activated gets that very socket. */
START_TEST(test_reload_keeps_sockets)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), other = free_port(AF_INET, SOCK_STREAM);
        unsigned long inode;
        pid_t service;

        init(&h);
        write_pair(&h, "web", port, KEEPS_RUNNING);
        start(&h, NULL, 0, 1);
        inode = listener_inode(&h, port);

        write_pair(&h, "other", other, KEEPS_RUNNING);
        assert_reload(&h, false, "other.service: added\nother.socket: added\n");
        assert_same_listener(&h, port, inode, "adding other.socket");
        remove_pair(&h, "other");
        assert_reload(&h, false, "other.service: removed\nother.socket: removed\n");
        assert_same_listener(&h, port, inode, "removing other.socket");
        write_service(&h, "web", "--idle-exit-ms 40000", "");
        assert_reload(&h, false, "web.service: changed\n");
        assert_same_listener(&h, port, inode, "changing ExecStart=");
        write_socket(&h, "web", port, "KeepAlive=yes\n");
        assert_reload(&h, false, "web.socket: changed\n");
        assert_same_listener(&h, port, inode, "KeepAlive=yes");
        write_socket(&h, "web", port, "KeepAlive=yes\nBacklog=64\n");
        (void) sighup(&h, "Reloaded");
        assert_same_listener(&h, port, inode, "Backlog=64 by SIGHUP");

        service = assert_serves(&h, port, "web.socket");
        ck_assert_uint_eq(socket_inode(service, "3"), inode);
        stop(&h);
}
END_TEST

/* --dry-run prints what the reload will print and changes nothing, however often it runs; the reload
 * then prints the same and applies it; after it, a dry run finds nothing left to change. */
START_TEST(test_reload_dry_run)
{
        struct harness h;
        uint16_t keep = free_port(AF_INET, SOCK_STREAM), gone = free_port(AF_INET, SOCK_STREAM),
                 added = free_port(AF_INET, SOCK_STREAM), moved = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *expected =
                format("gone.service: removed\ngone.socket: removed\n"
                       "keep.socket: changed: opens 127.0.0.1:%u, closes 127.0.0.1:%u\n"
                       "new.service: added\nnew.socket: added\n",
                       moved, keep);
        struct run_result list;

        init(&h);
        write_pair(&h, "keep", keep, ONE_REQUEST);
        write_pair(&h, "gone", gone, ONE_REQUEST);
        start(&h, NULL, 0, 2);

        write_socket(&h, "keep", moved, "");
        remove_pair(&h, "gone");
        write_pair(&h, "new", added, ONE_REQUEST);
        assert_reload(&h, true, expected);
        assert_reload(&h, true, expected);
        assert_serves(&h, keep, "keep.socket");
        assert_serves(&h, gone, "gone.socket");
        assert_refused(&h, added);
        assert_refused(&h, moved);
        list = sockactl(&h, "list", NULL);
        ck_assert_msg(strstr(list.out, "gone.socket") && !strstr(list.out, "new.socket"), "list:\n%s",
                      list.out);
        run_result_clear(&list);

        assert_reload(&h, false, expected);
        assert_serves(&h, moved, "keep.socket");
        assert_serves(&h, added, "new.socket");
        assert_refused(&h, keep);
        assert_refused(&h, gone);
        assert_reload(&h, true, "No unit changed\n");
        stop(&h);
}
END_TEST

/* A unit added activates its service; a unit removed refuses, its running service stopped. */
START_TEST(test_reload_adds_and_removes)
{
        struct harness h;
        uint16_t old_port = free_port(AF_INET, SOCK_STREAM), new_port = free_port(AF_INET, SOCK_STREAM);
        struct run_result status, list;
        pid_t old_service;

        init(&h);
        write_pair(&h, "old", old_port, KEEPS_RUNNING);
        start(&h, NULL, 0, 1);
        old_service = assert_serves(&h, old_port, "old.socket");

        remove_pair(&h, "old");
        write_pair(&h, "new", new_port, KEEPS_RUNNING);
        assert_reload(&h, false,
                      "new.service: added\nnew.socket: added\nold.service: removed\nold.socket: removed\n");
        ck_assert_msg(wait_gone(old_service, T), "the service %d of the removed old.socket still runs:\n%s",
                      (int) old_service, harness_log_tail(&h));
        assert_refused(&h, old_port);
        assert_serves(&h, new_port, "new.socket");

        status = sockactl(&h, "status", "old.socket");
        ck_assert_msg(status.status == 4, "status old.socket: exit %d\n%s", status.status, status.out);
        run_result_clear(&status);
        list = sockactl(&h, "list", NULL);
        ck_assert_msg(strstr(list.out, "new.socket") && !strstr(list.out, "old.socket"), "list:\n%s",
                      list.out);
        run_result_clear(&list);
        stop(&h);
}
END_TEST

/* A changed service is not restarted: the running one keeps serving; the next start runs the new
 * ExecStart=. */
/* Service= changes while the former service runs with the fds: the socket is not watched until that
 * one is down, so that no second service serves the same listener; then the new one is activated. */
START_TEST(test_reload_changes_service)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *address = loopback(port);
        struct run_result r;
        pid_t first, second;

        init(&h);
        write_pair(&h, "web", port, "--idle-exit-ms 30000");
        write_service(&h, "other", "--idle-exit-ms 30000", "");
        start(&h, NULL, 0, 1);
        first = assert_serves(&h, port, "web.socket");

        write_socket(&h, "web", port, "Service=other.service\n");
        assert_reload(&h, false, "web.socket: changed\n");
        assert_served_by(&h, address, first);
        r = sockactl(&h, "status", "other.service");
        assert_line(r.out, "state: dead");
        run_result_clear(&r);

        stop_service(&h, "web.service", first);
        second = assert_serves(&h, port, "web.socket");
        r = sockactl(&h, "status", "other.service");
        ck_assert_msg(number_after(r.out, "main_pid: ") == second, "other.service does not run %d:\n%s",
                      (int) second, r.out);
        run_result_clear(&r);
        stop(&h);
}
END_TEST

START_TEST(test_reload_keeps_running_service)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *address = loopback(port), *arguments = NULL;
        struct run_result r;
        pid_t first, second;

        init(&h);
        write_pair(&h, "web", port, "--idle-exit-ms 30000");
        start(&h, NULL, 0, 1);
        first = assert_serves(&h, port, "web.socket");

        write_service(&h, "web", "--idle-exit-ms 40000", "");
        assert_reload(&h, false, "web.service: changed\n");
        assert_served_by(&h, address, first);
        r = sockactl(&h, "status", "web.service");
        ck_assert_msg(number_after(r.out, "main_pid: ") == first, "status web.service:\n%s", r.out);
        run_result_clear(&r);

        stop_service(&h, "web.service", first);
        second = assert_serves(&h, port, "web.socket");
        ck_assert_int_ne(second, first);
        arguments = command_line(second);
        ck_assert_msg(strstr(arguments, " --idle-exit-ms 40000"), "the new service runs: %s", arguments);
        stop(&h);
}
END_TEST

/* ---- 50 reloads under load ---- */

#define RELOADS                 50
#define CONNECTIONS_PER_RELOAD  4 /* each reload waits until the load has had these more answers */

/* inst.socket (Accept=yes, an echo per connection) and web.socket (Accept=no, listen-service) under
 * a load; meanwhile 50 reloads, each adding or removing extra.socket and changing web.service's
 * environment. Every connection is answered, and both listeners keep their sockets. */
START_TEST(test_reload_under_load)
{
        struct harness h;
        uint16_t inst = free_port(AF_INET, SOCK_STREAM), web = free_port(AF_INET, SOCK_STREAM),
                 extra = free_port(AF_INET, SOCK_STREAM);
        struct load l = { .lock = PTHREAD_MUTEX_INITIALIZER,
                          .deadline_ms = now_ms() + LOAD_SECONDS * 1000LL };
        struct load_client clients[] = { { .load = &l, .address = loopback(inst), .answer = "hello" },
                                         { .load = &l, .address = loopback(web), .answer = "end" } };
        _cleanup_free_ char *inst_socket = format("[Socket]\nListenStream=127.0.0.1:%u\nAccept=yes\n"
                                                  "TriggerLimitBurst=0\nPollLimitBurst=0\n",
                                                  inst);
        unsigned long inst_inode, web_inode;

        init(&h);
        ck_assert_int_eq(harness_write_unit(&h, "inst.socket", inst_socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "inst@.service",
                                            "[Service]\nExecStart=/bin/echo hello\nStandardInput=socket\n"),
                         0);
        write_pair(&h, "web", web, KEEPS_RUNNING);
        start(&h, NULL, 0, 2);
        inst_inode = listener_inode(&h, inst);
        web_inode = listener_inode(&h, web);
        for (size_t i = 0; i < ELEMENTSOF(clients); i++)
                ck_assert_int_eq(pthread_create(&clients[i].thread, NULL, load_run, &clients[i]), 0);
        wait_load_served(&h, &l, CONNECTIONS_PER_RELOAD);

        for (unsigned i = 0; i < RELOADS; i++) {
                const char *what = i % 2 == 0 ? "added" : "removed";
                _cleanup_free_ char *environment = format("Environment=GENERATION=%u\n", i + 1),
                                    *expected = format(
                                            "extra.service: %s\nextra.socket: %s\nweb.service: changed\n",
                                            what, what);
                unsigned served = load_served(&l);

                if (i % 2 == 0)
                        write_pair(&h, "extra", extra, KEEPS_RUNNING);
                else
                        remove_pair(&h, "extra");
                write_service(&h, "web", KEEPS_RUNNING, environment);
                assert_reload(&h, false, expected);
                wait_load_served(&h, &l, served + CONNECTIONS_PER_RELOAD);
        }

        pthread_mutex_lock(&l.lock);
        l.stop = true;
        pthread_mutex_unlock(&l.lock);
        for (size_t i = 0; i < ELEMENTSOF(clients); i++) {
                ck_assert_int_eq(pthread_join(clients[i].thread, NULL), 0);
                free(clients[i].address);
        }
        fprintf(stderr, "test_reload_under_load: %u connections answered, %u failed, through %d reloads\n",
                l.served, l.failed, RELOADS);
        ck_assert_msg(l.failed == 0, "%u of %u connections failed; the first: %s, answer %s\n%s", l.failed,
                      l.failed + l.served, l.first_error ? strerror(-l.first_error) : "wrong answer",
                      l.first_answer, harness_log_tail(&h));
        ck_assert_uint_gt(l.served, 0);
        assert_same_listener(&h, inst, inst_inode, "the reloads");
        assert_same_listener(&h, web, web_inode, "the reloads");
        stop(&h);
}
END_TEST

Suite *reload_suite(void)
{
        Suite *s = suite_create("reload");
        TCase *t = tcase_create("reload"), *load = tcase_create("load");

        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_reload_moves_listener);
        tcase_add_test(t, test_reload_refuses_broken_unit);
        tcase_add_test(t, test_reload_keeps_sockets);
        tcase_add_test(t, test_reload_dry_run);
        tcase_add_test(t, test_reload_adds_and_removes);
        tcase_add_test(t, test_reload_keeps_running_service);
        tcase_add_test(t, test_reload_changes_service);
        suite_add_tcase(s, t);

        /* the load ends after LOAD_SECONDS at the latest; the reloads and the waits take a few T more */
        tcase_set_timeout(load, LOAD_SECONDS + 60);
        tcase_add_unchecked_fixture(load, harness_root_setup, harness_root_teardown);
        tcase_add_test(load, test_reload_under_load);
        suite_add_tcase(s, load);
        return s;
}
