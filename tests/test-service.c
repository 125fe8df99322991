/* Tests for daemon/service.c: the pure parts (what a process's exit means, and which results each
 * Restart= setting restarts — every pair, against systemd.service(5)'s table), then KillMode=
 * against the real sockactd. */
#include "tests.h"

#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>

#include "checks.h"
#include "daemon/service.h"
#include "harness.h"
#include "util.h"

START_TEST(test_result_from_exit)
{
        ck_assert_int_eq(service_result_from_exit(CLD_EXITED, 0, true), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_EXITED, 1, true), SERVICE_FAILURE_EXIT_CODE);
        ck_assert_int_eq(service_result_from_exit(CLD_EXITED, 255, true), SERVICE_FAILURE_EXIT_CODE);
        /* SIGHUP, SIGINT, SIGTERM and SIGPIPE are a clean stop, as systemd counts them. */
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGTERM, true), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGHUP, true), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGINT, true), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGPIPE, true), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGKILL, true), SERVICE_FAILURE_SIGNAL);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGSEGV, true), SERVICE_FAILURE_SIGNAL);
        ck_assert_int_eq(service_result_from_exit(CLD_DUMPED, SIGABRT, true), SERVICE_FAILURE_CORE_DUMP);
        /* a command (ExecStartPre=…) succeeds with status 0 only */
        ck_assert_int_eq(service_result_from_exit(CLD_EXITED, 0, false), SERVICE_SUCCESS);
        ck_assert_int_eq(service_result_from_exit(CLD_EXITED, 3, false), SERVICE_FAILURE_EXIT_CODE);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGTERM, false), SERVICE_FAILURE_SIGNAL);
        ck_assert_int_eq(service_result_from_exit(CLD_KILLED, SIGHUP, false), SERVICE_FAILURE_SIGNAL);
}
END_TEST

/* systemd.service(5), "Exit causes and the effect of the Restart= settings":
 *                    no always on-success on-failure on-abnormal on-abort on-watchdog
 * clean exit              X        X
 * unclean exit code       X                   X
 * unclean signal          X                   X           X          X
 * timeout                 X                   X           X
 * watchdog                X                   X           X                      X          */
START_TEST(test_restart_table)
{
        static const struct {
                enum service_result result;
                const char *restarts; /* one letter per policy: n a s f b o w (no … on-watchdog) */
        } rows[] = {
                { SERVICE_SUCCESS, "-as----" },
                { SERVICE_FAILURE_EXIT_CODE, "-a-f---" },
                { SERVICE_FAILURE_SIGNAL, "-a-fbo-" },
                { SERVICE_FAILURE_CORE_DUMP, "-a-fbo-" },
                { SERVICE_FAILURE_TIMEOUT, "-a-fb--" },
                { SERVICE_FAILURE_WATCHDOG, "-a-fb-w" },
                { SERVICE_FAILURE_RESOURCES, "-a-f---" },
                { SERVICE_FAILURE_PROTOCOL, "-a-f---" },
                { SERVICE_FAILURE_START_LIMIT_HIT, "-------" },
        };
        static const enum service_restart policies[] = { RESTART_NO,          RESTART_ALWAYS,
                                                         RESTART_ON_SUCCESS,  RESTART_ON_FAILURE,
                                                         RESTART_ON_ABNORMAL, RESTART_ON_ABORT,
                                                         RESTART_ON_WATCHDOG };
        bool seen[_SERVICE_RESULT_MAX] = { false };

        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                seen[rows[i].result] = true;
                for (size_t p = 0; p < ELEMENTSOF(policies); p++)
                        ck_assert_msg(service_restart_needed(policies[p], rows[i].result) ==
                                              (rows[i].restarts[p] != '-'),
                                      "Restart=%s with result %s", service_restart_to_string(policies[p]),
                                      service_result_to_string(rows[i].result));
        }
        for (int r = 0; r < _SERVICE_RESULT_MAX; r++) /* the table covers every result */
                ck_assert_msg(seen[r], "result %s is not in the table", service_result_to_string(r));
        ck_assert_uint_eq(ELEMENTSOF(policies), _RESTART_MAX);
}
END_TEST

START_TEST(test_names)
{
        for (int s = 0; s < _SERVICE_STATE_MAX; s++)
                ck_assert_ptr_nonnull(service_state_to_string(s));
        for (int r = 0; r < _SERVICE_RESULT_MAX; r++)
                ck_assert_ptr_nonnull(service_result_to_string(r));
        ck_assert_str_eq(service_result_to_string(SERVICE_FAILURE_EXIT_CODE), "exit-code");
}
END_TEST

/* ---- KillMode= against the real sockactd ---- */

/* tree.service: a shell that starts a background sleep (in its own session with setsid), writes
 * the sleep's pid to DIR/grandchild, then becomes listen-service, which exits after one
 * connection. Returns the grandchild's pid once the service went through its stop to "dead". */
static pid_t run_tree(struct harness *h, const char *kill_mode, bool setsid)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *script_path = path_in(h, "tree.sh"), *pid_path = path_in(h, "grandchild"),
                            *exec = program("listen-service"),
                            *script = format("%s sleep 300 &\necho $! >%s\nexec %s --exit-after 1\n",
                                             setsid ? "setsid" : "", pid_path, exec),
                            *socket = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *service = format("[Service]\nExecStart=/bin/sh %s\nKillMode=%s\n", script_path,
                                              kill_mode),
                            *address = format("127.0.0.1:%u", port), *report = NULL, *text = NULL;
        const struct harness_unit units[] = { { "tree.socket", socket }, { "tree.service", service } };
        FILE *f = fopen(script_path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(script, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        start(h, units, ELEMENTSOF(units), 1);
        report = request(h, address, SOCK_STREAM);
        wait_log(h, NULL, "tree.service: stop-post → dead");
        ck_assert_int_eq(harness_read_file(pid_path, 64, &text), 0);
        return (pid_t) atoi(text);
}

/* control-group: the processes the service left behind are stopped with it. */
START_TEST(test_kill_mode_control_group)
{
        struct harness h;
        pid_t grandchild;

        init(&h);
        grandchild = run_tree(&h, "control-group", false);
        ck_assert_msg(wait_gone(grandchild, T), "process %d outlived its service:\n%s", (int) grandchild,
                      harness_log_tail(&h));
        stop(&h);
}
END_TEST

/* A process that left the service's session and process group is still in its cgroup, when
 * sockactd has cgroups; without them, sockactd says so and reaches the process groups only. */
START_TEST(test_kill_mode_control_group_escaped)
{
        struct harness h;
        size_t offset = 0;
        pid_t grandchild;

        init(&h);
        grandchild = run_tree(&h, "control-group", true);
        if (harness_wait_log(&h, "Services are tracked in cgroups below", &offset, 0) == 0)
                ck_assert_msg(wait_gone(grandchild, T), "process %d left its cgroup alive:\n%s",
                              (int) grandchild, harness_log_tail(&h));
        else {
                wait_log(&h, NULL, "Services are tracked by their process groups");
                if (process_running(grandchild))
                        (void) kill(grandchild, SIGKILL);
        }
        stop(&h);
}
END_TEST

/* mixed: KillSignal= to the main process only, then SIGKILL to what is left, at once when the
 * main process is gone already (not after TimeoutStopSec=, 90 s here). */
START_TEST(test_kill_mode_mixed)
{
        struct harness h;
        pid_t grandchild;

        init(&h);
        grandchild = run_tree(&h, "mixed", false);
        ck_assert_msg(wait_gone(grandchild, T), "process %d outlived its service:\n%s", (int) grandchild,
                      harness_log_tail(&h));
        stop(&h);
}
END_TEST

/* process: only the main process is stopped; what it left runs on, as in systemd. */
START_TEST(test_kill_mode_process)
{
        struct harness h;
        pid_t grandchild;

        init(&h);
        grandchild = run_tree(&h, "process", false);
        ck_assert_msg(process_running(grandchild), "KillMode=process stopped process %d:\n%s",
                      (int) grandchild, harness_log_tail(&h));
        ck_assert_int_eq(kill(grandchild, SIGKILL), 0);
        stop(&h);
}
END_TEST

Suite *service_suite(void)
{
        Suite *s = suite_create("service");
        TCase *t = tcase_create("service");

        tcase_add_test(t, test_result_from_exit);
        tcase_add_test(t, test_restart_table);
        tcase_add_test(t, test_names);
        suite_add_tcase(s, t);

        t = tcase_create("kill-mode");
        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_kill_mode_control_group);
        tcase_add_test(t, test_kill_mode_control_group_escaped);
        tcase_add_test(t, test_kill_mode_mixed);
        tcase_add_test(t, test_kill_mode_process);
        suite_add_tcase(s, t);
        return s;
}
