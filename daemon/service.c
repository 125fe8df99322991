/* A service's life, one enter_*() step per state: each step starts a process or a timer and
 * returns; the child-exit and timer events call the next step. Only the main process of a
 * running service and one control process (an ExecStartPre=… command) exist at a time.
 * What restarts and what a process's exit means are pure functions, tested on their own. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "manager.h"
#include "reaper.h"
#include "reexec.h"
#include "value.h"
#include "service.h"

static const char *const service_state_table[_SERVICE_STATE_MAX] = {
        [SERVICE_DEAD] = "dead",
        [SERVICE_START_PRE] = "start-pre",
        [SERVICE_START] = "start",
        [SERVICE_START_POST] = "start-post",
        [SERVICE_RUNNING] = "running",
        [SERVICE_RELOAD] = "reload",
        [SERVICE_STOP] = "stop",
        [SERVICE_STOP_SIGTERM] = "stop-sigterm",
        [SERVICE_STOP_SIGKILL] = "stop-sigkill",
        [SERVICE_STOP_POST] = "stop-post",
        [SERVICE_AUTO_RESTART] = "auto-restart",
        [SERVICE_FAILED] = "failed",
};

static const char *const service_result_table[_SERVICE_RESULT_MAX] = {
        [SERVICE_SUCCESS] = "success",
        [SERVICE_FAILURE_RESOURCES] = "resources",
        [SERVICE_FAILURE_PROTOCOL] = "protocol",
        [SERVICE_FAILURE_TIMEOUT] = "timeout",
        [SERVICE_FAILURE_EXIT_CODE] = "exit-code",
        [SERVICE_FAILURE_SIGNAL] = "signal",
        [SERVICE_FAILURE_CORE_DUMP] = "core-dump",
        [SERVICE_FAILURE_WATCHDOG] = "watchdog",
        [SERVICE_FAILURE_START_LIMIT_HIT] = "start-limit-hit",
};

const char *service_state_to_string(enum service_state s)
{
        return (size_t) s < ELEMENTSOF(service_state_table) ? service_state_table[s] : "?";
}

const char *service_result_to_string(enum service_result r)
{
        return (size_t) r < ELEMENTSOF(service_result_table) ? service_result_table[r] : "?";
}

/* systemd.service(5), Restart=: which results restart under which setting. A clean exit is
 * SERVICE_SUCCESS (exit status 0, or SIGHUP, SIGINT, SIGTERM or SIGPIPE). */
bool service_restart_needed(enum service_restart policy, enum service_result r)
{
        switch (policy) {
        case RESTART_ALWAYS:
                return r != SERVICE_FAILURE_START_LIMIT_HIT;
        case RESTART_ON_SUCCESS:
                return r == SERVICE_SUCCESS;
        case RESTART_ON_FAILURE:
                return r != SERVICE_SUCCESS && r != SERVICE_FAILURE_START_LIMIT_HIT;
        case RESTART_ON_ABNORMAL:
                return r == SERVICE_FAILURE_SIGNAL || r == SERVICE_FAILURE_CORE_DUMP ||
                       r == SERVICE_FAILURE_TIMEOUT || r == SERVICE_FAILURE_WATCHDOG;
        case RESTART_ON_WATCHDOG:
                return r == SERVICE_FAILURE_WATCHDOG;
        case RESTART_ON_ABORT:
                return r == SERVICE_FAILURE_SIGNAL || r == SERVICE_FAILURE_CORE_DUMP;
        default:
                return false;
        }
}

enum service_result service_result_from_exit(int code, int status, bool main_process)
{
        if (code == CLD_EXITED)
                return status == 0 ? SERVICE_SUCCESS : SERVICE_FAILURE_EXIT_CODE;
        if (code == CLD_DUMPED)
                return SERVICE_FAILURE_CORE_DUMP;
        if (main_process && (status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE))
                return SERVICE_SUCCESS; /* the signals systemd counts as a clean stop */
        return SERVICE_FAILURE_SIGNAL;
}

static void enter_stop(struct service_unit *s, enum service_result result);
static void enter_stop_post(struct service_unit *s);
static void enter_signal(struct service_unit *s, enum service_state state);
static void enter_start(struct service_unit *s);
static void enter_start_post(struct service_unit *s);
static void run_next_control(struct service_unit *s);
static void enter_forked(struct service_unit *s);
static void check_running(struct service_unit *s);
static void take_next_unit(struct service_unit *s);
static int on_poll(sd_event_source *source, uint64_t usec, void *userdata);

/* PIDFile='s path: relative paths are below the runtime root (%t), as in systemd. */
static void pid_file_path(const struct service_unit *s, char buf[PATH_MAX])
{
        const char *p = s->unit->service.pid_file;

        if (p[0] == '/')
                snprintf(buf, PATH_MAX, "%s", p);
        else
                snprintf(buf, PATH_MAX, "%s/%s", s->manager->roots.runtime, p);
}

/* systemd removes the PID file a stopped service leaves; so does sockactd. */
static void remove_pid_file(const struct service_unit *s)
{
        char path[PATH_MAX];

        if (!s->unit->service.pid_file)
                return;
        pid_file_path(s, path);
        if (unlink(path) < 0 && errno != ENOENT)
                log_unit_warning(s->unit->name, errno, "Cannot remove PIDFile=%s: %m", path);
}

/* FileDescriptorStorePreserve=: no empties the store at any stop, restart keeps it for a restart,
 * yes keeps it until sockactd exits. */
static void release_fd_store(struct service_unit *s, enum service_state state)
{
        enum fd_store_preserve preserve = s->unit->service.fd_store_preserve;

        if (s->fd_store.n == 0 || preserve == FD_STORE_PRESERVE_YES ||
            (preserve == FD_STORE_PRESERVE_RESTART && state == SERVICE_AUTO_RESTART))
                return;
        log_unit_debug(s->unit->name, "Closing the %zu fds of its fd store", s->fd_store.n);
        fd_store_clear(&s->fd_store);
}

/* The states in which WatchdogSec= applies: from the end of the start-up on. */
static bool watchdog_applies(enum service_state state)
{
        return state == SERVICE_START_POST || state == SERVICE_RUNNING || state == SERVICE_RELOAD;
}

static void arm_watchdog(struct service_unit *s);

static void set_state(struct service_unit *s, enum service_state state)
{
        if (s->state == state)
                return;
        if (!watchdog_applies(state))
                s->watchdog = sd_event_source_disable_unref(s->watchdog);
        else if (!watchdog_applies(s->state))
                arm_watchdog(s);
        if (state == SERVICE_DEAD || state == SERVICE_FAILED || state == SERVICE_AUTO_RESTART) {
                s->main_pgid = s->control_pgid = 0; /* emptied, or left by KillMode=process */
                remove_pid_file(s);
                release_fd_store(s, state);
        }
        log_unit_debug(s->unit->name, "%s → %s", service_state_to_string(s->state),
                       service_state_to_string(state));
        s->state = state;
        if (state == SERVICE_DEAD || state == SERVICE_FAILED)
                manager_service_down(s->manager, s);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata);

/* Arms the one timer of the service, usec from now (USEC_INFINITY: none). */
static void arm_timer(struct service_unit *s, uint64_t usec)
{
        s->timer = sd_event_source_disable_unref(s->timer);
        if (usec == USEC_INFINITY)
                return;
        if (sd_event_add_time_relative(s->manager->event, &s->timer, CLOCK_MONOTONIC, usec, 0, on_timer, s) <
            0)
                log_unit_warning(s->unit->name, 0, "Cannot arm a timer, the service may wait forever");
}

static void enter_signal(struct service_unit *s, enum service_state state);

/* Missed WATCHDOG=1, or WATCHDOG=trigger: the service is aborted, as systemd does it (ExecStop=
 * does not run), and its result is "watchdog". */
static void fire_watchdog(struct service_unit *s)
{
        s->watchdog = sd_event_source_disable_unref(s->watchdog);
        if (!watchdog_applies(s->state))
                return;
        if (s->result == SERVICE_SUCCESS)
                s->result = SERVICE_FAILURE_WATCHDOG;
        s->watchdog_fired = true;
        enter_signal(s, SERVICE_STOP_SIGTERM);
}

static int on_watchdog(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct service_unit *s = userdata;

        (void) source, (void) usec;
        log_unit_error(s->unit->name, 0, "Watchdog timeout: no WATCHDOG=1 within %.3gs, sending SIGABRT",
                       (double) s->watchdog_usec / USEC_PER_SEC);
        fire_watchdog(s);
        return 0;
}

/* (Re)starts the watchdog's count from now. */
static void arm_watchdog(struct service_unit *s)
{
        if (s->watchdog_usec == 0) {
                s->watchdog = sd_event_source_disable_unref(s->watchdog);
                return;
        }
        if (s->watchdog && sd_event_source_set_time_relative(s->watchdog, s->watchdog_usec) >= 0 &&
            sd_event_source_set_enabled(s->watchdog, SD_EVENT_ONESHOT) >= 0)
                return;
        s->watchdog = sd_event_source_disable_unref(s->watchdog);
        if (sd_event_add_time_relative(s->manager->event, &s->watchdog, CLOCK_MONOTONIC, s->watchdog_usec,
                                       SERVICE_WATCHDOG_ACCURACY_USEC, on_watchdog, s) < 0)
                log_unit_warning(s->unit->name, 0, "Cannot arm the watchdog, WatchdogSec= has no effect");
}

static void on_main_exit(struct child_watch *w, const siginfo_t *si);
static void on_control_exit(struct child_watch *w, const siginfo_t *si);

#define ENVIRONMENT_MAX 8 /* the assignments control_environment() may add */

/* The environment sockactd adds to a command: $NOTIFY_SOCKET (unless NotifyAccess=none),
 * $MAINPID, an instance's $REMOTE_ADDR and $REMOTE_PORT, the main process's $WATCHDOG_USEC
 * (spawn adds $WATCHDOG_PID), and during a stop the result so far. */
static void control_environment(const struct service_unit *s, bool main,
                                char buf[ENVIRONMENT_MAX][PATH_MAX + 16], char *env[ENVIRONMENT_MAX + 1])
{
        size_t n = 0;

        if (main && s->watchdog_usec > 0) {
                snprintf(buf[n], sizeof(buf[n]), "WATCHDOG_USEC=%" PRIu64, s->watchdog_usec);
                env[n] = buf[n];
                n++;
        }

        if (s->connection && s->connection->remote_addr[0]) {
                snprintf(buf[n], sizeof(buf[n]), "REMOTE_ADDR=%s", s->connection->remote_addr);
                env[n] = buf[n];
                n++;
        }
        if (s->connection && s->connection->remote_port > 0) {
                snprintf(buf[n], sizeof(buf[n]), "REMOTE_PORT=%u", s->connection->remote_port);
                env[n] = buf[n];
                n++;
        }

        if (s->unit->service.notify_access != NOTIFY_NONE && s->manager->notify.path) {
                snprintf(buf[n], sizeof(buf[n]), "NOTIFY_SOCKET=%s", s->manager->notify.path);
                env[n] = buf[n];
                n++;
        }

        if (s->main_pid > 0) {
                snprintf(buf[n], sizeof(buf[n]), "MAINPID=%d", (int) s->main_pid);
                env[n] = buf[n];
                n++;
        }
        if (s->state == SERVICE_STOP || s->state == SERVICE_STOP_POST) {
                snprintf(buf[n], sizeof(buf[n]), "SERVICE_RESULT=%s", service_result_to_string(s->result));
                env[n] = buf[n];
                n++;
                if (s->main_code != 0) {
                        snprintf(buf[n], sizeof(buf[n]), "EXIT_CODE=%s",
                                 s->main_code == CLD_EXITED   ? "exited"
                                 : s->main_code == CLD_DUMPED ? "dumped"
                                                              : "killed");
                        env[n] = buf[n];
                        n++;
                        if (s->main_code == CLD_EXITED)
                                snprintf(buf[n], sizeof(buf[n]), "EXIT_STATUS=%d", s->main_status);
                        else
                                snprintf(buf[n], sizeof(buf[n]), "EXIT_STATUS=%s",
                                         sigabbrev_np(s->main_status) ?: "?");
                        env[n] = buf[n];
                        n++;
                }
        }
        env[n] = NULL;
}

static int start_command(struct service_unit *s, const struct exec_command *c, bool main, pid_t *ret_pid)
{
        _cleanup_free_ int *fds = NULL;
        _cleanup_strv_free_ char **names = NULL;
        char buf[ENVIRONMENT_MAX][PATH_MAX + 16], *env[ENVIRONMENT_MAX + 1], *connection_names[2] = { NULL };
        struct exec_params p = { .socket_fd = -1,
                                 .new_session = true,
                                 .in_cgroup = s->cgroup_fd >= 0,
                                 .cgroup_fd = s->cgroup_fd,
                                 .extra_env = env };
        size_t n = 0;
        int r;

        if (main && s->connection) {
                /* Accept=yes: the connection at 3 (LISTEN_FDNAMES "connection" or FileDescriptorName=),
                 * or with StandardInput=socket on stdin */
                connection_names[0] = (char *) unit_socket_fd_name(s->connection->socket->unit);
                p.socket_fd = s->connection->fd;
                p.socket_is_connection = true;
                if (s->unit->service.std_input != STD_INPUT_SOCKET &&
                    s->unit->service.std_output != STD_OUTPUT_SOCKET &&
                    s->unit->service.std_error != STD_OUTPUT_SOCKET) {
                        p.fds = &s->connection->fd;
                        p.n_fds = 1;
                        p.fd_names = connection_names;
                }
        } else if (main) {
                r = manager_service_fds(s->manager, s, &fds, &names, &n);
                if (r < 0)
                        return r;
                if (s->unit->service.std_input == STD_INPUT_SOCKET ||
                    s->unit->service.std_output == STD_OUTPUT_SOCKET ||
                    s->unit->service.std_error == STD_OUTPUT_SOCKET) {
                        /* inetd "wait" style: the one listener, no LISTEN_*, so no fd store either */
                        p.socket_fd = n - s->fd_store.n == 1 ? fds[0] : -1;
                } else {
                        p.fds = fds;
                        p.n_fds = n;
                        p.fd_names = names;
                }
        }
        p.watchdog_pid = main && s->watchdog_usec > 0;
        control_environment(s, main, buf, env);
        r = exec_command_start(s->unit, c, &p, &s->manager->roots, ret_pid);
        if (r < 0)
                return r;
        *(main ? &s->main_pgid : &s->control_pgid) = *ret_pid; /* setsid(): its own group */
        if (ret_pid == &s->main_pid)
                children_watch(&s->manager->children, &s->main_watch, *ret_pid, on_main_exit);
        else
                children_watch(&s->manager->children, &s->control_watch, *ret_pid, on_control_exit);
        return 0;
}

/* Runs the next command of the current control list, or goes on to the next state. */
static void run_next_control(struct service_unit *s)
{
        const struct exec_list *l = s->control_list;

        while (l && s->control_index < l->n) {
                const struct exec_command *c = &l->commands[s->control_index++];
                /* Type=oneshot's ExecStart= commands get the sockets, as a main process does. */
                int r = start_command(s, c, s->state == SERVICE_START, &s->control_pid);

                if (r == -ENOENT && (c->flags & EXEC_IGNORE_FAILURE))
                        continue;
                if (r < 0) {
                        enter_stop(s, SERVICE_FAILURE_RESOURCES);
                        return;
                }
                return; /* on_control_exit() comes back here */
        }

        switch (s->state) {
        case SERVICE_START_PRE:
                enter_start(s);
                break;
        case SERVICE_START:
                if (s->unit->service.type == SERVICE_FORKING)
                        enter_forked(s); /* ExecStart= has exited: find the daemon it left */
                else
                        enter_start_post(s); /* Type=oneshot: every ExecStart= has run */
                break;
        case SERVICE_START_POST:
                if (s->unit->service.type == SERVICE_ONESHOT)
                        enter_stop(s, SERVICE_SUCCESS);
                else {
                        arm_timer(s, USEC_INFINITY);
                        set_state(s, SERVICE_RUNNING);
                        check_running(s);
                }
                break;
        case SERVICE_STOP:
                enter_signal(s, SERVICE_STOP_SIGTERM);
                break;
        case SERVICE_STOP_POST: {
                bool asked = s->restart_requested && !s->manager->stopping,
                     restart = asked || (!s->stop_requested && !s->manager->stopping && !s->connection &&
                                         service_restart_needed(s->unit->service.restart, s->result));

                arm_timer(s, USEC_INFINITY);
                s->control_list = NULL;
                if (asked) { /* sockactl restart: at once */
                        set_state(s, SERVICE_AUTO_RESTART);
                        arm_timer(s, 0);
                } else if (restart) {
                        log_unit_info(s->unit->name, "Restarting in %.3gs (%s)",
                                      (double) s->unit->service.restart_sec / USEC_PER_SEC,
                                      service_result_to_string(s->result));
                        set_state(s, SERVICE_AUTO_RESTART);
                        arm_timer(s, s->unit->service.restart_sec);
                } else
                        set_state(s, s->result == SERVICE_SUCCESS ? SERVICE_DEAD : SERVICE_FAILED);
                break;
        }
        default:
                break;
        }
}

static void begin_control(struct service_unit *s, enum service_state state, const struct exec_list *l,
                          uint64_t timeout)
{
        set_state(s, state);
        s->control_list = l;
        s->control_index = 0;
        arm_timer(s, timeout);
        run_next_control(s);
}

/* ---- Type=forking ---- */

/* The pid in PIDFile=: a decimal number and a newline. -ENOENT while the file is not there. */
static int read_pid_file(const struct service_unit *s, pid_t *ret)
{
        char path[PATH_MAX], buf[32];
        _cleanup_close_ int fd = -1;
        ssize_t n;
        uint64_t pid;

        pid_file_path(s, path);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (value_parse_uint64(buf, &pid) < 0 || pid == 0 || pid > INT_MAX)
                return -EBADMSG;
        *ret = (pid_t) pid;
        return 0;
}

/* The processes that may be the main process: sockactd's children (it is their subreaper) that
 * no unit owns, in the service's cgroup when it has one. Returns how many there are, the first
 * in *ret_first, or -errno. */
static int main_candidates(const struct service_unit *s, pid_t only, pid_t *ret_first)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int found = 0, r;

        r = reaper_children(&pids, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if ((only > 0 && pids[i] != only) || manager_owns_pid(s->manager, pids[i]))
                        continue;
                if (s->cgroup_fd >= 0 && cgroup_contains(s->cgroup_fd, pids[i]) <= 0)
                        continue;
                if (found++ == 0)
                        *ret_first = pids[i];
        }
        return found;
}

/* pid is a child of sockactd's, found alive: should it have exited since, its exit is still to be
 * dispatched, as every reaped child's is. */
static void adopt_main(struct service_unit *s, pid_t pid)
{
        pid_t pgid = getpgid(pid);

        s->main_pid = pid;
        s->main_pgid = pgid > 0 ? pgid : pid;
        log_unit_debug(s->unit->name, "Main process is %d", (int) pid);
        children_watch(&s->manager->children, &s->main_watch, pid, on_main_exit);
}

/* ExecStart= of a Type=forking service has exited: the main process is the one in PIDFile= (which
 * may appear later, until TimeoutStartSec=), or with GuessMainPID= the one process ExecStart=
 * left. Without one, a service with a cgroup runs until the cgroup is empty, as in systemd; one
 * without a cgroup cannot be supervised and fails. */
static void enter_forked(struct service_unit *s)
{
        const struct service_config *c = &s->unit->service;
        pid_t pid = 0;
        int n, r;

        if (c->pid_file) {
                char path[PATH_MAX];

                pid_file_path(s, path);
                r = read_pid_file(s, &pid);
                if (r == -ENOENT) {
                        if (!s->poll &&
                            sd_event_add_time_relative(s->manager->event, &s->poll, CLOCK_MONOTONIC,
                                                       SERVICE_POLL_USEC, SERVICE_POLL_ACCURACY_USEC,
                                                       on_poll, s) < 0)
                                enter_stop(s, SERVICE_FAILURE_RESOURCES);
                        return; /* on_poll() comes back; TimeoutStartSec= runs */
                }
                if (r < 0) {
                        log_unit_error(s->unit->name, r, "PIDFile=%s: %m", path);
                        enter_stop(s, SERVICE_FAILURE_PROTOCOL);
                        return;
                }
                if (main_candidates(s, pid, &pid) != 1) {
                        log_unit_error(s->unit->name, 0,
                                       "PIDFile=%s names process %d, which is not a process the service "
                                       "left running",
                                       path, (int) pid);
                        enter_stop(s, SERVICE_FAILURE_PROTOCOL);
                        return;
                }
        } else {
                n = main_candidates(s, 0, &pid);
                if (n < 0) {
                        log_unit_error(s->unit->name, n, "Cannot look for the main process: %m");
                        enter_stop(s, SERVICE_FAILURE_RESOURCES);
                        return;
                }
                if (n == 0) {
                        log_unit_info(s->unit->name, "ExecStart= exited and left no process running");
                        enter_stop(s, SERVICE_SUCCESS);
                        return;
                }
                if (n > 1 || !c->guess_main_pid) {
                        pid = 0;
                        if (s->cgroup_fd < 0) {
                                log_unit_error(s->unit->name, 0,
                                               "Cannot tell the main process among %d without a cgroup; "
                                               "set PIDFile=",
                                               n);
                                enter_stop(s, SERVICE_FAILURE_PROTOCOL);
                                return;
                        }
                        log_unit_info(s->unit->name,
                                      "No main process (%s); running until its cgroup is empty",
                                      c->guess_main_pid ? "several candidates" : "GuessMainPID=no");
                }
        }
        if (pid > 0)
                adopt_main(s, pid);
        enter_start_post(s);
}

/* A forking service without a main process is running as long as its cgroup has a process. */
static void check_running(struct service_unit *s)
{
        if ((s->state != SERVICE_RUNNING && s->state != SERVICE_RELOAD) || s->main_pid > 0 ||
            s->cgroup_fd < 0 || s->unit->service.type != SERVICE_FORKING)
                return;
        if (cgroup_is_populated(s->cgroup_fd) == 0) {
                log_unit_info(s->unit->name, "Every process of the service has exited");
                enter_stop(s, SERVICE_SUCCESS);
        }
}

static void enter_start(struct service_unit *s)
{
        const struct service_config *c = &s->unit->service;
        int r;

        s->main_code = s->main_status = 0;
        if (c->type == SERVICE_ONESHOT || c->type == SERVICE_FORKING) {
                begin_control(s, SERVICE_START, &c->exec_start, c->timeout_start);
                return;
        }
        set_state(s, SERVICE_START);
        s->control_list = NULL;
        r = start_command(s, &c->exec_start.commands[0], true, &s->main_pid);
        if (r >= 0 && s->connection)
                s->connection->pid = s->main_pid;
        if (r == -ENOENT && (c->exec_start.commands[0].flags & EXEC_IGNORE_FAILURE)) {
                enter_stop(s, SERVICE_SUCCESS);
                return;
        }
        if (r < 0) {
                enter_stop(s, SERVICE_FAILURE_RESOURCES);
                return;
        }
        if (c->type == SERVICE_NOTIFY) {
                arm_timer(s, c->timeout_start); /* READY=1 moves on, see service_unit_notify() */
                return;
        }
        enter_start_post(s);
}

static void enter_start_post(struct service_unit *s)
{
        begin_control(s, SERVICE_START_POST, &s->unit->service.exec_start_post,
                      s->unit->service.timeout_start);
}

/* Stop: ExecStop= (only for a service that started), then the kill sequence, then ExecStopPost=. */
static void enter_stop(struct service_unit *s, enum service_result result)
{
        if (s->result == SERVICE_SUCCESS)
                s->result = result;
        if (s->state == SERVICE_START_PRE || s->state == SERVICE_START) {
                enter_signal(s, SERVICE_STOP_SIGTERM);
                return;
        }
        begin_control(s, SERVICE_STOP, &s->unit->service.exec_stop, s->unit->service.timeout_stop);
}

static bool processes_left(const struct service_unit *s)
{
        return s->main_pid > 0 || s->control_pid > 0;
}

/* Whether the kill sequence must also wait for the rest of the tree: with KillMode=control-group
 * or mixed, every process in the cgroup, or in the process groups of the main and control
 * processes. KillMode=process leaves them, as in systemd. */
static bool group_left(struct service_unit *s)
{
        pid_t *pgids[2] = { &s->main_pgid, &s->control_pgid };

        if (s->unit->service.kill_mode == KILL_PROCESS)
                return false;
        if (s->cgroup_fd >= 0)
                return cgroup_is_populated(s->cgroup_fd) > 0;
        for (int i = 0; i < 2; i++)
                if (*pgids[i] > 0 && kill(-*pgids[i], 0) < 0 && errno == ESRCH)
                        *pgids[i] = 0;
        return s->main_pgid > 0 || s->control_pgid > 0;
}

/* Sends sig as KillMode= says: to every process of the cgroup or of the process groups
 * (control-group, and mixed for SIGKILL), or to the main and control processes only (process,
 * and mixed for SIGTERM). A stopped process also gets SIGCONT, so that it sees sig. */
static void send_signal(struct service_unit *s, int sig)
{
        enum kill_mode mode = s->unit->service.kill_mode;
        bool group = mode == KILL_CONTROL_GROUP || (mode == KILL_MIXED && sig == SIGKILL);
        pid_t pids[2] = { s->main_pid, s->control_pid }, pgids[2] = { s->main_pgid, s->control_pgid };
        int r;

        if (group && s->cgroup_fd >= 0) {
                r = cgroup_kill(s->cgroup_fd, sig);
                if (r < 0)
                        log_unit_warning(s->unit->name, r, "Cannot send SIG%s to the cgroup: %m",
                                         sigabbrev_np(sig));
                return;
        }
        for (int i = 0; i < 2; i++) {
                pid_t target = group && pgids[i] > 0 ? -pgids[i] : pids[i];

                if (target == 0)
                        continue;
                if (kill(target, sig) < 0 && errno != ESRCH)
                        log_unit_warning(s->unit->name, errno, "Cannot send SIG%s to %d: %m",
                                         sigabbrev_np(sig), (int) target);
                if (sig != SIGKILL)
                        (void) kill(target, SIGCONT);
        }
}

/* In the kill sequence: once no process is left, ExecStopPost=. Without a cgroup to tell when the
 * process groups are empty, they are checked every SERVICE_POLL_USEC until the timeout. */
static void check_stopped(struct service_unit *s)
{
        if (s->state != SERVICE_STOP_SIGTERM && s->state != SERVICE_STOP_SIGKILL)
                return;
        if (processes_left(s))
                return;
        if (!group_left(s)) {
                s->poll = sd_event_source_disable_unref(s->poll);
                enter_stop_post(s);
                return;
        }
        if (s->state == SERVICE_STOP_SIGTERM && s->unit->service.kill_mode == KILL_MIXED) {
                enter_signal(s, SERVICE_STOP_SIGKILL); /* mixed: what is left gets SIGKILL, as in systemd */
                return;
        }
        if (s->cgroup_fd < 0 && !s->poll &&
            sd_event_add_time_relative(s->manager->event, &s->poll, CLOCK_MONOTONIC, SERVICE_POLL_USEC,
                                       SERVICE_POLL_ACCURACY_USEC, on_poll, s) < 0)
                log_unit_warning(s->unit->name, 0,
                                 "Cannot watch the process groups, waiting for the timeout");
}

static int on_poll(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct service_unit *s = userdata;

        (void) source, (void) usec;
        s->poll = sd_event_source_disable_unref(s->poll);
        if (s->state == SERVICE_START && s->control_pid == 0)
                enter_forked(s); /* PIDFile= was not there yet */
        else
                check_stopped(s);
        return 0;
}

static int on_cgroup_event(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        char events[256];

        (void) source, (void) revents;
        /* Reading cgroup.events takes note of the change: until then, epoll reports it on every turn
         * of the loop. */
        (void) !pread(fd, events, sizeof(events), 0);
        check_stopped(userdata);
        check_running(userdata);
        return 0;
}

static void enter_signal(struct service_unit *s, enum service_state state)
{
        const struct service_config *c = &s->unit->service;
        int sig = state != SERVICE_STOP_SIGTERM ? SIGKILL : s->watchdog_fired ? SIGABRT : c->kill_signal;

        set_state(s, state);
        s->control_list = NULL;
        if (!processes_left(s) && !group_left(s)) {
                enter_stop_post(s);
                return;
        }
        if (state == SERVICE_STOP_SIGKILL && !c->send_sigkill) {
                log_unit_warning(s->unit->name, 0,
                                 "Processes remain after TimeoutStopSec=, and SendSIGKILL=no");
                enter_stop_post(s);
                return;
        }
        send_signal(s, sig);
        arm_timer(s, c->timeout_stop);
        check_stopped(s);
}

static void enter_stop_post(struct service_unit *s)
{
        begin_control(s, SERVICE_STOP_POST, &s->unit->service.exec_stop_post, s->unit->service.timeout_stop);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct service_unit *s = userdata;
        uint64_t retry;

        (void) source, (void) usec;
        s->timer = sd_event_source_disable_unref(s->timer);
        switch (s->state) {
        case SERVICE_START_PRE:
        case SERVICE_START:
        case SERVICE_START_POST:
                log_unit_warning(s->unit->name, 0, "Start timed out after TimeoutStartSec=, stopping");
                enter_stop(s, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_RELOAD:
                log_unit_warning(s->unit->name, 0,
                                 "No READY=1 after RELOADING=1 within TimeoutStartSec=, "
                                 "running on");
                set_state(s, SERVICE_RUNNING);
                break;
        case SERVICE_STOP:
                log_unit_warning(s->unit->name, 0, "ExecStop= timed out, sending SIG%s",
                                 sigabbrev_np(s->unit->service.kill_signal));
                s->result = s->result == SERVICE_SUCCESS ? SERVICE_FAILURE_TIMEOUT : s->result;
                enter_signal(s, SERVICE_STOP_SIGTERM);
                break;
        case SERVICE_STOP_SIGTERM:
                log_unit_warning(s->unit->name, 0, "Stop timed out after TimeoutStopSec=, killing");
                s->result = s->result == SERVICE_SUCCESS ? SERVICE_FAILURE_TIMEOUT : s->result;
                enter_signal(s, SERVICE_STOP_SIGKILL);
                break;
        case SERVICE_STOP_SIGKILL:
        case SERVICE_STOP_POST:
                log_unit_warning(s->unit->name, 0, "Processes still there after SIGKILL, giving up on them");
                s->main_pid = s->control_pid = s->main_pgid = s->control_pgid = 0;
                s->poll = sd_event_source_disable_unref(s->poll);
                /* reaped whenever they exit, with nobody waiting */
                children_unwatch(&s->manager->children, &s->main_watch);
                children_unwatch(&s->manager->children, &s->control_watch);
                if (s->state == SERVICE_STOP_SIGKILL)
                        enter_stop_post(s);
                else
                        run_next_control(s);
                break;
        case SERVICE_AUTO_RESTART:
                if (service_unit_start(s, &retry) == -EAGAIN) {
                        set_state(s, SERVICE_FAILED); /* the sockets try again, and pause until retry */
                        manager_service_paused(s->manager, s, retry);
                }
                break;
        default:
                break;
        }
        return 0;
}

static void log_exit(const struct service_unit *s, const char *what, pid_t pid, int code, int status)
{
        if (code == CLD_EXITED && status == 0)
                log_unit_debug(s->unit->name, "%s process %d exited", what, (int) pid);
        else if (code == CLD_EXITED)
                log_unit_info(s->unit->name, "%s process %d exited with status %d", what, (int) pid, status);
        else
                log_unit_info(s->unit->name, "%s process %d killed by SIG%s%s", what, (int) pid,
                              sigabbrev_np(status) ?: "?", code == CLD_DUMPED ? " (core dumped)" : "");
}

static void on_main_exit(struct child_watch *w, const siginfo_t *si)
{
        struct service_unit *s = container_of(w, struct service_unit, main_watch);
        enum service_result result = service_result_from_exit(si->si_code, si->si_status, true);

        log_exit(s, "Main", s->main_pid, si->si_code, si->si_status);
        s->main_pid = 0;
        s->main_code = si->si_code;
        s->main_status = si->si_status;
        /* "-" before ExecStart=: a failed exit is recorded ($EXIT_CODE) but counts as success. */
        if (s->unit->service.exec_start.commands[0].flags & EXEC_IGNORE_FAILURE)
                result = SERVICE_SUCCESS;
        switch (s->state) {
        case SERVICE_START: /* Type=notify, before READY=1 */
                log_unit_warning(s->unit->name, 0, "Main process exited before READY=1");
                enter_stop(s, result == SERVICE_SUCCESS ? SERVICE_FAILURE_PROTOCOL : result);
                break;
        case SERVICE_START_POST:
        case SERVICE_RUNNING:
        case SERVICE_RELOAD:
                enter_stop(s, result);
                break;
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                check_stopped(s);
                break;
        default: /* during ExecStop=: the stop goes on */
                break;
        }
}

static void on_control_exit(struct child_watch *w, const siginfo_t *si)
{
        struct service_unit *s = container_of(w, struct service_unit, control_watch);
        enum service_result result = service_result_from_exit(si->si_code, si->si_status, false);

        log_exit(s, "Control", s->control_pid, si->si_code, si->si_status);
        s->control_pid = 0;
        if (s->state == SERVICE_STOP_SIGTERM || s->state == SERVICE_STOP_SIGKILL) {
                check_stopped(s);
                return;
        }
        bool ignore = s->control_list && s->control_index > 0 &&
                      (s->control_list->commands[s->control_index - 1].flags & EXEC_IGNORE_FAILURE);
        if (result != SERVICE_SUCCESS && !ignore) {
                if (s->state == SERVICE_STOP || s->state == SERVICE_STOP_POST) {
                        if (s->result == SERVICE_SUCCESS)
                                s->result = result;
                } else {
                        enter_stop(s, result);
                        return;
                }
        }
        run_next_control(s);
}

/* StartLimitIntervalSec=/StartLimitBurst=: at most burst starts within the interval. */
static bool start_limit_hit(struct service_unit *s, uint64_t now, uint64_t *ret_retry)
{
        const struct unit *u = s->unit;
        size_t burst = u->start_limit_burst < SERVICE_START_HISTORY_MAX ? u->start_limit_burst
                                                                        : SERVICE_START_HISTORY_MAX;
        size_t kept = 0;

        if (u->start_limit_interval == 0 || burst == 0 || !s->start_times)
                return false; /* an instance starts once */
        for (size_t i = 0; i < s->n_start_times; i++)
                if (now - s->start_times[i] < u->start_limit_interval)
                        s->start_times[kept++] = s->start_times[i];
        s->n_start_times = kept;
        if (kept >= burst) {
                *ret_retry = s->start_times[0] + u->start_limit_interval;
                return true;
        }
        s->start_times[s->n_start_times++] = now;
        return false;
}

/* The service's cgroup, made at its first start; without one, its process groups are tracked. An
 * Accept=yes instance has none: a cgroup made and removed per connection would cost sockactd more
 * than everything else it does for the connection (sockact.socket(5), bench/README.md). */
static void open_cgroup(struct service_unit *s)
{
        int r;

        if (s->cgroup_fd >= 0 || s->manager->cgroups.fd < 0 || !s->manager->cgroups.path || s->connection)
                return;
        r = cgroup_open(&s->manager->cgroups, s->unit->name);
        if (r < 0) {
                log_unit_warning(s->unit->name, r,
                                 "Cannot make its cgroup (%m), tracking its process groups");
                return;
        }
        s->cgroup_fd = r;
        r = cgroup_open_events(s->cgroup_fd);
        if (r >= 0 &&
            sd_event_add_io(s->manager->event, &s->cgroup_source, r, EPOLLPRI, on_cgroup_event, s) >= 0) {
                sd_event_source_set_io_fd_own(s->cgroup_source, true);
                return;
        }
        if (r >= 0)
                close(r);
        log_unit_warning(s->unit->name, 0, "Cannot watch its cgroup, tracking its process groups");
        close(s->cgroup_fd);
        s->cgroup_fd = -1;
}

int service_unit_start(struct service_unit *s, uint64_t *ret_retry_usec)
{
        const struct service_config *c;
        uint64_t now = now_usec();

        if (!service_unit_is_down(s) && s->state != SERVICE_AUTO_RESTART)
                return 0;
        take_next_unit(s);
        c = &s->unit->service;
        if (start_limit_hit(s, now, ret_retry_usec)) {
                log_unit_warning(
                        s->unit->name, 0,
                        "Start limit hit (%u starts within StartLimitIntervalSec=), not starting for %.3gs",
                        s->unit->start_limit_burst, (double) (*ret_retry_usec - now) / USEC_PER_SEC);
                s->result = SERVICE_FAILURE_START_LIMIT_HIT;
                return -EAGAIN;
        }
        open_cgroup(s);
        s->result = SERVICE_SUCCESS;
        s->stop_requested = s->restart_requested = false;
        s->watchdog_usec = c->watchdog_sec; /* WATCHDOG_USEC= lasts one run */
        s->watchdog_fired = false;
        s->fdstore_warned = false;
        s->timer = sd_event_source_disable_unref(s->timer);
        if (s->connection) /* one per connection: LogConnections= is the way to see them */
                log_unit_debug(s->unit->name, "Starting");
        else
                log_unit_info(s->unit->name, "Starting");
        begin_control(s, SERVICE_START_PRE, &c->exec_start_pre, c->timeout_start);
        return 0;
}

/* EXTEND_TIMEOUT_USEC=: the running timeout (of the start, or of the stop) ends no sooner than usec
 * from now. */
static void extend_timeout(struct service_unit *s, uint64_t usec)
{
        uint64_t now = now_usec(), until,
                 want = usec < USEC_INFINITY - 1 - now ? now + usec : USEC_INFINITY - 1;

        if (s->state == SERVICE_DEAD || s->state == SERVICE_RUNNING || s->state == SERVICE_AUTO_RESTART ||
            s->state == SERVICE_FAILED)
                return; /* no start, reload or stop timeout runs */
        if (!s->timer || sd_event_source_get_time(s->timer, &until) < 0)
                return; /* TimeoutStartSec= or TimeoutStopSec= is infinity */
        if (until < want && sd_event_source_set_time(s->timer, want) >= 0)
                log_unit_debug(s->unit->name, "EXTEND_TIMEOUT_USEC=%" PRIu64 ": the %s timeout is extended",
                               usec, service_state_to_string(s->state));
}

/* MAINPID=: taken for a running child of sockactd's that no other unit owns (sockactd sees the
 * exit of its own children only); the former main process, if it runs on, is no longer waited
 * for. */
static void take_main_pid(struct service_unit *s, pid_t pid)
{
        bool main_runs = watchdog_applies(s->state) ||
                         (s->state == SERVICE_START && s->unit->service.type == SERVICE_NOTIFY);
        siginfo_t si = { 0 };

        if (pid == s->main_pid)
                return;
        if (!main_runs) {
                log_unit_warning(s->unit->name, 0,
                                 "MAINPID=%d ignored: the service has no main process in state %s",
                                 (int) pid, service_state_to_string(s->state));
                return;
        }
        if (manager_owns_pid(s->manager, pid) ||
            waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid != 0) {
                log_unit_warning(s->unit->name, 0,
                                 "MAINPID=%d ignored: not a running child of sockactd that no unit owns",
                                 (int) pid);
                return;
        }
        children_unwatch(&s->manager->children, &s->main_watch);
        adopt_main(s, pid);
}

/* FDSTORE=1: each fd under FDNAME= ("stored" without one), watched for a hangup unless FDPOLL=0. */
static void store_fds(struct service_unit *s, const struct notify_message *m, const int *fds, size_t n_fds)
{
        const char *name = m->fdname ? m->fdname : "stored";
        size_t max = s->unit->service.fd_store_max;

        if (max == 0) {
                if (!s->fdstore_warned) /* once per run */
                        log_unit_warning(
                                s->unit->name, 0,
                                "FDSTORE=1 refused: FileDescriptorStoreMax= is 0, the fds are closed");
                s->fdstore_warned = true;
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                return;
        }
        for (size_t i = 0; i < n_fds; i++) {
                int r = fd_store_add(&s->fd_store, s->manager->event, fds[i], name, !m->fdpoll_off, max);

                if (r == -ENOBUFS)
                        log_unit_warning(s->unit->name, 0,
                                         "FDSTORE=1: the fd store is full (FileDescriptorStoreMax=%zu), fd "
                                         "\"%s\" closed",
                                         max, name);
                else if (r == -EEXIST)
                        log_unit_debug(s->unit->name, "FDSTORE=1: fd \"%s\" is stored already", name);
                else if (r < 0)
                        log_unit_warning(s->unit->name, r, "FDSTORE=1: cannot store fd \"%s\": %m", name);
                else
                        log_unit_debug(s->unit->name, "FDSTORE=1: stored fd \"%s\" (%zu in the store)", name,
                                       s->fd_store.n);
        }
}

void service_unit_notify(struct service_unit *s, const struct notify_message *m, const int *fds,
                         size_t n_fds)
{
        const char *name = s->unit->name;

        if (m->fdstore_remove && m->fdname)
                log_unit_debug(name, "FDSTOREREMOVE=1: %zu fds \"%s\" closed",
                               fd_store_remove(&s->fd_store, m->fdname), m->fdname);
        if (m->fdstore)
                store_fds(s, m, fds, n_fds);
        else
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);

        if (m->main_pid > 0)
                take_main_pid(s, m->main_pid);
        if (m->status) {
                char *copy = strdup(m->status);
                if (copy) {
                        free(s->status);
                        s->status = copy;
                }
        }
        if (m->errno_value > 0) {
                s->status_errno = m->errno_value;
                log_unit_debug(name, "ERRNO=%d", m->errno_value);
        }
        if (m->extend_timeout_usec > 0)
                extend_timeout(s, m->extend_timeout_usec);
        if (m->watchdog_usec > 0) {
                log_unit_debug(name, "WATCHDOG_USEC=%" PRIu64, m->watchdog_usec);
                s->watchdog_usec = m->watchdog_usec;
                if (watchdog_applies(s->state))
                        arm_watchdog(s);
        }
        if (m->watchdog && watchdog_applies(s->state))
                arm_watchdog(s);
        if (m->watchdog_trigger && watchdog_applies(s->state)) {
                log_unit_error(name, 0, "WATCHDOG=trigger, sending SIGABRT");
                fire_watchdog(s);
                return;
        }
        if (m->reloading && s->state == SERVICE_RUNNING) {
                log_unit_info(name, "Reloading (RELOADING=1)");
                set_state(s, SERVICE_RELOAD);
                arm_timer(s, s->unit->service.timeout_start); /* as systemd bounds a reload */
        }
        if (m->stopping && (s->state == SERVICE_RUNNING || s->state == SERVICE_RELOAD)) {
                /* as if sockactd had sent the SIGTERM: TimeoutStopSec= runs, then SIGKILL */
                log_unit_info(name, "Stopping (STOPPING=1)");
                set_state(s, SERVICE_STOP_SIGTERM);
                s->control_list = NULL;
                arm_timer(s, s->unit->service.timeout_stop);
                check_stopped(s);
                return;
        }
        if (m->ready && s->state == SERVICE_START && s->unit->service.type == SERVICE_NOTIFY) {
                log_unit_debug(name, "READY=1");
                enter_start_post(s);
        } else if (m->ready && s->state == SERVICE_RELOAD) {
                log_unit_info(name, "Reloaded (READY=1)");
                arm_timer(s, USEC_INFINITY);
                set_state(s, SERVICE_RUNNING);
        }
}

void service_unit_restart(struct service_unit *s)
{
        s->restart_requested = true;
        service_unit_stop(s);
}

void service_unit_stop(struct service_unit *s)
{
        s->stop_requested = true;
        switch (s->state) {
        case SERVICE_DEAD:
        case SERVICE_FAILED:
        case SERVICE_STOP:
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
        case SERVICE_STOP_POST:
                break;
        case SERVICE_AUTO_RESTART:
                if (s->restart_requested) {
                        arm_timer(s, 0);
                        break;
                }
                arm_timer(s, USEC_INFINITY);
                set_state(s, SERVICE_DEAD);
                break;
        default:
                log_unit_info(s->unit->name, "Stopping");
                enter_stop(s, SERVICE_SUCCESS);
        }
}

bool service_unit_is_down(const struct service_unit *s)
{
        return (s->state == SERVICE_DEAD || s->state == SERVICE_FAILED) && !processes_left(s);
}

static void service_unit_done(struct service_unit *s);

struct service_unit *service_unit_new(struct manager *m, const struct unit *u, struct generation *g)
{
        struct service_unit *s = malloc(sizeof(*s));

        if (!s)
                return NULL;
        *s = (struct service_unit){
                .manager = m, .unit = u, .state = SERVICE_DEAD, .cgroup_fd = -1, .fd_store.owner = u->name
        };
        s->start_times = calloc(SERVICE_START_HISTORY_MAX, sizeof(uint64_t));
        if (!s->start_times) {
                free(s);
                return NULL;
        }
        s->generation = generation_ref(g);
        return s;
}

/* The unit a reload left for the next start takes over. */
static void take_next_unit(struct service_unit *s)
{
        if (!s->next_unit)
                return;
        s->unit = TAKE_PTR(s->next_unit);
        s->fd_store.owner = s->unit->name;
        generation_unref(s->generation);
        s->generation = TAKE_PTR(s->next_generation);
}

void service_unit_reconfigure(struct service_unit *s, const struct unit *u, struct generation *g)
{
        generation_unref(s->next_generation);
        s->next_unit = u;
        s->next_generation = generation_ref(g);
        if (service_unit_is_down(s))
                take_next_unit(s);
}

void service_unit_free(struct service_unit *s)
{
        if (!s)
                return;
        if (s->cgroup_fd >= 0)
                cgroup_remove(&s->manager->cgroups, s->unit->name);
        service_unit_done(s);
        generation_unref(s->generation);
        generation_unref(s->next_generation);
        free(s);
}

struct service_unit *service_instance_new(struct manager *m, const struct unit *u, struct unit *own_unit,
                                          struct generation *g, struct service_connection *c)
{
        struct service_unit *s = malloc(sizeof(*s));

        if (!s) {
                close(c->fd);
                free(c);
                unit_free(own_unit);
                return NULL;
        }
        *s = (struct service_unit){ .manager = m,
                                    .unit = u,
                                    .own_unit = own_unit,
                                    .connection = c,
                                    .state = SERVICE_DEAD,
                                    .cgroup_fd = -1,
                                    .fd_store.owner = u->name };
        s->generation = generation_ref(g);
        return s;
}

void service_instance_free(struct service_unit *s)
{
        if (!s)
                return;
        if (s->cgroup_fd >= 0)
                cgroup_remove(&s->manager->cgroups, s->unit->name);
        service_unit_done(s);
        if (s->connection && s->connection->fd >= 0)
                close(s->connection->fd);
        free(s->connection);
        unit_free(s->own_unit);
        generation_unref(s->generation);
        free(s);
}

/* Stops watching and frees what s holds; the processes are left alone. */
static void service_unit_done(struct service_unit *s)
{
        children_unwatch(&s->manager->children, &s->main_watch);
        children_unwatch(&s->manager->children, &s->control_watch);
        s->timer = sd_event_source_disable_unref(s->timer);
        s->watchdog = sd_event_source_disable_unref(s->watchdog);
        fd_store_clear(&s->fd_store);
        s->poll = sd_event_source_disable_unref(s->poll);
        s->cgroup_source = sd_event_source_disable_unref(s->cgroup_source);
        if (s->cgroup_fd >= 0)
                close(s->cgroup_fd);
        s->cgroup_fd = -1;
        free(s->start_times);
        s->start_times = NULL;
        free(s->status);
        s->status = NULL;
}

void service_unit_serialize(const struct service_unit *s, FILE *f, struct fd_pass *p)
{
        const char *name = s->unit->name;

        fprintf(f, "service %s %s %s %d %d %d %d %" PRIu64 " %d %d\n", name,
                service_state_to_string(s->state), service_result_to_string(s->result), (int) s->main_pid,
                (int) s->main_pgid, s->main_code, s->main_status, s->watchdog_usec, s->status_errno,
                s->cgroup_fd >= 0);
        if (s->status)
                fprintf(f, "service-status %s %s\n", name, s->status);
        if (s->start_times && s->n_start_times > 0) {
                fprintf(f, "service-starts %s", name);
                for (size_t i = 0; i < s->n_start_times; i++)
                        fprintf(f, " %" PRIu64, s->start_times[i]);
                fputc('\n', f);
        }
        for (size_t i = 0; i < s->fd_store.n; i++)
                fprintf(f, "service-fd %s %d %d %s\n", name, fd_pass(p, s->fd_store.fds[i]->fd),
                        s->fd_store.fds[i]->watch != NULL, s->fd_store.fds[i]->name);
}

void service_instance_serialize(const struct service_unit *s, FILE *f, struct fd_pass *p)
{
        const struct service_connection *c = s->connection;

        if (service_unit_is_down(s))
                return; /* served: it is collected, its connection closed */
        fprintf(f, "instance %s %s %d %d %" PRIu64 "\n", s->unit->name, c->socket->unit->name,
                (int) s->main_pid, fd_pass(p, c->fd), c->accepted_usec);
}

/* The running main process pid (a child of sockactd's all along): watched again. An exit that happened
 * during the exec is dispatched with the others (manager_start() raises SIGCHLD). */
static void restore_running(struct service_unit *s, pid_t pid, pid_t pgid)
{
        s->state = SERVICE_RUNNING;
        s->main_pgid = pgid;
        if (pid > 0) {
                s->main_pid = pid;
                children_watch(&s->manager->children, &s->main_watch, pid, on_main_exit);
        }
        arm_watchdog(s);
        check_running(s); /* Type=forking without a main process: its cgroup may have emptied */
}

static int state_from_string(const char *const *table, size_t n, const char *text)
{
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], text))
                        return (int) i;
        return -1;
}

static int restore_service(struct service_unit *s, char *line)
{
        int state = state_from_string(service_state_table, _SERVICE_STATE_MAX, restore_word(&line) ?: ""),
            result = state_from_string(service_result_table, _SERVICE_RESULT_MAX, restore_word(&line) ?: "");
        long long pid, pgid, code, status, watchdog, error, cgroup;

        if ((state != SERVICE_DEAD && state != SERVICE_FAILED && state != SERVICE_RUNNING) || result < 0 ||
            !restore_word_int(&line, &pid) || !restore_word_int(&line, &pgid) ||
            !restore_word_int(&line, &code) || !restore_word_int(&line, &status) ||
            !restore_word_int(&line, &watchdog) || !restore_word_int(&line, &error) ||
            !restore_word_int(&line, &cgroup) || pid < 0 || pid > INT32_MAX || pgid < 0 ||
            pgid > INT32_MAX || watchdog < 0)
                return -EBADMSG;
        s->result = (enum service_result) result;
        s->main_code = (int) code;
        s->main_status = (int) status;
        s->watchdog_usec = (uint64_t) watchdog;
        s->status_errno = (int) error;
        if (state == SERVICE_RUNNING && pid > 0 && !restore_is_child((pid_t) pid)) {
                log_unit_warning(s->unit->name, 0,
                                 "Main process %d is no child of sockactd's: not supervised", (int) pid);
                state = SERVICE_DEAD;
        }
        if (state != SERVICE_RUNNING) {
                s->state = (enum service_state) state;
                return 0;
        }
        if (cgroup)
                open_cgroup(s); /* the one it had, by name */
        restore_running(s, (pid_t) pid, (pid_t) pgid);
        return 0;
}

int service_unit_deserialize(struct service_unit *s, const char *key, char *line, struct restore *r)
{
        long long fd, poll, usec;

        if (streq(key, "service"))
                return restore_service(s, line);
        if (streq(key, "service-status")) {
                free(s->status);
                s->status = strdup(line);
                return s->status ? 0 : -ENOMEM;
        }
        if (streq(key, "service-starts")) {
                while (s->start_times && s->n_start_times < SERVICE_START_HISTORY_MAX &&
                       restore_word_int(&line, &usec))
                        s->start_times[s->n_start_times++] = (uint64_t) usec;
                return 0;
        }
        if (!streq(key, "service-fd") || !restore_word_int(&line, &fd) || !restore_word_int(&line, &poll) ||
            fd < 0 || fd > INT32_MAX || !restore_holds(r, (int) fd) || !*line)
                return -EBADMSG;
        return fd_store_add(&s->fd_store, s->manager->event, restore_take(r, (int) fd), line, poll != 0,
                            s->unit->service.fd_store_max);
}

void service_instance_restore(struct service_unit *s, pid_t pid)
{
        s->watchdog_usec = s->unit->service.watchdog_sec; /* counts from now */
        restore_running(s, pid, pid); /* setsid(): its own process group */
}
