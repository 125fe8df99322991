/* The socket options of a unit: those set between socket() and bind() (IPV6_V6ONLY, SO_BINDTODEVICE,
 * SO_REUSEPORT, FREEBIND, TRANSPARENT, SO_REUSEADDR) and those set after listen() and again on every
 * accepted connection. Each is set only when the unit asks for it and only where it applies; which
 * apply is read from the fd, never assumed. Failure policy (below): a refused option fails. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/sctp.h>

#include "socket.h"
#include "util.h"
#include "value.h"

static int socket_setsockopt_int(int fd, int level, int name, int value)
{
        if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
                return -errno;
        return 0;
}

static int socket_getsockopt_int(int fd, int level, int name, int *ret)
{
        int value = 0;
        socklen_t size = sizeof(value);

        if (getsockopt(fd, level, name, &value, &size) < 0)
                return -errno;
        *ret = value;
        return 0;
}

/* One integer socket option, set only when wanted; the stage is the option's name. */
struct socket_option {
        bool wanted;
        int level, name, value;
        const char *stage;
};

#define SOCKET_OPTION(wanted, level, name, value)                                                           \
        {                                                                                                   \
                (wanted), (level), (name), (value), "setsockopt " #name                                     \
        }

static int socket_set_options(int fd, const struct socket_option *options, size_t n, const char **ret_stage)
{
        for (size_t i = 0; i < n; i++) {
                int r;

                if (!options[i].wanted)
                        continue;
                r = socket_setsockopt_int(fd, options[i].level, options[i].name, options[i].value);
                if (r < 0) {
                        *ret_stage = options[i].stage;
                        return r;
                }
        }
        return 0;
}

/* Whole seconds for the TCP options that take seconds, rounded up: systemd 252 rounds down, which
 * turns a sub-second KeepAliveTimeSec= into 0, a value the kernel refuses. */
static int socket_usec_to_sec(uint64_t usec)
{
        uint64_t sec = usec / USEC_PER_SEC + (usec % USEC_PER_SEC != 0);

        return sec > INT_MAX ? INT_MAX : (int) sec;
}

static int socket_clamp_int(uint64_t v)
{
        return v > INT_MAX ? INT_MAX : (int) v;
}

/* ReceiveBuffer=/SendBuffer=: the FORCE option passes net.core.rmem_max/wmem_max but needs
 * CAP_NET_ADMIN; without it the plain option, which the kernel silently caps at the sysctl. This
 * fallback is the one option failure that does not fail the listener. (systemd 252 sets the plain
 * option first and forces only when the kernel capped it: the same outcome.) */
static int socket_set_buffer(int fd, int force_name, int name, uint64_t size)
{
        int r = socket_setsockopt_int(fd, SOL_SOCKET, force_name, socket_clamp_int(size));

        if (r == -EPERM)
                r = socket_setsockopt_int(fd, SOL_SOCKET, name, socket_clamp_int(size));
        return r;
}

/* What has to be set before bind(), as socket_address_listen() in systemd does; unlike systemd
 * (which warns), a refused SO_REUSEPORT, FREEBIND or TRANSPARENT fails the listener too. */
int socket_apply_prebind_options(const struct socket_config *s, int fd, int family, const char **ret_stage)
{
        bool v6 = family == AF_INET6, ip = family == AF_INET || v6;
        const struct socket_option v6only[] = {
                SOCKET_OPTION(v6 && s->bind_ipv6_only != BIND_IPV6_ONLY_DEFAULT, IPPROTO_IPV6, IPV6_V6ONLY,
                              s->bind_ipv6_only == BIND_IPV6_ONLY_IPV6_ONLY),
        };
        const struct socket_option options[] = {
                SOCKET_OPTION(ip && s->reuse_port, SOL_SOCKET, SO_REUSEPORT, 1),
                SOCKET_OPTION(!v6 && ip && s->free_bind, IPPROTO_IP, IP_FREEBIND, 1),
                SOCKET_OPTION(v6 && s->free_bind, IPPROTO_IPV6, IPV6_FREEBIND, 1),
                SOCKET_OPTION(!v6 && ip && s->transparent, IPPROTO_IP, IP_TRANSPARENT, 1),
                SOCKET_OPTION(v6 && s->transparent, IPPROTO_IPV6, IPV6_TRANSPARENT, 1),
                SOCKET_OPTION(true, SOL_SOCKET, SO_REUSEADDR, 1),
        };
        int r;

        r = socket_set_options(fd, v6only, ELEMENTSOF(v6only), ret_stage);
        if (r < 0)
                return r;

        if (ip && !isempty(s->bind_to_device) &&
            setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->bind_to_device, strlen(s->bind_to_device)) < 0) {
                *ret_stage = "setsockopt SO_BINDTODEVICE";
                return -errno;
        }

        return socket_set_options(fd, options, ELEMENTSOF(options), ret_stage);
}

/* Which options apply is read from the fd itself (SO_DOMAIN, SO_TYPE, SO_PROTOCOL), so that an
 * accepted connection gets the same treatment as its listener: socket-level options (SO_*) go on
 * every socket, as systemd sets them, except SO_PASSCRED/SO_PASSSEC, which only AF_UNIX and
 * AF_NETLINK have (recent kernels refuse them elsewhere with EOPNOTSUPP); IP-level ones on
 * AF_INET/AF_INET6 only; TCP ones on TCP only; SCTP_NODELAY on SCTP. On an AF_INET6 socket IPTOS=
 * and IPTTL= set both the IPv6 option and the IPv4 one, which the kernel uses for the v4-mapped
 * traffic of a dual-stack socket.
 * Failure policy: a unit that asks for an option must not run without it, so the first option the
 * kernel refuses fails the call with that option as the stage (systemd logs a warning and goes on).
 * The exception is the buffer FORCE fallback above. Order: systemd's, except that SO_PRIORITY comes
 * after IP_TOS (in systemd's order IPTOS= silently overrides Priority=) and the buffers and
 * TCP_CONGESTION come last. */
/* Whether the unit asks for any option below: when it does not, reading what the fd is costs
 * three system calls for nothing, on every accepted connection. */
static bool socket_sets_options(const struct socket_config *s)
{
        return s->keep_alive || s->keep_alive_time > 0 || s->keep_alive_interval > 0 ||
               s->keep_alive_probes > 0 || s->defer_accept > 0 || s->no_delay || s->broadcast ||
               s->pass_credentials || s->pass_security || s->pass_packet_info ||
               s->timestamping != TIMESTAMPING_OFF || s->mark != UNIT_UNSET || s->ip_tos != UNIT_UNSET ||
               s->ip_ttl != UNIT_UNSET || s->priority != UNIT_UNSET || s->receive_buffer > 0 ||
               s->send_buffer > 0 || !isempty(s->tcp_congestion);
}

int socket_apply_options(const struct socket_config *s, int fd, const char **ret_stage)
{
        int family = AF_UNSPEC, type = 0, protocol = 0, r;

        if (!socket_sets_options(s))
                return 0;
        r = socket_getsockopt_int(fd, SOL_SOCKET, SO_DOMAIN, &family);
        if (r >= 0)
                r = socket_getsockopt_int(fd, SOL_SOCKET, SO_TYPE, &type);
        if (r >= 0)
                r = socket_getsockopt_int(fd, SOL_SOCKET, SO_PROTOCOL, &protocol);
        if (r < 0) {
                *ret_stage = "getsockopt";
                return r;
        }

        bool v4 = family == AF_INET, v6 = family == AF_INET6, ip = v4 || v6;
        bool tcp = ip && type == SOCK_STREAM && protocol == IPPROTO_TCP;
        bool sctp = ip && protocol == IPPROTO_SCTP;
        bool pktinfo = s->pass_packet_info, scm = family == AF_UNIX || family == AF_NETLINK;
        const struct socket_option options[] = {
                SOCKET_OPTION(s->keep_alive, SOL_SOCKET, SO_KEEPALIVE, 1),
                SOCKET_OPTION(tcp && s->keep_alive_time > 0, IPPROTO_TCP, TCP_KEEPIDLE,
                              socket_usec_to_sec(s->keep_alive_time)),
                SOCKET_OPTION(tcp && s->keep_alive_interval > 0, IPPROTO_TCP, TCP_KEEPINTVL,
                              socket_usec_to_sec(s->keep_alive_interval)),
                SOCKET_OPTION(tcp && s->keep_alive_probes > 0, IPPROTO_TCP, TCP_KEEPCNT,
                              socket_clamp_int(s->keep_alive_probes)),
                SOCKET_OPTION(tcp && s->defer_accept > 0, IPPROTO_TCP, TCP_DEFER_ACCEPT,
                              socket_usec_to_sec(s->defer_accept)),
                SOCKET_OPTION(tcp && s->no_delay, IPPROTO_TCP, TCP_NODELAY, 1),
                SOCKET_OPTION(sctp && s->no_delay, IPPROTO_SCTP, SCTP_NODELAY, 1), /* SOL_SCTP */
                SOCKET_OPTION(s->broadcast, SOL_SOCKET, SO_BROADCAST, 1),
                SOCKET_OPTION(scm && s->pass_credentials, SOL_SOCKET, SO_PASSCRED, 1),
                SOCKET_OPTION(scm && s->pass_security, SOL_SOCKET, SO_PASSSEC, 1),
                SOCKET_OPTION(pktinfo && v4, IPPROTO_IP, IP_PKTINFO, 1),
                SOCKET_OPTION(pktinfo && v6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1),
                SOCKET_OPTION(pktinfo && family == AF_NETLINK, SOL_NETLINK, NETLINK_PKTINFO, 1),
                /* AF_UNIX has no packet info option; its per-message metadata is the credentials
                 * (systemd 252 refuses PassPacketInfo= there with EAFNOSUPPORT and goes on). */
                SOCKET_OPTION(pktinfo && family == AF_UNIX, SOL_SOCKET, SO_PASSCRED, 1),
                SOCKET_OPTION(s->timestamping == TIMESTAMPING_US, SOL_SOCKET, SO_TIMESTAMP, 1),
                SOCKET_OPTION(s->timestamping == TIMESTAMPING_NS, SOL_SOCKET, SO_TIMESTAMPNS, 1),
                SOCKET_OPTION(s->mark != UNIT_UNSET, SOL_SOCKET, SO_MARK, s->mark),
                SOCKET_OPTION(ip && s->ip_tos != UNIT_UNSET, IPPROTO_IP, IP_TOS, s->ip_tos),
                SOCKET_OPTION(v6 && s->ip_tos != UNIT_UNSET, IPPROTO_IPV6, IPV6_TCLASS, s->ip_tos),
                SOCKET_OPTION(ip && s->ip_ttl != UNIT_UNSET, IPPROTO_IP, IP_TTL, s->ip_ttl),
                SOCKET_OPTION(v6 && s->ip_ttl != UNIT_UNSET, IPPROTO_IPV6, IPV6_UNICAST_HOPS, s->ip_ttl),
                /* After IP_TOS, which resets the priority from the TOS (rt_tos2priority()). */
                SOCKET_OPTION(s->priority != UNIT_UNSET, SOL_SOCKET, SO_PRIORITY, s->priority),
        };

        r = socket_set_options(fd, options, ELEMENTSOF(options), ret_stage);
        if (r < 0)
                return r;

        if (s->receive_buffer > 0) {
                r = socket_set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, s->receive_buffer);
                if (r < 0) {
                        *ret_stage = "setsockopt SO_RCVBUF";
                        return r;
                }
        }
        if (s->send_buffer > 0) {
                r = socket_set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, s->send_buffer);
                if (r < 0) {
                        *ret_stage = "setsockopt SO_SNDBUF";
                        return r;
                }
        }
        if (tcp && !isempty(s->tcp_congestion) &&
            setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, s->tcp_congestion, strlen(s->tcp_congestion)) < 0) {
                *ret_stage = "setsockopt TCP_CONGESTION";
                return -errno;
        }
        return 0;
}

static bool same_strv(char *const *a, char *const *b)
{
        size_t i = 0;

        for (; a && b && a[i] && b[i]; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return (!a || !a[i]) && (!b || !b[i]);
}

const char *socket_options_fixed_change(const struct socket_config *a, const struct socket_config *b)
{
        /* Set when the node or the socket is made: an open listener keeps what it was made with. */
        const struct {
                bool changed;
                const char *name;
        } fixed[] = {
                { a->bind_ipv6_only != b->bind_ipv6_only, "BindIPv6Only=" },
                { !streq_ptr(a->bind_to_device, b->bind_to_device), "BindToDevice=" },
                { a->reuse_port != b->reuse_port, "ReusePort=" },
                { a->free_bind != b->free_bind, "FreeBind=" },
                { a->transparent != b->transparent, "Transparent=" },
                { !streq_ptr(a->socket_user, b->socket_user), "SocketUser=" },
                { !streq_ptr(a->socket_group, b->socket_group), "SocketGroup=" },
                { a->socket_mode != b->socket_mode, "SocketMode=" },
                { a->directory_mode != b->directory_mode, "DirectoryMode=" },
                { a->pipe_size != b->pipe_size, "PipeSize=" },
                { a->mq_max_messages != b->mq_max_messages, "MessageQueueMaxMessages=" },
                { a->mq_message_size != b->mq_message_size, "MessageQueueMessageSize=" },
                { !same_strv(a->symlinks, b->symlinks), "Symlinks=" }, /* made when the unit starts */
                /* set by a and left to the kernel's default by b: that default is not known here */
                { a->keep_alive && !b->keep_alive, "KeepAlive=" },
                { a->keep_alive_time > 0 && b->keep_alive_time == 0, "KeepAliveTimeSec=" },
                { a->keep_alive_interval > 0 && b->keep_alive_interval == 0, "KeepAliveIntervalSec=" },
                { a->keep_alive_probes > 0 && b->keep_alive_probes == 0, "KeepAliveProbes=" },
                { a->defer_accept > 0 && b->defer_accept == 0, "DeferAcceptSec=" },
                { a->no_delay && !b->no_delay, "NoDelay=" },
                { a->broadcast && !b->broadcast, "Broadcast=" },
                { a->pass_credentials && !b->pass_credentials, "PassCredentials=" },
                { a->pass_security && !b->pass_security, "PassSecurity=" },
                { a->pass_packet_info && !b->pass_packet_info, "PassPacketInfo=" },
                { a->timestamping != TIMESTAMPING_OFF && b->timestamping != a->timestamping,
                  "Timestamping=" },
                { a->mark != UNIT_UNSET && b->mark == UNIT_UNSET, "Mark=" },
                { a->ip_tos != UNIT_UNSET && b->ip_tos == UNIT_UNSET, "IPTOS=" },
                { a->ip_ttl != UNIT_UNSET && b->ip_ttl == UNIT_UNSET, "IPTTL=" },
                { a->priority != UNIT_UNSET && b->priority == UNIT_UNSET, "Priority=" },
                { a->receive_buffer > 0 && b->receive_buffer == 0, "ReceiveBuffer=" },
                { a->send_buffer > 0 && b->send_buffer == 0, "SendBuffer=" },
                { !isempty(a->tcp_congestion) && isempty(b->tcp_congestion), "TCPCongestion=" },
        };

        for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
                if (fixed[i].changed)
                        return fixed[i].name;
        return NULL;
}
