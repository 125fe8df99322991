/* A socket unit at run time; see socket-unit.h. */
#include <errno.h>
#include <sys/socket.h>

#include "log.h"
#include "manager.h"
#include "value.h"
#include "socket-unit.h"
#include "socket.h"

int socket_unit_init(struct socket_unit *s, struct manager *m, const struct unit *u)
{
        size_t n = u->socket.n_listens;

        *s = (struct socket_unit){ .manager = m, .unit = u };
        s->fds = malloc(n * sizeof(int));
        s->sources = calloc(n, sizeof(sd_event_source *));
        if (!s->fds || !s->sources)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                s->fds[i] = -1;
        return 0;
}

static void listen_text(const struct listen *l, char buf[ADDRESS_FORMAT_MAX])
{
        if (l->path)
                snprintf(buf, ADDRESS_FORMAT_MAX, "%s", l->path);
        else if (address_format(&l->address, buf) < 0)
                snprintf(buf, ADDRESS_FORMAT_MAX, "?");
}

int socket_unit_open(struct socket_unit *s)
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

                r = socket_listen(c, &c->listens[i], &owner, &stage);
                if (r < 0) {
                        listen_text(&c->listens[i], text);
                        log_unit_error(s->unit->name, r, "%s: %s%s%m", text,
                                       streq_ptr(stage, "bind") ? "" : stage,
                                       streq_ptr(stage, "bind") ? "" : ": ");
                        socket_unit_close(s);
                        return r;
                }
                s->fds[i] = r;
        }
        r = socket_make_symlinks(c, &reason);
        if (r < 0) {
                log_unit_error(s->unit->name, r, "Symlinks=: %s: %m", reason);
                socket_unit_close(s);
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
        if (s->manager->stopping)
                return 0;
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
        if (sd_event_add_time(s->manager->event, &s->resume, CLOCK_MONOTONIC, until, 0, on_resume, s) < 0)
                log_unit_error(s->unit->name, 0, "Cannot arm the timer that resumes the socket");
}

/* TriggerLimitIntervalSec=/TriggerLimitBurst=: counts this activation; true when over the limit. */
static bool trigger_limit_hit(struct socket_unit *s, uint64_t now, uint64_t *ret_until)
{
        const struct socket_config *c = &s->unit->socket;

        if (c->trigger_limit_interval == 0 || c->trigger_limit_burst == 0)
                return false;
        if (now - s->trigger_window >= c->trigger_limit_interval) {
                s->trigger_window = now;
                s->triggers = 0;
        }
        if (++s->triggers <= c->trigger_limit_burst)
                return false;
        *ret_until = s->trigger_window + c->trigger_limit_interval;
        return true;
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct socket_unit *s = userdata;
        uint64_t now = now_usec(), until;
        int r;

        (void) source, (void) fd, (void) revents;
        if (!s->service) {
                socket_unit_watch(s, false);
                return 0;
        }
        if (trigger_limit_hit(s, now, &until)) {
                log_unit_warning(s->unit->name, 0,
                                 "Trigger limit hit (%u activations within TriggerLimitIntervalSec=), "
                                 "pausing for %.3gs",
                                 s->unit->socket.trigger_limit_burst, (double) (until - now) / USEC_PER_SEC);
                pause_until(s, until);
                return 0;
        }
        log_unit_debug(s->unit->name, "Incoming traffic, activating %s", s->service->unit->name);
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

        if (!s->listening || s->watching == on)
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

void socket_unit_service_down(struct socket_unit *s)
{
        if (!s->listening || s->resume)
                return;
        if (s->unit->socket.flush_pending)
                flush_pending(s);
        socket_unit_watch(s, true);
}

void socket_unit_close(struct socket_unit *s)
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
}

void socket_unit_done(struct socket_unit *s)
{
        socket_unit_close(s);
        free(s->fds);
        free(s->sources);
}
