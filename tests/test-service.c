/* Tests for the pure parts of daemon/service.c: what a process's exit means, and which results
 * each Restart= setting restarts — every pair, against systemd.service(5)'s table. */
#include <signal.h>

#include "daemon/service.h"
#include "util.h"
#include "tests.h"

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

Suite *service_suite(void)
{
        Suite *s = suite_create("service");
        TCase *t = tcase_create("service");

        tcase_add_test(t, test_result_from_exit);
        tcase_add_test(t, test_restart_table);
        tcase_add_test(t, test_names);
        suite_add_tcase(s, t);
        return s;
}
