/* The one test runner: every suite of tests/test-*.c in one SRunner, so that the run
 * ends with a single summary line. CK_RUN_SUITE=name runs one suite (check's own variable). */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
        SRunner *runner;
        int failed;

        check_set_max_msg_size(TESTS_MESSAGE_MAX); /* a failure message carries the daemon's log tail */
        runner = srunner_create(NULL);

#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "suites.h"
#undef SUITE

        srunner_run_all(runner, CK_NORMAL);
        failed = srunner_ntests_failed(runner);
        srunner_free(runner);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
