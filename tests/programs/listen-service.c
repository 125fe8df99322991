/* listen-service: a socket-activated test service, as an unmodified program sees activation. It calls
 * sd_listen_fds_with_names() and answers every request with a report of what it received: the
 * LISTEN_* values, each fd (name, type, listening, family, local address), its pid and its
 * environment as it was at startup. A listening socket's connection gets the report and is closed; a
 * datagram gets it back as one datagram. Every wait is a poll() with a timeout: it exits when idle
 * for --idle-exit-ms or when orphaned, so that it never outlives the test that started it.
 * With --fork it behaves as a Type=forking daemon: after sd_listen_fds_with_names() it forks, the
 * child serves in a session of its own, and the started process exits 0, having written the child's
 * pid to --pid-file (or the child writes it after --pid-file-delay-ms). The child takes its new
 * parent (sockactd, as a subreaper) for the one whose end it watches. With --graceful, SIGTERM
 * lets it finish the connection in hand and exit before the next accept: what waits in the backlog is
 * left to the socket's other holders. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define FDS_MAX          256
#define TICK_MS          1000
#define DATAGRAM_MAX     60000 /* fits a UDP datagram on loopback */
#define DRAIN_MAX        65536 /* what is read from a client before closing, so close() sends no RST */
#define SEND_TIMEOUT_SEC 5

extern char **environ;

struct options {
        long exit_after;  /* 0: never */
        long crash_after; /* 0: never */
        long sleep_ms;
        long idle_exit_ms;
        bool notify; /* --notify: sd_notify(READY=1) once ready to serve */
        bool fork;
        bool graceful; /* --graceful: SIGTERM ends it between two connections */
        const char *pid_file;
        long pid_file_delay_ms;
};

static volatile sig_atomic_t terminating;

static void on_terminate(int sig)
{
        (void) sig;
        _exit(0);
}

static void on_terminate_gracefully(int sig)
{
        (void) sig;
        terminating = 1;
}

static int parse_number(const char *s, long *ret)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end || v < 0 || v > INT_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_argv(int argc, char *argv[], struct options *o)
{
        static const struct option options[] = {
                { "exit-after", required_argument, NULL, 'e' },
                { "crash-after", required_argument, NULL, 'c' },
                { "sleep-ms", required_argument, NULL, 's' },
                { "idle-exit-ms", required_argument, NULL, 'i' },
                { "notify", no_argument, NULL, 'n' },
                { "fork", no_argument, NULL, 'f' },
                { "graceful", no_argument, NULL, 'g' },
                { "pid-file", required_argument, NULL, 'p' },
                { "pid-file-delay-ms", required_argument, NULL, 'd' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == 'n' || c == 'f' || c == 'g') {
                        *(c == 'n' ? &o->notify : c == 'f' ? &o->fork : &o->graceful) = true;
                        continue;
                }
                if (c == 'p') {
                        o->pid_file = optarg;
                        continue;
                }
                long *target = c == 'e'   ? &o->exit_after
                               : c == 'c' ? &o->crash_after
                               : c == 's' ? &o->sleep_ms
                               : c == 'i' ? &o->idle_exit_ms
                               : c == 'd' ? &o->pid_file_delay_ms
                                          : NULL;

                if (!target || parse_number(optarg, target) < 0)
                        return -EINVAL;
        }
        return optind == argc ? 0 : -EINVAL;
}

static const char *type_name(int fd)
{
        struct stat st;
        int type = 0;
        socklen_t len = sizeof(type);

        if (fstat(fd, &st) < 0)
                return "none";
        if (!S_ISSOCK(st.st_mode))
                return S_ISFIFO(st.st_mode) ? "fifo" : "other";
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
                return "?";
        return type == SOCK_STREAM      ? "stream"
               : type == SOCK_DGRAM     ? "datagram"
               : type == SOCK_SEQPACKET ? "seqpacket"
                                        : "?";
}

static bool is_listening(int fd)
{
        int v = 0;
        socklen_t len = sizeof(v);

        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v;
}

/* "family=inet local=127.0.0.1:80", "[::1]:80", "/path", "@abstract", or "-" when there is none. */
static void print_local(FILE *f, int fd)
{
        struct sockaddr_storage ss = { 0 };
        socklen_t len = sizeof(ss);
        char host[INET6_ADDRSTRLEN];

        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
                fprintf(f, " family=none local=-");
                return;
        }
        if (ss.ss_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                fprintf(f, " family=inet local=%s:%u", host, ntohs(in->sin_port));
        } else if (ss.ss_family == AF_INET6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                fprintf(f, " family=inet6 local=[%s]:%u", host, ntohs(in6->sin6_port));
        } else if (ss.ss_family == AF_UNIX) {
                struct sockaddr_un *un = (struct sockaddr_un *) &ss;
                size_t n = len > offsetof(struct sockaddr_un, sun_path)
                                   ? len - offsetof(struct sockaddr_un, sun_path)
                                   : 0;
                if (n == 0)
                        fprintf(f, " family=unix local=-");
                else if (un->sun_path[0] == '\0')
                        fprintf(f, " family=unix local=@%.*s", (int) n - 1, un->sun_path + 1);
                else
                        fprintf(f, " family=unix local=%.*s", (int) strnlen(un->sun_path, n), un->sun_path);
        } else
                fprintf(f, " family=%d local=-", ss.ss_family);
}

/* Everything but the per-request tail; env is the environment as it was before sd_listen_fds(). */
static char *build_report(char **env, const char *raw_fdnames, bool pid_matches, int n_listen,
                          const int *fds, char **names, size_t n_fds)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return NULL;
        fprintf(f, "listen_pid_matches=%d\n", pid_matches);
        fprintf(f, "listen_fds=%d\n", n_listen);
        fprintf(f, "listen_fdnames=%s\n", raw_fdnames ? raw_fdnames : "");
        for (size_t i = 0; i < n_fds; i++) {
                fprintf(f, "fd %d name=%s type=%s listening=%d", fds[i], names && names[i] ? names[i] : "?",
                        type_name(fds[i]), is_listening(fds[i]));
                print_local(f, fds[i]);
                fputc('\n', f);
        }
        fprintf(f, "pid=%d\n", (int) getpid());
        for (char **e = env; e && *e; e++)
                fprintf(f, "env %s\n", *e);
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

static char **copy_environment(void)
{
        size_t n = 0;
        char **copy;

        while (environ[n])
                n++;
        copy = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; copy && i < n; i++)
                copy[i] = strdup(environ[i]);
        return copy;
}

static void set_send_timeout(int fd)
{
        struct timeval tv = { .tv_sec = SEND_TIMEOUT_SEC };

        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void write_all(int fd, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                data += n;
                len -= (size_t) n;
        }
}

/* Reads what the client already sent (bounded, never waiting), so that close() does not reset the
 * connection before the client has read the report. */
static void drain_and_close(int fd)
{
        char buf[4096];
        size_t total = 0;
        ssize_t n;

        (void) shutdown(fd, SHUT_WR);
        while (total < DRAIN_MAX && (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
                total += (size_t) n;
        close(fd);
}

/* Serves one request on fd if one is there; returns whether it did. A connection fd (not listening)
 * is served once, then *fd is set to -1 so that it is no longer polled. */
static bool serve(int *fd, const char *report, unsigned long request)
{
        const char *type = type_name(*fd);
        bool stream = strcmp(type, "stream") == 0, seqpacket = strcmp(type, "seqpacket") == 0;
        char *text = NULL;
        int len = asprintf(&text, "%srequest=%lu\nend\n", report, request);
        bool served = false;

        if (len < 0)
                return false;
        if ((stream || seqpacket) && is_listening(*fd)) {
                int c = accept4(*fd, NULL, NULL, SOCK_CLOEXEC);
                if (c >= 0) {
                        set_send_timeout(c);
                        write_all(c, text, (size_t) len); /* one send: one message on seqpacket */
                        drain_and_close(c);
                        served = true;
                }
        } else if (stream || seqpacket) {
                set_send_timeout(*fd);
                write_all(*fd, text, (size_t) len);
                drain_and_close(*fd);
                *fd = -1;
                served = true;
        } else if (strcmp(type, "datagram") == 0) {
                struct sockaddr_storage peer;
                socklen_t peer_len = sizeof(peer);
                char buf[4096];

                if (recvfrom(*fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *) &peer, &peer_len) >=
                    0) {
                        /* an unnamed Unix peer cannot be answered, but it was a request */
                        if (peer_len > sizeof(sa_family_t))
                                (void) sendto(*fd, text, len > DATAGRAM_MAX ? DATAGRAM_MAX : (size_t) len,
                                              MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &peer,
                                              peer_len);
                        served = true;
                }
        } else
                *fd = -1; /* nothing to serve on a FIFO or a file */
        free(text);
        return served;
}

static void sleep_ms(long ms)
{
        struct timespec left = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

        while (nanosleep(&left, &left) < 0 && errno == EINTR)
                ;
}

static void crash(void)
{
        (void) prctl(PR_SET_DUMPABLE, 0); /* no core file for an intended crash */
        abort();
}

/* Serves until --exit-after, --idle-exit-ms or the parent's end; returns the exit status. */
static int serve_until_done(struct pollfd *pfds, size_t n_fds, const char *report, const struct options *o,
                            pid_t parent)
{
        unsigned long served = 0;
        long idle_ms = 0;
        size_t open_fds = n_fds;

        /* Accept=yes: a connection is served at once, without waiting for the client to write */
        for (size_t i = 0; i < n_fds; i++)
                if (strcmp(type_name(pfds[i].fd), "stream") == 0 && !is_listening(pfds[i].fd)) {
                        serve(&pfds[i].fd, report, ++served);
                        open_fds--;
                }
        if (open_fds == 0)
                return 0;

        for (;;) {
                int r = terminating ? 0 : poll(pfds, n_fds, TICK_MS);
                bool any = false;

                if (terminating)
                        return 0;
                if (r < 0 && errno != EINTR)
                        return 1;
                if (r <= 0) {
                        idle_ms += TICK_MS;
                        if (getppid() != parent || (o->idle_exit_ms > 0 && idle_ms >= o->idle_exit_ms))
                                return 0;
                        continue;
                }
                for (size_t i = 0; i < n_fds; i++) {
                        if (pfds[i].fd < 0 || !pfds[i].revents)
                                continue;
                        if (pfds[i].revents & POLLNVAL) {
                                pfds[i].fd = -1;
                                continue;
                        }
                        if (!serve(&pfds[i].fd, report, served + 1))
                                continue;
                        any = true;
                        served++;
                        if (o->crash_after > 0 && served >= (unsigned long) o->crash_after)
                                crash();
                        if (o->exit_after > 0 && served >= (unsigned long) o->exit_after)
                                return 0;
                }
                if (any)
                        idle_ms = 0;
                else
                        sleep_ms(10); /* readable but nothing to take (EMFILE, a vanished peer): no spin */
        }
}

static int write_pid_file(const char *path, pid_t pid)
{
        FILE *f = fopen(path, "we");

        if (!f || fprintf(f, "%d\n", (int) pid) < 0) {
                if (f)
                        fclose(f);
                return -1;
        }
        return fclose(f) == 0 ? 0 : -1;
}

/* --fork: the started process exits 0 once the child that serves exists (and, without a delay,
 * once its pid is in --pid-file); the child waits until it has been handed to its new parent. */
static void daemonize(const struct options *o)
{
        pid_t started = getpid(), child = fork();

        if (child < 0) {
                perror("listen-service: fork");
                exit(1);
        }
        if (child > 0) {
                if (o->pid_file && o->pid_file_delay_ms == 0 && write_pid_file(o->pid_file, child) < 0) {
                        perror("listen-service: --pid-file");
                        _exit(1);
                }
                _exit(0);
        }
        (void) setsid();
        for (int i = 0; i < 500 && getppid() == started; i++)
                sleep_ms(10);
        if (o->pid_file && o->pid_file_delay_ms > 0) {
                sleep_ms(o->pid_file_delay_ms);
                if (write_pid_file(o->pid_file, getpid()) < 0) {
                        perror("listen-service: --pid-file");
                        exit(1);
                }
        }
}

int main(int argc, char *argv[])
{
        struct options o = { .idle_exit_ms = 60000 };
        const char *raw_pid = getenv("LISTEN_PID");
        long raw_fds = getenv("LISTEN_FDS") ? strtol(getenv("LISTEN_FDS"), NULL, 10) : 0;
        char *raw_fdnames = getenv("LISTEN_FDNAMES") ? strdup(getenv("LISTEN_FDNAMES")) : NULL;
        char **env = copy_environment(), **names = NULL;
        struct pollfd pfds[FDS_MAX];
        int fds[FDS_MAX];
        pid_t parent;
        bool pid_matches;
        int status;
        size_t n_fds = 0;
        char *report;
        int n;

        if (parse_argv(argc, argv, &o) < 0) {
                fprintf(stderr, "Usage: listen-service [--exit-after N] [--crash-after N] [--sleep-ms MS] "
                                "[--idle-exit-ms MS] [--notify] [--graceful] [--fork [--pid-file PATH "
                                "[--pid-file-delay-ms MS]]]\n");
                return 2;
        }
        if (o.graceful)
                sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_terminate_gracefully }, NULL);
        else
                signal(SIGTERM, on_terminate);
        signal(SIGINT, on_terminate);
        signal(SIGPIPE, SIG_IGN);

        pid_matches = raw_pid && strtol(raw_pid, NULL, 10) == (long) getpid();
        n = sd_listen_fds_with_names(1, &names);
        if (n > 0)
                n_fds = (size_t) n;
        else if (raw_fds > 0)
                n_fds = (size_t) raw_fds; /* LISTEN_PID did not match: serve anyway, the report says so */
        if (n_fds == 0) {
                fprintf(stderr, "listen-service: no file descriptors passed (sd_listen_fds: %d)\n", n);
                return 1;
        }
        if (n_fds > FDS_MAX)
                n_fds = FDS_MAX;
        if (o.fork)
                daemonize(&o);
        parent = getppid();
        for (size_t i = 0; i < n_fds; i++)
                fds[i] = SD_LISTEN_FDS_START + (int) i;
        report = build_report(env, raw_fdnames, pid_matches, n, fds, n > 0 ? names : NULL, n_fds);
        if (!report) {
                fprintf(stderr, "listen-service: out of memory\n");
                return 1;
        }
        if (o.sleep_ms > 0)
                sleep_ms(o.sleep_ms);
        if (o.notify)
                sd_notify(0, "READY=1\nSTATUS=serving");

        for (size_t i = 0; i < n_fds; i++)
                pfds[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        status = serve_until_done(pfds, n_fds, report, &o, parent);
        free(report);
        free(raw_fdnames);
        for (size_t i = 0; env && env[i]; i++)
                free(env[i]);
        free(env);
        for (size_t i = 0; n > 0 && names && names[i]; i++)
                free(names[i]);
        free(names);
        return status;
}
