/* Per-unit verification; see verify.h. Each check is one small function over the finished
 * unit, reporting at the line of the directive an administrator would change. */
#include <errno.h>
#include <stdarg.h>

#include "directive.h"
#include "verify.h"

struct check {
        const struct unit *unit;
        struct diag *diag;
        int r;
};

static void refuse(struct check *c, const char *section, const char *name, const char *format, ...)
        _printf_(4, 5);

/* Reports at the line of section/name; a name of NULL reports without a line. */
static void refuse(struct check *c, const char *section, const char *name, const char *format, ...)
{
        unsigned line = name ? directive_line(c->unit, section, name) : 0;
        char prefix[128] = "";
        va_list ap;
        int r;

        if (line > 0)
                snprintf(prefix, sizeof(prefix), "%s=: ", name);
        va_start(ap, format);
        r = diag_addv(c->diag, c->unit->path, line, prefix, format, ap);
        va_end(ap);
        if (c->r != -ENOMEM)
                c->r = r < 0 ? r : -EINVAL;
}

static bool listen_is_file_system(const struct listen *l)
{
        return l->type == LISTEN_FIFO || address_unix_path(&l->address) != NULL;
}

static void verify_socket(struct check *c)
{
        const struct socket_config *s = &c->unit->socket;
        size_t file_system = 0;

        if (s->n_listens == 0)
                refuse(c, "Socket", NULL, "no Listen*= directive: a socket unit needs at least one");

        for (size_t i = 0; i < s->n_listens; i++) {
                const struct listen *l = &s->listens[i];

                if (listen_is_file_system(l))
                        file_system++;
                if (s->accept && l->type != LISTEN_STREAM && l->type != LISTEN_SEQPACKET)
                        refuse(c, "Socket", "Accept",
                               "Accept=yes needs connections to accept, and %s= has none: use Accept=no",
                               listen_type_to_string(l->type));
        }
        if (s->accept && s->service)
                refuse(c, "Socket", "Service",
                       "cannot be used with Accept=yes, where each connection starts an instance of the "
                       "template service of the socket's own name");
        if (s->max_connections == 0)
                refuse(c, "Socket", "MaxConnections", "must be at least 1");
        if (s->max_connections_per_source == 0 &&
            directive_line(c->unit, "Socket", "MaxConnectionsPerSource"))
                refuse(c, "Socket", "MaxConnectionsPerSource", "must be at least 1");
        if (s->symlinks && file_system != 1)
                refuse(c, "Socket", "Symlinks",
                       "needs exactly one file system socket or FIFO to point to, and the unit has %zu",
                       file_system);
        if ((s->mq_max_messages > 0) != (s->mq_message_size > 0))
                refuse(c, "Socket",
                       s->mq_max_messages > 0 ? "MessageQueueMaxMessages" : "MessageQueueMessageSize",
                       "MessageQueueMaxMessages= and MessageQueueMessageSize= go together");
}

static void verify_service(struct check *c)
{
        const struct service_config *s = &c->unit->service;

        if (s->type != SERVICE_ONESHOT && s->exec_start.n == 0)
                refuse(c, "Service", NULL, "no ExecStart=: only a Type=oneshot service may have none");
        if (s->type == SERVICE_ONESHOT && s->exec_start.n == 0 && s->exec_stop.n == 0)
                refuse(c, "Service", NULL, "no ExecStart= and no ExecStop=: the service would do nothing");
        if (s->type != SERVICE_ONESHOT && s->exec_start.n > 1)
                refuse(c, "Service", "ExecStart",
                       "more than one command: only Type=oneshot may have several");
        if (s->type == SERVICE_ONESHOT && (s->restart == RESTART_ALWAYS || s->restart == RESTART_ON_SUCCESS))
                refuse(c, "Service", "Restart", "Restart=%s cannot be used with Type=oneshot",
                       service_restart_to_string(s->restart));
        if (s->pid_file && s->type != SERVICE_FORKING)
                refuse(c, "Service", "PIDFile",
                       "only Type=forking reads a PID file; with Type=%s the main process is known",
                       service_type_to_string(s->type));
        if (s->type == SERVICE_NOTIFY && s->notify_access == NOTIFY_NONE)
                refuse(c, "Service", "NotifyAccess",
                       "NotifyAccess=none with Type=notify: the service could never report READY=1");
}

int unit_verify(const struct unit *u, struct diag *diag)
{
        struct check c = { .unit = u, .diag = diag };

        if (u->type == UNIT_SOCKET)
                verify_socket(&c);
        else
                verify_service(&c);
        return c.r;
}
