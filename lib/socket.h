/* Creating the listeners of a socket unit, in systemd's order: socket(SOCK_CLOEXEC|SOCK_NONBLOCK)
 * → pre-bind options (IPV6_V6ONLY, SO_BINDTODEVICE, SO_REUSEPORT, IP_FREEBIND, IP_TRANSPARENT,
 * SO_REUSEADDR) → bind (file system paths: parents made with DirectoryMode=, the node made under
 * umask(~SocketMode), then chowned) → listen(Backlog=) → the options that also apply to every
 * accepted connection. FIFOs, special files, netlink sockets and message queues likewise.
 * No logging, no event loop: every function returns -errno and names the step that failed. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "unit.h"

/* SocketUser=/SocketGroup= resolved; (uid_t) -1 / (gid_t) -1: leave as created. */
struct socket_owner {
        uid_t uid;
        gid_t gid;
};

/* Resolves SocketUser= and SocketGroup= (names or numeric ids; a numeric id without a database
 * entry is taken as it is). With only SocketUser= set the group is the user's primary group, as
 * systemd's socket_chown() and systemd.socket(5) do (a numeric user without an entry: the group
 * stays as created). Returns 0, -ESRCH with *ret_reason ("no such user", "no such group"), or
 * another -errno when the database cannot be read. */
int socket_owner_resolve(const struct socket_config *s, struct socket_owner *ret, const char **ret_reason);

/* Opens the listener of one Listen*= line of s. Returns the fd (close-on-exec, non-blocking) or
 * -errno with *ret_stage naming the step ("bind", "listen", "setsockopt SO_MARK", "mkfifo", …).
 * owner may be NULL (leave as created); it applies to AF_UNIX nodes and FIFOs.
 * A stale AF_UNIX node (a socket file nobody listens on) is replaced; a live one is not
 * (-EADDRINUSE), nor a file that is not a socket (-EEXIST). An existing FIFO is taken only when it
 * has SocketMode= and belongs to us or to owner, an existing queue only with SocketMode= and ours
 * (-EEXIST otherwise). On failure the fd is closed and what this call created (node, FIFO, queue,
 * parent directories) is removed again; a stale node it replaced stays gone.
 * Uses umask() around node creation: not for concurrent use from several threads. */
int socket_listen(const struct socket_config *s, const struct listen *l, const struct socket_owner *owner,
                  const char **ret_stage);

/* The options that apply after listen() and to each accepted connection: keep-alive (time,
 * interval, probes), TCP_DEFER_ACCEPT, NoDelay=, Broadcast=, PassCredentials=, PassSecurity=,
 * Priority=, ReceiveBuffer=, SendBuffer=, Mark=, IPTOS=, IPTTL=, TCPCongestion=, PassPacketInfo=,
 * Timestamping=, each only where it applies to the fd's family and type (read from the fd).
 * The first option the kernel refuses fails the call (stage "setsockopt NAME"), except that
 * ReceiveBuffer=/SendBuffer= fall back from SO_*BUFFORCE to the capped SO_*BUF without privilege. */
int socket_apply_options(const struct socket_config *s, int fd, const char **ret_stage);

/* The options set between socket() and bind(), in systemd's order: IPV6_V6ONLY, SO_BINDTODEVICE,
 * SO_REUSEPORT, IP(V6)_FREEBIND, IP(V6)_TRANSPARENT (IP families only), SO_REUSEADDR (all). */
int socket_apply_prebind_options(const struct socket_config *s, int fd, int family, const char **ret_stage);

/* Symlinks=: links to the unit's one file system socket or FIFO, parents made with DirectoryMode=.
 * An existing symlink is replaced atomically; anything else in the way is -EEXIST. Every link is
 * tried; the first failure is returned (systemd treats it as a warning: the caller decides).
 * -EINVAL when the unit has not exactly one node to link to. */
int socket_make_symlinks(const struct socket_config *s, const char **ret_stage);

/* A Listen*= line's address as an administrator reads it: "127.0.0.1:80", "[::1]:80", "/run/x.sock".
 * Returns 0, or -ENAMETOOLONG or -EINVAL (address_format()) with buf undefined. */
int socket_listen_text(const struct listen *l, char buf[ADDRESS_FORMAT_MAX]);

/* What makes two Listen*= lines the same socket, as text: the directive, the address and the
 * protocol ("ListenStream=127.0.0.1:80 protocol=0"). A reload keeps the open socket of a line whose
 * key did not change. */
#define SOCKET_LISTEN_KEY_MAX (ADDRESS_FORMAT_MAX + 48)
void socket_listen_key(const struct socket_config *s, const struct listen *l,
                       char buf[SOCKET_LISTEN_KEY_MAX]);

/* Of the options that changed from old to new, the first that an open listener cannot take (its
 * directive name, "ReusePort="): one set before bind() or at the node's creation, or one that old set
 * and new leaves to the kernel's default (which sockactd cannot restore). NULL when
 * socket_apply_options() and listen(Backlog=) bring an open listener of old to new. */
const char *socket_options_fixed_change(const struct socket_config *old, const struct socket_config *new);

/* Whether fd, inherited or kept from before, is the listener of line l of s: a socket of its type,
 * listening (stream and seqpacket), of its protocol, bound to its address; or the FIFO at its path.
 * Special files and message queues never match. Nothing is changed on fd. */
bool socket_fd_matches(int fd, const struct socket_config *s, const struct listen *l);

/* RemoveOnStop=: removes the socket nodes, FIFOs, message queues and Symlinks= of s, each only if
 * it is of that kind (a socket, a FIFO, a symlink). Missing ones are no error. */
void socket_remove_paths(const struct socket_config *s);
