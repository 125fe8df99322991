/* Tests for lib/path.c: paths become canonical the way systemd's path_simplify() makes them. */
#include "path.h"
#include "tests.h"
#include "util.h"

static void assert_normal(const char *in, bool absolute, const char *out)
{
        _cleanup_free_ char *p = strdup(in);
        const char *reason = NULL;

        ck_assert_int_eq(path_normalize(p, absolute, &reason), 0);
        ck_assert_str_eq(p, out);
}

static void assert_refused(const char *in, bool absolute, const char *reason_expected)
{
        _cleanup_free_ char *p = strdup(in);
        const char *reason = NULL;

        ck_assert_int_eq(path_normalize(p, absolute, &reason), -EINVAL);
        ck_assert_str_eq(reason, reason_expected);
        ck_assert_str_eq(p, in); /* refused paths are left alone */
}

START_TEST(test_path_normalize)
{
        assert_normal("/run/web/app.sock", true, "/run/web/app.sock");
        assert_normal("//run///web/./app.sock", true, "/run/web/app.sock");
        assert_normal("/run/web/", true, "/run/web");
        assert_normal("/", true, "/");
        assert_normal("/./", true, "/");
        assert_normal("app/cache", false, "app/cache");
        assert_normal("./app//cache/", false, "app/cache");
        assert_normal("/a/..b/c..", true, "/a/..b/c..");

        assert_refused("run/web", true, "must be an absolute path");
        assert_refused("/run/web", false, "must be a relative path");
        assert_refused("/run/../etc", true, "\"..\" is not allowed in the path");
        assert_refused("app/..", false, "\"..\" is not allowed in the path");
        assert_refused(".", false, "empty path");
}
END_TEST

Suite *path_suite(void)
{
        Suite *s = suite_create("path");
        TCase *t = tcase_create("path");

        tcase_add_test(t, test_path_normalize);
        suite_add_tcase(s, t);
        return s;
}
