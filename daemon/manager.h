/* The daemon's run-time state: the loaded units, a socket_unit per socket unit and a
 * service_unit per service, and the links between them (which sockets feed which service).
 * It starts everything on the event loop and stops everything on request. */
#pragma once

#include <systemd/sd-event.h>

#include "cgroup.h"
#include "control-socket.h"
#include "exec.h"
#include "fdholder.h"
#include "load.h"
#include "notify-socket.h"
#include "service.h"
#include "socket-unit.h"

/* The fds that starting an instance may open: a stream to the journal for its stdio, a timer, and
 * in sanitizer builds the pipe that reports a failed exec, with room to spare. (Keeping them costs
 * each connection 8 dup() and 8 close(), about 3 µs.) */
#define MANAGER_FD_RESERVE 8

struct manager {
        sd_event *event;
        struct unit_set units;
        struct socket_unit *sockets;
        size_t n_sockets;
        struct service_unit *services;
        size_t n_services;
        struct service_unit *instances; /* Accept=yes: one per connection, in a list */
        size_t n_instances;
        sd_event_source *collect; /* frees the instances that ended, from the loop */
        struct exec_roots roots; /* RuntimeDirectory= and StateDirectory= roots, sockactd's environment */
        struct load_options load_options; /* for the instances whose template is applied per connection */
        struct notify_socket notify;
        struct control_server control;
        struct control_server fds_server; /* DIR/fds */
        struct fd_holder holder;
        gid_t control_group; /* given before manager_start(): see control_server_open() */
        struct cgroup_root cgroups; /* fd -1: services are tracked by their process groups */
        struct children children;   /* every child's exit, reaped (children.h) */
        size_t n_sockets_starting;  /* until 0, sockactd is not ready */
        int fd_reserve[MANAGER_FD_RESERVE]; /* see manager_fd_reserve_fill(); -1: given away */
        bool stopping;
};

/* Takes the loaded units (moved out of *units) and starts every socket unit (a socket that
 * cannot be bound fails its own unit only); logs "N sockets listening, ready" once every one
 * has settled. Returns 0 or -ENOMEM. */
int manager_start(struct manager *m, sd_event *event, struct unit_set *units, const struct exec_roots *roots,
                  const char *runtime_dir);

/* Stops every service, then every socket unit; the event loop exits when all are down. */
void manager_begin_stop(struct manager *m);

void manager_free(struct manager *m);

/* The fds a service gets at 3…, in configuration order: those of the socket units that name it
 * (Service= or by name), then those of its Sockets=, then its fd store; and the LISTEN_FDNAMES
 * name of each. */
int manager_service_fds(struct manager *m, const struct service_unit *s, int **ret_fds, char ***ret_names,
                        size_t *ret_n);

/* Accept=yes: starts an instance of socket unit s's template for connection c (taken, whatever
 * the outcome). Returns 0, or -errno when it could not be started (the connection is closed). */
int manager_start_instance(struct manager *m, struct socket_unit *s, struct service_connection *c);

/* Accept=yes takes a connection only while the reserve of MANAGER_FD_RESERVE spare fds is full, and
 * manager_start_instance() gives those fds back to the kernel just before the start: starting the
 * instance cannot then fail for want of fds, and a connection that could not be served waits in the
 * backlog rather than being accepted and closed. Fills the reserve; returns false with errno set when
 * there are not enough fds. */
bool manager_fd_reserve_fill(struct manager *m);

/* Accept=yes: the instances of socket unit s that serve a connection from source. */
unsigned manager_connections_from(const struct manager *m, const struct socket_unit *s,
                                  const struct peer_source *source);

/* Called by a service that went down: its sockets watch again (or, while stopping, the loop may end). */
void manager_service_down(struct manager *m, struct service_unit *s);
/* A service is being started: its sockets are not watched while it runs. */
void manager_service_activating(struct manager *m, struct service_unit *s);
/* A service may not start before until (CLOCK_MONOTONIC): its sockets pause until then. */
void manager_service_paused(struct manager *m, struct service_unit *s, uint64_t until);

/* A socket unit finished starting: it listens, or it failed. */
void manager_socket_settled(struct manager *m, struct socket_unit *s);
/* A socket unit is dead or failed (while stopping, the loop may end). */
void manager_socket_down(struct manager *m, struct socket_unit *s);

/* Whether pid is a process a unit watches (a main process, a command), which the unit reaps. */
bool manager_owns_pid(const struct manager *m, pid_t pid);

/* The number of sockets listening. */
size_t manager_listening(const struct manager *m);
