/* Orphans: see reaper.h. The children are read from /proc/self/task/PID/children (sockactd has
 * one thread). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reaper.h"
#include "util.h"

int reaper_children(pid_t **ret, size_t *ret_n)
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
                siginfo_t si = { 0 };

                if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
                        continue; /* exited: a zombie until its SIGCHLD is handled */
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

int reaper_start(void)
{
        return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}
