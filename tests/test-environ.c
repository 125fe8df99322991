/* Tests for lib/environ.c: EnvironmentFile= content as administrators write it, read as systemd 252
 * reads it (or refused with a line and a reason), and the merge of a service's environment. */
#include "tests.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "environ.h"
#include "util.h"

/* A NULL-terminated list of literals, typed as the char ** the structures hold. */
#define STRV(...) ((char **) (const char *[]){ __VA_ARGS__, NULL })

struct file_result {
        int r;
        char **env;
        unsigned line;
        const char *reason;
};

static char *write_temp(const char *content, size_t size)
{
        char *path = strdup("/tmp/test-environ-XXXXXX");
        int fd;

        ck_assert_ptr_nonnull(path);
        fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, content, size), (ssize_t) size);
        ck_assert_int_eq(close(fd), 0);
        return path;
}

static struct file_result read_n(const char *content, size_t size)
{
        struct file_result f = { .line = 0 };
        _cleanup_free_ char *path = write_temp(content, size);

        f.r = environ_file_read(path, &f.env, &f.line, &f.reason);
        ck_assert_int_eq(unlink(path), 0);
        return f;
}

static struct file_result read_text(const char *content)
{
        return read_n(content, strlen(content));
}

static void assert_strv(char *const *got, char *const *want)
{
        size_t i;

        for (i = 0; want[i]; i++) {
                ck_assert_ptr_nonnull(got);
                ck_assert_ptr_nonnull(got[i]);
                ck_assert_str_eq(got[i], want[i]);
        }
        ck_assert(!got || !got[i]);
}

/* The text reads as exactly these assignments, in order. */
static void assert_reads(const char *content, char *const *want)
{
        struct file_result f = read_text(content);

        ck_assert_msg(f.r == 0, "%s: r=%d line %u: %s", content, f.r, f.line, f.reason);
        assert_strv(f.env, want);
        strv_free(f.env);
}

/* The text is refused at this line, with a reason containing this text, and nothing is appended. */
static void assert_refused_n(const char *content, size_t size, unsigned line, const char *reason)
{
        _cleanup_free_ char *path = write_temp(content, size);
        _cleanup_strv_free_ char **env = NULL;
        const char *got_reason = NULL;
        unsigned got_line = 0;

        ck_assert_int_eq(strv_extend(&env, "KEEP=1"), 0);
        ck_assert_int_eq(environ_file_read(path, &env, &got_line, &got_reason), -EINVAL);
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_uint_eq(got_line, line);
        ck_assert_ptr_nonnull(got_reason);
        ck_assert_msg(strstr(got_reason, reason), "reason \"%s\" lacks \"%s\"", got_reason, reason);
        assert_strv(env, STRV("KEEP=1"));
}

static void assert_refused(const char *content, unsigned line, const char *reason)
{
        assert_refused_n(content, strlen(content), line, reason);
}

START_TEST(test_debian_default_files)
{
        /* The shapes of /etc/default/ssh, nfs-kernel-server, grub and friends. */
        assert_reads("# Default settings for openssh-server. This file is sourced by /bin/sh from\n"
                     "# /etc/init.d/ssh.\n"
                     "\n"
                     "# Options to pass to sshd\n"
                     "SSHD_OPTS=\n"
                     "\n"
                     "# Number of servers to start up\n"
                     "RPCNFSDCOUNT=8\n"
                     "RPCNFSDPRIORITY=0\n"
                     "RPCMOUNTDOPTS=\"--manage-gids\"\n"
                     "NEED_SVCGSSD=\"\"\n"
                     "; a semicolon comment\n"
                     "   # an indented comment\n"
                     "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"
                     "DAEMON_ARGS='-f /etc/foo.conf -v'\n"
                     "\tTZ = Europe/Berlin   \n",
                     STRV("SSHD_OPTS=", "RPCNFSDCOUNT=8", "RPCNFSDPRIORITY=0", "RPCMOUNTDOPTS=--manage-gids",
                          "NEED_SVCGSSD=", "GRUB_CMDLINE_LINUX_DEFAULT=quiet splash",
                          "DAEMON_ARGS=-f /etc/foo.conf -v", "TZ=Europe/Berlin"));

        /* No inline comments: a "#" after a value is part of it (systemd#12527). */
        assert_reads("A=value # not a comment\nB=#x\nC=\"q\" # y\n",
                     STRV("A=value # not a comment", "B=#x", "C=q# y"));
        /* Nothing but comments, or nothing at all, is fine. */
        assert_reads("", STRV(NULL));
        assert_reads("# only\n; comments\n\n\n", STRV(NULL));
        /* The last line needs no line end. */
        assert_reads("A=1\nB=2", STRV("A=1", "B=2"));
        /* A name set twice: both kept in order (the merge keeps the last, see below). */
        assert_reads("A=1\nB=2\nA=3\n", STRV("A=1", "B=2", "A=3"));
}
END_TEST

START_TEST(test_whitespace_and_empty_values)
{
        assert_reads("  KEY  =   value with  inner  spaces \t \n", STRV("KEY=value with  inner  spaces"));
        assert_reads("\tA\t=\tb\n", STRV("A=b"));
        assert_reads("A=\nB=\"\"\nC=''\nD=   \nE=\"\"''\n", STRV("A=", "B=", "C=", "D=", "E="));
        /* Blanks outside quotes go, inside stay. */
        assert_reads("A=  '  padded  '  \nB= \"  x \"\n", STRV("A=  padded  ", "B=  x "));
        /* An escaped blank at the end stays, an unescaped one after it goes. */
        assert_reads("A=trail\\ \nB=trail\\  \nC=a \\ b  \n", STRV("A=trail ", "B=trail ", "C=a  b"));
}
END_TEST

START_TEST(test_unquoted_escapes)
{
        /* A backslash keeps the next character, whatever it is: no C escapes. */
        assert_reads("A=foo\\ bar\\\\baz\\\"q\\$x\\'\n", STRV("A=foo bar\\baz\"q$x'"));
        assert_reads("A=\\n\\t\\x41\n", STRV("A=ntx41"));
        /* Quotes after the first character are literal. */
        assert_reads("A=x\"y\"'z'\nB=it's\n", STRV("A=x\"y\"'z'", "B=it's"));
        /* Backslash-newline joins the lines; the blanks that start the next line stay. */
        assert_reads("A=one\\\n  two\nB=x\n", STRV("A=one  two", "B=x"));
        assert_reads("A=\\\nnext\n", STRV("A=next"));
        assert_reads("A=a \\\n\nB=b\n", STRV("A=a ", "B=b"));
        /* A backslash that ends the file is dropped. */
        assert_reads("A=foo\\", STRV("A=foo"));
        /* Variables are not expanded. */
        assert_reads("A=$HOME/${USER}\n", STRV("A=$HOME/${USER}"));
}
END_TEST

START_TEST(test_single_quotes)
{
        assert_reads("A='a \\\"b\\\" \\\\n $x ` \"dq\"'\n", STRV("A=a \\\"b\\\" \\\\n $x ` \"dq\""));
        assert_reads("A='line one\nline two'\nB=2\n", STRV("A=line one\nline two", "B=2"));
        assert_reads("A='ends with backslash\\'\n", STRV("A=ends with backslash\\"));
}
END_TEST

START_TEST(test_double_quotes)
{
        /* \" \\ \` \$ lose their backslash, any other keeps it. */
        assert_reads("A=\"q\\\" bs\\\\ bt\\` d\\$ n\\n x\\x '\"\n", STRV("A=q\" bs\\ bt` d$ n\\n x\\x '"));
        /* Backslash-newline joins the lines; a plain newline is kept. */
        assert_reads("A=\"one \\\ntwo\"\nB=\"l1\nl2\"\n", STRV("A=one two", "B=l1\nl2"));
        assert_reads("A=\"${HOME} $(date)\"\n", STRV("A=${HOME} $(date)"));
}
END_TEST

START_TEST(test_mixed_quotes)
{
        /* Quoted pieces join, the blanks between them go; unquoted text may follow the last one. */
        assert_reads("A=\"foo\" 'bar' baz qux \n", STRV("A=foobarbaz qux"));
        assert_reads("A='x'\\ y\n", STRV("A=x y"));
        assert_reads("A=\"it\"\"'\"'s'\n", STRV("A=it's"));
        assert_reads("A=\"a\"b\"c\"\n", STRV("A=ab\"c\""));
}
END_TEST

START_TEST(test_crlf)
{
        /* "\r" ends a line as "\n" does, so a CRLF file reads as a LF one … */
        assert_reads("# c\r\nA=1\r\nB=\"two words\"\r\nC='x'\r\n\r\nD= d \r\n",
                     STRV("A=1", "B=two words", "C=x", "D=d"));
        /* … except inside quotes, where the "\r" stays in the value, and backslash-CRLF does not
         * join lines: the backslash takes the "\r", and the "\n" ends the line. */
        assert_reads("A=\"x\r\ny\"\r\n", STRV("A=x\r\ny"));
        assert_reads("A=\"x\\\r\ny\"\r\n", STRV("A=x\\\r\ny"));
        assert_refused("A=one\\\r\ntwo\r\n", 2, "missing \"=\"");
}
END_TEST

START_TEST(test_comment_ending_in_backslash)
{
        /* Where systemd 252 and later versions read the same, so does sockact. */
        assert_reads("# a \\\n# b\nA=1\n", STRV("A=1"));
        assert_reads("# a \\\n\nA=1\n", STRV("A=1"));
        assert_reads("# a \\\n   \nA=1\n", STRV("A=1"));
        assert_reads("# C:\\\\\nA=1\n", STRV("A=1"));
        assert_reads("# a \\\r\nA=1\r\n", STRV("A=1")); /* the backslash takes the "\r" */
        assert_reads("# a \\", STRV(NULL));
        /* 252 takes the next line into the comment, 254 does not (systemd#27975): refused. */
        assert_refused("X=0\n# a \\\nA=1\n", 3, "backslash");
        assert_refused("# a \\\n# b \\\n  A=1\n", 3, "backslash");
}
END_TEST

START_TEST(test_bad_lines)
{
        /* systemd 252 skips these silently (no "=") or with a warning (invalid name). */
        assert_refused("A=1\nB=2\nnot an assignment\n", 3, "missing \"=\"");
        assert_refused("A=1\nNAME", 2, "missing \"=\"");
        assert_refused("1A=x\n", 1, "invalid variable name");
        assert_refused("A=1\n\n# x\nA-B=x\n", 4, "invalid variable name");
        assert_refused("A B=x\n", 1, "invalid variable name");
        assert_refused("=x\n", 1, "invalid variable name");
        assert_refused("A.B=x\n", 1, "invalid variable name");
        assert_refused("A=1\nexport PATH=/opt/bin\n", 2, "\"export NAME=value\" is shell syntax");
        assert_refused("\xef\xbb\xbf"
                       "A=1\n",
                       1, "byte order mark");
        /* An unbalanced quote would swallow the rest of the file into one value in systemd. */
        assert_refused("A=1\nB=\"open\nC=2\n", 2, "unbalanced quotes");
        assert_refused("A='open\n", 1, "unbalanced quotes");
        assert_refused("A=\"ends in backslash\\", 1, "unbalanced quotes");
        /* Line numbers count the lines of multi-line values. */
        assert_refused("A='x\ny'\nB=\"1\\\n2\"\nC=a\\\nb\nbad\n", 7, "missing \"=\"");
}
END_TEST

START_TEST(test_encoding)
{
        assert_reads("A=caf\xc3\xa9 \xe2\x98\x83\n", STRV("A=caf\xc3\xa9 \xe2\x98\x83"));
        /* Only assignments must be UTF-8: a Latin-1 comment is fine, as in systemd. */
        assert_reads("# caf\xe9\nA=1\n", STRV("A=1"));
        assert_refused("A=1\nB=caf\xe9\n", 2, "invalid UTF-8");
        assert_refused("A='\xed\xa0\x80'\n", 1, "invalid UTF-8"); /* a surrogate */
        assert_refused_n("A=1\nB=x\0y\n", 10, 2, "NUL byte");
        assert_refused_n("# x\0\nA=1\n", 9, 1, "NUL byte");
}
END_TEST

START_TEST(test_file_errors)
{
        _cleanup_strv_free_ char **env = NULL;
        char dir[] = "/tmp/test-environ-dir-XXXXXX";
        const char *reason = "untouched";
        unsigned line = 77;

        ck_assert_int_eq(strv_extend(&env, "KEEP=1"), 0);
        ck_assert_int_eq(environ_file_read("/nonexistent/environment", &env, &line, &reason), -ENOENT);
        ck_assert_ptr_nonnull(mkdtemp(dir));
        ck_assert_int_eq(environ_file_read(dir, &env, &line, &reason), -EISDIR);
        ck_assert_int_eq(rmdir(dir), 0);
        /* Not a regular file, and endless: refused at the limit. */
        ck_assert_int_eq(environ_file_read("/dev/zero", &env, &line, &reason), -E2BIG);
        assert_strv(env, STRV("KEEP=1"));
        ck_assert_uint_eq(line, 77);
        ck_assert_str_eq(reason, "untouched");
        /* The reason and the line may be left out. */
        ck_assert_int_eq(environ_file_read("/nonexistent/environment", &env, NULL, NULL), -ENOENT);
}
END_TEST

START_TEST(test_size_limit)
{
        _cleanup_free_ char *text = malloc(ENVIRON_FILE_SIZE_MAX + 1);
        _cleanup_free_ char *path = NULL;
        _cleanup_strv_free_ char **env = NULL;
        int fd;

        /* Exactly the limit is read … */
        ck_assert_ptr_nonnull(text);
        memcpy(text, "A=", 2);
        memset(text + 2, 'x', ENVIRON_FILE_SIZE_MAX - 3);
        text[ENVIRON_FILE_SIZE_MAX - 1] = '\n';
        path = write_temp(text, ENVIRON_FILE_SIZE_MAX);
        ck_assert_int_eq(environ_file_read(path, &env, NULL, NULL), 0);
        ck_assert_uint_eq(strv_length(env), 1);
        ck_assert_uint_eq(strlen(env[0]), ENVIRON_FILE_SIZE_MAX - 1);

        /* … one byte more is not. */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(ftruncate(fd, ENVIRON_FILE_SIZE_MAX + 1), 0);
        ck_assert_int_eq(close(fd), 0);
        ck_assert_int_eq(environ_file_read(path, &env, NULL, NULL), -E2BIG);
        ck_assert_uint_eq(strv_length(env), 1);
        ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(test_read_appends)
{
        _cleanup_free_ char *one = write_temp("A=1\nB=1\n", 8);
        _cleanup_free_ char *two = write_temp("B=2\nC=2\n", 8);
        _cleanup_strv_free_ char **env = NULL;

        ck_assert_int_eq(environ_file_read(one, &env, NULL, NULL), 0);
        ck_assert_int_eq(environ_file_read(two, &env, NULL, NULL), 0);
        assert_strv(env, STRV("A=1", "B=1", "B=2", "C=2"));
        ck_assert_str_eq(environ_get(env, "B"), "2");
        ck_assert_int_eq(unlink(one), 0);
        ck_assert_int_eq(unlink(two), 0);
}
END_TEST

static char **build(const struct service_config *service, char **manager, char **daemon, char **files)
{
        struct environ_inputs in = {
                .service = service, .manager = manager, .daemon = daemon, .files = files
        };
        char **env = NULL;

        ck_assert_int_eq(environ_build(&in, &env), 0);
        ck_assert_ptr_nonnull(env);
        return env;
}

START_TEST(test_build_default_path)
{
        struct service_config service = { 0 };
        _cleanup_strv_free_ char **env = build(&service, NULL, NULL, NULL);

        assert_strv(env, STRV("PATH=" ENVIRON_DEFAULT_PATH));
}
END_TEST

START_TEST(test_build_each_source_overrides_the_earlier)
{
        /* X is set by every source: the last (files) wins, in the place of the first (PATH's
         * is the default's, X's the daemon's), as strv_env_merge() replaces in place. */
        struct service_config service = {
                .pass_environment = STRV("LANG", "X", "ABSENT", "P"),
                .environment = STRV("HOME=/srv", "X=environment", "E=1", "P=environment"),
        };
        _cleanup_strv_free_ char **env =
                build(&service, STRV("LANG=C.UTF-8", "X=manager", "SECRET=s", "P=manager"),
                      STRV("PATH=/daemon", "X=daemon", "HOME=/root", "LISTEN_FDS=2"),
                      STRV("E=file", "X=file one", "F=1", "X=file two"));

        assert_strv(env, STRV("PATH=/daemon", "X=file two", "HOME=/srv", "LISTEN_FDS=2", "LANG=C.UTF-8",
                              "P=environment", "E=file", "F=1"));
}
END_TEST

START_TEST(test_build_pass_environment)
{
        struct service_config service = { .pass_environment = STRV("TERM", "LANG", "NOPE", "LC") };
        _cleanup_strv_free_ char **env = build(
                &service, STRV("TERM=xterm", "LANG=", "LC_ALL=C", "SECRET=s", "TERM=vt100"), NULL, NULL);

        /* Absent names are not set, present empty ones are; names match whole, the manager's
         * last assignment counts. */
        assert_strv(env, STRV("PATH=" ENVIRON_DEFAULT_PATH, "TERM=vt100", "LANG="));
}
END_TEST

START_TEST(test_build_unset)
{
        struct service_config service = {
                .environment = STRV("A=1", "B=2", "C=", "LISTEN=x", "D=keep"),
                .unset_environment = STRV("PATH", "NOTIFY_SOCKET", "B=2", "C=", "D=other", "LISTEN", "F"),
        };
        _cleanup_strv_free_ char **env =
                build(&service, NULL, STRV("NOTIFY_SOCKET=/run/n", "LISTEN_FDS=1"), STRV("F=from file"));

        /* By name every assignment goes, whatever its source; NAME=value removes only that exact
         * assignment; "LISTEN" does not match LISTEN_FDS. */
        assert_strv(env, STRV("LISTEN_FDS=1", "A=1", "D=keep"));
}
END_TEST

START_TEST(test_build_skips_non_assignments)
{
        struct service_config service = { .environment = STRV("NOEQUALS", "OK=1", "=x") };
        _cleanup_strv_free_ char **env = build(&service, NULL, STRV("bad-name=1"), NULL);

        assert_strv(env, STRV("PATH=" ENVIRON_DEFAULT_PATH, "OK=1"));
}
END_TEST

START_TEST(test_get)
{
        char **env = STRV("A=1", "AB=2", "EMPTY=", "A=3", "EQ=x=y");

        ck_assert_str_eq(environ_get(env, "A"), "3");
        ck_assert_str_eq(environ_get(env, "AB"), "2");
        ck_assert_str_eq(environ_get(env, "EMPTY"), "");
        ck_assert_str_eq(environ_get(env, "EQ"), "x=y");
        ck_assert_ptr_null(environ_get(env, "a")); /* case matters */
        ck_assert_ptr_null(environ_get(env, "ABC"));
        ck_assert_ptr_null(environ_get(env, "EQ=x"));
        ck_assert_ptr_null(environ_get(env, ""));
        ck_assert_ptr_null(environ_get(NULL, "A"));
}
END_TEST

Suite *environ_suite(void)
{
        Suite *s = suite_create("environ");
        TCase *file = tcase_create("file");
        TCase *merge = tcase_create("build");

        tcase_add_test(file, test_debian_default_files);
        tcase_add_test(file, test_whitespace_and_empty_values);
        tcase_add_test(file, test_unquoted_escapes);
        tcase_add_test(file, test_single_quotes);
        tcase_add_test(file, test_double_quotes);
        tcase_add_test(file, test_mixed_quotes);
        tcase_add_test(file, test_crlf);
        tcase_add_test(file, test_comment_ending_in_backslash);
        tcase_add_test(file, test_bad_lines);
        tcase_add_test(file, test_encoding);
        tcase_add_test(file, test_file_errors);
        tcase_add_test(file, test_size_limit);
        tcase_add_test(file, test_read_appends);
        suite_add_tcase(s, file);

        tcase_add_test(merge, test_build_default_path);
        tcase_add_test(merge, test_build_each_source_overrides_the_earlier);
        tcase_add_test(merge, test_build_pass_environment);
        tcase_add_test(merge, test_build_unset);
        tcase_add_test(merge, test_build_skips_non_assignments);
        tcase_add_test(merge, test_get);
        suite_add_tcase(s, merge);
        return s;
}
