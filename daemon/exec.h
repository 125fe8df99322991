/* Running one command of a unit: its configuration (User=, Environment=, Standard*=, Limit*=,
 * directories…) and what sockactd passes (fds, LISTEN_*, MAINPID) become a spawn request.
 * Failures are logged here, in the administrator's words, with the unit's name. */
#pragma once

#include <sys/types.h>

#include "unit.h"

struct exec_params {
        const int *fds; /* passed at 3…, with LISTEN_FDS and LISTEN_FDNAMES; or NULL */
        size_t n_fds;
        char *const *fd_names;     /* one name per fd */
        int socket_fd;             /* what StandardInput=/Output=/Error=socket use, or -1 */
        bool socket_is_connection; /* socket_fd is an accepted connection (made blocking) */
        char *const *extra_env;    /* MAINPID=…, REMOTE_ADDR=…: set by sockactd for this command */
        bool watchdog_pid;         /* WATCHDOG_PID=<its own pid>, with WATCHDOG_USEC= in extra_env */
        bool new_session;          /* its own process group, for KillMode= */
        bool in_cgroup;            /* in the service's cgroup cgroup_fd, for KillMode= */
        int cgroup_fd;
};

struct exec_roots {
        const char *runtime;      /* RuntimeDirectory= goes below this */
        const char *state;        /* StateDirectory= goes below this */
        char *const *manager_env; /* sockactd's own environment, for PassEnvironment= */
        int null_fd;              /* /dev/null, open for reading and writing, for stdio; or -1 */
        const struct rlimit *nofile; /* the RLIMIT_NOFILE sockactd started with, for its children; or NULL */
};

/* Starts command c of unit u. Returns 0 with its pid, or -errno after logging why.
 * A missing executable of a command with the "-" prefix returns -ENOENT without logging an
 * error: the caller counts that as success. */
int exec_command_start(const struct unit *u, const struct exec_command *c, const struct exec_params *p,
                       const struct exec_roots *roots, pid_t *ret_pid);
