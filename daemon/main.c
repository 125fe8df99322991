/* sockactd: parse the command line, then run one mode: check, dump, or the daemon.
 * main() reads as the list of steps it takes; each step is a small named function. */
#include <errno.h>
#include <getopt.h>

#include "offline.h"
#include "daemon.h"
#include "log.h"

enum mode {
        MODE_DAEMON,
        MODE_CHECK,
        MODE_DUMP,
        MODE_DONE, /* --help, --version */
};

static void help(void)
{
        printf("Usage: sockactd [OPTION]...\n"
               "       sockactd --check PATH...\n"
               "       sockactd --dump FILE\n"
               "\n"
               "Hold the sockets of systemd-style socket units and start their services on demand.\n"
               "\n"
               "  -u, --unit-dir DIR      read units from DIR (repeatable; the first that has a name wins)\n"
               "  -r, --runtime-dir DIR   its lock and the notify socket go here\n"
               "  -l, --log-level LEVEL   debug, info, notice, warning, err, crit, alert, emerg (default "
               "info)\n"
               "  -t, --log-target TARGET auto, journal or stderr (default auto)\n"
               "      --check PATH...     load and verify units (files or directories), touch nothing;\n"
               "                          exit 0 only if every unit loads\n"
               "      --dump FILE         print the effective configuration of one unit\n"
               "  -h, --help              show this help\n"
               "      --version           show the version\n"
               "\n"
               "See sockactd(8), sockact.socket(5) and sockact.service(5).\n");
}

static int parse_argv(int argc, char *argv[], struct daemon_options *o, enum mode *ret_mode)
{
        enum { ARG_CHECK = 0x100, ARG_DUMP, ARG_VERSION };
        static const struct option options[] = {
                { "unit-dir", required_argument, NULL, 'u' },
                { "runtime-dir", required_argument, NULL, 'r' },
                { "log-level", required_argument, NULL, 'l' },
                { "log-target", required_argument, NULL, 't' },
                { "check", no_argument, NULL, ARG_CHECK },
                { "dump", no_argument, NULL, ARG_DUMP },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {},
        };
        enum mode mode = MODE_DAEMON;
        int c, r;

        while ((c = getopt_long(argc, argv, "u:r:l:t:h", options, NULL)) >= 0) {
                switch (c) {
                case 'u':
                        if (strv_extend(&o->unit_dirs, optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'r':
                        o->runtime_dir = optarg;
                        break;
                case 'l':
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
                case ARG_CHECK:
                        mode = MODE_CHECK;
                        break;
                case ARG_DUMP:
                        mode = MODE_DUMP;
                        break;
                case 'h':
                        help();
                        mode = MODE_DONE;
                        break;
                case ARG_VERSION:
                        printf("sockactd %s\n", SOCKACT_VERSION);
                        mode = MODE_DONE;
                        break;
                default:
                        return -EINVAL;
                }
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
                fprintf(stderr, "sockactd: unexpected argument \"%s\"\n", argv[optind]);
                return -EINVAL;
        }
        *ret_mode = mode;
        return 0;
}

int main(int argc, char *argv[])
{
        struct daemon_options o = { .log_target = LOG_TARGET_AUTO, .log_level = LOG_INFO };
        enum mode mode;
        int status;

        if (parse_argv(argc, argv, &o, &mode) < 0) {
                strv_free(o.unit_dirs);
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
        default:
                status = 0;
        }
        strv_free(o.unit_dirs);
        return status;
}
