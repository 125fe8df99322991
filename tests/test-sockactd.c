/* The real sockactd and sockactl binaries, driven as an administrator drives them: --check and
 * verify on the example units and on every bad fixture, --dump, usage errors, and the daemon
 * started on the example units and stopped with SIGTERM. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "checks.h"
#include "harness.h"
#include "support.h"
#include "tests.h"
#include "util.h"

extern char **environ;

#define SOCKACTD program_path("SOCKACTD", "build/sockactd")
#define SOCKACTL program_path("SOCKACTL", "build/sockactl")

START_TEST(test_check_example_units)
{
        char *argv[] = { (char *) SOCKACTD, (char *) "--check", (char *) "units/", NULL };
        struct run_result r = run_program(argv);

        ck_assert_msg(r.status == 0, "sockactd --check units/ failed:\n%s", r.err);
        ck_assert_str_eq(r.err, "");
        ck_assert_ptr_nonnull(strstr(r.out, "units/echo.socket: loaded\n"));
        ck_assert_ptr_nonnull(
                strstr(r.out, "units/echo@.service: loaded (template, checked as echo@instance.service)"));
        ck_assert_ptr_nonnull(strstr(r.out, " 0 not loaded, 0 errors\n"));
        run_result_clear(&r);
}
END_TEST

/* The sentence of the issue that set the error format, byte for byte, and exit status 1. */
START_TEST(test_check_reports_file_line)
{
        char *argv[] = { (char *) SOCKACTD, (char *) "--check",
                         (char *) "tests/units/bad/address-port-range/web.socket", NULL };
        struct run_result r = run_program(argv);

        ck_assert_int_eq(r.status, 1);
        ck_assert_str_eq(r.err,
                         "tests/units/bad/address-port-range/web.socket:7: ListenStream=: invalid address "
                         "\"127.0.0.1:99999\": port out of range\n");
        ck_assert_ptr_nonnull(strstr(r.out, "tests/units/bad/address-port-range/web.socket: not loaded\n"));
        run_result_clear(&r);
}
END_TEST

/* Every bad fixture: exit status 1 (never a crash), and each of its expected lines on stderr. */
START_TEST(test_check_every_bad_fixture)
{
        DIR *d = opendir("tests/units/bad");
        struct dirent *de;
        size_t cases = 0;

        ck_assert_ptr_nonnull(d);
        while ((de = readdir(d))) {
                _cleanup_free_ char *dir = NULL, *expected_path = NULL;
                char line[4096];
                FILE *expected;

                if (de->d_name[0] == '.')
                        continue;
                ck_assert_int_eq(strdup_printf(&dir, "tests/units/bad/%s/", de->d_name), 0);
                char *argv[] = { (char *) SOCKACTD, (char *) "--check", dir, NULL };
                struct run_result r = run_program(argv);

                ck_assert_msg(r.status == 1, "%s: exit status %d", dir, r.status);
                ck_assert_int_eq(strdup_printf(&expected_path, "%sexpected", dir), 0);
                expected = fopen(expected_path, "re");
                ck_assert_ptr_nonnull(expected);
                while (fgets(line, sizeof(line), expected)) {
                        _cleanup_free_ char *full = NULL;
                        ck_assert_int_eq(strdup_printf(&full, "%s%s", dir, line), 0);
                        ck_assert_msg(strstr(r.err, full), "%s: missing on stderr: %s", dir, full);
                }
                fclose(expected);
                run_result_clear(&r);
                cases++;
        }
        closedir(d);
        ck_assert_uint_gt(cases, 20);
}
END_TEST

START_TEST(test_sockactl_verify)
{
        char *good[] = { (char *) SOCKACTL, (char *) "verify", (char *) "units", NULL };
        char *bad[] = { (char *) SOCKACTL, (char *) "verify", (char *) "tests/units/bad/no-listen", NULL };
        char *usage[] = { (char *) SOCKACTL, (char *) "frobnicate", NULL };
        struct run_result r = run_program(good);

        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        r = run_program(bad);
        ck_assert_int_eq(r.status, 1);
        ck_assert_ptr_nonnull(
                strstr(r.err, "web.socket: no Listen*= directive: a socket unit needs at least one\n"));
        run_result_clear(&r);
        r = run_program(usage);
        ck_assert_int_eq(r.status, 2);
        ck_assert_ptr_nonnull(strstr(r.err, "unknown verb \"frobnicate\""));
        run_result_clear(&r);
}
END_TEST

START_TEST(test_dump)
{
        char *argv[] = { (char *) SOCKACTD, (char *) "--dump", (char *) "units/echo.socket", NULL };
        char *instance[] = { (char *) SOCKACTD, (char *) "--dump",
                             (char *) "units/echo@7-127.0.0.1:18007-127.0.0.1:40000.service", NULL };
        char *missing[] = { (char *) SOCKACTD, (char *) "--dump", (char *) "units/missing.socket", NULL };
        struct run_result r = run_program(argv);

        ck_assert_int_eq(r.status, 0);
        ck_assert_ptr_nonnull(strstr(r.out, "\n[Socket]\nListenStream=127.0.0.1:18007\n"));
        ck_assert_ptr_nonnull(strstr(r.out, "\nAccept=yes\n"));
        ck_assert_ptr_nonnull(strstr(r.out, "\nMaxConnections=32\nMaxConnectionsPerSource=32\n"));
        ck_assert_ptr_nonnull(strstr(r.out, "\nBacklog=4294967295\n"));
        ck_assert_ptr_nonnull(strstr(r.out, "\nFileDescriptorName=connection\n"));
        run_result_clear(&r);

        /* An instance without a file of its own is read from its template, with its instance name. */
        r = run_program(instance);
        ck_assert_int_eq(r.status, 0);
        ck_assert_ptr_nonnull(
                strstr(r.out, "Description=Echo for connection 7-127.0.0.1:18007-127.0.0.1:40000\n"));
        run_result_clear(&r);

        r = run_program(missing);
        ck_assert_int_eq(r.status, 1);
        ck_assert_ptr_nonnull(
                strstr(r.err, "units/missing.socket: cannot read the unit file: No such file"));
        run_result_clear(&r);
}
END_TEST

START_TEST(test_usage_errors)
{
        char *no_paths[] = { (char *) SOCKACTD, (char *) "--check", NULL };
        char *bad_level[] = { (char *) SOCKACTD, (char *) "--log-level", (char *) "loud", NULL };
        char *stray[] = { (char *) SOCKACTD, (char *) "stray", NULL };
        char *const *cases[] = { no_paths, bad_level, stray };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct run_result r = run_program(cases[i]);
                ck_assert_int_eq(r.status, 2);
                ck_assert(startswith(r.err, "sockactd: "));
                run_result_clear(&r);
        }
}
END_TEST

/* The daemon on the example units: it logs each unit and that it is ready, then stops on
 * SIGTERM with status 0. */
START_TEST(test_daemon_starts_and_stops)
{
        char runtime[] = "/tmp/sockact-test-runtime-XXXXXX";
        char *argv[] = { (char *) SOCKACTD, (char *) "--unit-dir",   (char *) "units", (char *) "--runtime-dir",
                         runtime,           (char *) "--log-target", (char *) "stderr", NULL };
        posix_spawn_file_actions_t actions;
        char log[8192] = "";
        size_t len = 0;
        int err[2], status;
        pid_t pid;

        ck_assert_ptr_nonnull(mkdtemp(runtime));
        ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
        ck_assert_int_eq(posix_spawn(&pid, argv[0], &actions, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(err[1]);

        while (!strstr(log, " sockets listening, ready\n")) {
                struct pollfd p = { .fd = err[0], .events = POLLIN };
                ssize_t n;

                ck_assert_msg(poll(&p, 1, RUN_TIMEOUT_MS) == 1, "sockactd did not start:\n%s", log);
                n = read(err[0], log + len, sizeof(log) - 1 - len);
                ck_assert_int_gt(n, 0);
                len += (size_t) n;
                log[len] = '\0';
        }
        ck_assert_ptr_nonnull(strstr(log, "]: echo.socket: loaded from units/echo.socket\n"));
        ck_assert_int_eq(kill(pid, SIGTERM), 0);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
        close(err[0]);
        char lock[sizeof(runtime) + 8];
        snprintf(lock, sizeof(lock), "%s/lock", runtime);
        ck_assert_int_eq(unlink(lock), 0);
        ck_assert_int_eq(rmdir(runtime), 0); /* the notify socket is gone too: sockactd removed it */
}
END_TEST

/* units/systemd/sockactd.service, the unit that runs sockactd under systemd, is one systemd takes
 * without a complaint (systemd-analyze verify, with ExecStart= naming the sockactd under test). */
START_TEST(test_systemd_unit_verifies)
{
        char dir[] = "/tmp/sockact-unit.XXXXXX", path[PATH_MAX], sockactd[PATH_MAX];
        _cleanup_free_ char *text = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct run_result r;

        if (access("/usr/bin/systemd-analyze", X_OK) < 0) {
                fprintf(stderr, "test_systemd_unit_verifies: no systemd-analyze, not run\n");
                return;
        }
        ck_assert_ptr_nonnull(realpath(SOCKACTD, sockactd));
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/sockactd.service", dir);
        ck_assert_int_eq(harness_read_file("units/systemd/sockactd.service", 1 << 16, &text), 0);
        ck_assert_ptr_nonnull(strstr(text, "ExecStart=/usr/local/sbin/sockactd\n"));
        text = replace_all(text, "/usr/local/sbin/sockactd", sockactd);
        f = fopen(path, "we");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fflush(f), 0);

        char *argv[] = { (char *) "/usr/bin/systemd-analyze", (char *) "verify", (char *) "--man=no", path,
                         NULL };
        r = run_program(argv);
        unlink(path);
        rmdir(dir);
        ck_assert_msg(r.status == 0 && r.err[0] == '\0', "systemd-analyze verify (status %d):\n%s", r.status,
                      r.err);
        run_result_clear(&r);
}
END_TEST

Suite *sockactd_suite(void)
{
        Suite *s = suite_create("sockactd");
        TCase *t = tcase_create("binaries");

        tcase_set_timeout(t, 120);
        tcase_add_test(t, test_check_example_units);
        tcase_add_test(t, test_check_reports_file_line);
        tcase_add_test(t, test_check_every_bad_fixture);
        tcase_add_test(t, test_sockactl_verify);
        tcase_add_test(t, test_dump);
        tcase_add_test(t, test_usage_errors);
        tcase_add_test(t, test_daemon_starts_and_stops);
        tcase_add_test(t, test_systemd_unit_verifies);
        suite_add_tcase(s, t);
        return s;
}
