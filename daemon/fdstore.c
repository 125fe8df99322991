/* The fd store of a service; see fdstore.h. */
#include <errno.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdstore.h"
#include "log.h"

/* Whether a and b are the same open file description, by kcmp(2). Where it is not allowed (a
 * seccomp filter, a kernel without it) nothing counts as the same: keeping a duplicate is better
 * than closing an fd that only shares an inode (the two ends of a pipe, say). */
static bool same_file(int a, int b)
{
        return syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, a, b) == 0;
}

static void stored_fd_free(struct stored_fd *f)
{
        sd_event_source_disable_unref(f->watch);
        close(f->fd);
        free(f->name);
        free(f);
}

static void drop(struct fd_store *s, size_t i)
{
        stored_fd_free(s->fds[i]);
        memmove(s->fds + i, s->fds + i + 1, (s->n - i - 1) * sizeof(s->fds[0]));
        s->n--;
}

static int on_hangup(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        struct stored_fd *f = userdata;
        struct fd_store *s = f->store;

        (void) source, (void) fd;
        for (size_t i = 0; i < s->n; i++)
                if (s->fds[i] == f) {
                        log_unit_debug(s->owner, "Stored fd \"%s\" reported %s, dropped", f->name,
                                       revents & EPOLLERR ? "an error" : "a hangup");
                        drop(s, i);
                        break;
                }
        return 0;
}

int fd_store_add(struct fd_store *s, sd_event *event, int fd, const char *name, bool poll, size_t max)
{
        struct stored_fd *f, **grown;
        int r;

        for (size_t i = 0; i < s->n; i++)
                if (same_file(s->fds[i]->fd, fd)) {
                        close(fd);
                        return -EEXIST;
                }
        if (s->n >= max) {
                close(fd);
                return -ENOBUFS;
        }
        f = calloc(1, sizeof(*f));
        grown = reallocarray(s->fds, s->n + 1, sizeof(s->fds[0]));
        if (grown)
                s->fds = grown;
        if (!f || !grown || !(f->name = strdup(name))) {
                free(f);
                close(fd);
                return -ENOMEM;
        }
        f->fd = fd;
        f->store = s;
        if (poll) {
                /* epoll reports EPOLLHUP and EPOLLERR whatever it is asked for */
                r = sd_event_add_io(event, &f->watch, fd, 0, on_hangup, f);
                if (r == -EPERM)
                        f->watch = NULL; /* a regular file, say: nothing to watch, kept as it is */
                else if (r < 0) {
                        stored_fd_free(f);
                        return r;
                }
        }
        s->fds[s->n++] = f;
        return 0;
}

size_t fd_store_remove(struct fd_store *s, const char *name)
{
        size_t removed = 0;

        for (size_t i = s->n; i > 0; i--)
                if (streq(s->fds[i - 1]->name, name)) {
                        drop(s, i - 1);
                        removed++;
                }
        return removed;
}

void fd_store_clear(struct fd_store *s)
{
        while (s->n > 0)
                drop(s, s->n - 1);
        free(s->fds);
        s->fds = NULL;
}
