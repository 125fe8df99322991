/* Tests for lib/specifier.c: every specifier on a fixed context, for the unit names administrators
 * write, what is refused and why, and the context read from this system. */
#include <stdlib.h>

#include "tests.h"

#include "specifier.h"
#include "util.h"

static const struct specifier_context fixed = {
        .unit_name = "foo-bar@a\\x2db.socket",
        .runtime_root = "/run/user/1000",
        .state_root = "/home/alice/.config",
        .cache_root = "/home/alice/.cache",
        .log_root = "/home/alice/.config/log",
        .config_root = "/home/alice/.config",
        .user_name = "alice",
        .uid = 1000,
        .group_name = "users",
        .gid = 100,
        .home = "/home/alice",
        .host_name = "web1.example.com",
        .machine_id = "0123456789abcdef0123456789abcdef",
        .boot_id = "fedcba9876543210fedcba9876543210",
        .kernel_release = "6.1.0-18-amd64",
};

static void assert_expands(const char *unit_name, const char *s, const char *expected)
{
        struct specifier_context ctx = fixed;
        const char *reason = "untouched";
        _cleanup_free_ char *out = NULL;

        ctx.unit_name = unit_name;
        ck_assert_msg(specifier_expand(s, &ctx, &out, &reason) == 0, "%s for %s: %s", s, unit_name, reason);
        ck_assert_msg(streq(out, expected), "%s for %s: \"%s\", not \"%s\"", s, unit_name, out, expected);
        ck_assert_str_eq(reason, "untouched");
}

static void assert_refused(const struct specifier_context *ctx, const char *s, const char *reason)
{
        const char *got = NULL;
        char *out = NULL;

        ck_assert_msg(specifier_expand(s, ctx, &out, &got) == -EBADMSG, "%s expanded", s);
        ck_assert_ptr_null(out);
        ck_assert_msg(got && streq(got, reason), "%s: \"%s\", not \"%s\"", s, got, reason);
}

static void assert_refused_for(const char *unit_name, const char *s, const char *reason)
{
        struct specifier_context ctx = fixed;

        ctx.unit_name = unit_name;
        assert_refused(&ctx, s, reason);
}

START_TEST(test_unit_name_specifiers)
{
        static const struct {
                const char *unit, *s, *expected;
        } cases[] = {
                { "foo-bar@a\\x2db.socket", "%n", "foo-bar@a\\x2db.socket" },
                { "foo-bar@a\\x2db.socket", "%N", "foo-bar@a\\x2db" },
                { "foo-bar@a\\x2db.socket", "%p", "foo-bar" },
                { "foo-bar@a\\x2db.socket", "%P", "foo/bar" },
                { "foo-bar@a\\x2db.socket", "%i", "a\\x2db" },
                { "foo-bar@a\\x2db.socket", "%I", "a-b" },
                { "foo-bar@a\\x2db.socket", "%j", "bar" },
                { "foo-bar@a\\x2db.socket", "%J", "bar" },
                { "foo-bar@a\\x2db.socket", "%f", "/a-b" },
                { "getty@tty1.service", "%p %i %I %j %f %N", "getty tty1 tty1 getty /tty1 getty@tty1" },
                { "sshd@0-127.0.0.1:22-127.0.0.1:54321.service", "%i", "0-127.0.0.1:22-127.0.0.1:54321" },
                { "sshd@0-127.0.0.1:22-127.0.0.1:54321.service", "%I", "0/127.0.0.1:22/127.0.0.1:54321" },
                { "sshd@0-127.0.0.1:22-127.0.0.1:54321.service", "%f", "/0/127.0.0.1:22/127.0.0.1:54321" },
                /* A plain name has an empty instance, and %f is its prefix as a path. */
                { "sshd.socket", "[%i][%I]", "[][]" },
                { "sshd.socket", "%n %N %p %P %j %J %f", "sshd.socket sshd sshd sshd sshd sshd /sshd" },
                { "dev-disk-by\\x2duuid.socket", "%p", "dev-disk-by\\x2duuid" },
                { "dev-disk-by\\x2duuid.socket", "%P", "dev/disk/by-uuid" },
                { "dev-disk-by\\x2duuid.socket", "%j %J", "by\\x2duuid by-uuid" },
                { "dev-disk-by\\x2duuid.socket", "%f", "/dev/disk/by-uuid" },
                { "foo-bar-baz@x.service", "%j", "baz" },
                { "foo-.service", "[%j]", "[]" },
                { "getty@.service", "%n [%i] [%I] %p", "getty@.service [] [] getty" },
                { "my.app@x.socket", "%N %p", "my.app@x my.app" },
                { "foo@a\\xZZ.service", "%i", "a\\xZZ" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_expands(cases[i].unit, cases[i].s, cases[i].expected);
}
END_TEST

START_TEST(test_context_specifiers)
{
        assert_expands("a.socket", "%t|%S|%C|%L|%E",
                       "/run/user/1000|/home/alice/.config|/home/alice/.cache|/home/alice/.config/log|"
                       "/home/alice/.config");
        assert_expands("a.socket", "%h %u %U %g %G", "/home/alice alice 1000 users 100");
        assert_expands("a.socket", "%H %l", "web1.example.com web1");
        assert_expands("a.socket", "%m", "0123456789abcdef0123456789abcdef");
        assert_expands("a.socket", "%b", "fedcba9876543210fedcba9876543210");
        assert_expands("a.socket", "%v", "6.1.0-18-amd64");
        assert_expands("a.socket", "100%% of %%i", "100% of %i");
        assert_expands("a.socket", "", "");
        assert_expands("a.socket", "no specifiers at all", "no specifiers at all");
        assert_expands("sshd@0-10.0.0.1:22-10.0.0.2:4711.service",
                       "ListenStream=%t/%p/%i.sock --log=%L/%p.log",
                       "ListenStream=/run/user/1000/sshd/0-10.0.0.1:22-10.0.0.2:4711.sock "
                       "--log=/home/alice/.config/log/sshd.log");
}
END_TEST

START_TEST(test_short_host_name)
{
        struct specifier_context ctx = fixed;
        _cleanup_free_ char *out = NULL;

        ctx.host_name = "localhost";
        ck_assert_int_eq(specifier_expand("%l", &ctx, &out, NULL), 0);
        ck_assert_str_eq(out, "localhost");
}
END_TEST

START_TEST(test_refused)
{
        static const char unsupported[] = "aABcdDMoqrRsTVwWyY";
        static const char *const unknown[] = {
                "%z", "%Z", "%k", "%0", "%-", "%/", "% ", "%\xc3\xa4", "%{x}"
        };

        for (const char *c = unsupported; *c; c++) {
                char s[] = { 'x', '%', *c, '\0' };

                assert_refused(&fixed, s, "specifier is not supported by sockact");
        }
        for (size_t i = 0; i < ELEMENTSOF(unknown); i++)
                assert_refused(&fixed, unknown[i], "unknown specifier");
        assert_refused(&fixed, "50%", "lone % at end of value");
        assert_refused(&fixed, "%%%", "lone % at end of value");
        assert_refused(&fixed, "%n%", "lone % at end of value");
        assert_refused(&fixed, "%n%q", "specifier is not supported by sockact");
}
END_TEST

START_TEST(test_not_available)
{
        const struct specifier_context empty = { 0 };
        static const struct {
                const char *s, *reason;
        } cases[] = {
                { "%n", "unit name is not available" },
                { "%f", "unit name is not available" },
                { "%t", "%t: runtime directory root is not available" },
                { "%S", "%S: state directory root is not available" },
                { "%C", "%C: cache directory root is not available" },
                { "%L", "%L: log directory root is not available" },
                { "%E", "%E: configuration directory root is not available" },
                { "%h", "%h: home directory is not available" },
                { "%u", "%u: user name is not available" },
                { "%g", "%g: group name is not available" },
                { "%H", "%H: host name is not available" },
                { "%l", "%l: host name is not available" },
                { "%m", "%m: machine ID is not available" },
                { "%b", "%b: boot ID is not available" },
                { "%v", "%v: kernel release is not available" },
        };
        _cleanup_free_ char *ids = NULL;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_refused(&empty, cases[i].s, cases[i].reason);
        ck_assert_int_eq(specifier_expand("%U:%G %%", &empty, &ids, NULL), 0);
        ck_assert_str_eq(ids, "0:0 %");
}
END_TEST

START_TEST(test_bad_unit_name)
{
        assert_refused_for("sshd", "%n", "unit name is not valid");
        assert_refused_for("foo@a/b.service", "%i", "unit name is not valid");
        assert_refused_for("foo@a\\xZZ.service", "%I", "unit name has an invalid escape sequence");
        assert_refused_for("foo-bar\\x2.socket", "%P", "unit name has an invalid escape sequence");
        /* %f must be an absolute, normalized path, so a template and a trailing "-" have none. */
        assert_refused_for("getty@.service", "%f", "unit name does not unescape to a valid path");
        assert_refused_for("foo-.service", "%f", "unit name does not unescape to a valid path");
        assert_refused_for("foo@a--b.service", "%f", "unit name does not unescape to a valid path");
        assert_refused_for("foo@a\\x00b.service", "%I", "unit name has an invalid escape sequence");
}
END_TEST

START_TEST(test_too_long)
{
        struct specifier_context ctx = fixed;
        _cleanup_free_ char *home = malloc(1024 + 1), *s = malloc(2 * 1024 + 2), *out = NULL;

        /* 1024 times a 1024-byte %h is exactly the 1 MiB limit; one more byte is refused. */
        memset(home, 'h', 1024);
        home[0] = '/';
        home[1024] = '\0';
        for (size_t i = 0; i < 1024; i++)
                memcpy(s + 2 * i, "%h", 2);
        s[2 * 1024] = '\0';
        ctx.home = home;
        ck_assert_int_eq(specifier_expand(s, &ctx, &out, NULL), 0);
        ck_assert_int_eq(strlen(out), 1024 * 1024);
        strcat(s, "x");
        assert_refused(&ctx, s, "expanded value is too long");
}
END_TEST

START_TEST(test_from_system)
{
        struct specifier_context ctx = { .unit_name = "getty@tty1.service" };
        struct specifier_storage storage;
        _cleanup_free_ char *out = NULL, *uid = NULL;

        ck_assert_int_eq(specifier_context_from_system(&ctx, &storage), 0);
        ck_assert_str_eq(ctx.unit_name, "getty@tty1.service");
        ck_assert_ptr_nonnull(ctx.user_name);
        ck_assert_ptr_nonnull(ctx.group_name);
        ck_assert_int_eq(ctx.uid, geteuid());
        ck_assert_int_eq(ctx.gid, getegid());
        ck_assert_ptr_nonnull(ctx.host_name);
        ck_assert_ptr_nonnull(ctx.kernel_release);
        if (ctx.machine_id)
                ck_assert_int_eq(strspn(ctx.machine_id, "0123456789abcdef"), 32);
        ck_assert_ptr_nonnull(ctx.boot_id); /* /proc is mounted wherever the tests run */
        ck_assert_int_eq(strlen(ctx.boot_id), 32);
        ck_assert_int_eq(strspn(ctx.boot_id, "0123456789abcdef"), 32);
        if (geteuid() == 0) {
                ck_assert_str_eq(ctx.user_name, "root");
                ck_assert_str_eq(ctx.runtime_root, "/run");
                ck_assert_str_eq(ctx.state_root, "/var/lib");
                ck_assert_str_eq(ctx.cache_root, "/var/cache");
                ck_assert_str_eq(ctx.log_root, "/var/log");
                ck_assert_str_eq(ctx.config_root, "/etc");
        } else {
                ck_assert(!ctx.runtime_root || ctx.runtime_root[0] == '/');
                ck_assert(!ctx.config_root || ctx.config_root[0] == '/');
                ck_assert(streq_ptr(ctx.state_root, ctx.config_root));
        }

        ck_assert_int_eq(specifier_expand("%U %u %i", &ctx, &out, NULL), 0);
        ck_assert_int_eq(strdup_printf(&uid, "%u %s tty1", (unsigned) geteuid(), ctx.user_name), 0);
        ck_assert_str_eq(out, uid);
}
END_TEST

static const char *const environment[] = { "HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" };

/* The XDG variables and $HOME decide a user's roots; run as root, only %h follows $HOME. */
START_TEST(test_from_system_environment)
{
        struct specifier_context ctx = { 0 };
        struct specifier_storage storage;
        char *saved[ELEMENTSOF(environment)], long_home[5000];

        for (size_t i = 0; i < ELEMENTSOF(environment); i++) {
                const char *value = getenv(environment[i]);

                saved[i] = value ? strdup(value) : NULL;
        }
        ck_assert_int_eq(setenv("HOME", "/home/alice//", 1), 0);
        ck_assert_int_eq(setenv("XDG_RUNTIME_DIR", "/run/user/4711", 1), 0);
        ck_assert_int_eq(setenv("XDG_CONFIG_HOME", "relative/is/ignored", 1), 0);
        ck_assert_int_eq(setenv("XDG_CACHE_HOME", "/var/tmp/alice-cache/", 1), 0);
        ck_assert_int_eq(specifier_context_from_system(&ctx, &storage), 0);
        ck_assert_str_eq(ctx.home, "/home/alice");
        if (geteuid() != 0) {
                ck_assert_str_eq(ctx.runtime_root, "/run/user/4711");
                ck_assert_str_eq(ctx.config_root, "/home/alice/.config");
                ck_assert_str_eq(ctx.state_root, "/home/alice/.config");
                ck_assert_str_eq(ctx.log_root, "/home/alice/.config/log");
                ck_assert_str_eq(ctx.cache_root, "/var/tmp/alice-cache");
                ck_assert_int_eq(unsetenv("XDG_RUNTIME_DIR"), 0);
                ck_assert_int_eq(specifier_context_from_system(&ctx, &storage), 0);
                ck_assert_ptr_null(ctx.runtime_root);
        } else
                ck_assert_str_eq(ctx.config_root, "/etc");

        /* A home that does not fit in the storage leaves the context alone. */
        memset(long_home, 'x', sizeof(long_home) - 1);
        long_home[0] = '/';
        long_home[sizeof(long_home) - 1] = '\0';
        ck_assert_int_eq(setenv("HOME", long_home, 1), 0);
        ctx.unit_name = "kept.socket";
        ck_assert_int_eq(specifier_context_from_system(&ctx, &storage), -ENOBUFS);
        ck_assert_str_eq(ctx.unit_name, "kept.socket");
        ck_assert_str_eq(ctx.home, "/home/alice");

        for (size_t i = 0; i < ELEMENTSOF(environment); i++) {
                if (saved[i])
                        setenv(environment[i], saved[i], 1);
                else
                        unsetenv(environment[i]);
                free(saved[i]);
        }
}
END_TEST

Suite *specifier_suite(void)
{
        Suite *s = suite_create("specifier");
        TCase *t = tcase_create("specifier");

        tcase_add_test(t, test_unit_name_specifiers);
        tcase_add_test(t, test_context_specifiers);
        tcase_add_test(t, test_short_host_name);
        tcase_add_test(t, test_refused);
        tcase_add_test(t, test_not_available);
        tcase_add_test(t, test_bad_unit_name);
        tcase_add_test(t, test_too_long);
        tcase_add_test(t, test_from_system);
        tcase_add_test(t, test_from_system_environment);
        suite_add_tcase(s, t);
        return s;
}
