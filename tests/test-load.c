/* Tests for lib/load.c over the fixtures in tests/units: every bad case gives exactly the
 * messages in its "expected" file (paths relative to the case), every good case loads without
 * a message, and the values are the ones systemd would read. The specifier context is fixed,
 * so that every expansion can be checked. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include "dump.h"
#include "load.h"
#include "support.h"
#include "tests.h"
#include "value.h"

static char *read_text(const char *path)
{
        FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;

        ck_assert_msg(f, "cannot open %s", path);
        ck_assert_int_ge(getdelim(&text, &size, '\0', f), 0);
        fclose(f);
        return text;
}

/* Each bad case: exactly its expected messages, in order, and the failing units left out. */
START_TEST(test_bad_fixtures)
{
        _cleanup_strv_free_ char **cases = list_fixtures("bad");

        for (size_t c = 0; cases[c]; c++) {
                _cleanup_free_ char *expected = NULL, *actual = NULL, *expected_path = NULL;
                struct diag diag = { 0 };
                struct unit_set set = load_fixture("bad", cases[c], &diag);
                char prefix[256];

                snprintf(prefix, sizeof(prefix), FIXTURES "/bad/%s/", cases[c]);
                ck_assert_int_eq(strdup_printf(&expected_path, "%sexpected", prefix), 0);
                expected = read_text(expected_path);
                for (size_t i = 0; i < diag.n; i++) {
                        const char *m = startswith(diag.messages[i], prefix);
                        ck_assert_int_eq(strextend_printf(&actual, "%s\n", m ? m : diag.messages[i]), 0);
                }
                ck_assert_msg(diag.n > 0, "bad case %s loaded without an error", cases[c]);
                ck_assert_msg(streq(actual, expected), "bad case %s:\n--- expected\n%s--- got\n%s", cases[c],
                              expected, actual);
                unit_set_clear(&set);
                diag_clear(&diag);
        }
}
END_TEST

START_TEST(test_good_fixtures)
{
        _cleanup_strv_free_ char **cases = list_fixtures("good");

        for (size_t c = 0; cases[c]; c++) {
                struct diag diag = { 0 };
                struct unit_set set = load_fixture("good", cases[c], &diag);

                ck_assert_msg(diag.n == 0, "good case %s: %s", cases[c], diag.n ? diag.messages[0] : "");
                for (size_t i = 0; i < set.n_reports; i++)
                        ck_assert_msg(set.reports[i].unit || set.reports[i].template_file, "%s did not load",
                                      set.reports[i].name);
                unit_set_clear(&set);
        }
}
END_TEST

static const struct unit *must_find(const struct unit_set *set, const char *name)
{
        const struct unit *u = unit_set_find(set, name);

        ck_assert_msg(u, "%s not loaded", name);
        return u;
}

static void assert_argv(const struct exec_command *c, const char *path, const char *const *argv)
{
        size_t n = 0;

        ck_assert_str_eq(c->path, path);
        for (; argv[n]; n++) {
                ck_assert_ptr_nonnull(c->argv[n]);
                ck_assert_str_eq(c->argv[n], argv[n]);
        }
        ck_assert_ptr_null(c->argv[n]);
}

START_TEST(test_ssh_inetd)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "ssh", &diag);
        const struct unit *socket = must_find(&set, "ssh.socket"),
                          *service = must_find(&set, "ssh@.service");
        _cleanup_free_ char *service_name = NULL;

        ck_assert(socket->socket.accept);
        ck_assert_uint_eq(socket->socket.n_listens, 1);
        ck_assert_int_eq(address_family(&socket->socket.listens[0].address), AF_INET6);
        ck_assert_uint_eq(socket->socket.max_connections, 64);
        ck_assert_uint_eq(socket->socket.max_connections_per_source, 64);
        ck_assert_uint_eq(socket->socket.trigger_limit_burst, 200);
        ck_assert_str_eq(unit_socket_fd_name(socket), "connection");
        ck_assert_int_eq(unit_socket_service_name(socket, &service_name), 0);
        ck_assert_str_eq(service_name, "ssh@.service");

        ck_assert_str_eq(service->name, "ssh@instance.service");
        ck_assert_uint_eq(service->service.exec_start.n, 1);
        ck_assert_uint_eq(service->service.exec_start.commands[0].flags, EXEC_IGNORE_FAILURE);
        assert_argv(&service->service.exec_start.commands[0], "/usr/sbin/sshd",
                    (const char *const[]){ "/usr/sbin/sshd", "-i", "$SSHD_OPTS", NULL });
        ck_assert_uint_eq(service->service.n_environment_files, 1);
        ck_assert(service->service.environment_files[0].ignore_missing);
        ck_assert_str_eq(service->service.environment_files[0].path, "/etc/default/ssh");
        ck_assert_int_eq(service->service.std_input, STD_INPUT_SOCKET);
        ck_assert_int_eq(service->service.std_output, STD_OUTPUT_INHERIT); /* follows StandardInput=socket */
        ck_assert_str_eq(service->service.runtime_directory[0], "sshd");
        ck_assert_str_eq(service->documentation[1], "man:sshd_config(5)");
        unit_set_clear(&set);
}
END_TEST

START_TEST(test_web_values)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "web", &diag);
        const struct unit *u = must_find(&set, "web.socket"), *s = must_find(&set, "web.service");
        const struct socket_config *so = &u->socket;
        const struct service_config *se = &s->service;
        char text[ADDRESS_FORMAT_MAX];

        ck_assert_uint_eq(so->n_listens, 2);
        ck_assert_int_eq(address_format(&so->listens[0].address, text), 0);
        ck_assert_str_eq(text, "127.0.0.1:8080");
        ck_assert_str_eq(address_unix_path(&so->listens[1].address), "/run/web/app.sock");
        ck_assert_str_eq(so->socket_user, "www-data");
        ck_assert_uint_eq(so->socket_mode, 0660);
        ck_assert_uint_eq(so->directory_mode, 0750);
        ck_assert_str_eq(so->symlinks[0], "/run/web.sock");
        ck_assert_str_eq(unit_socket_fd_name(u), "web");
        ck_assert_uint_eq(so->backlog, 1024);
        ck_assert(so->no_delay && so->keep_alive && so->reuse_port && so->remove_on_stop);
        ck_assert_uint_eq(so->keep_alive_time, 300 * USEC_PER_SEC);
        ck_assert_uint_eq(so->keep_alive_interval, 30 * USEC_PER_SEC);
        ck_assert_uint_eq(so->keep_alive_probes, 4); /* through KeepAliveCount= */
        ck_assert_uint_eq(so->defer_accept, 2 * USEC_PER_SEC);
        ck_assert_uint_eq(so->receive_buffer, 256 * 1024);
        ck_assert_uint_eq(so->send_buffer, 1024 * 1024);
        ck_assert_int_eq(so->ip_tos, 0x10);
        ck_assert_int_eq(so->ip_ttl, 64);
        ck_assert_int_eq(so->mark, 7);
        ck_assert_int_eq(so->priority, 3);
        ck_assert_uint_eq(so->trigger_limit_burst, 50);
        ck_assert_uint_eq(so->trigger_limit_interval, 5 * USEC_PER_SEC);
        ck_assert_uint_eq(so->poll_limit_burst, 15);
        ck_assert_uint_eq(so->timeout, 30 * USEC_PER_SEC);
        assert_argv(&so->exec_start_pre.commands[0], "/bin/mkdir",
                    (const char *const[]){ "/bin/mkdir", "-p", "/run/web", NULL });

        ck_assert_int_eq(se->type, SERVICE_NOTIFY);
        ck_assert_int_eq(se->notify_access, NOTIFY_MAIN);
        ck_assert_str_eq(se->user, "www-data");
        ck_assert_str_eq(se->supplementary_groups[1], "adm");
        ck_assert_uint_eq(strv_length(se->environment), 3);
        ck_assert_str_eq(se->environment[0], "WEB_MODE=staging"); /* replaced in place, as systemd does */
        ck_assert_str_eq(se->environment[1], "WEB_LOG=/var/log/web.log");
        ck_assert_str_eq(se->environment[2], "WEB_GREETING=hello world");
        ck_assert_uint_eq(se->n_environment_files, 2);
        ck_assert(!se->environment_files[0].ignore_missing && se->environment_files[1].ignore_missing);
        ck_assert_str_eq(se->unset_environment[1], "TMPDIR=/tmp");
        ck_assert_str_eq(se->working_directory, "/var/lib/web");
        ck_assert(se->working_directory_missing_ok);
        ck_assert_uint_eq(se->umask, 0027);
        ck_assert_int_eq(se->nice, -5);
        ck_assert(se->rlimit_set[RLIMIT_NOFILE]);
        ck_assert_uint_eq(se->rlimits[RLIMIT_NOFILE].rlim_cur, 65536);
        ck_assert_uint_eq(se->rlimits[RLIMIT_NOFILE].rlim_max, 65536);
        ck_assert_uint_eq(se->rlimits[RLIMIT_CORE].rlim_cur, 0);
        ck_assert_uint_eq(se->rlimits[RLIMIT_CORE].rlim_max, RLIM_INFINITY);
        ck_assert_uint_eq(se->rlimits[RLIMIT_AS].rlim_cur, UINT64_C(4) << 30);
        ck_assert(!se->rlimit_set[RLIMIT_NPROC]);
        ck_assert_int_eq(se->restart, RESTART_ON_FAILURE);
        ck_assert_uint_eq(se->restart_sec, 2 * USEC_PER_SEC);
        ck_assert_uint_eq(se->timeout_start, 60 * USEC_PER_SEC);
        ck_assert_uint_eq(se->timeout_stop, USEC_INFINITY);
        ck_assert_int_eq(se->kill_mode, KILL_MIXED);
        ck_assert_int_eq(se->kill_signal, SIGINT);
        ck_assert(!se->send_sigkill);
        ck_assert_int_eq(se->std_output, STD_OUTPUT_APPEND);
        ck_assert_str_eq(se->std_output_path, "/var/log/web.out");
        ck_assert_int_eq(se->std_error, STD_OUTPUT_JOURNAL);
        ck_assert(se->non_blocking && se->no_new_privileges);
        ck_assert_uint_eq(se->fd_store_max, 16);
        ck_assert_int_eq(se->fd_store_preserve, FD_STORE_PRESERVE_YES);
        ck_assert_uint_eq(se->watchdog_sec, 30 * USEC_PER_SEC);
        ck_assert_str_eq(se->state_directory[1], "web/cache");
        ck_assert_uint_eq(se->state_directory_mode, 0700);
        ck_assert_uint_eq(s->start_limit_interval, 60 * USEC_PER_SEC);
        ck_assert_uint_eq(s->start_limit_burst, 3);
        assert_argv(&se->exec_reload.commands[0], "/bin/kill",
                    (const char *const[]){ "/bin/kill", "-HUP", "$MAINPID", NULL });
        unit_set_clear(&set);
}
END_TEST

/* Continuations, " ; " and "#" in values, and a 4 KiB command, read exactly as systemd reads them. */
START_TEST(test_continuation_values)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "continuation", &diag);
        const struct service_config *se = &must_find(&set, "long.service")->service;
        const struct exec_command *post = &se->exec_start_post.commands[0];

        assert_argv(
                &se->exec_start.commands[0], "/bin/sh",
                (const char *const[]){ "/bin/sh", "-c",
                                       "echo starting ;      exec /usr/bin/long      --name \"two words\" "
                                       "--sep \" ; \" --hash \"#1\"",
                                       NULL });
        ck_assert_uint_eq(strv_length(post->argv), 513);
        ck_assert_str_eq(post->argv[512], "arg0511");
        ck_assert_uint_eq(se->exec_stop_post.n, 3);
        assert_argv(&se->exec_stop_post.commands[1], "/bin/echo",
                    (const char *const[]){ "/bin/echo", ";", NULL });
        ck_assert_uint_eq(se->exec_stop_post.commands[2].flags, EXEC_IGNORE_FAILURE);
        ck_assert_str_eq(se->environment[0], "A=x ; y");
        ck_assert_str_eq(se->environment[1], "B=#not-a-comment");
        unit_set_clear(&set);
}
END_TEST

START_TEST(test_specifiers)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "specifiers", &diag);
        const struct unit *socket = must_find(&set, "app@8080.socket");
        const struct unit *service = must_find(&set, "app@8080.service");
        const struct unit *path = must_find(&set, "path-dev-sda1.service");
        char text[ADDRESS_FORMAT_MAX];

        ck_assert_str_eq(socket->description, "App instance 8080 (app@8080.socket)");
        ck_assert_int_eq(address_format(&socket->socket.listens[0].address, text), 0);
        ck_assert_str_eq(text, "127.0.0.1:8080");
        ck_assert_str_eq(unit_socket_fd_name(socket), "app-8080");
        ck_assert_ptr_null(unit_set_find(&set, "app@.socket")); /* a template socket does not listen */

        ck_assert_str_eq(service->description, "App app instance 8080 on host.example.org");
        assert_argv(&service->service.exec_start.commands[0], "/usr/bin/app",
                    (const char *const[]){ "/usr/bin/app", "--name", "app@8080", "--port", "8080", "--unit",
                                           "app@8080.service", "--runtime", "/run/user/1000/app", "--state",
                                           "/home/tester/.local/state/app", "--user",
                                           "tester:1000:testers:1001", NULL });
        ck_assert_str_eq(service->service.environment[0], "APP_HOME=/home/tester");
        ck_assert_str_eq(service->service.environment[1], "APP_MACHINE=0123456789abcdef0123456789abcdef");
        ck_assert_str_eq(service->service.environment[2], "APP_BOOT=fedcba9876543210fedcba9876543210");
        ck_assert_str_eq(service->service.environment[3], "APP_KERNEL=6.1.0-test");
        ck_assert_str_eq(service->service.environment[4], "APP_HOST=host");
        ck_assert_str_eq(service->service.environment[5], "PERCENT=100%");
        ck_assert_str_eq(service->service.working_directory, "/home/tester/.local/state/app/8080");
        ck_assert_str_eq(service->service.runtime_directory[0], "app/8080");

        assert_argv(&path->service.exec_start.commands[0], "/usr/bin/fsck",
                    (const char *const[]){ "/usr/bin/fsck", "/path/dev/sda1", "sda1", "sda1",
                                           "path/dev/sda1", "/home/tester/.cache",
                                           "/home/tester/.local/state/log", "/home/tester/.config", NULL });
        unit_set_clear(&set);
}
END_TEST

START_TEST(test_kinds)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "kinds", &diag);
        const struct socket_config *so = &must_find(&set, "kinds.socket")->socket;
        static const enum listen_type types[] = { LISTEN_STREAM,       LISTEN_STREAM,   LISTEN_STREAM,
                                                  LISTEN_STREAM,       LISTEN_STREAM,   LISTEN_STREAM,
                                                  LISTEN_STREAM,       LISTEN_DATAGRAM, LISTEN_SEQPACKET,
                                                  LISTEN_FIFO,         LISTEN_SPECIAL,  LISTEN_NETLINK,
                                                  LISTEN_MESSAGE_QUEUE };
        char text[ADDRESS_FORMAT_MAX];

        ck_assert_uint_eq(so->n_listens, ELEMENTSOF(types));
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                ck_assert_int_eq(so->listens[i].type, types[i]);
        ck_assert_int_eq(address_format(&so->listens[3].address, text), 0);
        ck_assert_str_eq(text, "[fe80::1]:8084%1"); /* "%%lo" in the file: the loopback's index */
        ck_assert_int_eq(address_family(&so->listens[6].address), AF_VSOCK);
        ck_assert_str_eq(so->listens[9].path, "/run/kinds/fifo");
        ck_assert_str_eq(so->listens[12].path, "/kinds");
        ck_assert_int_eq(so->mq_max_messages, 10);
        ck_assert_int_eq(so->mq_message_size, 1024);
        ck_assert_uint_eq(so->pipe_size, 64 * 1024);
        ck_assert_int_eq(so->bind_ipv6_only, BIND_IPV6_ONLY_BOTH);
        ck_assert_int_eq(so->timestamping, TIMESTAMPING_NS);
        unit_set_clear(&set);
}
END_TEST

START_TEST(test_oneshot_and_extensions)
{
        struct diag diag = { 0 };
        struct unit_set set = load_fixture("good", "oneshot", &diag);
        const struct unit *job = must_find(&set, "job.service");

        ck_assert_uint_eq(job->service.exec_start.n, 3);
        assert_argv(&job->service.exec_start.commands[2], "/bin/echo",
                    (const char *const[]){ "/bin/echo", "three", NULL });
        ck_assert_int_eq(job->service.type, SERVICE_ONESHOT);
        ck_assert_ptr_nonnull(must_find(&set, "x-extensions.service"));
        unit_set_clear(&set);
}
END_TEST

/* Type= defaults to oneshot without ExecStart=, and an empty assignment resets to the default. */
START_TEST(test_defaults_and_resets)
{
        static const char text[] = "[Service]\nExecStop=/bin/true\nRestartSec=5\nRestartSec=\n"
                                   "Environment=A=1\nEnvironment=\nEnvironment=B=2\n";
        struct unitfile *file = NULL;
        struct diag diag = { 0 };
        struct unit *u = NULL;

        ck_assert_int_eq(unitfile_read_buffer("reset.service", text, sizeof(text) - 1, &file, &diag), 0);
        ck_assert_int_eq(unit_load_from(file, "reset.service", &test_options, &u, &diag), 0);
        ck_assert_int_eq(u->service.type, SERVICE_ONESHOT);
        ck_assert_uint_eq(u->service.restart_sec, 100 * USEC_PER_MSEC);
        ck_assert_uint_eq(strv_length(u->service.environment), 1);
        ck_assert_str_eq(u->service.environment[0], "B=2");
        ck_assert_int_eq(u->service.std_output, STD_OUTPUT_JOURNAL);
        ck_assert_int_eq(u->service.std_error, STD_OUTPUT_INHERIT);
        ck_assert_int_eq(u->service.notify_access, NOTIFY_NONE);
        ck_assert_uint_eq(u->service.timeout_start, 90 * USEC_PER_SEC);
        unit_free(u);
        unitfile_free(file);
}
END_TEST

Suite *load_suite(void)
{
        Suite *s = suite_create("load");
        TCase *t = tcase_create("fixtures");

        tcase_add_test(t, test_bad_fixtures);
        tcase_add_test(t, test_good_fixtures);
        tcase_add_test(t, test_ssh_inetd);
        tcase_add_test(t, test_web_values);
        tcase_add_test(t, test_continuation_values);
        tcase_add_test(t, test_specifiers);
        tcase_add_test(t, test_kinds);
        tcase_add_test(t, test_oneshot_and_extensions);
        tcase_add_test(t, test_defaults_and_resets);
        suite_add_tcase(s, t);
        return s;
}
