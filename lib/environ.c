/* The environment a service runs with: reading EnvironmentFile= files and merging every source in
 * systemd's order; see environ.h. Never logs and never looks at sockactd's own environ: the
 * manager's environment is an input like the others. Functions that fail leave their outputs
 * alone, so a caller never sees half of a file. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "env.h"
#include "environ.h"
#include "util.h"

#define ENVIRON_READ_CHUNK 65536

/* Reads the whole file, refusing one larger than ENVIRON_FILE_SIZE_MAX (systemd's read_full_file()
 * refuses the same 4 MiB with -E2BIG). *ret is NUL-terminated; *ret_size counts the bytes read. */
static int environ_file_slurp(const char *path, char **ret, size_t *ret_size)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *chunk = NULL;
        struct strbuf text = { 0 };
        struct stat st;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISREG(st.st_mode) && st.st_size > ENVIRON_FILE_SIZE_MAX)
                return -E2BIG;

        chunk = malloc(ENVIRON_READ_CHUNK);
        if (!chunk)
                return -ENOMEM;
        r = strbuf_put(&text, "", 0); /* an empty file reads as "" */
        while (r >= 0) {
                ssize_t n = read(fd, chunk, ENVIRON_READ_CHUNK);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                else if (n == 0)
                        break;
                else if (text.len + (size_t) n > ENVIRON_FILE_SIZE_MAX)
                        r = -E2BIG; /* a file that grew after fstat(), or not a regular file */
                else
                        r = strbuf_put(&text, chunk, (size_t) n);
        }
        if (r < 0) {
                strbuf_done(&text);
                return r;
        }
        *ret = text.data;
        *ret_size = text.len;
        return 0;
}

/* The parser's position in the text; line is the 1-based line of *p, counted in "\n". */
struct environ_cursor {
        const char *p;
        unsigned line;
};

static void cursor_advance(struct environ_cursor *c)
{
        if (*c->p == '\n')
                c->line++;
        c->p++;
}

/* systemd ends a line at "\r" as well as at "\n", which makes a CRLF file read like a LF one. */
static bool is_line_end(char c)
{
        return c == '\n' || c == '\r';
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

static bool is_comment_start(char c)
{
        return c == '#' || c == ';';
}

/* Skips a comment up to its line end. Inside a comment a backslash takes the next character with
 * it; systemd 252 lets a backslash before the line end carry the comment onto the next line, and
 * 254 stopped doing that (systemd#27975). Where the two disagree — the next line holds an
 * assignment — sockact refuses rather than pick one. */
static int environ_skip_comment(struct environ_cursor *c, const char **ret_reason)
{
        while (*c->p && !is_line_end(*c->p)) {
                const char *next;

                if (*c->p != '\\') {
                        cursor_advance(c);
                        continue;
                }
                cursor_advance(c);
                if (!*c->p)
                        break;
                if (!is_line_end(*c->p)) {
                        cursor_advance(c);
                        continue;
                }
                cursor_advance(c);
                next = c->p;
                while (is_blank(*next))
                        next++;
                if (*next && !is_line_end(*next) && !is_comment_start(*next)) {
                        *ret_reason = "the comment before this line ends with a backslash, so systemd 252 "
                                      "ignores this line too (later versions do not)";
                        return -EINVAL;
                }
        }
        return 0;
}

static int put_char(struct strbuf *b, char ch)
{
        return strbuf_put(b, &ch, 1);
}

/* '…': every character up to the closing quote, line ends included, as it is. */
static int environ_read_single_quoted(struct environ_cursor *c, struct strbuf *value)
{
        const char *start = c->p;

        while (*c->p != '\'') {
                if (!*c->p)
                        return -EINVAL;
                cursor_advance(c);
        }
        cursor_advance(c);
        return strbuf_put(value, start, (size_t) (c->p - 1 - start));
}

/* "…": a backslash before one of " \ ` $ stands for that character, before "\n" joins the lines, and
 * before anything else is kept with it (as in a POSIX shell). "\r" does not join lines here, so a
 * CRLF line ending after a backslash stays in the value, as in systemd. */
static int environ_read_double_quoted(struct environ_cursor *c, struct strbuf *value)
{
        int r = 0;

        while (r >= 0 && *c->p != '"') {
                char ch = *c->p;

                if (!ch)
                        return -EINVAL;
                cursor_advance(c);
                if (ch != '\\') {
                        r = put_char(value, ch);
                        continue;
                }
                ch = *c->p;
                if (!ch)
                        return -EINVAL;
                cursor_advance(c);
                if (strchr("\"\\`$", ch))
                        r = put_char(value, ch);
                else if (ch != '\n') {
                        r = put_char(value, '\\');
                        if (r >= 0)
                                r = put_char(value, ch);
                }
        }
        if (r < 0)
                return r;
        cursor_advance(c);
        return 0;
}

/* Unquoted text, up to the line end: quotes are literal, a backslash keeps the next character or
 * joins the lines when a line end follows it; blanks at the end are dropped unless escaped. */
static int environ_read_unquoted(struct environ_cursor *c, struct strbuf *value)
{
        size_t keep = value->len;
        int r = 0;

        while (r >= 0 && *c->p && !is_line_end(*c->p)) {
                char ch = *c->p;

                cursor_advance(c);
                if (ch == '\\') {
                        keep = value->len;
                        ch = *c->p;
                        if (!ch)
                                break; /* a backslash that ends the file is dropped */
                        cursor_advance(c);
                        if (is_line_end(ch))
                                continue;
                        r = put_char(value, ch);
                        keep = value->len;
                        continue;
                }
                r = put_char(value, ch);
                if (!is_blank(ch))
                        keep = value->len;
        }
        if (r < 0)
                return r;
        if (value->data) {
                value->len = keep;
                value->data[keep] = '\0';
        }
        return 0;
}

static const char *environ_name_reason(const char *name, size_t n)
{
        if (n > 7 && strncmp(name, "export", 6) == 0 && is_blank(name[6]))
                return "\"export NAME=value\" is shell syntax; write NAME=value";
        if (n >= 3 && memcmp(name, "\xef\xbb\xbf", 3) == 0)
                return "a byte order mark (U+FEFF) before the name";
        return "invalid variable name";
}

/* One assignment starting at a name: NAME, blanks, "=", then the value — quoted pieces, blanks
 * between them skipped, optionally followed by unquoted text — up to a line end outside quotes. */
static int environ_read_assignment(struct environ_cursor *c, char **ret, const char **ret_reason)
{
        struct strbuf value = { 0 };
        const char *name = c->p;
        size_t n;
        int r = 0;

        while (*c->p && *c->p != '=' && !is_line_end(*c->p))
                cursor_advance(c);
        if (*c->p != '=') {
                *ret_reason = "not an assignment: missing \"=\"";
                return -EINVAL;
        }
        for (n = (size_t) (c->p - name); n > 0 && is_blank(name[n - 1]); n--)
                ;
        if (!env_name_is_valid(name, n)) {
                *ret_reason = environ_name_reason(name, n);
                return -EINVAL;
        }
        cursor_advance(c);

        while (r >= 0 && *c->p && !is_line_end(*c->p)) {
                if (is_blank(*c->p))
                        cursor_advance(c);
                else if (*c->p == '\'' || *c->p == '"') {
                        char quote = *c->p;

                        cursor_advance(c);
                        r = quote == '\'' ? environ_read_single_quoted(c, &value)
                                          : environ_read_double_quoted(c, &value);
                        if (r == -EINVAL)
                                *ret_reason = "unbalanced quotes";
                } else
                        r = environ_read_unquoted(c, &value);
        }
        if (r >= 0 && value.data && !utf8_is_valid(value.data)) {
                *ret_reason = "invalid UTF-8";
                r = -EINVAL;
        }
        if (r >= 0)
                r = strdup_printf(ret, "%.*s=%s", (int) n, name, value.data ? value.data : "");
        strbuf_done(&value);
        return r;
}

static unsigned line_of(const char *text, const char *at)
{
        unsigned line = 1;

        for (const char *p = text; p < at; p++)
                line += *p == '\n';
        return line;
}

static int environ_parse(const char *text, char ***ret, unsigned *ret_line, const char **ret_reason)
{
        _cleanup_strv_free_ char **parsed = NULL;
        struct environ_cursor c = { .p = text, .line = 1 };

        for (;;) {
                char *assignment = NULL;
                unsigned line;
                int r;

                while (*c.p && strchr(WHITESPACE, *c.p))
                        cursor_advance(&c);
                if (!*c.p)
                        break;
                line = c.line;
                if (is_comment_start(*c.p)) {
                        r = environ_skip_comment(&c, ret_reason);
                        line = c.line; /* the error is about the line the comment swallows */
                } else {
                        r = environ_read_assignment(&c, &assignment, ret_reason);
                        if (r >= 0)
                                r = strv_consume(&parsed, assignment);
                }
                if (r < 0) {
                        if (r == -EINVAL)
                                *ret_line = line;
                        return r;
                }
        }
        *ret = TAKE_PTR(parsed);
        return 0;
}

int environ_file_read(const char *path, char ***assignments, unsigned *ret_line, const char **ret_reason)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **parsed = NULL;
        const char *nul, *reason = NULL;
        size_t size = 0, n_old, n_new;
        unsigned line = 0;
        char **grown;
        int r;

        r = environ_file_slurp(path, &text, &size);
        if (r < 0)
                return r;

        /* systemd stops reading at a NUL byte and drops the rest of the file without a word. */
        nul = memchr(text, '\0', size);
        if (nul) {
                line = line_of(text, nul);
                reason = "NUL byte";
                r = -EINVAL;
        } else
                r = environ_parse(text, &parsed, &line, &reason);
        if (r < 0) {
                if (r == -EINVAL) {
                        if (ret_line)
                                *ret_line = line;
                        if (ret_reason)
                                *ret_reason = reason;
                }
                return r;
        }

        n_new = strv_length(parsed);
        if (n_new == 0)
                return 0;
        n_old = strv_length(*assignments);
        grown = reallocarray(*assignments, n_old + n_new + 1, sizeof(char *));
        if (!grown)
                return -ENOMEM;
        memcpy(grown + n_old, parsed, (n_new + 1) * sizeof(char *));
        free(TAKE_PTR(parsed)); /* its strings now belong to *assignments */
        *assignments = grown;
        return 0;
}

/* Whether assignment is "name=…", name being n bytes. */
static bool assignment_has_name(const char *assignment, const char *name, size_t n)
{
        return strncmp(assignment, name, n) == 0 && assignment[n] == '=';
}

/* Sets each NAME=value of list in *env: a name already there keeps its place and takes the new
 * value, a new one is appended — what systemd's strv_env_merge() does. Entries that are not
 * NAME=value are skipped, as strv_env_clean() drops them from systemd's merged list. */
static int environ_merge(char ***env, char *const *list)
{
        for (size_t i = 0; list && list[i]; i++) {
                char *copy;
                int r;

                if (!env_assignment_is_valid(list[i]))
                        continue;
                copy = strdup(list[i]);
                if (!copy)
                        return -ENOMEM;
                r = env_set(env, copy);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int environ_merge_passed(char ***env, char *const *names, char *const *manager)
{
        for (size_t i = 0; names && names[i]; i++) {
                const char *value = environ_get(manager, names[i]);
                char *assignment;
                int r;

                if (!value || !env_name_is_valid(names[i], strlen(names[i])))
                        continue; /* not set for the manager: not set for the service */
                r = strdup_printf(&assignment, "%s=%s", names[i], value);
                if (r < 0)
                        return r;
                r = env_set(env, assignment);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* systemd's env_match(): NAME matches every assignment of NAME, NAME=value only itself. */
static bool environ_unset_matches(const char *assignment, const char *pattern)
{
        if (strchr(pattern, '='))
                return streq(assignment, pattern);
        return assignment_has_name(assignment, pattern, strlen(pattern));
}

static void environ_unset(char **env, char *const *patterns)
{
        size_t kept = 0;

        for (size_t i = 0; env[i]; i++) {
                bool drop = false;

                for (size_t j = 0; patterns && patterns[j] && !drop; j++)
                        drop = environ_unset_matches(env[i], patterns[j]);
                if (drop)
                        free(env[i]);
                else
                        env[kept++] = env[i];
        }
        env[kept] = NULL;
}

int environ_build(const struct environ_inputs *in, char ***ret)
{
        _cleanup_strv_free_ char **env = NULL;
        int r;

        r = strv_extend(&env, "PATH=" ENVIRON_DEFAULT_PATH);
        if (r >= 0)
                r = environ_merge(&env, in->daemon);
        if (r >= 0)
                r = environ_merge_passed(&env, in->service->pass_environment, in->manager);
        if (r >= 0)
                r = environ_merge(&env, in->service->environment);
        if (r >= 0)
                r = environ_merge(&env, in->files);
        if (r < 0)
                return r;
        environ_unset(env, in->service->unset_environment);
        *ret = TAKE_PTR(env);
        return 0;
}

const char *environ_get(char *const *env, const char *name)
{
        size_t n = strlen(name);
        const char *found = NULL;

        if (n == 0 || strchr(name, '='))
                return NULL;
        for (size_t i = 0; env && env[i]; i++)
                if (assignment_has_name(env[i], name, n))
                        found = env[i] + n + 1;
        return found;
}
