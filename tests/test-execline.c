/* Tests for lib/execline.c: Exec*= command lines as administrators write them, every refusal with its
 * errno and reason, specifiers per word, $VAR expansion, and format → parse round trips. */
#include "tests.h"

#include "execline.h"
#include "util.h"

struct commands {
        struct exec_command *list;
        size_t n;
};

static void commands_done(struct commands *c)
{
        exec_command_free_array(c->list, c->n);
}

struct expand_state {
        unsigned calls;
};

/* "%i" → "inst", "%%" → "%", any other specifier fails (as "%z" does). */
static int test_expand(const char *word, void *userdata, char **ret, const char **ret_reason)
{
        struct expand_state *state = userdata;
        _cleanup_free_ char *out = NULL;

        if (state)
                state->calls++;
        if (strextend_printf(&out, "%s", "") < 0)
                return -ENOMEM;
        for (const char *s = word; *s; s++) {
                int r;

                if (*s != '%')
                        r = strextend_printf(&out, "%c", *s);
                else if (s[1] == 'i' || s[1] == '%') {
                        r = strextend_printf(&out, "%s", s[1] == 'i' ? "inst" : "%");
                        s++;
                } else {
                        *ret_reason = "unknown specifier";
                        return -EBADMSG;
                }
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int parse(const char *value, struct commands *c)
{
        const char *reason = NULL;

        return execline_parse(value, test_expand, NULL, &c->list, &c->n, &reason);
}

static void check_argv(char *const *argv, const char *const *expected, size_t n)
{
        ck_assert_uint_eq(strv_length(argv), n);
        for (size_t i = 0; i < n; i++)
                ck_assert_str_eq(argv[i], expected[i]);
}

#define CHECK_ARGV(argv, ...)                                                                               \
        do {                                                                                                \
                const char *const _expected[] = { __VA_ARGS__ };                                            \
                check_argv((argv), _expected, ELEMENTSOF(_expected));                                       \
        } while (0)

/* Parses value, which must fail with error and reason, and checks that nothing was appended. */
static void check_refused(const char *value, int error, const char *reason)
{
        _cleanup_(commands_done) struct commands c = {};
        const char *got = NULL;

        ck_assert_int_eq(parse("/bin/kept", &c), 0);
        ck_assert_msg(execline_parse(value, test_expand, NULL, &c.list, &c.n, &got) == error,
                      "value '%s' did not fail with %d", value, error);
        ck_assert_msg(streq_ptr(got, reason), "value '%s': reason '%s', expected '%s'", value, got, reason);
        ck_assert_uint_eq(c.n, 1);
        ck_assert_str_eq(c.list[0].path, "/bin/kept");
}

START_TEST(test_simple)
{
        _cleanup_(commands_done) struct commands c = {};

        ck_assert_int_eq(parse("/usr/sbin/sshd -i", &c), 0);
        ck_assert_uint_eq(c.n, 1);
        ck_assert_str_eq(c.list[0].path, "/usr/sbin/sshd");
        ck_assert_uint_eq(c.list[0].flags, 0);
        CHECK_ARGV(c.list[0].argv, "/usr/sbin/sshd", "-i");

        /* Blanks around and between words, tabs included. */
        ck_assert_int_eq(parse(" \t/bin/echo \t a\t\tb  ", &c), 0);
        CHECK_ARGV(c.list[1].argv, "/bin/echo", "a", "b");

        /* A plain file name is looked up at spawn. */
        ck_assert_int_eq(parse("true", &c), 0);
        ck_assert_str_eq(c.list[2].path, "true");
        CHECK_ARGV(c.list[2].argv, "true");
}
END_TEST

START_TEST(test_quoting)
{
        _cleanup_(commands_done) struct commands c = {};

        ck_assert_int_eq(parse("/bin/sh -c \"echo \\\"hi there\\\"; exit 3\"", &c), 0);
        CHECK_ARGV(c.list[0].argv, "/bin/sh", "-c", "echo \"hi there\"; exit 3");

        /* Quotes open and close anywhere in a word and are removed; the other kind is literal inside. */
        ck_assert_int_eq(parse("/bin/echo foo\"bar baz\"qux 'it''s' \"don't\" '\"x\"'", &c), 0);
        CHECK_ARGV(c.list[1].argv, "/bin/echo", "foobar bazqux", "its", "don't", "\"x\"");

        /* Empty quotes are empty arguments. */
        ck_assert_int_eq(parse("/bin/echo \"\" '' x", &c), 0);
        CHECK_ARGV(c.list[2].argv, "/bin/echo", "", "", "x");

        /* The path may be quoted, with the prefixes inside or outside the quotes. */
        ck_assert_int_eq(parse("\"/opt/my app/run\" -v", &c), 0);
        ck_assert_str_eq(c.list[3].path, "/opt/my app/run");
        ck_assert_int_eq(parse("-\"/opt/my app/run\"", &c), 0);
        ck_assert_uint_eq(c.list[4].flags, EXEC_IGNORE_FAILURE);
        ck_assert_str_eq(c.list[4].path, "/opt/my app/run");
        ck_assert_int_eq(parse("\"-@/bin/busybox\" sh", &c), 0);
        ck_assert_uint_eq(c.list[5].flags, EXEC_IGNORE_FAILURE | EXEC_SEPARATE_ARGV0);
        CHECK_ARGV(c.list[5].argv, "sh");
}
END_TEST

START_TEST(test_escapes)
{
        _cleanup_(commands_done) struct commands c = {};

        ck_assert_int_eq(parse("/bin/printf \\a\\b\\f\\n\\r\\t\\v \\\\\\\"\\' a\\sb", &c), 0);
        CHECK_ARGV(c.list[0].argv, "/bin/printf", "\a\b\f\n\r\t\v", "\\\"'", "a b");

        /* Hex and octal give bytes, \u and \U give UTF-8. */
        ck_assert_int_eq(parse("/bin/echo \\x41\\101 \\xff \\u00e9 \\U0001F600 \\x2a", &c), 0);
        CHECK_ARGV(c.list[1].argv, "/bin/echo", "AA", "\xff", "\xc3\xa9", "\xf0\x9f\x98\x80", "*");

        /* Escapes work inside double and single quotes alike; a backslash-space joins a word. */
        ck_assert_int_eq(parse("/bin/echo \"a\\tb\" 'c\\nd' 'e\\'f' one\\sword", &c), 0);
        CHECK_ARGV(c.list[2].argv, "/bin/echo", "a\tb", "c\nd", "e'f", "one word");

        /* Backslash-space is no C escape (systemd 252 keeps it with a warning). */
        check_refused("/bin/echo one\\ word", -EINVAL, "invalid escape sequence");
}
END_TEST

START_TEST(test_syntax_errors)
{
        check_refused("/bin/echo \"abc", -EINVAL, "unbalanced quotes");
        check_refused("/bin/echo 'abc", -EINVAL, "unbalanced quotes");
        check_refused("\"/bin/echo", -EINVAL, "unbalanced quotes");
        check_refused("/bin/echo \"abc\\", -EINVAL, "unbalanced quotes");
        check_refused("/bin/echo abc\\", -EINVAL, "trailing backslash");
        check_refused("/bin/echo \\q", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\x4", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\xg0", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\400", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\18", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\u12", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\uD800", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\U00110000", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \"a\\;\"", -EINVAL, "invalid escape sequence");
        check_refused("/bin/echo \\x00", -EINVAL, "escape sequence for a NUL byte");
        check_refused("/bin/echo \\000", -EINVAL, "escape sequence for a NUL byte");
        check_refused("/bin/echo \\u0000", -EINVAL, "escape sequence for a NUL byte");
        check_refused("/bin/echo \\U00000000", -EINVAL, "escape sequence for a NUL byte");
        check_refused("", -EINVAL, "empty command line");
        check_refused(" \t ", -EINVAL, "empty command line");
        check_refused(";", -EINVAL, "empty command line");
        check_refused(" ; ; ", -EINVAL, "empty command line");
        /* The error of a later command discards the earlier ones of the same value. */
        check_refused("/bin/true ; /bin/echo 'x", -EINVAL, "unbalanced quotes");
}
END_TEST

START_TEST(test_prefixes)
{
        static const struct {
                const char *value;
                unsigned flags;
        } cases[] = {
                { "-/bin/true", EXEC_IGNORE_FAILURE },
                { ":/bin/true", EXEC_NO_ENV_EXPAND },
                { "+/bin/true", EXEC_PRIVILEGED },
                { "!/bin/true", EXEC_NO_SETUID },
                { "!!/bin/true", EXEC_AMBIENT_MAGIC },
                { "-:+/bin/true", EXEC_IGNORE_FAILURE | EXEC_NO_ENV_EXPAND | EXEC_PRIVILEGED },
                { "+:-/bin/true", EXEC_IGNORE_FAILURE | EXEC_NO_ENV_EXPAND | EXEC_PRIVILEGED },
                { "!!-/bin/true", EXEC_IGNORE_FAILURE | EXEC_AMBIENT_MAGIC },
                { "-!!/bin/true", EXEC_IGNORE_FAILURE | EXEC_AMBIENT_MAGIC },
                { ":!-/bin/true", EXEC_IGNORE_FAILURE | EXEC_NO_ENV_EXPAND | EXEC_NO_SETUID },
                { "-true", EXEC_IGNORE_FAILURE },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(commands_done) struct commands c = {};

                ck_assert_msg(parse(cases[i].value, &c) == 0, "%s", cases[i].value);
                ck_assert_uint_eq(c.list[0].flags, cases[i].flags);
                ck_assert_str_eq(c.list[0].path, cases[i].value + strspn(cases[i].value, "-@:+!"));
                ck_assert_str_eq(c.list[0].argv[0], c.list[0].path);
        }

        check_refused("--/bin/true", -EINVAL, "duplicate prefix");
        check_refused("@-@/bin/true x", -EINVAL, "duplicate prefix");
        check_refused("::/bin/true", -EINVAL, "duplicate prefix");
        check_refused("++/bin/true", -EINVAL, "duplicate prefix");
        check_refused("!!!/bin/true", -EINVAL, "duplicate prefix");
        check_refused("!-!/bin/true", -EINVAL, "duplicate prefix");
        check_refused("+!/bin/true", -EINVAL, "+ cannot be combined with ! or !!");
        check_refused("!+/bin/true", -EINVAL, "+ cannot be combined with ! or !!");
        check_refused("+!!/bin/true", -EINVAL, "+ cannot be combined with ! or !!");
        check_refused("!!+/bin/true", -EINVAL, "+ cannot be combined with ! or !!");
        check_refused("-", -EINVAL, "empty executable path");
        check_refused("-@ /bin/true", -EINVAL, "empty executable path");
        check_refused("\"\" x", -EINVAL, "empty executable path");
}
END_TEST

START_TEST(test_argv0)
{
        _cleanup_(commands_done) struct commands c = {};

        ck_assert_int_eq(parse("@/bin/busybox httpd -f -p 8080", &c), 0);
        ck_assert_str_eq(c.list[0].path, "/bin/busybox");
        ck_assert_uint_eq(c.list[0].flags, EXEC_SEPARATE_ARGV0);
        CHECK_ARGV(c.list[0].argv, "httpd", "-f", "-p", "8080");

        ck_assert_int_eq(parse("-@/usr/sbin/agetty -agetty ; @/bin/sh \"\"", &c), 0);
        CHECK_ARGV(c.list[1].argv, "-agetty");
        CHECK_ARGV(c.list[2].argv, "");

        check_refused("@/bin/busybox", -EINVAL, "@ requires an argv[0] after the executable path");
        check_refused("@/bin/busybox ; /bin/true", -EINVAL,
                      "@ requires an argv[0] after the executable path");
}
END_TEST

START_TEST(test_path)
{
        _cleanup_(commands_done) struct commands c = {};
        _cleanup_free_ char *long_name = NULL, *long_path = NULL;

        /* Simplified like path_simplify(); argv[0] keeps what was written; ".." stays. */
        ck_assert_int_eq(parse("//usr/./bin//env/. -i", &c), 0);
        ck_assert_str_eq(c.list[0].path, "/usr/bin/env");
        CHECK_ARGV(c.list[0].argv, "//usr/./bin//env/.", "-i");
        ck_assert_int_eq(parse("/usr/lib/../bin/env", &c), 0);
        ck_assert_str_eq(c.list[1].path, "/usr/lib/../bin/env");
        /* High bytes and spaces are fine in a path. */
        ck_assert_int_eq(parse("/opt/gr\\xc3\\xbc\\xc3\\x9f/run\\sme", &c), 0);
        ck_assert_str_eq(c.list[2].path, "/opt/gr\xc3\xbc\xc3\x9f/run me");

        check_refused("bin/true", -EINVAL, "executable path must be absolute or a plain file name");
        check_refused("./true", -EINVAL, "executable path must be absolute or a plain file name");
        check_refused(".", -EINVAL, "executable path must be absolute or a plain file name");
        check_refused("..", -EINVAL, "executable path must be absolute or a plain file name");
        check_refused("/usr/bin/", -EINVAL, "executable path ends in /");
        check_refused("/", -EINVAL, "executable path ends in /");
        check_refused("/bin/tr\\x01ue", -EINVAL, "executable path contains special characters");
        check_refused("/bin/tr\\tue", -EINVAL, "executable path contains special characters");
        check_refused("/bin/del\\x7f", -EINVAL, "executable path contains special characters");
        check_refused("/bin/a\\\"b", -EINVAL, "executable path contains special characters");
        check_refused("\"/bin/it's\"", -EINVAL, "executable path contains special characters");
        check_refused("/bin/a\\\\b", -EINVAL, "executable path contains special characters");
        /* "\;" is no escape: as a first word it is refused like any unknown escape. */
        check_refused("\\; /bin/true", -EINVAL, "invalid escape sequence");

        ck_assert_int_eq(strextend_printf(&long_name, "/opt/%0256d", 0), 0);
        check_refused(long_name, -EINVAL, "executable path is too long");
        for (int i = 0; i < 20; i++)
                ck_assert_int_eq(strextend_printf(&long_path, "/%0250d", i), 0);
        check_refused(long_path, -EINVAL, "executable path is too long");
}
END_TEST

START_TEST(test_semicolons)
{
        _cleanup_(commands_done) struct commands c = {};

        ck_assert_int_eq(parse("/bin/mkdir -p /run/x ; /bin/chmod 0700 /run/x;y ;/bin/true", &c), 0);
        ck_assert_uint_eq(c.n, 2);
        CHECK_ARGV(c.list[0].argv, "/bin/mkdir", "-p", "/run/x");
        CHECK_ARGV(c.list[1].argv, "/bin/chmod", "0700", "/run/x;y", ";/bin/true");

        /* "\;" is a literal ";" argument: the classic find -exec. */
        ck_assert_int_eq(parse("/usr/bin/find /var/tmp -name '*.tmp' -exec rm -f {} \\; ; /bin/sync", &c),
                         0);
        ck_assert_uint_eq(c.n, 4);
        CHECK_ARGV(c.list[2].argv, "/usr/bin/find", "/var/tmp", "-name", "*.tmp", "-exec", "rm", "-f", "{}",
                   ";");
        CHECK_ARGV(c.list[3].argv, "/bin/sync");

        /* Quoted ";" and "\\;" are arguments; ";" inside a word separates nothing. */
        ck_assert_int_eq(parse("/bin/echo \";\" ';' \\\\; a; \\;", &c), 0);
        ck_assert_uint_eq(c.n, 5);
        CHECK_ARGV(c.list[4].argv, "/bin/echo", ";", ";", "\\;", "a;", ";");

        /* Leading, trailing and repeated separators are empty commands, skipped; as in systemd the first
         * word is compared after unquoting, so a quoted ";" there separates too. */
        ck_assert_int_eq(parse("; /bin/a ; ; /bin/b; ;", &c), 0);
        ck_assert_uint_eq(c.n, 7);
        ck_assert_str_eq(c.list[5].path, "/bin/a");
        CHECK_ARGV(c.list[6].argv, "/bin/b;");
        ck_assert_int_eq(parse("/bin/a ; \";\" /bin/b", &c), 0);
        ck_assert_uint_eq(c.n, 9);
        CHECK_ARGV(c.list[8].argv, "/bin/b");
}
END_TEST

START_TEST(test_long_line)
{
        _cleanup_(commands_done) struct commands c = {};
        _cleanup_free_ char *line = NULL, *word = NULL;

        ck_assert_int_eq(strextend_printf(&line, "%s", "/usr/bin/printf"), 0);
        for (int i = 0; i < 500; i++)
                ck_assert_int_eq(strextend_printf(&line, " 'arg %03d'", i), 0);
        ck_assert_uint_ge(strlen(line), 4096);
        ck_assert_int_eq(parse(line, &c), 0);
        ck_assert_uint_eq(strv_length(c.list[0].argv), 501);
        ck_assert_str_eq(c.list[0].argv[1], "arg 000");
        ck_assert_str_eq(c.list[0].argv[500], "arg 499");

        /* One word of 8 KiB. */
        ck_assert_int_eq(strextend_printf(&word, "/bin/echo %08192d", 7), 0);
        ck_assert_int_eq(parse(word, &c), 0);
        ck_assert_uint_eq(strlen(c.list[1].argv[1]), 8192);
}
END_TEST

START_TEST(test_specifiers)
{
        _cleanup_(commands_done) struct commands c = {};
        struct expand_state state = {};
        const char *reason = NULL;

        /* Once for the path and once per argument, after unquoting and unescaping ("\x25i" is "%i"). */
        ck_assert_int_eq(execline_parse("-/opt/%i/bin/run --name=%i '%i' \\x25i 100%% \\; x", test_expand,
                                        &state, &c.list, &c.n, &reason),
                         0);
        ck_assert_uint_eq(state.calls, 6);
        ck_assert_str_eq(c.list[0].path, "/opt/inst/bin/run");
        CHECK_ARGV(c.list[0].argv, "/opt/inst/bin/run", "--name=inst", "inst", "inst", "100%", ";", "x");

        /* Without a callback words are kept as they are. */
        ck_assert_int_eq(execline_parse("/bin/echo %i", NULL, NULL, &c.list, &c.n, &reason), 0);
        CHECK_ARGV(c.list[1].argv, "/bin/echo", "%i");

        /* The callback's error and reason, in the path or in an argument; nothing is appended. */
        ck_assert_int_eq(execline_parse("/bin/echo %z", test_expand, NULL, &c.list, &c.n, &reason),
                         -EBADMSG);
        ck_assert_str_eq(reason, "unknown specifier");
        ck_assert_int_eq(
                execline_parse("/bin/true ; /opt/%z/run", test_expand, NULL, &c.list, &c.n, &reason),
                -EBADMSG);
        ck_assert_uint_eq(c.n, 2);

        /* The path is checked after expansion. */
        ck_assert_int_eq(parse("%i --x", &c), 0);
        ck_assert_str_eq(c.list[2].path, "inst");
        check_refused("%i/run", -EINVAL, "executable path must be absolute or a plain file name");
}
END_TEST

static void check_expand_env(const char *value, char *const *env, const char *const *expected, size_t n)
{
        _cleanup_(commands_done) struct commands c = {};
        _cleanup_strv_free_ char **argv = NULL;
        const char *reason = NULL;

        ck_assert_int_eq(execline_parse(value, NULL, NULL, &c.list, &c.n, &reason), 0);
        ck_assert_int_eq(execline_expand_env(&c.list[0], env, &argv), 0);
        check_argv(argv, expected, n);
}

#define CHECK_EXPAND_ENV(value, env, ...)                                                                   \
        do {                                                                                                \
                const char *const _expected[] = { __VA_ARGS__ };                                            \
                check_expand_env((value), (env), _expected, ELEMENTSOF(_expected));                         \
        } while (0)

START_TEST(test_expand_env)
{
        char *env[] = {
                (char *) "A=first",
                (char *) "B=two  words",
                (char *) "Q=x 'y z' \"\" w\\ v",
                (char *) "E=",
                (char *) "A=last",
                (char *) "AB=ab",
                (char *) "S=  ",
                NULL,
        };

        /* A whole-word $NAME is split (quotes removed, a backslash keeps the next character); unset or
         * empty gives no word; the last assignment wins. */
        CHECK_EXPAND_ENV("/bin/echo $A $B $Q $E $S $UNSET end", env, "/bin/echo", "last", "two", "words",
                         "x", "y z", "", "w v", "end");
        /* ${NAME} anywhere is the whole value, "" when unset; $$ is "$". */
        CHECK_EXPAND_ENV("/bin/echo ${B} pre${A}post ${UNSET} x${UNSET}y ${A}${AB}", env, "/bin/echo",
                         "two  words", "prelastpost", "", "xy", "lastab");
        CHECK_EXPAND_ENV("/bin/echo $$ $$A a$$b $${A} $$$", env, "/bin/echo", "$", "$A", "a$b", "${A}",
                         "$$");
        /* $NAME inside a longer word, ${NAME:-default} and an unterminated ${ stay as written. */
        CHECK_EXPAND_ENV("/bin/echo mid$A ${A:-d} ${A:-${AB}} '${A x$'", env, "/bin/echo", "mid$A",
                         "${A:-d}", "${A:-ab}", "${A x$");
        /* After "$" the rest of a whole word is the name: "$A-x", "$1" and a lone "$" are unset. */
        CHECK_EXPAND_ENV("/bin/echo $A-x $1 $ ${} '${A B}'", env, "/bin/echo", "", "");
        /* Nothing in env. */
        CHECK_EXPAND_ENV("/bin/echo $A ${A}", NULL, "/bin/echo", "");
        /* ":" turns expansion off. */
        CHECK_EXPAND_ENV(":/bin/echo $A ${A} $$", env, "/bin/echo", "$A", "${A}", "$$");
        /* argv[0] is expanded like any word, the path never is. */
        CHECK_EXPAND_ENV("@/bin/busybox ${AB} $B", env, "ab", "two", "words");
}
END_TEST

static void check_same(const struct exec_command *a, const struct exec_command *b)
{
        ck_assert_str_eq(a->path, b->path);
        ck_assert_uint_eq(a->flags, b->flags);
        ck_assert_uint_eq(strv_length(a->argv), strv_length(b->argv));
        for (size_t i = 0; a->argv[i]; i++)
                ck_assert_str_eq(a->argv[i], b->argv[i]);
}

/* Formats command, parses the text back and checks that it gives the same command; returns the text. */
static char *round_trip(const struct exec_command *command)
{
        _cleanup_(commands_done) struct commands c = {};
        const char *reason = NULL;
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ck_assert_ptr_nonnull(f);
        execline_format(command, f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_msg(execline_parse(text, test_expand, NULL, &c.list, &c.n, &reason) == 0,
                      "'%s' does not parse: %s", text, reason);
        ck_assert_uint_eq(c.n, 1);
        check_same(command, &c.list[0]);
        return text;
}

START_TEST(test_format)
{
        static const struct {
                const char *value, *formatted;
        } cases[] = {
                { "/bin/sh -c \"echo \\\"hi there\\\"; exit 3\"",
                  "/bin/sh -c \"echo \\\"hi there\\\"; exit 3\"" },
                { "-@:+/bin/busybox sh", "-@:+/bin/busybox sh" },
                { "!!/bin/true", "!!/bin/true" },
                { "/bin/echo '' x", "/bin/echo \"\" x" },
                { "/usr/bin/find . -exec rm {} \\;", "/usr/bin/find . -exec rm {} \\;" },
                { "/bin/echo 100%%", "/bin/echo 100%%" },
                { "/bin/echo 'a\\tb\\x01' \\xff", "/bin/echo a\\tb\\x01 \\xff" },
                { "//usr/./bin/env", "//usr/./bin/env" },
                { "'/opt/my app/run' 'it'\\''s'", "\"/opt/my app/run\" it\\'s" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(commands_done) struct commands c = {};
                _cleanup_free_ char *text = NULL;

                ck_assert_int_eq(parse(cases[i].value, &c), 0);
                text = round_trip(&c.list[0]);
                ck_assert_str_eq(text, cases[i].formatted);
        }
}
END_TEST

START_TEST(test_round_trip)
{
        static const char *const values[] = {
                "/bin/sh -c \"echo \\\"hi there\\\"; exit 3\"",
                "-:!/usr/lib/x/helper --opt=\"a b\" '' \";\" \\\\; \"\\\\\" $HOME ${X} $$",
                "@/bin/busybox -sh -c 'printf \"%%s\\n\" \\a\\b\\v\\f\\r\\x1b\\x7f'",
                "/bin/echo \\xc3\\xa9 \\xff\\xfe \\u00e9 \\U0001F600 ' leading' 'trailing ' \"\\t\"",
                "\"/opt/my app/bin/run\" %i %% \\x25i",
                "true ;",
                "/bin/echo ;x x; ;;",
        };

        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                _cleanup_(commands_done) struct commands c = {};

                ck_assert_msg(parse(values[i], &c) == 0, "%s", values[i]);
                free(round_trip(&c.list[0]));
        }

        /* Commands built by hand: argv[0] that is not the path gets "@", every byte but NUL survives. */
        char path[] = "/bin/prog", odd[] = "\x01\x02\x1f\x7f\x80\xfe \t\n\"'\\%;$", semicolon[] = ";",
             empty[] = "", other[] = "other-name", spaced[] = "/opt/a b/c", directory[] = "/bin/prog/";
        char *argv1[] = { other, odd, semicolon, empty, NULL };
        char *argv2[] = { spaced, semicolon, NULL };
        char *argv3[] = { empty, NULL };
        char *argv4[] = { directory, NULL };
        struct exec_command commands[] = {
                { .path = path, .argv = argv1, .flags = EXEC_IGNORE_FAILURE },
                { .path = spaced, .argv = argv2, .flags = EXEC_AMBIENT_MAGIC | EXEC_NO_ENV_EXPAND },
                { .path = path, .argv = argv3, .flags = 0 },
                { .path = path, .argv = argv4, .flags = 0 },
        };
        _cleanup_(commands_done) struct commands c = {};
        _cleanup_free_ char *text = NULL;
        const char *reason = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ck_assert_ptr_nonnull(f);
        execline_format(&commands[0], f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(execline_parse(text, test_expand, NULL, &c.list, &c.n, &reason), 0);
        ck_assert_uint_eq(c.list[0].flags, EXEC_IGNORE_FAILURE | EXEC_SEPARATE_ARGV0);
        ck_assert_str_eq(c.list[0].path, "/bin/prog");
        check_argv(c.list[0].argv, (const char *const *) argv1, 4);
        free(round_trip(&commands[1]));
        for (size_t i = 2; i < ELEMENTSOF(commands); i++) {
                _cleanup_(commands_done) struct commands back = {};

                free(text);
                text = NULL;
                f = open_memstream(&text, &size);
                ck_assert_ptr_nonnull(f);
                execline_format(&commands[i], f);
                ck_assert_int_eq(fclose(f), 0);
                ck_assert_int_eq(execline_parse(text, test_expand, NULL, &back.list, &back.n, &reason), 0);
                ck_assert_uint_eq(back.list[0].flags, EXEC_SEPARATE_ARGV0);
                ck_assert_str_eq(back.list[0].path, "/bin/prog");
                ck_assert_str_eq(back.list[0].argv[0], commands[i].argv[0]);
        }
}
END_TEST

Suite *execline_suite(void)
{
        Suite *s = suite_create("execline");
        TCase *t = tcase_create("execline");

        tcase_add_test(t, test_simple);
        tcase_add_test(t, test_quoting);
        tcase_add_test(t, test_escapes);
        tcase_add_test(t, test_syntax_errors);
        tcase_add_test(t, test_prefixes);
        tcase_add_test(t, test_argv0);
        tcase_add_test(t, test_path);
        tcase_add_test(t, test_semicolons);
        tcase_add_test(t, test_long_line);
        tcase_add_test(t, test_specifiers);
        tcase_add_test(t, test_expand_env);
        tcase_add_test(t, test_format);
        tcase_add_test(t, test_round_trip);
        suite_add_tcase(s, t);
        return s;
}
