/* Tests for lib/verify.c: each combination that cannot work is refused, at the line of the
 * directive to change, and a unit that did not parse is not verified (no follow-up errors). */
#include "support.h"
#include "tests.h"

/* Loads text as name and returns its one message (the test fails on none or several). */
static char *refusal(const char *name, const char *text)
{
        struct diag diag = { 0 };
        struct unit *u = load_text(name, text, &diag);
        char *m;

        ck_assert_ptr_null(u);
        ck_assert_msg(diag.n == 1, "%s: %zu messages", name, diag.n);
        m = strdup(diag.messages[0]);
        diag_clear(&diag);
        return m;
}

#define ASSERT_REFUSED(name, text, message)                                                                 \
        do {                                                                                                \
                _cleanup_free_ char *_m = refusal(name, text);                                              \
                ck_assert_str_eq(_m, message);                                                              \
        } while (0)

START_TEST(test_socket_rules)
{
        ASSERT_REFUSED("a.socket", "[Socket]\nAccept=no\n",
                       "a.socket: no Listen*= directive: a socket unit needs at least one");
        ASSERT_REFUSED("a.socket", "[Socket]\nListenStream=1\nListenFIFO=/run/f\nAccept=yes\n",
                       "a.socket:4: Accept=: Accept=yes needs connections to accept, and ListenFIFO= has "
                       "none: use Accept=no");
        ASSERT_REFUSED("a.socket",
                       "[Socket]\nListenSequentialPacket=/run/a\nAccept=yes\nMaxConnectionsPerSource=0\n",
                       "a.socket:4: MaxConnectionsPerSource=: must be at least 1");
        ASSERT_REFUSED("a.socket", "[Socket]\nListenStream=1\nSymlinks=/run/b\n",
                       "a.socket:3: Symlinks=: needs exactly one file system socket or FIFO to point to, "
                       "and the unit has 0");
        ASSERT_REFUSED("a.socket", "[Socket]\nListenMessageQueue=/q\nMessageQueueMessageSize=10\n",
                       "a.socket:3: MessageQueueMessageSize=: MessageQueueMaxMessages= and "
                       "MessageQueueMessageSize= go together");
}
END_TEST

START_TEST(test_service_rules)
{
        ASSERT_REFUSED("a.service", "[Service]\nType=exec\n",
                       "a.service: no ExecStart=: only a Type=oneshot service may have none");
        ASSERT_REFUSED("a.service", "[Service]\nType=oneshot\n",
                       "a.service: no ExecStart= and no ExecStop=: the service would do nothing");
        ASSERT_REFUSED("a.service", "[Service]\nType=exec\nExecStart=/bin/a ; /bin/b\n",
                       "a.service:3: ExecStart=: more than one command: only Type=oneshot may have several");
        ASSERT_REFUSED("a.service",
                       "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\nType=oneshot\nRestart=on-success\n",
                       "a.service:5: Restart=: Restart=on-success cannot be used with Type=oneshot");
        ASSERT_REFUSED("a.service", "[Service]\nExecStart=/bin/a\nPIDFile=a.pid\n",
                       "a.service:3: PIDFile=: only Type=forking reads a PID file; with Type=simple the main "
                       "process is known");
        ASSERT_REFUSED("a.service", "[Service]\nType=forking\nExecStart=/bin/a\nPIDFile=../a.pid\n",
                       "a.service:4: PIDFile=: invalid value \"../a.pid\": \"..\" is not allowed in the path");
}
END_TEST

START_TEST(test_parse_errors_are_not_verified)
{
        /* Without verification after a parse error, the broken ExecStart= is the only message. */
        ASSERT_REFUSED("a.service", "[Service]\nExecStart=bin/relative\n",
                       "a.service:2: ExecStart=: invalid command line \"bin/relative\": executable path "
                       "must be absolute or a plain file name");
}
END_TEST

Suite *verify_suite(void)
{
        Suite *s = suite_create("verify");
        TCase *t = tcase_create("verify");

        tcase_add_test(t, test_socket_rules);
        tcase_add_test(t, test_service_rules);
        tcase_add_test(t, test_parse_errors_are_not_verified);
        suite_add_tcase(s, t);
        return s;
}
