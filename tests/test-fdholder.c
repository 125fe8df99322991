/* Fetching and storing fds over DIR/fds (libsockact, sockactl fetch/store/remove/stored), against
 * the real sockactd: a process it did not start serves its sockets, which are the very same sockets;
 * a user without the right is refused; stored fds outlive the storer; and a service is replaced by a
 * second generation started through "sockactl fetch" under load, with no connection lost. */
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "control.h"
#include "harness.h"
#include "sockact.h"
#include "support.h"
#include "tests.h"
#include "util.h"

#define SOCKACTL   program_path("SOCKACTL", "build/sockactl")
#define TIMEOUT_US (10 * 1000 * 1000ULL)

extern char **environ;

/* Starts "sockactl --runtime-dir DIR fetch ARGS..." (args: NAME... -- COMMAND...), its output in
 * DIR/fetcher.log; the test's own child, to stop by pid. */
static pid_t spawn_fetcher(struct harness *h, const char *const *args)
{
        char *argv[32] = { (char *) SOCKACTL, (char *) "--runtime-dir", h->runtime_dir, (char *) "fetch" };
        _cleanup_free_ char *log = path_in(h, "fetcher.log");
        posix_spawn_file_actions_t actions;
        size_t n = 4;
        pid_t pid;

        for (; *args; args++)
                argv[n++] = (char *) *args;
        argv[n] = NULL;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        ck_assert_int_eq(posix_spawn(&pid, argv[0], &actions, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        return pid;
}

static void stop_process(pid_t pid)
{
        kill(pid, SIGTERM);
        ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}

/* The report of a request to address, which pid must have served (its "pid=" line). */
static char *request_served_by(struct harness *h, const char *address, pid_t pid)
{
        char *report = request(h, address, SOCK_STREAM);

        ck_assert_msg(number_after(report, "pid=") == pid, "served by %ld, not %d:\n%s",
                      number_after(report, "pid="), (int) pid, report);
        return report;
}

static struct run_result sockactl(const struct harness *h, const char *a1, const char *a2)
{
        return sockactl_run(h, 0, 0, (const char *const[]){ a1, a2, NULL });
}

static void assert_service_state(const struct harness *h, const char *service, const char *state)
{
        struct run_result r = sockactl(h, "status", service);
        _cleanup_free_ char *line = format("state: %s", state);

        ck_assert_msg(has_line(r.out, line), "%s is not %s:\n%s%s", service, state, r.out, r.err);
        run_result_clear(&r);
}

/* web.socket: TCP and a Unix socket, named "web", its service listen-service. */
static void web(struct harness *h, char **tcp, char **unix_path, const char *extra)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *body = NULL;

        init(h);
        *tcp = format("127.0.0.1:%u", port);
        *unix_path = path_in(h, "web.sock");
        body = format("ListenStream=%s\nListenStream=%s\nFileDescriptorName=web\n%s", *tcp, *unix_path,
                      extra);
        one_service(h, "web", body, "--graceful --idle-exit-ms 30000");
        start(h, NULL, 0, 2);
}

START_TEST(test_fetch_serves)
{
        struct harness h;
        _cleanup_free_ char *tcp = NULL, *unix_path = NULL, *service = program("listen-service");
        const char *args[] = { "web.socket", "--", service, "--idle-exit-ms", "30000", NULL };
        char *report, **names = NULL;
        int *fds = NULL;
        size_t n = 0, offset = 0;
        pid_t fetcher;
        struct stat st;

        web(&h, &tcp, &unix_path, "");
        fetcher = spawn_fetcher(&h, args);
        wait_log(&h, &offset, "web.socket: Fetched: not watched while the fetcher runs");

        /* the fetcher serves both sockets, as socket activation would have passed them */
        report = request_served_by(&h, tcp, fetcher);
        assert_line(report, "listen_pid_matches=1");
        assert_line(report, "listen_fds=2");
        assert_line(report, "listen_fdnames=web:web");
        assert_linef(report, "fd 3 name=web type=stream listening=1 family=inet local=%s", tcp);
        assert_linef(report, "fd 4 name=web type=stream listening=1 family=unix local=%s", unix_path);
        free(report);
        report = request(&h, unix_path, SOCK_STREAM);
        ck_assert_int_eq(number_after(report, "pid="), fetcher);
        free(report);
        /* the same sockets sockactd holds, and the fetcher has nothing more than them above stderr */
        ck_assert_uint_ne(socket_inode(fetcher, "3"), 0);
        ck_assert_uint_ne(socket_inode(fetcher, "4"), 0);
        ck_assert(daemon_holds(&h, socket_inode(fetcher, "3")));
        ck_assert(daemon_holds(&h, socket_inode(fetcher, "4")));
        for (int i = 0; i < 100 && count_fds(fetcher) != 5; i++)
                harness_pump(&h, 20); /* the connection just served may not be closed yet */
        ck_assert_uint_eq(count_fds(fetcher), 5);
        /* sockactd activated nothing meanwhile */
        assert_service_state(&h, "web.service", "dead");

        /* the fetcher exits: sockactd watches again, and the next connection starts web.service */
        stop_process(fetcher);
        wait_log(&h, &offset, "web.socket: Every fetcher has exited: watched again");
        report = request(&h, tcp, SOCK_STREAM);
        ck_assert_int_ne(number_after(report, "pid="), fetcher);
        assert_line(report, "listen_fdnames=web:web");
        free(report);
        assert_service_state(&h, "web.service", "running");

        /* libsockact, by fd name: the same sockets again */
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "web" }, 1, TIMEOUT_US, &fds, &names, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(names[0], "web");
        ck_assert_str_eq(names[1], "web");
        ck_assert_ptr_null(names[2]);
        for (size_t i = 0; i < n; i++) {
                ck_assert_int_eq(fstat(fds[i], &st), 0);
                ck_assert(S_ISSOCK(st.st_mode));
                ck_assert(daemon_holds(&h, st.st_ino));
                ck_assert_int_eq(fcntl(fds[i], F_GETFD), FD_CLOEXEC);
                close(fds[i]);
        }
        free(fds);
        free(names);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "nothing" }, 1, TIMEOUT_US, &fds, &names, &n),
                -ENOENT);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "a:b" }, 1, TIMEOUT_US, &fds, &names, &n),
                -EINVAL);
        stop(&h);
}
END_TEST

START_TEST(test_access)
{
        struct passwd *pw = getpwnam("daemon");
        uid_t daemon_uid = pw ? pw->pw_uid : 0, nobody = (pw = getpwnam("nobody")) ? pw->pw_uid : 0;
        struct group *g = getgrnam("nogroup");
        gid_t nogroup = g ? g->gr_gid : 0, daemon_gid = (g = getgrnam("daemon")) ? g->gr_gid : 0;
        _cleanup_free_ char *service = NULL, *refusal = NULL, *owner = NULL;
        static const char *const sockets[] = { "closed", "users", "groups", "own" };
        struct harness h;
        struct run_result r;
        size_t offset = 0;

        if (geteuid() != 0 || !nobody || !daemon_uid || !nogroup || !daemon_gid ||
            access("/usr/bin/setpriv", X_OK) < 0) {
                fprintf(stderr, "test_access: needs root, nobody, nogroup, daemon and setpriv; not run\n");
                return;
        }
        init(&h);
        ck_assert_int_eq(harness_install_program(&h, "listen-service", &service), 0);
        for (size_t i = 0; i < ELEMENTSOF(sockets); i++) {
                _cleanup_free_ char *socket_name = format("%s.socket", sockets[i]),
                                    *service_name = format("%s.service", sockets[i]),
                                    *socket_text = format("[Socket]\nListenStream=127.0.0.1:%u\n%s",
                                                          free_port(AF_INET, SOCK_STREAM),
                                                          i == 1   ? "FetchUsers=nobody\n"
                                                          : i == 2 ? "FetchGroups=nogroup\n"
                                                                   : ""),
                                    *service_text = format("[Service]\nExecStart=%s\n%s", service,
                                                           i == 3 ? "User=nobody\n" : "");

                ck_assert_int_eq(harness_write_unit(&h, socket_name, socket_text), 0);
                ck_assert_int_eq(harness_write_unit(&h, service_name, service_text), 0);
        }
        start(&h, NULL, 0, 4);

        /* denied by default: refused, and logged with who asked */
        r = sockactl_run(&h, nobody, daemon_gid,
                         (const char *[]){ "fetch", "closed.socket", "--", "/bin/true", NULL });
        ck_assert_msg(r.status == 5, "nobody fetched closed.socket (%d): %s", r.status, r.err);
        ck_assert_ptr_nonnull(strstr(r.err, "Permission denied"));
        run_result_clear(&r);
        refusal = format("Refused to uid %u (pid ", (unsigned) nobody);
        wait_log(&h, &offset, refusal);
        wait_log(&h, &offset, "may not fetch closed.socket");
        /* FetchUsers=, FetchGroups= and the service's User= each let nobody in */
        for (size_t i = 1; i < ELEMENTSOF(sockets); i++) {
                _cleanup_free_ char *name = format("%s.socket", sockets[i]);

                r = sockactl_run(&h, nobody, i == 2 ? nogroup : daemon_gid,
                                 (const char *[]){ "fetch", name, "--", "/bin/true", NULL });
                ck_assert_msg(r.status == 0, "nobody could not fetch %s (%d): %s", name, r.status, r.err);
                run_result_clear(&r);
        }
        /* the groups' right is the group's: without it, refused */
        r = sockactl_run(&h, nobody, daemon_gid,
                         (const char *[]){ "fetch", "groups.socket", "--", "/bin/true", NULL });
        ck_assert_int_eq(r.status, 5);
        run_result_clear(&r);
        /* DIR/fds serves no administrator's verb */
        r = sockactl_run(&h, nobody, daemon_gid, (const char *[]){ "stored", NULL });
        ck_assert_msg(r.status == 0, "nobody could not list what is stored (%d): %s", r.status, r.err);
        run_result_clear(&r);
        struct control_reply reply;
        ck_assert_int_eq(control_call(h.runtime_dir, CONTROL_FDS_SOCKET, CONTROL_STOP, "users.socket", 12,
                                      NULL, 0, TIMEOUT_US, &reply),
                         0);
        ck_assert_int_eq(reply.code, EPERM);
        control_reply_done(&reply);
        assert_service_state(&h, "users.service", "dead");
        /* a user who may fetch nothing may store nothing; one who may fetch something may */
        r = sockactl_run(&h, daemon_uid, daemon_gid, (const char *[]){ "store", "theirs", "0", NULL });
        ck_assert_msg(r.status == 5, "daemon stored (%d): %s", r.status, r.err);
        run_result_clear(&r);
        r = sockactl_run(&h, nobody, daemon_gid, (const char *[]){ "store", "mine", "0", NULL });
        ck_assert_msg(r.status == 0, "nobody could not store (%d): %s", r.status, r.err);
        run_result_clear(&r);
        r = sockactl(&h, "stored", NULL);
        owner = format(" %u ", (unsigned) nobody);
        ck_assert_msg(strstr(r.out, "mine") && strstr(r.out, owner), "%s", r.out);
        ck_assert_ptr_null(strstr(r.out, "theirs"));
        run_result_clear(&r);
        /* root's entry is root's: nobody may not fetch it, remove it, or see it */
        ck_assert_int_eq(sockact_store(h.runtime_dir, "rootfile", (int[]){ STDIN_FILENO }, 1, 0, TIMEOUT_US),
                         0);
        r = sockactl_run(&h, nobody, daemon_gid,
                         (const char *[]){ "fetch", "rootfile", "--", "/bin/true", NULL });
        ck_assert_msg(r.status == 5, "nobody fetched root's entry (%d): %s", r.status, r.err);
        run_result_clear(&r);
        r = sockactl_run(&h, nobody, daemon_gid, (const char *[]){ "remove", "rootfile", NULL });
        ck_assert_msg(r.status == 5, "nobody removed root's entry (%d): %s", r.status, r.err);
        run_result_clear(&r);
        r = sockactl_run(&h, nobody, daemon_gid, (const char *[]){ "stored", NULL });
        ck_assert_msg(strstr(r.out, "mine") && !strstr(r.out, "rootfile"), "%s", r.out);
        run_result_clear(&r);
        /* no stored fd may pass for a socket unit's */
        r = sockactl_run(&h, nobody, daemon_gid, (const char *[]){ "store", "users.socket", "0", NULL });
        ck_assert_msg(r.status == 1 && strstr(r.err, "File exists"), "(%d): %s", r.status, r.err);
        run_result_clear(&r);
        stop(&h);
}
END_TEST

/* Sends n fds in a message without a byte of payload. */
static int send_fds_alone(int fd, const int *fds, size_t n)
{
        union control_fds_buffer control;
        struct msghdr msg = { 0 };

        control_attach_fds(&msg, &control, fds, n);
        return sendmsg(fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

START_TEST(test_store_round_trip)
{
        struct harness h;
        _cleanup_free_ char *tcp = NULL, *unix_path = NULL;
        char buf[8] = "", **names = NULL;
        int p[2], *fds = NULL;
        size_t n = 0, offset = 0;
        struct run_result r;
        pid_t child;

        web(&h, &tcp, &unix_path, "");
        /* a child stores the write end of a pipe, and exits */
        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0)
                _exit(sockact_store(h.runtime_dir, "pipe", &p[1], 1, 0, TIMEOUT_US) == 0 ? 0 : 1);
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        close(p[1]);

        /* it outlived the child: fetched, it is the same pipe */
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "pipe" }, 1, TIMEOUT_US, &fds, &names, &n),
                0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(names[0], "pipe");
        ck_assert_int_eq(write(fds[0], "hi", 2), 2);
        close(fds[0]);
        free(fds);
        free(names);
        ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 2);
        ck_assert_str_eq(buf, "hi");

        /* listed, with its owner */
        r = sockactl(&h, "stored", NULL);
        ck_assert_msg(
                has_line(r.out, "NAME                               FDS        UID          TTL") &&
                        has_line(r.out, "pipe                                 1          0            -"),
                "%s", r.out);
        run_result_clear(&r);

        /* a web socket and the pipe in one fetch, in the order asked */
        ck_assert_int_eq(sockact_fetch(h.runtime_dir, (const char *[]){ "pipe", "web.socket" }, 2,
                                       TIMEOUT_US, &fds, &names, &n),
                         0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(names[0], "pipe");
        ck_assert_str_eq(names[1], "web");
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
        free(fds);
        free(names);

        /* removed: gone, and the pipe's last writer with it */
        ck_assert_int_eq(sockact_remove(h.runtime_dir, "pipe", TIMEOUT_US), 0);
        ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 0);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "pipe" }, 1, TIMEOUT_US, &fds, &names, &n),
                -ENOENT);
        ck_assert_int_eq(sockact_remove(h.runtime_dir, "pipe", TIMEOUT_US), -ENOENT);
        close(p[0]);

        /* a time to live: gone after it */
        ck_assert_int_eq(
                sockact_store(h.runtime_dir, "brief", (int[]){ STDIN_FILENO }, 1, 200 * 1000, TIMEOUT_US),
                0);
        wait_log(&h, &offset, "Stored brief (1 fds) expired");
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "brief" }, 1, TIMEOUT_US, &fds, &names, &n),
                -ENOENT);

        /* stored again under a name: replaced */
        ck_assert_int_eq(sockact_store(h.runtime_dir, "twice", (int[]){ 0, 1 }, 2, 0, TIMEOUT_US), 0);
        ck_assert_int_eq(sockact_store(h.runtime_dir, "twice", (int[]){ 2 }, 1, 0, TIMEOUT_US), 0);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "twice" }, 1, TIMEOUT_US, &fds, &names, &n),
                0);
        ck_assert_uint_eq(n, 1);
        close(fds[0]);
        free(fds);
        free(names);

        /* an empty message with fds: they are closed, not kept */
        size_t before = count_fds(h.pid);
        _cleanup_free_ char *fds_socket = format("%s/fds", h.runtime_dir);
        for (int i = 0; i < 20; i++) {
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), nulls[10];

                for (size_t k = 0; k < ELEMENTSOF(nulls); k++)
                        nulls[k] = open("/dev/null", O_RDONLY | O_CLOEXEC);
                strcpy(sa.sun_path, fds_socket);
                ck_assert_int_eq(connect(c, (struct sockaddr *) &sa, sizeof(sa)), 0);
                ck_assert_int_eq(send_fds_alone(c, nulls, ELEMENTSOF(nulls)), 0);
                for (size_t k = 0; k < ELEMENTSOF(nulls); k++)
                        close(nulls[k]);
                close(c);
        }
        ck_assert_int_eq(sockact_remove(h.runtime_dir, "nothing", TIMEOUT_US), -ENOENT); /* they were read */
        for (int i = 0; i < 100 && count_fds(h.pid) > before; i++)
                harness_pump(&h, 10);
        ck_assert_uint_le(count_fds(h.pid), before); /* 200 more if they were kept */

        /* names that stand for a socket unit's fds cannot be stored under */
        ck_assert_int_eq(sockact_store(h.runtime_dir, "web", (int[]){ 0 }, 1, 0, TIMEOUT_US), -EEXIST);
        ck_assert_int_eq(sockact_store(h.runtime_dir, "web.socket", (int[]){ 0 }, 1, 0, TIMEOUT_US),
                         -EEXIST);

        /* bad input */
        ck_assert_int_eq(sockact_store(h.runtime_dir, "a:b", (int[]){ 0 }, 1, 0, TIMEOUT_US), -EINVAL);
        ck_assert_int_eq(sockact_store(h.runtime_dir, "none", NULL, 0, 0, TIMEOUT_US), -EINVAL);
        ck_assert_int_eq(
                sockact_fetch(h.runtime_dir, (const char *[]){ "web" }, 1, TIMEOUT_US, &fds, &names, &n), 0);
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
        free(fds);
        free(names);
        stop(&h);
}
END_TEST

/* The load of the handover: LOAD_THREADS clients, each sending requests one after the other; every
 * connection must be answered. */
#define LOAD_THREADS 4

struct load {
        const char *address;
        struct harness *h;
        volatile bool stop;
        pthread_mutex_t lock;
        unsigned served, failed;
        pid_t last_pid;
        unsigned by_last; /* requests in a row served by last_pid */
};

static void *load_run(void *userdata)
{
        struct load *l = userdata;
        long long deadline = (long long) time(NULL) + 60;

        for (unsigned i = 0; i < 5000 && !l->stop && time(NULL) < deadline; i++) {
                char *report = NULL;
                int r = harness_request(NULL, l->address, SOCK_STREAM, 5000, &report);
                pid_t pid = 0;

                if (r == 0 && has_line(report, "end")) {
                        char *line = line_starting(report, "pid=");

                        pid = line ? (pid_t) atol(line + 4) : 0;
                        free(line);
                }
                free(report);
                pthread_mutex_lock(&l->lock);
                if (pid > 0) {
                        l->served++;
                        l->by_last = pid == l->last_pid ? l->by_last + 1 : 1;
                        l->last_pid = pid;
                } else
                        l->failed++;
                pthread_mutex_unlock(&l->lock);
        }
        return NULL;
}

/* Waits until the load has had count requests in a row served by pid. */
static void wait_served_by(struct load *l, pid_t pid, unsigned count)
{
        for (int i = 0; i < 2000; i++) {
                bool done;

                pthread_mutex_lock(&l->lock);
                done = l->last_pid == pid && l->by_last >= count;
                pthread_mutex_unlock(&l->lock);
                if (done)
                        return;
                harness_pump(l->h, 10);
        }
        ck_abort_msg("%d did not serve %u requests in a row: %s", (int) pid, count, harness_log_tail(l->h));
}

START_TEST(test_handover)
{
        struct harness h;
        _cleanup_free_ char *tcp = NULL, *unix_path = NULL, *service = program("listen-service"),
                            *report = NULL;
        const char *args[] = { "web.socket", "--", service, "--graceful", "--idle-exit-ms", "30000", NULL };
        struct load l = { .lock = PTHREAD_MUTEX_INITIALIZER };
        pthread_t threads[LOAD_THREADS];
        pid_t first, second;
        struct run_result r;
        size_t offset = 0;

        web(&h, &tcp, &unix_path, "");
        report = request(&h, tcp, SOCK_STREAM);
        first = (pid_t) number_after(report, "pid="); /* generation 1, started by sockactd */
        l.address = tcp;
        l.h = &h;
        for (size_t i = 0; i < LOAD_THREADS; i++)
                ck_assert_int_eq(pthread_create(&threads[i], NULL, load_run, &l), 0);
        wait_served_by(&l, first, 50);

        /* generation 2 shares the socket; generation 1 is stopped and finishes what it accepted */
        second = spawn_fetcher(&h, args);
        wait_log(&h, &offset, "web.socket: Fetched");
        r = sockactl(&h, "stop", "web.service");
        ck_assert_msg(r.status == 0, "%s", r.err);
        run_result_clear(&r);
        ck_assert(wait_gone(first, T));
        wait_served_by(&l, second, 200);
        assert_service_state(&h, "web.service", "dead"); /* the socket is lent: nothing activated it */

        l.stop = true;
        for (size_t i = 0; i < LOAD_THREADS; i++)
                ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        ck_assert_msg(l.failed == 0, "%u of %u connections failed", l.failed, l.failed + l.served);
        fprintf(stderr, "test_handover: %u connections, none failed\n", l.served);
        stop_process(second);
        stop(&h);
}
END_TEST

Suite *fdholder_suite(void)
{
        Suite *s = suite_create("fdholder");
        TCase *t = tcase_create("fdholder");

        tcase_set_timeout(t, 120);
        tcase_add_test(t, test_fetch_serves);
        tcase_add_test(t, test_access);
        tcase_add_test(t, test_store_round_trip);
        tcase_add_test(t, test_handover);
        suite_add_tcase(s, t);
        return s;
}
