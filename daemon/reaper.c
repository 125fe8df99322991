/* Orphans: see reaper.h. The children are read from /proc/self/task/PID/children (sockactd has
 * one thread): a SIGCHLD only says that some child changed, and waitid(P_ALL) would also reap
 * the children the units watch through their pidfds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "manager.h"
#include "reaper.h"

/* The pids in /proc/self/task/PID/children; with alive_only, those not yet exited. */
static int list_children(bool alive_only, pid_t **ret, size_t *ret_n)
{
        char path[64];
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, max = 0;
        long pid;

        snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int) getpid());
        f = fopen(path, "re");
        if (!f)
                return -errno;
        while (fscanf(f, "%ld", &pid) == 1) {
                if (alive_only) {
                        siginfo_t si = { 0 };

                        if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
                                continue;
                }
                if (n == max) {
                        size_t grown = max ? 2 * max : 16;
                        pid_t *p = reallocarray(pids, grown, sizeof(pid_t));

                        if (!p)
                                return -ENOMEM;
                        pids = p;
                        max = grown;
                }
                pids[n++] = (pid_t) pid;
        }
        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

int reaper_children(pid_t **ret, size_t *ret_n)
{
        return list_children(true, ret, ret_n);
}

static int on_sigchld(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata)
{
        struct manager *m = userdata;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r;

        (void) source, (void) si;
        r = list_children(false, &pids, &n);
        if (r < 0) {
                log_warning(r, "Cannot list sockactd's children to reap orphans: %m");
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                siginfo_t info = { 0 };

                if (manager_owns_pid(m, pids[i]))
                        continue; /* its unit waits for it */
                if (waitid(P_PID, (id_t) pids[i], &info, WEXITED | WNOHANG) == 0 && info.si_pid != 0)
                        log_debug("Reaped orphaned process %d", (int) pids[i]);
        }
        return 0;
}

int reaper_start(struct manager *m)
{
        int r;

        if (m->reaper)
                return 0;
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                return -errno;
        r = sd_event_add_signal(m->event, &m->reaper, SIGCHLD, on_sigchld, m);
        if (r < 0) {
                (void) prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
                return r;
        }
        return 0;
}
