/* The fd holder; see fdholder.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "control.h"
#include "fdholder.h"
#include "log.h"
#include "manager.h"
#include "reexec.h"
#include "user.h"
#include "value.h"

#define TTL_MAX (UINT64_C(100) * 365 * 24 * 3600 * USEC_PER_SEC) /* a longer time to live is none */

struct fd_entry {
        struct fd_holder *holder;
        char *name;
        uid_t owner;
        int *fds;
        size_t n_fds;
        uint64_t expires; /* CLOCK_MONOTONIC; 0: never */
        sd_event_source *timer;
        struct fd_entry *next;
};

/* A fetching process and the sockets it was lent, until it exits. */
struct fd_loan {
        struct fd_holder *holder;
        pid_t pid;
        int pidfd;
        sd_event_source *exit;
        struct lent {
                struct socket_unit *socket;
                unsigned generation;
        } * lent;
        size_t n_lent;
        struct fd_loan *next;
};

/* What a fetch picked: a held fd and its name, and the socket unit it lends (NULL for a stored fd). */
struct pick {
        int fd;
        const char *name;
        const char *from;
        struct socket_unit *socket;
};

void fd_holder_init(struct fd_holder *h, struct manager *m)
{
        struct rlimit nofile;

        *h = (struct fd_holder){ .manager = m,
                                 .max_fds = FD_HOLDER_FDS_MAX,
                                 .max_loans = FD_HOLDER_LOANS_MAX };
        if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur / 4 < FD_HOLDER_FDS_MAX)
                h->max_fds = (size_t) nofile.rlim_cur / 4;
        if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur / 8 < FD_HOLDER_LOANS_MAX)
                h->max_loans = (size_t) nofile.rlim_cur / 8;
}

static void entry_free(struct fd_entry *e)
{
        struct fd_holder *h = e->holder;

        for (struct fd_entry **p = &h->entries; *p; p = &(*p)->next)
                if (*p == e) {
                        *p = e->next;
                        break;
                }
        for (size_t i = 0; i < e->n_fds; i++)
                close(e->fds[i]);
        h->n_fds -= e->n_fds;
        sd_event_source_disable_unref(e->timer);
        free(e->fds);
        free(e->name);
        free(e);
}

static void loan_free(struct fd_loan *l)
{
        struct fd_holder *h = l->holder;

        for (struct fd_loan **p = &h->loans; *p; p = &(*p)->next)
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        h->n_loans--;
        sd_event_source_disable_unref(l->exit);
        close(l->pidfd);
        free(l->lent);
        free(l);
}

void fd_holder_done(struct fd_holder *h)
{
        while (h->entries)
                entry_free(h->entries);
        while (h->loans)
                loan_free(h->loans);
}

void fd_holder_forget(struct fd_holder *h, const struct socket_unit *so)
{
        for (struct fd_loan *l = h->loans; l; l = l->next)
                for (size_t i = 0; i < l->n_lent; i++)
                        if (l->lent[i].socket == so)
                                l->lent[i].socket = NULL;
}

bool fd_holder_has(const struct fd_holder *h, const char *name)
{
        for (const struct fd_entry *e = h->entries; e; e = e->next)
                if (streq(e->name, name))
                        return true;
        return false;
}

void fd_answer_done(struct fd_answer *a)
{
        for (size_t i = 0; i < a->n_fds; i++)
                close(a->fds[i]);
        free(a->fds);
        free(a->payload);
        *a = (struct fd_answer){ 0 };
}

static int fail(struct fd_answer *a, int error, const char *format, ...) _printf_(3, 4);

static int fail(struct fd_answer *a, int error, const char *format, ...)
{
        va_list ap;

        va_start(ap, format);
        vsnprintf(a->why, sizeof(a->why), format, ap);
        va_end(ap);
        return -error;
}

/* A refusal: logged, with who asked, and answered EACCES (or error). */
static int refuse(struct fd_answer *a, const struct fd_peer *p, int error, const char *format, ...)
        _printf_(4, 5);

static int refuse(struct fd_answer *a, const struct fd_peer *p, int error, const char *format, ...)
{
        va_list ap;

        va_start(ap, format);
        vsnprintf(a->why, sizeof(a->why), format, ap);
        va_end(ap);
        log_warning(0, "Refused to uid %u (pid %d): %s", (unsigned) p->cred.uid, (int) p->cred.pid, a->why);
        return -error;
}

bool peer_in_group(int fd, gid_t primary, gid_t group)
{
        gid_t groups[1024];
        socklen_t len = sizeof(groups);

        if (primary == group)
                return true;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
                return false; /* more than 1024 groups, or an old kernel: the primary one only */
        for (size_t i = 0; i < len / sizeof(gid_t); i++)
                if (groups[i] == group)
                        return true;
        return false;
}

static bool is_admin(const struct fd_peer *p)
{
        return p->cred.uid == 0 || p->cred.uid == geteuid();
}

static bool user_is(const char *user, uid_t uid)
{
        struct user_record u;
        bool match;

        if (!user || user_lookup(user, &u) < 0)
                return false;
        match = u.uid == uid;
        user_record_clear(&u);
        return match;
}

static bool may_fetch_socket(const struct socket_unit *so, const struct fd_peer *p)
{
        const struct socket_config *c = &so->unit->socket;
        const struct unit *service = c->accept ? so->template : so->service ? so->service->unit : NULL;

        if (is_admin(p) || (service && user_is(service->service.user, p->cred.uid)))
                return true;
        for (char **u = c->fetch_users; u && *u; u++)
                if (user_is(*u, p->cred.uid))
                        return true;
        for (char **g = c->fetch_groups; g && *g; g++) {
                gid_t gid;

                if (group_lookup(*g, &gid) == 0 && peer_in_group(p->fd, p->cred.gid, gid))
                        return true;
        }
        return false;
}

static bool may_use_entry(const struct fd_entry *e, const struct fd_peer *p)
{
        return is_admin(p) || e->owner == p->cred.uid;
}

/* The name a fetch gives a socket unit's listening fds. */
static const char *listener_name(const struct unit *u)
{
        return u->socket.fd_name ? u->socket.fd_name : u->name;
}

static struct fd_entry *find_entry(struct fd_holder *h, const char *name)
{
        for (struct fd_entry *e = h->entries; e; e = e->next)
                if (streq(e->name, name))
                        return e;
        return NULL;
}

static int add_pick(struct pick **picks, size_t *n, int fd, const char *name, const char *from,
                    struct socket_unit *socket)
{
        struct pick *grown = realloc(*picks, (*n + 1) * sizeof(**picks));

        if (!grown)
                return -ENOMEM;
        grown[(*n)++] = (struct pick){ fd, name, from, socket };
        *picks = grown;
        return 0;
}

static int add_socket(struct pick **picks, size_t *n, struct socket_unit *so)
{
        int r = 0;

        for (size_t i = 0; i < so->unit->socket.n_listens && r >= 0; i++)
                r = add_pick(picks, n, so->fds[i], listener_name(so->unit), so->unit->name, so);
        return r;
}

/* What a name stands for, in order: a socket unit, or the listeners with that fd name and the stored
 * fds under it. */
static int pick_name(struct fd_holder *h, const struct fd_peer *p, const char *name, struct pick **picks,
                     size_t *n, struct fd_answer *a)
{
        struct manager *m = h->manager;
        size_t before = *n;
        int r;

        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];

                if (so->removed || !streq(so->unit->name, name))
                        continue;
                if (!may_fetch_socket(so, p))
                        return refuse(a, p, EACCES, "may not fetch %s", name);
                if (!so->listening)
                        return fail(a, ENOENT, "%s is not listening", name);
                return add_socket(picks, n, so);
        }
        for (size_t k = 0; k < m->n_sockets; k++) {
                struct socket_unit *so = m->sockets[k];

                if (so->removed || !so->listening || !streq(listener_name(so->unit), name))
                        continue;
                if (!may_fetch_socket(so, p))
                        return refuse(a, p, EACCES, "may not fetch %s (%s)", name, so->unit->name);
                r = add_socket(picks, n, so);
                if (r < 0)
                        return r;
        }
        for (struct fd_entry *e = h->entries; e; e = e->next) {
                if (!streq(e->name, name))
                        continue;
                if (!may_use_entry(e, p))
                        return refuse(a, p, EACCES, "may not fetch %s, stored by another user", name);
                for (size_t i = 0; i < e->n_fds; i++) {
                        r = add_pick(picks, n, e->fds[i], e->name, "store", NULL);
                        if (r < 0)
                                return r;
                }
        }
        return *n > before ? 0 : fail(a, ENOENT, "Nothing is held under %s", name);
}

static int on_fetcher_exit(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct fd_loan *l = userdata;

        (void) source, (void) fd, (void) revents;
        log_debug("Fetcher pid %d exited", (int) l->pid);
        for (size_t i = 0; i < l->n_lent; i++)
                if (l->lent[i].socket) /* NULL: the socket unit is gone */
                        socket_unit_return(l->lent[i].socket, l->lent[i].generation);
        loan_free(l);
        return 0;
}

/* A loan to process pid, watched through pidfd (taken, whatever the outcome). */
static int new_loan(struct fd_holder *h, pid_t pid, int pidfd, struct fd_loan **ret)
{
        struct fd_loan *l = calloc(1, sizeof(*l));
        int r;

        if (!l) {
                close(pidfd);
                return -ENOMEM;
        }
        *l = (struct fd_loan){ .holder = h, .pid = pid, .pidfd = pidfd };
        r = sd_event_add_io(h->manager->event, &l->exit, l->pidfd, EPOLLIN, on_fetcher_exit, l);
        if (r < 0) {
                close(l->pidfd);
                free(l);
                return r;
        }
        l->next = h->loans;
        h->loans = l;
        h->n_loans++;
        *ret = l;
        return 0;
}

/* The loan of the peer's process, made when it has none. */
static int get_loan(struct fd_holder *h, const struct fd_peer *p, struct fd_loan **ret, struct fd_answer *a)
{
        int r;

        for (struct fd_loan *l = h->loans; l; l = l->next)
                if (l->pid == p->cred.pid) {
                        *ret = l;
                        return 0;
                }
        if (h->n_loans >= h->max_loans)
                return fail(a, EBUSY, "%zu processes hold fetched sockets already", h->max_loans);
        /* the peer waits for this reply: it runs, unless killed in between (then ESRCH, or its exit is
         * seen at once) */
        int pidfd = p->cred.pid > 0 ? pidfd_open(p->cred.pid, 0) : (errno = ESRCH, -1);
        if (pidfd < 0) {
                r = -errno;
                return fail(a, -r, "Cannot watch the fetching process %d: %s", (int) p->cred.pid,
                            strerror(-r));
        }
        r = new_loan(h, p->cred.pid, pidfd, ret);
        if (r < 0)
                return fail(a, -r, "Cannot watch the fetching process: %s", strerror(-r));
        return 0;
}

static int lend(struct fd_loan *l, struct socket_unit *so)
{
        struct lent *grown;

        for (size_t i = 0; i < l->n_lent; i++)
                if (l->lent[i].socket == so && l->lent[i].generation == so->lend_generation)
                        return 0; /* lent to this process already */
        grown = realloc(l->lent, (l->n_lent + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        grown[l->n_lent++] = (struct lent){ so, so->lend_generation };
        l->lent = grown;
        socket_unit_lend(so);
        return 0;
}

/* The answer to a fetch: a duplicate of each picked fd, and a record per fd. */
static int answer_picks(const struct pick *picks, size_t n, struct fd_answer *a)
{
        int r = 0;

        a->fds = malloc(n * sizeof(int));
        if (!a->fds)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int fd = fcntl(picks[i].fd, F_DUPFD_CLOEXEC, 3);

                if (fd < 0)
                        return fail(a, errno, "Cannot duplicate the fds: %s", strerror(errno));
                a->fds[a->n_fds++] = fd;
        }
        for (size_t i = 0; i < n && r >= 0; i++) {
                r = control_append(&a->payload, &a->len, "name", picks[i].name);
                if (r >= 0)
                        r = control_append(&a->payload, &a->len, "from", picks[i].from);
                if (r >= 0)
                        r = control_end_record(&a->payload, &a->len);
        }
        return r;
}

int fd_holder_fetch(struct fd_holder *h, const struct fd_peer *p, char *const *names, struct fd_answer *a)
{
        _cleanup_free_ struct pick *picks = NULL;
        struct fd_loan *loan = NULL;
        size_t n = 0;
        int r = 0;

        if (!names || !*names)
                return fail(a, EINVAL, "fetch needs at least one name");
        for (char *const *name = names; *name && r >= 0; name++)
                r = value_fd_name_is_valid(*name) ? pick_name(h, p, *name, &picks, &n, a)
                                                  : fail(a, EINVAL, "Not a valid fd name: \"%s\"", *name);
        if (r >= 0 && n > CONTROL_FDS_MAX)
                r = fail(a, E2BIG, "%zu fds asked for, at most %d at once", n, CONTROL_FDS_MAX);
        if (r >= 0)
                r = answer_picks(picks, n, a);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (picks[i].socket && (loan || (r = get_loan(h, p, &loan, a)) >= 0))
                        r = lend(loan, picks[i].socket);
        if (r < 0) {
                if (loan && loan->n_lent == 0)
                        loan_free(loan);
                return r;
        }
        log_info("%zu fds fetched by uid %u (pid %d): %s%s", n, (unsigned) p->cred.uid, (int) p->cred.pid,
                 names[0], names[1] ? ", …" : "");
        return 0;
}

static int on_expire(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct fd_entry *e = userdata;

        (void) source, (void) usec;
        log_info("Stored %s (%zu fds) expired", e->name, e->n_fds);
        entry_free(e);
        return 0;
}

/* The socket unit whose fds bear name, if any: stored fds may not pass for its. */
static const struct socket_unit *name_of_socket(struct fd_holder *h, const char *name)
{
        for (size_t k = 0; k < h->manager->n_sockets; k++) {
                const struct unit *u = h->manager->sockets[k]->unit;

                if (streq(u->name, name) || streq(listener_name(u), name))
                        return h->manager->sockets[k];
        }
        return NULL;
}

static size_t stored_by(struct fd_holder *h, uid_t uid)
{
        size_t n = 0;

        for (struct fd_entry *e = h->entries; e; e = e->next)
                if (e->owner == uid)
                        n += e->n_fds;
        return n;
}

static bool may_store(struct fd_holder *h, const struct fd_peer *p)
{
        if (is_admin(p))
                return true;
        for (size_t k = 0; k < h->manager->n_sockets; k++)
                if (may_fetch_socket(h->manager->sockets[k], p))
                        return true;
        return false;
}

int fd_holder_store(struct fd_holder *h, const struct fd_peer *p, const char *name, uint64_t ttl_usec,
                    int *fds, size_t n_fds, struct fd_answer *a)
{
        struct fd_entry *old = find_entry(h, name), *e = NULL;
        const struct socket_unit *owner = NULL;
        int r;

        if (!value_fd_name_is_valid(name))
                r = fail(a, EINVAL, "Not a valid fd name: \"%s\"", name);
        else if (n_fds == 0)
                r = fail(a, EINVAL, "store needs at least one fd");
        else if (!may_store(h, p))
                r = refuse(a, p, EACCES, "may not store fds (may fetch no socket unit's)");
        else if ((owner = name_of_socket(h, name)))
                r = refuse(a, p, EEXIST, "may not store under %s, the name of %s's fds", name,
                           owner->unit->name);
        else if (old && !may_use_entry(old, p))
                r = refuse(a, p, EEXIST, "may not replace %s, stored by another user", name);
        else if (h->n_fds - (old ? old->n_fds : 0) + n_fds > h->max_fds)
                r = fail(a, ENOSPC, "sockactd holds %zu stored fds, at most %zu", h->n_fds, h->max_fds);
        else if (!is_admin(p) && stored_by(h, p->cred.uid) - (old ? old->n_fds : 0) + n_fds >
                                         h->max_fds / FD_HOLDER_USER_SHARE)
                r = fail(a, ENOSPC, "uid %u holds %zu stored fds, at most %zu", (unsigned) p->cred.uid,
                         stored_by(h, p->cred.uid), h->max_fds / FD_HOLDER_USER_SHARE);
        else if (!(e = calloc(1, sizeof(*e))) || !(e->name = strdup(name)) ||
                 !(e->fds = malloc(n_fds * sizeof(int))))
                r = -ENOMEM;
        else
                r = 0;
        if (r >= 0 && ttl_usec > 0 && ttl_usec < TTL_MAX) {
                e->expires = now_usec() + ttl_usec;
                r = sd_event_add_time(h->manager->event, &e->timer, CLOCK_MONOTONIC, e->expires,
                                      USEC_PER_MSEC * 10, on_expire, e);
        }
        if (r < 0) {
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                if (e) {
                        free(e->fds);
                        free(e->name);
                        free(e);
                }
                return r;
        }
        if (old)
                entry_free(old);
        e->holder = h;
        e->owner = p->cred.uid;
        memcpy(e->fds, fds, n_fds * sizeof(int));
        e->n_fds = n_fds;
        e->next = h->entries;
        h->entries = e;
        h->n_fds += n_fds;
        log_info("%zu fds stored as %s by uid %u (pid %d)", n_fds, name, (unsigned) p->cred.uid,
                 (int) p->cred.pid);
        return 0;
}

int fd_holder_remove(struct fd_holder *h, const struct fd_peer *p, const char *name, struct fd_answer *a)
{
        struct fd_entry *e = find_entry(h, name);

        if (!e)
                return fail(a, ENOENT, "Nothing is stored under %s", name);
        if (!may_use_entry(e, p))
                return refuse(a, p, EACCES, "may not remove %s, stored by another user", name);
        log_info("Stored %s (%zu fds) removed by uid %u (pid %d)", name, e->n_fds, (unsigned) p->cred.uid,
                 (int) p->cred.pid);
        entry_free(e);
        return 0;
}

int fd_holder_list(struct fd_holder *h, const struct fd_peer *p, struct fd_answer *a)
{
        uint64_t now = now_usec();
        int r = 0;

        for (struct fd_entry *e = h->entries; e && r >= 0; e = e->next) {
                if (!may_use_entry(e, p))
                        continue;
                r = control_append(&a->payload, &a->len, "name", e->name);
                if (r >= 0)
                        r = control_append_u64(&a->payload, &a->len, "fds", e->n_fds);
                if (r >= 0)
                        r = control_append_u64(&a->payload, &a->len, "uid", e->owner);
                if (r >= 0)
                        r = control_append_u64(&a->payload, &a->len, "ttl",
                                               e->expires ? (e->expires > now ? e->expires - now : 1) : 0);
                if (r >= 0)
                        r = control_end_record(&a->payload, &a->len);
        }
        return r;
}

void fd_holder_serialize(const struct fd_holder *h, FILE *f, struct fd_pass *p)
{
        for (const struct fd_entry *e = h->entries; e; e = e->next) {
                fprintf(f, "held %u %" PRIu64 " %zu", (unsigned) e->owner, e->expires, e->n_fds);
                for (size_t i = 0; i < e->n_fds; i++)
                        fprintf(f, " %d", fd_pass(p, e->fds[i]));
                fprintf(f, " %s\n", e->name); /* last: a name may hold spaces */
        }
        for (const struct fd_loan *l = h->loans; l; l = l->next) {
                fprintf(f, "loan %d %d", (int) l->pid, fd_pass(p, l->pidfd));
                for (size_t i = 0; i < l->n_lent; i++)
                        if (l->lent[i].socket && l->lent[i].generation == l->lent[i].socket->lend_generation)
                                fprintf(f, " %s", l->lent[i].socket->unit->name);
                fputc('\n', f);
        }
}

/* "held UID EXPIRES N FD… NAME": appended, so that the entries keep their order. */
static int restore_entry(struct fd_holder *h, char *line, struct restore *r)
{
        long long owner, expires, n, fd;
        struct fd_entry *e, **tail = &h->entries;

        if (!restore_word_int(&line, &owner) || !restore_word_int(&line, &expires) ||
            !restore_word_int(&line, &n) || owner < 0 || expires < 0 || n <= 0 || n > CONTROL_FDS_MAX)
                return -EBADMSG;
        e = calloc(1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        *e = (struct fd_entry){ .holder = h, .owner = (uid_t) owner, .expires = (uint64_t) expires };
        e->fds = malloc((size_t) n * sizeof(int));
        while (e->fds && e->n_fds < (size_t) n && restore_word_int(&line, &fd))
                if (fd >= 0 && fd <= INT32_MAX && restore_holds(r, (int) fd))
                        e->fds[e->n_fds++] = restore_take(r, (int) fd);
        e->name = value_fd_name_is_valid(line) ? strdup(line) : NULL;
        while (*tail)
                tail = &(*tail)->next;
        *tail = e;
        h->n_fds += e->n_fds;
        if (!e->fds || !e->name || e->n_fds == 0) {
                entry_free(e);
                return -EBADMSG;
        }
        if (e->expires > 0)
                return sd_event_add_time(h->manager->event, &e->timer, CLOCK_MONOTONIC, e->expires,
                                         USEC_PER_MSEC * 10, on_expire, e);
        return 0;
}

/* "loan PID PIDFD SOCKET…": the sockets are lent again. */
static int restore_loan(struct fd_holder *h, char *line, struct restore *r)
{
        long long pid, pidfd;
        struct fd_loan *l;
        const char *name;
        int error;

        if (!restore_word_int(&line, &pid) || !restore_word_int(&line, &pidfd) || pid <= 0 ||
            pid > INT32_MAX || pidfd < 0 || pidfd > INT32_MAX || !restore_holds(r, (int) pidfd))
                return -EBADMSG;
        error = new_loan(h, (pid_t) pid, restore_take(r, (int) pidfd), &l);
        while (error >= 0 && (name = restore_word(&line))) {
                struct socket_unit *so = manager_find_socket(h->manager, name);

                if (so && so->listening)
                        error = lend(l, so);
        }
        return error;
}

int fd_holder_deserialize(struct fd_holder *h, const char *key, char *line, struct restore *r)
{
        if (streq(key, "held"))
                return restore_entry(h, line, r);
        if (streq(key, "loan"))
                return restore_loan(h, line, r);
        return -EBADMSG;
}
