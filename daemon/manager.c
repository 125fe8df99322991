/* The daemon's run-time state; see manager.h. Socket units and services are arrays in the
 * order of the unit set (sorted by name); each service knows the sockets that feed it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <systemd/sd-daemon.h>

#include "control.h"
#include "log.h"
#include "manager.h"
#include "peer.h"
#include "reaper.h"
#include "socket.h"

struct generation *generation_new(struct unit_set *units)
{
        struct generation *g = calloc(1, sizeof(*g));

        if (!g)
                return NULL;
        g->units = *units;
        *units = (struct unit_set){ 0 };
        g->n_ref = 1;
        return g;
}

struct generation *generation_ref(struct generation *g)
{
        if (g)
                g->n_ref++;
        return g;
}

void generation_unref(struct generation *g)
{
        if (!g || --g->n_ref > 0)
                return;
        unit_set_clear(&g->units);
        free(g);
}

struct socket_unit *manager_find_socket(struct manager *m, const char *name)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (!m->sockets[k]->removed && streq(m->sockets[k]->unit->name, name))
                        return m->sockets[k];
        return NULL;
}

struct service_unit *manager_find_service(struct manager *m, const char *name)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (!m->services[i]->removed && streq(m->services[i]->unit->name, name))
                        return m->services[i];
        return NULL;
}

/* Whether socket unit so hands its fds to service s: it activates s, or s names it in Sockets=. */
static bool feeds(const struct socket_unit *so, const struct service_unit *s)
{
        return so->service == s || so->previous == s ||
               (!so->removed && strv_contains(s->unit->service.sockets, so->unit->name));
}

int manager_service_fds(struct manager *m, const struct service_unit *s, int **ret_fds, char ***ret_names,
                        size_t *ret_n)
{
        _cleanup_free_ int *fds = NULL;
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0, max = 0;
        int r;

        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m->sockets[k], s) && m->sockets[k]->listening)
                        max += m->sockets[k]->unit->socket.n_listens;
        max += s->fd_store.n;
        fds = calloc(max + 1, sizeof(int));
        if (!fds)
                return -ENOMEM;
        for (size_t k = 0; k < m->n_sockets; k++) {
                const struct socket_unit *so = m->sockets[k];

                if (!feeds(so, s) || !so->listening)
                        continue;
                for (size_t i = 0; i < so->unit->socket.n_listens; i++) {
                        fds[n++] = so->fds[i];
                        r = strv_extend(&names, unit_socket_fd_name(so->unit));
                        if (r < 0)
                                return r;
                }
        }
        for (size_t i = 0; i < s->fd_store.n; i++) { /* then the fd store, in its order */
                fds[n++] = s->fd_store.fds[i]->fd;
                r = strv_extend(&names, s->fd_store.fds[i]->name);
                if (r < 0)
                        return r;
        }
        *ret_fds = TAKE_PTR(fds);
        *ret_names = TAKE_PTR(names);
        *ret_n = n;
        return 0;
}

static bool all_services_down(const struct manager *m)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (!service_unit_is_down(m->services[i]))
                        return false;
        for (const struct service_unit *s = m->instances; s; s = s->next_instance)
                if (!service_unit_is_down(s))
                        return false;
        return true;
}

static void unlink_instance(struct manager *m, struct service_unit *s)
{
        if (s->prev_instance)
                s->prev_instance->next_instance = s->next_instance;
        else
                m->instances = s->next_instance;
        if (s->next_instance)
                s->next_instance->prev_instance = s->prev_instance;
        m->n_instances--;
}

/* The instances that ended, and the units a reload removed once they are down, are freed here, from
 * the loop: never from within their own callbacks. */
static int on_collect(sd_event_source *source, void *userdata)
{
        struct manager *m = userdata;
        struct service_unit *next;
        size_t kept = 0;

        (void) source;
        for (struct service_unit *s = m->instances; s; s = next) {
                next = s->next_instance;
                if (service_unit_is_down(s)) {
                        unlink_instance(m, s);
                        service_instance_free(s);
                }
        }
        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];

                if (so->removed && socket_unit_is_down(so) && so->n_connections == 0) {
                        log_unit_debug(so->unit->name, "Removed");
                        fd_holder_forget(&m->holder, so);
                        socket_unit_free(so);
                } else
                        m->sockets[kept++] = so;
        }
        m->n_sockets = kept;
        kept = 0;
        for (size_t i = 0; i < m->n_services; i++) {
                struct service_unit *s = m->services[i];

                if (s->removed && service_unit_is_down(s)) {
                        log_unit_debug(s->unit->name, "Removed");
                        for (size_t k = 0; k < m->n_sockets; k++)
                                if (m->sockets[k]->previous == s)
                                        m->sockets[k]->previous = NULL;
                        service_unit_free(s);
                } else
                        m->services[kept++] = s;
        }
        m->n_services = kept;
        return 0;
}

void manager_collect(struct manager *m)
{
        (void) sd_event_source_set_enabled(m->collect, SD_EVENT_ONESHOT);
}

/* The instance name of an accepted connection, as systemd makes it. */
static int instance_name(const struct socket_unit *so, const struct service_connection *c, char *buf,
                         size_t size)
{
        char instance[UNIT_NAME_MAX];
        int r = peer_instance_name(so->n_accepted, c->fd, &c->peer, instance, sizeof(instance));

        if (r < 0)
                return r;
        r = snprintf(buf, size, "%.*s%s.service", (int) (strchr(so->template->name, '@') - so->template->name + 1),
                     so->template->name, instance);
        return r > 0 && (size_t) r < size ? 0 : -ENAMETOOLONG;
}

unsigned manager_connections_from(const struct manager *m, const struct socket_unit *s,
                                  const struct peer_source *source)
{
        unsigned n = 0;

        for (const struct service_unit *i = m->instances; i; i = i->next_instance)
                n += i->connection->socket == s && !service_unit_is_down(i) &&
                     peer_source_equal(&i->connection->source, source);
        return n;
}

static void release_fd_reserve(struct manager *m)
{
        for (size_t i = 0; i < MANAGER_FD_RESERVE; i++)
                m->fd_reserve[i] = safe_close(m->fd_reserve[i]);
}

bool manager_fd_reserve_fill(struct manager *m)
{
        for (size_t i = 0; i < MANAGER_FD_RESERVE; i++) {
                if (m->fd_reserve[i] >= 0)
                        continue;
                m->fd_reserve[i] = m->roots.null_fd >= 0 ? fcntl(m->roots.null_fd, F_DUPFD_CLOEXEC, 0)
                                                         : open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (m->fd_reserve[i] < 0)
                        return false;
        }
        return true;
}

int manager_make_instance(struct manager *m, struct socket_unit *so, struct service_connection *c,
                          struct service_unit **ret)
{
        struct unit *own = NULL;
        struct service_unit *s;
        int r;

        c->socket = so;
        if (so->template_file) {
                /* the template uses the instance's name (%i, %n…): it is applied again for this one */
                struct diag diag = { 0 };

                r = unit_load_from(so->template_file, c->name, &m->load_options, &own, &diag);
                for (size_t i = 0; i < diag.n; i++)
                        log_unit_error(c->name, 0, "%s", diag.messages[i]);
                diag_clear(&diag);
                if (r < 0) {
                        close(c->fd);
                        free(c);
                        return r;
                }
        } else {
                c->shallow = *so->template;
                c->shallow.name = c->name;
        }
        s = service_instance_new(m, own ? own : &c->shallow, own, so->generation, c);
        if (!s)
                return log_error(ENOMEM, "Cannot start an instance: %m");
        s->next_instance = m->instances;
        if (m->instances)
                m->instances->prev_instance = s;
        m->instances = s;
        m->n_instances++;
        *ret = s;
        return 0;
}

int manager_start_instance(struct manager *m, struct socket_unit *so, struct service_connection *c)
{
        struct service_unit *s;
        uint64_t unused;
        int r;

        r = instance_name(so, c, c->name, sizeof(c->name));
        if (r < 0) {
                log_unit_warning(so->unit->name, r, "Cannot name the instance for a connection: %m");
                close(c->fd);
                free(c);
                return r;
        }
        r = manager_make_instance(m, so, c, &s);
        if (r < 0)
                return r;
        release_fd_reserve(m);
        r = service_unit_start(s, &unused);
        if (r < 0 || service_unit_is_down(s))
                (void) sd_event_source_set_enabled(m->collect, SD_EVENT_ONESHOT);
        return r;
}

static bool all_sockets_down(const struct manager *m)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (!socket_unit_is_down(m->sockets[k]))
                        return false;
        return true;
}

/* While stopping: services first, then the sockets (their ExecStopPre=, close, ExecStopPost=),
 * then the loop ends. Called again whenever a unit goes down. */
static void continue_stop(struct manager *m)
{
        if (!all_services_down(m))
                return;
        for (size_t k = 0; k < m->n_sockets; k++)
                socket_unit_stop(m->sockets[k]);
        if (!all_sockets_down(m))
                return;
        notify_socket_close(&m->notify);
        control_server_close(&m->control);
        control_server_close(&m->fds_server);
        log_info("Every unit stopped, exiting");
        sd_event_exit(m->event, 0);
}

int manager_adopt(struct manager *m, const struct socket_config *c, const struct listen *l)
{
        for (size_t i = 0; i < m->n_adoptable; i++)
                if (m->adoptable[i] >= 0 && socket_fd_matches(m->adoptable[i], c, l))
                        return TAKE_FD(m->adoptable[i]);
        return -1;
}

/* The inherited sockets that no unit took are closed. */
static void release_adoptable(struct manager *m)
{
        for (size_t i = 0; i < m->n_adoptable; i++)
                if (m->adoptable[i] >= 0) {
                        log_warning(0, "Inherited fd %d is the listener of no unit: closed",
                                    m->adoptable[i]);
                        m->adoptable[i] = safe_close(m->adoptable[i]);
                }
}

/* Every socket unit has settled: logged, and told to sockactd's own manager when it has one
 * ($NOTIFY_SOCKET; sd_notify() does nothing without it). */
static void ready(struct manager *m)
{
        char status[MANAGER_STATUS_MAX];

        release_adoptable(m);
        log_info("%zu sockets listening, ready", manager_listening(m));
        manager_status(m, status);
        (void) sd_notifyf(false, "READY=1\nSTATUS=%s", status);
}

void manager_status(const struct manager *m, char buf[MANAGER_STATUS_MAX])
{
        size_t failed = 0;

        for (size_t k = 0; k < m->n_sockets; k++)
                failed += m->sockets[k]->state == SOCKET_FAILED;
        snprintf(buf, MANAGER_STATUS_MAX, "%zu sockets listening, %zu failed", manager_listening(m), failed);
}

void manager_socket_settled(struct manager *m, struct socket_unit *s)
{
        (void) s;
        if (m->n_sockets_starting > 0 && --m->n_sockets_starting == 0 && !m->stopping)
                ready(m);
}

void manager_socket_down(struct manager *m, struct socket_unit *s)
{
        if (s->removed)
                manager_collect(m);
        if (m->stopping) {
                continue_stop(m);
                return;
        }
        if (s->restart_requested) {
                s->restart_requested = false;
                socket_unit_start(s);
        }
}

void manager_service_down(struct manager *m, struct service_unit *s)
{
        if (s->connection) {
                socket_unit_instance_down(s->connection->socket, s);
                (void) sd_event_source_set_enabled(m->collect, SD_EVENT_ONESHOT);
                if (m->stopping)
                        continue_stop(m);
                return;
        }
        if (s->removed)
                manager_collect(m);
        if (m->stopping) {
                continue_stop(m);
                return;
        }
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m->sockets[k], s)) {
                        if (m->sockets[k]->previous == s)
                                m->sockets[k]->previous = NULL;
                        socket_unit_service_down(m->sockets[k]);
                }
}

void manager_service_activating(struct manager *m, struct service_unit *s)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m->sockets[k], s))
                        socket_unit_watch(m->sockets[k], false);
}

void manager_service_paused(struct manager *m, struct service_unit *s, uint64_t until)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m->sockets[k], s))
                        socket_unit_pause(m->sockets[k], until);
}

bool manager_owns_pid(const struct manager *m, pid_t pid)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (m->services[i]->main_pid == pid || m->services[i]->control_pid == pid)
                        return true;
        for (size_t k = 0; k < m->n_sockets; k++)
                if (m->sockets[k]->commands.pid == pid)
                        return true;
        for (const struct service_unit *s = m->instances; s; s = s->next_instance)
                if (s->main_pid == pid || s->control_pid == pid)
                        return true;
        return false;
}

size_t manager_listening(const struct manager *m)
{
        size_t n = 0;

        for (size_t k = 0; k < m->n_sockets; k++)
                if (m->sockets[k]->listening)
                        n += m->sockets[k]->unit->socket.n_listens;
        return n;
}

/* Whether a unit file names its instance (%i, %I, %j, %J, %n, %N) in a value, so that each
 * instance must be applied with its own name. */
static bool names_instance(const struct unitfile *f)
{
        for (size_t i = 0; i < f->n_assignments; i++)
                for (const char *p = f->assignments[i].value; (p = strchr(p, '%')) && p[1]; p += 2)
                        if (strchr("iIjJnN", p[1]))
                                return true;
        return false;
}

/* Accept=yes: the template each connection's instance comes from, as loaded (checked as
 * "foo@instance.service"), and its file when instances must be applied one by one. A template
 * made in memory (ad-hoc mode) has no file, and names no instance. */
static int find_template(struct socket_unit *so, const char *name)
{
        struct diag diag = { 0 };
        int r;

        unitfile_free(so->template_file);
        so->template_file = NULL;
        so->template = unit_set_find(&so->generation->units, name);
        if (!so->template || access(so->template->path, F_OK) < 0)
                return 0;
        r = unitfile_read(so->template->path, &so->template_file, &diag);
        diag_clear(&diag); /* it was read once already, when it loaded */
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && names_instance(so->template_file))
                return 0;
        unitfile_free(so->template_file);
        so->template_file = NULL;
        return 0;
}

int manager_link_units(struct manager *m)
{
        int r;

        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];
                struct service_unit *before = so->service;
                _cleanup_free_ char *service = NULL;

                so->service = NULL;
                if (so->removed)
                        continue;
                r = unit_socket_service_name(so->unit, &service);
                if (r < 0)
                        return r;
                if (so->unit->socket.accept) {
                        r = find_template(so, service);
                        if (r < 0)
                                return r;
                } else {
                        so->template = NULL;
                        so->service = manager_find_service(m, service);
                }
                if (before && before != so->service && !service_unit_is_down(before))
                        so->previous = before; /* it holds the fds: no second service on them */
        }
        return 0;
}

/* One runtime object per loaded unit. Template services (checked as an instance) are kept for
 * Accept=yes and get no service_unit of their own. */
static int create_units(struct manager *m)
{
        const struct unit_set *set = &m->generation->units;

        m->sockets = calloc(set->n + 1, sizeof(struct socket_unit *));
        m->services = calloc(set->n + 1, sizeof(struct service_unit *));
        if (!m->sockets || !m->services)
                return -ENOMEM;
        for (size_t i = 0; i < set->n_reports; i++) {
                const struct unit *u = set->reports[i].unit;

                if (!u || unit_name_is_template(set->reports[i].name))
                        continue;
                if (u->type == UNIT_SOCKET) {
                        m->sockets[m->n_sockets] = socket_unit_new(m, u, m->generation);
                        if (!m->sockets[m->n_sockets++])
                                return -ENOMEM;
                } else {
                        m->services[m->n_services] = service_unit_new(m, u, m->generation);
                        if (!m->services[m->n_services++])
                                return -ENOMEM;
                }
        }
        return manager_link_units(m);
}

/* A Type=forking service needs sockactd to be a subreaper (reaper.h); without it, its daemon
 * could not be supervised and its start fails. */
static void start_reaper(struct manager *m)
{
        int r;

        for (size_t i = 0; i < m->n_services; i++)
                if (m->services[i]->unit->service.type == SERVICE_FORKING) {
                        r = reaper_start();
                        if (r < 0)
                                log_warning(r, "Cannot adopt orphans (%m): Type=forking services will fail");
                        return;
                }
}

static void open_cgroups(struct manager *m)
{
        const char *reason = NULL;
        int r = cgroup_root_open(&m->cgroups, &reason);

        if (r == -ENOMEM)
                log_warning(r, "Cannot make the services' cgroups: %m; tracking process groups only");
        else if (r < 0)
                log_info("Services are tracked by their process groups: %s (%s)", reason, strerror(-r));
        else
                log_debug("Services are tracked in cgroups below %s", m->cgroups.path);
}

int manager_start(struct manager *m, sd_event *event, struct unit_set *units, char *const *unit_dirs,
                  const struct exec_roots *roots, const char *runtime_dir, struct restore *restore)
{
        int r;

        m->event = sd_event_ref(event);
        m->generation = generation_new(units);
        if (!m->generation)
                return -ENOMEM;
        m->unit_dirs = unit_dirs;
        m->roots = *roots;
        m->notify.fd = -1;
        for (size_t i = 0; i < MANAGER_FD_RESERVE; i++)
                m->fd_reserve[i] = -1;
        /* one /dev/null for every child's stdio and for the fd reserve */
        m->roots.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
        open_cgroups(m);
        r = children_start(&m->children, event);
        if (r < 0)
                return r;
        r = create_units(m);
        if (r < 0)
                return r;
        fd_holder_init(&m->holder, m);
        start_reaper(m);
        r = sd_event_add_defer(event, &m->collect, on_collect, m);
        if (r >= 0)
                r = sd_event_source_set_enabled(m->collect, SD_EVENT_OFF);
        if (r < 0)
                return r;
        r = notify_socket_open(&m->notify, m, runtime_dir,
                               restore_take(restore, restore_number(restore, "notify")));
        if (r < 0)
                return r;
        r = control_server_open(&m->control, m, runtime_dir, CONTROL_SOCKET, m->control_group, false,
                                restore_take(restore, restore_number(restore, "control")));
        if (r < 0)
                return r;
        r = control_server_open(&m->fds_server, m, runtime_dir, CONTROL_FDS_SOCKET, (gid_t) -1, true,
                                restore_take(restore, restore_number(restore, "fds")));
        if (r < 0)
                return r;

        int client = restore_take(restore, restore_number(restore, "client"));
        _cleanup_free_ bool *restored = calloc(m->n_sockets + 1, sizeof(bool));
        if (!restored)
                return -ENOMEM;
        if (restore->n_lines > 0 && (r = manager_restore(m, restore, restored)) < 0)
                return r;
        r = restore_release(restore, m); /* the sockets left: adopted by address (LISTEN_FDS too) */
        if (r < 0)
                return r;
        for (size_t k = 0; k < m->n_sockets; k++)
                m->n_sockets_starting += !restored[k];
        for (size_t k = 0; k < m->n_sockets; k++)
                if (!restored[k])
                        socket_unit_start(m->sockets[k]);
        if (m->n_sockets_starting == 0)
                ready(m);
        if (client >= 0) {
                _cleanup_free_ char *answer = NULL;
                size_t len = 0;

                if (control_append_u64(&answer, &len, "pid", (uint64_t) getpid()) < 0 ||
                    control_append_u64(&answer, &len, "listening", manager_listening(m)) < 0 ||
                    control_append_u64(&answer, &len, "instances", m->n_instances) < 0 ||
                    control_end_record(&answer, &len) < 0)
                        return -ENOMEM;
                control_server_answer(&m->control, client, TAKE_PTR(answer), len);
        }
        /* a child that exited while the exec ran may have had its SIGCHLD taken by the former image:
         * every child is looked at once more */
        if (restore->n_lines > 0)
                (void) raise(SIGCHLD);
        return 0;
}

void manager_begin_stop(struct manager *m)
{
        if (m->stopping)
                return;
        m->stopping = true;
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
        for (size_t i = 0; i < m->n_services; i++)
                service_unit_stop(m->services[i]);
        for (struct service_unit *s = m->instances; s; s = s->next_instance)
                service_unit_stop(s);
        continue_stop(m);
}

void manager_free(struct manager *m)
{
        if (!m->event)
                return; /* manager_start() never ran: nothing is owned yet */
        notify_socket_close(&m->notify);
        control_server_close(&m->control);
        control_server_close(&m->fds_server);
        fd_holder_done(&m->holder);
        children_stop(&m->children);
        m->collect = sd_event_source_disable_unref(m->collect);
        while (m->instances) {
                struct service_unit *s = m->instances;

                unlink_instance(m, s);
                service_instance_free(s);
        }
        for (size_t i = 0; i < m->n_services; i++)
                service_unit_free(m->services[i]);
        for (size_t k = 0; k < m->n_sockets; k++)
                socket_unit_free(m->sockets[k]);
        cgroup_root_close(&m->cgroups);
        release_fd_reserve(m);
        for (size_t i = 0; i < m->n_adoptable; i++)
                safe_close(m->adoptable[i]);
        free(m->adoptable);
        m->roots.null_fd = safe_close(m->roots.null_fd);
        free(m->services);
        free(m->sockets);
        generation_unref(m->generation);
        m->event = sd_event_unref(m->event);
}
