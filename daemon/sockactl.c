/* sockactl: the administrator's tool. Each verb is a request over sockactd's control socket
 * (lib/control.h), or, for verify, the same offline check as sockactd --check. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "offline.h"
#include "util.h"

#define SOCKACTL_TIMEOUT_MS 30000

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
               "  reload           read the units again (not in this version)\n"
               "  verify PATH...   load and verify units (files or directories), as sockactd --check\n"
               "\n"
               "Options:\n"
               "  -r, --runtime-dir DIR  sockactd's runtime directory (default /run/sockact for root,\n"
               "                         $XDG_RUNTIME_DIR/sockact for anyone else)\n"
               "      --json             list and status as one JSON document\n"
               "\n"
               "See sockactl(1).\n");
}

/* The keys whose values are numbers in JSON, and those a record may hold several times. */
static bool numeric(const char *key)
{
        static const char *const keys[] = { "connections", "accepted", "refused",
                                            "activations", "main_pid", "errno" };

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

static int print_list(char *text, bool json)
{
        char *cursor = text, *line;

        if (json) {
                bool first = true;

                printf("{\"sockets\":[");
                while (*cursor) {
                        printf("%s", first ? "" : ",");
                        if (print_json_record(&cursor, false) < 0)
                                return -EBADMSG;
                        first = false;
                }
                printf("]}\n");
                return 0;
        }
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

static int run_verb(const char *runtime_dir, enum control_verb verb, const char *unit, bool json)
{
        _cleanup_free_ char *dir = NULL, *reply = NULL;
        size_t len = 0;
        int code = 0, r;

        if (!runtime_dir) {
                r = control_default_runtime_dir(&dir);
                if (r < 0) {
                        fprintf(stderr, "sockactl: no runtime directory: give --runtime-dir (%s)\n",
                                r == -ENXIO ? "$XDG_RUNTIME_DIR is not set" : strerror(-r));
                        return EXIT_USAGE;
                }
                runtime_dir = dir;
        }
        r = control_request(runtime_dir, verb, unit, SOCKACTL_TIMEOUT_MS, &code, &reply, &len);
        if (r == -EACCES || r == -EPERM) {
                fprintf(stderr, "sockactl: %s/control: %s\n", runtime_dir, strerror(-r));
                return EXIT_DENIED;
        }
        if (r < 0) {
                fprintf(stderr, "sockactl: cannot reach sockactd at %s/control: %s\n", runtime_dir,
                        strerror(-r));
                return EXIT_UNREACHABLE;
        }
        if (code != 0) {
                fprintf(stderr, "sockactl: %s\n", *reply ? reply : strerror(code));
                return exit_status_of(code);
        }
        if (verb == CONTROL_LIST)
                r = print_list(reply, json);
        else if (verb == CONTROL_STATUS)
                r = print_status(reply, json);
        if (r < 0) {
                fprintf(stderr, "sockactl: a malformed reply from sockactd\n");
                return EXIT_FAILED;
        }
        return EXIT_OK;
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
        const char *runtime_dir = NULL;
        bool json = false;
        int c, verb;

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
        if ((verb == CONTROL_LIST || verb == CONTROL_RELOAD) ? optind + 1 != argc : optind + 2 != argc) {
                fprintf(stderr, "sockactl: %s takes %s\n", argv[optind],
                        verb == CONTROL_LIST || verb == CONTROL_RELOAD ? "no argument" : "one unit name");
                return EXIT_USAGE;
        }
        return run_verb(runtime_dir, verb, optind + 1 < argc ? argv[optind + 1] : NULL, json);
}
