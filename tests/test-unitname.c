/* Tests for lib/unitname.c: the names administrators write, checked against what systemd 252 and
 * systemd-escape(1) accept and produce. */
#include "tests.h"

#include "unitname.h"
#include "util.h"

START_TEST(test_type)
{
        ck_assert_str_eq(unit_type_to_string(UNIT_SOCKET), "socket");
        ck_assert_str_eq(unit_type_to_string(UNIT_SERVICE), "service");
        ck_assert_ptr_null(unit_type_to_string(_UNIT_TYPE_MAX));
        ck_assert_ptr_null(unit_type_to_string(_UNIT_TYPE_INVALID));
        ck_assert_int_eq(unit_type_from_string("socket"), UNIT_SOCKET);
        ck_assert_int_eq(unit_type_from_string("service"), UNIT_SERVICE);
        ck_assert_int_eq(unit_type_from_string("mount"), _UNIT_TYPE_INVALID);
        ck_assert_int_eq(unit_type_from_string("Service"), _UNIT_TYPE_INVALID);
        ck_assert_int_eq(unit_type_from_string(NULL), _UNIT_TYPE_INVALID);
}
END_TEST

START_TEST(test_valid)
{
        static const struct {
                const char *name;
                enum unit_type type;
                bool template, instance;
        } names[] = {
                { "sshd.socket", UNIT_SOCKET, false, false },
                { "getty@tty1.service", UNIT_SERVICE, false, true },
                { "getty@.service", UNIT_SERVICE, true, false },
                { "foo-bar@a\\x2db.socket", UNIT_SOCKET, false, true },
                { "sshd@0-127.0.0.1:22-127.0.0.1:54321.service", UNIT_SERVICE, false, true },
                { "org.freedesktop.foo.service", UNIT_SERVICE, false, false },
                { "foo@bar@baz.service", UNIT_SERVICE, false, true },
                { "foo@bar@.service", UNIT_SERVICE, false, true },
                { "foo.socket.service", UNIT_SERVICE, false, false },
                { "systemd-fsck@dev-disk-by\\x2duuid-1234.service", UNIT_SERVICE, false, true },
                { "", _UNIT_TYPE_INVALID, false, false },
                { ".service", _UNIT_TYPE_INVALID, false, false },
                { "@.service", _UNIT_TYPE_INVALID, false, false },
                { "@foo.service", _UNIT_TYPE_INVALID, false, false },
                { "foo", _UNIT_TYPE_INVALID, false, false },
                { "foo.", _UNIT_TYPE_INVALID, false, false },
                { "foo.mount", _UNIT_TYPE_INVALID, false, false },
                { "foo.service.d", _UNIT_TYPE_INVALID, false, false },
                { "foo bar.service", _UNIT_TYPE_INVALID, false, false },
                { "foo/bar.service", _UNIT_TYPE_INVALID, false, false },
                { "foo@b/r.service", _UNIT_TYPE_INVALID, false, false },
                { "f\xc3\xb6\xc3\xb6.service", _UNIT_TYPE_INVALID, false, false },
                { "foo%i.service", _UNIT_TYPE_INVALID, false, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                ck_assert_msg(unit_name_type(names[i].name) == names[i].type, "%s", names[i].name);
                ck_assert_int_eq(unit_name_is_valid(names[i].name), names[i].type != _UNIT_TYPE_INVALID);
                ck_assert_int_eq(unit_name_is_template(names[i].name), names[i].template);
                ck_assert_int_eq(unit_name_is_instance(names[i].name), names[i].instance);
        }
        ck_assert(!unit_name_is_valid(NULL));
}
END_TEST

START_TEST(test_length)
{
        char name[UNIT_NAME_MAX + 1];
        size_t suffix = strlen(".socket");

        /* 255 bytes is the longest name systemd accepts. */
        memset(name, 'a', sizeof(name));
        strcpy(name + UNIT_NAME_MAX - 1 - suffix, ".socket");
        ck_assert_int_eq(strlen(name), UNIT_NAME_MAX - 1);
        ck_assert(unit_name_is_valid(name));
        memset(name, 'a', sizeof(name));
        strcpy(name + UNIT_NAME_MAX - suffix, ".socket");
        ck_assert(!unit_name_is_valid(name));
}
END_TEST

START_TEST(test_parts)
{
        _cleanup_free_ char *prefix = NULL, *instance = NULL, *empty = NULL, *template = NULL,
                            *itself = NULL, *accept = NULL, *dotted = NULL;
        char *unchanged = NULL;

        ck_assert_int_eq(unit_name_prefix("getty@tty1.service", &prefix), 0);
        ck_assert_str_eq(prefix, "getty");
        free(prefix);
        ck_assert_int_eq(unit_name_prefix("org.freedesktop.foo.socket", &prefix), 0);
        ck_assert_str_eq(prefix, "org.freedesktop.foo");

        ck_assert_int_eq(unit_name_instance("sshd@0-127.0.0.1:22-127.0.0.1:54321.service", &accept), 0);
        ck_assert_str_eq(accept, "0-127.0.0.1:22-127.0.0.1:54321");
        ck_assert_int_eq(unit_name_instance("foo@bar@baz.service", &instance), 0);
        ck_assert_str_eq(instance, "bar@baz");
        ck_assert_int_eq(unit_name_instance("getty@.service", &empty), 0);
        ck_assert_str_eq(empty, "");
        ck_assert_int_eq(unit_name_instance("sshd.socket", &unchanged), -ENXIO);
        ck_assert_int_eq(unit_name_instance("sshd", &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_prefix("@x.socket", &unchanged), -EINVAL);

        ck_assert_int_eq(unit_name_template("foo-bar@a\\x2db.socket", &template), 0);
        ck_assert_str_eq(template, "foo-bar@.socket");
        ck_assert_int_eq(unit_name_template("getty@.service", &itself), 0);
        ck_assert_str_eq(itself, "getty@.service");
        ck_assert_int_eq(unit_name_template("sshd.socket", &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_template("sshd@x.mount", &unchanged), -EINVAL);

        ck_assert_int_eq(unit_name_change_type("my.app@x.socket", UNIT_SERVICE, &dotted), 0);
        ck_assert_str_eq(dotted, "my.app@x.service");
        ck_assert_int_eq(unit_name_change_type("sshd.socket", _UNIT_TYPE_INVALID, &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_change_type("sshd.mount", UNIT_SOCKET, &unchanged), -EINVAL);
        ck_assert_ptr_null(unchanged);
}
END_TEST

START_TEST(test_instantiate)
{
        _cleanup_free_ char *accept = NULL, *replaced = NULL, *service = NULL, *at = NULL;
        char long_instance[UNIT_NAME_MAX], *unchanged = NULL;

        ck_assert_int_eq(unit_name_instantiate("sshd@.service", "0-127.0.0.1:22-127.0.0.1:54321", &accept),
                         0);
        ck_assert_str_eq(accept, "sshd@0-127.0.0.1:22-127.0.0.1:54321.service");
        ck_assert(unit_name_is_instance(accept));
        ck_assert_int_eq(unit_name_instantiate("getty@tty1.service", "tty2", &replaced), 0);
        ck_assert_str_eq(replaced, "getty@tty2.service");
        ck_assert_int_eq(unit_name_instantiate("foo@.service", "a@b", &at), 0);
        ck_assert_str_eq(at, "foo@a@b.service");

        ck_assert_int_eq(unit_name_instantiate("sshd.service", "x", &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_instantiate("sshd@.service", "", &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_instantiate("sshd@.service", "dev/tty1", &unchanged), -EINVAL);
        ck_assert_int_eq(unit_name_instantiate("sshd@.service", "[::1]:22", &unchanged), -EINVAL);
        memset(long_instance, 'x', sizeof(long_instance) - 1);
        long_instance[sizeof(long_instance) - 1] = '\0';
        ck_assert_int_eq(unit_name_instantiate("sshd@.service", long_instance, &unchanged), -ENAMETOOLONG);
        long_instance[UNIT_NAME_MAX - 1 - strlen("sshd@.service")] = '\0';
        ck_assert_int_eq(unit_name_instantiate("sshd@.service", long_instance, &service), 0);
        ck_assert_int_eq(strlen(service), UNIT_NAME_MAX - 1);
        ck_assert_ptr_null(unchanged);
}
END_TEST

/* The pairs systemd-escape(1) and systemd-escape --unescape give. */
static const struct {
        const char *plain, *escaped;
} escapes[] = {
        { "foo/bar-baz", "foo-bar\\x2dbaz" },
        { ".foo/bar-baz", "\\x2efoo-bar\\x2dbaz" },
        { "..", "\\x2e." },
        { "x.y", "x.y" },
        { "a b\\c", "a\\x20b\\x5cc" },
        { "gr\xc3\xbc\xc3\x9f", "gr\\xc3\\xbc\\xc3\\x9f" },
        { "/", "-" },
        { "//x", "--x" },
        { "127.0.0.1:22", "127.0.0.1:22" },
        { "user@host", "user\\x40host" },
        { "", "" },
};

START_TEST(test_escape)
{
        for (size_t i = 0; i < ELEMENTSOF(escapes); i++) {
                _cleanup_free_ char *escaped = NULL, *plain = NULL;

                ck_assert_int_eq(unit_name_escape(escapes[i].plain, &escaped), 0);
                ck_assert_str_eq(escaped, escapes[i].escaped);
                ck_assert_int_eq(unit_name_unescape(escaped, &plain), 0);
                ck_assert_str_eq(plain, escapes[i].plain);
        }
}
END_TEST

START_TEST(test_escape_round_trip)
{
        _cleanup_free_ char *all_escaped = NULL, *all_plain = NULL;
        char every_byte[256];

        for (int c = 1; c < 256; c++) {
                char s[] = { 'a', (char) c, 'b', '\0' };
                _cleanup_free_ char *escaped = NULL, *plain = NULL, *name = NULL;

                every_byte[c - 1] = (char) c;
                ck_assert_int_eq(unit_name_escape(s, &escaped), 0);
                ck_assert_int_eq(unit_name_unescape(escaped, &plain), 0);
                ck_assert_str_eq(plain, s);
                /* Whatever it held, an escaped string is a valid instance. */
                ck_assert_int_eq(unit_name_instantiate("x@.service", escaped, &name), 0);
        }
        every_byte[255] = '\0';
        ck_assert_int_eq(unit_name_escape(every_byte, &all_escaped), 0);
        ck_assert_int_eq(unit_name_unescape(all_escaped, &all_plain), 0);
        ck_assert_str_eq(all_plain, every_byte);
}
END_TEST

START_TEST(test_unescape)
{
        _cleanup_free_ char *upper = NULL, *dashes = NULL;
        static const char *const bad[] = { "a\\", "a\\y41", "a\\X41", "a\\x4", "a\\xZZ", "a\\x00b" };
        char *unchanged = NULL;

        ck_assert_int_eq(unit_name_unescape("a\\x4A\\x4a", &upper), 0);
        ck_assert_str_eq(upper, "aJJ");
        ck_assert_int_eq(unit_name_unescape("foo--bar", &dashes), 0);
        ck_assert_str_eq(dashes, "foo//bar");
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                ck_assert_msg(unit_name_unescape(bad[i], &unchanged) == -EINVAL, "%s", bad[i]);
        ck_assert_ptr_null(unchanged);
}
END_TEST

START_TEST(test_path_unescape)
{
        static const struct {
                const char *escaped, *path;
        } good[] = {
                { "-", "/" },
                { "tty1", "/tty1" },
                { "foo-bar", "/foo/bar" },
                { "dev-sda1", "/dev/sda1" },
                { "\\x2efoo", "/.foo" },
                { "a\\x2fb", "/a/b" },
                { "srv-www\\x2ddata", "/srv/www-data" },
        };
        static const char *const bad[] = {
                "", "foo-", "-foo", "foo--bar", "a-.-b", "a-..-b", "a\\x2f", ".."
        };
        char *unchanged = NULL;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_free_ char *path = NULL;

                ck_assert_int_eq(unit_name_path_unescape(good[i].escaped, &path), 0);
                ck_assert_str_eq(path, good[i].path);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                ck_assert_msg(unit_name_path_unescape(bad[i], &unchanged) == -EINVAL, "%s", bad[i]);
        ck_assert_ptr_null(unchanged);
}
END_TEST

Suite *unitname_suite(void)
{
        Suite *s = suite_create("unitname");
        TCase *t = tcase_create("unitname");

        tcase_add_test(t, test_type);
        tcase_add_test(t, test_valid);
        tcase_add_test(t, test_length);
        tcase_add_test(t, test_parts);
        tcase_add_test(t, test_instantiate);
        tcase_add_test(t, test_escape);
        tcase_add_test(t, test_escape_round_trip);
        tcase_add_test(t, test_unescape);
        tcase_add_test(t, test_path_unescape);
        suite_add_tcase(s, t);
        return s;
}
