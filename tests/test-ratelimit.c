/* Tests for lib/ratelimit.c: the window, the burst, the end of a limit, and "no limit". */
#include "tests.h"

#include "ratelimit.h"

START_TEST(test_burst_within_window)
{
        struct ratelimit r = { .interval = 1000, .burst = 3 };
        uint64_t end = 0;

        ck_assert(ratelimit_test(&r, 5000, &end));
        ck_assert(ratelimit_test(&r, 5100, &end));
        ck_assert(ratelimit_test(&r, 5999, &end));
        ck_assert(!ratelimit_test(&r, 5999, &end));
        ck_assert_uint_eq(end, 6000);
        ck_assert(!ratelimit_test(&r, 5500, &end)); /* still over, the same end */
        ck_assert_uint_eq(end, 6000);
        ck_assert(ratelimit_test(&r, 6000, &end)); /* a new window begins */
        ck_assert(ratelimit_test(&r, 6001, &end));
        ck_assert(ratelimit_test(&r, 6002, &end));
        ck_assert(!ratelimit_test(&r, 6003, &end));
        ck_assert_uint_eq(end, 7000);
}
END_TEST

START_TEST(test_first_event_at_time_zero)
{
        struct ratelimit r = { .interval = 10, .burst = 1 };
        uint64_t end = 0;

        ck_assert(ratelimit_test(&r, 0, &end));
        ck_assert(!ratelimit_test(&r, 9, &end));
        ck_assert_uint_eq(end, 10);
}
END_TEST

START_TEST(test_no_limit)
{
        struct ratelimit zero_interval = { .interval = 0, .burst = 1 }, zero_burst = { .interval = 10 };
        uint64_t end = 42;

        for (int i = 0; i < 100; i++) {
                ck_assert(ratelimit_test(&zero_interval, 5, &end));
                ck_assert(ratelimit_test(&zero_burst, 5, &end));
        }
        ck_assert_uint_eq(end, 42);
}
END_TEST

Suite *ratelimit_suite(void)
{
        Suite *s = suite_create("ratelimit");
        TCase *t = tcase_create("ratelimit");

        tcase_add_test(t, test_burst_within_window);
        tcase_add_test(t, test_first_event_at_time_zero);
        tcase_add_test(t, test_no_limit);
        suite_add_tcase(s, t);
        return s;
}
