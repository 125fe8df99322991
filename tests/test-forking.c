/* Type=forking against the real sockactd: the daemon ExecStart= leaves behind is found through
 * PIDFile= (also one that appears late) or guessed, adopted as sockactd's child, supervised as
 * the main process, and stopped; a PIDFile= naming a foreign process is refused; and the
 * orphans a forking service leaves are reaped, not left as zombies. The service is listen-service
 * --fork, which calls sd_listen_fds_with_names() before it forks, as forking daemons do. */
#include "tests.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"
#include "harness.h"
#include "util.h"

struct forking {
        struct harness h;
        char *address;
        char *pid_file;
};

/* daemon.socket on a free port, and daemon.service with Type=forking and the [Service] lines
 * given; PIDFILE in them is replaced by the path of the test's PID file. */
static void start_forking(struct forking *f, const char *service_lines)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *exec = program("listen-service"), *socket = NULL, *service = NULL,
                            *lines = format("%s", service_lines);

        init(&f->h);
        f->pid_file = path_in(&f->h, "daemon.pid");
        f->address = format("127.0.0.1:%u", port);
        lines = replace_all(replace_all(lines, "PIDFILE", f->pid_file), "EXEC", exec);
        socket = format("[Socket]\nListenStream=%s\n", f->address);
        service = format("[Service]\nType=forking\n%s", lines);
        const struct harness_unit units[] = { { "daemon.socket", socket }, { "daemon.service", service } };
        start(&f->h, units, ELEMENTSOF(units), 1);
}

static void stop_forking(struct forking *f)
{
        stop(&f->h);
        free(f->address);
        free(f->pid_file);
}

/* The daemon served: through sd_listen_fds_with_names() in the process ExecStart= started (so
 * LISTEN_PID is not the daemon's own pid), and it is now sockactd's child. Returns its pid. */
static pid_t assert_daemon(struct forking *f, const char *report)
{
        long pid = number_after(report, "pid="), started = number_after(report, "env LISTEN_PID=");
        pid_t parent = 0;

        assert_line(report, "listen_pid_matches=1");
        assert_line(report, "listen_fds=1");
        assert_line(report, "listen_fdnames=daemon.socket");
        ck_assert_int_ne(pid, started);
        ck_assert_int_eq(harness_parent_of((pid_t) pid, &parent), 0);
        ck_assert_msg(parent == f->h.pid, "the daemon %ld is the child of %d, not of sockactd %d", pid,
                      (int) parent, (int) f->h.pid);
        return (pid_t) pid;
}

static long read_pid_file(const char *path)
{
        _cleanup_free_ char *text = NULL;

        ck_assert_int_eq(harness_read_file(path, 64, &text), 0);
        return atol(text);
}

/* PIDFile=: the pid in it is the main process; killing it is the service's end, seen with its
 * signal; the next connection starts the service again; the file goes when the service stops. */
START_TEST(test_forking_pid_file)
{
        struct forking f;
        _cleanup_free_ char *first = NULL, *second = NULL, *line = NULL;
        size_t offset = 0;
        pid_t daemon_pid;

        start_forking(&f, "ExecStart=EXEC --fork --pid-file PIDFILE\nPIDFile=PIDFILE\n");
        first = request(&f.h, f.address, SOCK_STREAM);
        daemon_pid = assert_daemon(&f, first);
        ck_assert_int_eq(read_pid_file(f.pid_file), daemon_pid);
        line = format("Main process is %d", (int) daemon_pid);
        wait_log(&f.h, &offset, line);
        free(line);

        ck_assert_int_eq(kill(daemon_pid, SIGKILL), 0);
        line = format("Main process %d killed by SIGKILL", (int) daemon_pid);
        wait_log(&f.h, &offset, line);
        wait_log(&f.h, &offset, "daemon.service: stop-post → failed");
        ck_assert_msg(access(f.pid_file, F_OK) < 0, "%s is still there:\n%s", f.pid_file,
                      harness_log_tail(&f.h)); /* removed, though the daemon did not */

        second = request(&f.h, f.address, SOCK_STREAM);
        ck_assert_int_ne(assert_daemon(&f, second), daemon_pid);
        assert_line(second, "request=1");
        daemon_pid = (pid_t) number_after(second, "pid=");
        stop_forking(&f);
        ck_assert(!process_running(daemon_pid));
}
END_TEST

/* A PID file that appears after ExecStart= has exited is waited for. */
START_TEST(test_forking_pid_file_late)
{
        struct forking f;
        _cleanup_free_ char *report = NULL;

        start_forking(&f, "ExecStart=EXEC --fork --pid-file PIDFILE --pid-file-delay-ms 300\nPIDFile=PIDFILE\n");
        report = request(&f.h, f.address, SOCK_STREAM);
        ck_assert_int_eq(read_pid_file(f.pid_file), assert_daemon(&f, report));
        stop_forking(&f);
}
END_TEST

/* Without PIDFile=, the one process ExecStart= left is the main process; stopping sockactd stops it. */
START_TEST(test_forking_guess)
{
        struct forking f;
        _cleanup_free_ char *report = NULL, *line = NULL;
        pid_t daemon_pid;

        start_forking(&f, "ExecStart=EXEC --fork\n");
        report = request(&f.h, f.address, SOCK_STREAM);
        daemon_pid = assert_daemon(&f, report);
        line = format("Main process is %d", (int) daemon_pid);
        wait_log(&f.h, NULL, line);
        stop_forking(&f);
        ck_assert(!process_running(daemon_pid));
}
END_TEST

/* An ExecStart= that leaves nothing running has done its work: the service stops, with success. */
START_TEST(test_forking_nothing_left)
{
        struct forking f;
        int fd = -1;

        start_forking(&f, "ExecStart=/bin/true\n");
        ck_assert_int_eq(harness_connect(&f.h, f.address, SOCK_STREAM, T, &fd), 0);
        wait_log(&f.h, NULL, "daemon.service: ExecStart= exited and left no process running");
        wait_log(&f.h, NULL, "daemon.service: stop-post → dead");
        close(fd);
        stop_forking(&f);
}
END_TEST

/* The pids of sockactd's children, from /proc, with their state letter. */
static size_t children_of(pid_t parent, pid_t *pids, char *states, size_t max)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        size_t n = 0;

        ck_assert_ptr_nonnull(d);
        while ((e = readdir(d)) && n < max) {
                char path[300], buf[512], state;
                const char *end;
                long ppid;
                ssize_t len;
                int fd;

                if (e->d_name[0] < '0' || e->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                len = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                if (len <= 0)
                        continue;
                buf[len] = '\0';
                end = strrchr(buf, ')');
                if (!end || sscanf(end + 1, " %c %ld", &state, &ppid) != 2 || ppid != parent)
                        continue;
                pids[n] = (pid_t) atol(e->d_name);
                states[n++] = state;
        }
        closedir(d);
        return n;
}

/* A PID file naming a process the service did not leave (here pid 1) is refused: the start fails
 * with the reason. The daemon the start left is not adopted; the test ends it. */
START_TEST(test_forking_foreign_pid)
{
        struct forking f;
        pid_t pids[16];
        char states[16];
        size_t n;
        int fd = -1;

        start_forking(&f, "ExecStartPre=/bin/sh -c 'echo 1 >PIDFILE'\nExecStart=EXEC --fork\nPIDFile=PIDFILE\n");
        ck_assert_int_eq(harness_connect(&f.h, f.address, SOCK_STREAM, T, &fd), 0);
        wait_log(&f.h, NULL, "names process 1, which is not a process the service left running");
        wait_log(&f.h, NULL, "daemon.service: stop-post → failed");
        n = children_of(f.h.pid, pids, states, ELEMENTSOF(pids));
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], SIGKILL);
        close(fd);
        stop_forking(&f);
}
END_TEST

/* An orphan of the service's tree (a background sleep whose parent exited) comes to sockactd,
 * which reaps it when it exits. */
START_TEST(test_forking_reaps_orphans)
{
        struct forking f;
        _cleanup_free_ char *report = NULL;
        pid_t pids[16];
        char states[16];
        size_t n = 0, zombies = 0;

        start_forking(&f, "ExecStart=/bin/sh -c '(sleep 0.2 &); exec EXEC --fork --pid-file PIDFILE'\n"
                          "PIDFile=PIDFILE\n");
        report = request(&f.h, f.address, SOCK_STREAM);
        assert_daemon(&f, report);
        wait_log(&f.h, NULL, "which no unit waits for");
        for (int waited = 0; waited <= T; waited += 50) { /* reaped: no zombie, only the daemon */
                n = children_of(f.h.pid, pids, states, ELEMENTSOF(pids));
                zombies = 0;
                for (size_t i = 0; i < n; i++)
                        zombies += states[i] == 'Z';
                if (n == 1 && zombies == 0)
                        break;
                (void) poll(NULL, 0, 50);
        }
        ck_assert_msg(n == 1 && zombies == 0, "sockactd has %zu children, %zu of them zombies:\n%s", n, zombies,
                      harness_log_tail(&f.h));
        stop_forking(&f);
}
END_TEST

Suite *forking_suite(void)
{
        Suite *s = suite_create("forking");
        TCase *t = tcase_create("forking");

        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_forking_pid_file);
        tcase_add_test(t, test_forking_pid_file_late);
        tcase_add_test(t, test_forking_guess);
        tcase_add_test(t, test_forking_nothing_left);
        tcase_add_test(t, test_forking_foreign_pid);
        tcase_add_test(t, test_forking_reaps_orphans);
        suite_add_tcase(s, t);
        return s;
}
