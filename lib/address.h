/* Listen addresses of socket units, parsed exactly as systemd.socket(5) reads them, and printed
 * back in the same canonical form. Pure: no sockets are created here (the one probe that
 * needs the kernel, address_ipv6_supported(), is separate so that callers and tests choose).
 * Parsers return 0 or -errno, write *ret only on success, and on failure set *ret_reason to a
 * short static sentence for the administrator ("port out of range"). */
#pragma once

#include <linux/netlink.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#define ADDRESS_FORMAT_MAX 256 /* address_format() output fits, NUL included */

struct socket_address {
        union {
                struct sockaddr sa;
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
                struct sockaddr_un un;
                struct sockaddr_vm vm;
                struct sockaddr_nl nl;
                struct sockaddr_storage storage;
        } sockaddr;
        socklen_t size; /* for AF_UNIX: offsetof(sun_path) + path length (+1 for a file path's NUL) */
        int protocol;   /* AF_NETLINK: the netlink family, the third argument of socket(); 0 otherwise */
};

/* ListenStream=/ListenDatagram=/ListenSequentialPacket= values (after specifier expansion):
 *   "80"                     port only: [::]:80 when ipv6_supported (dual-stack per BindIPv6Only=),
 *                            else 0.0.0.0:80
 *   "127.0.0.1:80"           IPv4
 *   "[::1]:80", "[fe80::1]:80%eth0"   IPv6, optional interface (name or index) after the port
 *   "/run/foo.sock"          file system socket, at most 107 bytes
 *   "@name"                  abstract socket
 *   "vsock:CID:PORT"         AF_VSOCK
 * Refused with a reason: host names, service names, unbracketed IPv6, a missing or zero port, a
 * port above 65535, relative paths. Ports are decimal only (systemd also reads "0x50" and
 * "0120" as hex and octal; sockact refuses them). An interface after an IPv4 address is refused
 * (systemd checks that it exists, then ignores it). Explicit IPv6 addresses are refused with
 * -EAFNOSUPPORT when !ipv6_supported, as systemd refuses them. An interface name is resolved
 * with if_nametoindex() (-ENODEV when it does not exist); an interface number is taken as is. */
int address_parse(const char *s, bool ipv6_supported, struct socket_address *ret, const char **ret_reason);

/* ListenNetlink= values: "FAMILY [GROUP]", FAMILY a name (route, audit, kobject-uevent, …) or a
 * number below MAX_LINKS (32), stored in ->protocol; GROUP a number (default 0) stored as is in
 * nl_groups, as systemd does. */
int address_parse_netlink(const char *s, struct socket_address *ret, const char **ret_reason);

/* The canonical text: "127.0.0.1:80", "[::]:80", "[fe80::1]:80%2", "/run/x", "@name",
 * "vsock:2:1234", "route 0" for netlink. Returns 0, or -EINVAL for an unknown family or an
 * address that has no such text (unnamed AF_UNIX, an abstract name containing a NUL byte). */
int address_format(const struct socket_address *a, char buf[ADDRESS_FORMAT_MAX]);

int address_family(const struct socket_address *a);
/* The file system path of an AF_UNIX address, or NULL for abstract and other families. */
const char *address_unix_path(const struct socket_address *a);

/* Whether the kernel has IPv6 (what systemd's socket_ipv6_is_supported() checks). */
bool address_ipv6_supported(void);
