/* Tests for lib/words.c: words_next() with and without each flag (systemd 252's extract_first_word()
 * rules), every C escape and every refusal with its reason, words_cunescape_one() lengths, and
 * words_quote() → words_next() round trips over tricky and arbitrary bytes. */
#include "tests.h"

#include "util.h"
#include "words.h"

#define UNESCAPE (WORDS_UNQUOTE | WORDS_CUNESCAPE)

/* Splits text with flags and checks that it gives exactly the n expected words. */
static void check_split(const char *text, unsigned flags, const char *const *expected, size_t n)
{
        const char *p = text, *reason = NULL;
        size_t i = 0;
        char *word;
        int r;

        while ((r = words_next(&p, flags, &word, &reason)) > 0) {
                ck_assert_msg(i < n, "'%s': more than %zu words, then '%s'", text, n, word);
                ck_assert_msg(streq(word, expected[i]), "'%s': word %zu is '%s', expected '%s'", text, i,
                              word, expected[i]);
                free(word);
                i++;
        }
        ck_assert_msg(r == 0, "'%s': failed with %d (%s)", text, r, reason);
        ck_assert_msg(i == n, "'%s': %zu words, expected %zu", text, i, n);
        ck_assert_msg(*p == '\0', "'%s': not read to the end", text);
}

#define CHECK_SPLIT(text, flags, ...)                                                                       \
        do {                                                                                                \
                const char *const _expected[] = { __VA_ARGS__ };                                            \
                check_split((text), (flags), _expected, ELEMENTSOF(_expected));                             \
        } while (0)

#define CHECK_NO_WORDS(text, flags) check_split((text), (flags), NULL, 0)

/* The first word of text must fail with -EINVAL and reason, leaving *p and *ret alone. */
static void check_refused(const char *text, unsigned flags, const char *reason)
{
        const char *p = text, *got = NULL;
        char *sentinel = (char *) "untouched", *word = sentinel;

        ck_assert_msg(words_next(&p, flags, &word, &got) == -EINVAL, "'%s' was not refused", text);
        ck_assert_msg(streq_ptr(got, reason), "'%s': reason '%s', expected '%s'", text, got, reason);
        ck_assert_ptr_eq(p, text);
        ck_assert_ptr_eq(word, sentinel);
}

START_TEST(test_whitespace)
{
        const char *p, *reason = NULL;
        char *word = NULL;

        CHECK_NO_WORDS("", 0);
        CHECK_NO_WORDS(" \t\n\r ", UNESCAPE);
        CHECK_SPLIT("a", 0, "a");
        CHECK_SPLIT(" \t a \t\tb\n c\r\nd  ", 0, "a", "b", "c", "d");
        CHECK_SPLIT("one\vtwo\fthree", UNESCAPE, "one\vtwo\fthree"); /* only " \t\n\r" separate */

        /* *p is left at the next word, then at the end; 0 once only whitespace is left. */
        p = "  first   second  ";
        ck_assert_int_eq(words_next(&p, 0, &word, &reason), 1);
        ck_assert_str_eq(word, "first");
        ck_assert_str_eq(p, "second  ");
        free(word);
        ck_assert_int_eq(words_next(&p, 0, &word, &reason), 1);
        ck_assert_str_eq(word, "second");
        ck_assert_str_eq(p, "");
        free(word);
        word = NULL;
        ck_assert_int_eq(words_next(&p, 0, &word, &reason), 0);
        ck_assert_ptr_null(word);
        ck_assert_str_eq(p, "");
}
END_TEST

START_TEST(test_no_flags)
{
        /* Quotes are ordinary characters; a backslash keeps the next character, whatever it is. */
        CHECK_SPLIT("\"a b\" 'c'", 0, "\"a", "b\"", "'c'");
        CHECK_SPLIT("a\\ b \\n \\\\ \\\" \\x41 \\;", 0, "a b", "n", "\\", "\"", "x41", ";");
        check_refused("abc\\", 0, "trailing backslash");
        check_refused("\\", 0, "trailing backslash");

        /* C escapes without unquoting: quotes stay, escapes are decoded. */
        CHECK_SPLIT("\"a\\tb\" \\x41", WORDS_CUNESCAPE, "\"a\tb\"", "A");
        check_refused("\\q", WORDS_CUNESCAPE, "invalid escape sequence");
}
END_TEST

START_TEST(test_unquote)
{
        /* Quotes open and close anywhere in a word; the other kind is literal inside. */
        CHECK_SPLIT("foo\"bar baz\"qux 'it''s' \"don't\" '\"x\"' a\"\"b", WORDS_UNQUOTE, "foobar bazqux",
                    "its", "don't", "\"x\"", "ab");
        CHECK_SPLIT("\"a b\"c d '  '", WORDS_UNQUOTE, "a bc", "d", "  ");
        CHECK_SPLIT("\"tab\tand\nnewline\"", WORDS_UNQUOTE, "tab\tand\nnewline");

        /* An empty quoted word is a word, alone or among others. */
        CHECK_SPLIT("\"\"", WORDS_UNQUOTE, "");
        CHECK_SPLIT("''", WORDS_UNQUOTE, "");
        CHECK_SPLIT(" \"\" '' x \"\"''", WORDS_UNQUOTE, "", "", "x", "");

        /* A backslash escapes inside both kinds of quotes. */
        CHECK_SPLIT("\"a\\\"b\" 'c\\'d' \"e\\\\f\"", WORDS_UNQUOTE, "a\"b", "c'd", "e\\f");

        check_refused("\"abc", WORDS_UNQUOTE, "unbalanced quotes");
        check_refused("'abc", WORDS_UNQUOTE, "unbalanced quotes");
        check_refused("ab'c d", WORDS_UNQUOTE, "unbalanced quotes");
        check_refused("\"", UNESCAPE, "unbalanced quotes");
        check_refused("\"abc\\", WORDS_UNQUOTE, "unbalanced quotes");
        check_refused("'abc\\", UNESCAPE, "unbalanced quotes");
        check_refused("abc\\", UNESCAPE, "trailing backslash");
}
END_TEST

START_TEST(test_relax)
{
        /* As EXTRACT_RELAX: an unbalanced quote or a trailing backslash ends the word. */
        CHECK_SPLIT("x 'y z", WORDS_UNQUOTE | WORDS_RELAX, "x", "y z");
        CHECK_SPLIT("abc\\", WORDS_UNQUOTE | WORDS_RELAX, "abc");
        CHECK_SPLIT("'", WORDS_UNQUOTE | WORDS_RELAX, "");
        CHECK_SPLIT("\\", WORDS_RELAX, "");
        CHECK_SPLIT("\"a\\", WORDS_UNQUOTE | WORDS_RELAX, "a");
        CHECK_SPLIT("w\\ v \\q", WORDS_UNQUOTE | WORDS_RELAX, "w v", "q");
        /* It does not excuse a bad C escape. */
        check_refused("\\q", UNESCAPE | WORDS_RELAX, "invalid escape sequence");
}
END_TEST

START_TEST(test_escapes)
{
        CHECK_SPLIT("\\a\\b\\f\\n\\r\\t\\v \\\\\\\"\\' a\\sb", UNESCAPE, "\a\b\f\n\r\t\v", "\\\"'", "a b");

        /* Escapes work outside quotes and inside both kinds, and quotes mix with them in a word. */
        CHECK_SPLIT("\"a\\tb\"'c\\nd'e\\sf 'g\\x41'", UNESCAPE, "a\tbc\nde f", "gA");
        CHECK_SPLIT("\\\"quoted\\\" \\'", UNESCAPE, "\"quoted\"", "'");

        /* \xNN and \NNN give raw bytes, also those that are not UTF-8 on their own. */
        CHECK_SPLIT("\\x41\\101 \\xff \\xFe \\377 \\001 \\x7f \\200", UNESCAPE, "AA", "\xff", "\xfe", "\xff",
                    "\x01", "\x7f", "\x80");
        CHECK_SPLIT("\\x4142 \\1012", UNESCAPE, "A42", "A2"); /* exactly 2 and 3 digits */
        CHECK_SPLIT("/opt/gr\\xc3\\xbc\\xc3\\x9f", UNESCAPE, "/opt/gr\xc3\xbc\xc3\x9f");

        /* \u and \U give UTF-8, of every length. */
        CHECK_SPLIT("\\u0041 \\u00e9 \\u20AC \\U0001F600 \\U0010FFFD \\u00411", UNESCAPE, "A", "\xc3\xa9",
                    "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbd", "A1");
        CHECK_SPLIT("\\u07ff \\u0800 \\uffFD \\U00010000", UNESCAPE, "\xdf\xbf", "\xe0\xa0\x80",
                    "\xef\xbf\xbd", "\xf0\x90\x80\x80");
}
END_TEST

START_TEST(test_escape_refusals)
{
        static const char *const invalid[] = {
                "\\q",         "\\ ",         "a\\ b",       "\\;",         "\\x",         "\\x4",
                "\\xg0",       "\\x4g",       "\\8",         "\\18",        "\\1",         "\\400",
                "\\777",       "\\u",         "\\u12",       "\\u123g",     "\\uD800",     "\\udfff",
                "\\uFDD0",     "\\uFDEF",     "\\uFFFE",     "\\uFFFF",     "\\U",         "\\U0001F60",
                "\\U0001FFFE", "\\U0010FFFF", "\\U00110000", "\\UFFFFFFFF", "\\U0000D800", "\"a\\;\"",
        };
        static const char *const nul[] = { "\\x00", "\\000", "\\u0000", "\\U00000000", "'a\\x00'" };

        for (size_t i = 0; i < ELEMENTSOF(invalid); i++)
                check_refused(invalid[i], UNESCAPE, "invalid escape sequence");
        for (size_t i = 0; i < ELEMENTSOF(nul); i++)
                check_refused(nul[i], UNESCAPE, "escape sequence for a NUL byte");

        /* A later word's failure leaves *p at that word. */
        const char *p = "good \\q", *reason = NULL;
        char *word;

        ck_assert_int_eq(words_next(&p, UNESCAPE, &word, &reason), 1);
        free(word);
        ck_assert_int_eq(words_next(&p, UNESCAPE, &word, &reason), -EINVAL);
        ck_assert_str_eq(p, "\\q");
}
END_TEST

START_TEST(test_cunescape_one)
{
        static const struct {
                const char *text;
                int length;
                uint32_t c;
                bool raw;
        } cases[] = {
                { "a", 1, '\a', false },
                { "b", 1, '\b', false },
                { "f", 1, '\f', false },
                { "n", 1, '\n', false },
                { "r", 1, '\r', false },
                { "t", 1, '\t', false },
                { "v", 1, '\v', false },
                { "\\", 1, '\\', false },
                { "\"", 1, '"', false },
                { "'", 1, '\'', false },
                { "s", 1, ' ', false },
                { "nrest", 1, '\n', false },
                { "x41", 3, 0x41, true },
                { "xff", 3, 0xff, true },
                { "x0aZ", 3, 0x0a, true },
                { "101", 3, 0101, true },
                { "377", 3, 0377, true },
                { "0012", 3, 1, true },
                { "u00e9", 5, 0xe9, false },
                { "uFFFD", 5, 0xfffd, false },
                { "u12345", 5, 0x1234, false },
                { "U0001F600", 9, 0x1f600, false },
                { "U0010FFFDx", 9, 0x10fffd, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *reason = NULL;
                uint32_t c = 0;
                bool raw = !cases[i].raw;

                ck_assert_msg(words_cunescape_one(cases[i].text, &c, &raw, &reason) == cases[i].length, "%s",
                              cases[i].text);
                ck_assert_uint_eq(c, cases[i].c);
                ck_assert(raw == cases[i].raw);
        }

        /* Failures leave the outputs alone. */
        const char *reason = NULL;
        uint32_t c = 7;
        bool raw = true;

        ck_assert_int_eq(words_cunescape_one("", &c, &raw, &reason), -EINVAL);
        ck_assert_str_eq(reason, "invalid escape sequence");
        ck_assert_int_eq(words_cunescape_one("z", &c, &raw, &reason), -EINVAL);
        ck_assert_int_eq(words_cunescape_one("x0", &c, &raw, &reason), -EINVAL);
        ck_assert_int_eq(words_cunescape_one("u0000", &c, &raw, &reason), -EINVAL);
        ck_assert_str_eq(reason, "escape sequence for a NUL byte");
        ck_assert_uint_eq(c, 7);
        ck_assert(raw);
}
END_TEST

START_TEST(test_long_input)
{
        _cleanup_free_ char *text = NULL, *expected = NULL, *escapes = NULL, *many = NULL;
        const char *p, *reason = NULL;
        char *word, *end;
        size_t n = 0;
        int r;

        /* One word of 100 000 characters, quoted in the middle. */
        ck_assert_int_eq(strextend_printf(&text, "%050000d\"%s\"%049998d", 1, "  ", 2), 0);
        ck_assert_int_eq(strextend_printf(&expected, "%050000d  %049998d", 1, 2), 0);
        CHECK_SPLIT(text, WORDS_UNQUOTE, expected);

        /* 5000 escapes that each give 4 bytes of UTF-8. */
        escapes = malloc(5000 * 10 + 1);
        ck_assert_ptr_nonnull(escapes);
        for (int i = 0; i < 5000; i++)
                memcpy(escapes + i * 10, "\\U0001F600", 10);
        escapes[5000 * 10] = '\0';
        p = escapes;
        ck_assert_int_eq(words_next(&p, UNESCAPE, &word, &reason), 1);
        ck_assert_uint_eq(strlen(word), 20000);
        ck_assert(memcmp(word + 19996, "\xf0\x9f\x98\x80", 4) == 0);
        free(word);

        /* 30 000 words, a third of them empty. */
        many = malloc(20000 * 16);
        ck_assert_ptr_nonnull(many);
        end = many;
        for (int i = 0; i < 20000; i++)
                end += sprintf(end, "w%d%s", i, i % 2 ? " " : "\t''\t");
        p = many;
        while ((r = words_next(&p, UNESCAPE, &word, &reason)) > 0) {
                free(word);
                n++;
        }
        ck_assert_int_eq(r, 0);
        ck_assert_uint_eq(n, 30000);
}
END_TEST

START_TEST(test_escape_char)
{
        char buf[4];

        ck_assert_uint_eq(words_escape_char('a', "\"", false, buf), 1);
        ck_assert(buf[0] == 'a');
        ck_assert_uint_eq(words_escape_char('\t', "", false, buf), 2);
        ck_assert(memcmp(buf, "\\t", 2) == 0);
        ck_assert_uint_eq(words_escape_char('\\', "", false, buf), 2);
        ck_assert(memcmp(buf, "\\\\", 2) == 0);
        ck_assert_uint_eq(words_escape_char('\'', "\"'", false, buf), 2);
        ck_assert(memcmp(buf, "\\'", 2) == 0);
        ck_assert_uint_eq(words_escape_char('\'', "\"", false, buf), 1);
        ck_assert_uint_eq(words_escape_char(' ', "", false, buf), 1);
        ck_assert_uint_eq(words_escape_char('\x1b', "", false, buf), 4);
        ck_assert(memcmp(buf, "\\x1b", 4) == 0);
        ck_assert_uint_eq(words_escape_char('\x7f', "", false, buf), 4);
        ck_assert(memcmp(buf, "\\x7f", 4) == 0);
        ck_assert_uint_eq(words_escape_char('\xe9', "", false, buf), 1);
        ck_assert_uint_eq(words_escape_char('\xe9', "", true, buf), 4);
        ck_assert(memcmp(buf, "\\xe9", 4) == 0);

        /* Every byte reads back as itself inside single quotes, with and without escape_high. */
        for (int c = 1; c < 256; c++)
                for (int high = 0; high < 2; high++) {
                        char text[7] = "'", *word = NULL;
                        const char *p = text, *reason = NULL;
                        size_t n = words_escape_char((char) c, "\"'", high, text + 1);

                        text[n + 1] = '\'';
                        ck_assert_int_eq(words_next(&p, UNESCAPE, &word, &reason), 1);
                        ck_assert_msg(word[0] == (char) c && word[1] == 0, "byte %d reads back as '%s'", c,
                                      word);
                        free(word);
                }
}
END_TEST

static void check_quote_as(const char *word, unsigned flags, const char *expected)
{
        _cleanup_free_ char *quoted = NULL, *back = NULL;
        const char *p, *reason = NULL;

        ck_assert_int_eq(words_quote(word, flags, &quoted), 0);
        if (expected)
                ck_assert_str_eq(quoted, expected);
        p = quoted;
        ck_assert_msg(words_next(&p, flags, &back, &reason) == 1, "'%s' does not read back: %s", quoted,
                      reason);
        ck_assert_msg(streq(back, word), "'%s' reads back as '%s'", quoted, back);
        ck_assert_msg(*p == '\0', "'%s' is more than one word", quoted);
}

static void check_quote(const char *word, const char *expected)
{
        check_quote_as(word, UNESCAPE, expected);
}

/* Lists are read without C escapes: only '"' and '\\' are escaped, other bytes stay. */
START_TEST(test_quote_without_cunescape)
{
        static const char *const words[] = { "plain",     "",     "a b",  "say \"hi\"", "a\\b",
                                             "tab\there", "\x41", "it's", "\x01\x7f",   "\xc3\xa9 \t" };

        check_quote_as("a\\b \"c\"", WORDS_UNQUOTE, "\"a\\\\b \\\"c\\\"\"");
        check_quote_as("tab\there", WORDS_UNQUOTE, "\"tab\there\"");
        check_quote_as("/run/web.sock", WORDS_UNQUOTE, "/run/web.sock");
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                check_quote_as(words[i], WORDS_UNQUOTE, NULL);
}
END_TEST

START_TEST(test_quote)
{
        static const struct {
                const char *word, *quoted;
        } cases[] = {
                { "plain", "plain" },
                { "/usr/bin/env", "/usr/bin/env" },
                { "A=b,c;d%e$f", "A=b,c;d%e$f" },
                { "h\xc3\xa9llo\xe2\x82\xac", "h\xc3\xa9llo\xe2\x82\xac" }, /* UTF-8 as it is */
                { "\xff\xfe", "\xff\xfe" },                                 /* so are other high bytes */
                { "", "\"\"" },
                { "a b", "\"a b\"" },
                { " ", "\" \"" },
                { "it's", "\"it's\"" },
                { "'", "\"'\"" },
                { "say \"hi\"", "\"say \\\"hi\\\"\"" },
                { "a\\b", "\"a\\\\b\"" },
                { "\\", "\"\\\\\"" },
                { "tab\there", "\"tab\\there\"" },
                { "\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"" },
                { "\x01\x1b\x1f\x7f", "\"\\x01\\x1b\\x1f\\x7f\"" },
                { "A=x 'y z' \"\" w\\ v", "\"A=x 'y z' \\\"\\\" w\\\\ v\"" },
        };
        static const char *const tricky[] = {
                "\"",
                "''",
                "\"\"",
                "\\\\",
                "\\x41",
                "\\u0041",
                "$HOME ${X}",
                "%i %%",
                ";",
                "\\;",
                "  lead",
                "trail  ",
                "\n",
                "\r\n",
                "a\"b'c\\d",
                "\xc3\xa9 \t",
                "\xf0\x9f\x98\x80",
                "\xed\xa0\x80",
                "\xc3",
        };
        char all[256];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                check_quote(cases[i].word, cases[i].quoted);
        for (size_t i = 0; i < ELEMENTSOF(tricky); i++)
                check_quote(tricky[i], NULL);

        /* Every byte but NUL, in one word, forwards and backwards. */
        for (int c = 1; c < 256; c++)
                all[c - 1] = (char) c;
        all[255] = '\0';
        check_quote(all, NULL);
        for (int c = 1; c < 256; c++)
                all[c - 1] = (char) (256 - c);
        check_quote(all, NULL);
}
END_TEST

Suite *words_suite(void)
{
        Suite *s = suite_create("words");
        TCase *t = tcase_create("words");

        tcase_add_test(t, test_whitespace);
        tcase_add_test(t, test_no_flags);
        tcase_add_test(t, test_unquote);
        tcase_add_test(t, test_relax);
        tcase_add_test(t, test_escapes);
        tcase_add_test(t, test_escape_refusals);
        tcase_add_test(t, test_cunescape_one);
        tcase_add_test(t, test_long_input);
        tcase_add_test(t, test_escape_char);
        tcase_add_test(t, test_quote);
        tcase_add_test(t, test_quote_without_cunescape);
        suite_add_tcase(s, t);
        return s;
}
