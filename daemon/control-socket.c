/* The control socket; see control-socket.h, and lib/control.h for the protocol. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "address.h"
#include "control-socket.h"
#include "control.h"
#include "fdholder.h"
#include "log.h"
#include "manager.h"
#include "reexec.h"
#include "reload.h"
#include "socket.h"

struct control_client {
        struct control_server *server;
        int fd;
        sd_event_source *io;
        sd_event_source *idle;
        struct ucred peer;
        bool may_write;
        /* the reply being sent: its payload, what is sent of it, its code, and whether the
         * connection closes after it */
        char *out;
        size_t out_len, out_sent;
        int *out_fds; /* duplicates, closed once sent */
        size_t n_out_fds, out_fds_sent;
        uint16_t out_code;
        bool close_after;
        struct control_client *next, *prev;
};

static void close_out_fds(struct control_client *c)
{
        c->server->n_out_fds -= c->n_out_fds;
        for (size_t i = 0; i < c->n_out_fds; i++)
                close(c->out_fds[i]);
        free(c->out_fds);
        c->out_fds = NULL;
        c->n_out_fds = c->out_fds_sent = 0;
}

static void client_free(struct control_client *c)
{
        struct control_server *s = c->server;

        if (c->prev)
                c->prev->next = c->next;
        else
                s->clients = c->next;
        if (c->next)
                c->next->prev = c->prev;
        s->n_clients--;
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->idle);
        close(c->fd);
        free(c->out);
        close_out_fds(c);
        free(c);
}

static int on_idle(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct control_client *c = userdata;

        (void) source, (void) usec;
        log_debug("Control client %d said nothing for %gs, closed", (int) c->peer.pid,
                  (double) CONTROL_IDLE_USEC / USEC_PER_SEC);
        client_free(c);
        return 0;
}

static size_t min_size(size_t a, size_t b)
{
        return a < b ? a : b;
}

/* Sends what it can of the reply, one message per chunk of payload, its fds spread over the messages
 * CONTROL_FDS_MAX at a time; once all is sent, reads the next request (or closes). Returns false when
 * the client is gone. */
static bool flush(struct control_client *c)
{
        bool first = c->out_sent == 0 && c->out_fds_sent == 0;

        while (first || c->out_sent < c->out_len || c->out_fds_sent < c->n_out_fds) {
                size_t n = min_size(c->out_len - c->out_sent, CONTROL_CHUNK_MAX),
                       n_fds = min_size(c->n_out_fds - c->out_fds_sent, CONTROL_FDS_MAX);
                bool last = c->out_sent + n == c->out_len && c->out_fds_sent + n_fds == c->n_out_fds;
                struct control_header h = { .magic = CONTROL_MAGIC,
                                            .version = CONTROL_VERSION,
                                            .code = c->out_code,
                                            .flags = last ? 0 : CONTROL_MORE,
                                            .length = (uint32_t) n };
                struct iovec iov[2] = { { &h, sizeof(h) }, { c->out + c->out_sent, n } };
                struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
                union control_fds_buffer control;

                control_attach_fds(&msg, &control, c->out_fds + c->out_fds_sent, n_fds);
                if (sendmsg(c->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
                        if (errno == EAGAIN) {
                                (void) sd_event_source_set_io_events(c->io, EPOLLOUT);
                                return true; /* the rest when it reads; the idle timer runs meanwhile */
                        }
                        client_free(c);
                        return false;
                }
                c->out_sent += n;
                c->out_fds_sent += n_fds;
                first = false;
        }
        free(c->out);
        c->out = NULL;
        c->out_len = c->out_sent = 0;
        close_out_fds(c);
        if (c->close_after) {
                client_free(c);
                return false;
        }
        (void) sd_event_source_set_io_events(c->io, EPOLLIN);
        return true;
}

/* Sends a reply, taking payload and fds (either may be NULL). */
static void reply_fds(struct control_client *c, int error, char *payload, size_t len, int *fds, size_t n_fds,
                      bool close_after)
{
        c->out = payload ? payload : strdup("");
        c->out_len = payload ? len : 0;
        c->out_sent = 0;
        c->out_fds = fds;
        c->n_out_fds = n_fds;
        c->out_fds_sent = 0;
        c->server->n_out_fds += n_fds;
        c->out_code = (uint16_t) error;
        c->close_after = close_after || !c->out;
        if (!c->out) {
                client_free(c);
                return;
        }
        (void) flush(c);
}

static void reply(struct control_client *c, int error, char *payload, size_t len, bool close_after)
{
        reply_fds(c, error, payload, len, NULL, 0, close_after);
}

static void reply_error(struct control_client *c, int error, bool close_after, const char *format, ...)
        _printf_(4, 5);

static void reply_error(struct control_client *c, int error, bool close_after, const char *format, ...)
{
        char *text = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&text, format, ap);
        va_end(ap);
        reply(c, error, r < 0 ? NULL : text, r < 0 ? 0 : (size_t) r, close_after);
}

/* The service a socket unit starts, by name: its service, or its template with Accept=yes. */
static int append_activates(const struct socket_unit *so, char **buf, size_t *len)
{
        _cleanup_free_ char *name = NULL;
        int r = unit_socket_service_name(so->unit, &name);

        return r < 0 ? r : control_append(buf, len, "service", name);
}

static int socket_counters(const struct socket_unit *so, char **buf, size_t *len)
{
        int r = control_append_u64(buf, len, "connections", so->n_connections);

        if (r >= 0)
                r = control_append_u64(buf, len, "accepted", so->n_accepted);
        if (r >= 0)
                r = control_append_u64(buf, len, "refused", so->n_refused);
        if (r >= 0)
                r = control_append_u64(buf, len, "activations", so->n_activations);
        return r;
}

/* list: a record per listener of every socket unit, in the order of the units and their lines. */
static int do_list(struct manager *m, char **buf, size_t *len)
{
        int r = 0;

        for (size_t k = 0; k < m->n_sockets && r >= 0; k++) {
                const struct socket_unit *so = m->sockets[k];
                const struct socket_config *sc = &so->unit->socket;

                for (size_t i = 0; i < sc->n_listens && r >= 0; i++) {
                        char where[ADDRESS_FORMAT_MAX];

                        r = socket_listen_text(&sc->listens[i], where);
                        if (r >= 0)
                                r = control_append(buf, len, "listen", where);
                        if (r >= 0)
                                r = control_append(buf, len, "type",
                                                   listen_type_to_string(sc->listens[i].type));
                        if (r >= 0)
                                r = control_append(buf, len, "socket", so->unit->name);
                        if (r >= 0)
                                r = append_activates(so, buf, len);
                        if (r >= 0)
                                r = control_append(buf, len, "state", socket_state_to_string(so->state));
                        if (r >= 0)
                                r = socket_counters(so, buf, len);
                        if (r >= 0)
                                r = control_end_record(buf, len);
                }
        }
        return r;
}

/* A service or an Accept=yes instance. */
static struct service_unit *find_service(struct manager *m, const char *name)
{
        struct service_unit *found = manager_find_service(m, name);

        for (struct service_unit *s = m->instances; s && !found; s = s->next_instance)
                if (streq(s->unit->name, name))
                        found = s;
        return found;
}

static int status_service(const struct service_unit *s, char **buf, size_t *len)
{
        int r = control_append(buf, len, "unit", s->unit->name);

        if (r >= 0)
                r = control_append(buf, len, "state", service_state_to_string(s->state));
        if (r >= 0)
                r = control_append(buf, len, "result", service_result_to_string(s->result));
        if (r >= 0)
                r = control_append_u64(buf, len, "main_pid", (uint64_t) (s->main_pid > 0 ? s->main_pid : 0));
        if (r >= 0)
                r = control_append(buf, len, "status", s->status ? s->status : "");
        if (r >= 0)
                r = control_append_u64(buf, len, "errno", (uint64_t) s->status_errno);
        for (size_t i = 0; i < s->fd_store.n && r >= 0; i++)
                r = control_append(buf, len, "fdstore", s->fd_store.fds[i]->name);
        return r;
}

static int status_socket(const struct socket_unit *so, char **buf, size_t *len)
{
        int r = control_append(buf, len, "unit", so->unit->name);

        if (r >= 0)
                r = control_append(buf, len, "state", socket_state_to_string(so->state));
        if (r >= 0)
                r = append_activates(so, buf, len);
        for (size_t i = 0; i < so->unit->socket.n_listens && r >= 0; i++) {
                char where[ADDRESS_FORMAT_MAX];

                r = socket_listen_text(&so->unit->socket.listens[i], where);
                if (r >= 0)
                        r = control_append(buf, len, "listen", where);
        }
        if (r >= 0)
                r = socket_counters(so, buf, len);
        return r;
}

/* start, stop and restart of a service; an instance runs for its connection only. */
static int act_on_service(struct manager *m, struct service_unit *s, enum control_verb verb)
{
        uint64_t retry;

        if (s->connection && verb != CONTROL_STOP)
                return -EOPNOTSUPP;
        if (verb == CONTROL_STOP) {
                service_unit_stop(s);
                return 0;
        }
        if (verb == CONTROL_RESTART && !service_unit_is_down(s)) {
                service_unit_restart(s);
                return 0;
        }
        if (!service_unit_is_down(s))
                return 0; /* start: it runs */
        manager_service_activating(m, s);
        if (service_unit_start(s, &retry) == -EAGAIN) {
                manager_service_paused(m, s, retry);
                return -EAGAIN;
        }
        return 0;
}

static int act_on_socket(struct socket_unit *so, enum control_verb verb)
{
        if (verb == CONTROL_STOP)
                socket_unit_stop(so);
        else if (verb == CONTROL_RESTART && !socket_unit_is_down(so)) {
                so->restart_requested = true;
                socket_unit_stop(so);
        } else
                socket_unit_start(so);
        return 0;
}

/* A refusal: every sentence of reasons that says why, a line each. */
static void reply_reasons(struct control_client *c, int error, const struct diag *reasons,
                          const char *fallback)
{
        _cleanup_free_ char *buf = NULL;

        for (size_t i = 0; i < reasons->n; i++) {
                char *longer;

                if (strdup_printf(&longer, "%s%s%s", buf ? buf : "", i ? "\n" : "", reasons->messages[i]) <
                    0)
                        break;
                free(buf);
                buf = longer;
        }
        reply_error(c, error, false, "%s", buf ? buf : fallback);
}

/* reload, or with the argument "dry-run" what a reload would change. A refusal's reply is every
 * sentence that says why, a line each. */
static void do_reload(struct control_client *c, const char *arg)
{
        struct manager *m = c->server->manager;
        _cleanup_free_ char *buf = NULL;
        struct diag errors = { 0 };
        bool dry_run = streq(arg, "dry-run");
        size_t len = 0;
        int r;

        if (*arg && !dry_run) {
                reply_error(c, EINVAL, false, "reload takes no argument but dry-run");
                return;
        }
        if (!dry_run)
                log_info("reload, asked by uid %u (pid %d)", (unsigned) c->peer.uid, (int) c->peer.pid);
        r = manager_reload(m, dry_run, &buf, &len, &errors);
        if (r >= 0)
                reply(c, 0, TAKE_PTR(buf), len, false);
        else if (r == -EOPNOTSUPP)
                reply_error(c, EOPNOTSUPP, false,
                            "The units were given on sockactd's command line: "
                            "there is nothing to reload");
        else if (r == -ESHUTDOWN)
                reply_error(c, ESHUTDOWN, false, "sockactd is stopping");
        else if (errors.n == 0)
                reply_error(c, -r, false, "Reload refused: %s", strerror(-r));
        else {
                /* a broken file or a listener that cannot be opened: the reasons say which; its errno
                 * (EACCES…) would read as a refusal of the request itself */
                reply_reasons(c, r == -EBUSY || r == -EEXIST ? -r : EINVAL, &errors, "Reload refused");
        }
        diag_clear(&errors);
}

/* reexec: answered by the new image (control_server_answer()); here only when it did not happen. */
static void do_reexec(struct control_client *c, const char *arg)
{
        struct manager *m = c->server->manager;
        struct diag errors = { 0 };
        int r;

        if (*arg) {
                reply_error(c, EINVAL, false, "reexec takes no argument");
                return;
        }
        log_info("reexec, asked by uid %u (pid %d)", (unsigned) c->peer.uid, (int) c->peer.pid);
        r = manager_reexec(m, c->fd, &errors);
        if (r == -EOPNOTSUPP)
                reply_error(c, EOPNOTSUPP, false,
                            "The units were given on sockactd's command line: it cannot re-execute");
        else if (r == -ESHUTDOWN)
                reply_error(c, ESHUTDOWN, false, "sockactd is stopping");
        else if (errors.n ==
                 0) /* ENOEXEC: the errno (ENOENT, EACCES) would read as a refusal of the request */
                reply_error(c, r == -ENOMEM ? ENOMEM : ENOEXEC, false, "Re-execution failed: %s",
                            strerror(-r));
        else
                reply_reasons(c, r == -EBUSY ? EBUSY : EINVAL, &errors, "Re-execution refused");
        diag_clear(&errors);
}

static void handle(struct control_client *c, enum control_verb verb, const char *name)
{
        struct manager *m = c->server->manager;
        _cleanup_free_ char *buf = NULL;
        struct service_unit *service = NULL;
        struct socket_unit *socket = NULL;
        size_t len = 0;
        int r;

        if (verb == CONTROL_LIST) {
                r = do_list(m, &buf, &len);
                if (r < 0)
                        reply_error(c, -r, false, "Cannot list: %s", strerror(-r));
                else
                        reply(c, 0, TAKE_PTR(buf), len, false);
                return;
        }
        if (verb == CONTROL_RELOAD) {
                do_reload(c, name);
                return;
        }
        if (verb == CONTROL_REEXEC) {
                do_reexec(c, name);
                return;
        }
        if (!*name) {
                reply_error(c, EINVAL, false, "%s needs a unit name", control_verb_to_string(verb));
                return;
        }
        socket = manager_find_socket(m, name);
        if (!socket)
                service = find_service(m, name);
        if (!socket && !service) {
                reply_error(c, ENOENT, false, "No such unit: %s", name);
                return;
        }
        if (verb == CONTROL_STATUS) {
                r = socket ? status_socket(socket, &buf, &len) : status_service(service, &buf, &len);
                if (r < 0)
                        reply_error(c, -r, false, "Cannot tell the status: %s", strerror(-r));
                else
                        reply(c, 0, TAKE_PTR(buf), len, false);
                return;
        }
        if (m->stopping) {
                reply_error(c, ESHUTDOWN, false, "sockactd is stopping");
                return;
        }
        log_info("%s %s, asked by uid %u (pid %d)", control_verb_to_string(verb), name,
                 (unsigned) c->peer.uid, (int) c->peer.pid);
        r = socket ? act_on_socket(socket, verb) : act_on_service(m, service, verb);
        if (r == -EOPNOTSUPP)
                reply_error(c, EOPNOTSUPP, false, "%s runs for one connection; it can only be stopped",
                            name);
        else if (r == -EAGAIN)
                reply_error(c, EAGAIN, false, "%s hit its start limit; its sockets try again later", name);
        else
                reply(c, 0, NULL, 0, false);
}

/* fetch, store, remove and stored: the payload's fields, then the fd holder. Takes the fds. */
static void handle_fds(struct control_client *c, enum control_verb verb, char *text, int *fds, size_t n_fds)
{
        struct fd_holder *holder = &c->server->manager->holder;
        struct fd_peer peer = { .cred = c->peer, .fd = c->fd };
        struct fd_answer a = { 0 };
        char *names[CONTROL_REQUEST_MAX / 6 + 1], *key, *value;
        size_t n_names = 0;
        uint64_t ttl = 0;
        int r;

        while ((r = control_next_field(&text, &key, &value)) > 0) {
                if (streq(key, "name") && (n_names == 0 || verb == CONTROL_FETCH))
                        names[n_names++] = value; /* "name=x\n" is 7 bytes: they fit */
                else if (!(streq(key, "ttl") && verb == CONTROL_STORE &&
                           value_parse_uint64(value, &ttl) >= 0))
                        r = -EBADMSG;
                if (r < 0)
                        break;
        }
        names[n_names] = NULL;
        if (r < 0 || *text || (verb != CONTROL_STORED && n_names == 0))
                r = -EBADMSG;
        else if (c->server->manager->stopping && (verb == CONTROL_FETCH || verb == CONTROL_STORE))
                r = -ESHUTDOWN;
        else if (verb == CONTROL_FETCH && c->server->n_out_fds >= CONTROL_OUT_FDS_MAX)
                r = -EBUSY;
        if (r < 0) {
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                reply_error(c, -r, r == -EBADMSG, "%s",
                            r == -EBADMSG     ? "Refused: a malformed request"
                            : r == -ESHUTDOWN ? "sockactd is stopping"
                                              : "Too many fetched fds wait to be read; try again");
                return;
        }
        if (verb == CONTROL_FETCH)
                r = fd_holder_fetch(holder, &peer, names, &a);
        else if (verb == CONTROL_STORE)
                r = fd_holder_store(holder, &peer, names[0], ttl, fds, n_fds, &a);
        else if (verb == CONTROL_REMOVE)
                r = fd_holder_remove(holder, &peer, names[0], &a);
        else
                r = fd_holder_list(holder, &peer, &a);
        if (r < 0)
                reply_error(c, -r, false, "%s", a.why[0] ? a.why : strerror(-r));
        else {
                /* one fetch per connection: its fds wait in one reply at most */
                reply_fds(c, 0, a.payload, a.len, a.fds, a.n_fds, verb == CONTROL_FETCH);
                a.payload = NULL;
                a.fds = NULL;
                a.n_fds = 0;
        }
        fd_answer_done(&a);
}

/* Receives a request and the fds that came with it (at most CONTROL_FDS_MAX; more, or fewer than
 * came because sockactd is short of fds, is -EBADMSG, with what came closed). Returns the size the
 * message had, 0 at the end (or for an empty message: its fds are closed), -errno. */
static ssize_t receive(int fd, char *buf, size_t size, int fds[CONTROL_FDS_MAX], size_t *n_fds)
{
        struct iovec iov = { buf, size };
        union control_fds_buffer control;
        struct msghdr msg = { .msg_iov = &iov,
                              .msg_iovlen = 1,
                              .msg_control = control.buf,
                              .msg_controllen = sizeof(control) };
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);

        *n_fds = 0;
        if (n < 0)
                return -errno;
        *n_fds = control_received_fds(&msg, fds);
        if ((msg.msg_flags & MSG_CTRUNC) || n == 0) { /* an empty message may carry fds too */
                for (size_t i = 0; i < *n_fds; i++)
                        close(fds[i]);
                *n_fds = 0;
                return n == 0 ? 0 : -EBADMSG;
        }
        return n;
}

/* Why verb may not be used here by this client, or NULL. */
static const char *forbidden(const struct control_client *c, enum control_verb verb)
{
        if (c->server->public)
                return control_verb_public(verb) ? NULL
                                                 : "this socket serves fetch, store, remove and stored only";
        if (control_verb_writes(verb) && !c->may_write)
                return "this user may only list and ask for the status";
        return NULL;
}

static int on_client(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct control_client *c = userdata;
        char message[CONTROL_REQUEST_MAX + 1], text[CONTROL_REQUEST_MAX];
        int fds[CONTROL_FDS_MAX];
        struct control_header h;
        const char *reason = NULL;
        size_t n_fds;
        ssize_t n;
        int r;

        (void) source;
        if (c->out) {
                if (revents & EPOLLOUT)
                        (void) flush(c);
                else if (revents & (EPOLLHUP | EPOLLERR))
                        client_free(c);
                return 0;
        }
        n = receive(fd, message, sizeof(message), fds, &n_fds);
        if (n == -EAGAIN)
                return 0;
        if (n == -EBADMSG) {
                reply_error(c, EBADMSG, true, "Refused: more than %d fds, or sockactd is short of fds",
                            CONTROL_FDS_MAX);
                return 0;
        }
        if (n <= 0) { /* gone */
                client_free(c);
                return 0;
        }
        (void) sd_event_source_set_time_relative(c->idle, CONTROL_IDLE_USEC);
        /* MSG_TRUNC: n is the size the message had, larger than the buffer when it was cut */
        r = control_check(message, (size_t) n, true, &h, &reason);
        if (r >= 0 && !control_verb_to_string(h.code)) {
                r = -EOPNOTSUPP;
                reason = "an unknown request";
        } else if (r >= 0 && (reason = forbidden(c, h.code)))
                r = -EPERM;
        else if (r >= 0) {
                memcpy(text, message + sizeof(h), h.length);
                text[h.length] = '\0';
                if (strlen(text) != h.length) {
                        r = -EBADMSG;
                        reason = "a NUL byte in its argument";
                } else if (n_fds > 0 && h.code != CONTROL_STORE) {
                        r = -EBADMSG;
                        reason = "fds with a request that takes none";
                }
        }
        if (r < 0) {
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                if (r == -EPERM)
                        log_warning(0, "Control client refused: uid %u (pid %d) asked for %s on %s: %s",
                                    (unsigned) c->peer.uid, (int) c->peer.pid,
                                    control_verb_to_string(h.code), c->server->path, reason);
                reply_error(c, -r, true, "Refused: %s", reason);
        } else if (control_verb_public(h.code))
                handle_fds(c, h.code, text, fds, n_fds);
        else
                handle(c, h.code, text);
        return 0;
}

#define complain(s, ...) log_peer_warning(&(s)->last_complaint, "Control client refused", __VA_ARGS__)

static int on_resume(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct control_server *s = userdata;

        (void) usec;
        s->resume = sd_event_source_disable_unref(source);
        (void) sd_event_source_set_enabled(s->source, SD_EVENT_ON);
        return 0;
}

/* Out of fds: the clients wait in the backlog while accepting pauses for CONTROL_BACKOFF_USEC. */
static void pause_accepting(struct control_server *s)
{
        log_peer_warning(&s->last_complaint, "Control client refused", "cannot accept (%s), pausing for %gs",
                         strerror(errno), (double) CONTROL_BACKOFF_USEC / USEC_PER_SEC);
        if (s->resume ||
            sd_event_add_time_relative(s->manager->event, &s->resume, CLOCK_MONOTONIC, CONTROL_BACKOFF_USEC,
                                       USEC_PER_MSEC * 10, on_resume, s) < 0)
                return;
        (void) sd_event_source_set_enabled(s->source, SD_EVENT_OFF);
}

static size_t clients_of(const struct control_server *s, uid_t uid)
{
        size_t n = 0;

        for (const struct control_client *c = s->clients; c; c = c->next)
                n += c->peer.uid == uid;
        return n;
}

static int on_connect(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct control_server *s = userdata;

        (void) source, (void) revents;
        for (unsigned k = 0; k < 64; k++) { /* a burst at a time: the loop serves the others meanwhile */
                struct control_client *c;
                socklen_t len = sizeof(struct ucred);
                int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

                if (cfd < 0) {
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                                pause_accepting(s); /* else the backlog would wake the loop at once */
                        return 0;
                }
                if (s->n_clients >= s->max_clients) {
                        close(cfd);
                        complain(s, "%zu clients are connected already", s->max_clients);
                        continue;
                }
                c = calloc(1, sizeof(*c));
                if (!c || getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &c->peer, &len) < 0) {
                        free(c);
                        close(cfd);
                        continue;
                }
                if (s->public && c->peer.uid != 0 && clients_of(s, c->peer.uid) >= CONTROL_CLIENTS_PER_UID) {
                        complain(s, "uid %u (pid %d) has %d clients connected already",
                                 (unsigned) c->peer.uid, (int) c->peer.pid, CONTROL_CLIENTS_PER_UID);
                        free(c);
                        close(cfd);
                        continue;
                }
                c->server = s;
                c->fd = cfd;
                c->may_write = c->peer.uid == 0 || c->peer.uid == geteuid();
                if (!c->may_write && !s->public &&
                    !(s->read_group != (gid_t) -1 && peer_in_group(cfd, c->peer.gid, s->read_group))) {
                        complain(s, "uid %u (pid %d) may not use the control socket", (unsigned) c->peer.uid,
                                 (int) c->peer.pid);
                        free(c);
                        close(cfd);
                        continue;
                }
                c->next = s->clients;
                if (s->clients)
                        s->clients->prev = c;
                s->clients = c;
                s->n_clients++;
                if (sd_event_add_io(s->manager->event, &c->io, cfd, EPOLLIN, on_client, c) < 0 ||
                    sd_event_add_time_relative(s->manager->event, &c->idle, CLOCK_MONOTONIC,
                                               CONTROL_IDLE_USEC, USEC_PER_MSEC * 100, on_idle, c) < 0)
                        client_free(c);
        }
        return 0;
}

/* Binds c->path anew, born with its mode: no moment at which another user may connect. */
static int create(struct control_server *c)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        mode_t mask;
        int r;

        if (strlen(c->path) >= sizeof(sa.sun_path))
                return log_error(0, "The runtime directory's path is too long for %s", c->path);
        strcpy(sa.sun_path, c->path);
        c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (c->fd < 0)
                return log_error(errno, "Cannot create the control socket: %m");
        (void) unlink(c->path); /* the runtime directory is ours (locked): a node left there is stale */
        mask = umask(c->public ? 0111 : 0177); /* 0666 or 0600 */
        r = bind(c->fd, (struct sockaddr *) &sa, sizeof(sa));
        umask(mask);
        if (r < 0)
                return log_error(errno, "Cannot bind %s: %m", c->path);
        if (c->read_group != (gid_t) -1 &&
            (chown(c->path, (uid_t) -1, c->read_group) < 0 || chmod(c->path, 0660) < 0))
                return log_error(errno, "Cannot open %s to its group: %m", c->path);
        if (listen(c->fd, SOMAXCONN) < 0)
                return log_error(errno, "Cannot listen on %s: %m", c->path);
        return 0;
}

int control_server_open(struct control_server *c, struct manager *m, const char *runtime_dir,
                        const char *name, gid_t read_group, bool public, int fd)
{
        struct rlimit nofile;
        int r;

        *c = (struct control_server){ .manager = m,
                                      .fd = fd,
                                      .read_group = read_group,
                                      .public = public,
                                      .max_clients = CONTROL_CLIENTS_MAX };
        if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur / 4 < CONTROL_CLIENTS_MAX)
                c->max_clients = (size_t) nofile.rlim_cur / 4;
        if (strdup_printf(&c->path, "%s/%s", runtime_dir, name) < 0)
                return -ENOMEM;
        if (c->fd < 0 && (r = create(c)) < 0)
                return r;
        r = sd_event_add_io(m->event, &c->source, c->fd, EPOLLIN, on_connect, c);
        if (r < 0)
                return log_error(r, "Cannot watch %s: %m", c->path);
        return 0;
}

void control_server_answer(struct control_server *s, int fd, char *payload, size_t len)
{
        struct control_client *c = calloc(1, sizeof(*c));
        socklen_t cred_len = sizeof(c->peer);

        if (!c) {
                close(fd);
                free(payload);
                return;
        }
        *c = (struct control_client){ .server = s, .fd = fd, .may_write = true, .next = s->clients };
        (void) getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->peer, &cred_len);
        if (s->clients)
                s->clients->prev = c;
        s->clients = c;
        s->n_clients++;
        if (sd_event_add_io(s->manager->event, &c->io, fd, EPOLLIN, on_client, c) < 0 ||
            sd_event_add_time_relative(s->manager->event, &c->idle, CLOCK_MONOTONIC, CONTROL_IDLE_USEC,
                                       USEC_PER_MSEC * 100, on_idle, c) < 0) {
                client_free(c);
                free(payload);
                return;
        }
        reply(c, 0, payload, len, false);
}

void control_server_close(struct control_server *c)
{
        while (c->clients)
                client_free(c->clients);
        c->source = sd_event_source_disable_unref(c->source);
        c->resume = sd_event_source_disable_unref(c->resume);
        if (c->fd >= 0) {
                close(c->fd);
                (void) unlink(c->path);
        }
        c->fd = -1;
        free(c->path);
        c->path = NULL;
}
