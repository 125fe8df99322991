/* The notify socket; see notify.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "log.h"
#include "manager.h"
#include "notify-socket.h"
#include "notify.h"

#define NOTIFY_CONTROL_SIZE (CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FDS_MAX))

#define complain(n, ...) log_peer_warning(&(n)->last_complaint, "Notification dropped", __VA_ARGS__)

/* Whether NotifyAccess= lets pid (of process group group) speak for s: main (its main process),
 * exec (its main or control process), all (any process of its cgroup; without cgroups, of the
 * process groups of its main and control processes). */
static bool may_notify(const struct service_unit *s, pid_t pid, pid_t group)
{
        switch (s->unit->service.notify_access) {
        case NOTIFY_MAIN:
                return pid == s->main_pid;
        case NOTIFY_EXEC:
                return pid == s->main_pid || pid == s->control_pid;
        case NOTIFY_ALL:
                if (pid == s->main_pid || pid == s->control_pid)
                        return true;
                return s->cgroup_fd >= 0 ? cgroup_contains(s->cgroup_fd, pid) > 0
                                         : group > 0 && (group == s->main_pgid || group == s->control_pgid);
        default:
                return false;
        }
}

/* The service, or Accept=yes instance, the sender belongs to. */
static struct service_unit *find_sender(struct manager *m, pid_t pid)
{
        pid_t group = getpgid(pid);

        for (size_t i = 0; i < m->n_services; i++)
                if (may_notify(m->services[i], pid, group))
                        return m->services[i];
        for (struct service_unit *s = m->instances; s; s = s->next_instance)
                if (may_notify(s, pid, group))
                        return s;
        return NULL;
}

/* The fds that came with the message, gathered into fds[]: *ret_n of them. */
static void gather_fds(struct msghdr *msg, int fds[NOTIFY_FDS_MAX], size_t *ret_n)
{
        size_t n = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
                                int fd;

                                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                                if (n < NOTIFY_FDS_MAX)
                                        fds[n++] = fd;
                                else
                                        close(fd);
                        }
        *ret_n = n;
}

static void close_all(const int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
}

static const struct ucred *credentials(struct msghdr *msg)
{
        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                        return (const struct ucred *) CMSG_DATA(c);
        return NULL;
}

static int on_message(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct notify_socket *n = userdata;
        char buf[NOTIFY_MESSAGE_MAX + 1];
        union {
                struct cmsghdr align;
                char data[NOTIFY_CONTROL_SIZE];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        struct msghdr msg = {
                .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control)
        };
        struct notify_message m;
        const struct ucred *cred;
        struct service_unit *s;
        const char *reason = NULL;
        int fds[NOTIFY_FDS_MAX];
        size_t n_fds = 0;
        ssize_t len;

        (void) source, (void) revents;
        len = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (len < 0)
                return 0; /* EAGAIN and the like: the next wakeup reads on */
        gather_fds(&msg, fds, &n_fds);
        if ((size_t) len > NOTIFY_MESSAGE_MAX || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                close_all(fds, n_fds);
                complain(n, "message or its fds over the limit (%d bytes, %d fds)", NOTIFY_MESSAGE_MAX,
                         NOTIFY_FDS_MAX);
                return 0;
        }
        cred = credentials(&msg);
        if (!cred || cred->pid <= 0) {
                close_all(fds, n_fds);
                complain(n, "no sender credentials");
                return 0;
        }
        s = find_sender(n->manager, cred->pid);
        if (!s) {
                close_all(fds, n_fds);
                complain(n, "process %d is not allowed to notify any service", (int) cred->pid);
                return 0;
        }
        if (notify_parse(buf, (size_t) len, &m, &reason) < 0) {
                close_all(fds, n_fds);
                complain(n, "from %s (process %d): %s", s->unit->name, (int) cred->pid, reason);
                return 0;
        }
        service_unit_notify(s, &m, fds, n_fds);
        notify_message_clear(&m);
        return 0;
}

/* Binds n->path anew (a node left there is stale: the runtime directory is locked, and ours). */
static int create(struct notify_socket *n)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int one = 1;

        if (strlen(n->path) >= sizeof(sa.sun_path))
                return log_error(0, "The runtime directory's path is too long for %s", n->path);
        strcpy(sa.sun_path, n->path);
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (n->fd < 0)
                return log_error(errno, "Cannot create the notify socket: %m");
        (void) unlink(n->path);
        if (bind(n->fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || chmod(n->path, 0777) < 0 ||
            setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
                return log_error(errno, "Cannot set up %s: %m", n->path);
        return 0;
}

int notify_socket_open(struct notify_socket *n, struct manager *m, const char *runtime_dir, int fd)
{
        int r;

        *n = (struct notify_socket){ .manager = m, .fd = fd };
        if (strdup_printf(&n->path, "%s/notify", runtime_dir) < 0)
                return -ENOMEM;
        if (n->fd < 0 && (r = create(n)) < 0)
                return r;
        r = sd_event_add_io(m->event, &n->source, n->fd, EPOLLIN, on_message, n);
        if (r < 0)
                return log_error(r, "Cannot watch %s: %m", n->path);
        /* Before any child's exit: what a service sent before it exited (FDSTORE=1, READY=1) is read
         * while it is still the service's main process. */
        r = sd_event_source_set_priority(n->source, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return log_error(r, "Cannot watch %s: %m", n->path);
        return 0;
}

void notify_socket_close(struct notify_socket *n)
{
        n->source = sd_event_source_disable_unref(n->source);
        if (n->fd >= 0) {
                close(n->fd);
                (void) unlink(n->path);
        }
        n->fd = -1;
        free(n->path);
        n->path = NULL;
}
