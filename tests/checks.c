/* Assertions over the integration harness: each helper fails the test with the daemon's log tail
 * when what it waits for does not come. Shared by the integration suites. */
#include "tests.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "checks.h"
#include "support.h"
#include "util.h"

char *format(const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(r, 0);
        return s;
}

char *replace_all(char *text, const char *from, const char *to)
{
        size_t skip = 0;
        char *at;

        while ((at = strstr(text + skip, from))) {
                char *next = format("%.*s%s%s", (int) (at - text), text, to, at + strlen(from));

                skip = (size_t) (at - text) + strlen(to);
                free(text);
                text = next;
        }
        return text;
}

char *path_in(const struct harness *h, const char *name)
{
        char *p = NULL;

        ck_assert_int_eq(harness_path(h, name, &p), 0);
        return p;
}

char *program(const char *name)
{
        char *p = NULL;
        int r = harness_program(name, &p);

        ck_assert_msg(r == 0, "test program %s not built: %s", name, strerror(-r));
        return p;
}

uint16_t free_port(int family, int type)
{
        uint16_t port = 0;

        ck_assert_int_eq(harness_free_port(family, type, &port), 0);
        return port;
}

void init(struct harness *h)
{
        int r = harness_init(h);

        ck_assert_msg(r == 0, "cannot make the test directory: %s", strerror(-r));
}

/* Starts sockactd and waits for its one "ready" line, which must count expected_sockets. */
void start(struct harness *h, const struct harness_unit *units, size_t n_units, unsigned expected_sockets)
{
        unsigned sockets = 0;
        int r = harness_start(h, units, n_units);

        ck_assert_msg(r == 0, "cannot start sockactd: %s", strerror(-r));
        r = harness_wait_ready(h, T, &sockets);
        ck_assert_msg(r != -ETIMEDOUT,
                      "no \"N sockets listening, ready\" line from sockactd within %d ms:\n%s", T,
                      harness_log_tail(h));
        ck_assert_msg(r != -ESRCH, "sockactd exited (status %d) before \"N sockets listening, ready\":\n%s",
                      h->exit_status, harness_log_tail(h));
        ck_assert_msg(r == 0, "no single \"N sockets listening, ready\" line from sockactd (%s):\n%s",
                      strerror(-r), harness_log_tail(h));
        ck_assert_msg(sockets == expected_sockets, "sockactd: %u sockets listening, expected %u:\n%s",
                      sockets, expected_sockets, harness_log_tail(h));
}

/* SIGTERM: sockactd stops every service and exits 0. */
void stop(struct harness *h)
{
        int status = -1, r = harness_stop(h, T, &status);

        ck_assert_msg(r == 0, "sockactd did not stop on SIGTERM (%s):\n%s", strerror(-r),
                      harness_log_tail(h));
        ck_assert_msg(status == 0, "sockactd exited with status %d on SIGTERM:\n%s", status,
                      harness_log_tail(h));
        harness_done(h);
}

bool has_line(const char *text, const char *line)
{
        size_t n = strlen(line);

        for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
                        return true;
        return false;
}

/* The first line that starts with prefix, as a copy (NULL if none). */
char *line_starting(const char *text, const char *prefix)
{
        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (startswith(p, prefix))
                        return strndup(p, strcspn(p, "\n"));
        return NULL;
}

size_t count_lines(const char *text, const char *prefix)
{
        size_t n = 0;

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                n += startswith(p, prefix) != NULL;
        return n;
}

void assert_line(const char *text, const char *line)
{
        ck_assert_msg(has_line(text, line), "missing line \"%s\" in:\n%s", line, text);
}

void assert_linef(const char *text, const char *fmt, ...)
{
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(r, 0);
        assert_line(text, line);
}

/* The number after "key" at the start of a line ("pid=", "pid "). */
long number_after(const char *text, const char *key)
{
        _cleanup_free_ char *line = line_starting(text, key);

        ck_assert_msg(line, "no \"%s\" line in:\n%s", key, text);
        return strtol(line + strlen(key), NULL, 10);
}

char *request(struct harness *h, const char *address, int type)
{
        char *report = NULL;
        int r = harness_request(h, address, type, T, &report);

        ck_assert_msg(r == 0, "no report from the service on %s (%s); sockactd wrote:\n%s", address,
                      strerror(-r), harness_log_tail(h));
        assert_line(report, "end");
        return report;
}

/* What systemd passes, seen both through sd_listen_fds_with_names() and in the raw environment; and the
 * service is sockactd's own child (unless it already exited: --exit-after, --crash-after). */
void assert_activation(const struct harness *h, const char *report, unsigned n_fds, const char *names)
{
        long pid = number_after(report, "pid=");
        pid_t parent = 0;
        int r;

        assert_line(report, "listen_pid_matches=1");
        assert_linef(report, "listen_fds=%u", n_fds);
        assert_linef(report, "listen_fdnames=%s", names);
        assert_linef(report, "env LISTEN_PID=%ld", pid);
        assert_linef(report, "env LISTEN_FDS=%u", n_fds);
        assert_linef(report, "env LISTEN_FDNAMES=%s", names);
        r = harness_parent_of((pid_t) pid, &parent);
        if (r == -ENOENT || r == -ESRCH)
                return;
        ck_assert_int_eq(r, 0);
        ck_assert_msg(parent == h->pid, "the service %ld is the child of %d, not of sockactd %d", pid,
                      (int) parent, (int) h->pid);
}

/* A zombie counts as gone: it has exited, and who reaps it (init, or nobody in some containers) is
 * not the test's business. */
bool process_running(pid_t pid)
{
        char path[64], buf[512];
        const char *end;
        ssize_t n;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return false;
        buf[n] = '\0';
        end = strrchr(buf, ')'); /* "pid (comm) S …": comm may hold anything */
        return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

bool wait_gone(pid_t pid, int timeout_ms)
{
        for (int waited = 0; waited <= timeout_ms; waited += 20) {
                if (!process_running(pid))
                        return true;
                (void) poll(NULL, 0, 20);
        }
        return false;
}

/* One socket unit NAME.socket with the [Socket] body given, and NAME.service running listen-service. */
void one_service(struct harness *h, const char *name, const char *socket_body, const char *arguments)
{
        _cleanup_free_ char *socket_name = format("%s.socket", name),
                            *service_name = format("%s.service", name),
                            *socket_text = format("[Socket]\n%s", socket_body),
                            *exec = program("listen-service"),
                            *service_text = format("[Service]\nExecStart=%s%s%s\n", exec,
                                                   *arguments ? " " : "", arguments);

        ck_assert_int_eq(harness_write_unit(h, socket_name, socket_text), 0);
        ck_assert_int_eq(harness_write_unit(h, service_name, service_text), 0);
}

void assert_started_again(struct harness *h, const char *address, const char *names)
{
        _cleanup_free_ char *first = request(h, address, SOCK_STREAM), *second = NULL;
        long first_pid = number_after(first, "pid=");

        assert_activation(h, first, 1, names);
        ck_assert_msg(wait_gone((pid_t) first_pid, T), "the service %ld did not end after one request",
                      first_pid);
        second = request(h, address, SOCK_STREAM);
        assert_activation(h, second, 1, names);
        assert_line(second, "request=1");
        ck_assert_int_ne(number_after(second, "pid="), first_pid);
}

void wait_log(struct harness *h, size_t *offset, const char *needle)
{
        size_t from_start = 0;

        ck_assert_msg(harness_wait_log(h, needle, offset ? offset : &from_start, T) == 0,
                      "no \"%s\" within %d ms in:\n%s", needle, T, harness_log_tail(h));
}

size_t occurrences(const char *text, const char *needle)
{
        size_t n = 0;

        for (const char *p = text; p && (p = strstr(p, needle)); p++)
                n++;
        return n;
}

size_t count_fds(pid_t pid)
{
        _cleanup_free_ char *dir = format("/proc/%d/fd", (int) pid);
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        ck_assert_msg(d, "cannot read %s", dir);
        while ((de = readdir(d)))
                n += de->d_name[0] != '.';
        closedir(d);
        return n;
}

long long cpu_ticks(pid_t pid)
{
        _cleanup_free_ char *path = format("/proc/%d/stat", (int) pid), *stat = NULL;
        unsigned long long utime = 0, stime = 0;
        const char *p;

        ck_assert_int_eq(harness_read_file(path, 4096, &stat), 0);
        p = strrchr(stat, ')'); /* after the command name, which may hold anything */
        ck_assert_ptr_nonnull(p);
        /* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime */
        ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime),
                         2);
        return (long long) (utime + stime);
}

void assert_idle(struct harness *h, int timeout_ms, long long max_ticks)
{
        long long ticks = cpu_ticks(h->pid);

        ck_assert_int_eq(harness_pump(h, timeout_ms), 0);
        ticks = cpu_ticks(h->pid) - ticks;
        ck_assert_msg(ticks <= max_ticks, "sockactd used %lld clock ticks of CPU in %d ms of waiting:\n%s", ticks,
                      timeout_ms, harness_log_tail(h));
}

struct run_result sockactl_run(const struct harness *h, uid_t uid, gid_t gid, const char *const *args)
{
        char uid_arg[32], gid_arg[32];
        char *argv[32] = { (char *) "/usr/bin/setpriv", uid_arg, gid_arg, (char *) "--clear-groups" };
        size_t n = uid == 0 ? 0 : 4; /* setpriv drops to the user before sockactl runs */

        snprintf(uid_arg, sizeof(uid_arg), "--reuid=%u", (unsigned) uid);
        snprintf(gid_arg, sizeof(gid_arg), "--regid=%u", (unsigned) gid);
        argv[n++] = (char *) program_path("SOCKACTL", "build/sockactl");
        argv[n++] = (char *) "--runtime-dir";
        argv[n++] = h->runtime_dir;
        for (size_t i = 0; args[i] && i < 16; i++)
                argv[n++] = (char *) args[i];
        argv[n] = NULL;
        return run_program(argv);
}

/* The inode of the socket behind /proc/PID/fd/FD, from its link "socket:[INODE]"; 0 if none. */
unsigned long socket_inode(pid_t pid, const char *fd)
{
        _cleanup_free_ char *path = format("/proc/%d/fd/%s", (int) pid, fd);
        char link[64] = "";
        unsigned long inode = 0;

        if (readlink(path, link, sizeof(link) - 1) > 0)
                (void) sscanf(link, "socket:[%lu]", &inode);
        return inode;
}

/* Whether sockactd has the socket of this inode among its fds. */
bool daemon_holds(const struct harness *h, unsigned long inode)
{
        _cleanup_free_ char *dir = format("/proc/%d/fd", (int) h->pid);
        DIR *d = opendir(dir);
        struct dirent *de;
        bool found = false;

        ck_assert_ptr_nonnull(d);
        while (!found && (de = readdir(d)))
                found = de->d_name[0] != '.' && socket_inode(h->pid, de->d_name) == inode;
        closedir(d);
        return found;
}
