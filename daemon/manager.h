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
#include "reexec.h"
#include "service.h"
#include "socket-unit.h"

/* The fds that starting an instance may open: a stream to the journal for its stdio, a timer, and
 * in sanitizer builds the pipe that reports a failed exec, with room to spare. (Keeping them costs
 * each connection 8 dup() and 8 close(), about 3 µs.) */
#define MANAGER_FD_RESERVE 8

/* A loaded unit set, and how many objects at run time use one of its units. A reload makes a new
 * one; an old one lives on while a unit still works from it: a running service until its next start,
 * an Accept=yes instance until its connection ends, a removed unit until it is down. */
struct generation {
        struct unit_set units;
        unsigned n_ref;
};

/* Takes units (moved out of *units); the generation has one reference. NULL without memory. */
struct generation *generation_new(struct unit_set *units);
struct generation *generation_ref(struct generation *g);
/* The last reference frees the units. Takes NULL. */
void generation_unref(struct generation *g);

struct manager {
        sd_event *event;
        struct generation *generation; /* the units as last loaded */
        char *const *unit_dirs;        /* where they were loaded from; NULL: given whole (ad-hoc mode) */
        /* Each in its own allocation, so that a reload moves none: in the order of the unit set, then
         * those a reload removed, until they are down. */
        struct socket_unit **sockets;
        size_t n_sockets;
        struct service_unit **services;
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
        /* The sockets sockactd was started with (LISTEN_FDS), given before manager_start(): a listener
         * whose address one has takes it rather than binding again (-1 once taken); those no unit took
         * are closed once every socket unit has settled. */
        int *adoptable;
        size_t n_adoptable;
        /* For sockactl reexec (reexec.h), given before manager_start(): the lock on the runtime
         * directory, the binary sockactd was started from and its arguments. NULL exe: it cannot. */
        int lock_fd;
        const char *exe;
        char *const *argv;
        bool stopping;
};

/* Takes the loaded units (moved out of *units), loaded from unit_dirs (kept, for reloads; NULL: they
 * cannot be reloaded) and starts every socket unit (a socket that
 * cannot be bound fails its own unit only); logs "N sockets listening, ready" once every one
 * has settled. After a re-exec, restore holds what the former image left: its units go on where they
 * were, and only those it did not know are started. Returns 0 or -ENOMEM. */
int manager_start(struct manager *m, sd_event *event, struct unit_set *units, char *const *unit_dirs,
                  const struct exec_roots *roots, const char *runtime_dir, struct restore *restore);

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

/* The instance of so's template for connection c (taken, whatever the outcome), named c->name, in
 * the list of instances, not started. Returns 0, or -errno (logged). */
int manager_make_instance(struct manager *m, struct socket_unit *so, struct service_connection *c,
                          struct service_unit **ret);

/* After a re-exec (reexec.c): the units as the former image left them in r; restored[k] when socket
 * unit k goes on as it was (it is not started). Returns 0 or -ENOMEM. */
int manager_restore(struct manager *m, struct restore *r, bool *restored);

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

/* An fd of m->adoptable that is the listener of line l of c (socket_fd_matches()), taken; or -1. */
int manager_adopt(struct manager *m, const struct socket_config *c, const struct listen *l);

/* The socket unit or the service of that name (not one a reload removed), or NULL. */
struct socket_unit *manager_find_socket(struct manager *m, const char *name);
struct service_unit *manager_find_service(struct manager *m, const char *name);

/* Which service each socket unit activates (Accept=no) or which template it starts (Accept=yes),
 * from the units as they are now. Returns 0 or -ENOMEM. */
int manager_link_units(struct manager *m);

/* A unit a reload removed may be freed, from the loop, once it is down. */
void manager_collect(struct manager *m);

/* "N sockets listening, M failed" (socket units), the STATUS= sockactd tells its own manager. */
#define MANAGER_STATUS_MAX 64
void manager_status(const struct manager *m, char buf[MANAGER_STATUS_MAX]);

/* The number of sockets listening. */
size_t manager_listening(const struct manager *m);
