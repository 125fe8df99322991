/* Tests for lib/env.c: variable names, assignments, and the last assignment of a name winning. */
#include "env.h"
#include "tests.h"
#include "util.h"

START_TEST(test_names_and_assignments)
{
        ck_assert(env_name_is_valid("PATH", 4));
        ck_assert(env_name_is_valid("_x9", 3));
        ck_assert(env_name_is_valid("LISTEN_FDS=3", 10)); /* only the first n bytes count */
        ck_assert(!env_name_is_valid("", 0));
        ck_assert(!env_name_is_valid("9LIVES", 6));
        ck_assert(!env_name_is_valid("A-B", 3));
        ck_assert(!env_name_is_valid("A.B", 3));
        ck_assert(env_assignment_is_valid("A="));
        ck_assert(env_assignment_is_valid("A=b=c d"));
        ck_assert(!env_assignment_is_valid("A"));
        ck_assert(!env_assignment_is_valid("=x"));
        ck_assert(!env_assignment_is_valid("1A=x"));
}
END_TEST

START_TEST(test_set_replaces_in_place)
{
        _cleanup_strv_free_ char **env = NULL;

        ck_assert_int_eq(env_set(&env, strdup("A=1")), 0);
        ck_assert_int_eq(env_set(&env, strdup("AB=2")), 0);
        ck_assert_int_eq(env_set(&env, strdup("A=3")), 0);
        ck_assert_uint_eq(strv_length(env), 2);
        ck_assert_str_eq(env[0], "A=3"); /* "A" is not a prefix match of "AB" */
        ck_assert_str_eq(env[1], "AB=2");
}
END_TEST

Suite *env_suite(void)
{
        Suite *s = suite_create("env");
        TCase *t = tcase_create("env");

        tcase_add_test(t, test_names_and_assignments);
        tcase_add_test(t, test_set_replaces_in_place);
        suite_add_tcase(s, t);
        return s;
}
