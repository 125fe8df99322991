/* See cgroup.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_KILL_PASSES_MAX 16   /* passes over cgroup.procs before giving up on a fork storm */
#define CGROUP_SIGNALLED_MAX   4096 /* pids remembered per cgroup_kill() */

static bool is_cgroup2(const char *path)
{
        struct statfs fs;

        return statfs(path, &fs) == 0 && (unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* sockactd's own cgroup v2 path, from the "0::/path" line of /proc/self/cgroup. */
static int own_cgroup(char **ret)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        char line[4096];

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                if (!startswith(line, "0::"))
                        continue;
                line[strcspn(line, "\n")] = '\0';
                *ret = strdup(line + 3);
                return *ret ? 0 : -ENOMEM;
        }
        return -ENOENT;
}

int cgroup_root_open(struct cgroup_root *ret, const char **ret_reason)
{
        _cleanup_free_ char *own = NULL, *path = NULL;
        const char *mount = is_cgroup2("/sys/fs/cgroup")           ? "/sys/fs/cgroup"
                            : is_cgroup2("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified"
                                                                   : NULL;
        int r, fd;

        *ret = (struct cgroup_root){ .fd = -1 };
        if (!mount) {
                *ret_reason = "no cgroup v2 hierarchy at /sys/fs/cgroup";
                return -EOPNOTSUPP;
        }
        r = own_cgroup(&own);
        if (r < 0) {
                *ret_reason = "no cgroup v2 entry in /proc/self/cgroup";
                return r;
        }
        r = strdup_printf(&path, "%s%s%ssockactd.%d", mount, own, endswith(own, "/") ? "" : "/",
                          (int) getpid());
        if (r < 0)
                return r;
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                *ret_reason = "cannot make a cgroup below sockactd's own";
                return -errno;
        }
        fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                *ret_reason = "cannot open the cgroup it made";
                r = -errno;
                (void) rmdir(path);
                return r;
        }
        *ret = (struct cgroup_root){ .fd = fd, .path = TAKE_PTR(path) };
        return 0;
}

void cgroup_root_close(struct cgroup_root *r)
{
        int fd;
        DIR *d;

        if (!r->path) /* never opened (a zeroed struct too) */
                return;
        fd = dup(r->fd);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (d) {
                for (struct dirent *de; (de = readdir(d));)
                        if (de->d_type == DT_DIR && de->d_name[0] != '.')
                                (void) unlinkat(r->fd, de->d_name, AT_REMOVEDIR); /* fails while populated */
                closedir(d);
        } else if (fd >= 0)
                close(fd);
        close(r->fd);
        (void) rmdir(r->path);
        free(r->path);
        *r = (struct cgroup_root){ .fd = -1 };
}

int cgroup_open(const struct cgroup_root *r, const char *name)
{
        int fd;

        if (r->fd < 0)
                return -EOPNOTSUPP;
        if (mkdirat(r->fd, name, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(r->fd, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static FILE *open_procs(int cgroup_fd)
{
        int fd = openat(cgroup_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
        FILE *f;

        if (fd < 0)
                return NULL;
        f = fdopen(fd, "re");
        if (!f)
                close(fd);
        return f;
}

void cgroup_remove(const struct cgroup_root *r, const char *name)
{
        if (r->fd >= 0)
                (void) unlinkat(r->fd, name, AT_REMOVEDIR);
}

/* One pass over cgroup.procs: signals the pids not signalled yet. Returns how many it signalled. */
static int kill_pass(int cgroup_fd, int sig, pid_t *signalled, size_t *n_signalled)
{
        _cleanup_fclose_ FILE *f = open_procs(cgroup_fd);
        int n = 0;
        long pid;

        if (!f)
                return -errno;
        while (fscanf(f, "%ld", &pid) == 1) {
                bool seen = false;

                for (size_t i = 0; i < *n_signalled && !seen; i++)
                        seen = signalled[i] == (pid_t) pid;
                if (seen || pid <= 0)
                        continue;
                if (kill((pid_t) pid, sig) == 0 || errno == ESRCH)
                        n++;
                if (sig != SIGKILL && sig != SIGCONT)
                        (void) kill((pid_t) pid, SIGCONT); /* a stopped process must see sig too */
                if (*n_signalled < CGROUP_SIGNALLED_MAX)
                        signalled[(*n_signalled)++] = (pid_t) pid;
        }
        return n;
}

int cgroup_kill(int cgroup_fd, int sig)
{
        _cleanup_free_ pid_t *signalled = NULL;
        size_t n_signalled = 0;
        int total = 0, r;

        if (sig == SIGKILL) {
                int fd = openat(cgroup_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);

                if (fd >= 0) {
                        r = cgroup_is_populated(cgroup_fd);
                        if (write(fd, "1", 1) == 1) {
                                close(fd);
                                return r > 0 ? 1 : 0;
                        }
                        close(fd);
                }
        }
        signalled = malloc(CGROUP_SIGNALLED_MAX * sizeof(pid_t));
        if (!signalled)
                return -ENOMEM;
        for (int pass = 0; pass < CGROUP_KILL_PASSES_MAX; pass++) {
                r = kill_pass(cgroup_fd, sig, signalled, &n_signalled);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                total += r;
        }
        return total;
}

int cgroup_contains(int cgroup_fd, pid_t pid)
{
        _cleanup_fclose_ FILE *f = open_procs(cgroup_fd);
        long p;

        if (!f)
                return -errno;
        while (fscanf(f, "%ld", &p) == 1)
                if (p == (long) pid)
                        return 1;
        return 0;
}

int cgroup_is_populated(int cgroup_fd)
{
        _cleanup_fclose_ FILE *f = NULL;
        int fd = openat(cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
        char line[64];

        if (fd < 0)
                return -errno;
        f = fdopen(fd, "re");
        if (!f) {
                close(fd);
                return -errno;
        }
        while (fgets(line, sizeof(line), f))
                if (startswith(line, "populated "))
                        return line[strlen("populated ")] == '1';
        return -EIO;
}

int cgroup_open_events(int cgroup_fd)
{
        int fd = openat(cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);

        return fd < 0 ? -errno : fd;
}
