/* sd_notify(3) from services to the real sockactd: tests/programs/notifier sends each message with
 * libsystemd's own sd_notify() and sd_notify_barrier(), as the main process of a socket-activated
 * service; one connection starts it. What each message does shows in sockactd's log. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"
#include "harness.h"
#include "tests.h"

/* Writes NAME.socket and NAME.service ([Service] with body, ExecStart=notifier STEPS), starts
 * sockactd and activates the service; returns the connection that did (closed by the caller). */
static int notify_service(struct harness *h, const char *name, const char *body, const char *steps)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket_name = format("%s.socket", name),
                            *service_name = format("%s.service", name),
                            *socket_text = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *exec = program("notifier"),
                            *service_text = format("[Service]\n%sExecStart=%s %s\n", body, exec, steps),
                            *address = format("127.0.0.1:%u", port);
        int fd = -1;

        init(h);
        ck_assert_int_eq(harness_write_unit(h, socket_name, socket_text), 0);
        ck_assert_int_eq(harness_write_unit(h, service_name, service_text), 0);
        start(h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(h, address, SOCK_STREAM, T, &fd), 0);
        return fd;
}

/* WatchdogSec=: the main process gets $WATCHDOG_USEC and its own pid in $WATCHDOG_PID; WATCHDOG=1
 * keeps it running past the limit; once the pings stop it is aborted with SIGABRT, its result is
 * "watchdog", and Restart=on-watchdog starts it again. */
START_TEST(test_watchdog)
{
        struct harness h;
        size_t offset = 0;
        int fd = notify_service(&h, "wd",
                                "Type=notify\nWatchdogSec=1\nRestart=on-watchdog\nRestartSec=100ms\n",
                                "env:WATCHDOG_USEC env:WATCHDOG_PID send:READY=1 watchdog:300:6 "
                                "print:pings-done sleep:10000");
        _cleanup_free_ char *pid_line = NULL;

        wait_log(&h, &offset, "wd.service: started ");
        pid_line = format("WATCHDOG_PID=%ld",
                          strtol(strstr(h.log, " as process ") + strlen(" as process "), NULL, 10));
        wait_log(&h, &offset, "WATCHDOG_USEC=1000000");
        wait_log(&h, NULL, pid_line);
        wait_log(&h, &offset, "pings-done"); /* 1.8 s of pings, past the 1 s limit: not aborted */
        ck_assert_msg(!strstr(h.log, "Watchdog timeout") ||
                              strstr(h.log, "Watchdog timeout") > strstr(h.log, "pings-done"),
                      "aborted while it pinged:\n%s", harness_log_tail(&h));
        wait_log(&h, &offset, "wd.service: Watchdog timeout: no WATCHDOG=1 within 1s, sending SIGABRT");
        wait_log(&h, &offset, "killed by SIGABRT");
        wait_log(&h, &offset, "wd.service: Restarting in 0.1s (watchdog)");
        wait_log(&h, &offset, "WATCHDOG_USEC=1000000"); /* the second run */
        close(fd);
        stop(&h);
}
END_TEST

/* WATCHDOG=trigger aborts the service even without WatchdogSec=. */
START_TEST(test_watchdog_trigger)
{
        struct harness h;
        int fd = notify_service(&h, "trig", "Type=notify\n",
                                "send:READY=1 send:WATCHDOG=trigger sleep:10000");

        wait_log(&h, NULL, "trig.service: WATCHDOG=trigger, sending SIGABRT");
        wait_log(&h, NULL, "killed by SIGABRT");
        wait_log(&h, NULL, "trig.service: stop-post → failed");
        close(fd);
        stop(&h);
}
END_TEST

/* WATCHDOG_USEC= replaces WatchdogSec= for the rest of the run. */
START_TEST(test_watchdog_usec)
{
        struct harness h;
        int fd = notify_service(&h, "wdu", "Type=notify\nWatchdogSec=1min\n",
                                "send:READY=1|WATCHDOG_USEC=300000 sleep:10000");

        wait_log(&h, NULL, "wdu.service: Watchdog timeout: no WATCHDOG=1 within 0.3s, sending SIGABRT");
        wait_log(&h, NULL, "wdu.service: stop-post → failed");
        close(fd);
        stop(&h);
}
END_TEST

/* STOPPING=1: the service stops by itself; sockactd waits for it (no SIGTERM) and it ends dead,
 * its exit clean. */
START_TEST(test_stopping)
{
        struct harness h;
        size_t offset = 0;
        int fd = notify_service(&h, "stp", "Type=notify\n", "send:READY=1 send:STOPPING=1 sleep:300 exit:0");

        wait_log(&h, &offset, "stp.service: start-post → running");
        wait_log(&h, &offset, "stp.service: Stopping (STOPPING=1)");
        wait_log(&h, &offset, "stp.service: running → stop-sigterm");
        wait_log(&h, &offset, "stp.service: stop-post → dead");
        ck_assert_msg(!strstr(h.log, "killed by"), "it was killed:\n%s", harness_log_tail(&h));
        close(fd);
        stop(&h);
}
END_TEST

/* RELOADING=1, then READY=1: the state goes to reload and back to running. */
START_TEST(test_reloading)
{
        struct harness h;
        size_t offset = 0;
        int fd = notify_service(&h, "rld", "Type=notify\n",
                                "send:READY=1 send:RELOADING=1 sleep:200 send:READY=1 sleep:10000");

        wait_log(&h, &offset, "rld.service: Reloading (RELOADING=1)");
        wait_log(&h, &offset, "rld.service: running → reload");
        wait_log(&h, &offset, "rld.service: Reloaded (READY=1)");
        wait_log(&h, &offset, "rld.service: reload → running");
        close(fd);
        stop(&h);
}
END_TEST

/* EXTEND_TIMEOUT_USEC= lets a start run past TimeoutStartSec=. */
START_TEST(test_extend_timeout)
{
        struct harness h;
        size_t offset = 0;
        int fd = notify_service(&h, "ext", "Type=notify\nTimeoutStartSec=500ms\n",
                                "send:EXTEND_TIMEOUT_USEC=3000000 sleep:1200 send:READY=1 sleep:10000");

        wait_log(&h, &offset, "ext.service: EXTEND_TIMEOUT_USEC=3000000: the start timeout is extended");
        wait_log(&h, &offset, "ext.service: start-post → running");
        ck_assert_msg(!strstr(h.log, "Start timed out"), "the start timed out:\n%s", harness_log_tail(&h));
        close(fd);
        stop(&h);
}
END_TEST

/* sd_notify_barrier() returns once sockactd has read everything sent before it; ERRNO= is taken. */
START_TEST(test_barrier_and_errno)
{
        struct harness h;
        int fd = notify_service(&h, "bar", "NotifyAccess=main\n", "send:ERRNO=2 barrier:5000 sleep:10000");

        wait_log(&h, NULL, "bar.service: ERRNO=2");
        wait_log(&h, NULL, "barrier: 0");
        ck_assert_msg(!strstr(h.log, "Notification dropped"), "a message was dropped:\n%s",
                      harness_log_tail(&h));
        close(fd);
        stop(&h);
}
END_TEST

/* MAINPID= naming a process that is not sockactd's child is refused, and the service goes on. */
START_TEST(test_mainpid_refused)
{
        struct harness h;
        int fd = notify_service(&h, "mp", "Type=notify\n", "send:READY=1|MAINPID=1 sleep:10000");

        wait_log(&h, NULL,
                 "mp.service: MAINPID=1 ignored: not a running child of sockactd that no unit owns");
        wait_log(&h, NULL, "mp.service: start-post → running");
        close(fd);
        stop(&h);
}
END_TEST

/* An Accept=yes instance speaks for itself: its READY=1 completes its own start. */
START_TEST(test_instance_notify)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket_text = format("[Socket]\nListenStream=127.0.0.1:%u\nAccept=yes\n", port),
                            *exec = program("notifier"),
                            *service_text = format(
                                    "[Service]\nType=notify\nExecStart=%s send:READY=1 sleep:300\n", exec),
                            *address = format("127.0.0.1:%u", port);
        int fd = -1;

        init(&h);
        ck_assert_int_eq(harness_write_unit(&h, "inst.socket", socket_text), 0);
        ck_assert_int_eq(harness_write_unit(&h, "inst@.service", service_text), 0);
        start(&h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(&h, address, SOCK_STREAM, T, &fd), 0);
        wait_log(&h, NULL, ".service: READY=1");
        wait_log(&h, NULL, ".service: start-post → running");
        close(fd);
        stop(&h);
}
END_TEST

/* A service that runs notifier with first_steps, and with second_steps every time after (a flag file
 * tells the runs apart); returns the connection that activated it. */
static int two_runs(struct harness *h, const char *name, const char *body, const char *first_steps,
                    const char *second_steps)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket_name = format("%s.socket", name),
                            *service_name = format("%s.service", name),
                            *socket_text = format("[Socket]\nListenStream=127.0.0.1:%u\n", port),
                            *exec = program("notifier"), *flag = NULL, *service_text = NULL,
                            *address = format("127.0.0.1:%u", port);
        int fd = -1;

        init(h);
        flag = path_in(h, "flag");
        service_text = format("[Service]\n%sExecStart=/bin/sh -c 'if [ -e %s ]; then exec %s %s; "
                              "else touch %s; exec %s %s; fi'\n",
                              body, flag, exec, second_steps, flag, exec, first_steps);
        ck_assert_int_eq(harness_write_unit(h, socket_name, socket_text), 0);
        ck_assert_int_eq(harness_write_unit(h, service_name, service_text), 0);
        start(h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(h, address, SOCK_STREAM, T, &fd), 0);
        return fd;
}

/* The fd store across a restart: the second run gets, after its socket, what the first stored and
 * kept, with the names it stored them under. A second copy of the same fd is kept once, an fd
 * whose peer hung up is dropped unless stored with FDPOLL=0, FDSTOREREMOVE=1 drops by name, and
 * FileDescriptorStoreMax= bounds the store. */
START_TEST(test_fdstore_round_trip)
{
        struct harness h;
        size_t offset = 0;
        int fd =
                two_runs(&h, "fs", "FileDescriptorStoreMax=3\nRestart=on-failure\nRestartSec=100ms\n",
                         "storemem:gone:x remove:gone storemem:state:generation-1 storeagain storepair:peer "
                         "storepair-nopoll:kept storemem:extra:x barrier:5000 exit:1",
                         "fds sleep:10000");

        wait_log(&h, &offset, "fs.service: FDSTOREREMOVE=1: 1 fds \"gone\" closed");
        wait_log(&h, &offset, "fs.service: FDSTORE=1: fd \"state\" is stored already");
        wait_log(&h, &offset,
                 "fs.service: FDSTORE=1: the fd store is full (FileDescriptorStoreMax=3), fd \"extra\" "
                 "closed");
        wait_log(&h, &offset, "fs.service: Stored fd \"peer\" reported a hangup, dropped");
        wait_log(&h, &offset, "fs.service: Restarting in 0.1s (exit-code)");
        wait_log(&h, &offset, "fds 3\n");
        wait_log(&h, &offset, "fd 3 fs.socket\n");
        wait_log(&h, &offset, "fd 4 state generation-1\n");
        wait_log(&h, &offset, "fd 5 kept\n");
        close(fd);
        stop(&h);
}
END_TEST

/* FileDescriptorStorePreserve=yes keeps the store when the service stops; the default (restart)
 * closes it then. Here the service exits cleanly and its socket starts it again. */
static void preserve_case(const char *preserve, const char *expected_fds)
{
        struct harness h;
        size_t offset = 0;
        _cleanup_free_ char *body = format("FileDescriptorStoreMax=1\n%s", preserve);
        int fd = two_runs(&h, "keep", body, "storemem:state:kept barrier:5000 exit:0", "fds sleep:10000");

        wait_log(&h, &offset, "keep.service: FDSTORE=1: stored fd \"state\"");
        wait_log(&h, &offset, "keep.service: stop-post → dead");
        wait_log(&h, &offset, expected_fds);
        close(fd);
        stop(&h);
}

START_TEST(test_fdstore_preserve_yes)
{
        preserve_case("FileDescriptorStorePreserve=yes\n", "fds 2\nfd 3 keep.socket\nfd 4 state kept\n");
}
END_TEST

START_TEST(test_fdstore_preserve_restart)
{
        preserve_case("", "fds 1\nfd 3 keep.socket\n");
}
END_TEST

/* Without FileDescriptorStoreMax= the fds are refused and closed, logged once a run. */
START_TEST(test_fdstore_refused)
{
        struct harness h;
        int fd = notify_service(&h, "nostore", "NotifyAccess=main\n",
                                "storemem:a:x storemem:b:y barrier:5000 sleep:10000");

        wait_log(&h, NULL, "barrier: 0");
        ck_assert_uint_eq(
                occurrences(h.log, "nostore.service: FDSTORE=1 refused: FileDescriptorStoreMax= is 0"), 1);
        close(fd);
        stop(&h);
}
END_TEST

Suite *sdnotify_suite(void)
{
        Suite *s = suite_create("sdnotify");
        TCase *t = tcase_create("sdnotify");

        tcase_set_timeout(t, 60);
        tcase_add_test(t, test_watchdog);
        tcase_add_test(t, test_watchdog_trigger);
        tcase_add_test(t, test_watchdog_usec);
        tcase_add_test(t, test_stopping);
        tcase_add_test(t, test_reloading);
        tcase_add_test(t, test_extend_timeout);
        tcase_add_test(t, test_barrier_and_errno);
        tcase_add_test(t, test_mainpid_refused);
        tcase_add_test(t, test_instance_notify);
        suite_add_tcase(s, t);

        t = tcase_create("fdstore");
        tcase_set_timeout(t, 60);
        tcase_add_test(t, test_fdstore_round_trip);
        tcase_add_test(t, test_fdstore_preserve_yes);
        tcase_add_test(t, test_fdstore_preserve_restart);
        tcase_add_test(t, test_fdstore_refused);
        suite_add_tcase(s, t);
        return s;
}
