/* sockactd's children; see children.h. */
#include <errno.h>
#include <sys/wait.h>

#include "children.h"
#include "log.h"

static struct child_watch **bucket(struct children *c, pid_t pid)
{
        return &c->buckets[(unsigned) pid & (CHILDREN_BUCKETS - 1)];
}

static struct child_watch *find(const struct children *c, pid_t pid)
{
        for (struct child_watch *w = c->buckets[(unsigned) pid & (CHILDREN_BUCKETS - 1)]; w; w = w->next)
                if (w->pid == pid)
                        return w;
        return NULL;
}

void children_watch(struct children *c, struct child_watch *w, pid_t pid, child_exit_handler exited)
{
        struct child_watch **head = bucket(c, pid);

        children_unwatch(c, w);
        *w = (struct child_watch){ .pid = pid, .exited = exited, .next = *head };
        if (*head)
                (*head)->prev = w;
        *head = w;
}

void children_unwatch(struct children *c, struct child_watch *w)
{
        if (w->pid <= 0)
                return;
        if (w->prev)
                w->prev->next = w->next;
        else
                *bucket(c, w->pid) = w->next;
        if (w->next)
                w->next->prev = w->prev;
        *w = (struct child_watch){ 0 };
}

bool children_watched(const struct children *c, pid_t pid)
{
        return pid > 0 && find(c, pid) != NULL;
}

/* A SIGCHLD stands for any number of exits: every exited child is reaped, then its watch, if it
 * has one, is told. */
static int on_sigchld(sd_event_source *source, const struct signalfd_siginfo *ssi, void *userdata)
{
        struct children *c = userdata;

        (void) source, (void) ssi;
        for (;;) {
                siginfo_t si = { 0 };
                struct child_watch *w;

                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != ECHILD)
                                log_warning(errno, "Cannot reap children: %m");
                        return 0;
                }
                if (si.si_pid <= 0)
                        return 0; /* the others still run */
                w = find(c, si.si_pid);
                if (!w) {
                        log_debug("Reaped process %d, which no unit waits for", (int) si.si_pid);
                        continue;
                }
                child_exit_handler exited = w->exited;
                children_unwatch(c, w);
                exited(w, &si);
        }
}

int children_start(struct children *c, sd_event *event)
{
        return sd_event_add_signal(event, &c->source, SIGCHLD, on_sigchld, c);
}

void children_stop(struct children *c)
{
        c->source = sd_event_source_disable_unref(c->source);
}
