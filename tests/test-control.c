/* The control socket and sockactl, against the real sockactd: what an administrator sees with list
 * and status, start, stop and restart, the exit statuses, who may do what, and the bad requests the
 * daemon must survive (each answered and closed, the daemon serving on). */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"
#include "control.h"
#include "harness.h"
#include "support.h"
#include "tests.h"
#include "util.h"

/* sockactl --runtime-dir DIR and up to three arguments (NULL ends them early); as uid when not 0. */
static struct run_result sockactl_as(const struct harness *h, uid_t uid, gid_t gid, const char *a1,
                                     const char *a2, const char *a3)
{
        return sockactl_run(h, uid, gid, (const char *const[]){ a1, a2, a3, NULL });
}

static struct run_result sockactl(const struct harness *h, const char *a1, const char *a2, const char *a3)
{
        return sockactl_as(h, 0, 0, a1, a2, a3);
}

/* web.socket (Accept=no, listen-service) and echo.socket (Accept=yes, /bin/echo) on free ports;
 * sockactd started with --control-group group unless NULL. */
static void two_sockets_group(struct harness *h, char **web, char **echo, const char *group)
{
        uint16_t p1 = free_port(AF_INET, SOCK_STREAM), p2 = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *web_socket = NULL, *echo_socket = NULL;

        *web = format("127.0.0.1:%u", p1);
        *echo = format("127.0.0.1:%u", p2);
        web_socket = format("ListenStream=%s\n", *web);
        echo_socket = format("[Socket]\nListenStream=%s\nAccept=yes\n", *echo);
        init(h);
        one_service(h, "web", web_socket, "--idle-exit-ms 30000");
        ck_assert_int_eq(harness_write_unit(h, "echo.socket", echo_socket), 0);
        ck_assert_int_eq(harness_write_unit(h, "echo@.service",
                                            "[Service]\nExecStart=/bin/echo hi\nStandardInput=socket\n"),
                         0);
        char *extra[] = { (char *) "--control-group", (char *) group, NULL };
        if (group)
                h->extra_args = extra;
        start(h, NULL, 0, 2);
        h->extra_args = NULL;
}

static void two_sockets(struct harness *h, char **web, char **echo)
{
        two_sockets_group(h, web, echo, NULL);
}

START_TEST(test_list_and_status)
{
        struct harness h;
        _cleanup_free_ char *web = NULL, *echo = NULL, *report = NULL, *answer = NULL, *line = NULL;
        struct run_result r;

        two_sockets(&h, &web, &echo);
        report = request(&h, web, SOCK_STREAM);                                  /* one activation */
        ck_assert_int_eq(harness_request(&h, echo, SOCK_STREAM, T, &answer), 0); /* one accepted */
        ck_assert_str_eq(answer, "hi\n");
        ck_assert_int_eq(harness_wait_children(&h, "echo", 0, T), 0);

        r = sockactl(&h, "list", NULL, NULL);
        ck_assert_msg(r.status == 0, "sockactl list: %d\n%s", r.status, r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "LISTEN"));
        line = line_starting(r.out, web);
        ck_assert_msg(line && strstr(line, "web.socket") && strstr(line, "web.service") &&
                              strstr(line, "listening"),
                      "no line for web.socket in:\n%s", r.out);
        free(line);
        line = line_starting(r.out, echo);
        ck_assert_msg(line && strstr(line, "echo.socket") && strstr(line, "echo@.service"),
                      "no echo line:\n%s", r.out);
        run_result_clear(&r);

        r = sockactl(&h, "--json", "list", NULL);
        ck_assert_int_eq(r.status, 0);
        ck_assert_msg(strstr(r.out, "{\"sockets\":[{\"listen\":\"") &&
                              strstr(r.out, "\"socket\":\"echo.socket\",\"service\":\"echo@.service\","
                                            "\"state\":\"listening\",\"connections\":0,\"accepted\":1,"
                                            "\"refused\":0,\"activations\":0}"),
                      "unexpected JSON:\n%s", r.out);
        run_result_clear(&r);

        r = sockactl(&h, "status", "web.socket", NULL);
        ck_assert_int_eq(r.status, 0);
        assert_line(r.out, "state: listening");
        assert_line(r.out, "activations: 1");
        assert_linef(r.out, "listen: %s", web);
        run_result_clear(&r);

        r = sockactl(&h, "status", "web.service", NULL);
        ck_assert_int_eq(r.status, 0);
        assert_line(r.out, "state: running");
        assert_linef(r.out, "main_pid: %ld", number_after(report, "pid="));
        run_result_clear(&r);

        r = sockactl(&h, "status", "nosuch.service", NULL);
        ck_assert_int_eq(r.status, 4);
        ck_assert_str_eq(r.err, "sockactl: No such unit: nosuch.service\n");
        run_result_clear(&r);
        stop(&h);
}
END_TEST

/* start, restart and stop of a service, without a connection; the exit statuses. */
START_TEST(test_start_restart_stop)
{
        struct harness h;
        _cleanup_free_ char *web = NULL, *echo = NULL;
        struct run_result r;
        long first, second;

        two_sockets(&h, &web, &echo);
        r = sockactl(&h, "start", "web.service", NULL);
        ck_assert_msg(r.status == 0 && !*r.out && !*r.err, "start: %d %s", r.status, r.err);
        run_result_clear(&r);
        wait_log(&h, NULL, "web.service: start-post → running");
        wait_log(&h, NULL, "start web.service, asked by uid 0");
        r = sockactl(&h, "status", "web.service", NULL);
        first = number_after(r.out, "main_pid: ");
        run_result_clear(&r);
        ck_assert_int_gt(first, 0);

        r = sockactl(&h, "restart", "web.service", NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        ck_assert(wait_gone((pid_t) first, T));
        for (int i = 0; i < 100; i++) { /* started again at once, not after RestartSec= */
                r = sockactl(&h, "status", "web.service", NULL);
                second = has_line(r.out, "state: running") ? number_after(r.out, "main_pid: ") : 0;
                run_result_clear(&r);
                if (second > 0)
                        break;
                ck_assert_int_eq(harness_pump(&h, 50), 0);
        }
        ck_assert_int_gt(second, 0);
        ck_assert_int_ne(second, first);

        r = sockactl(&h, "stop", "web.service", NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        ck_assert(wait_gone((pid_t) second, T));
        wait_log(&h, NULL, "web.service: stop-post → dead");

        r = sockactl(&h, "stop", "echo.socket", NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        wait_log(&h, NULL, "echo.socket: stop-post → dead");
        r = sockactl(&h, "start", "echo.socket", NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        wait_log(&h, NULL, "echo.socket: start-post → listening");

        r = sockactl(&h, "reload", NULL, NULL); /* nothing changed on disk */
        ck_assert_int_eq(r.status, 0);
        ck_assert_str_eq(r.out, "No unit changed\n");
        run_result_clear(&r);
        r = sockactl(&h, "start", NULL, NULL);
        ck_assert_int_eq(r.status, 2);
        run_result_clear(&r);
        ck_assert_int_eq(harness_stop(&h, T, NULL), 0);
        r = sockactl(&h, "list", NULL, NULL); /* sockactd is gone, and its socket with it */
        ck_assert_int_eq(r.status, 6);
        ck_assert_ptr_nonnull(strstr(r.err, "cannot reach sockactd"));
        run_result_clear(&r);
        harness_done(&h);
}
END_TEST

/* The socket is 0600: another user cannot connect. With --control-group, its members may list
 * and ask for the status, and nothing else; each refusal is logged with the uid. */
START_TEST(test_access)
{
        struct harness h;
        struct passwd *nobody = getpwnam("nobody");
        struct group *nogroup = getgrnam("nogroup");
        _cleanup_free_ char *web = NULL, *echo = NULL, *control = NULL;
        struct run_result r;
        struct stat st;

        if (geteuid() != 0 || !nobody || !nogroup || access("/usr/bin/setpriv", X_OK) < 0) {
                fprintf(stderr, "test_access: needs root, nobody, nogroup and setpriv; not run\n");
                return;
        }
        two_sockets(&h, &web, &echo);
        control = path_in(&h, "run/control");
        ck_assert_int_eq(stat(control, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777, 0600);
        r = sockactl_as(&h, nobody->pw_uid, nobody->pw_gid, "list", NULL, NULL);
        ck_assert_msg(r.status == 5, "nobody listed (%d):\n%s%s", r.status, r.out, r.err);
        run_result_clear(&r);
        stop(&h);
        free(web);
        free(echo);
        free(control);

        /* again, with the group: list and status, nothing else */
        two_sockets_group(&h, &web, &echo, "nogroup");
        control = path_in(&h, "run/control");
        ck_assert_int_eq(stat(control, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777, 0660);
        ck_assert_uint_eq(st.st_gid, nogroup->gr_gid);
        r = sockactl_as(&h, nobody->pw_uid, nogroup->gr_gid, "list", NULL, NULL);
        ck_assert_msg(r.status == 0, "nobody could not list (%d): %s", r.status, r.err);
        run_result_clear(&r);
        r = sockactl_as(&h, nobody->pw_uid, nogroup->gr_gid, "stop", "web.socket", NULL);
        ck_assert_int_eq(r.status, 5);
        ck_assert_ptr_nonnull(strstr(r.err, "may only list and ask for the status"));
        run_result_clear(&r);
        r = sockactl(&h, "status", "web.socket", NULL);
        assert_line(r.out, "state: listening"); /* untouched */
        run_result_clear(&r);
        stop(&h);
}
END_TEST

/* Raw requests that break the protocol: each gets a reply with its error code and the connection
 * is closed; a client that says nothing is closed after CONTROL_IDLE_USEC; sockactd serves on. */
static int connect_control(const struct harness *h)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct timeval tv = { 10, 0 };
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", h->runtime_dir);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
        ck_assert_int_eq(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        return fd;
}

/* Sends size bytes of message, and returns the code of the reply; checks that the connection
 * closes after it. */
static int bad_request(const struct harness *h, const void *message, size_t size)
{
        char reply[sizeof(struct control_header) + 512];
        struct control_header rh;
        const char *reason = NULL;
        int fd = connect_control(h);
        ssize_t n;

        ck_assert_int_eq(send(fd, message, size, MSG_NOSIGNAL), (ssize_t) size);
        n = recv(fd, reply, sizeof(reply), 0);
        ck_assert_int_gt(n, 0);
        ck_assert_int_eq(control_check(reply, (size_t) n, false, &rh, &reason), 0);
        ck_assert_int_eq(recv(fd, reply, sizeof(reply), 0), 0); /* closed */
        close(fd);
        return rh.code;
}

START_TEST(test_bad_requests)
{
        struct harness h;
        _cleanup_free_ char *web = NULL, *echo = NULL, *report = NULL;
        struct control_header good = { CONTROL_MAGIC, CONTROL_VERSION, CONTROL_LIST, 0, 0 }, bad;
        char big[CONTROL_REQUEST_MAX + 100] = { 0 };
        struct run_result r;
        int silent;

        two_sockets(&h, &web, &echo);
        silent = connect_control(&h);

        ck_assert_int_eq(bad_request(&h, &good, sizeof(good) - 2), EBADMSG); /* truncated */
        bad = good;
        bad.length = sizeof(big) - sizeof(bad);
        memcpy(big, &bad, sizeof(bad));
        ck_assert_int_eq(bad_request(&h, big, sizeof(big)), EBADMSG); /* oversized */
        bad = good;
        bad.magic = 0x12345678;
        ck_assert_int_eq(bad_request(&h, &bad, sizeof(bad)), EBADMSG);
        bad = good;
        bad.version = 99;
        ck_assert_int_eq(bad_request(&h, &bad, sizeof(bad)), EPROTONOSUPPORT);
        bad = good;
        bad.code = 99;
        ck_assert_int_eq(bad_request(&h, &bad, sizeof(bad)), EOPNOTSUPP);
        bad = good;
        bad.length = 5; /* says more than it holds */
        ck_assert_int_eq(bad_request(&h, &bad, sizeof(bad)), EBADMSG);
        bad = (struct control_header){ CONTROL_MAGIC, CONTROL_VERSION, CONTROL_STATUS, 0, 4 };
        memcpy(big, &bad, sizeof(bad));
        memcpy(big + sizeof(bad), "a\0bc", 4);
        ck_assert_int_eq(bad_request(&h, big, sizeof(bad) + 4), EBADMSG); /* a NUL in the name */

        report = request(&h, web, SOCK_STREAM); /* it serves on */
        assert_activation(&h, report, 1, "web.socket");
        r = sockactl(&h, "list", NULL, NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);

        char byte;
        ck_assert_int_eq(recv(silent, &byte, 1, 0), 0); /* closed after CONTROL_IDLE_USEC, within 10 s */
        close(silent);
        wait_log(&h, NULL, "said nothing for 5s, closed");
        stop(&h);
}
END_TEST

/* A thousand clients connected at once and saying nothing: sockactd still activates its sockets
 * and answers sockactl. */
START_TEST(test_thousand_clients)
{
        enum { CLIENTS = 1000 };
        struct harness h;
        _cleanup_free_ char *web = NULL, *echo = NULL, *report = NULL, *answer = NULL;
        static int fds[CLIENTS];
        struct run_result r;

        two_sockets(&h, &web, &echo);
        for (size_t i = 0; i < CLIENTS; i++)
                fds[i] = connect_control(&h);
        report = request(&h, web, SOCK_STREAM);
        assert_activation(&h, report, 1, "web.socket");
        ck_assert_int_eq(harness_request(&h, echo, SOCK_STREAM, T, &answer), 0);
        ck_assert_str_eq(answer, "hi\n");
        r = sockactl(&h, "status", "echo.socket", NULL);
        ck_assert_int_eq(r.status, 0);
        assert_line(r.out, "accepted: 1");
        run_result_clear(&r);
        for (size_t i = 0; i < CLIENTS; i++)
                close(fds[i]);
        stop(&h);
}
END_TEST

/* lib/control.c alone: values survive the escaping whatever they hold; the checks of a header. */
START_TEST(test_protocol)
{
        static const char *const values[] = { "",           "plain",       "two\nlines",
                                              "tab\there",  "back\\slash", "\x01\x7f end",
                                              "caf\xc3\xa9" };
        struct control_header h = { CONTROL_MAGIC, CONTROL_VERSION, CONTROL_LIST, 0, 0 }, out;
        const char *reason = NULL;
        char message[sizeof(h) + 3];

        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                _cleanup_free_ char *buf = NULL;
                size_t len = 0;
                char *value;

                ck_assert_int_eq(control_append(&buf, &len, "k", values[i]), 0);
                ck_assert_int_eq(control_end_record(&buf, &len), 0);
                ck_assert_ptr_null(memchr(buf, '\n', len - 2)); /* one line, then the record's end */
                buf[len - 2] = '\0';
                value = buf + 2;
                ck_assert_int_eq(control_unescape(value), 0);
                ck_assert_str_eq(value, values[i]);
        }
        char bad[] = "a\\q", nul[] = "\\x00";
        ck_assert_int_eq(control_unescape(bad), -EBADMSG);
        ck_assert_int_eq(control_unescape(nul), -EBADMSG);

        ck_assert_int_eq(control_check(&h, sizeof(h), true, &out, &reason), 0);
        ck_assert_int_eq(out.code, CONTROL_LIST);
        ck_assert_int_eq(control_check(&h, sizeof(h) - 1, true, &out, &reason), -EBADMSG);
        h.length = 3;
        memcpy(message, &h, sizeof(h));
        memcpy(message + sizeof(h), "abc", 3);
        ck_assert_int_eq(control_check(message, sizeof(message), true, &out, &reason), 0);
        ck_assert_int_eq(control_check(message, sizeof(message) - 1, true, &out, &reason), -EBADMSG);
        h.version = 2;
        ck_assert_int_eq(control_check(&h, sizeof(h), false, &out, &reason), -EPROTONOSUPPORT);
        ck_assert_int_eq(control_verb_from_string("restart"), CONTROL_RESTART);
        ck_assert_int_eq(control_verb_from_string("explode"), -EINVAL);
        ck_assert(!control_verb_writes(CONTROL_STATUS) && control_verb_writes(CONTROL_STOP));
}
END_TEST

/* Out of fds, sockactd stops accepting control clients for a while (they wait in the backlog)
 * instead of spinning on the listening socket, and takes them once it has fds again. */
START_TEST(test_out_of_fds)
{
        struct harness h;
        _cleanup_free_ char *web = NULL, *echo = NULL;
        struct rlimit tight, roomy;
        struct run_result r;
        int fds[10];

        two_sockets(&h, &web, &echo);
        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, NULL, &roomy), 0);
        tight = (struct rlimit){ count_fds(h.pid) + 4, roomy.rlim_max };
        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, &tight, NULL), 0);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                fds[i] = connect_control(&h);
        wait_log(&h, NULL, "Control client refused: cannot accept (Too many open files), pausing for 0.1s");
        assert_idle(&h, 1000, 20); /* a retry every 0.1 s, not a spinning CPU (100 ticks a second) */
        ck_assert_int_eq(prlimit(h.pid, RLIMIT_NOFILE, &roomy, NULL), 0);
        r = sockactl(&h, "list", NULL, NULL);
        ck_assert_int_eq(r.status, 0);
        run_result_clear(&r);
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                close(fds[i]);
        stop(&h);
}
END_TEST

Suite *control_suite(void)
{
        Suite *s = suite_create("control");
        TCase *t = tcase_create("protocol");

        tcase_add_test(t, test_protocol);
        suite_add_tcase(s, t);
        t = tcase_create("control");

        tcase_set_timeout(t, 60);
        tcase_add_test(t, test_list_and_status);
        tcase_add_test(t, test_start_restart_stop);
        tcase_add_test(t, test_access);
        tcase_add_test(t, test_bad_requests);
        tcase_add_test(t, test_thousand_clients);
        tcase_add_test(t, test_out_of_fds);
        suite_add_tcase(s, t);
        return s;
}
