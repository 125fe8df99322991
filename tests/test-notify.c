/* Tests for lib/notify.c: sd_notify(3) messages as services send them. */
#include "notify.h"
#include "tests.h"
#include "util.h"

static struct notify_message parse_ok(const char *text)
{
        struct notify_message m;
        const char *reason = NULL;

        ck_assert_msg(notify_parse(text, strlen(text), &m, &reason) == 0, "\"%s\": %s", text, reason);
        return m;
}

static void parse_bad(const char *text, size_t len, const char *reason_expected)
{
        struct notify_message m = { .ready = true };
        const char *reason = NULL;

        ck_assert_int_eq(notify_parse(text, len, &m, &reason), -EBADMSG);
        ck_assert_str_eq(reason, reason_expected);
        ck_assert(m.ready); /* untouched */
}

START_TEST(test_fields)
{
        struct notify_message m = parse_ok("READY=1\nSTATUS=Serving 3 clients; load 0.5\nMAINPID=4242\n"
                                           "WATCHDOG_USEC=30000000\nEXTEND_TIMEOUT_USEC=5000000\nERRNO=2\n"
                                           "FDSTORE=1\nFDNAME=db=main\nFDPOLL=0\nX_CUSTOM=ignored\n");

        ck_assert(m.ready && m.fdstore && m.fdpoll_off);
        ck_assert(!m.stopping && !m.reloading && !m.watchdog);
        ck_assert_str_eq(m.status, "Serving 3 clients; load 0.5");
        ck_assert_str_eq(m.fdname, "db=main"); /* the value is everything after the first "=" */
        ck_assert_int_eq(m.main_pid, 4242);
        ck_assert_uint_eq(m.watchdog_usec, 30000000);
        ck_assert_uint_eq(m.extend_timeout_usec, 5000000);
        ck_assert_int_eq(m.errno_value, 2);
        notify_message_clear(&m);

        m = parse_ok("WATCHDOG=1");
        ck_assert(m.watchdog && !m.watchdog_trigger);
        m = parse_ok("WATCHDOG=trigger\nSTOPPING=1\nRELOADING=1\nBARRIER=1\nFDSTOREREMOVE=1\n\n");
        ck_assert(m.watchdog_trigger && m.stopping && m.reloading && m.barrier && m.fdstore_remove);
        m = parse_ok("STATUS=first\nSTATUS=second");
        ck_assert_str_eq(m.status, "second");
        notify_message_clear(&m);
        m = parse_ok("");
        ck_assert(!m.ready);
}
END_TEST

START_TEST(test_refused)
{
        char big[NOTIFY_MESSAGE_MAX + 2];

        parse_bad("READY=yes", 9, "a flag takes 1");
        parse_bad("READY=1\nnonsense", 16, "a line is not NAME=value");
        parse_bad("=1", 2, "a line is not NAME=value");
        parse_bad("MAINPID=0", 9, "MAINPID= takes a process id");
        parse_bad("MAINPID=-5", 10, "MAINPID= takes a process id");
        parse_bad("ERRNO=5000", 10, "ERRNO= takes an errno number");
        parse_bad("WATCHDOG_USEC=soon", 18, "a time takes microseconds");
        parse_bad("WATCHDOG=2", 10, "WATCHDOG= takes 1 or trigger");
        parse_bad("FDPOLL=1", 8, "FDPOLL= takes 0");
        parse_bad("FDSTORE=1\nFDNAME=a:b", 20,
                  "FDNAME= takes 1 to 255 printable ASCII characters without \":\"");
        parse_bad("FDNAME=", 7, "FDNAME= takes 1 to 255 printable ASCII characters without \":\"");
        parse_bad("READY=1\0STATUS=x", 16, "NUL byte in message");
        parse_bad("STATUS=caf\xe9", 11, "invalid UTF-8");
        memset(big, 'a', sizeof(big));
        memcpy(big, "STATUS=", 7);
        parse_bad(big, sizeof(big), "message too long");
}
END_TEST

Suite *notify_suite(void)
{
        Suite *s = suite_create("notify");
        TCase *t = tcase_create("parse");

        tcase_add_test(t, test_fields);
        tcase_add_test(t, test_refused);
        suite_add_tcase(s, t);
        return s;
}
