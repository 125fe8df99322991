/* The daemon's life: find its directories, take the runtime directory (one sockactd each), load
 * every unit (a broken one is logged with its file:line and left out, the others go on), bind
 * and watch the sockets, run the sd-event loop; on SIGHUP read the units again (reload.h); on SIGTERM
 * or SIGINT stop every service, close the sockets and exit 0. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "control.h"
#include "daemon.h"
#include "load.h"
#include "manager.h"
#include "reexec.h"
#include "reload.h"
#include "spawn.h"

extern char **environ;

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

static int load_units(char *const *dirs, const struct specifier_context *ctx, struct unit_set *ret)
{
        struct diag diag = { 0 };
        struct load_options o = { .specifiers = ctx, .ipv6_supported = address_ipv6_supported() };
        int r;

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

/* sockactd holds an fd per socket, connection, stored fd and control client: its soft
 * RLIMIT_NOFILE goes up to the hard one (at most DAEMON_NOFILE_MAX). Its children get the limit it
 * started with, as systemd's do, unless LimitNOFILE= says otherwise: select() cannot handle fds
 * above 1023. Returns that limit, in *saved, or NULL when nothing changed. After a re-exec, former is
 * the limit the first image started with (-1: none). */
#define DAEMON_NOFILE_MAX 65536

static const struct rlimit *raise_nofile(struct rlimit *saved, int former)
{
        struct rlimit raised;

        if (getrlimit(RLIMIT_NOFILE, saved) < 0)
                return NULL;
        if (former > 0 && (rlim_t) former < saved->rlim_cur) { /* a former image raised it: what it had */
                saved->rlim_cur = (rlim_t) former;
                return saved;
        }
        raised = *saved;
        raised.rlim_cur = saved->rlim_max < DAEMON_NOFILE_MAX ? saved->rlim_max : DAEMON_NOFILE_MAX;
        if (raised.rlim_cur <= saved->rlim_cur || setrlimit(RLIMIT_NOFILE, &raised) < 0)
                return NULL;
        return saved;
}

/* One sockactd per runtime directory: a lock on DIR/lock, held until exit (the kernel drops it
 * with the process, so a dead sockactd never blocks the next one). */
static int take_runtime_dir(const char *dir, struct restore *r)
{
        _cleanup_free_ char *lock = NULL;
        int fd;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return log_error(errno, "Cannot create the runtime directory %s: %m", dir);
        if (strdup_printf(&lock, "%s/lock", dir) < 0)
                return -ENOMEM;
        fd = restore_take_file(r, lock); /* a former image's, held all along, even without its state */
        if (fd >= 0)
                return fd;
        fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return log_error(errno, "Cannot open %s: %m", lock);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int error = errno;
                close(fd);
                if (error == EWOULDBLOCK)
                        return log_error(0, "Another sockactd is running with the runtime directory %s",
                                         dir);
                return log_error(error, "Cannot lock %s: %m", lock);
        }
        return fd; /* kept open, close-on-exec, for the life of the daemon */
}

/* Started by a manager with sockets (LISTEN_FDS, for this pid): they are offered to the units, so that
 * a listener with the same address takes the inherited socket rather than binding again. */
static int take_inherited(struct manager *m)
{
        int n = sd_listen_fds(true); /* close-on-exec from here on, and out of the environment */

        if (n <= 0)
                return 0;
        m->adoptable = malloc((size_t) n * sizeof(int));
        if (!m->adoptable)
                return -ENOMEM;
        for (int i = 0; i < n; i++)
                m->adoptable[i] = SD_LISTEN_FDS_START + i;
        m->n_adoptable = (size_t) n;
        log_info("Inherited %d sockets (LISTEN_FDS)", n);
        return 0;
}

/* After a re-exec: what the former image left, read before anything is opened. A state that cannot
 * be read leaves the inherited sockets, which the units adopt by address. */
static void take_state(const struct daemon_options *o, struct restore *r)
{
        int error;

        if (o->deserialize_fd < 0)
                return;
        error = restore_collect_inherited(r);
        if (error >= 0)
                error = restore_read(r, o->deserialize_fd);
        if (error < 0)
                log_error(error,
                          "Cannot read the state the former sockactd left (%m): its sockets are adopted by "
                          "address, its services run on unsupervised, its stored fds are lost");
}

/* The binary sockactd runs, for sockactl reexec: the path it was started from (a newer file there is
 * what a reexec runs). NULL when it cannot tell. */
static char *own_binary(void)
{
        char path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

        if (n <= 0)
                return NULL;
        path[n] = '\0';
        if (endswith(path, " (deleted)")) /* replaced by an upgrade: the new file */
                path[n - strlen(" (deleted)")] = '\0';
        return strdup(path);
}

static int on_stop_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        struct manager *m = userdata;

        (void) s;
        log_info("Received %s, stopping", strsignal((int) si->ssi_signo));
        manager_begin_stop(m);
        return 0;
}

static int on_reload_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        struct manager *m = userdata;
        _cleanup_free_ char *changes = NULL;
        struct diag errors = { 0 };
        size_t len;
        int r;

        (void) s, (void) si;
        log_info("Received SIGHUP, reloading");
        r = manager_reload(m, false, &changes, &len, &errors);
        if (r == -EOPNOTSUPP)
                log_warning(0, "The units were given on the command line: there is nothing to reload");
        diag_clear(&errors);
        return 0;
}

int daemon_run(const struct daemon_options *o)
{
        _cleanup_strv_free_ char **default_dirs = NULL;
        _cleanup_free_ char *runtime_dir = NULL;
        _cleanup_close_ int lock_fd = -1;
        _cleanup_free_ char *exe = own_binary();
        _cleanup_(restore_done) struct restore restore = { 0 };
        struct specifier_storage storage;
        struct specifier_context ctx;
        struct manager m = { .notify.fd = -1, .control.fd = -1, .fds_server.fd = -1, .control_group = o->control_group };
        struct rlimit nofile;
        struct unit_set set = { 0 };
        sd_event *event = NULL;
        sigset_t mask;
        int r;

        take_state(o, &restore); /* first: the fds open now are those inherited */
        if (!o->units && !o->unit_dirs && default_unit_dirs(&default_dirs) < 0) {
                log_error(
                        0,
                        "Cannot find the unit directory: set $HOME or $XDG_CONFIG_HOME, or pass --unit-dir");
                return 1;
        }
        if (o->runtime_dir)
                runtime_dir = strdup(o->runtime_dir);
        else if (control_default_runtime_dir(&runtime_dir) < 0) {
                log_error(0,
                          "Cannot find the runtime directory: set $XDG_RUNTIME_DIR, or pass --runtime-dir");
                return 1;
        }
        if (!runtime_dir)
                return 1;
        lock_fd = take_runtime_dir(runtime_dir, &restore);
        if (lock_fd < 0)
                return 1;
        char *absolute = realpath(runtime_dir, NULL); /* $NOTIFY_SOCKET must work from any directory */
        if (!absolute) {
                log_error(errno, "Cannot resolve %s: %m", runtime_dir);
                return 1;
        }
        free(runtime_dir);
        runtime_dir = absolute;
        r = specifier_context_from_system(&ctx, &storage);
        if (r < 0) {
                log_error(r, "Cannot read the system's identity for specifiers: %m");
                return 1;
        }
        if (o->units) {
                set = *o->units;
                *o->units = (struct unit_set){ 0 };
        } else if (load_units(o->unit_dirs ? o->unit_dirs : default_dirs, &ctx, &set) < 0)
                return 1;

        /* sd-event takes these signals through a signalfd (SIGCHLD for children.h): block them
         * before the first source exists, so that none arrives unseen. Children unblock. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        spawn_record_dispositions();

        r = sd_event_default(&event);
        /* WATCHDOG=1 to sockactd's own manager when $WATCHDOG_USEC asks for it */
        if (r >= 0 && sd_event_set_watchdog(event, true) < 0)
                log_warning(0, "$WATCHDOG_USEC is set, and cannot be served: no WATCHDOG=1 will be sent");
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_stop_signal, &m);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_stop_signal, &m);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGHUP, on_reload_signal, &m);
        if (r < 0) {
                log_error(r, "Cannot set up the event loop: %m");
                goto finish;
        }
        /* null_fd: the manager opens it */
        struct exec_roots roots = { .runtime = ctx.runtime_root,
                                    .state = ctx.state_root,
                                    .manager_env = environ,
                                    .null_fd = -1,
                                    .nofile = raise_nofile(&nofile, restore_number(&restore, "nofile")) };
        m.load_options =
                (struct load_options){ .specifiers = &ctx, .ipv6_supported = address_ipv6_supported() };
        r = take_inherited(&m);
        if (r < 0) {
                log_error(r, "Cannot start: %m");
                goto finish;
        }
        char *const *reload_dirs = o->unit_dirs ? o->unit_dirs : default_dirs; /* none in ad-hoc mode */
        m.lock_fd = lock_fd;
        m.exe = exe;
        m.argv = o->argv;
        r = manager_start(&m, event, &set, o->units ? NULL : reload_dirs, &roots, runtime_dir, &restore);
        if (r < 0) {
                log_error(r, "Cannot start: %m");
                goto finish;
        }
        r = sd_event_loop(event);
        if (r < 0)
                log_error(r, "Event loop failed: %m");
finish:
        manager_free(&m);
        sd_event_unref(event);
        unit_set_clear(&set);
        return r < 0 ? 1 : 0;
}
