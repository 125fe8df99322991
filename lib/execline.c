/* Exec*= command lines as systemd 252 reads them (config_parse_exec(), extract_first_word() with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, replace_env_argv()), and the writer that turns a command back into
 * that syntax. Words are split, unescaped and escaped by words.c; this file adds the prefixes, ";" and
 * "\;", the path checks, specifiers and $VAR. Pure string work: no logging, no state, no fixed-size
 * buffers, so a value of any length parses. Invariant: execline_parse() appends all of a value's commands or
 * none of them, and execline_format() writes text that execline_parse() reads back to the same command. */
#include <errno.h>
#include <limits.h>

#include "execline.h"
#include "util.h"
#include "words.h"

#define EXEC_PRIVILEGE_PREFIXES (EXEC_PRIVILEGED | EXEC_NO_SETUID | EXEC_AMBIENT_MAGIC)
/* As config_parse_exec() reads a command line: EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, strict. */
#define EXECLINE_WORDS (WORDS_UNQUOTE | WORDS_CUNESCAPE)

/* "!!" before "!": the longer prefix is tried first. */
static const struct {
        const char *text;
        unsigned flag;
} execline_prefixes[] = {
        { "-", EXEC_IGNORE_FAILURE }, { "@", EXEC_SEPARATE_ARGV0 }, { ":", EXEC_NO_ENV_EXPAND },
        { "+", EXEC_PRIVILEGED },     { "!!", EXEC_AMBIENT_MAGIC }, { "!", EXEC_NO_SETUID },
};

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
                r = words_next(p, EXECLINE_WORDS, &first, ret_reason);
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

                r = words_next(p, EXECLINE_WORDS, &word, ret_reason);
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

        *ret = (struct exec_command){ .path = TAKE_PTR(path), .argv = TAKE_PTR(argv), .flags = flags };
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
        _cleanup_(strbuf_done) struct strbuf out = {};
        const char *s = word;
        int r = strbuf_put(&out, "", 0);

        while (r >= 0 && *s) {
                size_t n = strcspn(s, "$");

                if (n > 0) { /* plain text up to the next "$" */
                        r = strbuf_put(&out, s, n);
                        s += n;
                        continue;
                }
                if (s[1] == '$') {
                        r = strbuf_put(&out, "$", 1);
                        s += 2;
                        continue;
                }
                if (s[1] != '{') { /* "$NAME" inside a word, or a "$" at the end */
                        r = strbuf_put(&out, s, 1);
                        s++;
                        continue;
                }

                n = strcspn(s + 2, "}:");
                if (s[2 + n] == '}') {
                        const char *value = execline_env_get(env, s + 2, n);

                        r = strbuf_put(&out, value ? value : "", value ? strlen(value) : 0);
                        s += 2 + n + 1;
                } else { /* "${NAME:" is kept and reading goes on after it; an unterminated "${" is kept */
                        n = 2 + n + (s[2 + n] == ':');
                        r = strbuf_put(&out, s, n);
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
                                r = words_next(&value, WORDS_UNQUOTE | WORDS_RELAX, &word, &reason);
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
 * words_escape_char() with a backslash before either quote too (and \xNN for bytes >= 0x80 when the word
 * is not valid UTF-8), "%%" for "%", and "\;" for an argument that is exactly ";". */
static void execline_format_word(const char *word, bool argument, FILE *out)
{
        bool quote = isempty(word) || strchr(word, ' ');
        bool escape_high = !utf8_is_valid(word);

        if (argument && streq(word, ";")) {
                fputs("\\;", out);
                return;
        }

        if (quote)
                fputc('"', out);
        for (const char *s = word; *s; s++) {
                char buf[4];

                if (*s == '%')
                        fputs("%%", out);
                else
                        fwrite(buf, 1, words_escape_char(*s, "\"'", escape_high, buf), out);
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
