/* Starting one command: the one function that builds a child process. The child gets exactly
 * the fds it is given (stdio at 0–2, the passed fds at 3…, everything else closed at exec),
 * an empty signal mask and default dispositions, its credentials, limits and directories,
 * then execs. A failure before exec comes back to the parent as {stage, errno}, so that it can be
 * logged in words instead of as a bare exit status. */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "util.h"

enum spawn_stage {
        SPAWN_STAGE_FORK,
        SPAWN_STAGE_CGROUP,
        SPAWN_STAGE_SIGNALS,
        SPAWN_STAGE_SESSION,
        SPAWN_STAGE_FDS,
        SPAWN_STAGE_NONBLOCK,
        SPAWN_STAGE_RLIMIT,
        SPAWN_STAGE_NICE,
        SPAWN_STAGE_ROOT_DIRECTORY,
        SPAWN_STAGE_GROUPS,
        SPAWN_STAGE_GID,
        SPAWN_STAGE_UID,
        SPAWN_STAGE_WORKING_DIRECTORY,
        SPAWN_STAGE_NO_NEW_PRIVILEGES,
        SPAWN_STAGE_EXEC,
        _SPAWN_STAGE_MAX,
};

/* "User=: setresuid", "WorkingDirectory=: chdir", "exec", … — the directive and the call. */
const char *spawn_stage_to_string(enum spawn_stage stage);

struct spawn_request {
        const char *path; /* the executable, an absolute path */
        char *const *argv;
        char *const *envp;
        bool listen_pid;   /* add LISTEN_PID=<the child's own pid> to envp */
        bool watchdog_pid; /* add WATCHDOG_PID=<the child's own pid> to envp */
        int stdio[3];    /* the fds that become 0, 1 and 2 */
        const int *fds;  /* the fds that become 3, 4, … in this order */
        size_t n_fds;
        int connection_fd; /* an accepted connection among the above, made blocking; or -1 */
        bool non_blocking; /* NonBlocking=: O_NONBLOCK on fds 3… */
        bool new_session;  /* setsid(): its own session and process group */
        bool in_cgroup;    /* joins cgroup_fd (a cgroup v2 directory) first of all */
        int cgroup_fd;
        bool set_credentials; /* User=/Group=: */
        uid_t uid;
        gid_t gid;
        const gid_t *groups; /* supplementary groups, with set_credentials */
        size_t n_groups;
        mode_t umask;
        int nice;               /* UNIT_UNSET: inherited */
        const bool *rlimit_set; /* [RLIM_NLIMITS], or NULL */
        const struct rlimit *rlimits;
        const struct rlimit *nofile; /* RLIMIT_NOFILE when rlimit_set does not set it, or NULL */
        const char *root_directory;    /* NULL: none */
        const char *working_directory; /* NULL: "/" */
        bool working_directory_missing_ok;
        bool no_new_privileges;
};

struct spawn_error {
        enum spawn_stage stage;
        int error; /* errno */
};

/* Starts the command. Returns 0 with the child's pid (which the caller watches with children.h:
 * the pid cannot be reused before it is reaped), or -errno with *ret_error saying where it failed;
 * a child that failed before exec has been reaped. */
int spawn_command(const struct spawn_request *r, pid_t *ret_pid, struct spawn_error *ret_error);

/* Records which signals have a disposition other than the default: the only ones a child resets
 * (one system call each, while sockactd waits). Call it after every change of disposition;
 * sockactd does once, at startup. Until the first call, a child resets every signal. */
void spawn_record_dispositions(void);

/* The absolute path of a command's executable: path itself when absolute, else the first
 * executable file of that name in ENVIRON_DEFAULT_PATH. Returns 0 or -ENOENT. */
int spawn_find_executable(const char *path, char **ret);
