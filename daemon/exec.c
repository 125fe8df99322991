/* Running one command of a unit; see exec.h. Everything that can fail slowly or allocate
 * (user lookups, environment files, opening stdio, directories) happens here in the parent,
 * before spawn_command() forks. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "environ.h"
#include "exec.h"
#include "log.h"
#include "spawn.h"
#include "user.h"
#include "value.h"

#define EXEC_GROUPS_MAX 1024 /* supplementary groups of one command */

struct credentials {
        bool set;
        uid_t uid;
        gid_t gid;
        gid_t groups[EXEC_GROUPS_MAX];
        size_t n_groups;
        char *user; /* for $USER, $LOGNAME, $HOME, $SHELL, when User= is set */
        char *home;
        char *shell;
};

static void credentials_clear(struct credentials *c)
{
        free(c->user);
        free(c->home);
        free(c->shell);
}

/* A user by name or number, with the name, home and shell $USER, $HOME and $SHELL get: a number
 * the user database does not know gets its number, "/" and /usr/sbin/nologin, as systemd gives. */
static int lookup_user(const char *name, struct credentials *c)
{
        struct user_record u;
        int r = user_lookup(name, &u);

        if (r < 0)
                return r;
        c->uid = u.uid;
        c->gid = u.gid != (gid_t) -1 ? u.gid : (gid_t) u.uid;
        c->user = u.name ? TAKE_PTR(u.name) : strdup(name);
        c->home = u.home && *u.home ? TAKE_PTR(u.home) : strdup("/");
        c->shell = u.shell && *u.shell ? TAKE_PTR(u.shell) : strdup("/usr/sbin/nologin");
        user_record_clear(&u);
        return c->user && c->home && c->shell ? 0 : -ENOMEM;
}

static bool contains_gid(const gid_t *list, size_t n, gid_t gid)
{
        for (size_t i = 0; i < n; i++)
                if (list[i] == gid)
                        return true;
        return false;
}

/* Whether the credentials are sockactd's own: its uid, gid and group list (as sets, the primary
 * group aside). A sockactd that is not root may not even set its own groups again (setgroups()
 * needs CAP_SETGID), so a User= naming its own user must change nothing. */
static bool credentials_are_own(const struct credentials *c)
{
        gid_t own[EXEC_GROUPS_MAX];
        int n = getgroups(EXEC_GROUPS_MAX, own);

        if (n < 0 || c->uid != geteuid() || c->gid != getegid())
                return false;
        for (size_t i = 0; i < c->n_groups; i++)
                if (c->groups[i] != c->gid && !contains_gid(own, (size_t) n, c->groups[i]))
                        return false;
        for (int i = 0; i < n; i++)
                if (own[i] != c->gid && !contains_gid(c->groups, c->n_groups, own[i]))
                        return false;
        return true;
}

/* User=, Group=, SupplementaryGroups=: the user's own groups (as initgroups() would set them)
 * and the listed ones. Nothing to set when none is configured, or with the "+" and "!" prefixes,
 * or when they are sockactd's own. */
static int resolve_credentials(const struct unit *u, const struct exec_command *c, struct credentials *ret)
{
        const struct service_config *s = &u->service;
        int r;

        *ret = (struct credentials){ .uid = geteuid(), .gid = getegid() };
        if ((c->flags & (EXEC_PRIVILEGED | EXEC_NO_SETUID)) ||
            (!s->user && !s->group && !s->supplementary_groups))
                return 0;
        ret->set = true;
        if (s->user) {
                r = lookup_user(s->user, ret);
                if (r < 0)
                        return log_unit_error(u->name, r == -ESRCH ? 0 : r, "User=%s: no such user",
                                              s->user);
        }
        if (s->group && group_lookup(s->group, &ret->gid) < 0)
                return log_unit_error(u->name, 0, "Group=%s: no such group", s->group);
        if (ret->user) {
                int n = EXEC_GROUPS_MAX;
                if (getgrouplist(ret->user, ret->gid, ret->groups, &n) < 0)
                        return log_unit_error(u->name, 0, "User=%s: more than %d groups", ret->user,
                                              EXEC_GROUPS_MAX);
                ret->n_groups = (size_t) n;
        }
        for (size_t i = 0; s->supplementary_groups && s->supplementary_groups[i]; i++) {
                if (ret->n_groups >= EXEC_GROUPS_MAX)
                        return log_unit_error(u->name, 0, "SupplementaryGroups=: more than %d groups",
                                              EXEC_GROUPS_MAX);
                if (group_lookup(s->supplementary_groups[i], &ret->groups[ret->n_groups]) < 0)
                        return log_unit_error(u->name, 0, "SupplementaryGroups=%s: no such group",
                                              s->supplementary_groups[i]);
                ret->n_groups++;
        }
        if (geteuid() != 0 && credentials_are_own(ret))
                ret->set = false; /* $USER, $HOME… are still those of User= */
        return 0;
}

/* RuntimeDirectory= and StateDirectory=: each made below its root with its mode, owned by the
 * command's user. Returns the "NAME=dir:dir" assignment for the environment, or NULL. */
static int make_directories(const struct unit *u, char *const *dirs, const char *root, mode_t mode,
                            const struct credentials *cred, const char *variable, char **ret_assignment)
{
        _cleanup_free_ char *assignment = NULL;

        for (size_t i = 0; dirs && dirs[i]; i++) {
                _cleanup_free_ char *path = NULL;

                if (!root)
                        return log_unit_error(u->name, 0, "%s=%s: no root directory for it", variable,
                                              dirs[i]);
                if (strdup_printf(&path, "%s/%s", root, dirs[i]) < 0)
                        return -ENOMEM;
                for (char *slash = path + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
                        *slash = '\0';
                        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                                return log_unit_error(u->name, errno, "%s=: mkdir %s: %m", variable, path);
                        *slash = '/';
                }
                if ((mkdir(path, mode) < 0 && errno != EEXIST) || chmod(path, mode) < 0 ||
                    (cred->set && chown(path, cred->uid, cred->gid) < 0))
                        return log_unit_error(u->name, errno, "%s=: %s: %m", variable, path);
                if (strextend_printf(&assignment, "%s%s", assignment ? ":" : "", path) < 0)
                        return -ENOMEM;
        }
        if (assignment && strdup_printf(ret_assignment, "%s_DIRECTORY=%s", variable, assignment) < 0)
                return -ENOMEM;
        return 0;
}

/* The fds that become 0, 1 and 2, and the ones opened for them (closed after the spawn). */
struct stdio {
        int fd[3];
        int opened[3];
};

static int open_null(int null_fd, struct stdio *io, int slot)
{
        int fd = null_fd >= 0 ? null_fd : open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return -errno;
        io->fd[slot] = fd;
        if (fd != null_fd)
                io->opened[slot] = fd;
        return 0;
}

/* Without journald each attempt to reach it fails the same way (a socket, a connect, a close, at
 * every spawn): after a failure, output goes where sockactd logs, without trying again, for
 * JOURNAL_RETRY_USEC. */
#define JOURNAL_RETRY_USEC USEC_PER_SEC

static void open_journal(const struct unit *u, int slot, struct stdio *io)
{
        static uint64_t retry_usec; /* CLOCK_MONOTONIC: no attempt before it */
        uint64_t now = now_usec();
        int fd;

        if (now >= retry_usec) {
                fd = sd_journal_stream_fd(u->name, slot == 1 ? LOG_INFO : LOG_WARNING, 0);
                if (fd >= 0) {
                        io->opened[slot] = io->fd[slot] = fd;
                        return;
                }
                retry_usec = now + JOURNAL_RETRY_USEC;
        }
        io->fd[slot] = STDERR_FILENO; /* spawn moves it where it belongs */
}

static int open_output(const struct unit *u, enum std_output kind, const char *path, int slot,
                       const struct exec_params *p, int null_fd, struct stdio *io)
{
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, fd;

        switch (kind) {
        case STD_OUTPUT_INHERIT:
                io->fd[slot] = io->fd[slot - 1];
                return 0;
        case STD_OUTPUT_NULL:
                return open_null(null_fd, io, slot);
        case STD_OUTPUT_SOCKET:
                if (p->socket_fd < 0)
                        return log_unit_error(u->name, 0, "Standard%s=socket, but no socket is passed",
                                              slot == 1 ? "Output" : "Error");
                io->fd[slot] = p->socket_fd;
                return 0;
        case STD_OUTPUT_JOURNAL:
                open_journal(u, slot, io);
                return 0;
        case STD_OUTPUT_APPEND:
                flags |= O_APPEND;
                break;
        case STD_OUTPUT_TRUNCATE:
                flags |= O_TRUNC;
                break;
        default:
                break;
        }
        fd = open(path, flags, 0666);
        if (fd < 0)
                return log_unit_error(u->name, errno, "Standard%s=: %s: %m", slot == 1 ? "Output" : "Error",
                                      path);
        io->opened[slot] = io->fd[slot] = fd;
        return 0;
}

static int open_stdio(const struct unit *u, const struct exec_params *p, int null_fd, struct stdio *io)
{
        const struct service_config *s = &u->service;
        int r;

        *io = (struct stdio){ .fd = { -1, -1, -1 }, .opened = { -1, -1, -1 } };
        switch (s->std_input) {
        case STD_INPUT_SOCKET:
                if (p->socket_fd < 0)
                        return log_unit_error(u->name, 0, "StandardInput=socket, but no socket is passed");
                io->fd[0] = p->socket_fd;
                break;
        case STD_INPUT_FILE:
                io->opened[0] = io->fd[0] = open(s->std_input_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (io->fd[0] < 0)
                        return log_unit_error(u->name, errno, "StandardInput=file:%s: %m",
                                              s->std_input_path);
                break;
        default:
                r = open_null(null_fd, io, 0);
                if (r < 0)
                        return r;
        }
        r = open_output(u, s->std_output, s->std_output_path, 1, p, null_fd, io);
        if (r < 0)
                return r;
        return open_output(u, s->std_error, s->std_error_path, 2, p, null_fd, io);
}

static void close_stdio(struct stdio *io)
{
        for (int i = 0; i < 3; i++)
                if (io->opened[i] >= 0)
                        close(io->opened[i]);
}

/* What sockactd itself sets: the user's variables, LISTEN_FDS and LISTEN_FDNAMES (LISTEN_PID
 * comes from spawn), the directories, and the caller's extras. */
static int daemon_environment(const struct exec_params *p, const struct credentials *cred, char *runtime,
                              char *state, char ***ret)
{
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ char *names = NULL;
        int r = 0;

        if (cred->user) {
                char *v[4] = { NULL };

                if (strdup_printf(&v[0], "HOME=%s", cred->home) < 0 ||
                    strdup_printf(&v[1], "USER=%s", cred->user) < 0 ||
                    strdup_printf(&v[2], "LOGNAME=%s", cred->user) < 0 ||
                    strdup_printf(&v[3], "SHELL=%s", cred->shell) < 0) {
                        for (int i = 0; i < 4; i++)
                                free(v[i]);
                        return -ENOMEM;
                }
                for (int i = 0; i < 4; i++)
                        if (r >= 0)
                                r = strv_consume(&env, v[i]);
                        else
                                free(v[i]);
        }
        if (p->n_fds > 0) {
                for (size_t i = 0; i < p->n_fds && r >= 0; i++)
                        r = strextend_printf(&names, "%s%s", i ? ":" : "", p->fd_names[i]);
                char *fds = NULL, *fdnames = NULL;
                if (r >= 0 && (strdup_printf(&fds, "LISTEN_FDS=%zu", p->n_fds) < 0 ||
                               strdup_printf(&fdnames, "LISTEN_FDNAMES=%s", names) < 0))
                        r = -ENOMEM;
                if (r >= 0)
                        r = strv_consume(&env, fds);
                if (r >= 0)
                        r = strv_consume(&env, fdnames);
        }
        if (r >= 0 && runtime)
                r = strv_extend(&env, runtime);
        if (r >= 0 && state)
                r = strv_extend(&env, state);
        for (size_t i = 0; p->extra_env && p->extra_env[i] && r >= 0; i++)
                r = strv_extend(&env, p->extra_env[i]);
        if (r < 0)
                return r;
        if (!env && strv_copy(NULL, &env) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

/* Reads every EnvironmentFile=; a missing one is an error unless written with "-". */
static int read_environment_files(const struct unit *u, char ***ret)
{
        const struct service_config *s = &u->service;
        _cleanup_strv_free_ char **files = NULL;

        for (size_t i = 0; i < s->n_environment_files; i++) {
                const struct environment_file *f = &s->environment_files[i];
                const char *reason = NULL;
                unsigned line = 0;
                int r = environ_file_read(f->path, &files, &line, &reason);

                if (r == -ENOENT && f->ignore_missing)
                        continue;
                if (r == -EINVAL)
                        return log_unit_error(u->name, 0, "EnvironmentFile=%s:%u: %s", f->path, line,
                                              reason);
                if (r < 0)
                        return log_unit_error(u->name, r, "EnvironmentFile=%s: %m", f->path);
        }
        if (!files && strv_copy(NULL, &files) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(files);
        return 0;
}

static int log_spawn_error(const struct unit *u, const struct exec_command *c, const struct spawn_error *e,
                           const struct credentials *cred)
{
        const struct service_config *s = &u->service;

        switch (e->stage) {
        case SPAWN_STAGE_UID:
                return log_unit_error(u->name, e->error, "User=%s: setresuid: %m", s->user ? s->user : "");
        case SPAWN_STAGE_GID:
                return log_unit_error(u->name, e->error, "Group=%s: setresgid: %m",
                                      s->group     ? s->group
                                      : cred->user ? cred->user
                                                   : "");
        case SPAWN_STAGE_WORKING_DIRECTORY:
                return log_unit_error(u->name, e->error, "WorkingDirectory=%s: chdir: %m",
                                      s->working_directory);
        case SPAWN_STAGE_ROOT_DIRECTORY:
                return log_unit_error(u->name, e->error, "RootDirectory=%s: chroot: %m", s->root_directory);
        case SPAWN_STAGE_EXEC:
                return log_unit_error(u->name, e->error, "%s: exec: %m", c->path);
        default:
                return log_unit_error(u->name, e->error, "%s: %m", spawn_stage_to_string(e->stage));
        }
}

int exec_command_start(const struct unit *u, const struct exec_command *c, const struct exec_params *p,
                       const struct exec_roots *roots, pid_t *ret_pid)
{
        const struct service_config *s = &u->service;
        _cleanup_free_ char *path = NULL, *runtime = NULL, *state = NULL, *working_directory = NULL;
        _cleanup_strv_free_ char **daemon_env = NULL, **files = NULL, **env = NULL, **argv = NULL;
        _cleanup_(credentials_clear) struct credentials cred = { 0 };
        struct spawn_error e;
        struct stdio io;
        int r;

        r = spawn_find_executable(c->path, &path);
        if (r == -ENOENT && (c->flags & EXEC_IGNORE_FAILURE))
                return r;
        if (r < 0)
                return log_unit_error(u->name, r, "%s: %s", c->path,
                                      r == -ENOENT ? "no such executable in " ENVIRON_DEFAULT_PATH : "%m");

        r = resolve_credentials(u, c, &cred);
        if (r >= 0)
                r = make_directories(u, s->runtime_directory, roots->runtime, s->runtime_directory_mode,
                                     &cred, "RUNTIME", &runtime);
        if (r >= 0)
                r = make_directories(u, s->state_directory, roots->state, s->state_directory_mode, &cred,
                                     "STATE", &state);
        if (r >= 0)
                r = daemon_environment(p, &cred, runtime, state, &daemon_env);
        if (r >= 0)
                r = read_environment_files(u, &files);
        if (r >= 0) {
                struct environ_inputs in = {
                        .service = s, .manager = roots->manager_env, .daemon = daemon_env, .files = files
                };
                r = environ_build(&in, &env);
        }
        if (r >= 0)
                r = execline_expand_env(c, env, &argv);
        if (r < 0)
                return r == -ENOMEM ? log_unit_error(u->name, r, "%m") : r;

        if (s->working_directory && streq(s->working_directory, "~")) {
                const char *home = cred.home ? cred.home : getenv("HOME");
                working_directory = strdup(home ? home : "/");
                if (!working_directory)
                        return -ENOMEM;
        }

        r = open_stdio(u, p, roots->null_fd, &io);
        if (r < 0) {
                close_stdio(&io);
                return r;
        }
        struct spawn_request req = {
                .path = path,
                .argv = argv,
                .envp = env,
                .listen_pid = p->n_fds > 0,
                .watchdog_pid = p->watchdog_pid,
                .stdio = { io.fd[0], io.fd[1], io.fd[2] },
                .fds = p->fds,
                .n_fds = p->n_fds,
                .connection_fd = p->socket_is_connection ? p->socket_fd : -1,
                .non_blocking = s->non_blocking,
                .new_session = p->new_session,
                .in_cgroup = p->in_cgroup,
                .cgroup_fd = p->cgroup_fd,
                .set_credentials = cred.set,
                .uid = cred.uid,
                .gid = cred.gid,
                .groups = cred.groups,
                .n_groups = cred.n_groups,
                .umask = s->umask,
                .nice = s->nice,
                .rlimit_set = s->rlimit_set,
                .rlimits = s->rlimits,
                .nofile = roots->nofile,
                .root_directory = s->root_directory,
                .working_directory = working_directory ? working_directory : s->working_directory,
                .working_directory_missing_ok = s->working_directory_missing_ok,
                .no_new_privileges = s->no_new_privileges,
        };
        r = spawn_command(&req, ret_pid, &e);
        close_stdio(&io);
        if (r < 0)
                return log_spawn_error(u, c, &e, &cred);
        log_unit_debug(u->name, "started %s as process %d", path, (int) *ret_pid);
        return 0;
}
