/* Tests for lib/diag.c: the "file:line: message" sentences and moving them between lists. */
#include "diag.h"
#include "tests.h"

START_TEST(test_diag)
{
        struct diag a = { 0 }, b = { 0 };

        ck_assert_int_eq(diag_add(&a, "web.socket", 7, "ListenStream=: %s", "bad"), 0);
        ck_assert_int_eq(diag_add(&a, "units", 0, "cannot read the unit directory"), 0);
        ck_assert_str_eq(a.messages[0], "web.socket:7: ListenStream=: bad");
        ck_assert_str_eq(a.messages[1], "units: cannot read the unit directory");
        ck_assert_int_eq(diag_add(&b, "first", 1, "x"), 0);
        ck_assert_int_eq(diag_move(&b, &a), 0);
        ck_assert_uint_eq(a.n, 0);
        ck_assert_ptr_null(a.messages);
        ck_assert_uint_eq(b.n, 3);
        ck_assert_str_eq(b.messages[2], "units: cannot read the unit directory");
        ck_assert_ptr_null(b.messages[3]);
        diag_clear(&b);
        ck_assert_uint_eq(b.n, 0);
}
END_TEST

Suite *diag_suite(void)
{
        Suite *s = suite_create("diag");
        TCase *t = tcase_create("diag");

        tcase_add_test(t, test_diag);
        suite_add_tcase(s, t);
        return s;
}
