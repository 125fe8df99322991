/* Parsers and printers for the kinds of value that describe how a command runs: command lines,
 * environment, working directory, standard streams, resource limits, timeouts. Companion of
 * directive-types.c, with the same rules: validate all, then change the field. */
#include <errno.h>

#include "directive-types.h"
#include "env.h"
#include "path.h"
#include "value.h"
#include "words.h"

static int expand_word(const char *word, void *userdata, char **ret, const char **ret_reason)
{
        const struct directive_call *call = userdata;

        if (!call->specifiers)
                return (*ret = strdup(word)) ? 0 : -ENOMEM;
        return specifier_expand(word, call->specifiers, ret, ret_reason);
}

/* "file:/path" and its kin: the path after the prefix, expanded and absolute. */
static int std_path(const struct directive_call *call, const char *path, char **ret)
{
        const char *reason = NULL;
        char *p;
        int r;

        r = directive_expand(call, path, &p);
        if (r < 0)
                return r;
        if (path_normalize(p, true, &reason) < 0) {
                r = directive_invalid(call, "path", p, ": %s", reason);
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

static int std_refuse(const struct directive_call *call, const char *value)
{
        return directive_error(call, "%s is not supported by sockact", value);
}

int directive_parse_exec(const struct directive_call *call, const char *value, void *field)
{
        struct exec_list *l = FIELD(struct exec_list);
        const char *reason = NULL;
        int r;

        if (!*value) {
                exec_list_clear(l);
                return 0;
        }
        r = execline_parse(value, expand_word, (void *) call, &l->commands, &l->n, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return directive_invalid(call, "command line", value, ": %s", reason);
        return 0;
}

void directive_dump_exec(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct exec_list *l = DUMP_FIELD(struct exec_list);

        if (l->n == 0)
                fprintf(out, "%s=\n", d->name);
        for (size_t i = 0; i < l->n; i++) {
                fprintf(out, "%s=", d->name);
                execline_format(&l->commands[i], out);
                fputc('\n', out);
        }
}

int directive_parse_rlimit(const struct directive_call *call, const char *value, void *field)
{
        struct service_config *s = FIELD(struct service_config);
        int resource = (int) call->directive->arg;
        struct rlimit rl;

        if (!*value) {
                s->rlimit_set[resource] = false;
                return 0;
        }
        if (value_parse_rlimit(resource, value, &rl) < 0)
                return directive_invalid(call, "limit", value,
                                         ": expected \"soft:hard\", one value or infinity");
        s->rlimits[resource] = rl;
        s->rlimit_set[resource] = true;
        return 0;
}

void directive_dump_rlimit(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct service_config *s = DUMP_FIELD(struct service_config);
        char buf[VALUE_FORMAT_MAX] = "";
        int resource = (int) d->arg;

        if (s->rlimit_set[resource])
                value_format_rlimit(resource, &s->rlimits[resource], buf);
        directive_dump_line(d, buf, out);
}

int directive_parse_environment(const struct directive_call *call, const char *value, void *field)
{
        _cleanup_strv_free_ char **assignments = NULL;
        int r;

        if (!*value) {
                strv_free(*FIELD(char **));
                *FIELD(char **) = NULL;
                return 0;
        }
        r = directive_words(call, value, WORDS_UNQUOTE | WORDS_CUNESCAPE, &assignments);
        if (r < 0)
                return r;
        for (size_t i = 0; assignments && assignments[i]; i++)
                if (!env_assignment_is_valid(assignments[i]))
                        return directive_invalid(call, "environment assignment", assignments[i],
                                                 ": expected NAME=value");

        /* Every word is valid: move them over, each replacing an earlier one of the same name. */
        size_t n = strv_length(assignments);
        char **list = TAKE_PTR(assignments);
        r = 0;
        for (size_t i = 0; i < n; i++) {
                if (r < 0)
                        free(list[i]);
                else
                        r = env_set(FIELD(char **), list[i]);
        }
        free(list);
        return r;
}

void directive_dump_environment(const struct directive *d, const struct unit *u, FILE *out)
{
        char *const *env = *DUMP_FIELD(char **);

        if (!env || !env[0])
                fprintf(out, "%s=\n", d->name);
        for (size_t i = 0; env && env[i]; i++) {
                _cleanup_free_ char *quoted = NULL;

                if (words_quote(env[i], WORDS_UNQUOTE | WORDS_CUNESCAPE, &quoted) < 0)
                        return;
                directive_dump_line(d, quoted, out);
        }
}

int directive_parse_environment_file(const struct directive_call *call, const char *value, void *field)
{
        struct service_config *s = FIELD(struct service_config);
        struct environment_file *grown;
        _cleanup_free_ char *path = NULL;
        const char *reason = NULL;
        bool ignore_missing = value[0] == '-';
        int r;

        if (!*value) {
                for (size_t i = 0; i < s->n_environment_files; i++)
                        free(s->environment_files[i].path);
                free(s->environment_files);
                s->environment_files = NULL;
                s->n_environment_files = 0;
                return 0;
        }
        r = directive_expand(call, value + ignore_missing, &path);
        if (r < 0)
                return r;
        if (path_normalize(path, true, &reason) < 0)
                return directive_invalid(call, "path", path, ": %s", reason);

        grown = realloc(s->environment_files, (s->n_environment_files + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        s->environment_files = grown;
        grown[s->n_environment_files++] = (struct environment_file){ TAKE_PTR(path), ignore_missing };
        return 0;
}

void directive_dump_environment_file(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct service_config *s = DUMP_FIELD(struct service_config);

        if (s->n_environment_files == 0)
                fprintf(out, "%s=\n", d->name);
        for (size_t i = 0; i < s->n_environment_files; i++) {
                _cleanup_free_ char *line = NULL;

                if (strdup_printf(&line, "%s%s", s->environment_files[i].ignore_missing ? "-" : "",
                                  s->environment_files[i].path) < 0)
                        return;
                directive_dump_line(d, line, out);
        }
}

int directive_parse_working_directory(const struct directive_call *call, const char *value, void *field)
{
        struct service_config *s = FIELD(struct service_config);
        bool missing_ok = value[0] == '-';
        _cleanup_free_ char *path = NULL;
        const char *reason = NULL;
        int r;

        if (!*value) {
                free(s->working_directory);
                s->working_directory = NULL;
                s->working_directory_missing_ok = false;
                return 0;
        }
        r = directive_expand(call, value + missing_ok, &path);
        if (r < 0)
                return r;
        if (!streq(path, "~") && path_normalize(path, true, &reason) < 0)
                return directive_invalid(call, "working directory", path, ": %s, or \"~\"", reason);
        free(s->working_directory);
        s->working_directory = TAKE_PTR(path);
        s->working_directory_missing_ok = missing_ok;
        return 0;
}

void directive_dump_working_directory(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct service_config *s = DUMP_FIELD(struct service_config);
        _cleanup_free_ char *line = NULL;

        if (!s->working_directory) {
                directive_dump_line(d, "", out);
                return;
        }
        if (strdup_printf(&line, "%s%s", s->working_directory_missing_ok ? "-" : "", s->working_directory) ==
            0)
                directive_dump_line(d, line, out);
}

int directive_parse_std_input(const struct directive_call *call, const char *value, void *field)
{
        struct service_config *s = FIELD(struct service_config);
        enum std_input in;
        char *path = NULL;
        const char *rest;

        if (!*value || streq(value, "null"))
                in = STD_INPUT_NULL;
        else if (streq(value, "socket"))
                in = STD_INPUT_SOCKET;
        else if ((rest = startswith(value, "file:"))) {
                int r = std_path(call, rest, &path);
                if (r < 0)
                        return r;
                in = STD_INPUT_FILE;
        } else if (streq(value, "tty") || streq(value, "tty-force") || streq(value, "tty-fail") ||
                   streq(value, "data") || startswith(value, "fd:"))
                return std_refuse(call, value);
        else
                return directive_invalid(call, "value", value, ": expected null, socket or file:PATH");
        free(s->std_input_path);
        s->std_input = in;
        s->std_input_path = path;
        return 0;
}

void directive_dump_std_input(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct service_config *s = DUMP_FIELD(struct service_config);
        _cleanup_free_ char *line = NULL;

        if (s->std_input == STD_INPUT_FILE && strdup_printf(&line, "file:%s", s->std_input_path) == 0)
                directive_dump_line(d, line, out);
        else
                directive_dump_line(d, std_input_to_string(s->std_input), out);
}

/* arg 0: StandardOutput=, 1: StandardError=. */
int directive_parse_std_output(const struct directive_call *call, const char *value, void *field)
{
        static const struct {
                const char *prefix;
                enum std_output kind;
        } with_path[] = {
                { "file:", STD_OUTPUT_FILE },
                { "append:", STD_OUTPUT_APPEND },
                { "truncate:", STD_OUTPUT_TRUNCATE },
        };
        struct service_config *s = FIELD(struct service_config);
        bool error = call->directive->arg == 1;
        enum std_output o = STD_OUTPUT_INHERIT;
        char *path = NULL;
        bool found = false;

        if (!*value)
                found = true;
        for (int i = 0; i < _STD_OUTPUT_MAX && !found; i++)
                if (i != STD_OUTPUT_FILE && i != STD_OUTPUT_APPEND && i != STD_OUTPUT_TRUNCATE &&
                    streq(value, std_output_to_string(i))) {
                        o = i;
                        found = true;
                }
        if (!found && streq(value, "syslog")) { /* systemd reads the old name as journal */
                o = STD_OUTPUT_JOURNAL;
                found = true;
        }
        for (size_t i = 0; i < ELEMENTSOF(with_path) && !found; i++) {
                const char *rest = startswith(value, with_path[i].prefix);
                if (rest) {
                        int r = std_path(call, rest, &path);
                        if (r < 0)
                                return r;
                        o = with_path[i].kind;
                        found = true;
                }
        }
        if (!found) {
                if (streq(value, "tty") || streq(value, "kmsg") || endswith(value, "+console") ||
                    startswith(value, "fd:"))
                        return std_refuse(call, value);
                return directive_invalid(call, "value", value,
                                         ": expected inherit, null, journal, socket, file:PATH, append:PATH "
                                         "or truncate:PATH");
        }
        free(error ? s->std_error_path : s->std_output_path);
        *(error ? &s->std_error : &s->std_output) = o;
        *(error ? &s->std_error_path : &s->std_output_path) = path;
        return 0;
}

void directive_dump_std_output(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct service_config *s = DUMP_FIELD(struct service_config);
        bool error = d->arg == 1;
        enum std_output o = error ? s->std_error : s->std_output;
        const char *path = error ? s->std_error_path : s->std_output_path;
        _cleanup_free_ char *line = NULL;

        if (path && strdup_printf(&line, "%s:%s", std_output_to_string(o), path) == 0)
                directive_dump_line(d, line, out);
        else
                directive_dump_line(d, std_output_to_string(o), out);
}

int directive_parse_timeout_both(const struct directive_call *call, const char *value, void *field)
{
        struct service_config *s = FIELD(struct service_config);
        uint64_t v = 90 * USEC_PER_SEC;

        if (*value && value_parse_timespan(value, USEC_PER_SEC, &v) < 0)
                return directive_invalid(call, "time span", value,
                                         ": expected e.g. \"90s\", \"5min\", \"infinity\"");
        s->timeout_start = s->timeout_stop = v;
        return 0;
}

void directive_dump_timeout_both(const struct directive *d, const struct unit *u, FILE *out)
{
        (void) d, (void) u, (void) out; /* TimeoutStartSec= and TimeoutStopSec= show the values */
}
