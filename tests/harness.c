/* See harness.h. Owns the test's sockactd process, its log pipe and its temporary directory; never
 * touches a process it did not start (sockactd by its pid, its services by their parent pid).
 * Every loop here ends at a deadline: each poll() is bounded by what is left of it. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"
#include "support.h"
#include "util.h"

extern char **environ;

#define TICK_MS       20   /* how often a wait for a process looks again */
#define LOG_TAIL_MAX  4096 /* what harness_log_tail() shows */
#define READ_CHUNK    65536
#define STAT_LINE_MAX 1024

static char root_dir[PATH_MAX]; /* set by harness_root_setup() in the runner, inherited by each test */

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What is left until deadline, capped at cap (cap < 0: no cap), never negative. */
static int left_ms(long long deadline, int cap)
{
        long long left = deadline - now_ms();

        if (left < 0)
                left = 0;
        if (cap >= 0 && left > cap)
                left = cap;
        return (int) left;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void) st;
        (void) flag;
        (void) ftw;
        (void) remove(path);
        return 0;
}

static void remove_tree(const char *path)
{
        if (path && *path)
                (void) nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void harness_root_setup(void)
{
        snprintf(root_dir, sizeof(root_dir), "/tmp/sockact-test.XXXXXX");
        if (!mkdtemp(root_dir) || chmod(root_dir, 0755) < 0)
                root_dir[0] = '\0'; /* each test then makes its directory in /tmp itself */
}

void harness_root_teardown(void)
{
        remove_tree(root_dir);
        root_dir[0] = '\0';
}

int harness_init(struct harness *h)
{
        char *dir = NULL;
        int r;

        *h = (struct harness){ .log_fd = -1, .exit_status = -1 };
        r = strdup_printf(&dir, "%s/test.XXXXXX", root_dir[0] ? root_dir : "/tmp");
        if (r < 0)
                return r;
        if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
                r = -errno;
                free(dir);
                return r;
        }
        h->dir = dir;
        if (harness_path(h, "units", &h->unit_dir) < 0 || harness_path(h, "run", &h->runtime_dir) < 0)
                return -ENOMEM;
        if (mkdir(h->unit_dir, 0755) < 0 || mkdir(h->runtime_dir, 0755) < 0)
                return -errno;
        return 0;
}

int harness_path(const struct harness *h, const char *name, char **ret)
{
        return strdup_printf(ret, "%s/%s", h->dir, name);
}

static int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        const char *p = data;

        if (fd < 0)
                return -errno;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t) n;
        }
        return fchmod(fd, mode) < 0 ? -errno : 0;
}

int harness_write_unit(struct harness *h, const char *name, const char *content)
{
        _cleanup_free_ char *path = NULL;

        if (strchr(name, '/') || strdup_printf(&path, "%s/%s", h->unit_dir, name) < 0)
                return -EINVAL;
        return write_file(path, content, strlen(content), 0644);
}

/* The environment for sockactd: the test's own, less what would make it think it was activated or
 * supervised itself. */
static int daemon_environment(char ***ret)
{
        static const char *const drop[] = { "LISTEN_PID=", "LISTEN_FDS=", "LISTEN_FDNAMES=",
                                            "NOTIFY_SOCKET=" };
        _cleanup_strv_free_ char **env = NULL;

        for (char **e = environ; *e; e++) {
                bool keep = true;
                for (size_t i = 0; i < ELEMENTSOF(drop); i++)
                        keep = keep && !startswith(*e, drop[i]);
                if (keep && strv_extend(&env, *e) < 0)
                        return -ENOMEM;
        }
        if (!env && strv_extend(&env, "PATH=/usr/bin:/bin") < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

/* In the child: only async-signal-safe calls from fork() to execve(). */
_Noreturn static void exec_daemon(const struct harness *h, pid_t parent, int null_fd, int log_fd,
                                  char *const argv[], char *const envp[])
{
        static const int reset[] = { SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGCHLD };
        sigset_t none;

        /* a failed assertion leaves the test without cleanup: sockactd then stops by itself. Its
         * own process group keeps it out of the SIGKILL that check sends to the test's group,
         * so that it has the time to stop its services. A change of user clears the death signal:
         * it comes first. */
        if (h->as_user && (setgroups(0, NULL) < 0 || setresgid(h->gid, h->gid, h->gid) < 0 ||
                           setresuid(h->uid, h->uid, h->uid) < 0))
                _exit(127);
        if (setpgid(0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
                _exit(127);
        if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
            dup2(log_fd, STDERR_FILENO) < 0)
                _exit(127);
        for (size_t i = 0; i < ELEMENTSOF(reset); i++)
                signal(reset[i], SIG_DFL);
        umask(022); /* as init starts it, whatever the test runner's */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(argv[0], argv, envp);
        _exit(127);
}

/* env less every assignment of name ("NAME=…"), in place. */
static void environment_remove(char **env, const char *name, size_t n)
{
        size_t kept = 0;

        for (size_t i = 0; env && env[i]; i++) {
                if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
                        free(env[i]);
                else
                        env[kept++] = env[i];
        }
        if (env)
                env[kept] = NULL;
}

int harness_start_argv(struct harness *h, char *const *args, char *const *extra_env)
{
        _cleanup_strv_free_ char **argv = NULL, **envp = NULL;
        _cleanup_close_ int null_fd = -1;
        int pipe_fds[2], r;
        pid_t parent = getpid(), pid;

        if (h->pid > 0)
                return -EBUSY;
        r = strv_extend(&argv, program_path("SOCKACTD", "build/sockactd"));
        for (size_t i = 0; args && args[i] && r >= 0; i++)
                r = strv_extend(&argv, args[i]);
        if (r >= 0)
                r = daemon_environment(&envp);
        for (size_t i = 0; extra_env && extra_env[i] && r >= 0; i++) {
                environment_remove(envp, extra_env[i], strcspn(extra_env[i], "="));
                if (strchr(extra_env[i], '='))
                        r = strv_extend(&envp, extra_env[i]);
        }
        if (r < 0)
                return r;
        if (!h->log) {
                h->log = calloc(1, HARNESS_LOG_MAX + 1);
                if (!h->log)
                        return -ENOMEM;
        }
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0)
                return -errno;
        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -errno;
        (void) fcntl(pipe_fds[0], F_SETPIPE_SZ, HARNESS_LOG_MAX); /* room for bursts between reads */
        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(pipe_fds[0]);
                close(pipe_fds[1]);
                return r;
        }
        if (pid == 0)
                exec_daemon(h, parent, null_fd, pipe_fds[1], argv, envp);
        close(pipe_fds[1]);
        /* only our end is non-blocking: the daemon's end is a file description of its own */
        (void) fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
        h->pid = pid;
        h->exit_status = -1;
        h->log_fd = pipe_fds[0];
        return 0;
}

int harness_start(struct harness *h, const struct harness_unit *units, size_t n_units)
{
        char *args[8 + HARNESS_EXTRA_ARGS_MAX + 1] = { (char *) "--unit-dir",    h->unit_dir,
                                                       (char *) "--runtime-dir", h->runtime_dir,
                                                       (char *) "--log-target",  (char *) "stderr",
                                                       (char *) "--log-level",   (char *) "debug" };
        size_t n = 8;
        int r;

        if (h->pid > 0)
                return -EBUSY;
        for (size_t i = 0; h->extra_args && h->extra_args[i]; i++) {
                if (i >= HARNESS_EXTRA_ARGS_MAX)
                        return -E2BIG;
                args[n++] = h->extra_args[i];
        }
        for (size_t i = 0; i < n_units; i++) {
                r = harness_write_unit(h, units[i].name, units[i].content);
                if (r < 0)
                        return r;
        }
        return harness_start_argv(h, args, NULL);
}

static void log_append(struct harness *h, const char *data, size_t n)
{
        if (n > HARNESS_LOG_MAX) {
                h->log_dropped += n - HARNESS_LOG_MAX;
                data += n - HARNESS_LOG_MAX;
                n = HARNESS_LOG_MAX;
        }
        if (h->log_len + n > HARNESS_LOG_MAX) {
                /* drop a quarter at least, so that a chatty daemon does not cost a memmove per read */
                size_t drop = h->log_len + n - HARNESS_LOG_MAX;
                if (drop < HARNESS_LOG_MAX / 4)
                        drop = HARNESS_LOG_MAX / 4;
                if (drop > h->log_len)
                        drop = h->log_len;
                memmove(h->log, h->log + drop, h->log_len - drop);
                h->log_len -= drop;
                h->log_dropped += drop;
        }
        memcpy(h->log + h->log_len, data, n);
        h->log_len += n;
        h->log[h->log_len] = '\0';
}

static void log_read(struct harness *h)
{
        char buf[READ_CHUNK];

        while (h->log_fd >= 0) {
                ssize_t n = read(h->log_fd, buf, sizeof(buf));
                if (n > 0) {
                        log_append(h, buf, (size_t) n);
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                        close(h->log_fd);
                        h->log_fd = -1;
                }
                return;
        }
}

static void reap(struct harness *h)
{
        int status;

        if (h->pid <= 0 || waitpid(h->pid, &status, WNOHANG) != h->pid)
                return;
        h->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        h->pid = 0;
}

/* One poll() on fd (if ≥ 0) and the log, for at most timeout_ms; reads the log and notices sockactd's
 * exit. Returns 1 when fd is ready, 0 otherwise, or -errno. */
static int poll_once(struct harness *h, int fd, short events, int timeout_ms)
{
        struct pollfd p[2] = { { .fd = fd, .events = events },
                               { .fd = h && h->log_fd >= 0 ? h->log_fd : -1, .events = POLLIN } };
        int r = poll(p, 2, timeout_ms);

        if (r < 0 && errno != EINTR)
                return -errno;
        if (h) {
                if (r > 0 && p[1].revents)
                        log_read(h);
                reap(h);
        }
        return r > 0 && fd >= 0 && p[0].revents ? 1 : 0;
}

int harness_pump(struct harness *h, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;
        int r;

        do {
                r = poll_once(h, -1, 0, left_ms(deadline, h->log_fd >= 0 ? -1 : TICK_MS));
                if (r < 0)
                        return r;
        } while (now_ms() < deadline);
        return 0;
}

int harness_wait_log(struct harness *h, const char *needle, size_t *offset, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;

        for (;;) {
                size_t from = offset && *offset > h->log_dropped ? *offset - h->log_dropped : 0;
                const char *hit;
                int r;

                if (h->pid == 0)
                        log_read(h); /* it exited: all it wrote is in the pipe */
                hit = h->log && from <= h->log_len ? strstr(h->log + from, needle) : NULL;
                if (hit) {
                        if (offset)
                                *offset = h->log_dropped + (size_t) (hit - h->log) + strlen(needle);
                        return 0;
                }
                if (h->pid == 0)
                        return -ESRCH;
                if (now_ms() >= deadline)
                        return -ETIMEDOUT;
                /* bounded ticks: after an exit the pipe may stay open in a service */
                r = poll_once(h, -1, 0, left_ms(deadline, 100));
                if (r < 0)
                        return r;
        }
}

int harness_wait_ready(struct harness *h, int timeout_ms, unsigned *ret_sockets)
{
        static const char needle[] = " sockets listening, ready\n";
        size_t offset = 0;
        const char *end, *digits;
        int r = harness_wait_log(h, needle, &offset, timeout_ms);

        if (r < 0)
                return r;
        if (strstr(h->log + (offset - h->log_dropped), needle))
                return -EEXIST; /* "ready" once, not once per socket or per reload */
        end = h->log + (offset - h->log_dropped) - strlen(needle);
        digits = end;
        while (digits > h->log && digits[-1] >= '0' && digits[-1] <= '9')
                digits--;
        if (digits == end || digits == h->log || digits[-1] != ' ')
                return -EBADMSG;
        if (ret_sockets)
                *ret_sockets = (unsigned) strtoul(digits, NULL, 10);
        return 0;
}

const char *harness_log_tail(const struct harness *h)
{
        const char *tail;

        if (!h->log)
                return "(sockactd not started)";
        tail = h->log + (h->log_len > LOG_TAIL_MAX ? h->log_len - LOG_TAIL_MAX : 0);
        return *tail ? tail : "(sockactd wrote nothing)";
}

/* Fields of /proc/PID/stat: the name between the first "(" and the last ")", then state and ppid. */
static int read_stat(pid_t pid, char comm[static 64], char *ret_state, pid_t *ret_ppid)
{
        char path[64], line[STAT_LINE_MAX];
        _cleanup_close_ int fd = -1;
        const char *open_paren, *close_paren;
        char state;
        int ppid;
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, line, sizeof(line) - 1);
        if (n <= 0)
                return n < 0 ? -errno : -ENODATA;
        line[n] = '\0';
        open_paren = strchr(line, '(');
        close_paren = strrchr(line, ')');
        if (!open_paren || !close_paren || close_paren < open_paren ||
            sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
                return -EBADMSG;
        snprintf(comm, 64, "%.*s", (int) (close_paren - open_paren - 1), open_paren + 1);
        *ret_state = state;
        *ret_ppid = ppid;
        return 0;
}

int harness_parent_of(pid_t pid, pid_t *ret_ppid)
{
        char comm[64], state;
        pid_t ppid;
        int r = read_stat(pid, comm, &state, &ppid);

        if (r < 0)
                return r;
        if (state == 'X' || ppid == 0)
                return -ESRCH; /* exiting: the kernel already shows no parent */
        *ret_ppid = ppid;
        return 0;
}

/* Calls f on each running child of parent named comm (NULL: any name); returns how many. */
static size_t for_each_child(pid_t parent, const char *comm, void (*f)(pid_t))
{
        DIR *d = opendir("/proc");
        struct dirent *de;
        size_t n = 0;

        while (d && (de = readdir(d))) {
                char name[64], state;
                pid_t pid = (pid_t) atoi(de->d_name), ppid;

                if (pid <= 0 || read_stat(pid, name, &state, &ppid) < 0)
                        continue;
                if (ppid != parent || state == 'Z' || (comm && !streq(name, comm)))
                        continue;
                n++;
                if (f)
                        f(pid);
        }
        if (d)
                closedir(d);
        return n;
}

int harness_count_children(const struct harness *h, const char *comm, size_t *ret_n)
{
        if (h->pid <= 0)
                return -ESRCH;
        *ret_n = for_each_child(h->pid, comm, NULL);
        return 0;
}

int harness_wait_children(struct harness *h, const char *comm, size_t n, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;

        for (;;) {
                size_t found;
                int r = harness_count_children(h, comm, &found);

                if (r < 0)
                        return r;
                if (found == n)
                        return 0;
                if (now_ms() >= deadline)
                        return -ETIMEDOUT;
                r = poll_once(h, -1, 0, left_ms(deadline, TICK_MS));
                if (r < 0)
                        return r;
        }
}

static void kill_hard(pid_t pid)
{
        (void) kill(pid, SIGKILL);
}

int harness_stop(struct harness *h, int timeout_ms, int *ret_status)
{
        long long deadline = now_ms() + timeout_ms;
        int status, r;

        reap(h);
        if (h->pid > 0 && kill(h->pid, SIGTERM) < 0)
                return -errno;
        while (h->pid > 0 && now_ms() < deadline) {
                r = poll_once(h, -1, 0, left_ms(deadline, TICK_MS));
                if (r < 0)
                        return r;
        }
        if (h->pid > 0) {
                /* its services first, while they are still recognizably its children */
                for_each_child(h->pid, NULL, kill_hard);
                (void) kill(h->pid, SIGKILL);
                if (waitpid(h->pid, &status, 0) == h->pid)
                        h->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                h->pid = 0;
                log_read(h);
                return -ETIMEDOUT;
        }
        log_read(h);
        if (h->exit_status < 0)
                return -ECHILD; /* never started */
        if (ret_status)
                *ret_status = h->exit_status;
        return 0;
}

void harness_done(struct harness *h)
{
        if (h->pid > 0)
                (void) harness_stop(h, HARNESS_TIMEOUT_MS, NULL);
        if (h->log_fd >= 0)
                close(h->log_fd);
        remove_tree(h->dir);
        free(h->dir);
        free(h->unit_dir);
        free(h->runtime_dir);
        free(h->log);
        *h = (struct harness){ .log_fd = -1, .exit_status = -1 };
}

int harness_program(const char *name, char **ret_path)
{
        _cleanup_free_ char *relative = NULL;
        char *absolute;

        if (strdup_printf(&relative, "%s/%s", program_path("TEST_PROGRAMS", "build/tests/programs"), name) <
            0)
                return -ENOMEM;
        absolute = realpath(relative, NULL);
        if (!absolute)
                return -errno;
        *ret_path = absolute;
        return 0;
}

int harness_read_file(const char *path, size_t max, char **ret)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;

        if (fd < 0)
                return -errno;
        buf = malloc(max + 1);
        if (!buf)
                return -ENOMEM;
        while (len < max) {
                ssize_t n = read(fd, buf + len, max - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

int harness_install_program(const struct harness *h, const char *name, char **ret_path)
{
        _cleanup_free_ char *source = NULL;
        int r = harness_program(name, &source);

        return r < 0 ? r : harness_install_file(h, source, name, ret_path);
}

int harness_install_file(const struct harness *h, const char *source, const char *name, char **ret_path)
{
        _cleanup_free_ char *target = NULL;
        _cleanup_close_ int in = -1;
        struct stat st;
        char *data;
        ssize_t n;
        int r;

        in = open(source, O_RDONLY | O_CLOEXEC);
        if (in < 0 || fstat(in, &st) < 0)
                return -errno;
        data = malloc((size_t) st.st_size + 1);
        if (!data)
                return -ENOMEM;
        n = read(in, data, (size_t) st.st_size); /* a regular file: one read */
        if (n != st.st_size) {
                free(data);
                return n < 0 ? -errno : -EIO;
        }
        r = harness_path(h, name, &target);
        if (r >= 0)
                r = write_file(target, data, (size_t) n, 0755);
        free(data);
        if (r < 0)
                return r;
        *ret_path = TAKE_PTR(target);
        return 0;
}

static int bind_loopback(int family, int type, uint16_t port, bool any, int *ret_fd)
{
        _cleanup_close_ int fd = socket(family, type | SOCK_CLOEXEC, 0);
        struct sockaddr_storage ss = { 0 };
        socklen_t len;

        if (fd < 0)
                return -errno;
        if (family == AF_INET6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
                int only = 0;

                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons(port);
                in6->sin6_addr = any ? in6addr_any : in6addr_loopback;
                if (any && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof(only)) < 0)
                        return -errno;
                len = sizeof(*in6);
        } else {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;

                in->sin_family = AF_INET;
                in->sin_port = htons(port);
                in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                len = sizeof(*in);
        }
        if (bind(fd, (struct sockaddr *) &ss, len) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int harness_free_port(int family, int type, uint16_t *ret_port)
{
        _cleanup_close_ int fd = -1;
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int r = bind_loopback(family, type, 0, family == AF_INET6, &fd);

        if (r < 0)
                return r;
        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
                return -errno;
        *ret_port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                             : ((struct sockaddr_in *) &ss)->sin_port);
        return 0;
}

bool harness_ipv6_loopback(void)
{
        _cleanup_close_ int fd = -1;

        return bind_loopback(AF_INET6, SOCK_STREAM, 0, false, &fd) == 0;
}

int harness_hold_port(int family, uint16_t port, int *ret_fd)
{
        _cleanup_close_ int fd = -1;
        int r = bind_loopback(family, SOCK_STREAM, port, false, &fd);

        if (r < 0)
                return r;
        if (listen(fd, 1) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* "127.0.0.1:80", "[::1]:80", "/path", "@abstract": the test's own small parser, so that the client
 * does not share a bug with the daemon's address.c. */
static int parse_address(const char *s, struct sockaddr_storage *ret, socklen_t *ret_len)
{
        struct sockaddr_storage ss = { 0 };
        char host[INET6_ADDRSTRLEN];
        const char *colon;
        unsigned long port;
        char *end;

        if (s[0] == '/' || s[0] == '@') {
                struct sockaddr_un *un = (struct sockaddr_un *) &ss;
                size_t n = strlen(s);

                if (n >= sizeof(un->sun_path))
                        return -ENAMETOOLONG;
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, s, n);
                if (s[0] == '@')
                        un->sun_path[0] = '\0'; /* abstract: the length says where the name ends */
                *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (s[0] == '/'));
                *ret = ss;
                return 0;
        }
        colon = strrchr(s, ':');
        if (!colon)
                return -EINVAL;
        errno = 0;
        port = strtoul(colon + 1, &end, 10);
        if (errno || *end || port == 0 || port > 65535)
                return -EINVAL;
        if (s[0] == '[') {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;

                if (colon - s < 3 || colon[-1] != ']' || (size_t) (colon - s - 2) >= sizeof(host))
                        return -EINVAL;
                snprintf(host, sizeof(host), "%.*s", (int) (colon - s - 2), s + 1);
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) port);
                if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
                        return -EINVAL;
                *ret_len = sizeof(*in6);
        } else {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;

                if ((size_t) (colon - s) >= sizeof(host))
                        return -EINVAL;
                snprintf(host, sizeof(host), "%.*s", (int) (colon - s), s);
                in->sin_family = AF_INET;
                in->sin_port = htons((uint16_t) port);
                if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
                        return -EINVAL;
                *ret_len = sizeof(*in);
        }
        *ret = ss;
        return 0;
}

int harness_connect(struct harness *h, const char *address, int type, int timeout_ms, int *ret_fd)
{
        long long deadline = now_ms() + timeout_ms;
        struct sockaddr_storage ss;
        _cleanup_close_ int fd = -1;
        socklen_t len;
        int r = parse_address(address, &ss, &len);

        if (r < 0)
                return r;
        fd = socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (ss.ss_family == AF_UNIX && type == SOCK_DGRAM) {
                sa_family_t unnamed = AF_UNIX; /* autobind: an abstract name the service can answer */
                if (bind(fd, (struct sockaddr *) &unnamed, sizeof(unnamed)) < 0)
                        return -errno;
        }
        for (;;) {
                if (connect(fd, (struct sockaddr *) &ss, len) == 0)
                        break;
                if (errno == EINPROGRESS) {
                        int error = 0;
                        socklen_t error_len = sizeof(error);

                        do {
                                r = poll_once(h, fd, POLLOUT, left_ms(deadline, -1));
                                if (r < 0)
                                        return r;
                        } while (r == 0 && now_ms() < deadline);
                        if (r == 0)
                                return -ETIMEDOUT;
                        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_len) < 0)
                                return -errno;
                        if (error)
                                return -error;
                        break;
                }
                if (errno != EAGAIN && errno != EINTR)
                        return -errno;
                /* a Unix listener's backlog is full: try again shortly */
                if (now_ms() >= deadline)
                        return -ETIMEDOUT;
                r = poll_once(h, -1, 0, left_ms(deadline, TICK_MS));
                if (r < 0)
                        return r;
        }
        if (type == SOCK_DGRAM && send(fd, "?", 1, MSG_NOSIGNAL) != 1)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int harness_read_report(struct harness *h, int fd, int timeout_ms, char **ret_report)
{
        long long deadline = now_ms() + timeout_ms;
        _cleanup_free_ char *buf = malloc(HARNESS_REPORT_MAX + 1);
        int type = 0;
        socklen_t type_len = sizeof(type);
        size_t len = 0;

        if (!buf)
                return -ENOMEM;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) < 0)
                return -errno;
        buf[0] = '\0';
        for (;;) {
                ssize_t n;
                int r;

                if (len == HARNESS_REPORT_MAX)
                        return -EMSGSIZE;
                r = poll_once(h, fd, POLLIN, left_ms(deadline, -1));
                if (r < 0)
                        return r;
                if (r == 0) {
                        if (now_ms() >= deadline)
                                return -ETIMEDOUT;
                        continue;
                }
                n = recv(fd, buf + len, HARNESS_REPORT_MAX - len, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n < 0)
                        return -errno;
                len += (size_t) n;
                buf[len] = '\0';
                if (n == 0 && len == 0)
                        return -ENODATA; /* closed without a word */
                if (n == 0 || type != SOCK_STREAM || streq(buf, "end\n") || endswith(buf, "\nend\n"))
                        break;
        }
        *ret_report = TAKE_PTR(buf);
        return 0;
}

int harness_request(struct harness *h, const char *address, int type, int timeout_ms, char **ret_report)
{
        long long deadline = now_ms() + timeout_ms;
        _cleanup_close_ int fd = -1;
        int r = harness_connect(h, address, type, timeout_ms, &fd);

        if (r < 0)
                return r;
        return harness_read_report(h, fd, left_ms(deadline, -1), ret_report);
}
