/* Accept=no activation against the real sockactd (issue 3): each test starts the daemon in a directory
 * of its own on loopback ports it picked, then drives it with real clients. The service is
 * tests/programs/listen-service, which reports what sd_listen_fds_with_names() gave it; fd-report
 * says from the inside what a child inherited. Every wait is bounded (HARNESS_TIMEOUT_MS); a test
 * that fails leaves sockactd to PR_SET_PDEATHSIG and its directory to the tcase's teardown. */
#include "tests.h"

#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "checks.h"
#include "harness.h"
#include "support.h"
#include "util.h"

/* One listener of one unit: the service gets it at fd 3, named after the socket unit, and answers on it. */
static void check_address(const char *listen, const char *connect_to, int type, const char *expected_fd)
{
        struct harness h;
        _cleanup_free_ char *report = NULL;

        init(&h);
        one_service(&h, "addr", listen, "");
        start(&h, NULL, 0, 1);
        report = request(&h, connect_to, type);
        assert_activation(&h, report, 1, "addr.socket");
        assert_linef(report, "fd 3 name=addr.socket %s", expected_fd);
        stop(&h);
}

/* ---- every address form ---- */

START_TEST(test_ipv4)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port),
                            *fd = format("type=stream listening=1 family=inet local=127.0.0.1:%u", port);

        check_address(listen, address, SOCK_STREAM, fd);
}
END_TEST

START_TEST(test_ipv6)
{
        uint16_t port;

        if (!harness_ipv6_loopback())
                return; /* no IPv6 on this host */
        port = free_port(AF_INET6, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=[::1]:%u\n", port),
                            *address = format("[::1]:%u", port),
                            *fd = format("type=stream listening=1 family=inet6 local=[::1]:%u", port);
        check_address(listen, address, SOCK_STREAM, fd);
}
END_TEST

/* A port alone with BindIPv6Only=both is one dual-stack socket, [::]:PORT, reached over both families;
 * the running service takes the second connection itself. */
START_TEST(test_port_only_dual_stack)
{
        struct harness h;
        uint16_t port;

        if (!harness_ipv6_loopback())
                return;
        port = free_port(AF_INET6, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=%u\nBindIPv6Only=both\n", port),
                            *v4 = format("127.0.0.1:%u", port), *v6 = format("[::1]:%u", port),
                            *over_v4 = NULL, *over_v6 = NULL;

        init(&h);
        one_service(&h, "dual", listen, "");
        start(&h, NULL, 0, 1);
        over_v4 = request(&h, v4, SOCK_STREAM);
        assert_activation(&h, over_v4, 1, "dual.socket");
        assert_linef(over_v4, "fd 3 name=dual.socket type=stream listening=1 family=inet6 local=[::]:%u",
                     port);
        over_v6 = request(&h, v6, SOCK_STREAM);
        ck_assert_int_eq(number_after(over_v6, "pid="), number_after(over_v4, "pid="));
        assert_line(over_v6, "request=2");
        stop(&h);
}
END_TEST

/* A file system socket: parents made with DirectoryMode, the node with SocketMode exactly, owned by
 * SocketUser/SocketGroup (as root), and served. */
START_TEST(test_unix_path)
{
        struct harness h;
        struct passwd *nobody = getpwnam("nobody");
        struct group *nobody_group = nobody ? getgrgid(nobody->pw_gid) : NULL;
        bool as_root = geteuid() == 0 && nobody && nobody_group;
        struct stat st;

        init(&h);
        _cleanup_free_ char *top = path_in(&h, "sub"), *parent = path_in(&h, "sub/dir"),
                            *path = path_in(&h, "sub/dir/web.sock"),
                            *owner = as_root ? format("SocketUser=%s\nSocketGroup=%s\n", nobody->pw_name,
                                                      nobody_group->gr_name)
                                             : strdup(""),
                            *listen = format("ListenStream=%s\nSocketMode=0660\nDirectoryMode=0750\n%s",
                                             path, owner),
                            *report = NULL;
        one_service(&h, "local", listen, "");
        start(&h, NULL, 0, 1);

        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0660);
        ck_assert_uint_eq(st.st_uid, as_root ? nobody->pw_uid : geteuid());
        ck_assert_uint_eq(st.st_gid, as_root ? nobody->pw_gid : getegid());
        ck_assert_int_eq(stat(parent, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0750);
        ck_assert_int_eq(stat(top, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0750);

        report = request(&h, path, SOCK_STREAM);
        assert_activation(&h, report, 1, "local.socket");
        assert_linef(report, "fd 3 name=local.socket type=stream listening=1 family=unix local=%s", path);
        stop(&h);
}
END_TEST

START_TEST(test_abstract)
{
        _cleanup_free_ char *name = format("@sockact-test-%d", (int) getpid()),
                            *listen = format("ListenStream=%s\n", name),
                            *fd = format("type=stream listening=1 family=unix local=%s", name);

        check_address(listen, name, SOCK_STREAM, fd);
}
END_TEST

/* The first datagram starts the service, which reads it and answers it. */
START_TEST(test_datagram)
{
        uint16_t port = free_port(AF_INET, SOCK_DGRAM);
        _cleanup_free_ char *listen = format("ListenDatagram=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port),
                            *fd = format("type=datagram listening=0 family=inet local=127.0.0.1:%u", port);

        check_address(listen, address, SOCK_DGRAM, fd);
}
END_TEST

START_TEST(test_seqpacket)
{
        struct harness h;

        init(&h);
        _cleanup_free_ char *path = path_in(&h, "seq.sock"),
                            *listen = format("ListenSequentialPacket=%s\n", path), *report = NULL;
        one_service(&h, "seq", listen, "");
        start(&h, NULL, 0, 1);
        report = request(&h, path, SOCK_SEQPACKET);
        assert_activation(&h, report, 1, "seq.socket");
        assert_linef(report, "fd 3 name=seq.socket type=seqpacket listening=1 family=unix local=%s", path);
        stop(&h);
}
END_TEST

/* ---- which fds a service gets ---- */

/* Four listeners of one unit, of four kinds, at 3… in the order of the file, each named by
 * FileDescriptorName=; the service serves on all of them. */
START_TEST(test_listeners_in_order)
{
        struct harness h;
        uint16_t stream_port = free_port(AF_INET, SOCK_STREAM),
                 datagram_port = free_port(AF_INET, SOCK_DGRAM);

        init(&h);
        _cleanup_free_ char *seq = path_in(&h, "multi.sock"),
                            *abstract = format("@sockact-multi-%d", (int) getpid()),
                            *stream = format("127.0.0.1:%u", stream_port),
                            *datagram = format("127.0.0.1:%u", datagram_port),
                            *listen =
                                    format("ListenStream=%s\nListenDatagram=%s\nListenSequentialPacket=%s\n"
                                           "ListenStream=%s\nFileDescriptorName=front\n",
                                           stream, datagram, seq, abstract),
                            *report = NULL, *over_datagram = NULL;
        one_service(&h, "multi", listen, "");
        start(&h, NULL, 0, 4);

        report = request(&h, stream, SOCK_STREAM);
        assert_activation(&h, report, 4, "front:front:front:front");
        assert_linef(report, "fd 3 name=front type=stream listening=1 family=inet local=%s", stream);
        assert_linef(report, "fd 4 name=front type=datagram listening=0 family=inet local=%s", datagram);
        assert_linef(report, "fd 5 name=front type=seqpacket listening=1 family=unix local=%s", seq);
        assert_linef(report, "fd 6 name=front type=stream listening=1 family=unix local=%s", abstract);
        ck_assert_uint_eq(count_lines(report, "fd "), 4);

        over_datagram = request(&h, datagram, SOCK_DGRAM);
        ck_assert_int_eq(number_after(over_datagram, "pid="), number_after(report, "pid="));
        stop(&h);
}
END_TEST

/* The fd line of report whose address is local; checks its name and type, returns its number. */
static long fd_with_address(const char *report, const char *local, const char *name, const char *type)
{
        _cleanup_free_ char *needle =
                                    format(" family=%s local=%s", local[0] == '/' ? "unix" : "inet", local),
                            *expected = format(" name=%s type=%s ", name, type);

        for (const char *p = report; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                _cleanup_free_ char *line = strndup(p, strcspn(p, "\n"));

                if (!startswith(line, "fd ") || !endswith(line, needle))
                        continue;
                ck_assert_msg(strstr(line, expected), "\"%s\": expected%s", line, expected);
                return strtol(line + 3, NULL, 10);
        }
        ck_abort_msg("no fd with local=%s in:\n%s", local, report);
        return -1;
}

/* web.service gets its own socket's fds, those of admin.socket (Service=web.service) and those of
 * extra.socket (its Sockets=), each named after its unit, and nothing else; a connection on admin.socket
 * is taken by the running web.service. */
START_TEST(test_sockets_feeding_one_service)
{
        struct harness h;
        uint16_t web_port = free_port(AF_INET, SOCK_STREAM), extra_port = free_port(AF_INET, SOCK_DGRAM);

        init(&h);
        _cleanup_free_ char *exec = program("listen-service"), *admin = path_in(&h, "admin.sock"),
                            *web = format("127.0.0.1:%u", web_port),
                            *extra = format("127.0.0.1:%u", extra_port),
                            *web_socket =
                                    format("[Socket]\nListenStream=%s\nFileDescriptorName=http\n", web),
                            *admin_socket =
                                    format("[Socket]\nListenStream=%s\nService=web.service\n", admin),
                            *extra_socket = format("[Socket]\nListenDatagram=%s\n", extra),
                            *web_service = format("[Service]\nExecStart=%s\nSockets=extra.socket\n", exec),
                            *extra_service = format("[Service]\nExecStart=%s\n", exec), *report = NULL,
                            *over_admin = NULL, *names = NULL;
        const struct harness_unit units[] = {
                { "web.socket", web_socket },       { "admin.socket", admin_socket },
                { "extra.socket", extra_socket },   { "web.service", web_service },
                { "extra.service", extra_service },
        };
        long fds[3];

        start(&h, units, ELEMENTSOF(units), 3);
        report = request(&h, web, SOCK_STREAM);
        assert_line(report, "listen_pid_matches=1");
        assert_line(report, "listen_fds=3");
        ck_assert_uint_eq(count_lines(report, "fd "), 3);
        fds[0] = fd_with_address(report, web, "http", "stream");
        fds[1] = fd_with_address(report, admin, "admin.socket", "stream");
        fds[2] = fd_with_address(report, extra, "extra.socket", "datagram");
        /* 3, 4 and 5, once each; the order across units is the configuration's */
        ck_assert_int_eq(fds[0] + fds[1] + fds[2], 3 + 4 + 5);
        ck_assert(fds[0] != fds[1] && fds[1] != fds[2] && fds[0] != fds[2]);
        for (size_t i = 0; i < 3; i++)
                ck_assert(fds[i] >= 3 && fds[i] <= 5);
        names = line_starting(report, "env LISTEN_FDNAMES=");
        ck_assert_ptr_nonnull(names);
        ck_assert_uint_eq(strlen(names), strlen("env LISTEN_FDNAMES=http:admin.socket:extra.socket"));

        over_admin = request(&h, admin, SOCK_STREAM);
        ck_assert_int_eq(number_after(over_admin, "pid="), number_after(report, "pid="));
        stop(&h);
}
END_TEST

/* ---- when a service runs ---- */

/* Nothing runs before the first connection; then exactly one service, which takes later connections
 * itself; SIGTERM to sockactd stops it. */
START_TEST(test_starts_on_first_connection)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port), *first = NULL, *second = NULL;
        size_t running = 99;
        long pid;

        init(&h);
        one_service(&h, "lazy", listen, "");
        start(&h, NULL, 0, 1);
        ck_assert_int_eq(harness_pump(&h, 300), 0);
        ck_assert_int_eq(harness_count_children(&h, NULL, &running), 0);
        ck_assert_msg(running == 0, "%zu processes started before any connection:\n%s", running,
                      harness_log_tail(&h));

        first = request(&h, address, SOCK_STREAM);
        assert_activation(&h, first, 1, "lazy.socket");
        ck_assert_int_eq(harness_count_children(&h, "listen-service", &running), 0);
        ck_assert_uint_eq(running, 1);
        second = request(&h, address, SOCK_STREAM);
        pid = number_after(first, "pid=");
        ck_assert_int_eq(number_after(second, "pid="), pid);
        assert_line(second, "request=2");
        assert_idle(&h, 500, 10); /* while its service runs, in its cgroup when there is one */

        stop(&h);
        ck_assert_msg(wait_gone((pid_t) pid, T), "the service %ld outlived sockactd", pid);
}
END_TEST

/* A service that crashes after its first request is started again by the next connection. */
START_TEST(test_restart_after_crash)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port);

        init(&h);
        one_service(&h, "crash", listen, "--crash-after 1");
        start(&h, NULL, 0, 1);
        assert_started_again(&h, address, "crash.socket");
        stop(&h);
}
END_TEST

/* Three connections made before the service exists wait in the backlog; a service that takes one
 * request and exits is started once for each, and none is refused or lost. */
START_TEST(test_backlog_served)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port);
        int fds[3];
        long pids[3];

        init(&h);
        one_service(&h, "queue", listen, "--sleep-ms 300 --exit-after 1");
        start(&h, NULL, 0, 1);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                int r = harness_connect(&h, address, SOCK_STREAM, T, &fds[i]);
                ck_assert_msg(r == 0, "connection %zu: %s", i, strerror(-r));
        }
        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                _cleanup_free_ char *report = NULL;
                int r = harness_read_report(&h, fds[i], T, &report);

                ck_assert_msg(r == 0, "connection %zu got no report (%s):\n%s", i, strerror(-r),
                              harness_log_tail(&h));
                assert_line(report, "end");
                assert_activation(&h, report, 1, "queue.socket");
                pids[i] = number_after(report, "pid=");
                for (size_t k = 0; k < i; k++)
                        ck_assert_int_ne(pids[k], pids[i]); /* one service per request */
                close(fds[i]);
        }
        stop(&h);
}
END_TEST

/* A unit file that does not load and an address another program holds fail their own units only. */
START_TEST(test_bad_units_do_not_stop_others)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), held_port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_close_ int held = -1;
        _cleanup_free_ char *good = format("ListenStream=127.0.0.1:%u\n", port),
                            *busy = format("ListenStream=127.0.0.1:%u\n", held_port),
                            *address = format("127.0.0.1:%u", port),
                            *reason = format("busy.socket: 127.0.0.1:%u: Address already in use", held_port),
                            *report = NULL;
        size_t offset = 0;

        ck_assert_int_eq(harness_hold_port(AF_INET, held_port, &held), 0);
        init(&h);
        one_service(&h, "good", good, "");
        one_service(&h, "broken", "ListenStream=127.0.0.1:99999\n", "");
        one_service(&h, "busy", busy, "");
        start(&h, NULL, 0, 1);
        ck_assert_msg(harness_wait_log(&h, reason, &offset, 0) == 0, "no \"%s\" in:\n%s", reason,
                      harness_log_tail(&h));
        offset = 0;
        ck_assert_msg(harness_wait_log(&h, "broken.socket", &offset, 0) == 0,
                      "broken.socket not named in:\n%s", harness_log_tail(&h));

        report = request(&h, address, SOCK_STREAM);
        assert_activation(&h, report, 1, "good.socket");
        stop(&h);
}
END_TEST

/* Waits until fd-report has written its first report to path and exited; returns that report. An
 * Accept=no service that does not take the connection is started again for it, and each run appends
 * a report of its own beginning with "pid ": the first ends where the second begins. */
static char *first_fd_report(struct harness *h, const char *path)
{
        for (int waited = 0;; waited += 20) {
                _cleanup_free_ char *text = NULL;
                size_t running = 0;
                char *second;

                /* count first, then read: a report read after its writer was gone is complete */
                ck_assert_int_eq(harness_count_children(h, "fd-report", &running), 0);
                if (harness_read_file(path, HARNESS_REPORT_MAX, &text) == 0 && startswith(text, "pid ")) {
                        second = strstr(text, "\npid ");
                        if (second) {
                                second[1] = '\0';
                                return TAKE_PTR(text);
                        }
                        if (running == 0)
                                return TAKE_PTR(text);
                }
                ck_assert_msg(waited < T, "no report from fd-report in %s:\n%s", path, harness_log_tail(h));
                ck_assert_int_eq(harness_pump(h, 20), 0);
        }
}

/* The child gets stdin, stdout, stderr and its own two listeners, none of another unit's, at 3 and 4
 * without close-on-exec, with LISTEN_* as systemd sets them. */
START_TEST(test_inherits_only_own_fds)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_close_ int connection = -1;

        init(&h);
        _cleanup_free_ char *fd_report = program("fd-report"), *stream = path_in(&h, "own-stream.sock"),
                            *datagram = path_in(&h, "own-datagram.sock"), *other = path_in(&h, "other.sock"),
                            *output = path_in(&h, "report"), *other_address = format("127.0.0.1:%u", port),
                            *other_listen =
                                    format("ListenStream=%s\nListenStream=%s\n", other_address, other),
                            *own_socket = format("[Socket]\nListenStream=%s\nListenDatagram=%s\n", stream,
                                                 datagram),
                            *own_service = format("[Service]\nExecStart=%s\nStandardOutput=append:%s\n",
                                                  fd_report, output),
                            *other_report = NULL, *report = NULL, *line = NULL;
        const struct harness_unit units[] = { { "own.socket", own_socket }, { "own.service", own_service } };
        long pid;

        one_service(&h, "other", other_listen, "");
        start(&h, units, ELEMENTSOF(units), 4);
        other_report = request(&h, other_address, SOCK_STREAM); /* another unit's service runs meanwhile */
        ck_assert_int_eq(harness_connect(&h, stream, SOCK_STREAM, T, &connection), 0);
        report = first_fd_report(&h, output);

        ck_assert_msg(count_lines(report, "fd ") == 5, "expected fds 0-4 only:\n%s", report);
        assert_line(report, "fd 0 cloexec=0 nonblock=0 kind=chr");
        line = line_starting(report, "fd 1 cloexec=0 ");
        ck_assert_msg(line && endswith(line, " kind=file"), "stdout is not the file:\n%s", report);
        free(line);
        line = line_starting(report, "fd 2 cloexec=0 ");
        ck_assert_msg(line && endswith(line, " kind=file"), "stderr is not stdout's file:\n%s", report);
        free(line);
        line = line_starting(report, "fd 3 cloexec=0 ");
        ck_assert_msg(line && strstr(line, " kind=stream path=") && endswith(line, stream), "fd 3:\n%s",
                      report);
        free(line);
        line = line_starting(report, "fd 4 cloexec=0 ");
        ck_assert_msg(line && strstr(line, " kind=datagram path=") && endswith(line, datagram), "fd 4:\n%s",
                      report);
        ck_assert_msg(!strstr(report, other), "another unit's socket was inherited:\n%s", report);

        pid = number_after(report, "pid ");
        assert_linef(report, "env LISTEN_PID=%ld", pid);
        assert_line(report, "env LISTEN_FDS=2");
        assert_line(report, "env LISTEN_FDNAMES=own.socket:own.socket");
        stop(&h);
}
END_TEST

static int compare_gid(const void *a, const void *b)
{
        gid_t x = *(const gid_t *) a, y = *(const gid_t *) b;
        return x < y ? -1 : x > y;
}

/* As root, User=nobody: the child runs with nobody's uid, primary gid and group list, nothing of root's. */
START_TEST(test_user_nobody)
{
        struct harness h;
        struct passwd *nobody = getpwnam("nobody");
        gid_t groups[64];
        int n_groups = ELEMENTSOF(groups);
        _cleanup_close_ int connection = -1, created = -1;
        _cleanup_free_ char *expected_groups = strdup("groups");

        if (geteuid() != 0)
                return; /* changing users needs root; CI runs the suite as root */
        ck_assert_ptr_nonnull(nobody);
        ck_assert_int_ge(getgrouplist(nobody->pw_name, nobody->pw_gid, groups, &n_groups), 0);
        qsort(groups, (size_t) n_groups, sizeof(gid_t), compare_gid);
        for (int i = 0; i < n_groups; i++)
                if (i == 0 || groups[i] != groups[i - 1])
                        ck_assert_int_eq(strextend_printf(&expected_groups, " %d", (int) groups[i]), 0);

        init(&h);
        _cleanup_free_ char *fd_report = NULL, *socket_path = path_in(&h, "nobody.sock"),
                            *output = path_in(&h, "report"),
                            *socket_text = format("[Socket]\nListenStream=%s\n", socket_path),
                            *service_text = NULL, *report = NULL;
        /* nobody must reach the program and, if it is opened after the switch, the output file */
        ck_assert_int_eq(harness_install_program(&h, "fd-report", &fd_report), 0);
        created = open(output, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        ck_assert_int_ge(created, 0);
        ck_assert_int_eq(fchmod(created, 0666), 0);
        service_text = format("[Service]\nUser=nobody\nExecStart=%s\nStandardOutput=append:%s\n", fd_report,
                              output);
        const struct harness_unit units[] = { { "nobody.socket", socket_text },
                                              { "nobody.service", service_text } };

        start(&h, units, ELEMENTSOF(units), 1);
        ck_assert_int_eq(harness_connect(&h, socket_path, SOCK_STREAM, T, &connection), 0);
        report = first_fd_report(&h, output);
        assert_linef(report, "uid %d %d", (int) nobody->pw_uid, (int) nobody->pw_uid);
        assert_linef(report, "gid %d %d", (int) nobody->pw_gid, (int) nobody->pw_gid);
        assert_line(report, expected_groups);
        stop(&h);
}
END_TEST

/* A sockactd that is not root runs a service whose User= is its own user: nothing to change, and
 * nothing it may not do (it may not even set its own groups again). Run as nobody, from root. */
START_TEST(test_user_self)
{
        struct harness h;
        struct passwd *nobody = getpwnam("nobody");
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        const char *sockactd = getenv("SOCKACTD") ?: "build/sockactd";
        _cleanup_free_ char *installed = NULL, *service = NULL, *report = NULL, *exec = NULL,
                            *listen = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port);

        if (geteuid() != 0)
                return; /* starting sockactd as another user needs root; CI runs the suite as root */
        ck_assert_ptr_nonnull(nobody);
        init(&h);
        /* nobody must reach the daemon, the service and the runtime directory */
        ck_assert_int_eq(harness_install_file(&h, sockactd, "sockactd", &installed), 0);
        ck_assert_int_eq(setenv("SOCKACTD", installed, 1), 0);
        ck_assert_int_eq(harness_install_program(&h, "listen-service", &exec), 0);
        ck_assert_int_eq(chown(h.runtime_dir, nobody->pw_uid, nobody->pw_gid), 0);
        h.as_user = true;
        h.uid = nobody->pw_uid;
        h.gid = nobody->pw_gid;
        service = format("[Service]\nUser=%s\nExecStart=%s\n", nobody->pw_name, exec);
        const struct harness_unit units[] = { { "self.socket", listen }, { "self.service", service } };

        start(&h, units, ELEMENTSOF(units), 1);
        report = request(&h, address, SOCK_STREAM);
        assert_activation(&h, report, 1, "self.socket");
        assert_linef(report, "env USER=%s", nobody->pw_name);
        stop(&h);
}
END_TEST

/* Type=notify: the service gets $NOTIFY_SOCKET, and its READY=1 (sent with libsystemd's sd_notify())
 * completes the start. */
START_TEST(test_notify_ready)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port), *report = NULL, *exec = NULL,
                            *service = NULL, *notify_socket = NULL;

        init(&h);
        exec = program("listen-service");
        service = format("[Service]\nType=notify\nExecStart=%s --sleep-ms 200 --notify\n", exec);
        ck_assert_int_eq(harness_write_unit(&h, "ready.socket", listen), 0);
        ck_assert_int_eq(harness_write_unit(&h, "ready.service", service), 0);
        start(&h, NULL, 0, 1);
        report = request(&h, address, SOCK_STREAM);
        notify_socket = format("env NOTIFY_SOCKET=%s/notify", h.runtime_dir);
        assert_line(report, notify_socket);
        wait_log(&h, NULL, "ready.service: READY=1");
        wait_log(&h, NULL, "ready.service: start-post → running");
        stop(&h);
}
END_TEST

/* NotifyAccess=all: READY=1 from a process that left the service's session (setsid) is taken when
 * sockactd has cgroups, as systemd takes it from any process of the cgroup; without cgroups it is
 * dropped, and the start times out. */
START_TEST(test_notify_access_all)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        size_t offset = 0;
        _cleanup_free_ char *listen = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port), *report = NULL,
                            *exec = program("listen-service"), *service = NULL;

        init(&h);
        service = format("[Service]\nType=notify\nNotifyAccess=all\nTimeoutStartSec=2s\n"
                         "ExecStart=/bin/sh -c 'setsid %s --notify & exec sleep 30'\n",
                         exec);
        ck_assert_int_eq(harness_write_unit(&h, "all.socket", listen), 0);
        ck_assert_int_eq(harness_write_unit(&h, "all.service", service), 0);
        start(&h, NULL, 0, 1);
        report = request(&h, address, SOCK_STREAM);
        if (harness_wait_log(&h, "Services are tracked in cgroups below", &offset, 0) == 0) {
                wait_log(&h, NULL, "all.service: READY=1");
                wait_log(&h, NULL, "all.service: start-post → running");
        } else
                wait_log(&h, NULL, "all.service: Start timed out after TimeoutStartSec=");
        stop(&h);
}
END_TEST

/* A Type=notify service that never says READY=1 is stopped after TimeoutStartSec=. */
START_TEST(test_notify_start_timeout)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port), *report = NULL,
                            *exec = program("listen-service"),
                            *service = format("[Service]\nType=notify\nTimeoutStartSec=1\nExecStart=%s\n",
                                              exec);

        init(&h);
        ck_assert_int_eq(harness_write_unit(&h, "mute.socket", socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "mute.service", service), 0);
        start(&h, NULL, 0, 1);
        report = request(&h, address, SOCK_STREAM);
        wait_log(&h, NULL, "mute.service: Start timed out after TimeoutStartSec=, stopping");
        wait_log(&h, NULL, "mute.service: stop-post → failed");
        stop(&h);
}
END_TEST

/* Replaces every occurrence of from in text by to. */
static char *replace(const char *text, const char *from, const char *to)
{
        _cleanup_free_ char *out = NULL;
        const char *p = text, *hit;

        while ((hit = strstr(p, from))) {
                ck_assert_int_eq(strextend_printf(&out, "%.*s%s", (int) (hit - p), p, to), 0);
                p = hit + strlen(from);
        }
        ck_assert_int_eq(strextend_printf(&out, "%s", p), 0);
        return TAKE_PTR(out);
}

/* The example in units/ works as the README says: the first request starts hello-http, which
 * serves the page over IPv4 and IPv6 from one process. The test's port and the built program
 * stand in for 18080 and the installed path. */
START_TEST(test_example_hello)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket_text = NULL, *service_text = NULL, *socket = NULL, *service = NULL,
                            *port_text = format("%u", port), *built = NULL, *examples = NULL, *fd = NULL,
                            *page = NULL, *again = NULL, *v4 = format("127.0.0.1:%u", port), *v6 = NULL,
                            *unix_text = NULL, *unix_socket = NULL, *dir = NULL, *unix_path = NULL,
                            *third = NULL;
        char cwd[PATH_MAX];
        int c;

        ck_assert_int_eq(harness_read_file("units/hello.socket", 1 << 16, &socket_text), 0);
        ck_assert_int_eq(harness_read_file("units/hello.service", 1 << 16, &service_text), 0);
        ck_assert_int_eq(harness_read_file("units/hello-unix.socket", 1 << 16, &unix_text), 0);
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
        built = format("%s/%s/", cwd, getenv("EXAMPLES") ? getenv("EXAMPLES") : "build/examples");
        socket = replace(socket_text, "18080", port_text);
        service = replace(service_text, "/usr/local/libexec/sockact/", built);
        v6 = format("[::1]:%u", port);

        init(&h);
        dir = format("%s/", h.dir);
        unix_socket = replace(unix_text, "%t/", dir);
        unix_path = format("%ssockact-hello.sock", dir);
        ck_assert_int_eq(harness_write_unit(&h, "hello.socket", socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "hello-unix.socket", unix_socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "hello.service", service), 0);
        start(&h, NULL, 0, harness_ipv6_loopback() ? 3 : 2);
        ck_assert_int_eq(harness_connect(&h, v4, SOCK_STREAM, T, &c), 0);
        ck_assert_int_eq(write(c, "GET / HTTP/1.0\r\n\r\n", 18), 18);
        ck_assert_msg(harness_read_report(&h, c, T, &page) == 0, "no page:\n%s", harness_log_tail(&h));
        close(c);
        ck_assert_msg(startswith(page, "HTTP/1.0 200 OK\r\n"), "%s", page);
        ck_assert_ptr_nonnull(strstr(page, "this is request 1."));
        if (harness_ipv6_loopback()) {
                ck_assert_int_eq(harness_connect(&h, v6, SOCK_STREAM, T, &c), 0);
                ck_assert_int_eq(write(c, "GET / HTTP/1.0\r\n\r\n", 18), 18);
                ck_assert_int_eq(harness_read_report(&h, c, T, &again), 0);
                close(c);
                ck_assert_ptr_nonnull(strstr(again, "this is request 2.")); /* the same process */
        }
        ck_assert_int_eq(harness_connect(&h, unix_path, SOCK_STREAM, T, &c), 0);
        ck_assert_int_eq(write(c, "GET / HTTP/1.0\r\n\r\n", 18), 18);
        ck_assert_int_eq(harness_read_report(&h, c, T, &third), 0);
        close(c);
        ck_assert_msg(strstr(third, harness_ipv6_loopback() ? "this is request 3." : "this is request 2."),
                      "%s", third); /* still the same process: it has all three sockets */
        stop(&h);
}
END_TEST

/* A second sockactd on the same runtime directory refuses to start, and the first goes on. */
START_TEST(test_second_daemon_refused)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *listen = format("ListenStream=127.0.0.1:%u\n", port),
                            *address = format("127.0.0.1:%u", port), *report = NULL, *expected = NULL;
        const char *sockactd = program_path("SOCKACTD", "build/sockactd");

        init(&h);
        one_service(&h, "first", listen, "");
        start(&h, NULL, 0, 1);
        char *argv[] = { (char *) sockactd, (char *) "--unit-dir",
                         h.unit_dir,        (char *) "--runtime-dir",
                         h.runtime_dir,     (char *) "--log-target",
                         (char *) "stderr", NULL };
        struct run_result second = run_program(argv);
        expected = format("Another sockactd is running with the runtime directory %s", h.runtime_dir);
        ck_assert_int_eq(second.status, 1);
        ck_assert_msg(strstr(second.err, expected), "%s", second.err);
        run_result_clear(&second);
        report = request(&h, address, SOCK_STREAM); /* the first still serves, its notify socket intact */
        assert_activation(&h, report, 1, "first.socket");
        stop(&h);
}
END_TEST

/* A User= the system does not know stops the start: the command never runs as sockactd's user. */
START_TEST(test_unknown_user_refused)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *exec = program("fd-report"), *out = NULL, *service = NULL,
                            *address = format("127.0.0.1:%u", port);
        int fd = -1;
        struct stat st;

        init(&h);
        ck_assert_int_eq(harness_path(&h, "report", &out), 0);
        service = format("[Service]\nUser=no-such-user-anywhere\nExecStart=%s\nStandardOutput=file:%s\n",
                         exec, out);
        ck_assert_int_eq(harness_write_unit(&h, "ghost.socket", socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "ghost.service", service), 0);
        start(&h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(&h, address, SOCK_STREAM, T, &fd), 0);
        wait_log(&h, NULL, "ghost.service: User=no-such-user-anywhere: no such user");
        ck_assert_int_ne(stat(out, &st), 0); /* fd-report never ran */
        close(fd);
        stop(&h);
}
END_TEST

/* "-" before ExecStart=: a crash counts as success, so Restart=on-failure does not restart. */
START_TEST(test_dash_prefix_ignores_failure)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *exec = program("listen-service"), *address = format("127.0.0.1:%u", port),
                            *service = format(
                                    "[Service]\nExecStart=-%s --crash-after 1\nRestart=on-failure\n", exec),
                            *report = NULL;

        init(&h);
        ck_assert_int_eq(harness_write_unit(&h, "lenient.socket", socket), 0);
        ck_assert_int_eq(harness_write_unit(&h, "lenient.service", service), 0);
        start(&h, NULL, 0, 1);
        report = request(&h, address, SOCK_STREAM);
        wait_log(&h, NULL, "lenient.service: stop-post → dead");
        ck_assert_msg(!strstr(h.log, "lenient.service: Restarting"), "%s", harness_log_tail(&h));
        stop(&h);
}
END_TEST

Suite *activation_suite(void)
{
        Suite *s = suite_create("activation");
        TCase *t = tcase_create("activation");

        /* every wait inside is bounded by HARNESS_TIMEOUT_MS; a test makes a handful of them */
        tcase_set_timeout(t, 90);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_ipv4);
        tcase_add_test(t, test_ipv6);
        tcase_add_test(t, test_port_only_dual_stack);
        tcase_add_test(t, test_unix_path);
        tcase_add_test(t, test_abstract);
        tcase_add_test(t, test_datagram);
        tcase_add_test(t, test_seqpacket);
        tcase_add_test(t, test_listeners_in_order);
        tcase_add_test(t, test_sockets_feeding_one_service);
        tcase_add_test(t, test_starts_on_first_connection);
        tcase_add_test(t, test_restart_after_crash);
        tcase_add_test(t, test_backlog_served);
        tcase_add_test(t, test_bad_units_do_not_stop_others);
        tcase_add_test(t, test_inherits_only_own_fds);
        tcase_add_test(t, test_user_nobody);
        tcase_add_test(t, test_user_self);
        tcase_add_test(t, test_notify_ready);
        tcase_add_test(t, test_notify_access_all);
        tcase_add_test(t, test_notify_start_timeout);
        tcase_add_test(t, test_example_hello);
        tcase_add_test(t, test_second_daemon_refused);
        tcase_add_test(t, test_unknown_user_refused);
        tcase_add_test(t, test_dash_prefix_ignores_failure);
        suite_add_tcase(s, t);
        return s;
}
