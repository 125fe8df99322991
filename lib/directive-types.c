/* Parsers and printers for each kind of directive value; see directive-types.h.
 * A parser validates all of a value before it changes the field, so a refused value leaves
 * the unit as it was. Messages name the value and say what is wrong with it. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>

#include "directive-types.h"
#include "unitname.h"
#include "value.h"
#include "words.h"

#define FIELD(type) ((type *) field)
#define DUMP_FIELD(type) ((type const *) ((const char *) u + d->offset))
#define VALUE_ECHO_MAX 200 /* longer values are cut in messages */

/* The value as a message shows it: quoted, cut after VALUE_ECHO_MAX bytes. */
static const char *echo(const char *value, char buf[VALUE_ECHO_MAX + 8])
{
        size_t n = strlen(value);

        if (n <= VALUE_ECHO_MAX)
                snprintf(buf, VALUE_ECHO_MAX + 8, "\"%s\"", value);
        else
                snprintf(buf, VALUE_ECHO_MAX + 8, "\"%.*s…\"", VALUE_ECHO_MAX, value);
        return buf;
}

/* Reports "invalid WHAT "VALUE"" and then the rest of the sentence, format and arguments. */
#define INVALID(call, what, value, format, ...)                                                             \
        ({                                                                                                  \
                char _b[VALUE_ECHO_MAX + 8];                                                                \
                directive_error(call, "invalid " what " %s" format, echo(value, _b), ##__VA_ARGS__);       \
        })

void directive_dump_line(const struct directive *d, const char *value, FILE *out)
{
        fprintf(out, "%s=", d->name);
        for (const char *p = value; *p; p++) {
                if (*p == '%' && (d->flags & DIRECTIVE_SPECIFIERS))
                        fputc('%', out);
                fputc(*p, out);
        }
        fputc('\n', out);
}

/* Makes an absolute path canonical as systemd's path_simplify() does ("//" and "/./" collapse,
 * a trailing "/" goes) and refuses ".." components, which would make it ambiguous. */
static int path_normalize(char *path, bool absolute, const char **ret_reason)
{
        char *out = path;
        const char *p = path;

        if (absolute != (*path == '/')) {
                *ret_reason = absolute ? "must be an absolute path" : "must be a relative path";
                return -EINVAL;
        }
        if (strlen(path) >= PATH_MAX) {
                *ret_reason = "path too long";
                return -EINVAL;
        }
        while (*p) {
                size_t n;

                if (*p == '/') {
                        p++;
                        continue;
                }
                n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        *ret_reason = "\"..\" is not allowed in the path";
                        return -EINVAL;
                }
                if (!(n == 1 && p[0] == '.')) {
                        if (out != path || absolute)
                                *out++ = '/';
                        memmove(out, p, n);
                        out += n;
                }
                p += n;
        }
        if (out == path && absolute)
                *out++ = '/';
        *out = '\0';
        if (!*path) {
                *ret_reason = "empty path";
                return -EINVAL;
        }
        return 0;
}

static bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z')))
                        return false;
        return true;
}

static bool env_assignment_is_valid(const char *s)
{
        const char *eq = strchr(s, '=');
        return eq && env_name_is_valid(s, (size_t) (eq - s));
}

static bool printable_ascii(const char *s, const char *forbidden)
{
        for (; *s; s++)
                if ((unsigned char) *s <= ' ' || (unsigned char) *s >= 0x7f || strchr(forbidden, *s))
                        return false;
        return true;
}

static bool uri_is_valid(const char *s)
{
        static const char *const schemes[] = { "http://", "https://", "file:", "info:", "man:" };

        for (size_t i = 0; i < ELEMENTSOF(schemes); i++) {
                const char *rest = startswith(s, schemes[i]);
                if (rest && *rest && printable_ascii(rest, ""))
                        return true;
        }
        return false;
}

/* Checks (and for paths, normalizes in place) one string of the given kind. */
static int string_check(enum string_kind kind, char *s, const char **ret_reason)
{
        size_t n = strlen(s);

        switch (kind) {
        case STRING_ANY:
                return 0;
        case STRING_ABSOLUTE_PATH:
                return path_normalize(s, true, ret_reason);
        case STRING_RELATIVE_DIR:
                if (strchr(s, ':')) {
                        *ret_reason = "the source:destination form is not supported by sockact";
                        return -EINVAL;
                }
                return path_normalize(s, false, ret_reason);
        case STRING_USER:
                *ret_reason = "not a valid user or group name";
                return value_user_name_is_valid(s) ? 0 : -EINVAL;
        case STRING_INTERFACE:
                *ret_reason = "not a valid network interface name";
                return n > 0 && n < 16 && !streq(s, ".") && !streq(s, "..") && printable_ascii(s, "/:") ? 0
                                                                                                    : -EINVAL;
        case STRING_TCP_CONGESTION:
                *ret_reason = "not a valid congestion control algorithm name";
                return n > 0 && n < 16 && printable_ascii(s, "/") ? 0 : -EINVAL;
        case STRING_FD_NAME:
                *ret_reason = "must be 1 to 255 printable ASCII characters without \":\"";
                if (n == 0 || n > 255 || strchr(s, ':'))
                        return -EINVAL;
                for (const char *p = s; *p; p++)
                        if ((unsigned char) *p < ' ' || (unsigned char) *p >= 0x7f)
                                return -EINVAL;
                return 0;
        case STRING_SERVICE_NAME:
        case STRING_SOCKET_NAME: {
                enum unit_type want = kind == STRING_SERVICE_NAME ? UNIT_SERVICE : UNIT_SOCKET;

                if (unit_name_type(s) != want) {
                        *ret_reason = want == UNIT_SERVICE ? "not a valid .service unit name"
                                                           : "not a valid .socket unit name";
                        return -EINVAL;
                }
                if (unit_name_is_template(s)) {
                        *ret_reason = "a template cannot be named here, only an instance";
                        return -EINVAL;
                }
                return 0;
        }
        case STRING_ENV_NAME:
                *ret_reason = "not a valid environment variable name";
                return env_name_is_valid(s, n) ? 0 : -EINVAL;
        case STRING_ENV_UNSET:
                *ret_reason = "not a valid environment variable name or assignment";
                return env_name_is_valid(s, n) || env_assignment_is_valid(s) ? 0 : -EINVAL;
        case STRING_URI:
                *ret_reason = "not a http:, https:, file:, info: or man: URI";
                return uri_is_valid(s) ? 0 : -EINVAL;
        }
        return -EINVAL;
}

int directive_parse_string(const struct directive_call *call, const char *value, void *field)
{
        _cleanup_free_ char *s = NULL;
        const char *reason = NULL;
        int r;

        if (!*value) {
                free(*FIELD(char *));
                *FIELD(char *) = NULL;
                return 0;
        }
        r = directive_expand(call, value, &s);
        if (r < 0)
                return r;
        if (string_check((enum string_kind) call->directive->arg, s, &reason) < 0)
                return INVALID(call, "value", s, ": %s", reason);
        free(*FIELD(char *));
        *FIELD(char *) = TAKE_PTR(s);
        return 0;
}

void directive_dump_string(const struct directive *d, const struct unit *u, FILE *out)
{
        const char *s = *DUMP_FIELD(char *);
        directive_dump_line(d, s ? s : "", out);
}

int directive_parse_strv(const struct directive_call *call, const char *value, void *field)
{
        _cleanup_strv_free_ char **words = NULL;
        const char *p = value, *reason = NULL;
        char *word;
        int r;

        if (!*value) {
                strv_free(*FIELD(char **));
                *FIELD(char **) = NULL;
                return 0;
        }
        while ((r = words_next(&p, WORDS_UNQUOTE, &word, &reason)) > 0) {
                _cleanup_free_ char *raw = word;
                char *expanded;

                r = directive_expand(call, raw, &expanded);
                if (r < 0)
                        return r;
                r = strv_consume(&words, expanded);
                if (r < 0)
                        return r;
                if (string_check((enum string_kind) call->directive->arg, expanded, &reason) < 0)
                        return INVALID(call, "value", expanded, ": %s", reason);
        }
        if (r < 0)
                return INVALID(call, "value", value, ": %s", reason);
        for (size_t i = 0; words && words[i]; i++) {
                if (strv_contains(*FIELD(char **), words[i]))
                        continue; /* as systemd, a list holds each entry once */
                r = strv_extend(FIELD(char **), words[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

void directive_dump_socket_service(const struct directive *d, const struct unit *u, FILE *out)
{
        _cleanup_free_ char *service = NULL;

        if (unit_socket_service_name(u, &service) < 0)
                return;
        if (u->socket.accept) /* "Service=" cannot be written with Accept=yes: show it as a comment */
                fprintf(out, "# %s= (each connection starts an instance of %s)\n", d->name, service);
        else
                directive_dump_line(d, service, out);
}

void directive_dump_fd_name(const struct directive *d, const struct unit *u, FILE *out)
{
        directive_dump_line(d, unit_socket_fd_name(u), out);
}

void directive_dump_strv(const struct directive *d, const struct unit *u, FILE *out)
{
        char *const *v = *DUMP_FIELD(char **);
        _cleanup_free_ char *line = NULL;

        for (size_t i = 0; v && v[i]; i++) {
                _cleanup_free_ char *quoted = NULL;

                if (words_quote(v[i], &quoted) < 0 || strextend_printf(&line, "%s%s", i ? " " : "", quoted) < 0)
                        return;
        }
        directive_dump_line(d, line ? line : "", out);
}

int directive_parse_bool(const struct directive_call *call, const char *value, void *field)
{
        bool b;

        if (!*value) {
                *FIELD(bool) = false;
                return 0;
        }
        if (value_parse_bool(value, &b) < 0)
                return INVALID(call, "boolean", value, ": expected yes or no");
        *FIELD(bool) = b;
        return 0;
}

void directive_dump_bool(const struct directive *d, const struct unit *u, FILE *out)
{
        directive_dump_line(d, *DUMP_FIELD(bool) ? "yes" : "no", out);
}

int directive_parse_unsigned(const struct directive_call *call, const char *value, void *field)
{
        unsigned v;
        int r;

        if (!*value) {
                *FIELD(unsigned) = 0;
                return 0;
        }
        r = value_parse_unsigned(value, &v);
        if (r == -ERANGE)
                return INVALID(call, "number", value, ": out of range");
        if (r < 0)
                return INVALID(call, "number", value, ": expected a decimal number");
        *FIELD(unsigned) = v;
        return 0;
}

void directive_dump_unsigned(const struct directive *d, const struct unit *u, FILE *out)
{
        fprintf(out, "%s=%u\n", d->name, *DUMP_FIELD(unsigned));
}

int directive_parse_int(const struct directive_call *call, const char *value, void *field)
{
        int v, r;

        if (!*value) {
                *FIELD(int) = UNIT_UNSET;
                return 0;
        }
        r = value_parse_int(value, &v);
        if (r < 0)
                return INVALID(call, "number", value, "%s", r == -ERANGE ? ": out of range" : ": expected a whole number");
        *FIELD(int) = v;
        return 0;
}

static void dump_optional_int(const struct directive *d, int v, FILE *out)
{
        if (v == UNIT_UNSET)
                fprintf(out, "%s=\n", d->name);
        else
                fprintf(out, "%s=%d\n", d->name, v);
}

void directive_dump_int(const struct directive *d, const struct unit *u, FILE *out)
{
        dump_optional_int(d, *DUMP_FIELD(int), out);
}

int directive_parse_ip_ttl(const struct directive_call *call, const char *value, void *field)
{
        unsigned v;

        if (!*value) {
                *FIELD(int) = UNIT_UNSET;
                return 0;
        }
        if (value_parse_unsigned(value, &v) < 0 || v < 1 || v > 255)
                return INVALID(call, "TTL", value, ": expected 1…255");
        *FIELD(int) = (int) v;
        return 0;
}

void directive_dump_ip_ttl(const struct directive *d, const struct unit *u, FILE *out)
{
        dump_optional_int(d, *DUMP_FIELD(int), out);
}

int directive_parse_nice(const struct directive_call *call, const char *value, void *field)
{
        int v;

        if (!*value) {
                *FIELD(int) = UNIT_UNSET;
                return 0;
        }
        if (value_parse_nice(value, &v) < 0)
                return INVALID(call, "nice level", value, ": expected -20…19");
        *FIELD(int) = v;
        return 0;
}

void directive_dump_nice(const struct directive *d, const struct unit *u, FILE *out)
{
        dump_optional_int(d, *DUMP_FIELD(int), out);
}

int directive_parse_timespan(const struct directive_call *call, const char *value, void *field)
{
        uint64_t v;
        int r;

        if (!*value) {
                *FIELD(uint64_t) = 0;
                return 0;
        }
        r = value_parse_timespan(value, (uint64_t) call->directive->arg, &v);
        if (r < 0)
                return INVALID(call, "time span", value, "%s",
                               r == -ERANGE ? ": out of range" : ": expected e.g. \"90s\", \"5min 20s\", \"infinity\"");
        *FIELD(uint64_t) = v;
        return 0;
}

void directive_dump_timespan(const struct directive *d, const struct unit *u, FILE *out)
{
        char buf[VALUE_FORMAT_MAX];

        value_format_timespan(*DUMP_FIELD(uint64_t), buf);
        directive_dump_line(d, buf, out);
}

int directive_parse_size(const struct directive_call *call, const char *value, void *field)
{
        uint64_t v;
        int r;

        if (!*value) {
                *FIELD(uint64_t) = 0;
                return 0;
        }
        r = value_parse_size(value, &v);
        if (r == 0 && v > INT_MAX)
                r = -ERANGE; /* the kernel takes socket buffer and pipe sizes as int */
        if (r < 0)
                return INVALID(call, "size", value, "%s", r == -ERANGE ? ": out of range" : ": expected e.g. \"64K\"");
        *FIELD(uint64_t) = v;
        return 0;
}

void directive_dump_size(const struct directive *d, const struct unit *u, FILE *out)
{
        char buf[VALUE_FORMAT_MAX];

        value_format_size(*DUMP_FIELD(uint64_t), buf);
        directive_dump_line(d, buf, out);
}

int directive_parse_mode(const struct directive_call *call, const char *value, void *field)
{
        mode_t m;

        if (!*value) {
                *FIELD(mode_t) = 0;
                return 0;
        }
        if (value_parse_mode(value, &m) < 0)
                return INVALID(call, "file mode", value, ": expected an octal mode such as 0660");
        *FIELD(mode_t) = m;
        return 0;
}

void directive_dump_mode(const struct directive *d, const struct unit *u, FILE *out)
{
        char buf[VALUE_FORMAT_MAX];

        value_format_mode(*DUMP_FIELD(mode_t), buf);
        directive_dump_line(d, buf, out);
}

int directive_parse_signal(const struct directive_call *call, const char *value, void *field)
{
        int sig;

        if (!*value) {
                *FIELD(int) = 0;
                return 0;
        }
        if (value_parse_signal(value, &sig) < 0)
                return INVALID(call, "signal", value, ": expected a name such as SIGTERM or a number");
        *FIELD(int) = sig;
        return 0;
}

void directive_dump_signal(const struct directive *d, const struct unit *u, FILE *out)
{
        char buf[VALUE_FORMAT_MAX];

        value_format_signal(*DUMP_FIELD(int), buf);
        directive_dump_line(d, buf, out);
}

int directive_parse_ip_tos(const struct directive_call *call, const char *value, void *field)
{
        int tos;

        if (!*value) {
                *FIELD(int) = UNIT_UNSET;
                return 0;
        }
        if (value_parse_ip_tos(value, &tos) < 0)
                return INVALID(call, "IP TOS", value,
                               ": expected low-delay, throughput, reliability, low-cost or 0…255");
        *FIELD(int) = tos;
        return 0;
}

void directive_dump_ip_tos(const struct directive *d, const struct unit *u, FILE *out)
{
        char buf[VALUE_FORMAT_MAX] = "";
        int tos = *DUMP_FIELD(int);

        if (tos != UNIT_UNSET)
                value_format_ip_tos(tos, buf);
        directive_dump_line(d, buf, out);
}

static int enum_lookup(const struct enum_names *e, const char *value)
{
        bool b;

        for (int i = 0; i < e->n; i++)
                if (e->names[i] && streq(e->names[i], value))
                        return i;
        for (size_t i = 0; e->aliases && e->aliases[i]; i += 2)
                if (streq(e->aliases[i], value))
                        return enum_lookup(e, e->aliases[i + 1]);
        if (e->with_boolean && value_parse_bool(value, &b) == 0)
                return enum_lookup(e, b ? "yes" : "no");
        return -EINVAL;
}

int directive_parse_enum(const struct directive_call *call, const char *value, void *field)
{
        const struct enum_names *e = (const struct enum_names *) call->directive->arg;
        _cleanup_free_ char *expected = NULL;
        int v;

        if (!*value) {
                *FIELD(int) = 0;
                return 0;
        }
        v = enum_lookup(e, value);
        if (v >= 0) {
                *FIELD(int) = v;
                return 0;
        }
        for (size_t i = 0; e->refused && e->refused[i]; i += 2)
                if (streq(e->refused[i], value))
                        return directive_error(call, "%s", e->refused[i + 1]);
        for (int i = 0; i < e->n; i++)
                if (strextend_printf(&expected, "%s%s", i == 0 ? "" : i == e->n - 1 ? " or " : ", ",
                                     e->names[i]) < 0)
                        return -ENOMEM;
        return INVALID(call, "value", value, ": expected %s", expected);
}

void directive_dump_enum(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct enum_names *e = (const struct enum_names *) d->arg;
        int v = *DUMP_FIELD(int);

        directive_dump_line(d, v >= 0 && v < e->n ? e->names[v] : "", out);
}

static int expand_word(const char *word, void *userdata, char **ret, const char **ret_reason)
{
        const struct directive_call *call = userdata;

        if (!call->specifiers)
                return (*ret = strdup(word)) ? 0 : -ENOMEM;
        return specifier_expand(word, call->specifiers, ret, ret_reason);
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
                return INVALID(call, "command line", value, ": %s", reason);
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

static bool message_queue_name_is_valid(const char *s)
{
        return s[0] == '/' && s[1] && !strchr(s + 1, '/') && strlen(s) <= NAME_MAX;
}

int directive_parse_listen(const struct directive_call *call, const char *value, void *field)
{
        struct socket_config *s = FIELD(struct socket_config);
        enum listen_type type = (enum listen_type) call->directive->arg;
        struct listen l = { .type = type };
        _cleanup_free_ char *v = NULL;
        const char *reason = NULL;
        struct listen *grown;
        int r;

        if (!*value) {
                /* As in systemd, an empty Listen*= line resets the list of every kind. */
                for (size_t i = 0; i < s->n_listens; i++)
                        free(s->listens[i].path);
                free(s->listens);
                s->listens = NULL;
                s->n_listens = 0;
                return 0;
        }
        r = directive_expand(call, value, &v);
        if (r < 0)
                return r;

        switch (type) {
        case LISTEN_STREAM:
        case LISTEN_DATAGRAM:
        case LISTEN_SEQPACKET:
                if (address_parse(v, call->ipv6_supported, &l.address, &reason) < 0)
                        return INVALID(call, "address", v, ": %s", reason);
                break;
        case LISTEN_NETLINK:
                if (address_parse_netlink(v, &l.address, &reason) < 0)
                        return INVALID(call, "netlink address", v, ": %s", reason);
                break;
        case LISTEN_FIFO:
        case LISTEN_SPECIAL:
                if (path_normalize(v, true, &reason) < 0)
                        return INVALID(call, "path", v, ": %s", reason);
                l.path = TAKE_PTR(v);
                break;
        case LISTEN_MESSAGE_QUEUE:
                if (!message_queue_name_is_valid(v))
                        return INVALID(call, "message queue name", v, ": expected \"/name\"");
                l.path = TAKE_PTR(v);
                break;
        default:
                return -EINVAL;
        }

        grown = realloc(s->listens, (s->n_listens + 1) * sizeof(*grown));
        if (!grown) {
                free(l.path);
                return -ENOMEM;
        }
        s->listens = grown;
        s->listens[s->n_listens++] = l;
        return 0;
}

void directive_dump_listen(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct socket_config *s = DUMP_FIELD(struct socket_config);
        bool any = false;

        for (size_t i = 0; i < s->n_listens; i++) {
                const struct listen *l = &s->listens[i];
                char buf[ADDRESS_FORMAT_MAX];

                if (l->type != (enum listen_type) d->arg)
                        continue;
                any = true;
                if (l->path)
                        directive_dump_line(d, l->path, out);
                else if (address_format(&l->address, buf) == 0)
                        directive_dump_line(d, buf, out);
        }
        if (!any) /* "Name=" would reset the other Listen*= lines when read back */
                fprintf(out, "# %s= (none)\n", d->name);
}

int directive_parse_socket_protocol(const struct directive_call *call, const char *value, void *field)
{
        if (!*value)
                *FIELD(int) = 0;
        else if (streq(value, "udplite"))
                *FIELD(int) = IPPROTO_UDPLITE;
        else if (streq(value, "sctp"))
                *FIELD(int) = IPPROTO_SCTP;
        else
                return INVALID(call, "protocol", value, ": expected udplite or sctp");
        return 0;
}

void directive_dump_socket_protocol(const struct directive *d, const struct unit *u, FILE *out)
{
        int p = *DUMP_FIELD(int);
        directive_dump_line(d, p == IPPROTO_UDPLITE ? "udplite" : p == IPPROTO_SCTP ? "sctp" : "", out);
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
                return INVALID(call, "limit", value, ": expected \"soft:hard\", one value or infinity");
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

/* Replaces the assignment of the same name, or appends: the last assignment of a name wins. */
static int environment_set(char ***env, char *assignment)
{
        size_t name_len = strcspn(assignment, "=");

        for (size_t i = 0; *env && (*env)[i]; i++)
                if (strncmp((*env)[i], assignment, name_len + 1) == 0) {
                        free((*env)[i]);
                        (*env)[i] = assignment;
                        return 0;
                }
        return strv_consume(env, assignment);
}

int directive_parse_environment(const struct directive_call *call, const char *value, void *field)
{
        _cleanup_strv_free_ char **assignments = NULL;
        const char *p = value, *reason = NULL;
        char *word;
        int r;

        if (!*value) {
                strv_free(*FIELD(char **));
                *FIELD(char **) = NULL;
                return 0;
        }
        while ((r = words_next(&p, WORDS_UNQUOTE | WORDS_CUNESCAPE, &word, &reason)) > 0) {
                _cleanup_free_ char *raw = word;
                char *expanded;

                r = directive_expand(call, raw, &expanded);
                if (r < 0)
                        return r;
                r = strv_consume(&assignments, expanded);
                if (r < 0)
                        return r;
                if (!env_assignment_is_valid(expanded))
                        return INVALID(call, "environment assignment", expanded, ": expected NAME=value");
        }
        if (r < 0)
                return INVALID(call, "value", value, ": %s", reason);

        /* Every word is valid: move them over, each replacing an earlier one of the same name. */
        size_t n = strv_length(assignments);
        char **list = TAKE_PTR(assignments);
        r = 0;
        for (size_t i = 0; i < n; i++) {
                if (r < 0)
                        free(list[i]);
                else
                        r = environment_set(FIELD(char **), list[i]);
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

                if (words_quote(env[i], &quoted) < 0)
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
                return INVALID(call, "path", path, ": %s", reason);

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
                return INVALID(call, "working directory", path, ": %s, or \"~\"", reason);
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
        if (strdup_printf(&line, "%s%s", s->working_directory_missing_ok ? "-" : "", s->working_directory) == 0)
                directive_dump_line(d, line, out);
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
                r = INVALID(call, "path", p, ": %s", reason);
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
                return INVALID(call, "value", value, ": expected null, socket or file:PATH");
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
                return INVALID(call, "value", value,
                               ": expected inherit, null, journal, socket, file:PATH, append:PATH or truncate:PATH");
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
                return INVALID(call, "time span", value, ": expected e.g. \"90s\", \"5min\", \"infinity\"");
        s->timeout_start = s->timeout_stop = v;
        return 0;
}

void directive_dump_timeout_both(const struct directive *d, const struct unit *u, FILE *out)
{
        (void) d, (void) u, (void) out; /* TimeoutStartSec= and TimeoutStopSec= show the values */
}

int directive_parse_message_queue(const struct directive_call *call, const char *value, void *field)
{
        uint64_t v;

        if (!*value) {
                *FIELD(int64_t) = 0;
                return 0;
        }
        if (value_parse_uint64(value, &v) < 0 || v > INT64_MAX)
                return INVALID(call, "number", value, ": expected a positive number, or 0 for the kernel's default");
        *FIELD(int64_t) = (int64_t) v;
        return 0;
}

void directive_dump_message_queue(const struct directive *d, const struct unit *u, FILE *out)
{
        fprintf(out, "%s=%lld\n", d->name, (long long) *DUMP_FIELD(int64_t));
}

int directive_parse_no_effect(const struct directive_call *call, const char *value, void *field)
{
        (void) call, (void) value, (void) field;
        return 0;
}

void directive_dump_no_effect(const struct directive *d, const struct unit *u, FILE *out)
{
        (void) d, (void) u, (void) out;
}
