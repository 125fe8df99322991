/* Exec*= command lines as systemd 252 reads them (config_parse_exec(), extract_first_word() with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, replace_env_argv()), and the writer that turns a command back into
 * that syntax. Pure string work: no logging, no state, no fixed-size buffers, so a value of any length
 * parses. Invariant: execline_parse() appends all of a value's commands or none of them, and
 * execline_format() writes text that execline_parse() reads back to the same command. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "execline.h"
#include "util.h"

#define EXEC_PRIVILEGE_PREFIXES (EXEC_PRIVILEGED | EXEC_NO_SETUID | EXEC_AMBIENT_MAGIC)

/* "!!" before "!": the longer prefix is tried first. */
static const struct {
        const char *text;
        unsigned flag;
} execline_prefixes[] = {
        {"-", EXEC_IGNORE_FAILURE}, {"@", EXEC_SEPARATE_ARGV0}, {":", EXEC_NO_ENV_EXPAND},
        {"+", EXEC_PRIVILEGED},     {"!!", EXEC_AMBIENT_MAGIC}, {"!", EXEC_NO_SETUID},
};

struct execline_buf {
        char *data;
        size_t len, allocated;
};

static void execline_buf_done(struct execline_buf *b)
{
        free(b->data);
}

/* Appends n bytes and keeps the buffer NUL-terminated (and allocated, even for n == 0). */
static int execline_buf_put(struct execline_buf *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->allocated) {
                size_t want = (b->len + n + 1) * 2;
                char *grown = realloc(b->data, want);

                if (!grown)
                        return -ENOMEM;
                b->data = grown;
                b->allocated = want;
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = 0;
        return 0;
}

static int execline_buf_put_utf8(struct execline_buf *b, uint32_t u)
{
        char s[4];
        size_t n;

        if (u < 0x80) {
                s[0] = (char) u;
                n = 1;
        } else if (u < 0x800) {
                s[0] = (char) (0xC0 | (u >> 6));
                s[1] = (char) (0x80 | (u & 0x3F));
                n = 2;
        } else if (u < 0x10000) {
                s[0] = (char) (0xE0 | (u >> 12));
                s[1] = (char) (0x80 | ((u >> 6) & 0x3F));
                s[2] = (char) (0x80 | (u & 0x3F));
                n = 3;
        } else {
                s[0] = (char) (0xF0 | (u >> 18));
                s[1] = (char) (0x80 | ((u >> 12) & 0x3F));
                s[2] = (char) (0x80 | ((u >> 6) & 0x3F));
                s[3] = (char) (0x80 | (u & 0x3F));
                n = 4;
        }
        return execline_buf_put(b, s, n);
}

static int execline_oom(const char **ret_reason)
{
        *ret_reason = "out of memory";
        return -ENOMEM;
}

static int execline_invalid(const char **ret_reason, const char *reason)
{
        *ret_reason = reason;
        return -EINVAL;
}

static bool execline_is_word_end(char c)
{
        return c == 0 || strchr(WHITESPACE, c);
}

static int execline_digit(char c, unsigned base)
{
        int d = -1;

        if (c >= '0' && c <= '9')
                d = c - '0';
        else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
        return d >= 0 && (unsigned) d < base ? d : -1;
}

/* As systemd's unichar_is_valid(): no surrogates, no noncharacters, nothing above U+10FFFF. */
static bool execline_unichar_is_valid(uint32_t u)
{
        return u < 0x110000 && (u & 0xFFFFF800) != 0xD800 && !(u >= 0xFDD0 && u <= 0xFDEF) &&
               (u & 0xFFFE) != 0xFFFE;
}

/* One C escape as cunescape_one() reads it; s points after the backslash and is not at the end.
 * Returns the number of characters consumed. \xNN and \NNN give that byte, \uNNNN and \UNNNNNNNN UTF-8. */
static int execline_unescape_one(const char *s, struct execline_buf *out, const char **ret_reason)
{
        static const char simple[] = "abfnrtv\\\"'s", simple_value[] = "\a\b\f\n\r\t\v\\\"' ";
        const char *hit = strchr(simple, *s);
        unsigned base = 16, digits, start = 1;
        bool byte = false;
        uint32_t u = 0;

        if (hit) {
                if (execline_buf_put(out, &simple_value[hit - simple], 1) < 0)
                        return execline_oom(ret_reason);
                return 1;
        }

        if (*s == 'x') {
                digits = 2;
                byte = true;
        } else if (*s == 'u')
                digits = 4;
        else if (*s == 'U')
                digits = 8;
        else if (*s >= '0' && *s <= '7') {
                base = 8;
                digits = 3;
                start = 0;
                byte = true;
        } else
                return execline_invalid(ret_reason, "invalid escape sequence");

        for (unsigned i = start; i < start + digits; i++) {
                int d = execline_digit(s[i], base); /* stops at the terminating NUL */

                if (d < 0)
                        return execline_invalid(ret_reason, "invalid escape sequence");
                u = u * base + (unsigned) d;
        }
        if (u == 0)
                return execline_invalid(ret_reason, "escape sequence for a NUL byte");
        if (byte ? u > 0xFF : !execline_unichar_is_valid(u))
                return execline_invalid(ret_reason, "invalid escape sequence");

        char c = (char) u;

        if ((byte ? execline_buf_put(out, &c, 1) : execline_buf_put_utf8(out, u)) < 0)
                return execline_oom(ret_reason);
        return (int) (start + digits);
}

/* Reads the word at *p as extract_first_word() does with EXTRACT_UNQUOTE and either EXTRACT_CUNESCAPE
 * (command lines: strict) or, when relax, EXTRACT_RELAX without C escapes (the value of a "$NAME" word:
 * "\c" is "c", an unbalanced quote or a trailing backslash ends the word). Quotes may open and close
 * anywhere in a word; a backslash escapes inside both kinds of quotes. Leaves *p at the next word.
 * Returns 1 and the word, 0 when no word is left, or a negative errno and a reason. */
static int execline_next_word(const char **p, bool relax, char **ret, const char **ret_reason)
{
        _cleanup_(execline_buf_done) struct execline_buf word = {};
        const char *s = *p + strspn(*p, WHITESPACE);
        char quote = 0;
        int r;

        if (!*s) {
                *p = s;
                return 0;
        }
        if (execline_buf_put(&word, "", 0) < 0) /* "" is a word too */
                return execline_oom(ret_reason);

        for (;;) {
                if (!*s) {
                        if (quote && !relax)
                                return execline_invalid(ret_reason, "unbalanced quotes");
                        break;
                }
                if (!quote && strchr(WHITESPACE, *s))
                        break;

                if (*s == '\\') {
                        s++;
                        if (!*s) {
                                if (relax)
                                        break;
                                return execline_invalid(ret_reason,
                                                        quote ? "unbalanced quotes" : "trailing backslash");
                        }
                        if (relax)
                                r = execline_buf_put(&word, s++, 1) < 0 ? execline_oom(ret_reason) : 0;
                        else {
                                r = execline_unescape_one(s, &word, ret_reason);
                                if (r > 0)
                                        s += r;
                        }
                        if (r < 0)
                                return r;
                } else if (quote ? *s == quote : *s == '"' || *s == '\'') {
                        quote = quote ? 0 : *s;
                        s++;
                } else if (execline_buf_put(&word, s++, 1) < 0)
                        return execline_oom(ret_reason);
        }

        *p = s + strspn(s, WHITESPACE);
        *ret = TAKE_PTR(word.data);
        return 1;
}

/* Reads the prefixes at the start of the (unquoted) first word. Returns how many characters they take. */
static int execline_parse_prefixes(const char *word, unsigned *ret_flags, const char **ret_reason)
{
        unsigned flags = 0;
        size_t i = 0;

        for (;;) {
                size_t k = 0;

                while (k < ELEMENTSOF(execline_prefixes) && !startswith(word + i, execline_prefixes[k].text))
                        k++;
                if (k == ELEMENTSOF(execline_prefixes))
                        break;

                unsigned flag = execline_prefixes[k].flag;

                if (flags & flag)
                        return execline_invalid(ret_reason, "duplicate prefix");
                if ((flag & EXEC_PRIVILEGE_PREFIXES) && (flags & EXEC_PRIVILEGE_PREFIXES)) {
                        if ((flags | flag) & EXEC_PRIVILEGED)
                                return execline_invalid(ret_reason, "+ cannot be combined with ! or !!");
                        return execline_invalid(ret_reason, "duplicate prefix");
                }
                flags |= flag;
                i += strlen(execline_prefixes[k].text);
        }

        *ret_flags = flags;
        return (int) i;
}

/* As string_is_safe(): no control characters, DEL, quotes or backslashes. */
static bool execline_string_is_safe(const char *s)
{
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7F || strchr("\"'\\", *s))
                        return false;
        return true;
}

/* The checks of config_parse_exec(), in its order, on the path after specifier expansion: absolute
 * (path_is_valid(), ".." allowed) or a plain file name (filename_is_valid(): not "." or ".."). */
static int execline_check_path(const char *path, const char **ret_reason)
{
        if (isempty(path))
                return execline_invalid(ret_reason, "empty executable path");
        if (!execline_string_is_safe(path))
                return execline_invalid(ret_reason, "executable path contains special characters");
        if (endswith(path, "/"))
                return execline_invalid(ret_reason, "executable path ends in /");
        if (path[0] != '/' && (strchr(path, '/') || streq(path, ".") || streq(path, "..")))
                return execline_invalid(ret_reason, "executable path must be absolute or a plain file name");

        if (strlen(path) >= PATH_MAX)
                return execline_invalid(ret_reason, "executable path is too long");
        for (const char *s = path + strspn(path, "/"); *s; s += strspn(s, "/")) {
                size_t n = strcspn(s, "/");

                if (n > NAME_MAX)
                        return execline_invalid(ret_reason, "executable path is too long");
                s += n;
        }
        return 0;
}

/* As path_simplify(): drops repeated slashes and "." components in place, keeps "..". */
static void execline_path_simplify(char *path)
{
        char *out = path + (path[0] == '/');
        const char *in = path;
        bool first = true;

        if (!*path)
                return;
        for (;;) {
                in += strspn(in, "/");
                if (!*in)
                        break;

                size_t n = strcspn(in, "/");

                if (n != 1 || in[0] != '.') {
                        if (!first)
                                *out++ = '/';
                        memmove(out, in, n);
                        out += n;
                        first = false;
                }
                in += n;
        }
        if (out == path)
                *out++ = '.';
        *out = 0;
}

static int execline_expand_specifiers(execline_expand_fn expand, void *userdata, const char *word,
                                      char **ret, const char **ret_reason)
{
        const char *reason = NULL;
        int r;

        if (!expand) {
                *ret = strdup(word);
                return *ret ? 0 : execline_oom(ret_reason);
        }

        r = expand(word, userdata, ret, &reason);
        if (r < 0)
                *ret_reason = reason ? reason : "cannot expand specifiers";
        return r < 0 ? r : 0;
}

static void exec_command_done(struct exec_command *c)
{
        free(c->path);
        strv_free(c->argv);
}

/* Parses the next command of the value at *p and leaves *p after it and its ";". Returns 1 and the
 * command, 0 when the value has no command left, or a negative errno and a reason. */
static int execline_parse_command(const char **p, execline_expand_fn expand, void *userdata,
                                  struct exec_command *ret, const char **ret_reason)
{
        _cleanup_free_ char *first = NULL, *path = NULL;
        _cleanup_strv_free_ char **argv = NULL;
        unsigned flags;
        int r;

        /* The first word is compared after unquoting: a lone ";" there (even a quoted one) separates an
         * empty command, as in systemd. */
        for (;;) {
                r = execline_next_word(p, false, &first, ret_reason);
                if (r <= 0)
                        return r;
                if (!streq(first, ";"))
                        break;
                free(TAKE_PTR(first));
        }

        r = execline_parse_prefixes(first, &flags, ret_reason);
        if (r < 0)
                return r;
        r = execline_expand_specifiers(expand, userdata, first + r, &path, ret_reason);
        if (r < 0)
                return r;
        r = execline_check_path(path, ret_reason);
        if (r < 0)
                return r;

        argv = calloc(1, sizeof(char *));
        if (!argv)
                return execline_oom(ret_reason);
        /* argv[0] is the path as written (after specifiers); only the path to execute is simplified. */
        if (!(flags & EXEC_SEPARATE_ARGV0) && strv_extend(&argv, path) < 0)
                return execline_oom(ret_reason);
        execline_path_simplify(path);

        /* The separators are recognized on the raw text, before unquoting: ";" ends the command and "\;"
         * is a literal ";" argument, each only as a whole word. A quoted ";" is an argument. */
        while (**p) {
                const char *s = *p;
                char *word = NULL, *expanded = NULL;

                if (s[0] == ';' && execline_is_word_end(s[1])) {
                        *p = s + 1 + strspn(s + 1, WHITESPACE);
                        break;
                }
                if (s[0] == '\\' && s[1] == ';' && execline_is_word_end(s[2])) {
                        *p = s + 2 + strspn(s + 2, WHITESPACE);
                        if (strv_extend(&argv, ";") < 0)
                                return execline_oom(ret_reason);
                        continue;
                }

                r = execline_next_word(p, false, &word, ret_reason);
                if (r < 0)
                        return r;
                r = execline_expand_specifiers(expand, userdata, word, &expanded, ret_reason);
                free(word);
                if (r < 0)
                        return r;
                if (strv_consume(&argv, expanded) < 0)
                        return execline_oom(ret_reason);
        }

        if (!argv[0])
                return execline_invalid(ret_reason, "@ requires an argv[0] after the executable path");

        *ret = (struct exec_command){.path = TAKE_PTR(path), .argv = TAKE_PTR(argv), .flags = flags};
        return 1;
}

int execline_parse(const char *value, execline_expand_fn expand, void *userdata,
                   struct exec_command **commands, size_t *n_commands, const char **ret_reason)
{
        struct exec_command *parsed = NULL, *grown;
        const char *p = value, *reason = NULL;
        size_t n_parsed = 0;
        int r;

        for (;;) {
                struct exec_command c;

                r = execline_parse_command(&p, expand, userdata, &c, &reason);
                if (r <= 0)
                        break;

                grown = realloc(parsed, (n_parsed + 1) * sizeof(*parsed));
                if (!grown) {
                        exec_command_done(&c);
                        r = execline_oom(&reason);
                        break;
                }
                parsed = grown;
                parsed[n_parsed++] = c;
        }

        if (r == 0 && n_parsed == 0)
                r = execline_invalid(&reason, "empty command line");
        if (r == 0) {
                grown = realloc(*commands, (*n_commands + n_parsed) * sizeof(*parsed));
                if (grown) {
                        memcpy(grown + *n_commands, parsed, n_parsed * sizeof(*parsed));
                        *commands = grown;
                        *n_commands += n_parsed;
                        free(parsed);
                        return 0;
                }
                r = execline_oom(&reason);
        }

        exec_command_free_array(parsed, n_parsed);
        if (ret_reason)
                *ret_reason = reason;
        return r;
}

/* As strv_env_get_n(): the value of the last "NAME=" assignment, NULL when there is none or n is 0. */
static const char *execline_env_get(char *const *env, const char *name, size_t n)
{
        const char *value = NULL;

        for (size_t i = 0; n > 0 && env && env[i]; i++)
                if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
                        value = env[i] + n + 1;
        return value;
}

/* As replace_env() without flags: "${NAME}" becomes the value ("" when unset), "$$" becomes "$"; "$NAME",
 * "${NAME:…" and an unterminated "${" are left as written. */
static int execline_replace_env(const char *word, char *const *env, char **ret)
{
        _cleanup_(execline_buf_done) struct execline_buf out = {};
        const char *s = word;
        int r = execline_buf_put(&out, "", 0);

        while (r >= 0 && *s) {
                size_t n = strcspn(s, "$");

                if (n > 0) { /* plain text up to the next "$" */
                        r = execline_buf_put(&out, s, n);
                        s += n;
                        continue;
                }
                if (s[1] == '$') {
                        r = execline_buf_put(&out, "$", 1);
                        s += 2;
                        continue;
                }
                if (s[1] != '{') { /* "$NAME" inside a word, or a "$" at the end */
                        r = execline_buf_put(&out, s, 1);
                        s++;
                        continue;
                }

                n = strcspn(s + 2, "}:");
                if (s[2 + n] == '}') {
                        const char *value = execline_env_get(env, s + 2, n);

                        r = execline_buf_put(&out, value ? value : "", value ? strlen(value) : 0);
                        s += 2 + n + 1;
                } else { /* "${NAME:" is kept and reading goes on after it; an unterminated "${" is kept */
                        n = 2 + n + (s[2 + n] == ':');
                        r = execline_buf_put(&out, s, n);
                        s += n;
                }
        }
        if (r < 0)
                return r;

        *ret = TAKE_PTR(out.data);
        return 0;
}

int execline_expand_env(const struct exec_command *c, char *const *env, char ***ret_argv)
{
        _cleanup_strv_free_ char **argv = NULL;
        const char *reason;
        int r;

        if (c->flags & EXEC_NO_ENV_EXPAND)
                return strv_copy(c->argv, ret_argv);

        argv = calloc(1, sizeof(char *));
        if (!argv)
                return -ENOMEM;

        for (size_t i = 0; c->argv && c->argv[i]; i++) {
                const char *w = c->argv[i];
                char *word;

                if (w[0] == '$' && w[1] != '{' && w[1] != '$') {
                        /* A whole-word "$NAME": everything after "$" is the name; the value is split like
                         * strv_split_full(EXTRACT_RELAX|EXTRACT_UNQUOTE), unset gives no word at all. */
                        const char *value = execline_env_get(env, w + 1, strlen(w + 1));

                        while (value) {
                                r = execline_next_word(&value, true, &word, &reason);
                                if (r < 0)
                                        return r;
                                if (r == 0)
                                        break;
                                if (strv_consume(&argv, word) < 0)
                                        return -ENOMEM;
                        }
                        continue;
                }

                r = execline_replace_env(w, env, &word);
                if (r < 0)
                        return r;
                if (strv_consume(&argv, word) < 0)
                        return -ENOMEM;
        }

        *ret_argv = TAKE_PTR(argv);
        return 0;
}

/* Writes one word so that the reader gives it back: double quotes when it is empty or holds a space,
 * a backslash before quotes and backslashes, C escapes for control characters (and for bytes >= 0x80
 * when the word is not valid UTF-8), "%%" for "%", and "\;" for an argument that is exactly ";". */
static void execline_format_word(const char *word, bool argument, FILE *out)
{
        static const char controls[] = "\a\b\t\n\v\f\r", control_names[] = "abtnvfr";
        bool quote = isempty(word) || strchr(word, ' ');
        bool utf8 = utf8_is_valid(word);

        if (argument && streq(word, ";")) {
                fputs("\\;", out);
                return;
        }

        if (quote)
                fputc('"', out);
        for (const unsigned char *s = (const unsigned char *) word; *s; s++) {
                const char *control = strchr(controls, *s);

                if (*s == '%')
                        fputs("%%", out);
                else if (strchr("\"'\\", *s))
                        fprintf(out, "\\%c", *s);
                else if (control)
                        fprintf(out, "\\%c", control_names[control - controls]);
                else if (*s < ' ' || *s == 0x7F || (*s >= 0x80 && !utf8))
                        fprintf(out, "\\x%02x", *s);
                else
                        fputc(*s, out);
        }
        if (quote)
                fputc('"', out);
}

void execline_format(const struct exec_command *c, FILE *out)
{
        _cleanup_free_ char *simplified = NULL;
        size_t n = strv_length(c->argv);
        unsigned flags = c->flags;
        bool separate;

        /* Without "@" the reader takes argv[0] from the path word and simplifies only the path, so write
         * argv[0] there when it is a valid path that simplifies to the path, and fall back to "@" if not. */
        if (!(flags & EXEC_SEPARATE_ARGV0) && n > 0) {
                const char *reason;

                simplified = strdup(c->argv[0]);
                if (simplified)
                        execline_path_simplify(simplified);
                if (!streq_ptr(simplified, c->path) || execline_check_path(c->argv[0], &reason) < 0)
                        flags |= EXEC_SEPARATE_ARGV0;
        }

        separate = flags & EXEC_SEPARATE_ARGV0;

        for (size_t k = 0; k < ELEMENTSOF(execline_prefixes); k++)
                if (flags & execline_prefixes[k].flag)
                        fputs(execline_prefixes[k].text, out);
        execline_format_word(separate || n == 0 ? c->path : c->argv[0], false, out);
        for (size_t i = separate ? 0 : 1; i < n; i++) {
                fputc(' ', out);
                execline_format_word(c->argv[i], true, out);
        }
}

void exec_command_free_array(struct exec_command *commands, size_t n)
{
        for (size_t i = 0; i < n; i++)
                exec_command_done(&commands[i]);
        free(commands);
}
