/* A socket unit's own life against the real sockactd (daemon/socket-unit.c): its ExecStartPre=,
 * ExecStartPost=, ExecStopPre= and ExecStopPost= around the bind and the close, a failing or
 * hanging command that fails its unit only, and the poll and trigger limits that pause a socket
 * and resume it by themselves. */
#include "tests.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include "checks.h"
#include "harness.h"
#include "util.h"

/* An ExecStartPre=… line that appends "what bound" or "what unbound" to DIR/order, as the Unix
 * socket DIR/s.sock exists or not when it runs. */
static char *order_command(const struct harness *h, const char *directive, const char *what)
{
        return format("%s=/bin/sh -c 'if [ -S %s/s.sock ]; then echo %s bound; else echo %s unbound; fi "
                      ">>%s/order'\n",
                      directive, h->dir, what, what, h->dir);
}

/* The commands run in order around the bind and the close, each seeing the socket as it should. */
START_TEST(test_commands_around_bind_and_close)
{
        struct harness h;
        _cleanup_free_ char *socket = NULL, *pre = NULL, *post = NULL, *stop_pre = NULL, *stop_post = NULL,
                            *listen = NULL, *address = NULL, *order_path = NULL, *order = NULL,
                            *report = NULL;

        init(&h);
        pre = order_command(&h, "ExecStartPre", "start-pre");
        post = order_command(&h, "ExecStartPost", "start-post");
        stop_pre = order_command(&h, "ExecStopPre", "stop-pre");
        stop_post = order_command(&h, "ExecStopPost", "stop-post");
        address = format("%s/s.sock", h.dir);
        listen = format("ListenStream=%s\nRemoveOnStop=yes\n%s%s%s%s", address, pre, post, stop_pre,
                        stop_post);
        order_path = format("%s/order", h.dir);
        one_service(&h, "ordered", listen, "");
        start(&h, NULL, 0, 1);

        /* "ready" comes once ExecStartPost= has run: the file says so already */
        ck_assert_int_eq(harness_read_file(order_path, 4096, &order), 0);
        ck_assert_str_eq(order, "start-pre unbound\nstart-post bound\n");
        report = request(&h, address, SOCK_STREAM);
        assert_activation(&h, report, 1, "ordered.socket");

        ck_assert_int_eq(harness_stop(&h, T, NULL), 0);
        free(order);
        order = NULL;
        ck_assert_int_eq(harness_read_file(order_path, 4096, &order), 0);
        ck_assert_str_eq(order, "start-pre unbound\nstart-post bound\nstop-pre bound\nstop-post unbound\n");
        ck_assert_int_eq(h.exit_status, 0);
        harness_done(&h);
}
END_TEST

/* A failing ExecStartPre= fails its unit (ExecStopPost= still runs); a "-" command may fail; the
 * other units listen. */
START_TEST(test_failing_command_fails_its_unit_only)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), other = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *failing = NULL, *lenient = NULL, *address = format("127.0.0.1:%u", other),
                            *marker = NULL, *report = NULL;
        struct stat st;

        init(&h);
        marker = format("%s/stop-post-ran", h.dir);
        failing = format("ListenStream=127.0.0.1:%u\nExecStartPre=/bin/false\nExecStopPost=/bin/touch %s\n",
                         port, marker);
        lenient = format("ListenStream=127.0.0.1:%u\nExecStartPre=-/bin/false\n", other);
        one_service(&h, "failing", failing, "");
        one_service(&h, "lenient", lenient, "");
        start(&h, NULL, 0, 1);
        wait_log(&h, NULL, "failing.socket: Command");
        wait_log(&h, NULL, "(/bin/false) exited with status 1");
        wait_log(&h, NULL, "failing.socket: stop-post → failed");
        ck_assert_msg(stat(marker, &st) == 0, "ExecStopPost= did not run after the failed start:\n%s",
                      harness_log_tail(&h));
        report = request(&h, address, SOCK_STREAM);
        assert_activation(&h, report, 1, "lenient.socket");
        stop(&h);
}
END_TEST

/* A command that outlives TimeoutSec= gets SIGTERM; its unit fails, sockactd goes on. */
START_TEST(test_hanging_command_times_out)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *hanging =
                format("ListenStream=127.0.0.1:%u\nExecStartPre=/bin/sleep 60\nTimeoutSec=300ms\n", port);

        init(&h);
        one_service(&h, "hanging", hanging, "");
        start(&h, NULL, 0, 0);
        wait_log(&h, NULL, "hanging.socket: Command");
        wait_log(&h, NULL, "timed out, sending SIGTERM");
        wait_log(&h, NULL, "hanging.socket: stop-post → failed");
        stop(&h);
}
END_TEST

/* A service that never takes its connection leaves the socket readable: every wake-up starts it
 * again. The limit pauses the socket, logs it, and lets it listen again after the interval. */
static void check_limit(const char *limits, const char *hit)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket = format("[Socket]\nListenStream=127.0.0.1:%u\n%s", port, limits),
                            *address = format("127.0.0.1:%u", port);
        const struct harness_unit units[] = {
                { "spin.socket", socket },
                { "spin.service", "[Unit]\nStartLimitBurst=0\n[Service]\nExecStart=/bin/true\n" },
        };
        size_t offset = 0;
        int fd = -1;

        init(&h);
        start(&h, units, ELEMENTSOF(units), 1);
        ck_assert_int_eq(harness_connect(&h, address, SOCK_STREAM, T, &fd), 0);
        wait_log(&h, &offset, hit);
        wait_log(&h, &offset, "spin.socket: Listening again");
        wait_log(&h, &offset, hit); /* the connection still waits: paused again, never failed */
        close(fd);
        stop(&h);
}

START_TEST(test_poll_limit_pauses_and_resumes)
{
        check_limit("PollLimitIntervalSec=500ms\nPollLimitBurst=3\nTriggerLimitBurst=0\n",
                    "spin.socket: Poll limit hit (3 wake-ups within PollLimitIntervalSec=), pausing for");
}
END_TEST

START_TEST(test_trigger_limit_pauses_and_resumes)
{
        check_limit("TriggerLimitIntervalSec=500ms\nTriggerLimitBurst=3\nPollLimitBurst=0\n",
                    "spin.socket: Trigger limit hit (3 activations within TriggerLimitIntervalSec=), "
                    "pausing for");
}
END_TEST

Suite *socket_unit_suite(void)
{
        Suite *s = suite_create("socket-unit");
        TCase *t = tcase_create("socket-unit");

        tcase_set_timeout(t, 60);
        tcase_add_unchecked_fixture(t, harness_root_setup, harness_root_teardown);
        tcase_add_test(t, test_commands_around_bind_and_close);
        tcase_add_test(t, test_failing_command_fails_its_unit_only);
        tcase_add_test(t, test_hanging_command_times_out);
        tcase_add_test(t, test_poll_limit_pauses_and_resumes);
        tcase_add_test(t, test_trigger_limit_pauses_and_resumes);
        suite_add_tcase(s, t);
        return s;
}
