/* The daemon's life: find its directories, load every unit (a broken one is logged with its
 * file:line and left out, the others go on), then run the sd-event loop until SIGTERM or
 * SIGINT. Signals are blocked before the loop is built, so that none is lost in between. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "load.h"

/* The unit directories when none are given: /etc/sockact/units and /run/sockact/units for
 * root, $XDG_CONFIG_HOME/sockact/units (~/.config/sockact/units) for anyone else. Those that do
 * not exist are left out (a directory given with --unit-dir must exist). */
static int default_unit_dirs(char ***ret)
{
        _cleanup_strv_free_ char **dirs = NULL;
        const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        char *dir = NULL;
        int r;

        if (geteuid() == 0) {
                if (strv_extend(&dirs, "/etc/sockact/units") < 0 ||
                    strv_extend(&dirs, "/run/sockact/units") < 0)
                        return -ENOMEM;
        } else {
                if (config && *config == '/')
                        r = strdup_printf(&dir, "%s/sockact/units", config);
                else if (home && *home == '/')
                        r = strdup_printf(&dir, "%s/.config/sockact/units", home);
                else
                        return -ENXIO;
                if (r < 0 || strv_consume(&dirs, dir) < 0)
                        return -ENOMEM;
        }

        _cleanup_strv_free_ char **existing = NULL;
        for (size_t i = 0; dirs[i]; i++) {
                if (access(dirs[i], F_OK) < 0) {
                        log_debug("No unit directory %s, skipping", dirs[i]);
                        continue;
                }
                if (strv_extend(&existing, dirs[i]) < 0)
                        return -ENOMEM;
        }
        if (!existing && strv_copy(NULL, &existing) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(existing);
        return 0;
}

static int load_units(char *const *dirs, struct unit_set *ret)
{
        struct specifier_storage storage;
        struct specifier_context ctx;
        struct diag diag = { 0 };
        struct load_options o;
        int r;

        r = specifier_context_from_system(&ctx, &storage);
        if (r < 0)
                return log_error(r, "Cannot read the system's identity for specifiers: %m");
        o = (struct load_options){ .specifiers = &ctx, .ipv6_supported = address_ipv6_supported() };

        r = unit_set_load(dirs, NULL, &o, ret, &diag);
        for (size_t i = 0; i < diag.n; i++)
                log_unit_full(LOG_ERR, NULL, 0, "%s", diag.messages[i]);
        diag_clear(&diag);
        if (r < 0)
                return log_error(r, "Loading units failed: %m");

        for (size_t i = 0; i < ret->n_reports; i++)
                if (ret->reports[i].unit)
                        log_unit_info(ret->reports[i].name, "loaded from %s", ret->reports[i].path);
                else if (!ret->reports[i].template_file)
                        log_unit_warning(ret->reports[i].name, 0, "not loaded, see the errors above");
        return 0;
}

static int on_stop_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        (void) userdata;
        log_info("Received %s, stopping", strsignal((int) si->ssi_signo));
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

int daemon_run(const struct daemon_options *o)
{
        _cleanup_strv_free_ char **default_dirs = NULL;
        struct unit_set set = { 0 };
        sd_event *event = NULL;
        sigset_t mask;
        int r;

        if (!o->unit_dirs && default_unit_dirs(&default_dirs) < 0) {
                log_error(
                        0,
                        "Cannot find the unit directory: set $HOME or $XDG_CONFIG_HOME, or pass --unit-dir");
                return 1;
        }
        if (load_units(o->unit_dirs ? o->unit_dirs : default_dirs, &set) < 0)
                return 1;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_stop_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_stop_signal, NULL);
        if (r < 0) {
                log_error(r, "Cannot set up the event loop: %m");
                goto finish;
        }
        log_info("%zu units loaded, waiting for SIGTERM", set.n);
        r = sd_event_loop(event);
        if (r < 0)
                log_error(r, "Event loop failed: %m");
finish:
        sd_event_unref(event);
        unit_set_clear(&set);
        return r < 0 ? 1 : 0;
}
