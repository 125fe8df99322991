/* A service at run time: its state, its main and control processes, its timers. It runs
 * ExecStartPre=, ExecStart= (for Type=forking, until it exits and leaves the main process),
 * ExecStartPost=, then, when it stops or its main process exits,
 * ExecStop=, the kill sequence of KillMode=/KillSignal=/TimeoutStopSec=/SendSIGKILL=, and
 * ExecStopPost=; then Restart= decides. The sockets that feed it are told when it is down. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "children.h"
#include "fdstore.h"
#include "notify.h"
#include "peer.h"
#include "unit.h"
#include "unitname.h"

struct fd_pass;
struct generation;
struct manager;
struct restore;
struct socket_unit;

enum service_state {
        SERVICE_DEAD,
        SERVICE_START_PRE,
        SERVICE_START,
        SERVICE_START_POST,
        SERVICE_RUNNING,
        SERVICE_RELOAD, /* RELOADING=1 until READY=1 */
        SERVICE_STOP,
        SERVICE_STOP_SIGTERM,
        SERVICE_STOP_SIGKILL,
        SERVICE_STOP_POST,
        SERVICE_AUTO_RESTART,
        SERVICE_FAILED,
        _SERVICE_STATE_MAX,
};

/* Why a service last stopped, as systemd's $SERVICE_RESULT names it. */
enum service_result {
        SERVICE_SUCCESS,
        SERVICE_FAILURE_RESOURCES,
        SERVICE_FAILURE_PROTOCOL,
        SERVICE_FAILURE_TIMEOUT,
        SERVICE_FAILURE_EXIT_CODE,
        SERVICE_FAILURE_SIGNAL,
        SERVICE_FAILURE_CORE_DUMP,
        SERVICE_FAILURE_WATCHDOG,
        SERVICE_FAILURE_START_LIMIT_HIT,
        _SERVICE_RESULT_MAX,
};

#define SERVICE_START_HISTORY_MAX 1024 /* StartLimitBurst= above this counts as this */
/* Without a cgroup: how often an emptying process group is checked; and how often a PIDFile= that
 * is not there yet is looked for again. */
#define SERVICE_POLL_USEC          (50 * USEC_PER_MSEC)
#define SERVICE_POLL_ACCURACY_USEC USEC_PER_MSEC /* sd-event's default, 0, would mean 250 ms */
#define SERVICE_WATCHDOG_ACCURACY_USEC (10 * USEC_PER_MSEC) /* a missed WATCHDOG=1 is acted on within */

/* Accept=yes: the connection an instance serves, and where it came from. */
struct service_connection {
        /* The connection: fd 3 (or stdin/stdout), -1 once closed. sockactd keeps its copy until the
         * instance is collected, so that the peer sees the end only once the instance's place under
         * MaxConnections= is free again: a client that connects again at once is never refused. */
        int fd;
        struct socket_unit *socket; /* the socket unit that accepted it, told when the instance ends */
        struct sockaddr_storage peer;
        socklen_t peer_len;
        char remote_addr[PEER_ADDR_MAX]; /* $REMOTE_ADDR, "" for none */
        unsigned remote_port;               /* $REMOTE_PORT, 0 for none */
        struct peer_source source;       /* for MaxConnectionsPerSource= */
        pid_t pid;                       /* the instance's main process, once started */
        uint64_t accepted_usec;          /* CLOCK_MONOTONIC */
        /* The instance's unit when the template needs no specifier of its own: the template's, but
         * for the name (the pointers are the template's, never freed through it). */
        struct unit shallow;
        char name[UNIT_NAME_MAX];
};

struct service_unit {
        struct manager *manager;
        const struct unit *unit;
        struct generation *generation; /* where unit (an instance's template) comes from, referenced */
        struct unit *own_unit; /* an instance's own unit (its specifiers resolved), freed with it */
        /* A reload changed the unit while the service ran: this one applies from its next start. */
        const struct unit *next_unit;
        struct generation *next_generation;
        bool removed; /* gone from the unit files at a reload: stopped, then freed once down */
        struct service_connection *connection; /* NULL unless an instance of Accept=yes */
        struct service_unit *next_instance, *prev_instance; /* in the manager's list of instances */
        enum service_state state;
        enum service_result result;
        pid_t main_pid;
        struct child_watch main_watch;
        int main_code;   /* CLD_EXITED, CLD_KILLED or CLD_DUMPED of the last main process */
        int main_status; /* its exit status or signal */
        pid_t control_pid;
        struct child_watch control_watch;
        const struct exec_list *control_list; /* the list the control process comes from */
        size_t control_index;
        sd_event_source *timer;
        sd_event_source *watchdog; /* fires unless WATCHDOG=1 comes first */
        uint64_t watchdog_usec;    /* WatchdogSec=, or this run's WATCHDOG_USEC=; 0: off */
        bool watchdog_fired;       /* the kill sequence starts with SIGABRT */
        int status_errno;          /* the last ERRNO=, 0: none */
        bool fdstore_warned;       /* FDSTORE=1 came in this run without FileDescriptorStoreMax= */
        struct fd_store fd_store;  /* FDSTORE=1 */
        /* KillMode=control-group and mixed reach the whole tree: the service's cgroup when
         * sockactd has one for it, else the process groups of its main and control processes. */
        int cgroup_fd;                  /* -1: none */
        sd_event_source *cgroup_source; /* cgroup.events: "populated" changed */
        pid_t main_pgid, control_pgid;  /* without a cgroup; 0 once the group is empty */
        sd_event_source *poll; /* checks again: whether the process groups emptied (without a cgroup),
                                * or whether PIDFile= exists (Type=forking) */
        bool stop_requested;
        bool restart_requested; /* sockactl restart: started again at once once down */
        uint64_t *start_times; /* ring of the last starts, for StartLimitIntervalSec=/Burst= */
        size_t n_start_times;
        char *status; /* the last STATUS= */
};

const char *service_state_to_string(enum service_state s);
const char *service_result_to_string(enum service_result r);

/* Whether Restart= restarts a service that stopped with result r (pure; tested exhaustively). */
bool service_restart_needed(enum service_restart policy, enum service_result r);

/* The result of a process's exit, from its waitid() code and status (pure). A main process
 * that SIGHUP, SIGINT, SIGTERM or SIGPIPE ended stopped cleanly; a command (ExecStartPre=…)
 * succeeds only with exit status 0, as in systemd. */
enum service_result service_result_from_exit(int code, int status, bool main_process);

/* A service of unit u, from the unit set g (referenced). NULL without memory. */
struct service_unit *service_unit_new(struct manager *m, const struct unit *u, struct generation *g);
void service_unit_free(struct service_unit *s);
/* A reload: unit u of the unit set g replaces s's now when s is down, else at its next start. */
void service_unit_reconfigure(struct service_unit *s, const struct unit *u, struct generation *g);
/* An instance for one accepted connection; takes c (and its fd) whatever the outcome, and own_unit
 * when it is not NULL (u is then own_unit); references g, where the template comes from. It starts
 * at once; Restart= does not apply to it. */
struct service_unit *service_instance_new(struct manager *m, const struct unit *u, struct unit *own_unit,
                                          struct generation *g, struct service_connection *c);
void service_instance_free(struct service_unit *s);

/* Starts the service unless it runs. Returns 0, or -EAGAIN when its start limit is hit (then
 * *ret_retry_usec is when a start is allowed again, CLOCK_MONOTONIC). */
int service_unit_start(struct service_unit *s, uint64_t *ret_retry_usec);
/* Stops it (no restart follows). */
void service_unit_stop(struct service_unit *s);
/* Stops it, and starts it again at once (not after RestartSec=). The caller starts one that is down. */
void service_unit_restart(struct service_unit *s);
/* Whether it is down: dead or failed, with no main or control process left. */
bool service_unit_is_down(const struct service_unit *s);
/* A message from one of its processes that NotifyAccess= allows (READY=1, STATUS=, …). */
/* A message from a process allowed to speak for s, with the n_fds fds that came with it (kept in
 * the fd store with FDSTORE=1, else closed). */
void service_unit_notify(struct service_unit *s, const struct notify_message *m, const int *fds, size_t n_fds);

/* sockactl reexec (reexec.h): the lines of a settled service (dead, failed, or running without a
 * command), its fd store passed. An instance that is down writes none. */
void service_unit_serialize(const struct service_unit *s, FILE *f, struct fd_pass *p);
void service_instance_serialize(const struct service_unit *s, FILE *f, struct fd_pass *p);
/* Restores s from the rest of a line of its (key: service, service-status, service-starts or
 * service-fd), taking the fds from r. A running one watches its main process again. Returns 0 or
 * -EBADMSG, -ENOMEM, or the error of fd_store_add(). */
int service_unit_deserialize(struct service_unit *s, const char *key, char *line, struct restore *r);
/* A new instance (service_instance_new()) whose main process pid runs already. */
void service_instance_restore(struct service_unit *s, pid_t pid);
