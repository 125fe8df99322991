/* sockactd: parse the command line, then run one mode: check, dump, the daemon, or the daemon on
 * units made from a systemd-socket-activate command line (ad-hoc). main() reads as the list of
 * steps it takes; each step is a small named function. */
#include <errno.h>
#include <getopt.h>

#include "adhoc.h"
#include "offline.h"
#include "daemon.h"
#include "log.h"
#include "user.h"
#include "value.h"

extern char **environ;

enum mode {
        MODE_DAEMON,
        MODE_ADHOC, /* -l ADDRESS… COMMAND */
        MODE_CHECK,
        MODE_DUMP,
        MODE_DONE, /* --help, --version */
};

/* The options without a short form. */
enum {
        ARG_CHECK = 0x100,
        ARG_DUMP,
        ARG_VERSION,
        ARG_LOG_LEVEL,
        ARG_SEQPACKET,
        ARG_INETD,
        ARG_FDNAME,
        ARG_CONTROL_GROUP,
        ARG_DESERIALIZE,
};

static void help(void)
{
        printf("Usage: sockactd [OPTION]...\n"
               "       sockactd [OPTION]... -l ADDRESS [-l ADDRESS]... [AD-HOC OPTION]... COMMAND [ARG]...\n"
               "       sockactd --check PATH...\n"
               "       sockactd --dump FILE\n"
               "\n"
               "Hold the sockets of systemd-style socket units and start their services on demand.\n"
               "\n"
               "  -u, --unit-dir DIR      read units from DIR (repeatable; the first that has a name wins)\n"
               "  -r, --runtime-dir DIR   its lock, the notify and the control sockets go here\n"
               "      --control-group GROUP  may use sockactl list and status (root and the\n"
               "                          daemon's own user may use every verb)\n"
               "      --log-level LEVEL   debug, info, notice, warning, err, crit, alert, emerg (default "
               "info)\n"
               "  -t, --log-target TARGET auto, journal or stderr (default auto)\n"
               "      --check PATH...     load and verify units (files or directories), touch nothing;\n"
               "                          exit 0 only if every unit loads\n"
               "      --dump FILE         print the effective configuration of one unit\n"
               "  -h, --help              show this help\n"
               "      --version           show the version\n"
               "\n"
               "Ad-hoc mode, as systemd-socket-activate: run COMMAND on the first connection, and again on\n"
               "the next one after it exited (options end at COMMAND):\n"
               "  -l, --listen ADDRESS    listen on ADDRESS (repeatable; fds 3... in this order)\n"
               "  -d, --datagram          datagram sockets instead of stream sockets\n"
               "      --seqpacket         SOCK_SEQPACKET sockets instead of stream sockets\n"
               "  -a, --accept            a COMMAND per connection, the connection at fd 3 (at most 64 at "
               "once)\n"
               "      --inetd             the socket (with -a: the connection) on stdin and stdout, no\n"
               "                          LISTEN_FDS\n"
               "  -E, --setenv NAME[=VALUE]  set NAME for COMMAND (without VALUE: sockactd's own value)\n"
               "      --fdname NAME[:NAME...]  the LISTEN_FDNAMES names of the sockets, in order\n"
               "\n"
               "See sockactd(8), sockact.socket(5) and sockact.service(5).\n");
}

/* What parse_argv() saw, for the checks that span modes. */
struct seen {
        const char *mode_option;  /* --check, --dump or --unit-dir */
        const char *adhoc_option; /* the first ad-hoc option other than -l */
};

static int parse_adhoc_option(int c, const char *arg, struct adhoc_options *a, struct seen *seen)
{
        int r;

        switch (c) {
        case 'l':
                return strv_extend(&a->listen, arg);
        case 'd':
        case ARG_SEQPACKET:
                if (a->type_set && a->type != (c == 'd' ? LISTEN_DATAGRAM : LISTEN_SEQPACKET)) {
                        fprintf(stderr, "sockactd: -d/--datagram may not be combined with --seqpacket\n");
                        return -EINVAL;
                }
                a->type = c == 'd' ? LISTEN_DATAGRAM : LISTEN_SEQPACKET;
                a->type_set = true;
                seen->adhoc_option = seen->adhoc_option ?: c == 'd' ? "-d/--datagram" : "--seqpacket";
                return 0;
        case 'a':
                a->accept = true;
                seen->adhoc_option = seen->adhoc_option ?: "-a/--accept";
                return 0;
        case ARG_INETD:
                a->inetd = true;
                seen->adhoc_option = seen->adhoc_option ?: "--inetd";
                return 0;
        case 'E':
                r = adhoc_add_environment(a, arg, environ);
                if (r == -EINVAL)
                        fprintf(stderr,
                                "sockactd: -E \"%s\": not a valid environment variable name or "
                                "NAME=VALUE assignment\n",
                                arg);
                seen->adhoc_option = seen->adhoc_option ?: "-E/--setenv";
                return r;
        case ARG_FDNAME:
                seen->adhoc_option = seen->adhoc_option ?: "--fdname";
                return adhoc_add_fd_names(a, arg);
        default:
                return -EINVAL;
        }
}

/* The checks between modes: ad-hoc mode is selected by -l, and takes COMMAND and nothing else. */
static int check_mode(enum mode *mode, int argc, const struct adhoc_options *a, const struct seen *seen)
{
        if (!a->listen && seen->adhoc_option) {
                fprintf(stderr, "sockactd: %s is an ad-hoc option: it needs -l ADDRESS and a COMMAND\n",
                        seen->adhoc_option);
                return -EINVAL;
        }
        if (!a->listen || *mode == MODE_DONE)
                return 0;
        if (seen->mode_option) {
                fprintf(stderr, "sockactd: %s cannot be combined with -l/--listen\n", seen->mode_option);
                return -EINVAL;
        }
        if (optind >= argc) {
                fprintf(stderr, "sockactd: -l/--listen needs a COMMAND to run after the options\n");
                return -EINVAL;
        }
        *mode = MODE_ADHOC;
        return 0;
}

static int parse_argv(int argc, char *argv[], struct daemon_options *o, struct adhoc_options *a,
                      enum mode *ret_mode)
{
        static const struct option options[] = {
                { "unit-dir", required_argument, NULL, 'u' },
                { "runtime-dir", required_argument, NULL, 'r' },
                { "control-group", required_argument, NULL, ARG_CONTROL_GROUP },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "log-target", required_argument, NULL, 't' },
                { "check", no_argument, NULL, ARG_CHECK },
                { "dump", no_argument, NULL, ARG_DUMP },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                /* systemd-socket-activate's, with its spelling */
                { "listen", required_argument, NULL, 'l' },
                { "accept", no_argument, NULL, 'a' },
                { "datagram", no_argument, NULL, 'd' },
                { "seqpacket", no_argument, NULL, ARG_SEQPACKET },
                { "inetd", no_argument, NULL, ARG_INETD },
                { "setenv", required_argument, NULL, 'E' },
                { "environment", required_argument, NULL, 'E' }, /* its legacy alias */
                { "fdname", required_argument, NULL, ARG_FDNAME },
                { "deserialize", required_argument, NULL, ARG_DESERIALIZE }, /* sockactl reexec's own */
                {},
        };
        struct seen seen = { 0 };
        enum mode mode = MODE_DAEMON;
        int c, r;

        /* "+": options end at the first argument that is not one, COMMAND in ad-hoc mode. */
        while ((c = getopt_long(argc, argv, "+u:r:t:hl:adE:", options, NULL)) >= 0) {
                switch (c) {
                case 'u':
                        if (strv_extend(&o->unit_dirs, optarg) < 0)
                                return -ENOMEM;
                        seen.mode_option = "--unit-dir";
                        break;
                case 'r':
                        o->runtime_dir = optarg;
                        break;
                case ARG_CONTROL_GROUP:
                        if (group_lookup(optarg, &o->control_group) < 0) {
                                fprintf(stderr, "sockactd: --control-group: no such group \"%s\"\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_LOG_LEVEL:
                        r = log_level_from_string(optarg);
                        if (r < 0) {
                                fprintf(stderr, "sockactd: unknown log level \"%s\"\n", optarg);
                                return -EINVAL;
                        }
                        o->log_level = r;
                        break;
                case 't':
                        r = log_target_from_string(optarg);
                        if (r < 0) {
                                fprintf(stderr,
                                        "sockactd: unknown log target \"%s\" (auto, journal, stderr)\n",
                                        optarg);
                                return -EINVAL;
                        }
                        o->log_target = r;
                        break;
                case ARG_DESERIALIZE:
                        if (value_parse_int(optarg, &o->deserialize_fd) < 0 || o->deserialize_fd < 3) {
                                fprintf(stderr, "sockactd: --deserialize takes an fd\n");
                                return -EINVAL;
                        }
                        break;
                case ARG_CHECK:
                        mode = MODE_CHECK;
                        seen.mode_option = "--check";
                        break;
                case ARG_DUMP:
                        mode = MODE_DUMP;
                        seen.mode_option = "--dump";
                        break;
                case 'h':
                        help();
                        mode = MODE_DONE;
                        break;
                case ARG_VERSION:
                        printf("sockactd %s\n", SOCKACT_VERSION);
                        mode = MODE_DONE;
                        break;
                case 'l':
                case 'a':
                case 'd':
                case 'E':
                case ARG_SEQPACKET:
                case ARG_INETD:
                case ARG_FDNAME:
                        r = parse_adhoc_option(c, optarg, a, &seen);
                        if (r < 0)
                                return r;
                        break;
                default:
                        return -EINVAL;
                }
        }

        if (check_mode(&mode, argc, a, &seen) < 0)
                return -EINVAL;
        if (mode == MODE_ADHOC) {
                a->command = argv + optind;
                r = adhoc_options_check(a);
                if (r < 0)
                        return r;
        }
        if (mode == MODE_CHECK && optind >= argc) {
                fprintf(stderr, "sockactd: --check needs at least one unit file or directory\n");
                return -EINVAL;
        }
        if (mode == MODE_DUMP && optind != argc - 1) {
                fprintf(stderr, "sockactd: --dump needs exactly one unit file\n");
                return -EINVAL;
        }
        if ((mode == MODE_DAEMON || mode == MODE_DONE) && optind < argc) {
                fprintf(stderr, "sockactd: unexpected argument \"%s\" (a COMMAND to run needs -l ADDRESS)\n",
                        argv[optind]);
                return -EINVAL;
        }
        *ret_mode = mode;
        return 0;
}

int main(int argc, char *argv[])
{
        struct daemon_options o = { .log_target = LOG_TARGET_AUTO,
                                    .log_level = LOG_INFO,
                                    .control_group = (gid_t) -1,
                                    .argv = argv,
                                    .deserialize_fd = -1 };
        struct adhoc_options a = { .type = LISTEN_STREAM };
        enum mode mode;
        int status;

        if (parse_argv(argc, argv, &o, &a, &mode) < 0) {
                strv_free(o.unit_dirs);
                adhoc_options_clear(&a);
                return 2;
        }
        switch (mode) {
        case MODE_CHECK:
                status = check_run(argv + optind);
                break;
        case MODE_DUMP:
                status = dump_run(argv[optind]);
                break;
        case MODE_DAEMON:
                log_setup(o.log_target, o.log_level);
                status = daemon_run(&o);
                break;
        case MODE_ADHOC:
                status = adhoc_run(&a, &o); /* sets up logging once the command line is found good */
                break;
        default:
                status = 0;
        }
        strv_free(o.unit_dirs);
        adhoc_options_clear(&a);
        return status;
}
