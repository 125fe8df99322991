/* Reading the unit files again; see reload.h. A reload is a plan (what each unit becomes, and the
 * listeners it needs, opened), then a commit that cannot fail but for memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "control.h"
#include "dump.h"
#include "log.h"
#include "manager.h"
#include "reload.h"
#include "socket.h"

/* What becomes of one socket unit of the new set that exists already and listens. */
struct listeners {
        struct socket_unit *so;
        const struct unit *unit; /* its new unit */
        int *fds;                /* one per Listen*= line of unit: the kept fd, or the one opened for it */
        bool *opened;            /* which of fds were opened for the reload (closed if it fails) */
};

struct plan {
        struct unit_set units;
        struct listeners *listeners;
        size_t n_listeners;
        char *changes; /* the records */
        size_t len;
        char **lines; /* the same, one "NAME: change: detail" line each, for the log */
};

static void plan_done(struct plan *p)
{
        for (size_t i = 0; i < p->n_listeners; i++) {
                for (size_t j = 0; p->listeners[i].fds && p->listeners[i].opened &&
                                   j < p->listeners[i].unit->socket.n_listens;
                     j++)
                        if (p->listeners[i].opened[j])
                                close(p->listeners[i].fds[j]);
                free(p->listeners[i].fds);
                free(p->listeners[i].opened);
        }
        free(p->listeners);
        free(p->changes);
        strv_free(p->lines);
        unit_set_clear(&p->units);
}

/* The unit's effective configuration as text: two units are the same when their texts are. */
static char *dump_text(const struct unit *u)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return NULL;
        unit_dump(u, f);
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

/* Whether old and new differ; -ENOMEM. */
static int differ(const struct unit *old, const struct unit *new)
{
        _cleanup_free_ char *a = dump_text(old), *b = dump_text(new);

        if (!a || !b)
                return -ENOMEM;
        return !streq(a, b);
}

/* The index of the Listen*= line of c with that key, or -1; with taken, the first not taken yet (a
 * line keeps one socket, even when two lines are alike), then marked. */
static ssize_t find_listen(const struct socket_config *c, const char *key, bool *taken)
{
        for (size_t i = 0; i < c->n_listens; i++) {
                char other[SOCKET_LISTEN_KEY_MAX];

                if (taken && taken[i])
                        continue;
                socket_listen_key(c, &c->listens[i], other);
                if (streq(key, other)) {
                        if (taken)
                                taken[i] = true;
                        return (ssize_t) i;
                }
        }
        return -1;
}

/* Appends "verb ADDRESS" for each line of a that b has not, to *detail. */
static int describe_listens(const struct socket_config *a, const struct socket_config *b, const char *verb,
                            char **detail)
{
        for (size_t i = 0; i < a->n_listens; i++) {
                char key[SOCKET_LISTEN_KEY_MAX], text[ADDRESS_FORMAT_MAX];
                char *longer;

                socket_listen_key(a, &a->listens[i], key);
                if (find_listen(b, key, NULL) >= 0)
                        continue;
                if (socket_listen_text(&a->listens[i], text) < 0)
                        snprintf(text, sizeof(text), "?");
                if (strdup_printf(&longer, "%s%s%s %s", *detail ? *detail : "", *detail ? ", " : "", verb,
                                  text) < 0)
                        return -ENOMEM;
                free(*detail);
                *detail = longer;
        }
        return 0;
}

/* Whether a line of b is a line of a: a socket that stays open. */
static bool keeps_any(const struct socket_config *a, const struct socket_config *b)
{
        for (size_t i = 0; i < b->n_listens; i++) {
                char key[SOCKET_LISTEN_KEY_MAX];

                socket_listen_key(b, &b->listens[i], key);
                if (find_listen(a, key, NULL) >= 0)
                        return true;
        }
        return false;
}

/* What the reload says of a socket unit that changed: the addresses it opens and closes, and an
 * option that waits for a restart. */
static int socket_detail(const struct socket_unit *so, const struct unit *new, char **ret)
{
        const struct socket_config *a = &so->unit->socket, *b = &new->socket;
        const char *fixed = socket_options_fixed_change(a, b);
        _cleanup_free_ char *detail = NULL;
        char *longer;
        int r;

        if (!so->listening) {
                if (so->state == SOCKET_FAILED)
                        *ret = strdup("started again");
                return so->state == SOCKET_FAILED && !*ret ? -ENOMEM : 0;
        }
        r = describe_listens(b, a, "opens", &detail);
        if (r >= 0)
                r = describe_listens(a, b, "closes", &detail);
        if (r < 0)
                return r;
        if (fixed && keeps_any(a, b)) { /* a socket opened now has every new option */
                if (strdup_printf(&longer, "%s%s%s applies once %s is restarted", detail ? detail : "",
                                  detail ? ", " : "", fixed, new->name) < 0)
                        return -ENOMEM;
                free(detail);
                detail = longer;
        }
        *ret = TAKE_PTR(detail);
        return 0;
}

static int add_change(struct plan *p, const char *name, const char *change, const char *detail)
{
        int r = control_append(&p->changes, &p->len, "unit", name);

        if (r >= 0)
                r = control_append(&p->changes, &p->len, "change", change);
        if (r >= 0 && detail)
                r = control_append(&p->changes, &p->len, "detail", detail);
        if (r >= 0)
                r = control_end_record(&p->changes, &p->len);
        if (r >= 0) {
                char *line;

                r = strdup_printf(&line, "%s: %s%s%s", name, change, detail ? ": " : "",
                                  detail ? detail : "");
                if (r >= 0)
                        r = strv_consume(&p->lines, line);
        }
        return r;
}

/* The change of the unit of that name: from old (NULL: none) to new (NULL: none). */
static int plan_unit(struct manager *m, struct plan *p, const char *name, const struct unit *old,
                     const struct unit *new)
{
        struct socket_unit *so = new &&new->type == UNIT_SOCKET ? manager_find_socket(m, name) : NULL;
        _cleanup_free_ char *detail = NULL;
        int r;

        if (!old != !new)
                return add_change(p, name, new ? "added" : "removed", NULL);
        if (!old)
                return 0;
        r = differ(old, new);
        if (r <= 0)
                return r;
        if (so) {
                r = socket_detail(so, new, &detail);
                if (r < 0)
                        return r;
        }
        return add_change(p, name, "changed", detail);
}

/* Every unit name of both sets, in order, with what becomes of it. */
static int plan_changes(struct manager *m, struct plan *p)
{
        const struct unit_set *a = &m->generation->units, *b = &p->units;
        size_t i = 0, j = 0;
        int r = 0;

        while (r >= 0 && (i < a->n_reports || j < b->n_reports)) {
                int order = i == a->n_reports   ? 1
                            : j == b->n_reports ? -1
                                                : strcmp(a->reports[i].name, b->reports[j].name);

                if (order < 0) {
                        r = plan_unit(m, p, a->reports[i].name, a->reports[i].unit, NULL);
                        i++;
                } else if (order > 0) {
                        r = plan_unit(m, p, b->reports[j].name, NULL, b->reports[j].unit);
                        j++;
                } else {
                        r = plan_unit(m, p, a->reports[i].name, a->reports[i].unit, b->reports[j].unit);
                        i++, j++;
                }
        }
        return r;
}

/* A unit file that did not load refuses the whole reload. */
static int check_loaded(const struct plan *p, struct diag *errors)
{
        bool broken = errors->n > 0;

        for (size_t i = 0; i < p->units.n_reports; i++)
                if (!p->units.reports[i].unit && !p->units.reports[i].template_file) {
                        broken = true;
                        if (errors->n == 0)
                                (void) diag_add(errors, p->units.reports[i].path, 0, "%s did not load",
                                                p->units.reports[i].name);
                }
        return broken ? -EINVAL : 0;
}

/* Stored fds may not take a socket unit's name (fdholder.h): a new name that stored fds bear
 * refuses the reload. */
static int check_stored_names(struct manager *m, const struct plan *p, struct diag *errors)
{
        int r = 0;

        for (size_t i = 0; i < p->units.n; i++) {
                const struct unit *u = p->units.units[i];

                if (u->type != UNIT_SOCKET)
                        continue;
                if (fd_holder_has(&m->holder, u->name) ||
                    (u->socket.fd_name && fd_holder_has(&m->holder, u->socket.fd_name))) {
                        (void) diag_add(
                                errors, u->path, 0,
                                "%s: fds are stored under its name; remove them first (sockactl remove)",
                                u->name);
                        r = -EEXIST;
                }
        }
        return r;
}

/* A unit an earlier reload removed may come back only once it is down: a service's processes and
 * cgroup, and a socket unit's sockets, are its own until then. */
static int check_removed(struct manager *m, const struct plan *p, struct diag *errors)
{
        for (size_t i = 0; i < m->n_services; i++)
                if (m->services[i]->removed && unit_set_find(&p->units, m->services[i]->unit->name)) {
                        (void) diag_add(
                                errors, m->services[i]->unit->name, 0,
                                "removed by an earlier reload and not down yet; reload again once it is");
                        return -EBUSY;
                }
        for (size_t k = 0; k < m->n_sockets; k++)
                if (m->sockets[k]->removed && !socket_unit_is_down(m->sockets[k]) &&
                    unit_set_find(&p->units, m->sockets[k]->unit->name)) {
                        (void) diag_add(
                                errors, m->sockets[k]->unit->name, 0,
                                "removed by an earlier reload and not down yet; reload again once it is");
                        return -EBUSY;
                }
        return 0;
}

/* A socket unit running a command of its own start or stop cannot change under it. */
static int check_settled(struct manager *m, struct diag *errors)
{
        for (size_t k = 0; k < m->n_sockets; k++) {
                const struct socket_unit *so = m->sockets[k];

                if (so->removed)
                        continue; /* check_removed() */

                if (so->state != SOCKET_DEAD && so->state != SOCKET_FAILED &&
                    so->state != SOCKET_LISTENING) {
                        (void) diag_add(errors, so->unit->name, 0,
                                        "in state %s; reload again once it settled",
                                        socket_state_to_string(so->state));
                        return -EBUSY;
                }
        }
        return 0;
}

/* The listeners of socket unit so under its new unit: the kept fds, and the new addresses opened. */
static int open_listeners(struct listeners *l, struct diag *errors)
{
        const struct socket_config *a = &l->so->unit->socket, *b = &l->unit->socket;
        _cleanup_free_ bool *taken = calloc(a->n_listens + 1, sizeof(bool));
        struct socket_owner owner;
        const char *reason = NULL;
        int r;

        l->fds = calloc(b->n_listens + 1, sizeof(int));
        l->opened = calloc(b->n_listens + 1, sizeof(bool));
        if (!l->fds || !l->opened || !taken)
                return -ENOMEM;
        for (size_t i = 0; i < b->n_listens; i++) {
                char key[SOCKET_LISTEN_KEY_MAX], text[ADDRESS_FORMAT_MAX];
                const char *stage = NULL;
                ssize_t j;

                socket_listen_key(b, &b->listens[i], key);
                j = find_listen(a, key, taken);
                if (j >= 0) {
                        l->fds[i] = l->so->fds[j];
                        continue;
                }
                if (!reason && socket_owner_resolve(b, &owner, &reason) < 0) {
                        (void) diag_add(errors, l->unit->path, 0, "%s: SocketUser=/SocketGroup=: %s",
                                        l->unit->name, reason);
                        return -ESRCH;
                }
                reason = "resolved";
                r = socket_listen(b, &b->listens[i], &owner, &stage);
                if (r < 0) {
                        if (socket_listen_text(&b->listens[i], text) < 0)
                                snprintf(text, sizeof(text), "?");
                        (void) diag_add(errors, l->unit->path, 0, "%s: %s: %s%s%s", l->unit->name, text,
                                        streq_ptr(stage, "bind") ? "" : stage,
                                        streq_ptr(stage, "bind") ? "" : ": ", strerror(-r));
                        return r;
                }
                l->fds[i] = r;
                l->opened[i] = true;
        }
        return 0;
}

/* Opens what the socket units that listen need under their new units (nothing for a dry run). */
static int plan_listeners(struct manager *m, struct plan *p, bool dry_run, struct diag *errors)
{
        int r;

        if (dry_run)
                return 0;
        p->listeners = calloc(p->units.n + 1, sizeof(struct listeners));
        if (!p->listeners)
                return -ENOMEM;
        for (size_t i = 0; i < p->units.n; i++) {
                const struct unit *u = p->units.units[i];
                struct socket_unit *so = u->type == UNIT_SOCKET ? manager_find_socket(m, u->name) : NULL;

                if (!so || !so->listening)
                        continue;
                p->listeners[p->n_listeners] = (struct listeners){ .so = so, .unit = u };
                r = open_listeners(&p->listeners[p->n_listeners++], errors);
                if (r < 0)
                        return r;
        }
        return 0;
}

static struct listeners *listeners_of(struct plan *p, const struct socket_unit *so)
{
        for (size_t i = 0; i < p->n_listeners; i++)
                if (p->listeners[i].so == so)
                        return &p->listeners[i];
        return NULL;
}

/* A kept listener takes the new options in place: those set after listen(), and Backlog=. A failure
 * is logged; the socket goes on listening with what it had. */
static void apply_in_place(const struct unit *u, const struct listeners *l)
{
        const struct socket_config *c = &u->socket;

        for (size_t i = 0; i < c->n_listens; i++) {
                int type = listen_type_socket_type(c->listens[i].type), r;
                const char *stage = NULL;

                if (l->opened[i] || type == 0) /* FIFOs and the like take no socket option */
                        continue;
                r = socket_apply_options(c, l->fds[i], &stage);
                if (r < 0)
                        log_unit_warning(u->name, r, "Cannot apply %s in place: %m", stage);
                if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) &&
                    listen(l->fds[i], (int) c->backlog) < 0)
                        log_unit_warning(u->name, errno, "Cannot apply Backlog= in place: %m");
        }
}

/* The commit: the new units take over. -ENOMEM when nothing changed for want of memory. */
static int commit(struct manager *m, struct plan *p)
{
        struct generation *g = generation_new(&p->units);
        size_t n_sockets = 0, n_services = 0, max = m->n_sockets + m->n_services;
        struct socket_unit **sockets;
        struct service_unit **services;
        bool *start;

        if (!g)
                return -ENOMEM;
        max += g->units.n;
        sockets = calloc(max + 1, sizeof(*sockets));
        services = calloc(max + 1, sizeof(*services));
        start = calloc(max + 1, sizeof(*start));
        if (!sockets || !services || !start) {
                free(sockets);
                free(services);
                free(start);
                p->units = g->units; /* back to the plan, which frees it */
                g->units = (struct unit_set){ 0 };
                generation_unref(g);
                return -ENOMEM;
        }
        for (size_t i = 0; i < g->units.n_reports; i++) {
                const struct unit *u = g->units.reports[i].unit;

                if (!u || unit_name_is_template(g->units.reports[i].name))
                        continue;
                if (u->type == UNIT_SOCKET) {
                        struct socket_unit *so = manager_find_socket(m, u->name);
                        struct listeners *l = so ? listeners_of(p, so) : NULL;

                        if (!so) {
                                so = socket_unit_new(m, u, g);
                                start[n_sockets] = so != NULL;
                        } else {
                                bool failed = so->state == SOCKET_FAILED, changed = differ(so->unit, u) != 0;

                                if (l)
                                        apply_in_place(u, l);
                                if (socket_unit_reconfigure(so, u, g, l ? l->fds : NULL) < 0)
                                        log_unit_error(u->name, ENOMEM, "Cannot apply the new unit: %m");
                                if (l) /* taken */
                                        memset(l->opened, 0, u->socket.n_listens * sizeof(bool));
                                start[n_sockets] = failed && changed;
                        }
                        if (so)
                                sockets[n_sockets++] = so;
                        else
                                log_unit_error(u->name, ENOMEM, "Cannot add it: %m");
                } else {
                        struct service_unit *s = manager_find_service(m, u->name);

                        if (s)
                                service_unit_reconfigure(s, u, g);
                        else
                                s = service_unit_new(m, u, g);
                        if (s)
                                services[n_services++] = s;
                        else
                                log_unit_error(u->name, ENOMEM, "Cannot add it: %m");
                }
        }
        /* the units the new set has not: stopped, and freed once down */
        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];
                bool kept = false;

                for (size_t i = 0; i < n_sockets && !kept; i++)
                        kept = sockets[i] == so;
                if (!kept) {
                        so->removed = true;
                        so->restart_requested = false;
                        sockets[n_sockets++] = so;
                        socket_unit_stop(so);
                }
        }
        for (size_t k = 0; k < m->n_services; k++) {
                struct service_unit *s = m->services[k];
                bool kept = false;

                for (size_t i = 0; i < n_services && !kept; i++)
                        kept = services[i] == s;
                if (!kept) {
                        s->removed = true;
                        s->restart_requested = false;
                        services[n_services++] = s;
                        service_unit_stop(s);
                }
        }
        free(m->sockets);
        free(m->services);
        m->sockets = sockets;
        m->n_sockets = n_sockets;
        m->services = services;
        m->n_services = n_services;
        generation_unref(m->generation);
        m->generation = g;
        if (manager_link_units(m) < 0)
                log_error(ENOMEM, "Cannot link the socket units to their services: %m");
        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];

                if (start[k])
                        socket_unit_start(so);
                else if (so->listening && !so->removed)
                        socket_unit_rewatch(so);
        }
        free(start);
        manager_collect(m);
        return 0;
}

/* A reload is told to sockactd's own manager: RELOADING=1 with the time (as Type=notify-reload wants
 * it), then READY=1 whatever the outcome. */
static void tell_reloading(void)
{
        (void) sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=Reloading", now_usec());
}

static void tell_reloaded(struct manager *m)
{
        char status[MANAGER_STATUS_MAX];

        manager_status(m, status);
        (void) sd_notifyf(false, "READY=1\nSTATUS=%s", status);
}

static void log_outcome(const struct plan *p, int r, const struct diag *errors)
{
        if (r < 0) {
                for (size_t i = 0; i < errors->n; i++)
                        log_unit_full(LOG_ERR, NULL, 0, "%s", errors->messages[i]);
                if (r == -EINVAL || errors->n > 0)
                        log_error(0, "Reload refused, nothing changed");
                else
                        log_error(r, "Reload refused (%m), nothing changed");
                return;
        }
        for (size_t i = 0; p->lines && p->lines[i]; i++)
                log_info("%s", p->lines[i]);
        log_info("Reloaded: %zu units changed", strv_length(p->lines));
}

int manager_reload(struct manager *m, bool dry_run, char **ret_changes, size_t *ret_len, struct diag *errors)
{
        struct plan p = { 0 };
        int r;

        if (!m->unit_dirs)
                return -EOPNOTSUPP;
        if (m->stopping)
                return -ESHUTDOWN;
        /* not before sockactd is ready: READY=1 would come too early */
        bool tell = !dry_run && m->n_sockets_starting == 0;

        if (tell)
                tell_reloading();
        r = check_settled(m, errors);
        if (r >= 0)
                r = unit_set_load(m->unit_dirs, NULL, &m->load_options, &p.units, errors);
        if (r >= 0)
                r = check_loaded(&p, errors);
        if (r >= 0)
                r = check_stored_names(m, &p, errors);
        if (r >= 0)
                r = check_removed(m, &p, errors);
        if (r >= 0)
                r = plan_changes(m, &p);
        if (r >= 0)
                r = plan_listeners(m, &p, dry_run, errors);
        if (r >= 0 && !dry_run)
                r = commit(m, &p);
        if (!dry_run)
                log_outcome(&p, r, errors);
        if (tell)
                tell_reloaded(m);
        if (r >= 0) {
                *ret_changes = TAKE_PTR(p.changes);
                *ret_len = p.len;
        }
        plan_done(&p);
        return r;
}
