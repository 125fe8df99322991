/* A socket unit at run time: its listening fds, the event sources that watch them, its own
 * commands, and the activation of its service (Accept=no): the first readable event starts the
 * service, the sockets are not watched while it runs (connections wait in the kernel's
 * backlog), and are watched again when it is down. The trigger and poll limits pause the
 * socket for a while; they never leave it failed for good.
 *
 * Start: ExecStartPre=, bind every listener, ExecStartPost=, listening. Stop: ExecStopPre=,
 * close, ExecStopPost=. A failed command or listener fails this unit only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "commands.h"
#include "ratelimit.h"
#include "unit.h"
#include "unitfile.h"

#define SOCKET_ACCEPT_BATCH        64                     /* connections accepted per wake-up */
#define SOCKET_ACCEPT_BACKOFF_USEC (100 * USEC_PER_MSEC) /* out of fds: accepting pauses this long */
#define SOCKET_RESUME_ACCURACY_USEC (10 * USEC_PER_MSEC) /* a pause ends within this */
#define SOCKET_REFUSED_LOG_USEC    USEC_PER_SEC           /* refused connections are logged this often */

struct fd_pass;
struct generation;
struct manager;
struct restore;
struct service_unit;

enum socket_state {
        SOCKET_DEAD,
        SOCKET_START_PRE,
        SOCKET_START_POST,
        SOCKET_LISTENING,
        SOCKET_STOP_PRE,
        SOCKET_STOP_POST,
        SOCKET_FAILED,
        _SOCKET_STATE_MAX,
};

struct socket_unit {
        struct manager *manager;
        const struct unit *unit;
        struct generation *generation; /* the unit set unit (and template) come from, referenced */
        bool removed; /* gone from the unit files at a reload: stopped, then freed once down */
        enum socket_state state;
        int *fds;                  /* one per Listen*= line, in order; -1 until opened */
        sd_event_source **sources; /* one io source per fd */
        struct service_unit *service;
        /* The service it activated before a reload changed that (Service=, Accept=), while that one
         * runs on with the fds: not watched until it is down. */
        struct service_unit *previous;
        bool listening; /* every fd open */
        bool watching;
        bool stop_requested;
        bool failed;              /* a command or a listener failed: the stop ends in SOCKET_FAILED */
        struct commands commands; /* the ExecStartPre=… list under way */
        sd_event_source *resume;  /* the timer that ends a pause */
        struct ratelimit trigger_limit;
        struct ratelimit poll_limit;
        /* Accept=yes */
        const struct unit *template;     /* the template service, as loaded; NULL: none */
        struct unitfile *template_file;  /* set when each instance must be applied on its own */
        unsigned n_accepted;             /* connections accepted, for the instance names */
        uint64_t n_activations;          /* Accept=no: the times traffic started the service */
        bool restart_requested;          /* sockactl restart: started again once down */
        unsigned n_connections;          /* instances running */
        uint64_t n_refused;              /* connections over MaxConnections=/MaxConnectionsPerSource= */
        uint64_t n_refused_logged;       /* n_refused when it was last logged */
        uint64_t refused_logged_usec;    /* when it was last logged, CLOCK_MONOTONIC */
        bool short_of_fds;               /* accept() failed for want of fds, and has not succeeded since */
        /* Fetched (fdholder.h): while n_lent > 0 the fds are not watched, so that no connection is both
         * activated and served by the fetcher. lend_generation changes whenever the fds are closed: a
         * loan of older fds no longer counts. */
        unsigned n_lent;
        unsigned lend_generation;
};

const char *socket_state_to_string(enum socket_state s);

/* A socket unit of unit u, from the unit set g (referenced). NULL without memory. */
struct socket_unit *socket_unit_new(struct manager *m, const struct unit *u, struct generation *g);
void socket_unit_free(struct socket_unit *s);
/* A reload: unit u of the unit set g takes the place of s's unit. fds holds one listener per Listen*=
 * line of u, taken whatever the outcome: those of a socket unit that listens (the ones it keeps, the
 * ones opened for the reload); NULL for one that does not. The listeners of s that are not
 * among them are closed. The counters, the limits' history, the loans and the state stay; the
 * caller watches again (socket_unit_rewatch()). Returns 0 or -ENOMEM (then nothing changed and the
 * new fds are closed). */
int socket_unit_reconfigure(struct socket_unit *s, const struct unit *u, struct generation *g, int *fds);
/* Watches the fds when nothing holds them back (the service runs, a loan, a pause), else not. */
void socket_unit_rewatch(struct socket_unit *s);
/* Runs ExecStartPre=, opens every listener, runs ExecStartPost=; the manager is told when the
 * unit listens or failed (manager_socket_settled()). A listener that cannot be opened is logged
 * with the reason ("127.0.0.1:80: Address already in use"); the other units are unaffected. */
void socket_unit_start(struct socket_unit *s);
/* ExecStopPre=, close, ExecStopPost=; the manager is told when it is down (manager_socket_down()). */
void socket_unit_stop(struct socket_unit *s);
/* Dead or failed. */
bool socket_unit_is_down(const struct socket_unit *s);
/* Watches the fds for activation, or stops watching them. */
int socket_unit_watch(struct socket_unit *s, bool on);
/* Not watched until the monotonic time until, then watched again. */
void socket_unit_pause(struct socket_unit *s, uint64_t until);
/* A process fetched the fds: they are not watched until every such loan is returned. */
void socket_unit_lend(struct socket_unit *s);
/* A loan of the fds of lend_generation ended (its process exited); the last one watches again. */
void socket_unit_return(struct socket_unit *s, unsigned generation);
/* Accept=yes: an instance that served one of its connections ended, successful or not. */
void socket_unit_instance_down(struct socket_unit *s, struct service_unit *instance);
/* The service is down: FlushPending=, then watch again. */
void socket_unit_service_down(struct socket_unit *s);

/* sockactl reexec (reexec.h): its line of the state, the listeners passed. */
void socket_unit_serialize(const struct socket_unit *s, FILE *f, struct fd_pass *p);
/* Restores s from the rest of its line: counters and state, and when it listened the fds, taken from r
 * if each is the socket of its line (socket_fd_matches()). Returns 0; -ENOENT when they do not match
 * (then none is taken, and the unit is to be started again: it adopts them by address), -EBADMSG. */
int socket_unit_deserialize(struct socket_unit *s, char *line, struct restore *r);
