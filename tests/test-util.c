/* Tests for lib/util.c: string vectors, formatting and UTF-8 validation. */
#include "tests.h"

#include "util.h"

START_TEST(test_strv)
{
        _cleanup_strv_free_ char **v = NULL, **copy = NULL;

        ck_assert_int_eq(strv_length(v), 0);
        ck_assert_int_eq(strv_extend(&v, "a"), 0);
        ck_assert_int_eq(strv_consume(&v, strdup("b")), 0);
        ck_assert_int_eq(strv_length(v), 2);
        ck_assert_str_eq(v[0], "a");
        ck_assert_str_eq(v[1], "b");
        ck_assert_ptr_null(v[2]);
        ck_assert(strv_contains(v, "b"));
        ck_assert(!strv_contains(v, "c"));
        ck_assert_int_eq(strv_copy(v, &copy), 0);
        ck_assert_int_eq(strv_length(copy), 2);
        ck_assert_ptr_ne(copy[0], v[0]);
        ck_assert_str_eq(copy[1], "b");
}
END_TEST

START_TEST(test_strextend_printf)
{
        _cleanup_free_ char *s = NULL;

        ck_assert_int_eq(strextend_printf(&s, "%s=", "Key"), 0);
        ck_assert_int_eq(strextend_printf(&s, "%d", 42), 0);
        ck_assert_str_eq(s, "Key=42");
}
END_TEST

START_TEST(test_utf8)
{
        ck_assert(utf8_is_valid("plain ascii"));
        ck_assert(utf8_is_valid("gr\xc3\xbc\xc3\x9f")); /* "grüß" */
        ck_assert(utf8_is_valid("\xf0\x9f\x98\x80"));   /* U+1F600 */
        ck_assert(!utf8_is_valid("\xc3"));              /* truncated */
        ck_assert(!utf8_is_valid("\xc0\xaf"));          /* overlong "/" */
        ck_assert(!utf8_is_valid("\xed\xa0\x80"));      /* surrogate */
        ck_assert(!utf8_is_valid("\xf4\x90\x80\x80"));  /* above U+10FFFF */
        ck_assert(!utf8_is_valid("latin1 \xe9t\xe9"));
}
END_TEST

Suite *util_suite(void)
{
        Suite *s = suite_create("util");
        TCase *t = tcase_create("util");

        tcase_add_test(t, test_strv);
        tcase_add_test(t, test_strextend_printf);
        tcase_add_test(t, test_utf8);
        suite_add_tcase(s, t);
        return s;
}
