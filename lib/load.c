/* From a read unit file to a complete struct unit: initial values from the directive table,
 * each assignment through its row's parser, then the defaults that depend on other directives,
 * then verify.c. A unit with any error is freed; its messages stay in diag. */
#include <errno.h>
#include <limits.h>

#include "directive-types.h"
#include "directive.h"
#include "load.h"
#include "value.h"
#include "verify.h"

static bool row_applies(const struct directive *d, enum unit_type type)
{
        return !(d->flags & DIRECTIVE_ALIAS) && directive_section_applies(d->section, type);
}

static int unit_new(const char *name, const char *path, enum unit_type type, struct unit **ret)
{
        struct unit *u = calloc(1, sizeof(*u));
        struct diag quiet = { 0 };
        int r = 0;

        if (!u)
                return -ENOMEM;
        u->type = type;
        u->name = strdup(name);
        u->path = strdup(path);
        u->lines = calloc(directive_table_size, sizeof(unsigned));
        if (!u->name || !u->path || !u->lines) {
                unit_free(u);
                return -ENOMEM;
        }

        /* Every field to its unset state, then to the row's initial value. The initial texts are
         * constants of the table; tests/test-directive.c proves that each one parses. A socket
         * unit gets the [Service] defaults too: its own commands (ExecStartPre=…) run with them. */
        for (size_t i = 0; i < directive_table_size && r >= 0; i++) {
                const struct directive *d = &directive_table[i];
                struct directive_call call = { .directive = d, .unit = u, .diag = &quiet, .path = path };
                void *field = (char *) u + d->offset;

                if (!row_applies(d, type) && !(type == UNIT_SOCKET && row_applies(d, UNIT_SERVICE)))
                        continue;
                r = d->parse(&call, "", field);
                if (r >= 0 && d->initial)
                        r = d->parse(&call, d->initial, field);
        }
        diag_clear(&quiet);
        if (r < 0) {
                unit_free(u);
                return r;
        }
        *ret = u;
        return 0;
}

static int unknown_directive(const struct directive_call *call, const char *section, const char *key)
{
        int r;

        if (directive_is_refused_systemd(key))
                r = diag_add(
                        call->diag, call->path, call->line,
                        "Unsupported directive '%s' in section [%s]: sockact cannot apply it, and does not "
                        "run the unit without it",
                        key, section);
        else
                r = diag_add(call->diag, call->path, call->line,
                             "Unknown or unsupported directive '%s' in section [%s]", key, section);
        return r < 0 ? r : -EINVAL;
}

/* Sections: [Unit], [Install] and the one of the unit's type; "X-" sections are the
 * administrator's own and ignored, as in systemd. Anything else is an error. */
static int check_section(const struct unitfile *file, size_t i, enum unit_type type, struct diag *diag)
{
        const char *s = file->sections[i];
        int r;

        if (startswith(s, "X-") || directive_section_applies(s, type))
                return 0;
        if (streq(s, "Socket") || streq(s, "Service"))
                r = diag_add(diag, file->path, file->section_lines[i], "[%s] section in a .%s unit", s,
                             unit_type_to_string(type));
        else
                r = diag_add(diag, file->path, file->section_lines[i], "unknown section [%s]", s);
        return r < 0 ? r : -EINVAL;
}

static int apply_assignment(struct unit *u, const struct unitfile_assignment *a,
                            const struct load_options *o, const struct specifier_context *specifiers,
                            struct diag *diag, const char *path)
{
        struct directive_call call = {
                .unit = u,
                .specifiers = specifiers,
                .diag = diag,
                .path = path,
                .line = a->line,
                .ipv6_supported = o->ipv6_supported,
        };
        const struct directive *d;
        void *field;
        int r;

        if (startswith(a->section, "X-") || !directive_section_applies(a->section, u->type))
                return 0; /* the section was accepted as the administrator's own, or reported */
        if (startswith(a->key, "X-") || directive_is_no_effect(a->section, a->key))
                return 0;
        d = directive_find(a->section, a->key);
        if (!d)
                return unknown_directive(&call, a->section, a->key);

        call.directive = d;
        field = (char *) u + d->offset;
        r = d->parse(&call, a->value, field);
        if (r < 0)
                return r;
        if (!*a->value && d->initial) /* an empty assignment resets the directive to its default */
                r = d->parse(&call, d->initial, field);
        u->lines[directive_index(d)] = *a->value ? a->line : 0;
        return r;
}

static bool configured(const struct unit *u, const char *section, const char *name)
{
        return directive_line(u, section, name) > 0;
}

/* Defaults that depend on other directives, as systemd computes them. */
static void unit_complete(struct unit *u)
{
        struct socket_config *so = &u->socket;
        struct service_config *se = &u->service;

        if (u->type == UNIT_SOCKET) {
                if (!configured(u, "Socket", "MaxConnectionsPerSource"))
                        so->max_connections_per_source = so->max_connections;
                if (!configured(u, "Socket", "TriggerLimitBurst"))
                        so->trigger_limit_burst = so->accept ? 200 : 20;
                if (!configured(u, "Socket", "PollLimitBurst"))
                        so->poll_limit_burst = so->accept ? 150 : 15;
                se->std_output = STD_OUTPUT_JOURNAL; /* for the socket's own commands */
                return;
        }

        if (!configured(u, "Service", "Type") && se->exec_start.n == 0)
                se->type = SERVICE_ONESHOT;
        if (se->timeout_start == 0)
                se->timeout_start = USEC_INFINITY;
        if (se->timeout_stop == 0)
                se->timeout_stop = USEC_INFINITY;
        if (!configured(u, "Service", "NotifyAccess"))
                se->notify_access =
                        se->type == SERVICE_NOTIFY || se->watchdog_sec > 0 || se->fd_store_max > 0
                                ? NOTIFY_MAIN
                                : NOTIFY_NONE;
        if (!configured(u, "Service", "StandardOutput"))
                se->std_output = se->std_input == STD_INPUT_SOCKET ? STD_OUTPUT_INHERIT : STD_OUTPUT_JOURNAL;
}

int unit_load_from(const struct unitfile *file, const char *name, const struct load_options *o,
                   struct unit **ret, struct diag *diag)
{
        struct specifier_context specifiers = { 0 };
        enum unit_type type = unit_name_type(name);
        size_t errors_before = diag->n;
        struct unit *u = NULL;
        int r;

        if (type == _UNIT_TYPE_INVALID) {
                r = diag_add(diag, file->path, 0, "\"%s\" is not a valid .socket or .service unit name",
                             name);
                return r < 0 ? r : -EINVAL;
        }
        r = unit_new(name, file->path, type, &u);
        if (r < 0)
                return r;
        if (o->specifiers) {
                specifiers = *o->specifiers;
                specifiers.unit_name = name;
        }

        /* In line order, so that the messages are too: each section header before its assignments. */
        size_t section = 0;
        for (size_t i = 0; i <= file->n_assignments && r != -ENOMEM; i++) {
                unsigned line = i < file->n_assignments ? file->assignments[i].line : UINT_MAX;

                for (; file->sections[section] && file->section_lines[section] < line && r != -ENOMEM;
                     section++)
                        r = check_section(file, section, type, diag);
                if (i < file->n_assignments && r != -ENOMEM)
                        r = apply_assignment(u, &file->assignments[i], o, o->specifiers ? &specifiers : NULL,
                                             diag, file->path);
        }
        if (r == -ENOMEM) {
                unit_free(u);
                return r;
        }
        unit_complete(u);
        if (diag->n == errors_before) /* a unit that did not parse is not verified: no follow-up errors */
                r = unit_verify(u, diag);
        if (r == -ENOMEM || diag->n > errors_before) {
                unit_free(u);
                return r == -ENOMEM ? r : -EINVAL;
        }
        *ret = u;
        return 0;
}

int unit_load_file(const char *path, const char *name, const struct load_options *o, struct unit **ret,
                   struct diag *diag)
{
        _cleanup_free_ char *own_name = NULL;
        struct unitfile *file = NULL;
        size_t errors_before = diag->n;
        const char *slash;
        int r;

        if (!name) {
                slash = strrchr(path, '/');
                own_name = strdup(slash ? slash + 1 : path);
                if (!own_name)
                        return -ENOMEM;
                name = own_name;
        }
        r = unitfile_read(path, &file, diag);
        if (r < 0)
                return r;
        r = unit_load_from(file, name, o, ret, diag);
        if (r >= 0 && diag->n > errors_before) { /* the reader found syntax errors */
                unit_free(*ret);
                r = -EINVAL;
        }
        unitfile_free(file);
        return r;
}
