/* Tests for daemon/spawn.c, seen from inside the child: tests/programs/fd-report says what it
 * inherited. The child must get exactly the fds it is given, at their places, and nothing else. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "daemon/spawn.h"
#include "support.h"
#include "tests.h"
#include "unit.h"

struct report {
        char *text;
        int status;
        pid_t pid;
};

/* The absolute path of fd-report: a command runs from "/" (or its WorkingDirectory=). */
static const char *fd_report(void)
{
        static char path[PATH_MAX];
        char relative[PATH_MAX];

        snprintf(relative, sizeof(relative), "%s/fd-report",
                 program_path("TEST_PROGRAMS", "build/tests/programs"));
        ck_assert_ptr_nonnull(realpath(relative, path));
        return path;
}

/* Spawns fd-report with stdout on a pipe (stdin and stderr /dev/null unless r sets them), and
 * collects what it wrote. */
static struct report run_report(struct spawn_request *r)
{
        struct report rep = { 0 };
        struct spawn_error e;
        int out[2], null = open("/dev/null", O_RDWR | O_CLOEXEC), status;
        static char *const default_envp[] = { (char *) "FOO=bar", NULL };
        char *argv[] = { (char *) fd_report(), NULL };
        size_t len = 0, size = 0;
        char buf[4096];
        ssize_t n;

        ck_assert_int_ge(null, 0);
        ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
        r->path = fd_report();
        if (!r->argv)
                r->argv = argv;
        if (!r->envp)
                r->envp = default_envp;
        if (r->stdio[0] == 0 && r->stdio[1] == 0) {
                r->stdio[0] = null;
                r->stdio[2] = null;
        }
        r->stdio[1] = out[1];
        ck_assert_msg(spawn_command(r, &rep.pid, &e) == 0, "spawn: %s: %s",
                      spawn_stage_to_string(e.stage), strerror(e.error));
        close(out[1]);
        close(null);
        while ((n = read(out[0], buf, sizeof(buf))) > 0) {
                if (len + (size_t) n + 1 > size) {
                        size = (len + (size_t) n + 1) * 2;
                        rep.text = realloc(rep.text, size);
                        ck_assert_ptr_nonnull(rep.text);
                }
                memcpy(rep.text + len, buf, (size_t) n);
                len += (size_t) n;
                rep.text[len] = '\0';
        }
        close(out[0]);
        ck_assert_int_eq(waitpid(rep.pid, &status, 0), rep.pid);
        rep.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ck_assert_ptr_nonnull(rep.text);
        return rep;
}

static void assert_line(const struct report *rep, const char *line)
{
        _cleanup_free_ char *needle = NULL;

        ck_assert_int_eq(strdup_printf(&needle, "\n%s\n", line), 0);
        ck_assert_msg(strstr(rep->text, needle), "missing line \"%s\" in:\n%s", line, rep->text);
}

static size_t count_lines(const struct report *rep, const char *prefix)
{
        size_t n = 0;

        for (const char *p = rep->text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                n += startswith(p, prefix) != NULL;
        return n;
}

/* Twenty fds whose sources lie inside the target range: each arrives at its place, in order,
 * without close-on-exec; a duplicate source stands in two places; a descriptor the test left
 * open without close-on-exec is not inherited. */
START_TEST(test_fd_layout)
{
        int pair[2], pipe_fds[2], leaked;
        int fds[20];
        struct spawn_request r = {
                .connection_fd = -1, .nice = UNIT_UNSET, .umask = 022, .listen_pid = true
        };
        struct report rep;
        char line[64];

        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
        ck_assert_int_ge(dup3(pair[0], 20, O_CLOEXEC), 0);     /* a stream socket at 20 */
        ck_assert_int_ge(dup3(pipe_fds[0], 21, O_CLOEXEC), 0); /* a FIFO at 21 */
        leaked = open("/dev/null", O_RDONLY);                  /* no O_CLOEXEC, on purpose */
        ck_assert_int_ge(leaked, 0);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                fds[i] = i % 2 ? 21 : 20;
        r.fds = fds;
        r.n_fds = ELEMENTSOF(fds);

        rep = run_report(&r);
        ck_assert_int_eq(rep.status, 0);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                snprintf(line, sizeof(line), "fd %zu cloexec=0 nonblock=0 kind=%s", 3 + i,
                         i % 2 ? "fifo" : "stream");
                assert_line(&rep, line);
        }
        ck_assert_uint_eq(count_lines(&rep, "fd "), 3 + ELEMENTSOF(fds)); /* and nothing else */
        snprintf(line, sizeof(line), "env LISTEN_PID=%d", (int) rep.pid);
        assert_line(&rep, line);
        assert_line(&rep, "env FOO=bar");
        ck_assert_uint_eq(count_lines(&rep, "env "), 2);

        close(leaked);
        close(20);
        close(21);
        close(pair[0]);
        close(pair[1]);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        free(rep.text);
}
END_TEST

/* sockactd blocks signals for sd-event and ignores SIGPIPE; its children start clean. */
START_TEST(test_signals_reset)
{
        struct spawn_request r = { .connection_fd = -1, .nice = UNIT_UNSET, .umask = 022 };
        sigset_t mask;
        struct report rep;

        sigemptyset(&mask);
        sigaddset(&mask, SIGUSR1);
        sigaddset(&mask, SIGCHLD);
        ck_assert_int_eq(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        rep = run_report(&r);
        assert_line(&rep, "blocked");
        assert_line(&rep, "ignored");
        free(rep.text);
}
END_TEST

/* Once the dispositions are recorded, the child resets only the changed ones: those still reach it
 * clean, and one changed after the record would not (the reason sockactd records after its last
 * change). */
START_TEST(test_signals_reset_recorded)
{
        struct spawn_request r = { .connection_fd = -1, .nice = UNIT_UNSET, .umask = 022 };
        struct report rep;

        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        spawn_record_dispositions();
        rep = run_report(&r);
        assert_line(&rep, "ignored");
        free(rep.text);

        signal(SIGUSR2, SIG_IGN);
        rep = run_report(&r);
        assert_line(&rep, "ignored 12");
        free(rep.text);
}
END_TEST

START_TEST(test_limits_and_directories)
{
        bool set[RLIM_NLIMITS] = { [RLIMIT_NOFILE] = true };
        struct rlimit limits[RLIM_NLIMITS] = { [RLIMIT_NOFILE] = { 512, 1024 } };
        char *argv[] = { (char *) fd_report(), (char *) "7", NULL };
        struct spawn_request r = { .connection_fd = -1,
                                   .nice = 5,
                                   .umask = 027,
                                   .rlimit_set = set,
                                   .rlimits = limits,
                                   .working_directory = "/tmp",
                                   .new_session = true,
                                   .argv = argv };
        struct report rep = run_report(&r);
        char line[64];

        ck_assert_int_eq(rep.status, 7);
        assert_line(&rep, "umask 0027");
        assert_line(&rep, "nice 5");
        assert_line(&rep, "nofile 512 1024");
        assert_line(&rep, "cwd /tmp");
        snprintf(line, sizeof(line), "sid %d pgid %d", (int) rep.pid, (int) rep.pid);
        assert_line(&rep, line);
        assert_line(&rep, "arg 1 7");
        free(rep.text);
}
END_TEST

/* An accepted connection is made blocking for the service; NonBlocking= sets O_NONBLOCK on 3…. */
START_TEST(test_blocking_modes)
{
        int pair[2], listener_like[2];
        struct spawn_request r = { .nice = UNIT_UNSET, .umask = 022 };
        struct report rep;

        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair), 0);
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, listener_like), 0);
        r.connection_fd = pair[0];
        r.stdio[0] = pair[0];
        r.stdio[2] = pair[0];
        r.fds = &listener_like[0];
        r.n_fds = 1;
        r.non_blocking = true;
        rep = run_report(&r);
        assert_line(&rep, "fd 0 cloexec=0 nonblock=0 kind=stream");
        assert_line(&rep, "fd 3 cloexec=0 nonblock=1 kind=seqpacket");
        ck_assert_uint_eq(count_lines(&rep, "env LISTEN_PID="), 0);
        free(rep.text);
        close(pair[0]);
        close(pair[1]);
        close(listener_like[0]);
        close(listener_like[1]);
}
END_TEST

START_TEST(test_credentials)
{
        gid_t groups[] = { 65534 };
        struct spawn_request r = { .connection_fd = -1,
                                   .nice = UNIT_UNSET,
                                   .umask = 022,
                                   .set_credentials = true,
                                   .uid = 65534,
                                   .gid = 65534,
                                   .groups = groups,
                                   .n_groups = 1 };
        struct report rep;

        if (geteuid() != 0)
                return; /* changing users needs root; CI runs the suite as root */
        rep = run_report(&r);
        assert_line(&rep, "uid 65534 65534");
        assert_line(&rep, "gid 65534 65534");
        assert_line(&rep, "groups 65534");
        free(rep.text);

        r.n_groups = 0;
        rep = run_report(&r);
        assert_line(&rep, "groups");
        free(rep.text);
}
END_TEST

static struct spawn_error spawn_failure(struct spawn_request *r, int expected)
{
        static char *const no_envp[] = { NULL };
        char *argv[] = { (char *) "x", NULL };
        struct spawn_error e = { 0 };
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        pid_t pid = 0;

        r->stdio[0] = r->stdio[1] = r->stdio[2] = null;
        r->argv = argv;
        r->envp = no_envp;
        if (!r->path)
                r->path = fd_report();
        ck_assert_int_eq(spawn_command(r, &pid, &e), expected);
        close(null);
        return e;
}

START_TEST(test_failures_report_stage_and_errno)
{
        struct spawn_request r = { .connection_fd = -1,
                                   .nice = UNIT_UNSET,
                                   .working_directory = "/no/such/dir" };
        struct spawn_error e = spawn_failure(&r, -ENOENT);

        ck_assert_int_eq(e.stage, SPAWN_STAGE_WORKING_DIRECTORY);
        ck_assert_int_eq(e.error, ENOENT);
        ck_assert_str_eq(spawn_stage_to_string(e.stage), "WorkingDirectory=: chdir");

        r = (struct spawn_request){ .connection_fd = -1, .nice = UNIT_UNSET, .path = "/no/such/program" };
        e = spawn_failure(&r, -ENOENT);
        ck_assert_int_eq(e.stage, SPAWN_STAGE_EXEC);

        r = (struct spawn_request){ .connection_fd = -1,
                                    .nice = UNIT_UNSET,
                                    .root_directory = "/no/such/root" };
        e = spawn_failure(&r, -ENOENT);
        ck_assert_str_eq(spawn_stage_to_string(e.stage), "RootDirectory=: chroot");

        if (geteuid() != 0) {
                r = (struct spawn_request){
                        .connection_fd = -1, .nice = UNIT_UNSET, .set_credentials = true, .uid = 0, .gid = 0
                };
                e = spawn_failure(&r, -EPERM);
                ck_assert_int_eq(e.stage, SPAWN_STAGE_GROUPS);
        }
}
END_TEST

/* "-" before WorkingDirectory=: a missing directory is no error, the command runs in "/". */
START_TEST(test_working_directory_missing_ok)
{
        struct spawn_request r = { .connection_fd = -1,
                                   .nice = UNIT_UNSET,
                                   .umask = 022,
                                   .working_directory = "/no/such/dir",
                                   .working_directory_missing_ok = true };
        struct report rep = run_report(&r);

        assert_line(&rep, "cwd /");
        free(rep.text);
}
END_TEST

START_TEST(test_find_executable)
{
        _cleanup_free_ char *sh = NULL, *abs = NULL;
        char *none = NULL;

        ck_assert_int_eq(spawn_find_executable("sh", &sh), 0);
        ck_assert(streq(sh, "/usr/bin/sh") || streq(sh, "/usr/sbin/sh") || endswith(sh, "/sh"));
        ck_assert_int_eq(spawn_find_executable("/no/such/thing", &abs), 0);
        ck_assert_str_eq(abs, "/no/such/thing"); /* absolute paths are taken as they are */
        ck_assert_int_eq(spawn_find_executable("no-such-program-anywhere", &none), -ENOENT);
        ck_assert_ptr_null(none);
}
END_TEST

Suite *spawn_suite(void)
{
        Suite *s = suite_create("spawn");
        TCase *t = tcase_create("spawn");

        tcase_add_test(t, test_fd_layout);
        tcase_add_test(t, test_signals_reset);
        tcase_add_test(t, test_signals_reset_recorded);
        tcase_add_test(t, test_limits_and_directories);
        tcase_add_test(t, test_blocking_modes);
        tcase_add_test(t, test_credentials);
        tcase_add_test(t, test_failures_report_stage_and_errno);
        tcase_add_test(t, test_working_directory_missing_ok);
        tcase_add_test(t, test_find_executable);
        suite_add_tcase(s, t);
        return s;
}
