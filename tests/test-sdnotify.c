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

/* Writes NAME.socket (a listener on a free port, then socket_extra) and NAME.service (or the
 * template NAME@.service) with service_text, starts sockactd (init(h) has run) and connects, which
 * activates the service; returns that connection (closed by the caller). */
static int activate(struct harness *h, const char *name, const char *socket_extra, const char *service_file,
                    const char *service_text)
{
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *socket_name = format("%s.socket", name),
                            *socket_text =
                                    format("[Socket]\nListenStream=127.0.0.1:%u\n%s", port, socket_extra),
                            *address = format("127.0.0.1:%u", port);
        int fd = -1;

        ck_assert_int_eq(harness_write_unit(h, socket_name, socket_text), 0);
        ck_assert_int_eq(harness_write_unit(h, service_file, service_text), 0);
        start(h, NULL, 0, 1);
        ck_assert_int_eq(harness_connect(h, address, SOCK_STREAM, T, &fd), 0);
        return fd;
}

/* NAME.service: [Service] with body, ExecStart=notifier STEPS; activated. */
static int notify_service(struct harness *h, const char *name, const char *body, const char *steps)
{
        _cleanup_free_ char *exec = program("notifier"), *service_file = format("%s.service", name),
                            *service_text = format("[Service]\n%sExecStart=%s %s\n", body, exec, steps);

        init(h);
        return activate(h, name, "", service_file, service_text);
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

/* One service, one list of steps, and the log lines that must follow in this order (and one that
 * must not appear). */
struct notify_case {
        const char *name, *body, *steps;
        const char *expect[5];
        const char *absent;
};

static const struct notify_case notify_cases[] = {
        /* WATCHDOG=trigger aborts the service even without WatchdogSec=. */
        { "trig",
          "Type=notify\n",
          "send:READY=1 send:WATCHDOG=trigger sleep:10000",
          { "trig.service: WATCHDOG=trigger, sending SIGABRT", "killed by SIGABRT",
            "trig.service: stop-post → failed" },
          NULL },
        /* WATCHDOG_USEC= replaces WatchdogSec= for the rest of the run. */
        { "wdu",
          "Type=notify\nWatchdogSec=1min\n",
          "send:READY=1|WATCHDOG_USEC=300000 sleep:10000",
          { "wdu.service: Watchdog timeout: no WATCHDOG=1 within 0.3s, sending SIGABRT",
            "wdu.service: stop-post → failed" },
          NULL },
        /* STOPPING=1: the service stops by itself; sockactd waits for it without a signal, and it ends
         * dead, its exit clean. */
        { "stp",
          "Type=notify\n",
          "send:READY=1 send:STOPPING=1 sleep:300 exit:0",
          { "stp.service: start-post → running", "stp.service: Stopping (STOPPING=1)",
            "stp.service: running → stop-sigterm", "stp.service: stop-post → dead" },
          "killed by" },
        /* RELOADING=1, then READY=1: the state goes to reload and back to running. */
        { "rld",
          "Type=notify\n",
          "send:READY=1 send:RELOADING=1 sleep:200 send:READY=1 sleep:10000",
          { "rld.service: Reloading (RELOADING=1)", "rld.service: running → reload",
            "rld.service: Reloaded (READY=1)", "rld.service: reload → running" },
          NULL },
        /* EXTEND_TIMEOUT_USEC= lets a start run past TimeoutStartSec=. */
        { "ext",
          "Type=notify\nTimeoutStartSec=500ms\n",
          "send:EXTEND_TIMEOUT_USEC=3000000 sleep:1200 send:READY=1 sleep:10000",
          { "ext.service: EXTEND_TIMEOUT_USEC=3000000: the start timeout is extended",
            "ext.service: start-post → running" },
          "Start timed out" },
        /* A reload that never ends: after TimeoutStartSec= the service is running again. */
        { "rlt",
          "Type=notify\nTimeoutStartSec=500ms\n",
          "send:READY=1 send:RELOADING=1 sleep:10000",
          { "rlt.service: running → reload",
            "rlt.service: No READY=1 after RELOADING=1 within TimeoutStartSec=, running on",
            "rlt.service: reload → running" },
          NULL },
        /* An extension past the end of time does not wrap around into the past. */
        { "exh",
          "Type=notify\nTimeoutStartSec=500ms\n",
          "send:EXTEND_TIMEOUT_USEC=18446744073709551000 sleep:1200 send:READY=1 sleep:10000",
          { "exh.service: start-post → running" },
          "Start timed out" },
        /* sd_notify_barrier() returns once sockactd has read everything sent before it; ERRNO= is
         * taken. */
        { "bar",
          "NotifyAccess=main\n",
          "send:ERRNO=2 barrier:5000 sleep:10000",
          { "bar.service: ERRNO=2", "barrier: 0" },
          "Notification dropped" },
        /* MAINPID= naming a process that is not sockactd's child is refused; the service goes on. */
        { "mp",
          "Type=notify\n",
          "send:READY=1|MAINPID=1 sleep:10000",
          { "mp.service: MAINPID=1 ignored: not a running child of sockactd that no unit owns",
            "mp.service: start-post → running" },
          NULL },
};

START_TEST(test_notify_case)
{
        const struct notify_case *c = &notify_cases[_i];
        struct harness h;
        size_t offset = 0;
        int fd = notify_service(&h, c->name, c->body, c->steps);

        for (size_t i = 0; i < ELEMENTSOF(c->expect) && c->expect[i]; i++)
                wait_log(&h, &offset, c->expect[i]);
        ck_assert_msg(!c->absent || !strstr(h.log, c->absent), "\"%s\" in the log:\n%s", c->absent,
                      harness_log_tail(&h));
        close(fd);
        stop(&h);
}
END_TEST

/* An Accept=yes instance speaks for itself: its READY=1 completes its own start. */
START_TEST(test_instance_notify)
{
        struct harness h;
        _cleanup_free_ char *exec = program("notifier"),
                            *service_text = format(
                                    "[Service]\nType=notify\nExecStart=%s send:READY=1 sleep:300\n", exec);
        int fd;

        init(&h);
        fd = activate(&h, "inst", "Accept=yes\n", "inst@.service", service_text);
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
        _cleanup_free_ char *exec = program("notifier"), *service_file = format("%s.service", name),
                            *flag = NULL, *service_text = NULL;

        init(h);
        flag = path_in(h, "flag");
        service_text = format("[Service]\n%sExecStart=/bin/sh -c 'if [ -e %s ]; then exec %s %s; "
                              "else touch %s; exec %s %s; fi'\n",
                              body, flag, exec, second_steps, flag, exec, first_steps);
        return activate(h, name, "", service_file, service_text);
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
/* The fd store with StandardInput=socket: the service starts again, with its socket on stdin and
 * no $LISTEN_FDS (so without the store). */
START_TEST(test_fdstore_with_stdin_socket)
{
        struct harness h;
        size_t offset = 0;
        int fd = two_runs(&h, "inetd",
                          "FileDescriptorStoreMax=1\nFileDescriptorStorePreserve=yes\nNotifyAccess=main\n"
                          "StandardInput=socket\nStandardOutput=journal\n",
                          "storemem:state:kept exit:0", "fds sleep:10000");

        wait_log(&h, &offset, "inetd.service: FDSTORE=1: stored fd \"state\"");
        wait_log(&h, &offset, "inetd.service: stop-post → dead");
        wait_log(&h, &offset, "fds 0\n");
        ck_assert_msg(!strstr(h.log, "no socket is passed"), "the second start failed:\n%s",
                      harness_log_tail(&h));
        close(fd);
        stop(&h);
}
END_TEST

static void preserve_case(const char *preserve, const char *const *expected_lines)
{
        struct harness h;
        size_t offset = 0;
        _cleanup_free_ char *body = format("FileDescriptorStoreMax=1\n%s", preserve);
        int fd = two_runs(&h, "keep", body, "storemem:state:kept exit:0", "fds sleep:10000");

        wait_log(&h, &offset, "keep.service: FDSTORE=1: stored fd \"state\"");
        wait_log(&h, &offset, "keep.service: stop-post → dead");
        for (size_t i = 0; expected_lines[i]; i++) /* one at a time: the log may come between */
                wait_log(&h, &offset, expected_lines[i]);
        close(fd);
        stop(&h);
}

START_TEST(test_fdstore_preserve_yes)
{
        static const char *const lines[] = { "fds 2\n", "fd 3 keep.socket\n", "fd 4 state kept\n", NULL };

        preserve_case("FileDescriptorStorePreserve=yes\n", lines);
}
END_TEST

START_TEST(test_fdstore_preserve_restart)
{
        static const char *const lines[] = { "fds 1\n", "fd 3 keep.socket\n", NULL };

        preserve_case("", lines);
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
        tcase_add_loop_test(t, test_notify_case, 0, ELEMENTSOF(notify_cases));
        tcase_add_test(t, test_instance_notify);
        suite_add_tcase(s, t);

        t = tcase_create("fdstore");
        tcase_set_timeout(t, 60);
        tcase_add_test(t, test_fdstore_round_trip);
        tcase_add_test(t, test_fdstore_preserve_yes);
        tcase_add_test(t, test_fdstore_preserve_restart);
        tcase_add_test(t, test_fdstore_refused);
        tcase_add_test(t, test_fdstore_with_stdin_socket);
        suite_add_tcase(s, t);
        return s;
}
