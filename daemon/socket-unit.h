/* A socket unit at run time: its listening fds, the event sources that watch them, and the
 * activation of its service (Accept=no): the first readable event starts the service, the
 * sockets are not watched while it runs (connections wait in the kernel's backlog), and are
 * watched again when it is down. A trigger limit pauses the socket for a while; it never
 * leaves it failed for good. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "unit.h"

struct manager;
struct service_unit;

struct socket_unit {
        struct manager *manager;
        const struct unit *unit;
        int *fds;                  /* one per Listen*= line, in order; -1 until opened */
        sd_event_source **sources; /* one io source per fd */
        struct service_unit *service;
        bool listening; /* every fd open */
        bool watching;
        sd_event_source *resume; /* the timer that ends a pause */
        uint64_t trigger_window; /* start of the current TriggerLimitIntervalSec= window */
        unsigned triggers;       /* activations in it */
};

int socket_unit_init(struct socket_unit *s, struct manager *m, const struct unit *u);
/* Opens every listener; on failure logs the reason ("127.0.0.1:80: Address already in use"),
 * closes what was opened and returns -errno: the unit stays down, the others are unaffected. */
int socket_unit_open(struct socket_unit *s);
/* Watches the fds for activation, or stops watching them. */
int socket_unit_watch(struct socket_unit *s, bool on);
/* Not watched until the monotonic time until, then watched again. */
void socket_unit_pause(struct socket_unit *s, uint64_t until);
/* The service is down: FlushPending=, then watch again. */
void socket_unit_service_down(struct socket_unit *s);
/* Closes the fds (RemoveOnStop= removes the paths). */
void socket_unit_close(struct socket_unit *s);
void socket_unit_done(struct socket_unit *s);
