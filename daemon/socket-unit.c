/* A socket unit at run time; see socket-unit.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "peer.h"
#include "manager.h"
#include "reexec.h"
#include "value.h"
#include "socket-unit.h"
#include "socket.h"

static const char *const socket_state_table[_SOCKET_STATE_MAX] = {
        [SOCKET_DEAD] = "dead",
        [SOCKET_START_PRE] = "start-pre",
        [SOCKET_START_POST] = "start-post",
        [SOCKET_LISTENING] = "listening",
        [SOCKET_STOP_PRE] = "stop-pre",
        [SOCKET_STOP_POST] = "stop-post",
        [SOCKET_FAILED] = "failed",
};

const char *socket_state_to_string(enum socket_state s)
{
        return (size_t) s < ELEMENTSOF(socket_state_table) ? socket_state_table[s] : NULL;
}

/* The limits' configuration from the unit; their history stays. */
static void set_limits(struct socket_unit *s)
{
        const struct socket_config *c = &s->unit->socket;

        s->trigger_limit.interval = c->trigger_limit_interval;
        s->trigger_limit.burst = c->trigger_limit_burst;
        s->poll_limit.interval = c->poll_limit_interval;
        s->poll_limit.burst = c->poll_limit_burst;
}

struct socket_unit *socket_unit_new(struct manager *m, const struct unit *u, struct generation *g)
{
        size_t n = u->socket.n_listens;
        struct socket_unit *s = calloc(1, sizeof(*s));

        if (!s)
                return NULL;
        *s = (struct socket_unit){ .manager = m, .unit = u };
        s->fds = malloc((n + 1) * sizeof(int));
        s->sources = calloc(n + 1, sizeof(sd_event_source *));
        if (!s->fds || !s->sources) {
                free(s->fds);
                free(s->sources);
                free(s);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                s->fds[i] = -1;
        s->generation = generation_ref(g);
        set_limits(s);
        return s;
}

static void close_listeners(struct socket_unit *s);

/* An inherited listener of line i: non-blocking (systemd passes its sockets blocking, and an accept()
 * that blocks would stall the loop), with this unit's backlog and options. */
static void adopt(struct socket_unit *s, size_t i, int fd)
{
        const struct socket_config *c = &s->unit->socket;
        int type = listen_type_socket_type(c->listens[i].type), flags = fcntl(fd, F_GETFL), r;
        const char *stage = NULL;

        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                log_unit_warning(s->unit->name, errno, "Cannot make an adopted socket non-blocking: %m");
        if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && listen(fd, (int) c->backlog) < 0)
                log_unit_warning(s->unit->name, errno, "Cannot apply Backlog= to an adopted socket: %m");
        if (type != 0 && (r = socket_apply_options(c, fd, &stage)) < 0)
                log_unit_warning(s->unit->name, r, "Cannot apply %s to an adopted socket: %m", stage);
}

static int open_listeners(struct socket_unit *s)
{
        const struct socket_config *c = &s->unit->socket;
        struct socket_owner owner;
        const char *reason = NULL;
        int r;

        r = socket_owner_resolve(c, &owner, &reason);
        if (r < 0)
                return log_unit_error(s->unit->name, 0, "SocketUser=/SocketGroup=: %s", reason);
        for (size_t i = 0; i < c->n_listens; i++) {
                char text[ADDRESS_FORMAT_MAX];
                const char *stage = NULL;

                r = manager_adopt(s->manager, c, &c->listens[i]);
                if (r >= 0) {
                        log_unit_debug(s->unit->name, "Listen line %zu: adopted fd %d, inherited", i + 1, r);
                        adopt(s, i, r);
                } else
                        r = socket_listen(c, &c->listens[i], &owner, &stage);
                if (r < 0) {
                        if (socket_listen_text(&c->listens[i], text) < 0)
                                snprintf(text, sizeof(text), "?");
                        log_unit_error(s->unit->name, r, "%s: %s%s%m", text,
                                       streq_ptr(stage, "bind") ? "" : stage,
                                       streq_ptr(stage, "bind") ? "" : ": ");
                        close_listeners(s);
                        return r;
                }
                s->fds[i] = r;
        }
        r = socket_make_symlinks(c, &reason);
        if (r < 0) {
                log_unit_error(s->unit->name, r, "Symlinks=: %s: %m", reason);
                close_listeners(s);
                return r;
        }
        s->listening = true;
        return 0;
}

static int on_resume(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct socket_unit *s = userdata;

        (void) source, (void) usec;
        s->resume = sd_event_source_disable_unref(s->resume);
        if (s->manager->stopping || s->state != SOCKET_LISTENING)
                return 0;
        if (!s->short_of_fds) /* that pause is logged once, when it begins, and when it ends */
                log_unit_info(s->unit->name, "Listening again");
        if (!s->service || service_unit_is_down(s->service))
                socket_unit_watch(s, true);
        return 0;
}

/* Stops watching until the monotonic time until: a pause, never a failure for good. */
static void pause_until(struct socket_unit *s, uint64_t until)
{
        socket_unit_watch(s, false);
        s->resume = sd_event_source_disable_unref(s->resume);
        if (sd_event_add_time(s->manager->event, &s->resume, CLOCK_MONOTONIC, until,
                              SOCKET_RESUME_ACCURACY_USEC, on_resume, s) < 0)
                log_unit_error(s->unit->name, 0, "Cannot arm the timer that resumes the socket");
}

/* Over MaxConnections= or MaxConnectionsPerSource=: the connection is closed at once, counted, and
 * the count logged at most once per SOCKET_REFUSED_LOG_USEC. */
static void refuse(struct socket_unit *s, int fd, const char *limit)
{
        uint64_t now = now_usec();

        close(fd);
        s->n_refused++;
        if (s->refused_logged_usec != 0 && now - s->refused_logged_usec < SOCKET_REFUSED_LOG_USEC)
                return;
        log_unit_warning(s->unit->name, 0, "%" PRIu64 " connection(s) refused: %s reached",
                         s->n_refused - s->n_refused_logged, limit);
        s->n_refused_logged = s->n_refused;
        s->refused_logged_usec = now;
}

/* Out of fds (errno says why), or of kernel memory: the connections wait in the backlog while the
 * socket pauses; logged once for each time it happens. */
static void wait_for_fds(struct socket_unit *s)
{
        if (!s->short_of_fds)
                log_unit_warning(
                        s->unit->name, errno,
                        "Cannot accept (%m): trying again every %gs, the connections wait in the backlog",
                        (double) SOCKET_ACCEPT_BACKOFF_USEC / USEC_PER_SEC);
        s->short_of_fds = true;
        pause_until(s, now_usec() + SOCKET_ACCEPT_BACKOFF_USEC);
}

/* Accept=yes: takes what waits on the listener, up to SOCKET_ACCEPT_BATCH connections per wake-up
 * so that one busy socket cannot starve the others, and starts an instance for each. */
static void accept_connections(struct socket_unit *s, int listen_fd)
{
        for (unsigned n = 0; n < SOCKET_ACCEPT_BATCH; n++) {
                struct service_connection *c;
                struct peer_source source;
                struct sockaddr_storage peer;
                socklen_t len = sizeof(peer);
                uint64_t now, until;
                const char *stage = NULL;
                int fd;

                if (!manager_fd_reserve_fill(s->manager)) {
                        wait_for_fds(s);
                        return;
                }
                fd = accept4(listen_fd, (struct sockaddr *) &peer, &len, SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return;
                        if (errno == ECONNABORTED || errno == EPROTO || errno == EPERM)
                                continue; /* that connection is gone; the next may be fine */
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                                wait_for_fds(s);
                                return;
                        }
                        log_unit_error(s->unit->name, errno, "Cannot accept: %m");
                        return;
                }
                if (s->short_of_fds) {
                        s->short_of_fds = false;
                        log_unit_info(s->unit->name, "Accepting again");
                }
                if (!s->template || s->n_connections >= s->unit->socket.max_connections) {
                        refuse(s, fd, s->template ? "MaxConnections=" : "no template service");
                        continue;
                }
                peer_source_of(fd, &peer, &source);
                if (manager_connections_from(s->manager, s, &source) >=
                    s->unit->socket.max_connections_per_source) {
                        refuse(s, fd, "MaxConnectionsPerSource=");
                        continue;
                }
                now = now_usec();
                if (!ratelimit_test(&s->trigger_limit, now, &until)) {
                        close(fd);
                        log_unit_warning(
                                s->unit->name, 0,
                                "Trigger limit hit (%u connections within TriggerLimitIntervalSec=), "
                                "pausing for %.3gs",
                                s->trigger_limit.burst, (double) (until - now) / USEC_PER_SEC);
                        pause_until(s, until);
                        return;
                }
                if (socket_apply_options(&s->unit->socket, fd, &stage) < 0)
                        log_unit_debug(s->unit->name, "Cannot apply %s to a connection: %m", stage);
                c = calloc(1, sizeof(*c));
                if (!c) {
                        close(fd);
                        log_unit_error(s->unit->name, ENOMEM, "Cannot take a connection: %m");
                        return;
                }
                c->fd = fd;
                c->peer = peer;
                c->peer_len = len;
                c->source = source;
                c->accepted_usec = now;
                peer_remote(&c->peer, c->peer_len, c->remote_addr, &c->remote_port);
                /* counted before the start: an instance that fails at once is down, and uncounted,
                 * before manager_start_instance() returns */
                s->n_connections++;
                if (manager_start_instance(s->manager, s, c) < 0)
                        s->n_connections--; /* no instance was made */
                s->n_accepted++;
        }
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct socket_unit *s = userdata;
        uint64_t now = now_usec(), until;
        int r;

        (void) source, (void) fd, (void) revents;
        if (!ratelimit_test(&s->poll_limit, now, &until)) {
                log_unit_warning(
                        s->unit->name, 0,
                        "Poll limit hit (%u wake-ups within PollLimitIntervalSec=), pausing for %.3gs",
                        s->poll_limit.burst, (double) (until - now) / USEC_PER_SEC);
                pause_until(s, until);
                return 0;
        }
        if (s->unit->socket.accept) {
                accept_connections(s, fd);
                return 0;
        }
        if (!s->service) {
                socket_unit_watch(s, false);
                return 0;
        }
        if (!ratelimit_test(&s->trigger_limit, now, &until)) {
                log_unit_warning(s->unit->name, 0,
                                 "Trigger limit hit (%u activations within TriggerLimitIntervalSec=), "
                                 "pausing for %.3gs",
                                 s->trigger_limit.burst, (double) (until - now) / USEC_PER_SEC);
                pause_until(s, until);
                return 0;
        }
        log_unit_debug(s->unit->name, "Incoming traffic, activating %s", s->service->unit->name);
        s->n_activations++;
        manager_service_activating(s->manager, s->service);
        r = service_unit_start(s->service, &until);
        if (r == -EAGAIN)
                manager_service_paused(s->manager, s->service, until);
        else if (r < 0)
                socket_unit_watch(s, false); /* the service cannot run: the socket stays bound, unwatched */
        return 0;
}

int socket_unit_watch(struct socket_unit *s, bool on)
{
        const struct socket_config *c = &s->unit->socket;
        int r;

        if (!s->listening || s->watching == on || (on && (s->state != SOCKET_LISTENING || s->n_lent > 0)))
                return 0;
        for (size_t i = 0; i < c->n_listens; i++) {
                if (!s->sources[i]) {
                        r = sd_event_add_io(s->manager->event, &s->sources[i], s->fds[i], EPOLLIN,
                                            on_readable, s);
                        if (r < 0)
                                return log_unit_error(s->unit->name, r, "Cannot watch the socket: %m");
                }
                r = sd_event_source_set_enabled(s->sources[i], on ? SD_EVENT_ON : SD_EVENT_OFF);
                if (r < 0)
                        return log_unit_error(s->unit->name, r, "Cannot watch the socket: %m");
        }
        s->watching = on;
        return 0;
}

void socket_unit_lend(struct socket_unit *s)
{
        if (s->n_lent++ == 0)
                log_unit_info(s->unit->name, "Fetched: not watched while the fetcher runs");
        socket_unit_watch(s, false);
}

void socket_unit_return(struct socket_unit *s, unsigned generation)
{
        if (generation != s->lend_generation || s->n_lent == 0 || --s->n_lent > 0)
                return;
        log_unit_info(s->unit->name, "Every fetcher has exited: watched again");
        socket_unit_rewatch(s);
}

void socket_unit_pause(struct socket_unit *s, uint64_t until)
{
        if (s->listening)
                pause_until(s, until);
}

/* FlushPending=: what waits on the sockets is discarded before they are watched again. */
static void flush_pending(struct socket_unit *s)
{
        const struct socket_config *c = &s->unit->socket;
        char buf[4096];

        for (size_t i = 0; i < c->n_listens; i++) {
                int type = listen_type_socket_type(c->listens[i].type);

                if (type == SOCK_STREAM || type == SOCK_SEQPACKET) {
                        int fd;
                        for (unsigned n = 0;
                             n < 1024 && (fd = accept4(s->fds[i], NULL, NULL, SOCK_CLOEXEC)) >= 0; n++)
                                close(fd);
                } else
                        for (unsigned n = 0; n < 1024 && read(s->fds[i], buf, sizeof(buf)) > 0; n++)
                                ;
        }
}

void socket_unit_instance_down(struct socket_unit *s, struct service_unit *instance)
{
        const struct service_connection *c = instance->connection;
        char status[32], from[PEER_ADDR_MAX + 16];

        if (s->n_connections > 0)
                s->n_connections--;
        if (!s->unit->socket.log_connections)
                return;
        if (c->pid == 0)
                snprintf(status, sizeof(status), "not started");
        else if (instance->main_code == CLD_EXITED)
                snprintf(status, sizeof(status), "status %d", instance->main_status);
        else
                snprintf(status, sizeof(status), "SIG%s", sigabbrev_np(instance->main_status) ?: "?");
        if (c->remote_port > 0)
                snprintf(from, sizeof(from), "%s:%u", c->remote_addr, c->remote_port);
        else
                snprintf(from, sizeof(from), "%s", c->remote_addr[0] ? c->remote_addr : "an unnamed peer");
        log_unit_info(s->unit->name, "Connection from %s served by %s: pid %d, %s, %.3fs, %s", from,
                      instance->unit->name, (int) c->pid, status,
                      (double) (now_usec() - c->accepted_usec) / USEC_PER_SEC,
                      service_result_to_string(instance->result));
}

void socket_unit_service_down(struct socket_unit *s)
{
        if (!s->listening || s->resume)
                return;
        if (s->unit->socket.flush_pending && s->n_lent == 0) /* lent: what waits is the fetcher's */
                flush_pending(s);
        socket_unit_rewatch(s);
}

static void close_listeners(struct socket_unit *s)
{
        const struct socket_config *c = &s->unit->socket;

        for (size_t i = 0; i < c->n_listens; i++) {
                s->sources[i] = sd_event_source_disable_unref(s->sources[i]);
                if (s->fds[i] >= 0)
                        close(s->fds[i]);
                s->fds[i] = -1;
        }
        s->resume = sd_event_source_disable_unref(s->resume);
        if (s->listening && c->remove_on_stop)
                socket_remove_paths(c);
        s->listening = s->watching = false;
        s->n_lent = 0; /* a fetcher keeps its copies of the closed fds; new ones are not lent */
        s->lend_generation++;
}

void socket_unit_free(struct socket_unit *s)
{
        if (!s)
                return;
        unitfile_free(s->template_file);
        commands_done(&s->commands);
        close_listeners(s);
        free(s->fds);
        free(s->sources);
        generation_unref(s->generation);
        free(s);
}

/* Whether fd is one of the listeners of s. */
static bool holds(const struct socket_unit *s, int fd)
{
        for (size_t i = 0; i < s->unit->socket.n_listens; i++)
                if (s->fds[i] == fd)
                        return true;
        return false;
}

int socket_unit_reconfigure(struct socket_unit *s, const struct unit *u, struct generation *g, int *fds)
{
        size_t n = u->socket.n_listens, old_n = s->unit->socket.n_listens;
        sd_event_source **sources = calloc(n + 1, sizeof(sd_event_source *));
        int *kept = malloc((n + 1) * sizeof(int));

        if (!sources || !kept) {
                for (size_t i = 0; fds && i < n; i++)
                        if (fds[i] >= 0 && !holds(s, fds[i]))
                                close(fds[i]);
                free(sources);
                free(kept);
                return -ENOMEM;
        }
        socket_unit_watch(s, false);
        for (size_t i = 0; i < n; i++) { /* a kept listener keeps its io source */
                kept[i] = fds ? fds[i] : -1;
                for (size_t j = 0; j < old_n; j++)
                        if (kept[i] >= 0 && s->fds[j] == kept[i]) {
                                sources[i] = TAKE_PTR(s->sources[j]);
                                s->fds[j] = -1;
                        }
        }
        for (size_t j = 0; j < old_n; j++) { /* the others close, now that their successors listen */
                s->sources[j] = sd_event_source_disable_unref(s->sources[j]);
                if (s->fds[j] >= 0)
                        close(s->fds[j]);
        }
        free(s->fds);
        free(s->sources);
        s->fds = kept;
        s->sources = sources;
        s->unit = u;
        generation_unref(s->generation);
        s->generation = generation_ref(g);
        set_limits(s);
        return 0;
}

void socket_unit_rewatch(struct socket_unit *s)
{
        bool idle = (s->unit->socket.accept || !s->service || service_unit_is_down(s->service)) &&
                    (!s->previous || service_unit_is_down(s->previous));

        if (s->resume || s->manager->stopping)
                return; /* paused: the pause's end watches */
        socket_unit_watch(s, idle);
}

static void set_state(struct socket_unit *s, enum socket_state state)
{
        enum socket_state old = s->state;

        if (old == state)
                return;
        log_unit_debug(s->unit->name, "%s → %s", socket_state_to_string(old), socket_state_to_string(state));
        s->state = state;
        if ((old == SOCKET_START_PRE || old == SOCKET_START_POST) && state != SOCKET_START_POST)
                manager_socket_settled(s->manager, s);
        if (state == SOCKET_DEAD || state == SOCKET_FAILED)
                manager_socket_down(s->manager, s);
}

static void on_commands_done(struct commands *c, bool success, void *userdata);

static void run_commands(struct socket_unit *s, enum socket_state state, const struct exec_list *list)
{
        set_state(s, state);
        if (commands_start(&s->commands, s->manager->event, &s->manager->children, s->unit,
                           &s->manager->roots, list, s->unit->socket.timeout, on_commands_done, s) < 0) {
                log_unit_error(s->unit->name, ENOMEM, "Cannot run the commands of %s: %m",
                               socket_state_to_string(state));
                s->failed = true;
                close_listeners(s);
                set_state(s, SOCKET_FAILED);
        }
}

static void enter_stop_pre(struct socket_unit *s)
{
        run_commands(s, SOCKET_STOP_PRE, &s->unit->socket.exec_stop_pre);
}

static void enter_stop_post(struct socket_unit *s)
{
        close_listeners(s);
        run_commands(s, SOCKET_STOP_POST, &s->unit->socket.exec_stop_post);
}

static void enter_listening(struct socket_unit *s)
{
        set_state(s, SOCKET_LISTENING);
        if (s->stop_requested) {
                enter_stop_pre(s);
                return;
        }
        if (s->unit->socket.accept || !s->service || service_unit_is_down(s->service))
                socket_unit_watch(s, true);
}

static void on_commands_done(struct commands *c, bool success, void *userdata)
{
        struct socket_unit *s = userdata;

        (void) c;
        if (!success && !s->stop_requested)
                s->failed = true;
        switch (s->state) {
        case SOCKET_START_PRE:
                if (!success || s->stop_requested)
                        enter_stop_post(s);
                else if (open_listeners(s) < 0) {
                        s->failed = true;
                        enter_stop_post(s);
                } else
                        run_commands(s, SOCKET_START_POST, &s->unit->socket.exec_start_post);
                break;
        case SOCKET_START_POST:
                if (success && !s->stop_requested)
                        enter_listening(s);
                else
                        enter_stop_pre(s);
                break;
        case SOCKET_STOP_PRE:
                enter_stop_post(s);
                break;
        case SOCKET_STOP_POST:
                set_state(s, s->failed ? SOCKET_FAILED : SOCKET_DEAD);
                break;
        default:
                break;
        }
}

void socket_unit_start(struct socket_unit *s)
{
        if (!socket_unit_is_down(s))
                return;
        s->failed = s->stop_requested = false;
        run_commands(s, SOCKET_START_PRE, &s->unit->socket.exec_start_pre);
}

void socket_unit_stop(struct socket_unit *s)
{
        s->stop_requested = true;
        switch (s->state) {
        case SOCKET_START_PRE:
        case SOCKET_START_POST:
                commands_terminate(&s->commands);
                break;
        case SOCKET_LISTENING:
                socket_unit_watch(s, false);
                s->resume = sd_event_source_disable_unref(s->resume);
                enter_stop_pre(s);
                break;
        default:
                break;
        }
}

bool socket_unit_is_down(const struct socket_unit *s)
{
        return s->state == SOCKET_DEAD || s->state == SOCKET_FAILED;
}

void socket_unit_serialize(const struct socket_unit *s, FILE *f, struct fd_pass *p)
{
        fprintf(f, "socket %s %s %u %" PRIu64 " %" PRIu64, s->unit->name, socket_state_to_string(s->state),
                s->n_accepted, s->n_activations, s->n_refused);
        for (size_t i = 0; i < s->unit->socket.n_listens; i++)
                fprintf(f, " %d", fd_pass(p, s->listening ? s->fds[i] : -1));
        fputc('\n', f);
}

int socket_unit_deserialize(struct socket_unit *s, char *line, struct restore *r)
{
        const struct socket_config *c = &s->unit->socket;
        long long accepted, activations, refused, fd;
        const char *state = restore_word(&line);

        if (!state || !restore_word_int(&line, &accepted) || !restore_word_int(&line, &activations) ||
            !restore_word_int(&line, &refused))
                return -EBADMSG;
        s->n_accepted = (unsigned) accepted;
        s->n_activations = (uint64_t) activations;
        s->n_refused = s->n_refused_logged = (uint64_t) refused;
        if (streq(state, "dead") || streq(state, "failed")) {
                s->state = streq(state, "dead") ? SOCKET_DEAD : SOCKET_FAILED;
                return 0;
        }
        if (!streq(state, "listening"))
                return -EBADMSG; /* not settled: never written */
        /* every listener, each the socket of its line, or the unit starts again and adopts what it can */
        for (size_t i = 0; i < c->n_listens; i++) {
                if (!restore_word_int(&line, &fd) || fd < 0 || fd > INT32_MAX ||
                    !restore_holds(r, (int) fd) || !socket_fd_matches((int) fd, c, &c->listens[i])) {
                        for (size_t j = 0; j < i; j++)
                                s->fds[j] = -1;
                        return -ENOENT;
                }
                s->fds[i] = (int) fd;
        }
        for (size_t i = 0; i < c->n_listens; i++)
                (void) restore_take(r, s->fds[i]);
        s->listening = true;
        s->state = SOCKET_LISTENING;
        socket_unit_rewatch(s);
        return 0;
}
