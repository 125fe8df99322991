/* Tests for lib/unitset.c: which files a set loads, which name wins, and how a unit that fails
 * takes down the units that need it. */
#include "support.h"
#include "tests.h"

static const struct unit *must_find(const struct unit_set *set, const char *name)
{
        const struct unit *u = unit_set_find(set, name);

        ck_assert_msg(u, "%s not loaded", name);
        return u;
}

/* --check on a file: the units it refers to come from its own directory. */
START_TEST(test_load_single_file)
{
        char *files[] = { (char *) FIXTURES "/good/web/web.socket", NULL };
        struct unit_set set = { 0 };
        struct diag diag = { 0 };

        ck_assert_int_eq(unit_set_load(NULL, files, &test_options, &set, &diag), 0);
        ck_assert_uint_eq(diag.n, 0);
        ck_assert_uint_eq(set.n, 2);
        ck_assert_ptr_nonnull(unit_set_find(&set, "web.service"));
        unit_set_clear(&set);
}
END_TEST

/* A name in an earlier directory hides the same name in later ones. */
START_TEST(test_directory_precedence)
{
        char *dirs[] = { (char *) FIXTURES "/good/web", (char *) FIXTURES "/bad/service-broken", NULL };
        struct unit_set set = { 0 };
        struct diag diag = { 0 };

        ck_assert_int_eq(unit_set_load(dirs, NULL, &test_options, &set, &diag), 0);
        ck_assert_uint_eq(diag.n, 0);
        ck_assert_str_eq(must_find(&set, "web.service")->path, FIXTURES "/good/web/web.service");
        unit_set_clear(&set);
}
END_TEST

START_TEST(test_missing_directory)
{
        char *dirs[] = { (char *) "tests/units/no-such-directory", (char *) FIXTURES "/good/web", NULL };
        struct unit_set set = { 0 };
        struct diag diag = { 0 };

        ck_assert_int_eq(unit_set_load(dirs, NULL, &test_options, &set, &diag), 0);
        ck_assert_uint_eq(diag.n, 1);
        ck_assert_str_eq(
                diag.messages[0],
                "tests/units/no-such-directory: cannot read the unit directory: No such file or directory");
        ck_assert_uint_eq(set.n, 2); /* the other directory still loads */
        unit_set_clear(&set);
        diag_clear(&diag);
}
END_TEST

/* A socket whose service fails is left out too, and a service template is found by its name. */
START_TEST(test_failure_propagates)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("bad", "service-broken", &diag);

        ck_assert_uint_eq(set.n, 0);
        ck_assert_uint_eq(set.n_reports, 2);
        ck_assert_ptr_null(unit_set_find(&set, "web.socket"));
        ck_assert_ptr_null(unit_set_find(&set, "no-such.socket"));
        unit_set_clear(&set);
        diag_clear(&diag);

        set = load_fixture("good", "ssh", &diag);
        ck_assert_str_eq(must_find(&set, "ssh@.service")->name, "ssh@instance.service");
        unit_set_clear(&set);
}
END_TEST

Suite *unitset_suite(void)
{
        Suite *s = suite_create("unitset");
        TCase *t = tcase_create("unitset");

        tcase_add_test(t, test_load_single_file);
        tcase_add_test(t, test_directory_precedence);
        tcase_add_test(t, test_missing_directory);
        tcase_add_test(t, test_failure_propagates);
        suite_add_tcase(s, t);
        return s;
}
