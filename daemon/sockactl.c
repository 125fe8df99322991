/* sockactl: the administrator's tool. Each verb is a request over sockactd's control socket
 * (lib/control.h), or over its fds socket through libsockact (fetch, store, remove, stored), or, for
 * verify, the same offline check as sockactd --check. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "offline.h"
#include "sockact.h"
#include "util.h"
#include "value.h"

#define SOCKACTL_TIMEOUT_USEC (30 * USEC_PER_SEC)

/* The exit statuses, documented in sockactl(1). */
enum {
        EXIT_OK = 0,
        EXIT_FAILED = 1,
        EXIT_USAGE = 2,
        EXIT_NO_UNIT = 4,
        EXIT_DENIED = 5,
        EXIT_UNREACHABLE = 6,
};

static void help(void)
{
        printf("Usage: sockactl [--runtime-dir DIR] [--json] VERB [ARGS...]\n"
               "\n"
               "Verbs:\n"
               "  list             the listening sockets: address, unit, service, state, counters\n"
               "  status UNIT      a socket or service unit's state and counters\n"
               "  start UNIT       start a socket or service unit\n"
               "  stop UNIT        stop it\n"
               "  restart UNIT     stop it, then start it again\n"
               "  reload [--dry-run]  read the units again and apply what changed, keeping every\n"
               "                   socket that stays; --dry-run: only tell what would change\n"
               "  reexec           execute sockactd again (a newer binary, say), keeping every socket,\n"
               "                   service and connection\n"
               "  fetch NAME... -- COMMAND [ARGS...]\n"
               "                   run COMMAND with the sockets held under NAME (a socket unit or an fd\n"
               "                   name) at fd 3..., as socket activation would\n"
               "  store [--ttl TIME] NAME FD...  hand sockactd these fds of sockactl's under NAME\n"
               "  remove NAME      close what is stored under NAME\n"
               "  stored           what is stored: name, fds, owner, time left\n"
               "  verify PATH...   load and verify units (files or directories), as sockactd --check\n"
               "\n"
               "Options:\n"
               "  -r, --runtime-dir DIR  sockactd's runtime directory (default /run/sockact for root,\n"
               "                         $XDG_RUNTIME_DIR/sockact for anyone else)\n"
               "      --json             list, status, reload, reexec and stored as one JSON document\n"
               "\n"
               "See sockactl(1).\n");
}

/* The keys whose values are numbers in JSON, and those a record may hold several times. */
static bool numeric(const char *key)
{
        static const char *const keys[] = { "connections", "accepted", "refused",   "activations",
                                            "main_pid",    "errno",    "fds",       "uid",
                                            "ttl",         "pid",      "listening", "instances" };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i], key))
                        return true;
        return false;
}

/* In status, the keys a unit may have several of: always JSON arrays. */
static bool repeated(const char *key)
{
        return streq(key, "listen") || streq(key, "fdstore");
}

static int no_runtime_dir(int r)
{
        fprintf(stderr, "sockactl: no runtime directory: give --runtime-dir (%s)\n",
                r == -ENXIO ? "$XDG_RUNTIME_DIR is not set" : strerror(-r));
        return EXIT_USAGE;
}

static void json_string(const char *s)
{
        putchar('"');
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        printf("\\%c", *p);
                else if (*p < 0x20)
                        printf("\\u%04x", *p);
                else
                        putchar(*p);
        }
        putchar('"');
}

/* The next line of text (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **cursor)
{
        char *line = *cursor, *end;

        if (!*line)
                return NULL;
        end = strchr(line, '\n');
        if (end) {
                *end = '\0';
                *cursor = end + 1;
        } else
                *cursor = line + strlen(line);
        return line;
}

/* One record as a JSON object, keys in their order; with arrays, the keys of repeated() as arrays. */
static int print_json_record(char **cursor, bool arrays)
{
        const char *previous = NULL;
        bool first = true, in_array = false;
        char *line;

        putchar('{');
        while ((line = next_line(cursor)) && *line) {
                char *value = strchr(line, '=');

                if (!value || control_unescape(value + 1) < 0)
                        return -EBADMSG;
                *value++ = '\0';
                if (in_array && !streq(previous, line)) {
                        putchar(']');
                        in_array = false;
                }
                if (!in_array) {
                        printf("%s", first ? "" : ",");
                        json_string(line);
                        putchar(':');
                        if (arrays && repeated(line)) {
                                putchar('[');
                                in_array = true;
                        }
                } else
                        putchar(',');
                if (numeric(line) && *value && strspn(value, "0123456789") == strlen(value))
                        printf("%s", value);
                else
                        json_string(value);
                previous = line;
                first = false;
        }
        if (in_array)
                putchar(']');
        putchar('}');
        return 0;
}

/* The records of text as one JSON document: {"member":[{…},…]}. */
static int print_json_records(const char *member, char *text)
{
        printf("{\"%s\":[", member);
        for (bool first = true; *text; first = false) {
                printf("%s", first ? "" : ",");
                if (print_json_record(&text, false) < 0)
                        return -EBADMSG;
        }
        printf("]}\n");
        return 0;
}

static int print_list(char *text, bool json)
{
        char *cursor = text, *line;

        if (json)
                return print_json_records("sockets", text);
        printf("%-28s %-22s %-22s %-10s %6s %9s %8s %11s\n", "LISTEN", "UNIT", "ACTIVATES", "STATE",
               "ACTIVE", "ACCEPTED", "REFUSED", "ACTIVATIONS");
        while (*cursor) {
                const char *field[8] = { "", "", "", "", "", "", "", "" };
                static const char *const keys[8] = { "listen",      "socket",   "service", "state",
                                                     "connections", "accepted", "refused", "activations" };

                while ((line = next_line(&cursor)) && *line) {
                        char *value = strchr(line, '=');

                        if (!value || control_unescape(value + 1) < 0)
                                return -EBADMSG;
                        *value++ = '\0';
                        for (size_t i = 0; i < 8; i++)
                                if (streq(keys[i], line))
                                        field[i] = value;
                }
                printf("%-28s %-22s %-22s %-10s %6s %9s %8s %11s\n", field[0], field[1], field[2], field[3],
                       field[4], field[5], field[6], field[7]);
        }
        return 0;
}

static int print_status(char *text, bool json)
{
        char *cursor = text, *line;

        if (json) {
                if (print_json_record(&cursor, true) < 0)
                        return -EBADMSG;
                putchar('\n');
                return 0;
        }
        while ((line = next_line(&cursor)) && *line) {
                char *value = strchr(line, '=');

                if (!value || control_unescape(value + 1) < 0)
                        return -EBADMSG;
                *value++ = '\0';
                printf("%s: %s\n", line, value);
        }
        return 0;
}

/* reload: "NAME: change: detail", a line per unit that changed. */
static int print_reload(char *text, bool json)
{
        char *cursor = text, *key, *value;
        bool any = false;
        int r;

        if (json)
                return print_json_records("changes", text);
        while (*cursor) {
                const char *unit = "", *change = "", *detail = NULL;

                while ((r = control_next_field(&cursor, &key, &value)) > 0)
                        if (streq(key, "unit"))
                                unit = value;
                        else if (streq(key, "change"))
                                change = value;
                        else if (streq(key, "detail"))
                                detail = value;
                if (r < 0)
                        return r;
                printf("%s: %s%s%s\n", unit, change, detail ? ": " : "", detail ? detail : "");
                any = true;
        }
        if (!any)
                printf("No unit changed\n");
        return 0;
}

static int exit_status_of(int code)
{
        switch (code) {
        case 0:
                return EXIT_OK;
        case ENOENT:
                return EXIT_NO_UNIT;
        case EPERM:
        case EACCES:
                return EXIT_DENIED;
        default:
                return EXIT_FAILED;
        }
}

/* A failure to reach sockactd at DIR/socket. */
static int unreachable(const char *runtime_dir, const char *socket, int r)
{
        if (r == -EACCES || r == -EPERM) {
                fprintf(stderr, "sockactl: %s/%s: %s\n", runtime_dir, socket, strerror(-r));
                return EXIT_DENIED;
        }
        fprintf(stderr, "sockactl: cannot reach sockactd at %s/%s: %s\n", runtime_dir, socket, strerror(-r));
        return EXIT_UNREACHABLE;
}

static int print_stored(char *text, bool json)
{
        char *cursor = text, *key, *value;
        int r;

        if (json)
                return print_json_records("stored", text);
        printf("%-32s %5s %10s %12s\n", "NAME", "FDS", "UID", "TTL");
        while (*cursor) {
                const char *name = "", *fds = "", *uid = "";
                char ttl[VALUE_FORMAT_MAX] = "-";
                uint64_t usec;

                while ((r = control_next_field(&cursor, &key, &value)) > 0)
                        if (streq(key, "name"))
                                name = value;
                        else if (streq(key, "fds"))
                                fds = value;
                        else if (streq(key, "uid"))
                                uid = value;
                        else if (streq(key, "ttl") && value_parse_uint64(value, &usec) >= 0 && usec > 0)
                                value_format_timespan(usec, ttl);
                if (r < 0)
                        return r;
                printf("%-32s %5s %10s %12s\n", name, fds, uid, ttl);
        }
        return 0;
}

static int run_verb(const char *runtime_dir, enum control_verb verb, const char *unit, bool json)
{
        const char *socket = verb == CONTROL_STORED ? CONTROL_FDS_SOCKET : CONTROL_SOCKET;
        struct control_reply reply = { 0 };
        int r;

        r = control_call(runtime_dir, socket, verb, unit, unit ? strlen(unit) : 0, NULL, 0,
                         SOCKACTL_TIMEOUT_USEC, &reply);
        if (r < 0)
                return unreachable(runtime_dir, socket, r);
        if (reply.code != 0) {
                char *cursor = reply.payload, *line;

                if (!*cursor)
                        fprintf(stderr, "sockactl: %s\n", strerror(reply.code));
                while ((line = next_line(&cursor))) /* a refused reload: one reason per line */
                        fprintf(stderr, "sockactl: %s\n", line);
                r = exit_status_of(reply.code);
                control_reply_done(&reply);
                return r;
        }
        if (verb == CONTROL_LIST)
                r = print_list(reply.payload, json);
        else if (verb == CONTROL_STATUS || verb == CONTROL_REEXEC)
                r = print_status(reply.payload, json);
        else if (verb == CONTROL_STORED)
                r = print_stored(reply.payload, json);
        else if (verb == CONTROL_RELOAD)
                r = print_reload(reply.payload, json);
        control_reply_done(&reply);
        if (r < 0) {
                fprintf(stderr, "sockactl: a malformed reply from sockactd\n");
                return EXIT_FAILED;
        }
        return EXIT_OK;
}

static int fds_failed(const char *runtime_dir, const char *what, const char *name, int r)
{
        _cleanup_free_ char *path = NULL;

        if (r == -ENOENT && strdup_printf(&path, "%s/%s", runtime_dir, CONTROL_FDS_SOCKET) >= 0 &&
            access(path, F_OK) < 0)
                return unreachable(runtime_dir, CONTROL_FDS_SOCKET, r); /* no sockactd there */
        if (r == -ECONNREFUSED || r == -ETIMEDOUT)
                return unreachable(runtime_dir, CONTROL_FDS_SOCKET, r);
        fprintf(stderr, "sockactl: %s %s: %s%s\n", what, name, strerror(-r),
                r == -EACCES ? " (sockactd's log says why)" : "");
        return exit_status_of(-r);
}

/* Moves fds[0…n) to 3…n+2, without close-on-exec, and closes every other fd above 2. */
static int place_fds(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++) { /* first above the target range, so that no move overwrites one */
                int fd = fcntl(fds[i], F_DUPFD_CLOEXEC, (int) (3 + n));

                if (fd < 0)
                        return -errno;
                close(fds[i]);
                fds[i] = fd;
        }
        for (size_t i = 0; i < n; i++)
                if (dup2(fds[i], (int) (3 + i)) < 0)
                        return -errno;
        return close_range((unsigned) (3 + n), ~0U, 0) < 0 ? -errno : 0;
}

/* sockactl fetch NAME... -- COMMAND [ARGS...] */
static int do_fetch(const char *runtime_dir, char **args)
{
        char **command = args, *pid = NULL, *count = NULL, *joined = NULL, **names = NULL;
        size_t n_names = 0, n = 0;
        int *fds = NULL, r;

        while (*command && !streq(*command, "--"))
                command++;
        n_names = (size_t) (command - args);
        if (!*command || !command[1] || n_names == 0) {
                fprintf(stderr, "sockactl: fetch takes NAME... -- COMMAND [ARGS...]\n");
                return EXIT_USAGE;
        }
        *command++ = NULL;
        r = sockact_fetch(runtime_dir, (const char *const *) args, n_names, SOCKACTL_TIMEOUT_USEC, &fds,
                          &names, &n);
        if (r < 0)
                return fds_failed(runtime_dir, "fetch", args[0], r);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = strextend_printf(&joined, "%s%s", i ? ":" : "", names[i]);
        if (r >= 0)
                r = strdup_printf(&pid, "%d", (int) getpid());
        if (r >= 0)
                r = strdup_printf(&count, "%zu", n);
        if (r >= 0)
                r = place_fds(fds, n);
        if (r >= 0 && (setenv("LISTEN_PID", pid, 1) < 0 || setenv("LISTEN_FDS", count, 1) < 0 ||
                       setenv("LISTEN_FDNAMES", joined, 1) < 0))
                r = -errno;
        if (r < 0) {
                fprintf(stderr, "sockactl: cannot pass the fds to %s: %s\n", command[0], strerror(-r));
                return EXIT_FAILED;
        }
        execvp(command[0], command);
        r = errno;
        fprintf(stderr, "sockactl: cannot run %s: %s\n", command[0], strerror(r));
        return r == ENOENT ? 127 : 126;
}

/* sockactl store [--ttl TIME] NAME FD... */
static int do_store(const char *runtime_dir, int argc, char **argv)
{
        static const struct option options[] = { { "ttl", required_argument, NULL, 't' }, {} };
        int fds[SOCKACT_STORE_FDS_MAX], c, r;
        uint64_t ttl = 0;
        size_t n = 0;

        optind = 1;
        while ((c = getopt_long(argc, argv, "+", options, NULL)) >= 0) {
                if (c != 't')
                        return EXIT_USAGE;
                if (value_parse_timespan(optarg, USEC_PER_SEC, &ttl) < 0) {
                        fprintf(stderr, "sockactl: --ttl: not a time span: %s\n", optarg);
                        return EXIT_USAGE;
                }
        }
        if (argc - optind < 2 || argc - optind - 1 > SOCKACT_STORE_FDS_MAX) {
                fprintf(stderr, "sockactl: store takes [--ttl TIME] NAME FD... (at most %d fds)\n",
                        SOCKACT_STORE_FDS_MAX);
                return EXIT_USAGE;
        }
        for (int i = optind + 1; i < argc; i++) {
                if (value_parse_int(argv[i], &fds[n]) < 0 || fds[n] < 0 || fcntl(fds[n], F_GETFD) < 0) {
                        fprintf(stderr, "sockactl: store: %s is not an open fd\n", argv[i]);
                        return EXIT_USAGE;
                }
                n++;
        }
        r = sockact_store(runtime_dir, argv[optind], fds, n, ttl, SOCKACTL_TIMEOUT_USEC);
        return r < 0 ? fds_failed(runtime_dir, "store", argv[optind], r) : EXIT_OK;
}

int main(int argc, char *argv[])
{
        enum { ARG_VERSION = 0x100, ARG_JSON };
        static const struct option options[] = {
                { "runtime-dir", required_argument, NULL, 'r' },
                { "json", no_argument, NULL, ARG_JSON },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {},
        };
        _cleanup_free_ char *default_dir = NULL;
        const char *runtime_dir = NULL;
        bool json = false;
        int c, verb, r;

        /* "+": global options come before the verb; what follows it is the verb's */
        while ((c = getopt_long(argc, argv, "+r:h", options, NULL)) >= 0) {
                switch (c) {
                case 'r':
                        runtime_dir = optarg;
                        break;
                case ARG_JSON:
                        json = true;
                        break;
                case 'h':
                        help();
                        return EXIT_OK;
                case ARG_VERSION:
                        printf("sockactl %s\n", SOCKACT_VERSION);
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                help();
                return EXIT_USAGE;
        }
        if (streq(argv[optind], "verify")) {
                if (optind + 1 >= argc) {
                        fprintf(stderr, "sockactl: verify needs at least one unit file or directory\n");
                        return EXIT_USAGE;
                }
                return check_run(argv + optind + 1);
        }
        verb = control_verb_from_string(argv[optind]);
        if (verb < 0) {
                fprintf(stderr, "sockactl: unknown verb \"%s\"\n", argv[optind]);
                return EXIT_USAGE;
        }
        if (!runtime_dir) {
                r = control_default_runtime_dir(&default_dir);
                if (r < 0)
                        return no_runtime_dir(r);
                runtime_dir = default_dir;
        }
        if (verb == CONTROL_FETCH)
                return do_fetch(runtime_dir, argv + optind + 1);
        if (verb == CONTROL_STORE)
                return do_store(runtime_dir, argc - optind, argv + optind);
        if (verb == CONTROL_REMOVE) {
                if (optind + 2 != argc) {
                        fprintf(stderr, "sockactl: remove takes one name\n");
                        return EXIT_USAGE;
                }
                r = sockact_remove(runtime_dir, argv[optind + 1], SOCKACTL_TIMEOUT_USEC);
                return r < 0 ? fds_failed(runtime_dir, "remove", argv[optind + 1], r) : EXIT_OK;
        }
        if (verb == CONTROL_RELOAD) {
                bool dry_run = optind + 2 == argc && streq(argv[optind + 1], "--dry-run");

                if (optind + 1 != argc && !dry_run) {
                        fprintf(stderr, "sockactl: reload takes no argument but --dry-run\n");
                        return EXIT_USAGE;
                }
                return run_verb(runtime_dir, verb, dry_run ? "dry-run" : NULL, json);
        }
        bool no_arg = verb == CONTROL_LIST || verb == CONTROL_STORED || verb == CONTROL_REEXEC;
        if (no_arg ? optind + 1 != argc : optind + 2 != argc) {
                fprintf(stderr, "sockactl: %s takes %s\n", argv[optind],
                        no_arg ? "no argument" : "one unit name");
                return EXIT_USAGE;
        }
        return run_verb(runtime_dir, verb, optind + 1 < argc ? argv[optind + 1] : NULL, json);
}
