/* Real Debian programs that speak the sd_listen_fds() protocol, run unchanged by the real sockactd from
 * unit files: systemd-socket-proxyd (package systemd), gunicorn (package gunicorn) and dbus-daemon
 * (package dbus-daemon). .ci/run and "make deps" install them; a missing one fails its test with the
 * package to install. Each test checks what a user would: nothing runs before the first connection, the
 * bytes or the page that come back, that the program serves through sockactd's own listening socket (the
 * kernel's inode, seen in both processes) rather than one it bound itself, and, where the program can
 * end by itself, that the next connection starts it again. tests/debian/ holds gunicorn's application and
 * Debian's own dbus.service. Every wait is bounded. */
#include "tests.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "harness.h"
#include "support.h"
#include "util.h"

#define T HARNESS_TIMEOUT_MS
/* A Python program's first answer: the interpreter and its imports come first, on a busy 2-core machine */
#define PYTHON_START_MS (3 * HARNESS_TIMEOUT_MS)
#define TICK_MS         20  /* how often a wait looks again */
#define QUIET_MS        300 /* how long nothing may start before the first connection */
#define EXCHANGE_MAX    256 /* the largest message a test sends through a proxy */
#define LINE_MAX_PROC   512 /* a line of /proc/net/tcp or /proc/net/unix */
/* The end of sockactd's log in a failure message: check refuses a message past 4 KiB (CK_MAX_MSG_SIZE)
 * and then ends the test with an "early exit" that hides it */
#define LOG_SHOWN 2048

#define FIXTURES_DEBIAN "tests/debian"
#define FIXTURE_MAX     (64 << 10)

#define SOCKET_PROXYD "/lib/systemd/systemd-socket-proxyd"
#define GUNICORN      "/usr/bin/gunicorn"
#define DBUS_DAEMON   "/usr/bin/dbus-daemon"
#define DBUS_SEND     "/usr/bin/dbus-send"

/* The processes' names (comm) as sockactd's children: the kernel keeps 15 characters */
#define SOCKET_PROXYD_COMM "systemd-socket-"
#define GUNICORN_COMM      "gunicorn"
#define DBUS_DAEMON_COMM   "dbus-daemon"

/* ---- helpers that fail the test with the daemon's log ---- */

static char *format(const char *fmt, ...) _printf_(1, 2);
static char *format(const char *fmt, ...)
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

/* The last LOG_SHOWN bytes of sockactd's log, from the start of a line. */
static const char *log_tail(const struct harness *h)
{
        const char *tail = harness_log_tail(h);
        size_t len = strlen(tail);
        const char *newline;

        if (len <= LOG_SHOWN)
                return tail;
        tail += len - LOG_SHOWN;
        newline = strchr(tail, '\n');
        return newline && newline[1] ? newline + 1 : tail;
}

/* The program is part of a Debian package that CI installs: without it the test fails, naming it. */
static void require_program(const char *path, const char *package)
{
        ck_assert_msg(access(path, X_OK) == 0,
                      "%s is missing: install the Debian package %s (apt-get install %s; .ci/run and "
                      "'make deps' do)",
                      path, package, package);
}

static char *path_in(const struct harness *h, const char *name)
{
        char *p = NULL;

        ck_assert_int_eq(harness_path(h, name, &p), 0);
        return p;
}

static uint16_t free_port(void)
{
        uint16_t port = 0;

        ck_assert_int_eq(harness_free_port(AF_INET, SOCK_STREAM, &port), 0);
        return port;
}

static void init(struct harness *h)
{
        int r = harness_init(h);

        ck_assert_msg(r == 0, "cannot make the test directory: %s", strerror(-r));
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "we");

        ck_assert_msg(f, "%s: %s", path, strerror(errno));
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
}

/* A file of tests/debian/ (the tests run from the top of the tree), whole. */
static char *fixture(const char *name)
{
        _cleanup_free_ char *path = format("%s/%s", FIXTURES_DEBIAN, name);
        char *text = NULL;
        int r = harness_read_file(path, FIXTURE_MAX, &text);

        ck_assert_msg(r == 0, "%s: %s", path, strerror(-r));
        return text;
}

/* Starts sockactd on the units and waits for its one "ready" line, which must count expected_sockets. */
static void start(struct harness *h, const struct harness_unit *units, size_t n_units,
                  unsigned expected_sockets)
{
        unsigned sockets = 0;
        int r = harness_start(h, units, n_units);

        ck_assert_msg(r == 0, "cannot start sockactd: %s", strerror(-r));
        r = harness_wait_ready(h, T, &sockets);
        ck_assert_msg(r == 0, "no single \"N sockets listening, ready\" line from sockactd (%s):\n%s",
                      strerror(-r), log_tail(h));
        ck_assert_msg(sockets == expected_sockets, "sockactd: %u sockets listening, expected %u:\n%s",
                      sockets, expected_sockets, log_tail(h));
}

/* SIGTERM: sockactd stops the program and exits 0. */
static void stop(struct harness *h)
{
        int status = -1, r = harness_stop(h, T, &status);

        ck_assert_msg(r == 0, "sockactd did not stop on SIGTERM (%s):\n%s", strerror(-r), log_tail(h));
        ck_assert_msg(status == 0, "sockactd exited with status %d on SIGTERM:\n%s", status, log_tail(h));
        harness_done(h);
}

static void wait_log(struct harness *h, const char *needle, size_t *offset, int timeout_ms)
{
        int r = harness_wait_log(h, needle, offset, timeout_ms);

        ck_assert_msg(r == 0, "no \"%s\" from sockactd within %d ms (%s):\n%s", needle, timeout_ms,
                      strerror(-r), log_tail(h));
}

static size_t count_in_log(const struct harness *h, const char *needle)
{
        size_t n = 0;

        for (const char *p = h->log ? strstr(h->log, needle) : NULL; p; p = strstr(p + 1, needle))
                n++;
        return n;
}

/* Nothing runs before the first connection. */
static void assert_nothing_started(struct harness *h)
{
        size_t running = 99;

        ck_assert_int_eq(harness_pump(h, QUIET_MS), 0);
        ck_assert_int_eq(harness_count_children(h, NULL, &running), 0);
        ck_assert_msg(running == 0, "%zu processes started before any connection:\n%s", running,
                      log_tail(h));
}

static void wait_children(struct harness *h, const char *comm, size_t n)
{
        int r = harness_wait_children(h, comm, n, T);

        ck_assert_msg(r == 0, "not exactly %zu \"%s\" processes under sockactd within %d ms (%s):\n%s", n,
                      comm, T, strerror(-r), log_tail(h));
}

/* The pid of the next "SERVICE: started PROGRAM as process N" line after *offset. */
static pid_t wait_started(struct harness *h, const char *service, size_t *offset, int timeout_ms)
{
        _cleanup_free_ char *needle = format("%s: started ", service);
        const char *line, *pid;

        wait_log(h, needle, offset, timeout_ms);
        line = h->log + (*offset - h->log_dropped);
        pid = strstr(line, " as process ");
        ck_assert_msg(pid && pid < line + strcspn(line, "\n"), "no pid in \"%s%.*s\"", needle,
                      (int) strcspn(line, "\n"), line);
        return (pid_t) strtol(pid + strlen(" as process "), NULL, 10);
}

/* ---- the kernel's view: which socket a process listens on ---- */

/* The inode of the one TCP socket listening on 127.0.0.1:port (/proc/net/tcp). */
static unsigned long tcp_listener_inode(uint16_t port)
{
        FILE *f = fopen("/proc/net/tcp", "re");
        char line[LINE_MAX_PROC];
        unsigned long inode = 0;
        size_t found = 0;

        ck_assert_msg(f, "/proc/net/tcp: %s", strerror(errno));
        while (fgets(line, sizeof(line), f)) {
                unsigned address, local_port, state;
                unsigned long node;

                /* "sl local rem st tx:rx tr:when retrnsmt uid timeout inode", addresses in hex */
                if (sscanf(line, " %*u: %x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &address,
                           &local_port, &state, &node) != 4)
                        continue;
                if (address == htonl(INADDR_LOOPBACK) && local_port == port && state == 0x0A /* LISTEN */) {
                        inode = node;
                        found++;
                }
        }
        fclose(f);
        ck_assert_msg(found == 1, "%zu sockets listen on 127.0.0.1:%u, expected 1", found, port);
        return inode;
}

/* The inode of the one Unix stream socket listening on path (/proc/net/unix). */
static unsigned long unix_listener_inode(const char *path)
{
        FILE *f = fopen("/proc/net/unix", "re");
        char line[LINE_MAX_PROC + PATH_MAX];
        unsigned long inode = 0;
        size_t found = 0;

        ck_assert_msg(f, "/proc/net/unix: %s", strerror(errno));
        while (fgets(line, sizeof(line), f)) {
                unsigned long flags, node;
                unsigned type;
                int end = 0;

                /* "Num RefCount Protocol Flags Type St Inode Path" */
                if (sscanf(line, "%*x: %*x %*x %lx %x %*x %lu %n", &flags, &type, &node, &end) != 3 || !end)
                        continue;
                line[strcspn(line, "\n")] = '\0';
                if (streq(line + end, path) && (flags & 0x10000 /* __SO_ACCEPTCON */) &&
                    type == SOCK_STREAM) {
                        inode = node;
                        found++;
                }
        }
        fclose(f);
        ck_assert_msg(found == 1, "%zu sockets listen on %s, expected 1", found, path);
        return inode;
}

/* Whether one of pid's fds is the socket with this inode. */
static bool holds_socket(pid_t pid, unsigned long inode)
{
        _cleanup_free_ char *dir_path = format("/proc/%d/fd", (int) pid),
                            *target = format("socket:[%lu]", inode);
        DIR *dir = opendir(dir_path);
        struct dirent *de;
        bool held = false;

        ck_assert_msg(dir, "%s: %s", dir_path, strerror(errno));
        while (!held && (de = readdir(dir))) {
                char link[64];
                ssize_t n = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);

                if (n <= 0)
                        continue;
                link[n] = '\0';
                held = streq(link, target);
        }
        closedir(dir);
        return held;
}

/* The program listens on sockactd's own socket, the one sockactd bound before it ran. */
static void assert_shares_listener(const struct harness *h, pid_t pid, unsigned long inode,
                                   const char *address)
{
        ck_assert_msg(holds_socket(h->pid, inode), "sockactd %d does not hold the listener of %s",
                      (int) h->pid, address);
        ck_assert_msg(holds_socket(pid, inode),
                      "process %d does not listen on sockactd's socket for %s (inode %lu)", (int) pid,
                      address, inode);
}

/* ---- clients ---- */

/* Waits until fd is ready for events, reading sockactd's log meanwhile; false at the deadline. */
static bool wait_fd(struct harness *h, int fd, short events, int timeout_ms)
{
        for (int waited = 0; waited < timeout_ms; waited += TICK_MS) {
                struct pollfd p = { .fd = fd, .events = events };

                if (poll(&p, 1, TICK_MS) > 0)
                        return true;
                (void) harness_pump(h, 0);
        }
        return false;
}

static int connect_to(struct harness *h, const char *address)
{
        int fd = -1, r = harness_connect(h, address, SOCK_STREAM, T, &fd);

        ck_assert_msg(r == 0, "cannot connect to %s (%s):\n%s", address, strerror(-r), log_tail(h));
        return fd;
}

static void send_text(int fd, const char *text)
{
        size_t len = strlen(text);

        ck_assert_msg(send(fd, text, len, MSG_NOSIGNAL) == (ssize_t) len, "send: %s", strerror(errno));
}

/* Reads exactly the bytes of expected from fd, and checks them. */
static void expect_text(struct harness *h, int fd, const char *expected, const char *what)
{
        size_t want = strlen(expected), got = 0;
        char buf[EXCHANGE_MAX];

        ck_assert_uint_lt(want, sizeof(buf));
        for (size_t attempt = 0; got < want && attempt < EXCHANGE_MAX; attempt++) {
                ssize_t n;

                ck_assert_msg(wait_fd(h, fd, POLLIN, T), "%s: nothing within %d ms after \"%.*s\":\n%s",
                              what, T, (int) got, buf, log_tail(h));
                n = recv(fd, buf + got, want - got, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                ck_assert_msg(n > 0, "%s: %s after \"%.*s\"", what,
                              n == 0 ? "end of stream" : strerror(errno), (int) got, buf);
                got += (size_t) n;
        }
        ck_assert_msg(got == want && memcmp(buf, expected, want) == 0, "%s: got \"%.*s\", expected \"%s\"",
                      what, (int) got, buf, expected);
}

static void expect_end(struct harness *h, int fd, const char *what)
{
        char byte;
        ssize_t n;

        ck_assert_msg(wait_fd(h, fd, POLLIN, T), "%s: the stream did not end within %d ms", what, T);
        n = recv(fd, &byte, 1, MSG_DONTWAIT);
        ck_assert_msg(n == 0, "%s: %s instead of the end of the stream", what,
                      n > 0 ? "more bytes" : strerror(errno));
}

static int accept_within(struct harness *h, int listener, const char *what)
{
        int fd;

        ck_assert_msg(wait_fd(h, listener, POLLIN, T), "%s: no connection within %d ms:\n%s", what, T,
                      log_tail(h));
        fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        ck_assert_msg(fd >= 0, "%s: accept: %s", what, strerror(errno));
        return fd;
}

/* An HTTP/1.0 GET: the whole answer, up to the server's close. */
static char *http_get(struct harness *h, const char *address, const char *path, int timeout_ms)
{
        _cleanup_free_ char *request = format("GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path);
        _cleanup_close_ int fd = connect_to(h, address);
        char *answer = NULL;
        int r;

        send_text(fd, request);
        r = harness_read_report(h, fd, timeout_ms, &answer);
        ck_assert_msg(r == 0, "GET %s on %s: no answer within %d ms (%s):\n%s", path, address, timeout_ms,
                      strerror(-r), log_tail(h));
        return answer;
}

/* ---- systemd-socket-proxyd ---- */

/* One client's round trip through the proxy to the test's backend, which accepts the proxy's connection:
 * the client's bytes reach the backend, the backend's reach the client. Returns the backend's end. */
static int proxy_round_trip(struct harness *h, int client, int backend, const char *name)
{
        _cleanup_free_ char *ping = format("ping from %s\n", name), *pong = format("pong to %s\n", name);
        int upstream;

        send_text(client, ping);
        upstream = accept_within(h, backend, "the backend");
        expect_text(h, upstream, ping, "the backend");
        send_text(upstream, pong);
        expect_text(h, client, pong, name);
        return upstream;
}

/* The proxy of systemd-socket-proxyd(8)'s example (less PrivateTmp= and PrivateNetwork=, which sockactd
 * refuses), on a TCP port and a Unix socket, to a backend the test listens on. The first connection starts
 * one proxy, which carries bytes both ways and the backend's close, on both listeners; with no connection
 * for --exit-idle-time it exits, and the next connection starts a new one. */
START_TEST(test_systemd_socket_proxyd)
{
        struct harness h;
        uint16_t port = free_port(), backend_port = free_port();
        _cleanup_close_ int backend = -1, tcp_client = -1, unix_client = -1, tcp_upstream = -1,
                            unix_upstream = -1, again_client = -1, again_upstream = -1;
        size_t offset = 0;
        pid_t first, second;

        require_program(SOCKET_PROXYD, "systemd");
        ck_assert_int_eq(harness_hold_port(AF_INET, backend_port, &backend), 0);
        init(&h);
        _cleanup_free_ char *tcp = format("127.0.0.1:%u", port), *path = path_in(&h, "proxy.sock"),
                            *socket_text = format("[Unit]\nDescription=Proxy to the backend\n\n"
                                                  "[Socket]\nListenStream=%s\nListenStream=%s\n",
                                                  tcp, path),
                            *service_text = format("[Unit]\nRequires=proxy.socket\nAfter=proxy.socket\n\n"
                                                   "[Service]\n"
                                                   "ExecStart=%s --exit-idle-time=1s 127.0.0.1:%u\n",
                                                   SOCKET_PROXYD, backend_port);
        const struct harness_unit units[] = { { "proxy.socket", socket_text },
                                              { "proxy.service", service_text } };

        start(&h, units, ELEMENTSOF(units), 2);
        assert_nothing_started(&h);

        tcp_client = connect_to(&h, tcp);
        first = wait_started(&h, "proxy.service", &offset, T);
        tcp_upstream = proxy_round_trip(&h, tcp_client, backend, "the TCP client");
        /* while the first connection is open, the same proxy takes the Unix socket's */
        unix_client = connect_to(&h, path);
        unix_upstream = proxy_round_trip(&h, unix_client, backend, "the Unix client");
        wait_children(&h, SOCKET_PROXYD_COMM, 1);
        ck_assert_uint_eq(count_in_log(&h, "proxy.socket: Incoming traffic, activating proxy.service"), 1);
        ck_assert_uint_eq(count_in_log(&h, "proxy.service: Starting"), 1);
        assert_shares_listener(&h, first, tcp_listener_inode(port), tcp);
        assert_shares_listener(&h, first, unix_listener_inode(path), path);

        /* the backend closes: the proxy closes the client's side too */
        close(TAKE_FD(tcp_upstream));
        expect_end(&h, tcp_client, "the TCP client");
        close(TAKE_FD(unix_upstream));
        expect_end(&h, unix_client, "the Unix client");

        /* idle: the proxy exits by itself, and the next connection starts another */
        wait_children(&h, SOCKET_PROXYD_COMM, 0);
        again_client = connect_to(&h, tcp);
        second = wait_started(&h, "proxy.service", &offset, T);
        ck_assert_int_ne(second, first);
        again_upstream = proxy_round_trip(&h, again_client, backend, "the next client");
        ck_assert_uint_eq(count_in_log(&h, "proxy.service: Starting"), 2);
        stop(&h);
}
END_TEST

/* ---- gunicorn ---- */

/* Checks the page of tests/debian/hello.py and returns the arbiter's pid it names. */
static pid_t gunicorn_page(const char *page, const char *path)
{
        _cleanup_free_ char *tail = format(" path=%s\n", path);
        const char *body = strstr(page, "\r\n\r\nhello from gunicorn: worker="), *arbiter;

        ck_assert_msg(startswith(page, "HTTP/1.0 200 OK\r\n"), "not a 200 answer:\n%s", page);
        ck_assert_msg(body && endswith(page, tail), "not the application's page:\n%s", page);
        arbiter = strstr(body, " arbiter=");
        ck_assert_ptr_nonnull(arbiter);
        return (pid_t) strtol(arbiter + strlen(" arbiter="), NULL, 10);
}

/* gunicorn from the units of its documentation's deployment page (Type=notify, a Unix socket,
 * KillMode=mixed; less PrivateTmp=, which sockactd refuses; as nobody when the test runs as root), with a
 * TCP port as well and no --bind: had it not taken the passed sockets it would listen on its default
 * 127.0.0.1:8000. The first request starts it; it serves both listeners from
 * sockactd's sockets; once it exits, the next request starts it again. */
START_TEST(test_gunicorn)
{
        struct harness h;
        uint16_t port = free_port();
        size_t offset = 0;
        pid_t main_pid, arbiter, again;

        require_program(GUNICORN, "gunicorn");
        init(&h);
        _cleanup_free_ char *app_dir = path_in(&h, "app"), *app = path_in(&h, "app/hello.py"),
                            *app_text = fixture("hello.py"), *output = path_in(&h, "gunicorn.log"),
                            *path = path_in(&h, "gunicorn.sock"), *tcp = format("127.0.0.1:%u", port),
                            *socket_text = format("[Unit]\nDescription=gunicorn socket\n\n"
                                                  "[Socket]\nListenStream=%s\nListenStream=%s\n\n"
                                                  "[Install]\nWantedBy=sockets.target\n",
                                                  path, tcp),
                            *service_text =
                                    format("[Unit]\nDescription=gunicorn daemon\n"
                                           "Requires=gunicorn.socket\nAfter=network.target\n\n"
                                           "[Service]\nType=notify\n%s"
                                           "WorkingDirectory=%s\nExecStart=%s hello:application\n"
                                           "ExecReload=/bin/kill -s HUP $MAINPID\n"
                                           "KillMode=mixed\nTimeoutStopSec=5\n"
                                           "StandardError=append:%s\n\n"
                                           "[Install]\nWantedBy=multi-user.target\n",
                                           geteuid() == 0 ? "User=nobody\n" : "", app_dir, GUNICORN, output),
                            *page = NULL, *over_unix = NULL, *exiting = NULL, *after = NULL, *log = NULL,
                            *listening = NULL;
        const struct harness_unit units[] = { { "gunicorn.socket", socket_text },
                                              { "gunicorn.service", service_text } };

        ck_assert_int_eq(mkdir(app_dir, 0755), 0);
        write_file(app, app_text);
        start(&h, units, ELEMENTSOF(units), 2);
        assert_nothing_started(&h);

        page = http_get(&h, tcp, "/", PYTHON_START_MS);
        main_pid = wait_started(&h, "gunicorn.service", &offset, T);
        arbiter = gunicorn_page(page, "/");
        ck_assert_msg(arbiter == main_pid, "the page names arbiter %d, sockactd started %d:\n%s",
                      (int) arbiter, (int) main_pid, page);
        wait_log(&h, "gunicorn.service: READY=1", NULL, T);
        over_unix = http_get(&h, path, "/unix", T);
        ck_assert_int_eq(gunicorn_page(over_unix, "/unix"), main_pid);
        wait_children(&h, GUNICORN_COMM, 1); /* the arbiter; its workers are its own children */
        ck_assert_uint_eq(count_in_log(&h, "gunicorn.service: Starting"), 1);
        assert_shares_listener(&h, main_pid, tcp_listener_inode(port), tcp);
        assert_shares_listener(&h, main_pid, unix_listener_inode(path), path);
        ck_assert_int_eq(harness_read_file(output, HARNESS_LOG_MAX, &log), 0);
        listening = format("Listening at: unix:%s,http://%s (%d)", path, tcp, (int) main_pid);
        ck_assert_msg(strstr(log, listening), "no \"%s\" in gunicorn's log:\n%s", listening, log);

        /* gunicorn exits (SIGTERM from its own application); the next request starts a new one */
        exiting = http_get(&h, tcp, "/exit", T);
        gunicorn_page(exiting, "/exit");
        wait_children(&h, GUNICORN_COMM, 0);
        after = http_get(&h, tcp, "/again", PYTHON_START_MS);
        again = wait_started(&h, "gunicorn.service", &offset, T);
        ck_assert_int_ne(again, main_pid);
        ck_assert_int_eq(gunicorn_page(after, "/again"), again);
        ck_assert_uint_eq(count_in_log(&h, "gunicorn.service: Starting"), 2);
        stop(&h);
}
END_TEST

/* ---- dbus-daemon ---- */

/* org.freedesktop.DBus.GetId through dbus-send: the bus's id, from the "string" line of the reply. */
static char *bus_id(const struct harness *h, const char *bus_address)
{
        char *argv[] = { (char *) DBUS_SEND,
                         (char *) bus_address,
                         (char *) "--print-reply",
                         (char *) "--dest=org.freedesktop.DBus",
                         (char *) "/org/freedesktop/DBus",
                         (char *) "org.freedesktop.DBus.GetId",
                         NULL };
        struct run_result result = run_program(argv);
        const char *quote = strstr(result.out, "string \"");
        char *id;

        ck_assert_msg(result.status == 0 && quote, "dbus-send exited with %d:\n%s%s\nsockactd wrote:\n%s",
                      result.status, result.out, result.err, log_tail(h));
        quote += strlen("string \"");
        id = strndup(quote, strcspn(quote, "\""));
        ck_assert_ptr_nonnull(id);
        run_result_clear(&result);
        ck_assert_msg(strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32, "not a bus id: \"%s\"", id);
        return id;
}

/* Debian's own dbus.service (tests/debian/dbus.service) with a socket unit like Debian's dbus.socket on a
 * path of the test's own instead of %t/bus. The first method call starts one dbus-daemon, which takes its
 * one socket from sockactd and answers that call and the next. */
START_TEST(test_dbus_daemon)
{
        struct harness h;
        size_t offset = 0;
        pid_t main_pid;

        require_program(DBUS_DAEMON, "dbus-daemon");
        require_program(DBUS_SEND, "dbus-bin (a dependency of dbus-daemon)");
        init(&h);
        _cleanup_free_ char *path = path_in(&h, "bus"), *address = format("--bus=unix:path=%s", path),
                            *socket_text = format("[Unit]\nDescription=D-Bus User Message Bus Socket\n\n"
                                                  "[Socket]\nListenStream=%s\n",
                                                  path),
                            *service_text = fixture("dbus.service"), *first = NULL, *second = NULL;
        const struct harness_unit units[] = { { "dbus.socket", socket_text },
                                              { "dbus.service", service_text } };
        struct stat st;

        start(&h, units, ELEMENTSOF(units), 1);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        assert_nothing_started(&h);

        first = bus_id(&h, address);
        main_pid = wait_started(&h, "dbus.service", &offset, T);
        wait_log(&h, "dbus.service: READY=1", NULL, T);
        second = bus_id(&h, address);
        ck_assert_str_eq(second, first); /* one bus: the same daemon answered both */
        wait_children(&h, DBUS_DAEMON_COMM, 1);
        ck_assert_uint_eq(count_in_log(&h, "dbus.service: Starting"), 1);
        assert_shares_listener(&h, main_pid, unix_listener_inode(path), path);
        stop(&h);
}
END_TEST

Suite *debian_suite(void)
{
        Suite *s = suite_create("debian");
        TCase *t = tcase_create("debian");

        /* each wait is bounded by HARNESS_TIMEOUT_MS or PYTHON_START_MS; a test makes a dozen of them */
        tcase_set_timeout(t, 180);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_systemd_socket_proxyd);
        tcase_add_test(t, test_gunicorn);
        tcase_add_test(t, test_dbus_daemon);
        suite_add_tcase(s, t);
        return s;
}
