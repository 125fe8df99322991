/* Tests for lib/directive.c, directive-types.c and directive-exec.c: the table is complete and
 * consistent, every default parses, and each kind of value behaves at its edges. */
#include "directive-types.h"
#include "directive.h"
#include "load.h"
#include "tests.h"
#include "value.h"

/* The directives the loader must cover (systemd 252's, as sockact supports them). */
static const char *const required[] = {
        "Unit/Description",
        "Unit/Documentation",
        "Socket/ListenStream",
        "Socket/ListenDatagram",
        "Socket/ListenSequentialPacket",
        "Socket/ListenFIFO",
        "Socket/ListenSpecial",
        "Socket/ListenNetlink",
        "Socket/ListenMessageQueue",
        "Socket/SocketProtocol",
        "Socket/BindIPv6Only",
        "Socket/Backlog",
        "Socket/BindToDevice",
        "Socket/SocketUser",
        "Socket/SocketGroup",
        "Socket/SocketMode",
        "Socket/DirectoryMode",
        "Socket/Accept",
        "Socket/Writable",
        "Socket/FlushPending",
        "Socket/MaxConnections",
        "Socket/MaxConnectionsPerSource",
        "Socket/KeepAlive",
        "Socket/KeepAliveTimeSec",
        "Socket/KeepAliveIntervalSec",
        "Socket/KeepAliveProbes",
        "Socket/KeepAliveCount",
        "Socket/NoDelay",
        "Socket/Priority",
        "Socket/DeferAcceptSec",
        "Socket/ReceiveBuffer",
        "Socket/SendBuffer",
        "Socket/IPTOS",
        "Socket/IPTTL",
        "Socket/Mark",
        "Socket/ReusePort",
        "Socket/FreeBind",
        "Socket/Transparent",
        "Socket/Broadcast",
        "Socket/PassCredentials",
        "Socket/PassSecurity",
        "Socket/PassPacketInfo",
        "Socket/Timestamping",
        "Socket/TCPCongestion",
        "Socket/ExecStartPre",
        "Socket/ExecStartPost",
        "Socket/ExecStopPre",
        "Socket/ExecStopPost",
        "Socket/TimeoutSec",
        "Socket/Symlinks",
        "Socket/FileDescriptorName",
        "Socket/RemoveOnStop",
        "Socket/Service",
        "Socket/TriggerLimitIntervalSec",
        "Socket/TriggerLimitBurst",
        "Socket/PollLimitIntervalSec",
        "Socket/PollLimitBurst",
        "Socket/PipeSize",
        "Socket/MessageQueueMaxMessages",
        "Socket/MessageQueueMessageSize",
        "Service/ExecStart",
        "Service/ExecStartPre",
        "Service/ExecStartPost",
        "Service/ExecStop",
        "Service/ExecStopPost",
        "Service/ExecReload",
        "Service/Type",
        "Service/Restart",
        "Service/RestartSec",
        "Service/TimeoutStartSec",
        "Service/TimeoutStopSec",
        "Service/TimeoutSec",
        "Service/StartLimitIntervalSec",
        "Service/StartLimitBurst",
        "Service/KillMode",
        "Service/KillSignal",
        "Service/SendSIGKILL",
        "Service/User",
        "Service/Group",
        "Service/SupplementaryGroups",
        "Service/Environment",
        "Service/EnvironmentFile",
        "Service/PassEnvironment",
        "Service/UnsetEnvironment",
        "Service/WorkingDirectory",
        "Service/RootDirectory",
        "Service/UMask",
        "Service/Nice",
        "Service/LimitCPU",
        "Service/LimitFSIZE",
        "Service/LimitDATA",
        "Service/LimitSTACK",
        "Service/LimitCORE",
        "Service/LimitRSS",
        "Service/LimitNOFILE",
        "Service/LimitAS",
        "Service/LimitNPROC",
        "Service/LimitMEMLOCK",
        "Service/LimitLOCKS",
        "Service/LimitSIGPENDING",
        "Service/LimitMSGQUEUE",
        "Service/LimitNICE",
        "Service/LimitRTPRIO",
        "Service/LimitRTTIME",
        "Service/StandardInput",
        "Service/StandardOutput",
        "Service/StandardError",
        "Service/NonBlocking",
        "Service/NotifyAccess",
        "Service/Sockets",
        "Service/FileDescriptorStoreMax",
        "Service/FileDescriptorStorePreserve",
        "Service/WatchdogSec",
        "Service/RuntimeDirectory",
        "Service/RuntimeDirectoryMode",
        "Service/StateDirectory",
        "Service/StateDirectoryMode",
        "Service/NoNewPrivileges",
};

START_TEST(test_required_directives)
{
        for (size_t i = 0; i < ELEMENTSOF(required); i++) {
                char section[16];
                const char *name = strchr(required[i], '/') + 1;

                snprintf(section, sizeof(section), "%.*s", (int) (name - 1 - required[i]), required[i]);
                ck_assert_msg(directive_find(section, name), "[%s] %s= is missing from the table", section,
                              name);
        }
}
END_TEST

START_TEST(test_table_consistent)
{
        for (size_t i = 0; i < directive_table_size; i++) {
                const struct directive *d = &directive_table[i];

                ck_assert(streq(d->section, "Unit") || streq(d->section, "Socket") ||
                          streq(d->section, "Service"));
                ck_assert_msg(d->parse && d->dump, "%s= has no parser or printer", d->name);
                ck_assert_msg(d->summary && endswith(d->summary, "."), "%s= needs a one-sentence summary",
                              d->name);
                ck_assert_ptr_eq(directive_find(d->section, d->name), d); /* no row twice */
                ck_assert_msg(!directive_is_refused_systemd(d->name), "%s= is both implemented and refused",
                              d->name);
                ck_assert(!directive_is_no_effect(d->section, d->name));
                if (d->flags & DIRECTIVE_ALIAS) {
                        bool found = false;
                        for (size_t k = 0; k < directive_table_size; k++)
                                found |= k != i && directive_table[k].offset == d->offset &&
                                         directive_table[k].parse == d->parse &&
                                         !(directive_table[k].flags & DIRECTIVE_ALIAS);
                        ck_assert_msg(found, "alias %s= has no directive to stand for", d->name);
                }
        }
}
END_TEST

/* Every initial value of the table parses (a unit with nothing configured loads). */
START_TEST(test_initial_values_parse)
{
        static const char *const empty[] = { "[Socket]\nListenStream=1\n",
                                             "[Service]\nExecStart=/bin/true\n" };
        static const char *const names[] = { "a.socket", "a.service" };

        for (size_t t = 0; t < 2; t++) {
                struct unitfile *file = NULL;
                struct diag diag = { 0 };
                struct unit *u = NULL;

                ck_assert_int_eq(unitfile_read_buffer(names[t], empty[t], strlen(empty[t]), &file, &diag),
                                 0);
                ck_assert_int_eq(unit_load_from(file, names[t], &(struct load_options){ 0 }, &u, &diag), 0);
                for (size_t i = 0; i < directive_table_size; i++) {
                        const struct directive *d = &directive_table[i];
                        struct directive_call call = {
                                .directive = d, .unit = u, .diag = &diag, .path = "x"
                        };

                        if (!d->initial || !directive_section_applies(d->section, u->type))
                                continue;
                        ck_assert_msg(d->parse(&call, d->initial, (char *) u + d->offset) == 0,
                                      "%s=%s does not parse", d->name, d->initial);
                }
                ck_assert_uint_eq(diag.n, 0);
                unit_free(u);
                unitfile_free(file);
        }
}
END_TEST

START_TEST(test_no_effect_and_refused)
{
        ck_assert(directive_is_no_effect("Unit", "After"));
        ck_assert(directive_is_no_effect("Unit", "ConditionPathExists"));
        ck_assert(directive_is_no_effect("Unit", "AssertPathExists"));
        ck_assert(directive_is_no_effect("Install", "WantedBy"));
        ck_assert(!directive_is_no_effect("Unit", "ConditionNoSuchThing"));
        ck_assert(!directive_is_no_effect("Service", "After"));
        ck_assert(!directive_is_no_effect("Install", "Description"));
        ck_assert(directive_is_refused_systemd("ProtectSystem"));
        ck_assert(directive_is_refused_systemd("RemainAfterExit"));
        ck_assert(!directive_is_refused_systemd("ExecStart"));
}
END_TEST

/* A value too long for a message is cut, not the message's file:line. */
START_TEST(test_invalid_value_cut)
{
        char value[4096];
        struct diag diag = { 0 };
        const struct directive *d = directive_find("Socket", "Accept");
        struct directive_call call = { .directive = d, .diag = &diag, .path = "w.socket", .line = 3 };
        bool b = false;

        memset(value, 'y', sizeof(value) - 1);
        value[sizeof(value) - 1] = '\0';
        ck_assert_int_eq(d->parse(&call, value, &b), -EINVAL);
        ck_assert_uint_eq(diag.n, 1);
        ck_assert(startswith(diag.messages[0], "w.socket:3: Accept=: invalid boolean \"yyy"));
        ck_assert(endswith(diag.messages[0], "yyy…\": expected yes or no"));
        ck_assert_uint_lt(strlen(diag.messages[0]), DIRECTIVE_ECHO_MAX + 100);
        ck_assert(!b); /* a refused value leaves the field as it was */
        diag_clear(&diag);
}
END_TEST

Suite *directive_suite(void)
{
        Suite *s = suite_create("directive");
        TCase *t = tcase_create("table");

        tcase_add_test(t, test_required_directives);
        tcase_add_test(t, test_table_consistent);
        tcase_add_test(t, test_initial_values_parse);
        tcase_add_test(t, test_no_effect_and_refused);
        tcase_add_test(t, test_invalid_value_cut);
        suite_add_tcase(s, t);
        return s;
}
