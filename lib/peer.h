/* What sockactd tells an Accept=yes instance about its connection, as systemd does: the instance
 * name ("0-127.0.0.1:7777-127.0.0.1:40000": the counter, the local end, then the remote end) and
 * $REMOTE_ADDR/$REMOTE_PORT. The formatting is pure; peer_instance_name() reads the local address
 * and, for AF_UNIX, the peer's credentials from the connection. */
#pragma once

#include <stddef.h>
#include <sys/socket.h>

#define PEER_ADDR_MAX 440 /* $REMOTE_ADDR: an AF_UNIX path of 107 bytes, each escaped as \xNN, and "@" */

/* The instance of connection number n between local and remote: "n-LOCAL:PORT-REMOTE:PORT" for IP
 * (IPv6 without brackets; IPv4 when both ends are IPv4-mapped), "n-PID-UID" for AF_UNIX from the
 * peer's credentials (cred NULL: "n-unknown"), "n-CID:PORT-CID:PORT" for vsock.
 * Returns 0, -ENAMETOOLONG or -EAFNOSUPPORT. */
int peer_instance_format(unsigned n, const struct sockaddr *local, const struct sockaddr *remote,
                         const struct ucred *cred, char *buf, size_t size);

/* The same for the accepted connection fd, whose peer address is remote. */
int peer_instance_name(unsigned n, int fd, const struct sockaddr_storage *remote, char *buf, size_t size);

/* Where a connection comes from, for MaxConnectionsPerSource=: the IP address (an IPv4-mapped one
 * as IPv4; the port does not count), the vsock CID, or an AF_UNIX peer's UID. */
struct peer_source {
        int family; /* AF_INET, AF_INET6, AF_VSOCK, AF_UNIX; 0: unknown, counted on its own */
        unsigned char addr[16];
        unsigned id; /* CID or UID */
};

/* The source of the accepted connection fd from remote. */
void peer_source_of(int fd, const struct sockaddr_storage *remote, struct peer_source *ret);
bool peer_source_equal(const struct peer_source *a, const struct peer_source *b);

/* $REMOTE_ADDR and $REMOTE_PORT of a peer: the address (an IPv4-mapped IPv6 address as IPv4; an
 * AF_UNIX peer's path, or "@name" when abstract) and the port (0: none, for AF_UNIX). addr is ""
 * when there is nothing to tell (an unnamed AF_UNIX peer). */
void peer_remote(const struct sockaddr_storage *peer, socklen_t len, char addr[PEER_ADDR_MAX], unsigned *port);
