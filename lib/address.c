/* Listen addresses: reads ListenStream=/ListenDatagram=/ListenSequentialPacket= and ListenNetlink=
 * values as systemd 252 reads them, and prints them back in a text the parser reads to the same
 * address. Where systemd reads a value ambiguously (hex or octal ports, an interface after an IPv4
 * address that it then ignores) sockact refuses it with a reason instead.
 * Never logs and keeps no state; *ret is written only on success, *ret_reason only on failure,
 * and every reason is a static lowercase sentence an administrator can act on. */
#include "address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *) NULL)->sun_path)
/* Like systemd, insist on a NUL after the name in sun_path: 107 bytes for a path, 106 after '@'. */
#define UNIX_PATH_MAX     (SUN_PATH_SIZE - 1)
#define ABSTRACT_NAME_MAX (SUN_PATH_SIZE - 2)
_Static_assert(SUN_PATH_SIZE == 108, "the reasons below spell out the AF_UNIX limits");
_Static_assert(MAX_LINKS == 32, "the reasons below spell out the netlink family limit");

/* The names systemd's ListenNetlink= knows (its netlink_family table); the index is the number. */
static const char *const netlink_family_names[] = {
        [NETLINK_ROUTE] = "route",
        [NETLINK_FIREWALL] = "firewall",
        [NETLINK_INET_DIAG] = "inet-diag",
        [NETLINK_NFLOG] = "nflog",
        [NETLINK_XFRM] = "xfrm",
        [NETLINK_SELINUX] = "selinux",
        [NETLINK_ISCSI] = "iscsi",
        [NETLINK_AUDIT] = "audit",
        [NETLINK_FIB_LOOKUP] = "fib-lookup",
        [NETLINK_CONNECTOR] = "connector",
        [NETLINK_NETFILTER] = "netfilter",
        [NETLINK_IP6_FW] = "ip6-fw",
        [NETLINK_DNRTMSG] = "dnrtmsg",
        [NETLINK_KOBJECT_UEVENT] = "kobject-uevent",
        [NETLINK_GENERIC] = "generic",
        [NETLINK_SCSITRANSPORT] = "scsitransport",
        [NETLINK_ECRYPTFS] = "ecryptfs",
        [NETLINK_RDMA] = "rdma",
};

/* What to tell the administrator about a numeric field that is not empty but not right either. */
struct number_reasons {
        const char *malformed;
        const char *out_of_range;
};

#define GENERIC_REASON "expected PORT, IPV4:PORT, [IPV6]:PORT, /path, @name or vsock:CID:PORT"
#define DECIMAL_ONLY   " must be a decimal number without sign, spaces or leading zeros"
static const struct number_reasons port_reasons = { "port" DECIMAL_ONLY, "port out of range" };
static const struct number_reasons ifindex_reasons = { "interface index" DECIMAL_ONLY,
                                                       "interface index out of range" };
static const struct number_reasons vsock_cid_reasons = { "vsock CID" DECIMAL_ONLY,
                                                         "vsock CID out of range" };
static const struct number_reasons vsock_port_reasons = {
        "vsock port" DECIMAL_ONLY,
        "vsock port out of range (4294967295 means any port and cannot be listened on)"
};
static const struct number_reasons netlink_family_reasons = {
        "netlink family must be a known name or a number", "netlink family out of range (at most 31)"
};
static const struct number_reasons netlink_group_reasons = { "netlink group" DECIMAL_ONLY,
                                                             "netlink group out of range" };

static int fail(const char **ret_reason, const char *reason, int error)
{
        if (ret_reason)
                *ret_reason = reason;
        return error;
}

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool has_letter(const char *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z'))
                        return true;
        return false;
}

/* Whether p[0..n) is not empty and consists of characters of set only. */
static bool only_chars(const char *p, size_t n, const char *set)
{
        for (size_t i = 0; i < n; i++)
                if (!p[i] || !strchr(set, p[i]))
                        return false;
        return n > 0;
}

/* Reads p[0..n) as a plain decimal number in [0, max]. systemd's safe_atou() also skips leading
 * white space and reads "0x50" as hex, "0b101" as binary and "0120" as octal; sockact refuses
 * all of them, because an administrator writing "0120" most likely meant 120, not 80. */
static int parse_decimal(const char *p, size_t n, uint32_t max, const struct number_reasons *why,
                         uint32_t *ret, const char **ret_reason)
{
        uint64_t value = 0;

        if (n == 0 || (p[0] == '0' && n > 1))
                return fail(ret_reason, why->malformed, -EINVAL);
        for (size_t i = 0; i < n; i++) {
                if (!is_digit(p[i]))
                        return fail(ret_reason, why->malformed, -EINVAL);
                if (value <= max) /* stop growing once too large; the digits are still checked */
                        value = value * 10 + (uint64_t) (p[i] - '0');
        }
        if (value > max)
                return fail(ret_reason, why->out_of_range, -ERANGE);

        *ret = (uint32_t) value;
        return 0;
}

static int parse_port(const char *p, size_t n, uint16_t *ret, const char **ret_reason)
{
        uint32_t port;
        int r;

        if (n == 0)
                return fail(ret_reason, "missing port", -EINVAL);
        if (has_letter(p, n) && !is_digit(p[0]))
                return fail(ret_reason, "service names are not allowed, use a port number", -EINVAL);
        r = parse_decimal(p, n, UINT16_MAX, &port_reasons, &port, ret_reason);
        if (r < 0)
                return r;
        if (port == 0)
                return fail(ret_reason, "port 0 is not allowed", -EINVAL);

        *ret = (uint16_t) port;
        return 0;
}

static int parse_ip(int family, const char *p, size_t n, void *ret, const char **ret_reason)
{
        const char *invalid = family == AF_INET ? "invalid IPv4 address" : "invalid IPv6 address";
        char text[INET6_ADDRSTRLEN];

        if (n == 0 || n >= sizeof(text))
                return fail(ret_reason, invalid, -EINVAL);
        memcpy(text, p, n);
        text[n] = 0;
        if (inet_pton(family, text, ret) != 1) /* strict: IPv4 is four decimal parts, no leading zeros */
                return fail(ret_reason, invalid, -EINVAL);
        return 0;
}

/* The scope of an IPv6 address: an interface number, taken as is like systemd does, or a name that
 * must exist now. */
static int parse_interface(const char *name, uint32_t *ret, const char **ret_reason)
{
        size_t n = strlen(name);
        uint32_t ifindex;
        int r;

        if (only_chars(name, n, "0123456789")) {
                r = parse_decimal(name, n, INT_MAX, &ifindex_reasons, &ifindex, ret_reason);
                if (r < 0)
                        return r;
                if (ifindex == 0)
                        return fail(ret_reason, ifindex_reasons.out_of_range, -ERANGE);
                *ret = ifindex;
                return 0;
        }
        if (n == 0)
                return fail(ret_reason, "missing network interface after %", -EINVAL);
        if (n >= IF_NAMESIZE)
                return fail(ret_reason, "network interface name too long (at most 15 bytes)", -EINVAL);

        ifindex = if_nametoindex(name);
        if (ifindex == 0) {
                int error = errno;

                if (error == 0 || error == ENODEV)
                        return fail(ret_reason, "no such network interface", -ENODEV);
                return fail(ret_reason, "could not look up the network interface", -error);
        }
        *ret = ifindex;
        return 0;
}

static int parse_unix(const char *s, struct socket_address *ret, const char **ret_reason)
{
        struct socket_address a = { .sockaddr.un.sun_family = AF_UNIX };
        size_t n = strlen(s);

        if (s[0] == '@') {
                if (n == 1)
                        return fail(ret_reason, "abstract socket name is empty", -EINVAL);
                if (n - 1 > ABSTRACT_NAME_MAX)
                        return fail(ret_reason, "abstract socket name too long (at most 106 bytes after @)",
                                    -ENAMETOOLONG);
                memcpy(a.sockaddr.un.sun_path + 1, s + 1, n - 1);                  /* sun_path[0] stays 0 */
                a.size = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n); /* '@' counts as the 0 */
        } else {
                if (n == 1)
                        return fail(ret_reason, "the root directory cannot be a socket", -EINVAL);
                if (n > UNIX_PATH_MAX)
                        return fail(ret_reason, "path too long (at most 107 bytes)", -ENAMETOOLONG);
                memcpy(a.sockaddr.un.sun_path, s, n + 1);
                a.size = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + 1);
        }
        *ret = a;
        return 0;
}

/* "vsock:CID:PORT"; an empty CID means any (VMADDR_CID_ANY), as in systemd 252. */
static int parse_vsock(const char *s, struct socket_address *ret, const char **ret_reason)
{
        const char *cid = s + strlen("vsock:"), *colon = strchr(cid, ':');
        uint32_t cid_number = VMADDR_CID_ANY, port;
        int r;

        if (!colon)
                return fail(ret_reason, "vsock addresses are written vsock:CID:PORT", -EINVAL);
        if (!colon[1])
                return fail(ret_reason, "missing vsock port", -EINVAL);
        if (colon > cid) {
                r = parse_decimal(cid, (size_t) (colon - cid), UINT32_MAX, &vsock_cid_reasons, &cid_number,
                                  ret_reason);
                if (r < 0)
                        return r;
        }
        r = parse_decimal(colon + 1, strlen(colon + 1), VMADDR_PORT_ANY - 1, &vsock_port_reasons, &port,
                          ret_reason);
        if (r < 0)
                return r;

        *ret = (struct socket_address){
                .sockaddr.vm = { .svm_family = AF_VSOCK, .svm_cid = cid_number, .svm_port = port },
                .size = sizeof(struct sockaddr_vm),
        };
        return 0;
}

/* "PORT", "IPV4:PORT" and "[IPV6]:PORT%INTERFACE". */
static int parse_inet(const char *s, bool ipv6_supported, struct socket_address *ret,
                      const char **ret_reason)
{
        const char *percent = strchr(s, '%'), *colon, *bracket;
        size_t n = percent ? (size_t) (percent - s) : strlen(s);
        struct socket_address a = {};
        uint32_t scope = 0;
        uint16_t port;
        int r;

        if (s[0] == '[') {
                bracket = memchr(s, ']', n);
                if (!bracket)
                        return fail(ret_reason,
                                    percent && strchr(percent, ']')
                                            ? "the interface goes after the port: [fe80::1]:80%eth0"
                                            : "missing ] after the IPv6 address",
                                    -EINVAL);
                r = parse_ip(AF_INET6, s + 1, (size_t) (bracket - s - 1), &a.sockaddr.in6.sin6_addr,
                             ret_reason);
                if (r < 0)
                        return r;
                if (bracket + 1 == s + n)
                        return fail(ret_reason, "missing port", -EINVAL);
                if (bracket[1] != ':')
                        return fail(ret_reason, "expected :PORT after the IPv6 address in brackets",
                                    -EINVAL);
                r = parse_port(bracket + 2, (size_t) (s + n - bracket - 2), &port, ret_reason);
                if (r < 0)
                        return r;
                if (!ipv6_supported)
                        return fail(ret_reason, "IPv6 is not supported by the kernel", -EAFNOSUPPORT);
                if (percent) {
                        r = parse_interface(percent + 1, &scope, ret_reason);
                        if (r < 0)
                                return r;
                }
                a.sockaddr.in6.sin6_family = AF_INET6;
                a.sockaddr.in6.sin6_port = htons(port);
                a.sockaddr.in6.sin6_scope_id = scope;
                a.size = sizeof(struct sockaddr_in6);
                *ret = a;
                return 0;
        }

        colon = memchr(s, ':', n);
        if (colon && memchr(colon + 1, ':', (size_t) (s + n - colon - 1)))
                return fail(ret_reason,
                            only_chars(s, n, "0123456789abcdefABCDEF:.")
                                    ? "IPv6 addresses must be written in brackets: [::1]:80"
                                    : GENERIC_REASON,
                            -EINVAL);

        if (n == 0) {
                return fail(ret_reason, GENERIC_REASON, -EINVAL);
        } else if (colon == s) {
                return fail(ret_reason, "missing IP address before the port", -EINVAL);
        } else if (colon) {
                if (has_letter(s, (size_t) (colon - s)))
                        return fail(ret_reason, "host names are not allowed, use an IP address", -EINVAL);
                r = parse_ip(AF_INET, s, (size_t) (colon - s), &a.sockaddr.in.sin_addr, ret_reason);
                if (r < 0)
                        return r;
                r = parse_port(colon + 1, (size_t) (s + n - colon - 1), &port, ret_reason);
        } else if (is_digit(s[0]) && !memchr(s, '.', n)) {
                r = parse_port(s, n, &port, ret_reason); /* port only: the address is "any" */
        } else if (strchr(WHITESPACE "+-", s[0])) {
                return fail(ret_reason, port_reasons.malformed, -EINVAL);
        } else if (memchr(s, '/', n)) {
                return fail(ret_reason, "relative paths are not allowed, use an absolute path", -EINVAL);
        } else if (only_chars(s, n, "0123456789.")) {
                r = parse_ip(AF_INET, s, n, &a.sockaddr.in.sin_addr, ret_reason);
                return r < 0 ? r : fail(ret_reason, "missing port", -EINVAL);
        } else {
                return fail(ret_reason, GENERIC_REASON, -EINVAL);
        }
        if (r < 0)
                return r;
        if (percent)
                return fail(ret_reason,
                            "an interface can only follow [IPV6]:PORT, use BindToDevice= to bind to one",
                            -EINVAL);

        if (!colon && ipv6_supported) {
                a.sockaddr.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
                                                        .sin6_port = htons(port),
                                                        .sin6_addr = IN6ADDR_ANY_INIT };
                a.size = sizeof(struct sockaddr_in6);
        } else {
                a.sockaddr.in.sin_family = AF_INET; /* sin_addr is INADDR_ANY (0) for a port only */
                a.sockaddr.in.sin_port = htons(port);
                a.size = sizeof(struct sockaddr_in);
        }
        *ret = a;
        return 0;
}

int address_parse(const char *s, bool ipv6_supported, struct socket_address *ret, const char **ret_reason)
{
        if (isempty(s))
                return fail(ret_reason, "empty address", -EINVAL);
        if (s[0] == '/' || s[0] == '@')
                return parse_unix(s, ret, ret_reason);
        if (startswith(s, "vsock:"))
                return parse_vsock(s, ret, ret_reason);
        if (startswith(s, "vsock")) /* "vsock-stream:" and friends came after systemd 252 */
                return fail(ret_reason, "vsock addresses are written vsock:CID:PORT", -EINVAL);
        return parse_inet(s, ipv6_supported, ret, ret_reason);
}

int address_parse_netlink(const char *s, struct socket_address *ret, const char **ret_reason)
{
        const char *family, *group, *rest;
        size_t family_len, group_len;
        uint32_t number = UINT32_MAX, groups = 0;
        int r;

        family = s + strspn(s, WHITESPACE);
        family_len = strcspn(family, WHITESPACE);
        group = family + family_len + strspn(family + family_len, WHITESPACE);
        group_len = strcspn(group, WHITESPACE);
        rest = group + group_len + strspn(group + group_len, WHITESPACE);
        if (family_len == 0)
                return fail(ret_reason, "missing netlink family", -EINVAL);
        if (*rest)
                return fail(ret_reason, "expected a netlink family and at most one group", -EINVAL);

        for (size_t i = 0; i < ELEMENTSOF(netlink_family_names); i++)
                if (netlink_family_names[i] && strlen(netlink_family_names[i]) == family_len &&
                    memcmp(netlink_family_names[i], family, family_len) == 0)
                        number = (uint32_t) i;
        if (number == UINT32_MAX) {
                if (!is_digit(family[0]))
                        return fail(ret_reason, "unknown netlink family", -EINVAL);
                r = parse_decimal(family, family_len, MAX_LINKS - 1, &netlink_family_reasons, &number,
                                  ret_reason);
                if (r < 0)
                        return r;
        }
        if (group_len > 0) {
                r = parse_decimal(group, group_len, UINT32_MAX, &netlink_group_reasons, &groups, ret_reason);
                if (r < 0)
                        return r;
        }

        *ret = (struct socket_address){
                .sockaddr.nl = { .nl_family = AF_NETLINK, .nl_groups = groups },
                .size = sizeof(struct sockaddr_nl),
                .protocol = (int) number,
        };
        return 0;
}

static int format_unix(const struct socket_address *a, char buf[ADDRESS_FORMAT_MAX])
{
        const char *path = a->sockaddr.un.sun_path;
        size_t n;

        if (a->size <= offsetof(struct sockaddr_un, sun_path))
                return -EINVAL;
        n = a->size - offsetof(struct sockaddr_un, sun_path);
        if (n > SUN_PATH_SIZE)
                n = SUN_PATH_SIZE;

        if (path[0] != 0) {
                snprintf(buf, ADDRESS_FORMAT_MAX, "%.*s", (int) strnlen(path, n), path);
                return 0;
        }
        if (n == 1 || memchr(path + 1, 0, n - 1)) /* unnamed, or a name the text form cannot carry */
                return -EINVAL;
        snprintf(buf, ADDRESS_FORMAT_MAX, "@%.*s", (int) (n - 1), path + 1);
        return 0;
}

int address_format(const struct socket_address *a, char buf[ADDRESS_FORMAT_MAX])
{
        char text[INET6_ADDRSTRLEN];
        uint32_t scope;

        switch (address_family(a)) {
        case AF_INET:
                inet_ntop(AF_INET, &a->sockaddr.in.sin_addr, text, sizeof(text));
                snprintf(buf, ADDRESS_FORMAT_MAX, "%s:%u", text, ntohs(a->sockaddr.in.sin_port));
                return 0;
        case AF_INET6:
                inet_ntop(AF_INET6, &a->sockaddr.in6.sin6_addr, text, sizeof(text));
                scope = a->sockaddr.in6.sin6_scope_id;
                if (scope != 0)
                        snprintf(buf, ADDRESS_FORMAT_MAX, "[%s]:%u%%%u", text,
                                 ntohs(a->sockaddr.in6.sin6_port), scope);
                else
                        snprintf(buf, ADDRESS_FORMAT_MAX, "[%s]:%u", text, ntohs(a->sockaddr.in6.sin6_port));
                return 0;
        case AF_UNIX:
                return format_unix(a, buf);
        case AF_VSOCK:
                if (a->sockaddr.vm.svm_cid == VMADDR_CID_ANY) /* written as systemd prints it */
                        snprintf(buf, ADDRESS_FORMAT_MAX, "vsock::%u", a->sockaddr.vm.svm_port);
                else
                        snprintf(buf, ADDRESS_FORMAT_MAX, "vsock:%u:%u", a->sockaddr.vm.svm_cid,
                                 a->sockaddr.vm.svm_port);
                return 0;
        case AF_NETLINK:
                if (a->protocol >= 0 && (size_t) a->protocol < ELEMENTSOF(netlink_family_names) &&
                    netlink_family_names[a->protocol])
                        snprintf(buf, ADDRESS_FORMAT_MAX, "%s %u", netlink_family_names[a->protocol],
                                 a->sockaddr.nl.nl_groups);
                else
                        snprintf(buf, ADDRESS_FORMAT_MAX, "%d %u", a->protocol, a->sockaddr.nl.nl_groups);
                return 0;
        default:
                return -EINVAL;
        }
}

int address_family(const struct socket_address *a)
{
        return a->sockaddr.sa.sa_family;
}

const char *address_unix_path(const struct socket_address *a)
{
        if (address_family(a) != AF_UNIX || a->size <= offsetof(struct sockaddr_un, sun_path) ||
            a->sockaddr.un.sun_path[0] == 0)
                return NULL;
        return a->sockaddr.un.sun_path; /* NUL-terminated: sockaddr_storage has room after sun_path */
}

/* What systemd's socket_ipv6_is_supported() checks: the file exists only with IPv6 in the kernel. */
bool address_ipv6_supported(void)
{
        return access("/proc/net/if_inet6", F_OK) == 0;
}
