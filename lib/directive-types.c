/* Parsers and printers for each kind of directive value; see directive-types.h.
 * A parser validates all of a value before it changes the field, so a refused value leaves
 * the unit as it was. Messages name the value and say what is wrong with it. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>

#include "directive-types.h"
#include "env.h"
#include "path.h"
#include "unitname.h"
#include "value.h"
#include "words.h"

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
                return n > 0 && n < 16 && !streq(s, ".") && !streq(s, "..") && printable_ascii(s, "/:")
                               ? 0
                               : -EINVAL;
        case STRING_TCP_CONGESTION:
                *ret_reason = "not a valid congestion control algorithm name";
                return n > 0 && n < 16 && printable_ascii(s, "/") ? 0 : -EINVAL;
        case STRING_FD_NAME:
                *ret_reason = "must be 1 to 255 printable ASCII characters without \":\"";
                return value_fd_name_is_valid(s) ? 0 : -EINVAL;
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
        case STRING_PID_FILE:
                return path_normalize(s, s[0] == '/', ret_reason);
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
                return directive_invalid(call, "value", s, ": %s", reason);
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
        const char *reason = NULL;
        int r;

        if (!*value) {
                strv_free(*FIELD(char **));
                *FIELD(char **) = NULL;
                return 0;
        }
        r = directive_words(call, value, WORDS_UNQUOTE, &words);
        if (r < 0)
                return r;
        for (size_t i = 0; words && words[i]; i++)
                if (string_check((enum string_kind) call->directive->arg, words[i], &reason) < 0)
                        return directive_invalid(call, "value", words[i], ": %s", reason);
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

                if (words_quote(v[i], WORDS_UNQUOTE, &quoted) < 0 ||
                    strextend_printf(&line, "%s%s", i ? " " : "", quoted) < 0)
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
                return directive_invalid(call, "boolean", value, ": expected yes or no");
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
                return directive_invalid(call, "number", value, ": out of range");
        if (r < 0)
                return directive_invalid(call, "number", value, ": expected a decimal number");
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
                return directive_invalid(call, "number", value, "%s",
                                         r == -ERANGE ? ": out of range" : ": expected a whole number");
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
                return directive_invalid(call, "TTL", value, ": expected 1…255");
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
                return directive_invalid(call, "nice level", value, ": expected -20…19");
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
                return directive_invalid(call, "time span", value, "%s",
                                         r == -ERANGE
                                                 ? ": out of range"
                                                 : ": expected e.g. \"90s\", \"5min 20s\", \"infinity\"");
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
                return directive_invalid(call, "size", value, "%s",
                                         r == -ERANGE ? ": out of range" : ": expected e.g. \"64K\"");
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
                return directive_invalid(call, "file mode", value, ": expected an octal mode such as 0660");
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
                return directive_invalid(call, "signal", value,
                                         ": expected a name such as SIGTERM or a number");
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
                return directive_invalid(call, "IP TOS", value,
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
                if (strextend_printf(&expected, "%s%s",
                                     i == 0          ? ""
                                     : i == e->n - 1 ? " or "
                                                     : ", ",
                                     e->names[i]) < 0)
                        return -ENOMEM;
        return directive_invalid(call, "value", value, ": expected %s", expected);
}

void directive_dump_enum(const struct directive *d, const struct unit *u, FILE *out)
{
        const struct enum_names *e = (const struct enum_names *) d->arg;
        int v = *DUMP_FIELD(int);

        directive_dump_line(d, v >= 0 && v < e->n ? e->names[v] : "", out);
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
                        return directive_invalid(call, "address", v, ": %s", reason);
                break;
        case LISTEN_NETLINK:
                if (address_parse_netlink(v, &l.address, &reason) < 0)
                        return directive_invalid(call, "netlink address", v, ": %s", reason);
                break;
        case LISTEN_FIFO:
        case LISTEN_SPECIAL:
                if (path_normalize(v, true, &reason) < 0)
                        return directive_invalid(call, "path", v, ": %s", reason);
                l.path = TAKE_PTR(v);
                break;
        case LISTEN_MESSAGE_QUEUE:
                if (!message_queue_name_is_valid(v))
                        return directive_invalid(call, "message queue name", v, ": expected \"/name\"");
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
                return directive_invalid(call, "protocol", value, ": expected udplite or sctp");
        return 0;
}

void directive_dump_socket_protocol(const struct directive *d, const struct unit *u, FILE *out)
{
        int p = *DUMP_FIELD(int);
        directive_dump_line(d, p == IPPROTO_UDPLITE ? "udplite" : p == IPPROTO_SCTP ? "sctp" : "", out);
}

int directive_parse_message_queue(const struct directive_call *call, const char *value, void *field)
{
        uint64_t v;

        if (!*value) {
                *FIELD(int64_t) = 0;
                return 0;
        }
        if (value_parse_uint64(value, &v) < 0 || v > INT64_MAX)
                return directive_invalid(call, "number", value,
                                         ": expected a positive number, or 0 for the kernel's default");
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
