/* Tests for lib/user.c, against entries every Debian system has: root (0) and nobody (65534). */
#include "tests.h"
#include "user.h"
#include "util.h"

START_TEST(test_users)
{
        struct user_record u;

        ck_assert_int_eq(user_lookup("root", &u), 0);
        ck_assert_int_eq(u.uid, 0);
        ck_assert_int_eq(u.gid, 0);
        ck_assert_str_eq(u.home, "/root");
        user_record_clear(&u);

        ck_assert_int_eq(user_lookup("65534", &u), 0);
        ck_assert_str_eq(u.name, "nobody");
        user_record_clear(&u);

        ck_assert_int_eq(user_lookup_uid(0, &u), 0);
        ck_assert_str_eq(u.name, "root");
        user_record_clear(&u);

        /* A number the database does not know is still a user; a name it does not know is not. */
        ck_assert_int_eq(user_lookup("4000000", &u), 0);
        ck_assert_int_eq(u.uid, 4000000);
        ck_assert_int_eq(u.gid, (gid_t) -1);
        ck_assert_ptr_null(u.name);
        ck_assert_int_eq(user_lookup("no-such-user-anywhere", &u), -ESRCH);
        ck_assert_int_eq(user_lookup("4294967295", &u), -ESRCH); /* (uid_t) -1 is no id */
}
END_TEST

START_TEST(test_groups)
{
        _cleanup_free_ char *name = NULL, *unknown = (char *) 1;
        gid_t gid = 1;

        ck_assert_int_eq(group_lookup("root", &gid), 0);
        ck_assert_int_eq(gid, 0);
        ck_assert_int_eq(group_lookup("4000000", &gid), 0);
        ck_assert_int_eq(gid, 4000000);
        ck_assert_int_eq(group_lookup("no-such-group-anywhere", &gid), -ESRCH);
        ck_assert_int_eq(group_name(0, &name), 0);
        ck_assert_str_eq(name, "root");
        ck_assert_int_eq(group_name(4000000, &unknown), 0);
        ck_assert_ptr_null(unknown);
}
END_TEST

Suite *user_suite(void)
{
        Suite *s = suite_create("user");
        TCase *t = tcase_create("user");

        tcase_add_test(t, test_users);
        tcase_add_test(t, test_groups);
        suite_add_tcase(s, t);
        return s;
}
