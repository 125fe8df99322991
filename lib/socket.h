/* Creating the listeners of a socket unit, in systemd's order: socket(SOCK_CLOEXEC|SOCK_NONBLOCK)
 * → pre-bind options (IPV6_V6ONLY, SO_BINDTODEVICE, SO_REUSEPORT, IP_FREEBIND, IP_TRANSPARENT,
 * SO_REUSEADDR) → bind (file system paths: parents made with DirectoryMode=, the node made under
 * umask(~SocketMode), then chowned) → listen(Backlog=) → the options that also apply to every
 * accepted connection. FIFOs, special files, netlink sockets and message queues likewise.
 * No logging, no event loop: every function returns -errno and names the step that failed. */
#pragma once

#include <sys/types.h>

#include "unit.h"

/* SocketUser=/SocketGroup= resolved; (uid_t) -1 / (gid_t) -1: leave as created. */
struct socket_owner {
        uid_t uid;
        gid_t gid;
};

/* Resolves SocketUser= and SocketGroup= (names or numeric ids). With only SocketUser= set the
 * group stays as created (as systemd). Returns 0 or -ESRCH with *ret_reason
 * ("no such user", "no such group"). */
int socket_owner_resolve(const struct socket_config *s, struct socket_owner *ret, const char **ret_reason);

/* Opens the listener of one Listen*= line of s. Returns the fd (close-on-exec, non-blocking) or
 * -errno with *ret_stage naming the step ("bind", "listen", "setsockopt SO_MARK", "mkfifo", …).
 * A stale AF_UNIX node (a socket file nobody listens on) is replaced; a live one is not
 * (-EADDRINUSE), nor a file that is not a socket (-EEXIST). */
int socket_listen(const struct socket_config *s, const struct listen *l, const struct socket_owner *owner,
                  const char **ret_stage);

/* The options that apply after listen() and to each accepted connection: keep-alive (time,
 * interval, probes), TCP_DEFER_ACCEPT, NoDelay=, Broadcast=, PassCredentials=, PassSecurity=,
 * Priority=, ReceiveBuffer=, SendBuffer=, Mark=, IPTOS=, IPTTL=, TCPCongestion=, PassPacketInfo=,
 * Timestamping=, each only where it applies to the fd's family and type. */
int socket_apply_options(const struct socket_config *s, int fd, const char **ret_stage);

/* Symlinks=: links to the unit's one file system socket or FIFO (an existing link is replaced). */
int socket_make_symlinks(const struct socket_config *s, const char **ret_stage);

/* RemoveOnStop=: removes the socket nodes, FIFOs, message queues and Symlinks= of s. Missing
 * ones are no error. */
void socket_remove_paths(const struct socket_config *s);
