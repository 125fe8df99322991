/* The daemon's run-time state; see manager.h. Socket units and services are arrays in the
 * order of the unit set (sorted by name); each service knows the sockets that feed it. */
#include <errno.h>

#include "log.h"
#include "manager.h"
#include "reaper.h"

static struct service_unit *find_service(struct manager *m, const char *name)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (streq(m->services[i].unit->name, name))
                        return &m->services[i];
        return NULL;
}

/* Whether socket unit k hands its fds to service s: it activates s, or s names it in Sockets=. */
static bool feeds(const struct manager *m, size_t k, const struct service_unit *s)
{
        const struct socket_unit *so = &m->sockets[k];

        return so->service == s || strv_contains(s->unit->service.sockets, so->unit->name);
}

int manager_service_fds(struct manager *m, const struct service_unit *s, int **ret_fds, char ***ret_names,
                        size_t *ret_n)
{
        _cleanup_free_ int *fds = NULL;
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0, max = 0;
        int r;

        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m, k, s) && m->sockets[k].listening)
                        max += m->sockets[k].unit->socket.n_listens;
        fds = calloc(max + 1, sizeof(int));
        if (!fds)
                return -ENOMEM;
        for (size_t k = 0; k < m->n_sockets; k++) {
                const struct socket_unit *so = &m->sockets[k];

                if (!feeds(m, k, s) || !so->listening)
                        continue;
                for (size_t i = 0; i < so->unit->socket.n_listens; i++) {
                        fds[n++] = so->fds[i];
                        r = strv_extend(&names, unit_socket_fd_name(so->unit));
                        if (r < 0)
                                return r;
                }
        }
        *ret_fds = TAKE_PTR(fds);
        *ret_names = TAKE_PTR(names);
        *ret_n = n;
        return 0;
}

static bool all_services_down(const struct manager *m)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (!service_unit_is_down(&m->services[i]))
                        return false;
        return true;
}

static bool all_sockets_down(const struct manager *m)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (!socket_unit_is_down(&m->sockets[k]))
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
                socket_unit_stop(&m->sockets[k]);
        if (!all_sockets_down(m))
                return;
        notify_socket_close(&m->notify);
        log_info("Every unit stopped, exiting");
        sd_event_exit(m->event, 0);
}

void manager_socket_settled(struct manager *m, struct socket_unit *s)
{
        (void) s;
        if (m->n_sockets_starting > 0 && --m->n_sockets_starting == 0 && !m->stopping)
                log_info("%zu sockets listening, ready", manager_listening(m));
}

void manager_socket_down(struct manager *m, struct socket_unit *s)
{
        (void) s;
        if (m->stopping)
                continue_stop(m);
}

void manager_service_down(struct manager *m, struct service_unit *s)
{
        if (m->stopping) {
                continue_stop(m);
                return;
        }
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m, k, s))
                        socket_unit_service_down(&m->sockets[k]);
}

void manager_service_activating(struct manager *m, struct service_unit *s)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m, k, s))
                        socket_unit_watch(&m->sockets[k], false);
}

void manager_service_paused(struct manager *m, struct service_unit *s, uint64_t until)
{
        for (size_t k = 0; k < m->n_sockets; k++)
                if (feeds(m, k, s))
                        socket_unit_pause(&m->sockets[k], until);
}

bool manager_owns_pid(const struct manager *m, pid_t pid)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (m->services[i].main_pid == pid || m->services[i].control_pid == pid)
                        return true;
        for (size_t k = 0; k < m->n_sockets; k++)
                if (m->sockets[k].commands.pid == pid)
                        return true;
        return false;
}

size_t manager_listening(const struct manager *m)
{
        size_t n = 0;

        for (size_t k = 0; k < m->n_sockets; k++)
                if (m->sockets[k].listening)
                        n += m->sockets[k].unit->socket.n_listens;
        return n;
}

/* One runtime object per loaded unit. Template services (checked as an instance) are kept for
 * Accept=yes and get no service_unit of their own. */
static int create_units(struct manager *m)
{
        size_t n_sockets = 0, n_services = 0;
        int r;

        for (size_t i = 0; i < m->units.n_reports; i++) {
                const struct unit_report *rep = &m->units.reports[i];

                if (!rep->unit || unit_name_is_template(rep->name))
                        continue;
                if (rep->unit->type == UNIT_SOCKET)
                        n_sockets++;
                else
                        n_services++;
        }
        m->sockets = calloc(n_sockets + 1, sizeof(struct socket_unit));
        m->services = calloc(n_services + 1, sizeof(struct service_unit));
        if (!m->sockets || !m->services)
                return -ENOMEM;
        for (size_t i = 0; i < m->units.n_reports; i++) {
                const struct unit_report *rep = &m->units.reports[i];

                if (!rep->unit || unit_name_is_template(rep->name))
                        continue;
                if (rep->unit->type == UNIT_SOCKET)
                        r = socket_unit_init(&m->sockets[m->n_sockets++], m, rep->unit);
                else
                        r = service_unit_init(&m->services[m->n_services++], m, rep->unit);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = &m->sockets[k];
                _cleanup_free_ char *service = NULL;

                if (so->unit->socket.accept)
                        continue;
                r = unit_socket_service_name(so->unit, &service);
                if (r < 0)
                        return r;
                so->service = find_service(m, service);
        }
        return 0;
}

/* A Type=forking service needs sockactd to be a subreaper (reaper.h); without it, its daemon
 * could not be supervised and its start fails. */
static void start_reaper(struct manager *m)
{
        int r;

        for (size_t i = 0; i < m->n_services; i++)
                if (m->services[i].unit->service.type == SERVICE_FORKING) {
                        r = reaper_start(m);
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

int manager_start(struct manager *m, sd_event *event, struct unit_set *units, const struct exec_roots *roots,
                  const char *runtime_dir)
{
        int r;

        m->event = sd_event_ref(event);
        m->units = *units;
        *units = (struct unit_set){ 0 };
        m->roots = *roots;
        m->notify.fd = -1;
        open_cgroups(m);
        r = create_units(m);
        if (r < 0)
                return r;
        start_reaper(m);
        r = notify_socket_open(&m->notify, m, runtime_dir);
        if (r < 0)
                return r;

        m->n_sockets_starting = m->n_sockets;
        for (size_t k = 0; k < m->n_sockets; k++)
                socket_unit_start(&m->sockets[k]);
        if (m->n_sockets == 0)
                log_info("0 sockets listening, ready");
        return 0;
}

void manager_begin_stop(struct manager *m)
{
        if (m->stopping)
                return;
        m->stopping = true;
        for (size_t i = 0; i < m->n_services; i++)
                service_unit_stop(&m->services[i]);
        continue_stop(m);
}

void manager_free(struct manager *m)
{
        notify_socket_close(&m->notify);
        m->reaper = sd_event_source_disable_unref(m->reaper);
        for (size_t i = 0; i < m->n_services; i++)
                service_unit_done(&m->services[i]);
        for (size_t k = 0; k < m->n_sockets; k++)
                socket_unit_done(&m->sockets[k]);
        cgroup_root_close(&m->cgroups);
        free(m->services);
        free(m->sockets);
        unit_set_clear(&m->units);
        m->event = sd_event_unref(m->event);
}
