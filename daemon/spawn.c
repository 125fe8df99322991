/* Building a child process; see spawn.h. The parent prepares everything that allocates (the
 * fd table, the environment vector) before the child exists; the child only makes system calls,
 * in DESIGN.md's order: signals, session, fds, limits, directories, credentials, exec.
 *
 * The mechanism is clone(CLONE_VM | CLONE_VFORK), what posix_spawn() does inside: the child runs
 * on a stack of its own in sockactd's memory, and sockactd waits until it has exec'd or exited.
 * Nothing is copied, so a spawn costs sockactd the same whatever its size; fork() copies the page
 * tables and then takes a page fault for every page either side writes. bench/README.md has the
 * measurements (make bench: the rows fork+exec and vfork+exec). posix_spawn() itself
 * cannot do what a service needs before exec (setsid, credentials, limits, the cgroup).
 * Sharing memory asks two things of the child: it writes nothing of sockactd's but its own
 * locals and its error report (struct child), and no signal handler may run in it, so every
 * signal stays blocked until the dispositions are reset. Builds with AddressSanitizer use fork(), whose
 * instrumented code cannot run on a foreign stack; the child's code is the same. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "environ.h"
#include "spawn.h"
#include "unit.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const spawn_stage_table[_SPAWN_STAGE_MAX] = {
        [SPAWN_STAGE_FORK] = "fork",
        [SPAWN_STAGE_SIGNALS] = "resetting signals",
        [SPAWN_STAGE_SESSION] = "setsid",
        [SPAWN_STAGE_CGROUP] = "cgroup.procs",
        [SPAWN_STAGE_FDS] = "passing file descriptors",
        [SPAWN_STAGE_NONBLOCK] = "NonBlocking=: fcntl",
        [SPAWN_STAGE_RLIMIT] = "Limit*=: setrlimit",
        [SPAWN_STAGE_NICE] = "Nice=: setpriority",
        [SPAWN_STAGE_ROOT_DIRECTORY] = "RootDirectory=: chroot",
        [SPAWN_STAGE_GROUPS] = "SupplementaryGroups=: setgroups",
        [SPAWN_STAGE_GID] = "Group=: setresgid",
        [SPAWN_STAGE_UID] = "User=: setresuid",
        [SPAWN_STAGE_WORKING_DIRECTORY] = "WorkingDirectory=: chdir",
        [SPAWN_STAGE_NO_NEW_PRIVILEGES] = "NoNewPrivileges=: prctl",
        [SPAWN_STAGE_EXEC] = "exec",
};

const char *spawn_stage_to_string(enum spawn_stage stage)
{
        return (size_t) stage < ELEMENTSOF(spawn_stage_table) ? spawn_stage_table[stage] : NULL;
}

/* What the parent prepares for the child: nothing in the child allocates. */
struct child {
        const struct spawn_request *r;
        int *sources; /* [3 + n_fds]: the fd that becomes 0, 1, 2, 3, … */
        char **envp;
        char *own_pid[2]; /* "LISTEN_PID=", "WATCHDOG_PID=" with room for the pid, inside envp, or NULL */
        /* A failure before exec: with clone() the child writes it here, in the parent's memory;
         * after fork() it goes through a close-on-exec pipe, whose write end is error_fd. */
        bool failed;
        struct spawn_error error;
        int error_fd;  /* -1 with clone() */
        int unused_fd; /* the pipe's read end, closed in the child; -1 with clone() */
};

_Noreturn static void child_fail(struct child *c, enum spawn_stage stage)
{
        const struct spawn_error e = { .stage = stage, .error = errno };
        ssize_t n;

        c->error = e;
        c->failed = true;
        if (c->error_fd >= 0)
                do
                        n = write(c->error_fd, &e, sizeof(e));
                while (n < 0 && errno == EINTR);
        _exit(127);
}

/* The signals whose disposition is not the default, as last recorded. */
static sigset_t changed_dispositions;
static bool dispositions_recorded;

void spawn_record_dispositions(void)
{
        sigemptyset(&changed_dispositions);
        for (int sig = 1; sig < _NSIG; sig++) {
                struct sigaction sa;

                if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
                    sa.sa_handler != SIG_DFL)
                        sigaddset(&changed_dispositions, sig);
        }
        dispositions_recorded = true;
}

/* Default dispositions, then an empty mask: in that order, no handler of sockactd's can run here. */
static int reset_signals(void)
{
        sigset_t none;

        for (int sig = 1; sig < _NSIG; sig++) {
                struct sigaction sa = { .sa_handler = SIG_DFL };

                if (sig == SIGKILL || sig == SIGSTOP ||
                    (dispositions_recorded && !sigismember(&changed_dispositions, sig)))
                        continue;
                /* Signals reserved by the C library refuse with EINVAL; they are not ours to reset. */
                if (sigaction(sig, &sa, NULL) < 0 && errno != EINVAL)
                        return -1;
        }
        sigemptyset(&none);
        return sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Moves every source fd to its place. Sources below the target range are first lifted above it
 * (F_DUPFD_CLOEXEC), so that placing one never closes another; dup2() to a different number
 * then clears FD_CLOEXEC on the copy, which is what the child must inherit. */
static int place_fds(struct child *c)
{
        size_t n = 3 + c->r->n_fds;
        int lowest = (int) n;

        if (c->error_fd >= 0 && c->error_fd < lowest) {
                c->error_fd = fcntl(c->error_fd, F_DUPFD_CLOEXEC, lowest);
                if (c->error_fd < 0)
                        return -1;
        }
        for (size_t i = 0; i < n; i++) {
                if (c->sources[i] >= lowest)
                        continue;
                int lifted = fcntl(c->sources[i], F_DUPFD_CLOEXEC, lowest);
                if (lifted < 0)
                        return -1;
                for (size_t k = i + 1; k < n; k++) /* the same fd may stand in several places */
                        if (c->sources[k] == c->sources[i])
                                c->sources[k] = lifted;
                c->sources[i] = lifted;
        }
        for (size_t i = 0; i < n; i++)
                if (dup2(c->sources[i], (int) i) < 0)
                        return -1;

        /* Everything else is closed at exec, whether it was opened close-on-exec or not. */
        if (syscall(SYS_close_range, (unsigned) lowest, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                struct rlimit rl;

                if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                        return -1;
                for (int fd = lowest; (rlim_t) fd < rl.rlim_cur; fd++)
                        (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        return 0;
}

static int set_nonblock(int fd, bool on)
{
        int flags = fcntl(fd, F_GETFL);

        if (flags < 0)
                return -1;
        return fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

/* Writes the decimal pid after the '=' of entry without allocating. */
static void write_own_pid(char *entry)
{
        char digits[24];
        size_t n = 0;
        unsigned long pid = (unsigned long) getpid();
        char *p = strchr(entry, '=') + 1;

        do
                digits[n++] = (char) ('0' + pid % 10);
        while ((pid /= 10) > 0);
        while (n > 0)
                *p++ = digits[--n];
        *p = '\0';
}

/* Moves the calling process into the cgroup: "0" written to cgroup.procs means "myself". */
static int join_cgroup(int cgroup_fd)
{
        int fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = write(fd, "0", 1);
        close(fd);
        return n == 1 ? 0 : -1;
}

_Noreturn static void child_run(struct child *c)
{
        const struct spawn_request *r = c->r;

        if (c->unused_fd >= 0)
                close(c->unused_fd);
        if (r->in_cgroup && join_cgroup(r->cgroup_fd) < 0)
                child_fail(c, SPAWN_STAGE_CGROUP);
        if (reset_signals() < 0)
                child_fail(c, SPAWN_STAGE_SIGNALS);
        if (r->new_session && setsid() < 0)
                child_fail(c, SPAWN_STAGE_SESSION);
        if (r->connection_fd >= 0 && set_nonblock(r->connection_fd, false) < 0)
                child_fail(c, SPAWN_STAGE_NONBLOCK);
        if (place_fds(c) < 0)
                child_fail(c, SPAWN_STAGE_FDS);
        for (size_t i = 0; r->non_blocking && i < r->n_fds; i++)
                if (set_nonblock(3 + (int) i, true) < 0)
                        child_fail(c, SPAWN_STAGE_NONBLOCK);
        if (r->nofile && !(r->rlimit_set && r->rlimit_set[RLIMIT_NOFILE]) &&
            setrlimit(RLIMIT_NOFILE, r->nofile) < 0)
                child_fail(c, SPAWN_STAGE_RLIMIT);
        for (int i = 0; r->rlimit_set && i < RLIM_NLIMITS; i++)
                if (r->rlimit_set[i] && setrlimit(i, &r->rlimits[i]) < 0)
                        child_fail(c, SPAWN_STAGE_RLIMIT);
        if (r->nice != UNIT_UNSET && setpriority(PRIO_PROCESS, 0, r->nice) < 0)
                child_fail(c, SPAWN_STAGE_NICE);
        umask(r->umask);
        if (r->root_directory && (chroot(r->root_directory) < 0 || chdir("/") < 0))
                child_fail(c, SPAWN_STAGE_ROOT_DIRECTORY);
        if (r->set_credentials) {
                if (setgroups(r->n_groups, r->groups) < 0)
                        child_fail(c, SPAWN_STAGE_GROUPS);
                if (setresgid(r->gid, r->gid, r->gid) < 0)
                        child_fail(c, SPAWN_STAGE_GID);
                if (setresuid(r->uid, r->uid, r->uid) < 0)
                        child_fail(c, SPAWN_STAGE_UID);
        }
        if (chdir(r->working_directory ? r->working_directory : "/") < 0) {
                if (!(r->working_directory_missing_ok && errno == ENOENT) || chdir("/") < 0)
                        child_fail(c, SPAWN_STAGE_WORKING_DIRECTORY);
        }
        if (r->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_fail(c, SPAWN_STAGE_NO_NEW_PRIVILEGES);
        for (size_t i = 0; i < ELEMENTSOF(c->own_pid); i++)
                if (c->own_pid[i])
                        write_own_pid(c->own_pid[i]);
        execve(r->path, r->argv, c->envp);
        child_fail(c, SPAWN_STAGE_EXEC);
}

#ifdef __SANITIZE_ADDRESS__
/* Returns once the child has exec'd or failed: the child's pid, or -1 with errno set. A failure
 * comes through the pipe, which closes at exec. */
static pid_t start_child(struct child *c)
{
        int pipe_fds[2];
        ssize_t n;
        pid_t pid;

        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -1;
        c->unused_fd = pipe_fds[0];
        c->error_fd = pipe_fds[1];
        pid = fork();
        if (pid == 0)
                child_run(c);
        close(pipe_fds[1]);
        if (pid >= 0) {
                do
                        n = read(pipe_fds[0], &c->error, sizeof(c->error));
                while (n < 0 && errno == EINTR);
                c->failed = n == (ssize_t) sizeof(c->error);
        }
        close(pipe_fds[0]);
        return pid;
}
#else
#define SPAWN_STACK_SIZE (256 * 1024)

static int child_main(void *c)
{
        child_run(c);
}

/* The child's stack, made once: one child at a time runs on it, while sockactd waits. Below it, a
 * page that faults, so that an overflow kills the child instead of writing into sockactd. */
static void *child_stack_top(void)
{
        static char *stack;
        size_t guard = (size_t) sysconf(_SC_PAGESIZE);

        if (!stack) {
                char *p = mmap(NULL, guard + SPAWN_STACK_SIZE, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

                if (p == MAP_FAILED)
                        return NULL;
                if (mprotect(p, guard, PROT_NONE) < 0) {
                        munmap(p, guard + SPAWN_STACK_SIZE);
                        return NULL;
                }
                stack = p + guard;
        }
        return stack + SPAWN_STACK_SIZE;
}

/* Returns once the child has exec'd or exited: the child's pid, or -1 with errno set. A failure
 * is in c->error, written by the child. */
static pid_t start_child(struct child *c)
{
        void *stack = child_stack_top();
        sigset_t all, old;
        pid_t pid;
        int saved;

        if (!stack)
                return -1;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &old);
        pid = clone(child_main, stack, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
        saved = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = saved;
        return pid;
}
#endif

/* The fd table and the environment vector, allocated before the child exists. */
static int child_prepare(const struct spawn_request *r, char own_pid[2][40], struct child *ret)
{
        size_t n_env = strv_length(r->envp);
        int *sources = calloc(3 + r->n_fds, sizeof(int));
        char **envp = calloc(n_env + 3, sizeof(char *));

        if (!sources || !envp) {
                free(sources);
                free(envp);
                return -ENOMEM;
        }
        for (size_t i = 0; i < 3; i++)
                sources[i] = r->stdio[i];
        for (size_t i = 0; i < r->n_fds; i++)
                sources[3 + i] = r->fds[i];
        memcpy(envp, r->envp, n_env * sizeof(char *));
        *ret = (struct child){ .r = r, .sources = sources, .envp = envp, .error_fd = -1, .unused_fd = -1 };
        if (r->listen_pid) {
                strcpy(own_pid[0], "LISTEN_PID=");
                ret->own_pid[0] = envp[n_env++] = own_pid[0];
        }
        if (r->watchdog_pid) {
                strcpy(own_pid[1], "WATCHDOG_PID=");
                ret->own_pid[1] = envp[n_env++] = own_pid[1];
        }
        return 0;
}

int spawn_command(const struct spawn_request *r, pid_t *ret_pid, struct spawn_error *ret_error)
{
        char own_pid[2][40];
        struct child c;
        pid_t pid;
        int k;

        k = child_prepare(r, own_pid, &c);
        if (k < 0) {
                *ret_error = (struct spawn_error){ SPAWN_STAGE_FORK, -k };
                return k;
        }
        pid = start_child(&c);
        k = -errno;
        free(c.sources);
        free(c.envp);
        if (pid < 0) {
                *ret_error = (struct spawn_error){ SPAWN_STAGE_FORK, -k };
                return k;
        }
        if (c.failed) {
                (void) waitpid(pid, NULL, 0);
                *ret_error = c.error;
                return -c.error.error;
        }
        *ret_pid = pid; /* it has exec'd */
        return 0;
}

int spawn_find_executable(const char *path, char **ret)
{
        const char *p = ENVIRON_DEFAULT_PATH;

        if (path[0] == '/') {
                char *copy = strdup(path);
                if (!copy)
                        return -ENOMEM;
                *ret = copy;
                return 0;
        }
        while (*p) {
                size_t n = strcspn(p, ":");
                _cleanup_free_ char *candidate = NULL;
                struct stat st;

                if (strdup_printf(&candidate, "%.*s/%s", (int) n, p, path) < 0)
                        return -ENOMEM;
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
                        *ret = TAKE_PTR(candidate);
                        return 0;
                }
                p += n + (p[n] == ':');
        }
        return -ENOENT;
}
