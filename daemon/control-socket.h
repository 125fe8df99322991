/* The control sockets (lib/control.h has the protocol). DIR/control is sockactl's way in: each
 * request is authorized by the peer's SO_PEERCRED: root, or sockactd's own user, may use every verb;
 * the members of the group given with --control-group may use the read-only ones (list, status);
 * anyone else is refused. DIR/fds (public, mode 0666) serves any local user the verbs of the fd
 * holder only (fetch, store, remove, stored), which fdholder.c authorizes per unit and per entry. A client
 * is one connection with at most one request in flight: a request that is malformed, of another version or
 * of an unknown verb gets an error reply and the connection is closed; so is a client that says nothing for
 * CONTROL_IDLE_USEC, or that does not read its replies. At most CONTROL_CLIENTS_MAX are connected at once
 * (fewer when RLIMIT_NOFILE is low: a quarter of it, the rest is for the sockets and their connections); one
 * more is closed at once. None of this can block the loop: every fd is non-blocking, and every buffer is
 * bounded. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "value.h"

#define CONTROL_CLIENTS_MAX     4096
#define CONTROL_IDLE_USEC       (5 * USEC_PER_SEC)
#define CONTROL_BACKOFF_USEC    (100 * USEC_PER_MSEC) /* out of fds: accepting pauses this long */
#define CONTROL_CLIENTS_PER_UID 64                    /* DIR/fds: clients of one user (root aside) at once */
#define CONTROL_OUT_FDS_MAX     1024 /* fetched fds sent but not yet read by their clients, in all */

struct manager;
struct control_client;

struct control_server {
        struct manager *manager;
        int fd;
        sd_event_source *source;
        sd_event_source *resume; /* ends a pause of accepting */
        char *path;
        gid_t read_group; /* (gid_t) -1: none */
        bool public;      /* DIR/fds */
        struct control_client *clients;
        size_t n_clients;
        size_t max_clients;      /* CONTROL_CLIENTS_MAX, or a quarter of the fds sockactd may open */
        size_t n_out_fds;        /* duplicates waiting in the clients' replies */
        uint64_t last_complaint; /* when a refused client was last logged */
};

/* Creates DIR/name (mode 0600, or 0660 and owned by read_group when there is one, or 0666 when public;
 * a stale node is replaced), or takes fd, the one a former image served (reexec.h), and serves it.
 * Returns 0 or -errno after logging why. */
int control_server_open(struct control_server *c, struct manager *m, const char *runtime_dir,
                        const char *name, gid_t read_group, bool public, int fd);
/* Answers the client on fd (taken), whose request a former image took (sockactl reexec), with the len
 * bytes of payload (taken), and serves it on. */
void control_server_answer(struct control_server *s, int fd, char *payload, size_t len);
/* Closes every client and the socket, and removes the node. */
void control_server_close(struct control_server *c);
