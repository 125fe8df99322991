/* Accept=yes against the real sockactd: an instance of the template per connection, with the
 * connection on fd 3 (LISTEN_FDS=1, "connection") or on stdin/stdout; systemd's instance names,
 * also inside the template (%i); $REMOTE_ADDR and $REMOTE_PORT; MaxConnections= and
 * MaxConnectionsPerSource= reached and released, also by failed instances; LogConnections=. */
#include "tests.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <time.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"
#include "daemon/manager.h"
#include "harness.h"
#include "util.h"

/* acc.socket (Accept=yes, the [Socket] lines given, on a free port of 127.0.0.1 unless they say
 * where) and the template acc@.service with the [Service] lines given; EXEC in them is
 * listen-service, FDREPORT fd-report. */
static char *start_accept(struct harness *h, const char *socket_lines, const char *service_lines)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port), *socket = NULL,
                            *service = format("%s", service_lines), *exec = program("listen-service"),
                            *fd_report = program("fd-report");

        service = replace_all(replace_all(service, "EXEC", exec), "FDREPORT", fd_report);
        socket = format("[Socket]\nAccept=yes\n%s%s", strstr(socket_lines, "Listen") ? "" : listen, socket_lines);
        char *text = format("[Service]\n%s", service);
        const struct harness_unit units[] = { { "acc.socket", socket }, { "acc@.service", text } };

        init(h);
        start(h, units, ELEMENTSOF(units), 1);
        free(text);
        return format("127.0.0.1:%u", port);
}

/* Connects from source (an address of 127.0.0.0/8) to 127.0.0.1:port; returns the fd. */
static int connect_from(const char *source, const char *address)
{
        struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
        const char *colon = strrchr(address, ':');
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(inet_pton(AF_INET, source, &from.sin_addr), 1);
        ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &to.sin_addr), 1);
        to.sin_port = htons((uint16_t) atoi(colon + 1));
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &from, sizeof(from)), 0);
        ck_assert_int_eq(connect(fd, (struct sockaddr *) &to, sizeof(to)), 0);
        return fd;
}

/* What the connection says before the instance ends it or T passes: the first line, "" at EOF. */
static char *first_line(int fd)
{
        char buf[256];
        size_t n = 0;

        while (n < sizeof(buf) - 1) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;

                ck_assert_msg(poll(&p, 1, T) == 1, "the connection said nothing within %d ms", T);
                k = read(fd, buf + n, 1);
                if (k <= 0 || buf[n] == '\n')
                        break;
                n++;
        }
        buf[n] = '\0';
        return format("%s", buf);
}

/* Whether fd has something to read (data or EOF) within timeout_ms. */
static bool readable_within(int fd, int timeout_ms)
{
        struct pollfd p = { .fd = fd, .events = POLLIN };

        return poll(&p, 1, timeout_ms) == 1;
}

/* fd 3: one connected socket named "connection", LISTEN_PID the instance's own, $REMOTE_ADDR and
 * $REMOTE_PORT the client's; each connection its own instance, numbered from 0. */
START_TEST(test_accept_fd3)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(&h, "", "ExecStart=EXEC\n"), *first = NULL, *second = NULL,
                            *name = NULL;

        first = request(&h, address, SOCK_STREAM);
        assert_activation(&h, first, 1, "connection");
        assert_linef(first, "fd 3 name=connection type=stream listening=0 family=inet local=%s", address);
        assert_line(first, "env REMOTE_ADDR=127.0.0.1");
        ck_assert_int_gt(number_after(first, "env REMOTE_PORT="), 0);
        name = format("acc@0-%s-127.0.0.1:%ld.service: Starting", address, number_after(first, "env REMOTE_PORT="));
        wait_log(&h, NULL, name);
        second = request(&h, address, SOCK_STREAM);
        ck_assert_int_ne(number_after(second, "pid="), number_after(first, "pid="));
        wait_log(&h, NULL, "acc@1-");
        stop(&h);
}
END_TEST

/* StandardInput=socket (inetd style): the connection is stdin and stdout (and stderr, which
 * follows stdout), no LISTEN_* variables, and fd 3 is not open. */
START_TEST(test_accept_inetd)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(&h, "", "ExecStart=FDREPORT\nStandardInput=socket\n"),
                            *report = NULL;

        ck_assert_int_eq(harness_request(&h, address, SOCK_STREAM, T, &report), 0);
        for (int fd = 0; fd <= 2; fd++)
                assert_linef(report, "fd %d cloexec=0 nonblock=0 kind=stream", fd);
        ck_assert_ptr_null(strstr(report, "\nfd 3 "));
        ck_assert_ptr_null(strstr(report, "LISTEN_"));
        assert_line(report, "env REMOTE_ADDR=127.0.0.1");
        stop(&h);
}
END_TEST

/* %i in the template is the instance of each connection, as systemd names it. */
START_TEST(test_accept_instance_specifier)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(&h, "", "Environment=INSTANCE=%i UNIT=%n\nExecStart=EXEC\n"),
                            *report = request(&h, address, SOCK_STREAM);
        long port = number_after(report, "env REMOTE_PORT=");

        assert_linef(report, "env INSTANCE=0-%s-127.0.0.1:%ld", address, port);
        assert_linef(report, "env UNIT=acc@0-%s-127.0.0.1:%ld.service", address, port);
        stop(&h);
}
END_TEST

/* MaxConnections=2: a third connection is closed at once and counted in the log; when an instance
 * ends, failed (exit status 1), its slot is free again. */
START_TEST(test_accept_max_connections)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(
                &h, "MaxConnections=2\n",
                "ExecStart=/bin/sh -c 'echo hello; read line; exit 1'\nStandardInput=socket\n");
        int a = connect_from("127.0.0.1", address), b = connect_from("127.0.0.1", address), c, d;
        _cleanup_free_ char *la = first_line(a), *lb = first_line(b), *lc = NULL, *ld = NULL;

        ck_assert_str_eq(la, "hello");
        ck_assert_str_eq(lb, "hello");
        c = connect_from("127.0.0.1", address);
        lc = first_line(c);
        ck_assert_str_eq(lc, ""); /* accepted and closed */
        wait_log(&h, NULL, "acc.socket: 1 connection(s) refused: MaxConnections= reached");
        close(a); /* its instance reads EOF and fails */
        wait_log(&h, NULL, ".service: stop-post → failed");
        d = connect_from("127.0.0.1", address);
        ld = first_line(d);
        ck_assert_str_eq(ld, "hello");
        close(b);
        close(c);
        close(d);
        stop(&h);
}
END_TEST

/* MaxConnectionsPerSource=1: a second connection from 127.0.0.1 is refused, one from 127.0.0.2 is
 * served. LogConnections=yes logs each connection when its instance ends. */
START_TEST(test_accept_per_source)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(
                &h, "MaxConnectionsPerSource=1\nLogConnections=yes\n",
                "ExecStart=/bin/sh -c 'echo hello; read line'\nStandardInput=socket\n");
        int a = connect_from("127.0.0.1", address), b, c;
        _cleanup_free_ char *la = first_line(a), *lb = NULL, *lc = NULL;

        ck_assert_str_eq(la, "hello");
        b = connect_from("127.0.0.1", address);
        lb = first_line(b);
        ck_assert_str_eq(lb, "");
        wait_log(&h, NULL, "1 connection(s) refused: MaxConnectionsPerSource= reached");
        c = connect_from("127.0.0.2", address);
        lc = first_line(c);
        ck_assert_str_eq(lc, "hello");
        close(c);
        wait_log(&h, NULL, "acc.socket: Connection from 127.0.0.2:");
        wait_log(&h, NULL, ", status 1, "); /* read hit EOF */
        close(a);
        close(b);
        stop(&h);
}
END_TEST

/* Out of fds: with RLIMIT_NOFILE enough for sockactd's reserve and a few instances (each holds its
 * connection and a pidfd), the connections that do not fit wait in the backlog; sockactd says so once, spends no CPU on retrying while it waits, and
 * serves every waiting connection once instances end and give their fds back. */
START_TEST(test_accept_out_of_fds)
{
        enum { CONNECTIONS = 16 }; /* each running instance holds one fd of sockactd's: its connection */
        struct harness h;
        _cleanup_free_ char *address =
                start_accept(&h, "", "ExecStart=/bin/sh -c 'echo hello; read line'\nStandardInput=socket\n");
        size_t held = count_fds(h.pid), served = 0, limit = held + MANAGER_FD_RESERVE + 10;
        struct rlimit tight, roomy;
        int fds[CONNECTIONS];
        bool answered[CONNECTIONS] = { false };

        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, NULL, &roomy), 0);
        tight = (struct rlimit){ limit, roomy.rlim_max }; /* the soft limit: raising a hard one needs a capability */
        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, &tight, NULL), 0);
        for (size_t i = 0; i < CONNECTIONS; i++)
                fds[i] = connect_from("127.0.0.1", address);
        wait_log(&h, NULL, "acc.socket: Cannot accept (Too many open files): trying again every 0.1s");
        for (size_t i = 0; i < CONNECTIONS; i++)
                if (readable_within(fds[i], 100)) {
                        _cleanup_free_ char *line = first_line(fds[i]);

                        ck_assert_msg(streq(line, "hello"), "a connection was closed:\n%s", /* not served */
                                      harness_log_tail(&h));
                        answered[i] = true;
                        served++;
                }
        ck_assert_msg(served > 0 && served < CONNECTIONS, "%zu of %d connections served with %zu fds:\n%s",
                      served, CONNECTIONS, limit, harness_log_tail(&h));

        assert_idle(&h, 1000, 20); /* a few retries, not a spinning CPU (100 ticks a second) */
        ck_assert_msg(occurrences(h.log, "acc.socket: Cannot accept") == 1, "logged more than once:\n%s",
                      harness_log_tail(&h));

        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, &roomy, NULL), 0);
        for (size_t i = 0; i < CONNECTIONS; i++)
                if (!answered[i]) {
                        _cleanup_free_ char *line = first_line(fds[i]);

                        ck_assert_msg(streq(line, "hello"), "a waiting connection was closed:\n%s",
                                      harness_log_tail(&h));
                }
        wait_log(&h, NULL, "acc.socket: Accepting again");
        for (size_t i = 0; i < CONNECTIONS; i++)
                close(fds[i]);
        stop(&h);
}
END_TEST

/* The flood: FLOOD_CONNECTIONS connections, FLOOD_IN_FLIGHT at a time, within FLOOD_SECONDS. Under
 * AddressSanitizer, sockactd is ten times slower: a smaller flood checks the same. */
#ifdef __SANITIZE_ADDRESS__
#define FLOOD_CONNECTIONS 4000
#else
#define FLOOD_CONNECTIONS 20000
#endif
#define FLOOD_IN_FLIGHT   8
#define FLOOD_SECONDS     120

static long long monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A non-blocking connection to 127.0.0.1:port, under way. */
static int connect_nonblocking(const struct sockaddr_in *to)
{
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

        ck_assert_int_ge(fd, 0);
        ck_assert_msg(connect(fd, (const struct sockaddr *) to, sizeof(*to)) == 0 || errno == EINPROGRESS,
                      "connect: %s", strerror(errno));
        return fd;
}

/* sockactd's resident memory, in KiB. */
static long rss_kib(pid_t pid)
{
        _cleanup_free_ char *path = format("/proc/%d/status", (int) pid), *status = NULL;

        ck_assert_int_eq(harness_read_file(path, 8192, &status), 0);
        return number_after(status, "VmRSS:");
}

/* Each connection gets its own instance, whose answer arrives whole: "hello" and the end. After
 * the flood, sockactd has as many fds as before, no child left, and its memory back, give or take
 * what the allocator keeps (1 MiB). */
START_TEST(test_accept_flood)
{
        struct harness h;
        _cleanup_free_ char *address = start_accept(&h, "TriggerLimitBurst=0\nPollLimitBurst=0\n",
                                                    "ExecStart=/bin/echo hello\nStandardInput=socket\n");
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(strrchr(address, ':') + 1)) };
        struct pollfd slots[FLOOD_IN_FLIGHT];
        char answers[FLOOD_IN_FLIGHT][16];
        size_t lengths[FLOOD_IN_FLIGHT] = { 0 }, started = 0, served = 0, wrong = 0, fds_before;
        long long deadline = monotonic_ms() + FLOOD_SECONDS * 1000LL;
        long rss_before;
        size_t children = 99;
        _cleanup_free_ char *warm_up = NULL;

        ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &to.sin_addr), 1);
        /* one connection first: what sockactd opens once (its spare fds, a timer) is there before */
        ck_assert_int_eq(harness_request(&h, address, SOCK_STREAM, T, &warm_up), 0);
        ck_assert_str_eq(warm_up, "hello\n");
        ck_assert_int_eq(harness_wait_children(&h, NULL, 0, T), 0);
        ck_assert_int_eq(harness_pump(&h, 100), 0);
        fds_before = count_fds(h.pid);
        rss_before = rss_kib(h.pid);
        for (size_t i = 0; i < FLOOD_IN_FLIGHT; i++) {
                slots[i] = (struct pollfd){ .fd = connect_nonblocking(&to), .events = POLLIN };
                started++;
        }
        while (served + wrong < started && monotonic_ms() < deadline) {
                ck_assert_int_ge(poll(slots, FLOOD_IN_FLIGHT, 1000), 0);
                ck_assert_int_eq(harness_pump(&h, 0), 0); /* keep its log flowing */
                for (size_t i = 0; i < FLOOD_IN_FLIGHT; i++) {
                        ssize_t n;

                        if (slots[i].fd < 0 || !slots[i].revents)
                                continue;
                        n = read(slots[i].fd, answers[i] + lengths[i], sizeof(answers[i]) - 1 - lengths[i]);
                        if (n < 0 && errno == EAGAIN)
                                continue;
                        if (n > 0 && lengths[i] + (size_t) n < sizeof(answers[i]) - 1) {
                                lengths[i] += (size_t) n;
                                continue;
                        }
                        answers[i][lengths[i]] = '\0';
                        if (n == 0 && streq(answers[i], "hello\n"))
                                served++;
                        else
                                wrong++;
                        close(slots[i].fd);
                        slots[i].fd = -1;
                        lengths[i] = 0;
                        if (started < FLOOD_CONNECTIONS) {
                                slots[i].fd = connect_nonblocking(&to);
                                started++;
                        }
                }
        }
        for (size_t i = 0; i < FLOOD_IN_FLIGHT; i++)
                if (slots[i].fd >= 0)
                        close(slots[i].fd);
        ck_assert_msg(served == FLOOD_CONNECTIONS, "%zu of %d connections served, %zu wrong answers:\n%s", served,
                      FLOOD_CONNECTIONS, wrong, harness_log_tail(&h));

        ck_assert_int_eq(harness_wait_children(&h, NULL, 0, T), 0);
        for (long long until = monotonic_ms() + T; count_fds(h.pid) != fds_before && monotonic_ms() < until;)
                ck_assert_int_eq(harness_pump(&h, 20), 0); /* the last instances are collected */
        ck_assert_uint_eq(count_fds(h.pid), fds_before);
        ck_assert_int_eq(harness_count_children(&h, NULL, &children), 0);
        ck_assert_uint_eq(children, 0);
#ifndef __SANITIZE_ADDRESS__ /* whose quarantine keeps what is freed; its leak check runs at stop() */
        ck_assert_msg(rss_kib(h.pid) <= rss_before + 1024, "RSS %ld KiB after the flood, %ld KiB before",
                      rss_kib(h.pid), rss_before);
#else
        (void) rss_before;
#endif
        stop(&h);
}
END_TEST

Suite *accept_suite(void)
{
        Suite *s = suite_create("accept");
        TCase *t = tcase_create("accept"), *flood = tcase_create("flood");

        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_accept_fd3);
        tcase_add_test(t, test_accept_inetd);
        tcase_add_test(t, test_accept_instance_specifier);
        tcase_add_test(t, test_accept_max_connections);
        tcase_add_test(t, test_accept_per_source);
        tcase_add_test(t, test_accept_out_of_fds);
        suite_add_tcase(s, t);

        /* the flood stops after FLOOD_SECONDS; waiting for the instances takes at most a few T */
        tcase_set_timeout(flood, FLOOD_SECONDS + 60);
        tcase_add_unchecked_fixture(flood, harness_root_setup, harness_root_teardown);
        tcase_add_test(flood, test_accept_flood);
        suite_add_tcase(s, flood);
        return s;
}
