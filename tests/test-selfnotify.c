/* sockactd under a manager of its own (systemd, with units/sockactd.service): with $NOTIFY_SOCKET
 * set it says READY=1 once every socket has settled, with the counts in STATUS=, pings WATCHDOG=1
 * when $WATCHDOG_USEC asks for it, says RELOADING=1 then READY=1 around a reload, and STOPPING=1 on
 * SIGTERM. The test plays the manager: it holds the datagram socket and reads what arrives. Started
 * with sockets (LISTEN_FDS), it takes those whose address its units listen on. */
#include <signal.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "checks.h"
#include "harness.h"
#include "support.h"
#include "tests.h"
#include "util.h"

/* Appends what arrives on fd within timeout_ms to *text (each datagram followed by "\n--\n"). */
static void receive(int fd, int timeout_ms, char **text)
{
        uint64_t deadline = now_usec() + (uint64_t) timeout_ms * 1000;

        for (uint64_t now; (now = now_usec()) < deadline;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                char buf[4096];
                ssize_t n;

                if (poll(&p, 1, (int) ((deadline - now) / 1000) + 1) <= 0)
                        break;
                n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                if (n <= 0)
                        continue;
                buf[n] = '\0';
                ck_assert_int_ge(strextend_printf(text, "%s\n--\n", buf), 0);
        }
}

START_TEST(test_sockactd_notifies_its_manager)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), taken = free_port(AF_INET, SOCK_STREAM);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_free_ char *path = NULL, *notify_env = NULL, *received = NULL, *report = NULL,
                            *address = format("127.0.0.1:%u", port),
                            *good = format("[Socket]\nListenStream=%s\n", address),
                            *bad = format("[Socket]\nListenStream=127.0.0.1:%u\n", taken);
        _cleanup_close_ int fd = -1, held = -1;
        unsigned sockets = 0;
        int status = -1;

        init(&h);
        one_service(&h, "good", good + strlen("[Socket]\n"), "");
        one_service(&h, "bad", bad + strlen("[Socket]\n"), "");
        ck_assert_int_eq(harness_hold_port(AF_INET, taken, &held), 0); /* bad.socket cannot bind */
        path = path_in(&h, "manager.sock");
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        notify_env = format("NOTIFY_SOCKET=%s", path);

        char *args[] = { (char *) "--unit-dir",
                         h.unit_dir,
                         (char *) "--runtime-dir",
                         h.runtime_dir,
                         (char *) "--log-target",
                         (char *) "stderr",
                         (char *) "--log-level",
                         (char *) "debug",
                         NULL };
        char *env[] = { notify_env, (char *) "WATCHDOG_USEC=200000", NULL };
        ck_assert_int_eq(harness_start_argv(&h, args, env), 0);
        ck_assert_int_eq(harness_wait_ready(&h, T, &sockets), 0);
        ck_assert_uint_eq(sockets, 1);

        receive(fd, 1000, &received); /* READY=1, then WATCHDOG=1 every 100 ms */
        ck_assert_ptr_nonnull(received);
        ck_assert_msg(strstr(received, "READY=1\nSTATUS=1 sockets listening, 1 failed\n--\n"),
                      "no READY=1 with the counts in:\n%s", received);
        ck_assert_msg(occurrences(received, "WATCHDOG=1") >= 3, "too few WATCHDOG=1 in a second:\n%s",
                      received);

        /* its own manager's variables are not its services' */
        report = request(&h, address, SOCK_STREAM);
        ck_assert_msg(!strstr(report, "NOTIFY_SOCKET") && !strstr(report, "WATCHDOG_USEC"),
                      "the service got sockactd's own notification variables:\n%s", report);

        free(received);
        received = NULL;
        ck_assert_int_eq(kill(h.pid, SIGHUP), 0);
        wait_log(&h, NULL, "Reloaded: 0 units changed");
        receive(fd, 300, &received);
        ck_assert_msg(
                received && strstr(received, "RELOADING=1\nMONOTONIC_USEC=") &&
                        strstr(strstr(received, "RELOADING=1"), "READY=1\nSTATUS=1 sockets listening, 1 failed\n--\n"),
                "no RELOADING=1 then READY=1 around the reload in:\n%s", received ? received : "(nothing)");

        ck_assert_int_eq(harness_stop(&h, T, &status), 0);
        ck_assert_int_eq(status, 0);
        free(received);
        received = NULL;
        receive(fd, 100, &received);
        ck_assert_msg(received && strstr(received, "STOPPING=1\nSTATUS=Stopping\n--\n"),
                      "no STOPPING=1 in:\n%s", received ? received : "(nothing)");
        harness_done(&h);
}
END_TEST

/* Started by a socket-activating manager (here, sockactd's own ad-hoc mode): the inner sockactd takes
 * the inherited socket for the unit that listens on its address. Binding again would fail: the outer
 * one holds the address. */
START_TEST(test_sockactd_adopts_inherited_sockets)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *address = format("127.0.0.1:%u", port),
                            *body = format("ListenStream=%s\n", address), *outer = NULL, *report = NULL;
        const char *sockactd = program_path("SOCKACTD", "build/sockactd");

        init(&h);
        one_service(&h, "web", body, "");
        outer = path_in(&h, "outer");
        char *args[] = { (char *) "--runtime-dir",
                         outer,
                         (char *) "--log-target",
                         (char *) "stderr",
                         (char *) "-l",
                         address,
                         (char *) sockactd,
                         (char *) "--unit-dir",
                         h.unit_dir,
                         (char *) "--runtime-dir",
                         h.runtime_dir,
                         (char *) "--log-target",
                         (char *) "stderr",
                         (char *) "--log-level",
                         (char *) "debug",
                         NULL };
        ck_assert_int_eq(harness_start_argv(&h, args, NULL), 0);
        ck_assert_int_eq(harness_wait_ready(&h, T, NULL), 0);

        report = request(&h, address, SOCK_STREAM); /* starts the inner sockactd, then its service */
        assert_line(report, "listen_fds=1");
        assert_line(report, "listen_fdnames=web.socket");
        wait_log(&h, NULL, "Inherited 1 sockets (LISTEN_FDS)");
        wait_log(&h, NULL, "web.socket: Listen line 1: adopted fd 3, inherited");
        ck_assert_msg(!strstr(h.log, "Address already in use"), "bound again:\n%s", harness_log_tail(&h));
        ck_assert_int_eq(harness_stop(&h, T, NULL), 0);
        harness_done(&h);
}
END_TEST

Suite *selfnotify_suite(void)
{
        Suite *s = suite_create("selfnotify");
        TCase *t = tcase_create("selfnotify");

        tcase_add_test(t, test_sockactd_notifies_its_manager);
        tcase_add_test(t, test_sockactd_adopts_inherited_sockets);
        suite_add_tcase(s, t);
        return s;
}
