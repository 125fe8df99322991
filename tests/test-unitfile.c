/* Tests for lib/unitfile.c: the reader must see each value exactly as systemd's parser does. */
#include "tests.h"

#include "unitfile.h"

struct parsed {
        struct unitfile *u;
        struct diag diag;
};

static struct parsed parse_n(const char *text, size_t size)
{
        struct parsed p = { 0 };

        ck_assert_int_eq(unitfile_read_buffer("t.service", text, size, &p.u, &p.diag), 0);
        return p;
}

static struct parsed parse(const char *text)
{
        return parse_n(text, strlen(text));
}

static void parsed_free(struct parsed *p)
{
        unitfile_free(p->u);
        diag_clear(&p->diag);
}

static void assert_assignment(const struct parsed *p, size_t i, const char *section, const char *key,
                              const char *value, unsigned line)
{
        ck_assert_uint_lt(i, p->u->n_assignments);
        ck_assert_str_eq(p->u->assignments[i].section, section);
        ck_assert_str_eq(p->u->assignments[i].key, key);
        ck_assert_str_eq(p->u->assignments[i].value, value);
        ck_assert_uint_eq(p->u->assignments[i].line, line);
}

START_TEST(test_sections_comments_repeats)
{
        struct parsed p = parse("# a comment\n"
                                "; another\n"
                                "[Unit]\n"
                                "Description = A web server \n"
                                "   # indented comment\n"
                                "\n"
                                "[Socket]\n"
                                "ListenStream=80\n"
                                "ListenStream=[::1]:81\n"
                                "ListenStream=\n"
                                "Accept=no\n");

        ck_assert_uint_eq(p.diag.n, 0);
        ck_assert_uint_eq(p.u->n_assignments, 5);
        assert_assignment(&p, 0, "Unit", "Description", "A web server", 4);
        assert_assignment(&p, 1, "Socket", "ListenStream", "80", 8);
        assert_assignment(&p, 2, "Socket", "ListenStream", "[::1]:81", 9);
        assert_assignment(&p, 3, "Socket", "ListenStream", "", 10);
        assert_assignment(&p, 4, "Socket", "Accept", "no", 11);
        ck_assert_str_eq(p.u->sections[0], "Unit");
        ck_assert_uint_eq(p.u->section_lines[0], 3);
        ck_assert_str_eq(p.u->sections[1], "Socket");
        ck_assert_uint_eq(p.u->section_lines[1], 7);
        parsed_free(&p);
}
END_TEST

/* inih would cut these at " ;" (inline comment) and at 200 bytes; systemd keeps them whole. */
START_TEST(test_semicolons_and_hashes_kept)
{
        struct parsed p = parse("[Service]\n"
                                "ExecStart=/bin/sh -c 'echo a ; echo b' ; /bin/true # not a comment\n"
                                "Environment=\"A=x;y\" B=#1\n");

        ck_assert_uint_eq(p.diag.n, 0);
        assert_assignment(&p, 0, "Service", "ExecStart",
                          "/bin/sh -c 'echo a ; echo b' ; /bin/true # not a comment", 2);
        assert_assignment(&p, 1, "Service", "Environment", "\"A=x;y\" B=#1", 3);
        parsed_free(&p);
}
END_TEST

/* A trailing backslash becomes a space and joins the next line; comment lines inside the
 * continuation are skipped; the assignment is reported on the line it ends on. */
START_TEST(test_continuation)
{
        struct parsed p = parse("[Service]\n"
                                "ExecStart=/bin/echo \\\n"
                                "  one \\\n"
                                "# skipped, as systemd skips it\n"
                                "; this too\n"
                                "  two\n"
                                "KillMode=process\n");

        ck_assert_uint_eq(p.diag.n, 0);
        ck_assert_uint_eq(p.u->n_assignments, 2);
        assert_assignment(&p, 0, "Service", "ExecStart", "/bin/echo    one    two", 6);
        assert_assignment(&p, 1, "Service", "KillMode", "process", 7);
        parsed_free(&p);
}
END_TEST

START_TEST(test_continuation_escaped_backslash)
{
        /* An even run of backslashes is an escaped backslash, not a continuation. */
        struct parsed p = parse("[Service]\n"
                                "ExecStart=/bin/echo a\\\\\n"
                                "ExecStop=/bin/echo b\\\\\\\n"
                                "  c\n");

        ck_assert_uint_eq(p.diag.n, 0);
        assert_assignment(&p, 0, "Service", "ExecStart", "/bin/echo a\\\\", 2);
        assert_assignment(&p, 1, "Service", "ExecStop", "/bin/echo b\\\\   c", 4);
        parsed_free(&p);
}
END_TEST

START_TEST(test_continuation_at_end_of_file)
{
        struct parsed p = parse("[Service]\nExecStart=/bin/true \\");

        ck_assert_uint_eq(p.diag.n, 0);
        assert_assignment(&p, 0, "Service", "ExecStart", "/bin/true", 2);
        parsed_free(&p);
}
END_TEST

/* A 4 KiB ExecStart= (over twenty times inih's line buffer) arrives whole. */
START_TEST(test_long_value)
{
        _cleanup_free_ char *text = NULL, *value = NULL;
        size_t n = 4096;

        value = malloc(n + 1);
        ck_assert_ptr_nonnull(value);
        memcpy(value, "/bin/echo", 9);
        for (size_t i = 9; i < n; i++)
                value[i] = i % 8 == 0 ? ' ' : (i % 5 == 0 ? ';' : 'a' + (char) (i % 26));
        value[n - 1] = 'z';
        value[n] = '\0';
        ck_assert_int_eq(strdup_printf(&text, "[Service]\nExecStart=%s\nType=simple\n", value), 0);

        struct parsed p = parse(text);
        ck_assert_uint_eq(p.diag.n, 0);
        ck_assert_uint_eq(strlen(p.u->assignments[0].value), 4096);
        assert_assignment(&p, 0, "Service", "ExecStart", value, 2);
        assert_assignment(&p, 1, "Service", "Type", "simple", 3);
        parsed_free(&p);
}
END_TEST

START_TEST(test_long_continued_value)
{
        _cleanup_free_ char *text = NULL;
        struct parsed p;

        ck_assert_int_eq(strextend_printf(&text, "[Service]\nExecStart=/bin/echo"), 0);
        for (int i = 0; i < 300; i++)
                ck_assert_int_eq(strextend_printf(&text, " \\\n    argument-%03d", i), 0);
        ck_assert_int_eq(strextend_printf(&text, "\n"), 0);

        p = parse(text);
        ck_assert_uint_eq(p.diag.n, 0);
        ck_assert_uint_eq(p.u->assignments[0].line, 302);
        ck_assert(startswith(p.u->assignments[0].value, "/bin/echo      argument-000      argument-001"));
        ck_assert(endswith(p.u->assignments[0].value, "argument-298      argument-299"));
        parsed_free(&p);
}
END_TEST

START_TEST(test_bom_and_line_ends)
{
        static const char text[] = "\xef\xbb\xbf[Unit]\r\nDescription=crlf\r\n"
                                   "Documentation=man:a\rDocumentation=man:b\n\r"
                                   "[Socket]\r\n\r\nListenStream=1\0ListenStream=2";
        struct parsed p = parse_n(text, sizeof(text) - 1);

        ck_assert_uint_eq(p.diag.n, 0);
        ck_assert_uint_eq(p.u->n_assignments, 5);
        assert_assignment(&p, 0, "Unit", "Description", "crlf", 2);
        assert_assignment(&p, 1, "Unit", "Documentation", "man:a", 3);
        assert_assignment(&p, 2, "Unit", "Documentation", "man:b", 4);
        assert_assignment(&p, 3, "Socket", "ListenStream", "1", 7);
        assert_assignment(&p, 4, "Socket", "ListenStream", "2", 8);
        parsed_free(&p);
}
END_TEST

START_TEST(test_syntax_errors)
{
        struct parsed p = parse("Description=outside\n"
                                "[Unit\n"
                                "Description=under a broken header\n"
                                "[Service]\n"
                                "no equals sign here\n"
                                "=value without key\n"
                                "Description=caf\xe9\n"
                                "Type=simple\n");

        ck_assert_uint_eq(p.diag.n, 5);
        ck_assert_str_eq(p.diag.messages[0], "t.service:1: Description=: assignment outside of any section");
        ck_assert_str_eq(p.diag.messages[1], "t.service:2: invalid section header '[Unit'");
        ck_assert_str_eq(p.diag.messages[2], "t.service:5: missing '=' in 'no equals sign here'");
        ck_assert_str_eq(p.diag.messages[3], "t.service:6: missing key name before '='");
        ck_assert_str_eq(p.diag.messages[4], "t.service:7: invalid UTF-8, the line is refused");
        /* What could be read still is, so that every error of a file is reported at once. */
        ck_assert_uint_eq(p.u->n_assignments, 1);
        assert_assignment(&p, 0, "Service", "Type", "simple", 8);
        parsed_free(&p);
}
END_TEST

START_TEST(test_line_too_long)
{
        size_t n = UNITFILE_LINE_MAX + 64;
        _cleanup_free_ char *text = malloc(n);
        struct parsed p;

        ck_assert_ptr_nonnull(text);
        memset(text, 'a', n);
        memcpy(text, "[Unit]\nDescription=", 19);
        p = parse_n(text, n);
        ck_assert_uint_eq(p.diag.n, 1);
        ck_assert(strstr(p.diag.messages[0], "t.service:2: line too long"));
        ck_assert_uint_eq(p.u->n_assignments, 0);
        parsed_free(&p);
}
END_TEST

START_TEST(test_read_file)
{
        struct unitfile *u = NULL;
        struct diag diag = { 0 };
        char path[] = "/tmp/sockact-test-XXXXXX";
        int fd = mkstemp(path);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "[Unit]\nDescription=from a file\n", 31), 31);
        close(fd);
        ck_assert_int_eq(unitfile_read(path, &u, &diag), 0);
        ck_assert_uint_eq(u->n_assignments, 1);
        ck_assert_str_eq(u->assignments[0].value, "from a file");
        unitfile_free(u);
        unlink(path);

        ck_assert_int_eq(unitfile_read(path, &u, &diag), -ENOENT);
        ck_assert_uint_eq(diag.n, 1);
        ck_assert(endswith(diag.messages[0], ": cannot read the unit file: No such file or directory"));
        diag_clear(&diag);

        ck_assert_int_eq(unitfile_read("/tmp", &u, &diag), -EBADFD);
        ck_assert_str_eq(diag.messages[0], "/tmp: not a regular file");
        diag_clear(&diag);
}
END_TEST

Suite *unitfile_suite(void)
{
        Suite *s = suite_create("unitfile");
        TCase *t = tcase_create("reader");

        tcase_add_test(t, test_sections_comments_repeats);
        tcase_add_test(t, test_semicolons_and_hashes_kept);
        tcase_add_test(t, test_continuation);
        tcase_add_test(t, test_continuation_escaped_backslash);
        tcase_add_test(t, test_continuation_at_end_of_file);
        tcase_add_test(t, test_long_value);
        tcase_add_test(t, test_long_continued_value);
        tcase_add_test(t, test_bom_and_line_ends);
        tcase_add_test(t, test_syntax_errors);
        tcase_add_test(t, test_line_too_long);
        tcase_add_test(t, test_read_file);
        suite_add_tcase(s, t);
        return s;
}
