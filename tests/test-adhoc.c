/* The ad-hoc mode of sockactd (daemon/adhoc.c): systemd-socket-activate's command line. The unit
 * texts it writes and what the loader reads back from them, then the real sockactd started with such
 * command lines on loopback ports it picked, driven by real clients. The services are
 * tests/programs/listen-service, which reports what sd_listen_fds_with_names() gave it, and
 * fd-report behind a small sh script, for what --inetd leaves on stdin and stdout. Every wait is
 * bounded (HARNESS_TIMEOUT_MS). Each daemon gets $XDG_RUNTIME_DIR in the test's own directory, so
 * that its private runtime directory can be watched being made and removed. */
#include "tests.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "checks.h"
#include "daemon/adhoc.h"
#include "harness.h"
#include "support.h"
#include "util.h"

/* ---- the units it writes ---- */

/* Builds and loads the units of o as sockactd would in /srv with umask 0027, running /usr/bin/prog. */
static struct unit_set build_and_load(const struct adhoc_options *o, struct adhoc_units *ret_units)
{
        const struct adhoc_context c = { .executable = "/usr/bin/prog",
                                         .working_directory = "/srv",
                                         .umask = 027 };
        struct unit_set set = { 0 };
        struct diag diag = { 0 };
        int r = adhoc_build(o, &c, ret_units, &diag);

        ck_assert_msg(r == 0, "adhoc_build: %s %s", strerror(-r), diag.n ? diag.messages[0] : "");
        r = adhoc_load(ret_units, &test_options, &set, &diag);
        ck_assert_msg(r == 0, "adhoc_load: %s %s", strerror(-r), diag.n ? diag.messages[0] : "");
        ck_assert_uint_eq(diag.n, 0);
        return set;
}

static const struct adhoc_unit *find_unit(const struct adhoc_units *u, const char *name)
{
        for (size_t i = 0; i < u->n; i++)
                if (streq(u->units[i].name, name))
                        return &u->units[i];
        ck_abort_msg("no unit %s", name);
        return NULL;
}

/* The text is what a unit file written by hand for the same command line would say. */
START_TEST(test_unit_texts)
{
        char *command[] = { (char *) "prog", (char *) "--port", (char *) "8080", NULL };
        char *listen[] = { (char *) "127.0.0.1:8080", (char *) "/run/prog.sock", NULL };
        struct adhoc_options o = { .type = LISTEN_STREAM, .command = command };
        struct adhoc_units units = { 0 };
        struct unit_set set;

        ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
        ck_assert_int_eq(adhoc_add_fd_names(&o, "web:admin"), 0);
        ck_assert_int_eq(adhoc_add_environment(&o, "MODE=fast", NULL), 0);
        set = build_and_load(&o, &units);

        ck_assert_uint_eq(units.n, 3);
        ck_assert_str_eq(find_unit(&units, "prog-1.socket")->text, "[Socket]\n"
                                                                   "ListenStream=127.0.0.1:8080\n"
                                                                   "FileDescriptorName=web\n"
                                                                   "Service=prog.service\n");
        ck_assert_str_eq(find_unit(&units, "prog-2.socket")->text, "[Socket]\n"
                                                                   "ListenStream=/run/prog.sock\n"
                                                                   "FileDescriptorName=admin\n"
                                                                   "Service=prog.service\n");
        ck_assert_str_eq(find_unit(&units, "prog.service")->text,
                         "[Service]\n"
                         "ExecStart=@:/usr/bin/prog prog --port 8080\n"
                         "WorkingDirectory=/srv\n"
                         "UMask=0027\n"
                         "PassEnvironment=TERM PATH USER HOME\n"
                         "Environment=MODE=fast\n");
        ck_assert_uint_eq(set.n, 3);
        ck_assert_ptr_nonnull(unit_set_find(&set, "prog.service"));
        unit_set_clear(&set);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* -d, --seqpacket and --inetd; without --fdname every socket is "unknown", as sd_listen_fds_with_names()
 * names fds when LISTEN_FDNAMES is unset. */
START_TEST(test_unit_kinds)
{
        char *command[] = { (char *) "./bin/my server", NULL };
        char *listen[] = { (char *) "9000", NULL };
        struct adhoc_options o = { .type = LISTEN_DATAGRAM, .inetd = true, .command = command };
        struct adhoc_units units = { 0 };
        struct unit_set set;
        const struct unit *service;

        ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
        set = build_and_load(&o, &units);
        ck_assert_str_eq(find_unit(&units, "my_server-1.socket")->text, "[Socket]\n"
                                                                        "ListenDatagram=9000\n"
                                                                        "FileDescriptorName=unknown\n"
                                                                        "Service=my_server.service\n");
        service = unit_set_find(&set, "my_server.service");
        ck_assert_ptr_nonnull(service);
        ck_assert_int_eq(service->service.std_input, STD_INPUT_SOCKET);
        ck_assert_int_eq(service->service.std_output, STD_OUTPUT_INHERIT); /* the socket too */
        ck_assert_int_eq(service->service.std_error, STD_OUTPUT_JOURNAL);  /* not the socket */
        ck_assert_str_eq(service->service.exec_start.commands[0].argv[0], "./bin/my server");
        unit_set_clear(&set);
        adhoc_units_clear(&units);

        o.type = LISTEN_SEQPACKET;
        o.inetd = false;
        set = build_and_load(&o, &units);
        ck_assert_ptr_nonnull(
                strstr(find_unit(&units, "my_server-1.socket")->text, "\nListenSequentialPacket=9000\n"));
        unit_set_clear(&set);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* -a: each socket unit accepts, with a template service of its own name (systemd refuses Service= with
 * Accept=yes), and logs each connection; with --inetd, every template has the connection on stdin. */
START_TEST(test_unit_texts_accept)
{
        char *command[] = { (char *) "prog", NULL };
        char *listen[] = { (char *) "127.0.0.1:8080", (char *) "/run/prog.sock", NULL };
        struct adhoc_options o = { .type = LISTEN_STREAM, .accept = true, .inetd = true, .command = command };
        struct adhoc_units units = { 0 };
        struct unit_set set;
        const struct unit *socket, *template;

        ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
        set = build_and_load(&o, &units);

        ck_assert_uint_eq(units.n, 4);
        ck_assert_str_eq(find_unit(&units, "prog-2.socket")->text, "[Socket]\n"
                                                                   "ListenStream=/run/prog.sock\n"
                                                                   "FileDescriptorName=unknown\n"
                                                                   "Accept=yes\n"
                                                                   "LogConnections=yes\n");
        ck_assert_str_eq(find_unit(&units, "prog-1@.service")->text,
                         "[Service]\n"
                         "ExecStart=@:/usr/bin/prog prog\n"
                         "WorkingDirectory=/srv\n"
                         "UMask=0027\n"
                         "PassEnvironment=TERM PATH USER HOME\n"
                         "StandardInput=socket\n"
                         "StandardError=journal\n");
        ck_assert_str_eq(find_unit(&units, "prog-2@.service")->text, find_unit(&units, "prog-1@.service")->text);
        ck_assert_uint_eq(set.n, 4);
        socket = unit_set_find(&set, "prog-1.socket");
        ck_assert_ptr_nonnull(socket);
        ck_assert(socket->socket.accept);
        template = unit_set_find(&set, "prog-2@.service");
        ck_assert_ptr_nonnull(template);
        ck_assert_int_eq(template->service.std_input, STD_INPUT_SOCKET);
        unit_set_clear(&set);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* Every argument and every -E value comes back from the loader exactly: quotes, backslashes, "%",
 * "$", ";", empty words, control characters, UTF-8. */
START_TEST(test_words_come_back_unchanged)
{
        char *command[] = { (char *) "prog",
                            (char *) "a b",
                            (char *) "",
                            (char *) ";",
                            (char *) "\\;",
                            (char *) "100%",
                            (char *) "%n",
                            (char *) "$HOME",
                            (char *) "${HOME}",
                            (char *) "$$",
                            (char *) "\"quoted\"",
                            (char *) "'single'",
                            (char *) "back\\",
                            (char *) "tab\there",
                            (char *) "line\nbreak",
                            (char *) "caf\xc3\xa9",
                            (char *) "-",
                            (char *) "@x",
                            NULL };
        char *listen[] = { (char *) "127.0.0.1:1", NULL };
        const char *env[] = { "A=a b", "B=100% $HOME", "C=\"q\" 'q' \\", "D=", "E=tab\tnew\nline" };
        struct adhoc_options o = { .type = LISTEN_STREAM, .command = command };
        struct adhoc_units units = { 0 };
        struct unit_set set;
        const struct unit *service;
        const struct exec_command *c;

        ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
        for (size_t i = 0; i < ELEMENTSOF(env); i++)
                ck_assert_int_eq(adhoc_add_environment(&o, env[i], NULL), 0);
        set = build_and_load(&o, &units);
        service = unit_set_find(&set, "prog.service");
        ck_assert_ptr_nonnull(service);
        ck_assert_uint_eq(service->service.exec_start.n, 1);
        c = &service->service.exec_start.commands[0];
        ck_assert_str_eq(c->path, "/usr/bin/prog");
        ck_assert(c->flags & EXEC_NO_ENV_EXPAND);
        ck_assert_uint_eq(strv_length(c->argv), ELEMENTSOF(command) - 1);
        for (size_t i = 0; command[i]; i++)
                ck_assert_str_eq(c->argv[i], command[i]);
        ck_assert_uint_eq(strv_length(service->service.environment), ELEMENTSOF(env));
        for (size_t i = 0; i < ELEMENTSOF(env); i++)
                ck_assert_str_eq(service->service.environment[i], env[i]);
        unit_set_clear(&set);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* Twelve listeners: the unit names sort in -l order (so the fds do), each with its --fdname. */
START_TEST(test_many_listeners_in_order)
{
        char *command[] = { (char *) "/usr/bin/prog", NULL };
        struct adhoc_options o = { .type = LISTEN_STREAM, .command = command };
        struct adhoc_units units = { 0 };
        _cleanup_free_ char *names = NULL;
        struct unit_set set;
        size_t k = 0;

        for (int i = 1; i <= 12; i++) {
                _cleanup_free_ char *address = format("127.0.0.1:%d", 9000 + i);

                ck_assert_int_eq(strv_extend(&o.listen, address), 0);
                ck_assert_int_eq(strextend_printf(&names, "%sn%d", i > 1 ? ":" : "", i), 0);
        }
        ck_assert_int_eq(adhoc_add_fd_names(&o, names), 0);
        set = build_and_load(&o, &units);
        for (size_t i = 0; i < set.n; i++) {
                const struct unit *u = set.units[i];
                _cleanup_free_ char *name = NULL, *fd_name = NULL;

                if (u->type != UNIT_SOCKET)
                        continue;
                k++;
                name = format("prog-%02zu.socket", k);
                fd_name = format("n%zu", k);
                ck_assert_str_eq(u->name, name);
                ck_assert_str_eq(unit_socket_fd_name(u), fd_name);
        }
        ck_assert_uint_eq(k, 12);
        unit_set_clear(&set);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* One --fdname name names every socket; a count that differs from the sockets' names those it can and
 * leaves the others "unknown"; empty fields between colons are skipped, as systemd-socket-activate does. */
START_TEST(test_fd_names)
{
        char *command[] = { (char *) "prog", NULL };
        char *listen[] = { (char *) "1", (char *) "2", (char *) "3", NULL };
        static const struct {
                const char *fdname;
                const char *expected[3];
        } cases[] = {
                { "one", { "one", "one", "one" } },
                { "a::b", { "a", "b", "unknown" } },
                { "a:b:c:d", { "a", "b", "c" } },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct adhoc_options o = { .type = LISTEN_STREAM, .command = command };
                struct adhoc_units units = { 0 };
                struct unit_set set;

                ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
                ck_assert_int_eq(adhoc_add_fd_names(&o, cases[i].fdname), 0);
                set = build_and_load(&o, &units);
                for (size_t k = 0; k < 3; k++) {
                        _cleanup_free_ char *name = format("prog-%zu.socket", k + 1);
                        const struct unit *u = unit_set_find(&set, name);

                        ck_assert_ptr_nonnull(u);
                        ck_assert_str_eq(unit_socket_fd_name(u), cases[i].expected[k]);
                }
                unit_set_clear(&set);
                adhoc_units_clear(&units);
                adhoc_options_clear(&o);
        }
}
END_TEST

/* -E NAME takes NAME's value from the given environment, "" when it has none (systemd 252 does the
 * same: "-E NOPE" gives the child "NOPE="); invalid names and assignments are refused. */
START_TEST(test_setenv)
{
        char *env[] = { (char *) "SET=value", (char *) "SETX=other", NULL };
        struct adhoc_options o = { 0 };

        ck_assert_int_eq(adhoc_add_environment(&o, "SET", env), 0);
        ck_assert_int_eq(adhoc_add_environment(&o, "UNSET", env), 0);
        ck_assert_int_eq(adhoc_add_environment(&o, "GIVEN=a=b", env), 0);
        ck_assert_int_eq(adhoc_add_environment(&o, "1BAD", env), -EINVAL);
        ck_assert_int_eq(adhoc_add_environment(&o, "=x", env), -EINVAL);
        ck_assert_int_eq(adhoc_add_environment(&o, "A-B=x", env), -EINVAL);
        ck_assert_uint_eq(strv_length(o.environment), 3);
        ck_assert_str_eq(o.environment[0], "SET=value");
        ck_assert_str_eq(o.environment[1], "UNSET=");
        ck_assert_str_eq(o.environment[2], "GIVEN=a=b");
        adhoc_options_clear(&o);
}
END_TEST

/* A value the unit file cannot hold on one line is refused, naming its option; so is one the loader
 * refuses, with the loader's reason. */
START_TEST(test_bad_values_name_their_option)
{
        char *command[] = { (char *) "prog", NULL };
        char *listen[] = { (char *) "/tmp/a\nb", (char *) "/tmp/x ", (char *) "/tmp/y\\", NULL };
        const struct adhoc_context c = { .executable = "/usr/bin/prog", .working_directory = "/" };
        struct adhoc_options o = { .type = LISTEN_STREAM, .command = command };
        struct adhoc_units units = { 0 };
        struct unit_set set = { 0 };
        struct diag diag = { 0 };

        ck_assert_int_eq(strv_copy(listen, &o.listen), 0);
        ck_assert_int_eq(adhoc_build(&o, &c, &units, &diag), -EINVAL);
        ck_assert_uint_eq(diag.n, 3);
        ck_assert_str_eq(diag.messages[0],
                         "-l /tmp/a\nb: cannot be written in a unit file: a control character");
        ck_assert_str_eq(diag.messages[1],
                         "-l /tmp/x : cannot be written in a unit file: white space at either end");
        ck_assert_str_eq(diag.messages[2],
                         "-l /tmp/y\\: cannot be written in a unit file: a trailing backslash");
        diag_clear(&diag);
        adhoc_options_clear(&o);

        char *bad[] = { (char *) "localhost:80", NULL };
        o = (struct adhoc_options){ .type = LISTEN_STREAM, .command = command };
        ck_assert_int_eq(strv_copy(bad, &o.listen), 0);
        ck_assert_int_eq(adhoc_add_fd_names(&o, "caf\xc3\xa9"), 0);
        ck_assert_int_eq(adhoc_build(&o, &c, &units, &diag), 0);
        ck_assert_int_eq(adhoc_load(&units, &test_options, &set, &diag), -EINVAL);
        ck_assert_uint_eq(diag.n, 2);
        ck_assert_str_eq(diag.messages[0],
                         "-l localhost:80: ListenStream=: invalid address \"localhost:80\": "
                         "host names are not allowed, use an IP address");
        ck_assert(startswith(diag.messages[1], "--fdname caf\xc3\xa9: FileDescriptorName=: "));
        ck_assert_uint_eq(set.n, 0);
        diag_clear(&diag);
        adhoc_units_clear(&units);
        adhoc_options_clear(&o);
}
END_TEST

/* The executable as execvp() finds it: PATH in order, an empty entry and relative ones against the
 * working directory, a name with "/" taken as it is. */
START_TEST(test_find_executable)
{
        char *path = NULL;

        ck_assert_int_eq(adhoc_find_executable("sh", "/nonexistent:/bin:/usr/bin", "/", &path), 0);
        ck_assert_str_eq(path, "/bin/sh");
        free(path);
        ck_assert_int_eq(adhoc_find_executable("sh", "/nonexistent::usr/bin", "/", &path), 0);
        ck_assert_str_eq(path, "/usr/bin/sh");
        free(path);
        ck_assert_int_eq(adhoc_find_executable("bin/sh", "/nonexistent", "/", &path), 0);
        ck_assert_str_eq(path, "/bin/sh");
        free(path);
        ck_assert_int_eq(adhoc_find_executable("/bin/sh", NULL, "/tmp", &path), 0);
        ck_assert_str_eq(path, "/bin/sh");
        free(path);
        ck_assert_int_eq(adhoc_find_executable("sh", NULL, "/tmp", &path), 0); /* glibc's /bin:/usr/bin */
        ck_assert_str_eq(path, "/bin/sh");
        free(path);
        ck_assert_int_eq(adhoc_find_executable("no-such-program-sockact", "/bin:/usr/bin", "/", &path),
                         -ENOENT);
        ck_assert_int_eq(adhoc_find_executable("/etc/passwd", NULL, "/", &path), -EACCES);
        ck_assert_int_eq(adhoc_find_executable("/etc", NULL, "/", &path), -EACCES);
        ck_assert_int_eq(adhoc_find_executable("", NULL, "/", &path), -ENOENT);
}
END_TEST

/* ---- the real sockactd ---- */

/* A NULL-terminated copy of the arguments. */
static char **arguments(const char *first, ...)
{
        char **v = NULL;
        va_list ap;

        va_start(ap, first);
        for (const char *a = first; a; a = va_arg(ap, const char *))
                ck_assert_int_eq(strv_extend(&v, a), 0);
        va_end(ap);
        return v;
}

/* DIR/xdg, the $XDG_RUNTIME_DIR of the test's daemons. */
static char *xdg_dir(const struct harness *h)
{
        char *dir = path_in(h, "xdg");

        ck_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
        return dir;
}

/* Starts "sockactd --log-target stderr --log-level debug ARGS" with $XDG_RUNTIME_DIR=DIR/xdg and the
 * variables of extra_env, and waits for its one "ready" line, which must count expected_sockets. */
static void start_adhoc(struct harness *h, char *const *args, char *const *extra_env,
                        unsigned expected_sockets)
{
        _cleanup_strv_free_ char **all = arguments("--log-target", "stderr", "--log-level", "debug", NULL),
                                 **env = NULL;
        _cleanup_free_ char *xdg = xdg_dir(h), *xdg_variable = format("XDG_RUNTIME_DIR=%s", xdg);
        unsigned sockets = 0;
        int r;

        for (size_t i = 0; args[i]; i++)
                ck_assert_int_eq(strv_extend(&all, args[i]), 0);
        ck_assert_int_eq(strv_extend(&env, xdg_variable), 0);
        for (size_t i = 0; extra_env && extra_env[i]; i++)
                ck_assert_int_eq(strv_extend(&env, extra_env[i]), 0);
        r = harness_start_argv(h, all, env);
        ck_assert_msg(r == 0, "cannot start sockactd: %s", strerror(-r));
        r = harness_wait_ready(h, T, &sockets);
        ck_assert_msg(r == 0,
                      "no single \"N sockets listening, ready\" line from sockactd (%s, status %d):\n%s",
                      strerror(-r), h->exit_status, harness_log_tail(h));
        ck_assert_msg(sockets == expected_sockets, "sockactd: %u sockets listening, expected %u:\n%s",
                      sockets, expected_sockets, harness_log_tail(h));
}

/* Two -l, TCP and a Unix path: fds 3 and 4 in that order, both "unknown" without --fdname; one
 * service takes both. */
START_TEST(test_two_listeners_default_names)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *unix_path = path_in(&h, "two.sock"), *first = NULL, *second = NULL;
        _cleanup_strv_free_ char **args = arguments("-l", tcp, "-l", unix_path, service, NULL);

        start_adhoc(&h, args, NULL, 2);
        first = request(&h, tcp, SOCK_STREAM);
        assert_activation(&h, first, 2, "unknown:unknown");
        assert_linef(first, "fd 3 name=unknown type=stream listening=1 family=inet local=%s", tcp);
        assert_linef(first, "fd 4 name=unknown type=stream listening=1 family=unix local=%s", unix_path);
        ck_assert_uint_eq(count_lines(first, "fd "), 2);
        second = request(&h, unix_path, SOCK_STREAM);
        ck_assert_int_eq(number_after(second, "pid="), number_after(first, "pid="));
        assert_line(second, "request=2");
        stop(&h);
}
END_TEST

/* --fdname, repeated or with colons, names the sockets in -l order. */
START_TEST(test_fdname)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *unix_path = path_in(&h, "named.sock"), *report = NULL;
        _cleanup_strv_free_ char **args =
                arguments("-l", tcp, "--fdname", "web", "-l", unix_path, "--fdname=admin", service, NULL);

        start_adhoc(&h, args, NULL, 2);
        report = request(&h, unix_path, SOCK_STREAM);
        assert_activation(&h, report, 2, "web:admin");
        assert_linef(report, "fd 3 name=web type=stream listening=1 family=inet local=%s", tcp);
        assert_linef(report, "fd 4 name=admin type=stream listening=1 family=unix local=%s", unix_path);
        stop(&h);
}
END_TEST

/* The child's whole environment: TERM, PATH, USER and HOME from sockactd's, the -E assignments ("-E
 * NAME" with sockactd's value, or empty), LISTEN_*; nothing else of sockactd's. */
START_TEST(test_environment)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *report = NULL;
        _cleanup_strv_free_ char **args = arguments("-E", "FOO=bar", "-E", "SPACED=a \"b\" 100% $HOME", "-E",
                                                    "SOCKACT_PASSED", "--setenv=SOCKACT_UNSET", "-l", tcp,
                                                    service, NULL),
                                 **env = arguments("TERM=test-terminal", "USER=test-user", "HOME=/test-home",
                                                   "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
                                                   "SOCKACT_PASSED=through", "SOCKACT_NOT_PASSED=kept back",
                                                   "SOCKACT_UNSET", NULL);
        static const char *const expected[] = {
                "env TERM=test-terminal",     "env USER=test-user", "env HOME=/test-home",
                "env PATH=/usr/bin:/bin",     "env FOO=bar",        "env SPACED=a \"b\" 100% $HOME",
                "env SOCKACT_PASSED=through", "env SOCKACT_UNSET=", "env LISTEN_FDS=1",
                "env LISTEN_FDNAMES=unknown",
        };

        init(&h);
        start_adhoc(&h, args, env, 1);
        report = request(&h, tcp, SOCK_STREAM);
        assert_activation(&h, report, 1, "unknown");
        for (size_t i = 0; i < ELEMENTSOF(expected); i++)
                assert_line(report, expected[i]);
        /* and LISTEN_PID, checked by assert_activation() */
        ck_assert_msg(count_lines(report, "env ") == ELEMENTSOF(expected) + 1, "unexpected variables:\n%s",
                      report);
        stop(&h);
}
END_TEST

START_TEST(test_datagram)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_DGRAM);
        _cleanup_free_ char *service = program("listen-service"), *udp = format("127.0.0.1:%u", port),
                            *report = NULL;
        _cleanup_strv_free_ char **args = arguments("-d", "-l", udp, service, NULL);

        init(&h);
        start_adhoc(&h, args, NULL, 1);
        report = request(&h, udp, SOCK_DGRAM);
        assert_activation(&h, report, 1, "unknown");
        assert_linef(report, "fd 3 name=unknown type=datagram listening=0 family=inet local=%s", udp);
        stop(&h);
}
END_TEST

START_TEST(test_seqpacket)
{
        struct harness h;

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *path = path_in(&h, "seq.sock"),
                            *report = NULL;
        _cleanup_strv_free_ char **args = arguments("--seqpacket", "-l", path, service, NULL);

        start_adhoc(&h, args, NULL, 1);
        report = request(&h, path, SOCK_SEQPACKET);
        assert_activation(&h, report, 1, "unknown");
        assert_linef(report, "fd 3 name=unknown type=seqpacket listening=1 family=unix local=%s", path);
        stop(&h);
}
END_TEST

/* Waits until the file at path exists (a script renames it into place once complete); returns it. */
static char *wait_file(struct harness *h, const char *path)
{
        for (int waited = 0;; waited += 20) {
                char *text = NULL;

                if (harness_read_file(path, HARNESS_REPORT_MAX, &text) == 0)
                        return text;
                ck_assert_msg(waited < T, "no %s:\n%s", path, harness_log_tail(h));
                ck_assert_int_eq(harness_pump(h, 20), 0);
        }
}

/* --inetd: the listening socket on stdin and stdout (fd-report sees stdout as fd 9, where the script
 * keeps it), no LISTEN_* and no fd 3, stderr elsewhere. COMMAND "sh" is found in $PATH, and the
 * script reaches it unchanged ("$$", quotes, ">", ";"). The script then sleeps, so that the socket,
 * whose connection nobody takes, does not start it again; SIGTERM stops it. */
START_TEST(test_inetd)
{
        struct harness h;

        init(&h);
        _cleanup_free_ char *fd_report = program("fd-report"), *path = path_in(&h, "inetd.sock"),
                            *out = path_in(&h, "report"),
                            *script = format("\"%s\" 9>&1 >\"%s.$$\" && mv \"%s.$$\" \"%s\"; exec sleep 60",
                                             fd_report, out, out, out),
                            *report = NULL, *line = NULL, *ending = format(" kind=stream path=%s", path);
        _cleanup_strv_free_ char **args = arguments("--inetd", "-l", path, "sh", "-c", script, NULL),
                                 **env = arguments("PATH=/usr/bin:/bin", NULL);
        _cleanup_close_ int connection = -1;

        start_adhoc(&h, args, env, 1);
        ck_assert_int_eq(harness_connect(&h, path, SOCK_STREAM, T, &connection), 0);
        report = wait_file(&h, out);

        line = line_starting(report, "fd 0 cloexec=0 ");
        ck_assert_msg(line && endswith(line, ending), "stdin is not the listening socket:\n%s", report);
        free(line);
        line = line_starting(report, "fd 9 cloexec=0 ");
        ck_assert_msg(line && endswith(line, ending), "stdout was not the listening socket:\n%s", report);
        free(line);
        line = line_starting(report, "fd 2 ");
        ck_assert_msg(line && !strstr(line, path), "stderr is the socket:\n%s", report);
        ck_assert_msg(count_lines(report, "fd ") == 4, "expected fds 0, 1, 2 and 9 only:\n%s", report);
        ck_assert_msg(!line_starting(report, "env LISTEN_"), "LISTEN_* set with --inetd:\n%s", report);
        stop(&h);
}
END_TEST

/* COMMAND gets its arguments exactly as given, argv[0] as written: the script copies its own
 * /proc/$$/cmdline, then becomes listen-service to answer. */
START_TEST(test_arguments_unchanged)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *out = path_in(&h, "argv"),
                            *script = format(
                                    "tr '\\0' '\\n' </proc/$$/cmdline >\"%s.$$\" && mv \"%s.$$\" \"%s\" "
                                    "&& exec \"%s\"",
                                    out, out, out, service),
                            *report = NULL, *expected = NULL, *text = NULL;
        const char *words[] = { "a b", "$HOME",       "${HOME}",  "100%",       "%n",      ";",
                                "",    "back\\slash", "tab\tbed", "\"double\"", "'single'" };
        _cleanup_strv_free_ char **args = arguments("-l", tcp, "sh", "-c", script, "sh", NULL),
                                 **env = arguments("PATH=/usr/bin:/bin", NULL);

        ck_assert_int_eq(strextend_printf(&expected, "sh\n-c\n%s\nsh\n", script), 0);
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                ck_assert_int_eq(strv_extend(&args, words[i]), 0);
                ck_assert_int_eq(strextend_printf(&expected, "%s\n", words[i]), 0);
        }
        start_adhoc(&h, args, env, 1);
        report = request(&h, tcp, SOCK_STREAM);
        assert_activation(&h, report, 1, "unknown");
        text = wait_file(&h, out);
        ck_assert_str_eq(text, expected);
        stop(&h);
}
END_TEST

/* Nothing runs before the first connection; a COMMAND that exits after one request is started again
 * by the next connection. */
START_TEST(test_started_on_demand_and_again)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port);
        _cleanup_strv_free_ char **args = arguments("-l", tcp, service, "--exit-after", "1", NULL);
        size_t running = 99;

        init(&h);
        start_adhoc(&h, args, NULL, 1);
        ck_assert_int_eq(harness_pump(&h, 300), 0);
        ck_assert_int_eq(harness_count_children(&h, NULL, &running), 0);
        ck_assert_msg(running == 0, "%zu processes started before any connection:\n%s", running,
                      harness_log_tail(&h));

        assert_started_again(&h, tcp, "unknown");
        stop(&h);
}
END_TEST

/* -a: an instance per connection on either socket, the connection at fd 3 with the peer in
 * REMOTE_ADDR and REMOTE_PORT, and a log line for each, as systemd-socket-activate logs them. */
START_TEST(test_accept)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *unix_path = path_in(&h, "accept.sock"), *first = NULL, *second = NULL,
                            *local = NULL, *on_unix = NULL;
        _cleanup_strv_free_ char **args = arguments("-a", "-l", tcp, "-l", unix_path, service, NULL);
        size_t offset = 0;

        start_adhoc(&h, args, NULL, 2);
        first = request(&h, tcp, SOCK_STREAM);
        assert_activation(&h, first, 1, "unknown");
        local = line_starting(first, "fd 3 name=unknown type=stream listening=0 family=inet local=");
        ck_assert_msg(local && endswith(local, tcp), "fd 3 is not the connection:\n%s", first);
        assert_line(first, "env REMOTE_ADDR=127.0.0.1");
        ck_assert_uint_eq(count_lines(first, "env REMOTE_PORT="), 1);
        wait_log(&h, &offset, "Connection from 127.0.0.1:");

        second = request(&h, tcp, SOCK_STREAM);
        assert_activation(&h, second, 1, "unknown");
        ck_assert_int_ne(number_after(second, "pid="), number_after(first, "pid="));
        assert_line(second, "request=1");

        on_unix = request(&h, unix_path, SOCK_STREAM);
        assert_activation(&h, on_unix, 1, "unknown");
        ck_assert_msg(!line_starting(on_unix, "env REMOTE_"), "REMOTE_* for an unnamed client socket:\n%s",
                      on_unix);
        stop(&h);
}
END_TEST

/* -a --inetd: the connection on stdin and stdout, whichever of several sockets it came to. */
START_TEST(test_accept_inetd)
{
        struct harness h;
        uint16_t ports[] = { free_port(AF_INET, SOCK_STREAM), free_port(AF_INET, SOCK_STREAM) };
        _cleanup_free_ char *first = format("127.0.0.1:%u", ports[0]), *second = format("127.0.0.1:%u", ports[1]);
        _cleanup_strv_free_ char **args = arguments(
                "--inetd", "-a", "-l", first, "-l", second, "sh", "-c",
                "read -r line; echo \"$line from $REMOTE_ADDR ${LISTEN_FDS:-without LISTEN_FDS}\"", NULL),
                                 **env = arguments("PATH=/usr/bin:/bin", NULL);

        init(&h);
        start_adhoc(&h, args, env, 2);
        for (size_t i = 0; i < ELEMENTSOF(ports); i++) {
                _cleanup_free_ char *address = format("127.0.0.1:%u", ports[i]), *answer = NULL;
                _cleanup_close_ int fd = -1;

                ck_assert_int_eq(harness_connect(&h, address, SOCK_STREAM, T, &fd), 0);
                ck_assert_int_eq(write(fd, "ping\n", 5), 5);
                ck_assert_int_eq(harness_read_report(&h, fd, T, &answer), 0);
                ck_assert_str_eq(answer, "ping from 127.0.0.1 without LISTEN_FDS\n");
        }
        stop(&h);
}
END_TEST

/* Usage errors: exit 2 and one line on stderr. A COMMAND that is not found: exit 1. */
START_TEST(test_usage_errors)
{
        static const struct {
                const char *args[8];
                int status;
                const char *message;
        } cases[] = {
                { { "-l", "127.0.0.1:1" },
                  2,
                  "sockactd: -l/--listen needs a COMMAND to run after the options\n" },
                { { "-a", "-d", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: datagram sockets do not accept connections: -d/--datagram and -a/--accept may "
                  "not be combined\n" },
                { { "--inetd", "-l", "127.0.0.1:1", "-l", "127.0.0.1:2", "true" },
                  2,
                  "sockactd: --inetd passes one socket on stdin and stdout: give exactly one -l (or -a), "
                  "not 2\n" },
                { { "true" },
                  2,
                  "sockactd: unexpected argument \"true\" (a COMMAND to run needs -l ADDRESS)\n" },
                { { "-E", "A=b", "true" },
                  2,
                  "sockactd: -E/--setenv is an ad-hoc option: it needs -l ADDRESS and a COMMAND\n" },
                { { "--check", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: --check cannot be combined with -l/--listen\n" },
                { { "--unit-dir", "units", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: --unit-dir cannot be combined with -l/--listen\n" },
                { { "-d", "--seqpacket", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: -d/--datagram may not be combined with --seqpacket\n" },
                { { "-E", "1X=y", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: -E \"1X=y\": not a valid environment variable name or NAME=VALUE "
                  "assignment\n" },
                { { "--fdname=", "-l", "127.0.0.1:1", "true" },
                  2,
                  "sockactd: --fdname: a name may not be empty\n" },
                { { "-l", "localhost:80", "true" },
                  2,
                  "sockactd: -l localhost:80: ListenStream=: invalid address \"localhost:80\": host names "
                  "are "
                  "not allowed, use an IP address\n" },
                { { "-l", "127.0.0.1:1", "no-such-command-for-sockact" },
                  1,
                  "sockactd: no-such-command-for-sockact: command not found\n" },
        };
        const char *sockactd = program_path("SOCKACTD", "build/sockactd");

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_strv_free_ char **argv = arguments(sockactd, NULL);
                struct run_result r;

                for (size_t k = 0; cases[i].args[k]; k++)
                        ck_assert_int_eq(strv_extend(&argv, cases[i].args[k]), 0);
                r = run_program(argv);
                ck_assert_msg(r.status == cases[i].status, "case %zu: status %d, expected %d: %s", i,
                              r.status, cases[i].status, r.err);
                ck_assert_str_eq(r.err, cases[i].message);
                ck_assert_str_eq(r.out, "");
                run_result_clear(&r);
        }
}
END_TEST

static size_t count_entries(const char *dir, const char *prefix, char **ret_first)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        ck_assert_msg(d, "cannot read %s", dir);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && startswith(de->d_name, prefix)) {
                        if (n++ == 0 && ret_first)
                                *ret_first = format("%s/%s", dir, de->d_name);
                }
        closedir(d);
        return n;
}

/* Each ad-hoc sockactd takes a private runtime directory in $XDG_RUNTIME_DIR, so two run at once, and
 * removes it, lock and notify socket included, when SIGTERM stops it. */
START_TEST(test_private_runtime_dir)
{
        struct harness first, second;
        uint16_t port = free_port(AF_INET, SOCK_STREAM), other_port = free_port(AF_INET, SOCK_STREAM);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *other_tcp = format("127.0.0.1:%u", other_port), *xdg = NULL, *dir = NULL,
                            *lock = NULL, *notify = NULL, *report = NULL, *variable = NULL;
        _cleanup_strv_free_ char **args = arguments("-l", tcp, service, NULL),
                                 **other_args = arguments("-l", other_tcp, service, NULL), **env = NULL;
        struct stat st;
        int status = -1;

        init(&first);
        init(&second);
        xdg = xdg_dir(&first);
        variable = format("XDG_RUNTIME_DIR=%s", xdg);
        env = arguments(variable, NULL);
        start_adhoc(&first, args, NULL, 1);
        ck_assert_uint_eq(count_entries(xdg, "sockact-adhoc.", &dir), 1);
        lock = format("%s/lock", dir);
        notify = format("%s/notify", dir);
        ck_assert_int_eq(stat(lock, &st), 0);
        ck_assert_int_eq(stat(notify, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));

        /* env comes after start_adhoc()'s own XDG_RUNTIME_DIR: the second daemon shares the first's */
        start_adhoc(&second, other_args, env, 1);
        ck_assert_uint_eq(count_entries(xdg, "sockact-adhoc.", NULL), 2);
        stop(&second);

        report = request(&first, tcp, SOCK_STREAM); /* a service runs when SIGTERM comes */
        assert_activation(&first, report, 1, "unknown");
        ck_assert_int_eq(harness_stop(&first, T, &status), 0);
        ck_assert_msg(status == 0, "status %d:\n%s", status, harness_log_tail(&first));
        ck_assert_msg(count_entries(xdg, "", NULL) == 0, "%s is left behind:\n%s", dir,
                      harness_log_tail(&first));
        harness_done(&first);
}
END_TEST

/* With --runtime-dir, that directory is used as the daemon's and kept. */
START_TEST(test_given_runtime_dir)
{
        struct harness h;
        uint16_t port = free_port(AF_INET, SOCK_STREAM);

        init(&h);
        _cleanup_free_ char *service = program("listen-service"), *tcp = format("127.0.0.1:%u", port),
                            *xdg = xdg_dir(&h), *lock = format("%s/lock", h.runtime_dir);
        _cleanup_strv_free_ char **args =
                arguments("--runtime-dir", h.runtime_dir, "-l", tcp, service, NULL);
        struct stat st;
        int status = -1;

        start_adhoc(&h, args, NULL, 1);
        ck_assert_int_eq(stat(lock, &st), 0);
        ck_assert_uint_eq(count_entries(xdg, "", NULL), 0);
        ck_assert_int_eq(harness_stop(&h, T, &status), 0);
        ck_assert_int_eq(status, 0);
        ck_assert_int_eq(stat(h.runtime_dir, &st), 0);
        harness_done(&h);
}
END_TEST

Suite *adhoc_suite(void)
{
        Suite *s = suite_create("adhoc");
        TCase *units = tcase_create("units"), *daemon = tcase_create("daemon");

        tcase_add_test(units, test_unit_texts);
        tcase_add_test(units, test_unit_kinds);
        tcase_add_test(units, test_unit_texts_accept);
        tcase_add_test(units, test_words_come_back_unchanged);
        tcase_add_test(units, test_many_listeners_in_order);
        tcase_add_test(units, test_fd_names);
        tcase_add_test(units, test_setenv);
        tcase_add_test(units, test_bad_values_name_their_option);
        tcase_add_test(units, test_find_executable);
        suite_add_tcase(s, units);

        /* every wait inside is bounded by HARNESS_TIMEOUT_MS; a test makes a handful of them */
        tcase_set_timeout(daemon, 90);
        tcase_add_unchecked_fixture(daemon, harness_root_setup, harness_root_teardown);
        tcase_add_test(daemon, test_two_listeners_default_names);
        tcase_add_test(daemon, test_fdname);
        tcase_add_test(daemon, test_environment);
        tcase_add_test(daemon, test_datagram);
        tcase_add_test(daemon, test_seqpacket);
        tcase_add_test(daemon, test_inetd);
        tcase_add_test(daemon, test_arguments_unchanged);
        tcase_add_test(daemon, test_started_on_demand_and_again);
        tcase_add_test(daemon, test_accept);
        tcase_add_test(daemon, test_accept_inetd);
        tcase_add_test(daemon, test_usage_errors);
        tcase_add_test(daemon, test_private_runtime_dir);
        tcase_add_test(daemon, test_given_runtime_dir);
        suite_add_tcase(s, daemon);
        return s;
}
