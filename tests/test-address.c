/* Tests for lib/address.c: every listen address form an administrator can write, what it becomes
 * (family, address, port, size), every refusal with its errno and reason, the text it prints back,
 * and the kernel's own view of a bound AF_UNIX address. */
#include "tests.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "address.h"
#include "util.h"

#define SUN_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/* Parses s, which must be accepted, and checks that the reason was left alone. */
#define PARSE_OK(s, ipv6, a)                                                                                \
        do {                                                                                                \
                const char *_reason = "untouched";                                                          \
                int _r = address_parse((s), (ipv6), &(a), &_reason);                                        \
                ck_assert_msg(_r == 0, "'%s' refused (%d): %s", (s), _r, _reason);                          \
                ck_assert_str_eq(_reason, "untouched");                                                     \
        } while (0)

#define PARSE_NETLINK_OK(s, a)                                                                              \
        do {                                                                                                \
                const char *_reason = "untouched";                                                          \
                int _r = address_parse_netlink((s), &(a), &_reason);                                        \
                ck_assert_msg(_r == 0, "'%s' refused (%d): %s", (s), _r, _reason);                          \
                ck_assert_str_eq(_reason, "untouched");                                                     \
        } while (0)

struct refusal {
        const char *input;
        bool ipv6;
        int error;
        const char *reason;
};

#define DECIMAL  " must be a decimal number without sign, spaces or leading zeros"
#define GENERIC  "expected PORT, IPV4:PORT, [IPV6]:PORT, /path, @name or vsock:CID:PORT"
#define BRACKETS "IPv6 addresses must be written in brackets: [::1]:80"
#define NO_IFACE "an interface can only follow [IPV6]:PORT, use BindToDevice= to bind to one"

static const struct refusal refusals[] = {
        { "", true, -EINVAL, "empty address" },
        /* ports: 1..65535, plain decimal (systemd would read 0x50 and 0120 as 80) */
        { "0", true, -EINVAL, "port 0 is not allowed" },
        { "65536", true, -ERANGE, "port out of range" },
        { "99999999999999999999999", false, -ERANGE, "port out of range" },
        { "127.0.0.1:0", true, -EINVAL, "port 0 is not allowed" },
        { "127.0.0.1:65536", true, -ERANGE, "port out of range" },
        { "[::1]:0", true, -EINVAL, "port 0 is not allowed" },
        { "[::1]:65536", true, -ERANGE, "port out of range" },
        { "0x50", true, -EINVAL, "port" DECIMAL },
        { "080", true, -EINVAL, "port" DECIMAL },
        { "0120", true, -EINVAL, "port" DECIMAL },
        { "00", true, -EINVAL, "port" DECIMAL },
        { "+80", true, -EINVAL, "port" DECIMAL },
        { "-80", true, -EINVAL, "port" DECIMAL },
        { " 80", true, -EINVAL, "port" DECIMAL },
        { "80 ", true, -EINVAL, "port" DECIMAL },
        { "\t80", true, -EINVAL, "port" DECIMAL },
        { "127.0.0.1:0x50", true, -EINVAL, "port" DECIMAL },
        { "127.0.0.1: 80", true, -EINVAL, "port" DECIMAL },
        { "127.0.0.1:80 ", true, -EINVAL, "port" DECIMAL },
        { "127.0.0.1:80#example.com", true, -EINVAL, "port" DECIMAL },
        { "[::1]:080", true, -EINVAL, "port" DECIMAL },
        { "127.0.0.1:http", true, -EINVAL, "service names are not allowed, use a port number" },
        { "[::1]:ssh", true, -EINVAL, "service names are not allowed, use a port number" },
        /* missing parts */
        { "127.0.0.1", true, -EINVAL, "missing port" },
        { "127.0.0.1:", true, -EINVAL, "missing port" },
        { "[::1]", true, -EINVAL, "missing port" },
        { "[::1]:", true, -EINVAL, "missing port" },
        { ":80", true, -EINVAL, "missing IP address before the port" },
        /* addresses */
        { "localhost:80", true, -EINVAL, "host names are not allowed, use an IP address" },
        { "example.com:443", true, -EINVAL, "host names are not allowed, use an IP address" },
        { "localhost", true, -EINVAL, GENERIC },
        { "http", true, -EINVAL, GENERIC },
        { "*:80", true, -EINVAL, "invalid IPv4 address" },
        { "256.0.0.1:80", true, -EINVAL, "invalid IPv4 address" },
        { "127.1:80", true, -EINVAL, "invalid IPv4 address" },
        { "01.2.3.4:80", true, -EINVAL, "invalid IPv4 address" },
        { "1.2.3.4.5:80", true, -EINVAL, "invalid IPv4 address" },
        { "1.2.3", true, -EINVAL, "invalid IPv4 address" },
        { "::1:80", true, -EINVAL, BRACKETS },
        { "::1", true, -EINVAL, BRACKETS },
        { "fe80::1:80", true, -EINVAL, BRACKETS },
        { "[::1", true, -EINVAL, "missing ] after the IPv6 address" },
        { "[::1]80", true, -EINVAL, "expected :PORT after the IPv6 address in brackets" },
        { "[]:80", true, -EINVAL, "invalid IPv6 address" },
        { "[::g]:80", true, -EINVAL, "invalid IPv6 address" },
        { "[127.0.0.1]:80", true, -EINVAL, "invalid IPv6 address" },
        { "[localhost]:80", true, -EINVAL, "invalid IPv6 address" },
        { "[::1]:80", false, -EAFNOSUPPORT, "IPv6 is not supported by the kernel" },
        { "[fe80::1]:80%lo", false, -EAFNOSUPPORT, "IPv6 is not supported by the kernel" },
        /* interfaces */
        { "[fe80::1]:80%", true, -EINVAL, "missing network interface after %" },
        { "[fe80::1]:80%sockact-nosuch", true, -ENODEV, "no such network interface" },
        { "[fe80::1]:80%sockact-too-long-name", true, -EINVAL,
          "network interface name too long (at most 15 bytes)" },
        { "[fe80::1]:80%0", true, -ERANGE, "interface index out of range" },
        { "[fe80::1]:80%2147483648", true, -ERANGE, "interface index out of range" },
        { "[fe80::1]:80%01", true, -EINVAL, "interface index" DECIMAL },
        { "[fe80::1%lo]:80", true, -EINVAL, "the interface goes after the port: [fe80::1]:80%eth0" },
        { "127.0.0.1:80%lo", true, -EINVAL, NO_IFACE },
        { "80%lo", true, -EINVAL, NO_IFACE },
        { "%lo", true, -EINVAL, GENERIC },
        /* AF_UNIX */
        { "/", true, -EINVAL, "the root directory cannot be a socket" },
        { "run/foo.sock", true, -EINVAL, "relative paths are not allowed, use an absolute path" },
        { "./foo.sock", true, -EINVAL, "relative paths are not allowed, use an absolute path" },
        { "foo.sock", true, -EINVAL, GENERIC },
        { "@", true, -EINVAL, "abstract socket name is empty" },
        /* AF_VSOCK */
        { "vsock:", true, -EINVAL, "vsock addresses are written vsock:CID:PORT" },
        { "vsock:2", true, -EINVAL, "vsock addresses are written vsock:CID:PORT" },
        { "vsock:2:", true, -EINVAL, "missing vsock port" },
        { "vsock::", true, -EINVAL, "missing vsock port" },
        { "vsock:0x2:1234", true, -EINVAL, "vsock CID" DECIMAL },
        { "vsock:host:1234", true, -EINVAL, "vsock CID" DECIMAL },
        { "vsock:-1:1234", true, -EINVAL, "vsock CID" DECIMAL },
        { "vsock:4294967296:1234", true, -ERANGE, "vsock CID out of range" },
        { "vsock:2:0x10", true, -EINVAL, "vsock port" DECIMAL },
        { "vsock:2:1:2", true, -EINVAL, "vsock port" DECIMAL },
        { "vsock:2:4294967295", true, -ERANGE,
          "vsock port out of range (4294967295 means any port and cannot be listened on)" },
        { "vsock-stream:2:1234", true, -EINVAL, "vsock addresses are written vsock:CID:PORT" },
        { "host:name:80", true, -EINVAL, GENERIC },
};

START_TEST(test_refused)
{
        const struct refusal *c = &refusals[_i];
        struct socket_address a, untouched;
        const char *reason = NULL;
        int r;

        memset(&a, 0x5a, sizeof(a));
        untouched = a;
        r = address_parse(c->input, c->ipv6, &a, &reason);
        ck_assert_msg(r == c->error, "'%s' gave %d, not %d", c->input, r, c->error);
        ck_assert_msg(reason && streq(reason, c->reason), "'%s': reason '%s', expected '%s'", c->input,
                      reason, c->reason);
        ck_assert_msg(memcmp(&a, &untouched, sizeof(a)) == 0, "'%s': *ret written on failure", c->input);
}
END_TEST

START_TEST(test_null_and_no_reason)
{
        struct socket_address a;

        ck_assert_int_eq(address_parse(NULL, true, &a, NULL), -EINVAL);
        ck_assert_int_eq(address_parse("localhost:80", true, &a, NULL), -EINVAL);
        ck_assert_int_eq(address_parse_netlink("nosuch", &a, NULL), -EINVAL);
}
END_TEST

START_TEST(test_port_only)
{
        struct socket_address a;

        PARSE_OK("80", true, a);
        ck_assert_int_eq(address_family(&a), AF_INET6);
        ck_assert(IN6_IS_ADDR_UNSPECIFIED(&a.sockaddr.in6.sin6_addr));
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 80);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_scope_id, 0);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_flowinfo, 0);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_in6));
        ck_assert_int_eq(a.protocol, 0);

        PARSE_OK("80", false, a);
        ck_assert_int_eq(address_family(&a), AF_INET);
        ck_assert_uint_eq(a.sockaddr.in.sin_addr.s_addr, htonl(INADDR_ANY));
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 80);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_in));

        PARSE_OK("1", true, a);
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 1);
        PARSE_OK("65535", true, a);
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 65535);
        PARSE_OK("65535", false, a);
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 65535);
}
END_TEST

START_TEST(test_ipv4)
{
        struct socket_address a;

        PARSE_OK("127.0.0.1:80", true, a);
        ck_assert_int_eq(address_family(&a), AF_INET);
        ck_assert_uint_eq(a.sockaddr.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 80);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_in));
        ck_assert_ptr_null(address_unix_path(&a));

        PARSE_OK("0.0.0.0:1", false, a);
        ck_assert_uint_eq(a.sockaddr.in.sin_addr.s_addr, htonl(INADDR_ANY));
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 1);

        PARSE_OK("255.255.255.255:65535", true, a);
        ck_assert_uint_eq(a.sockaddr.in.sin_addr.s_addr, htonl(INADDR_BROADCAST));
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 65535);

        PARSE_OK("192.168.1.10:8080", true, a);
        ck_assert_uint_eq(a.sockaddr.in.sin_addr.s_addr, htonl(0xc0a8010a));
        ck_assert_uint_eq(ntohs(a.sockaddr.in.sin_port), 8080);
}
END_TEST

START_TEST(test_ipv6)
{
        struct socket_address a;
        struct in6_addr expected;

        PARSE_OK("[::1]:80", true, a);
        ck_assert_int_eq(address_family(&a), AF_INET6);
        ck_assert(IN6_IS_ADDR_LOOPBACK(&a.sockaddr.in6.sin6_addr));
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 80);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_scope_id, 0);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_in6));

        PARSE_OK("[::]:65535", true, a);
        ck_assert(IN6_IS_ADDR_UNSPECIFIED(&a.sockaddr.in6.sin6_addr));
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 65535);

        PARSE_OK("[::ffff:127.0.0.1]:443", true, a);
        ck_assert(IN6_IS_ADDR_V4MAPPED(&a.sockaddr.in6.sin6_addr));
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 443);

        PARSE_OK("[2001:DB8::5]:53", true, a);
        ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::5", &expected), 1);
        ck_assert_mem_eq(&a.sockaddr.in6.sin6_addr, &expected, sizeof(expected));
}
END_TEST

START_TEST(test_ipv6_interface)
{
        struct socket_address a;
        unsigned lo = if_nametoindex("lo");

        ck_assert_uint_ne(lo, 0);
        PARSE_OK("[fe80::1]:80%lo", true, a);
        ck_assert(IN6_IS_ADDR_LINKLOCAL(&a.sockaddr.in6.sin6_addr));
        ck_assert_uint_eq(ntohs(a.sockaddr.in6.sin6_port), 80);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_scope_id, lo);

        /* a number is taken as is, like systemd does: the interface may come later */
        PARSE_OK("[fe80::1]:80%2", true, a);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_scope_id, 2);
        PARSE_OK("[fe80::1]:80%2147483647", true, a);
        ck_assert_uint_eq(a.sockaddr.in6.sin6_scope_id, 2147483647);
}
END_TEST

START_TEST(test_unix_path)
{
        char path[110];
        struct socket_address a;

        PARSE_OK("/run/foo.sock", true, a);
        ck_assert_int_eq(address_family(&a), AF_UNIX);
        ck_assert_str_eq(a.sockaddr.un.sun_path, "/run/foo.sock");
        ck_assert_uint_eq(a.size, SUN_PATH_OFFSET + strlen("/run/foo.sock") + 1);
        ck_assert_str_eq(address_unix_path(&a), "/run/foo.sock");
        /* a path is taken as written, ':' and '%' included */
        PARSE_OK("/run/a:b%c", true, a);
        ck_assert_str_eq(address_unix_path(&a), "/run/a:b%c");

        /* 107 bytes fill sun_path with its NUL; 108 do not fit */
        memset(path, 'p', sizeof(path));
        path[0] = '/';
        path[107] = 0;
        PARSE_OK(path, true, a);
        ck_assert_uint_eq(strlen(address_unix_path(&a)), 107);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_un));

        path[107] = 'p';
        path[108] = 0;
        {
                const char *reason = NULL;

                ck_assert_int_eq(address_parse(path, true, &a, &reason), -ENAMETOOLONG);
                ck_assert_str_eq(reason, "path too long (at most 107 bytes)");
        }
}
END_TEST

START_TEST(test_abstract)
{
        char name[110];
        struct socket_address a;
        const char *reason = NULL;

        PARSE_OK("@sockact/control", true, a);
        ck_assert_int_eq(address_family(&a), AF_UNIX);
        ck_assert_int_eq(a.sockaddr.un.sun_path[0], 0);
        ck_assert_mem_eq(a.sockaddr.un.sun_path + 1, "sockact/control", 15);
        ck_assert_uint_eq(a.size, SUN_PATH_OFFSET + 1 + 15); /* no trailing NUL counted */
        ck_assert_ptr_null(address_unix_path(&a));

        /* systemd keeps a NUL after the name: 106 bytes after '@' at most */
        memset(name, 'n', sizeof(name));
        name[0] = '@';
        name[107] = 0;
        PARSE_OK(name, true, a);
        ck_assert_uint_eq(a.size, SUN_PATH_OFFSET + 107);
        ck_assert_mem_eq(a.sockaddr.un.sun_path + 1, name + 1, 106);

        name[107] = 'n';
        name[108] = 0;
        ck_assert_int_eq(address_parse(name, true, &a, &reason), -ENAMETOOLONG);
        ck_assert_str_eq(reason, "abstract socket name too long (at most 106 bytes after @)");
}
END_TEST

START_TEST(test_vsock)
{
        struct socket_address a;

        PARSE_OK("vsock:2:1234", true, a);
        ck_assert_int_eq(address_family(&a), AF_VSOCK);
        ck_assert_uint_eq(a.sockaddr.vm.svm_cid, VMADDR_CID_HOST);
        ck_assert_uint_eq(a.sockaddr.vm.svm_port, 1234);
        ck_assert_uint_eq(a.size, sizeof(struct sockaddr_vm));

        PARSE_OK("vsock::1234", true, a); /* an empty CID means any, as in systemd 252 */
        ck_assert_uint_eq(a.sockaddr.vm.svm_cid, VMADDR_CID_ANY);
        ck_assert_uint_eq(a.sockaddr.vm.svm_port, 1234);

        PARSE_OK("vsock:3:0", true, a); /* port 0 is an ordinary vsock port */
        ck_assert_uint_eq(a.sockaddr.vm.svm_port, 0);
        PARSE_OK("vsock:4294967295:4294967294", true, a);
        ck_assert_uint_eq(a.sockaddr.vm.svm_cid, VMADDR_CID_ANY);
        ck_assert_uint_eq(a.sockaddr.vm.svm_port, 4294967294u);
}
END_TEST

START_TEST(test_netlink)
{
        static const struct {
                const char *name;
                int number;
        } families[] = {
                { "route", NETLINK_ROUTE },
                { "firewall", NETLINK_FIREWALL },
                { "inet-diag", NETLINK_INET_DIAG },
                { "nflog", NETLINK_NFLOG },
                { "xfrm", NETLINK_XFRM },
                { "selinux", NETLINK_SELINUX },
                { "iscsi", NETLINK_ISCSI },
                { "audit", NETLINK_AUDIT },
                { "fib-lookup", NETLINK_FIB_LOOKUP },
                { "connector", NETLINK_CONNECTOR },
                { "netfilter", NETLINK_NETFILTER },
                { "ip6-fw", NETLINK_IP6_FW },
                { "dnrtmsg", NETLINK_DNRTMSG },
                { "kobject-uevent", NETLINK_KOBJECT_UEVENT },
                { "generic", NETLINK_GENERIC },
                { "scsitransport", NETLINK_SCSITRANSPORT },
                { "ecryptfs", NETLINK_ECRYPTFS },
                { "rdma", NETLINK_RDMA },
        };
        struct socket_address a;

        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                PARSE_NETLINK_OK(families[i].name, a);
                ck_assert_int_eq(address_family(&a), AF_NETLINK);
                ck_assert_int_eq(a.protocol, families[i].number);
                ck_assert_uint_eq(a.sockaddr.nl.nl_groups, 0);
                ck_assert_uint_eq(a.sockaddr.nl.nl_pid, 0);
                ck_assert_uint_eq(a.size, sizeof(struct sockaddr_nl));
        }

        PARSE_NETLINK_OK("kobject-uevent 1", a);
        ck_assert_int_eq(a.protocol, NETLINK_KOBJECT_UEVENT);
        ck_assert_uint_eq(a.sockaddr.nl.nl_groups, 1);
        PARSE_NETLINK_OK(" route \t 4294967295 ", a); /* white space around and between, as systemd */
        ck_assert_int_eq(a.protocol, NETLINK_ROUTE);
        ck_assert_uint_eq(a.sockaddr.nl.nl_groups, 4294967295u);
        PARSE_NETLINK_OK("2", a); /* a family without a name, by number */
        ck_assert_int_eq(a.protocol, NETLINK_USERSOCK);
        PARSE_NETLINK_OK("31 7", a);
        ck_assert_int_eq(a.protocol, 31);
        ck_assert_uint_eq(a.sockaddr.nl.nl_groups, 7);
}
END_TEST

static const struct refusal netlink_refusals[] = {
        { "", false, -EINVAL, "missing netlink family" },
        { " \t", false, -EINVAL, "missing netlink family" },
        { "sock-diag", false, -EINVAL, "unknown netlink family" }, /* not in systemd's list either */
        { "crypto", false, -EINVAL, "unknown netlink family" },
        { "Route", false, -EINVAL, "unknown netlink family" },
        { "32", false, -ERANGE, "netlink family out of range (at most 31)" },
        { "0x10", false, -EINVAL, "netlink family must be a known name or a number" },
        { "route 4294967296", false, -ERANGE, "netlink group out of range" },
        { "route 0x10", false, -EINVAL, "netlink group" DECIMAL },
        { "route -1", false, -EINVAL, "netlink group" DECIMAL },
        { "route 1 2", false, -EINVAL, "expected a netlink family and at most one group" },
};

START_TEST(test_netlink_refused)
{
        const struct refusal *c = &netlink_refusals[_i];
        struct socket_address a, untouched;
        const char *reason = NULL;
        int r;

        memset(&a, 0x5a, sizeof(a));
        untouched = a;
        r = address_parse_netlink(c->input, &a, &reason);
        ck_assert_msg(r == c->error, "'%s' gave %d, not %d", c->input, r, c->error);
        ck_assert_msg(reason && streq(reason, c->reason), "'%s': reason '%s', expected '%s'", c->input,
                      reason, c->reason);
        ck_assert_msg(memcmp(&a, &untouched, sizeof(a)) == 0, "'%s': *ret written on failure", c->input);
}
END_TEST

/* Text that is already canonical prints back unchanged, and reads back to the same address. */
START_TEST(test_round_trip)
{
        static const char *const canonical[] = {
                "127.0.0.1:80",        "0.0.0.0:65535", "[::1]:80",           "[::]:1", "[fe80::1]:80%1",
                "[::ffff:10.0.0.1]:8", "/run/x",        "/run/a b:c%d",       "@name",  "@sockact/control",
                "vsock:2:1234",        "vsock::5",      "vsock:4294967294:0",
        };
        static const char *const netlink[] = { "route 0", "kobject-uevent 1", "audit 4294967295", "2 0",
                                               "31 5" };
        char buf[ADDRESS_FORMAT_MAX];
        struct socket_address a, b;

        for (size_t i = 0; i < ELEMENTSOF(canonical); i++) {
                PARSE_OK(canonical[i], true, a);
                ck_assert_int_eq(address_format(&a, buf), 0);
                ck_assert_str_eq(buf, canonical[i]);
                PARSE_OK(buf, true, b);
                ck_assert_uint_eq(a.size, b.size);
                ck_assert_mem_eq(&a.sockaddr, &b.sockaddr, a.size);
        }
        for (size_t i = 0; i < ELEMENTSOF(netlink); i++) {
                PARSE_NETLINK_OK(netlink[i], a);
                ck_assert_int_eq(address_format(&a, buf), 0);
                ck_assert_str_eq(buf, netlink[i]);
                PARSE_NETLINK_OK(buf, b);
                ck_assert_mem_eq(&a, &b, sizeof(a));
        }
}
END_TEST

/* Other spellings print in the canonical form. */
START_TEST(test_format_canonical)
{
        static const struct {
                const char *input;
                bool ipv6;
                const char *text;
        } cases[] = {
                { "80", true, "[::]:80" },
                { "80", false, "0.0.0.0:80" },
                { "[FE80:0:0::1]:443", true, "[fe80::1]:443" },
                { "vsock:4294967295:7", true, "vsock::7" },
        };
        char buf[ADDRESS_FORMAT_MAX], expected[ADDRESS_FORMAT_MAX];
        struct socket_address a;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                PARSE_OK(cases[i].input, cases[i].ipv6, a);
                ck_assert_int_eq(address_format(&a, buf), 0);
                ck_assert_str_eq(buf, cases[i].text);
        }

        /* an interface name prints as its number, which reads back to the same scope */
        PARSE_OK("[fe80::1]:80%lo", true, a);
        ck_assert_int_eq(address_format(&a, buf), 0);
        snprintf(expected, sizeof(expected), "[fe80::1]:80%%%u", if_nametoindex("lo"));
        ck_assert_str_eq(buf, expected);

        PARSE_NETLINK_OK("route", a);
        ck_assert_int_eq(address_format(&a, buf), 0);
        ck_assert_str_eq(buf, "route 0");
        PARSE_NETLINK_OK("9 1", a);
        ck_assert_int_eq(address_format(&a, buf), 0);
        ck_assert_str_eq(buf, "audit 1");
}
END_TEST

START_TEST(test_format_refused)
{
        char buf[ADDRESS_FORMAT_MAX];
        struct socket_address a = { .sockaddr.sa.sa_family = AF_PACKET, .size = sizeof(struct sockaddr) };

        ck_assert_int_eq(address_format(&a, buf), -EINVAL);

        a = (struct socket_address){ .sockaddr.un.sun_family = AF_UNIX, .size = SUN_PATH_OFFSET };
        ck_assert_int_eq(address_format(&a, buf), -EINVAL); /* unnamed */

        memcpy(a.sockaddr.un.sun_path, "\0a\0b", 4);
        a.size = SUN_PATH_OFFSET + 4;
        ck_assert_int_eq(address_format(&a, buf), -EINVAL); /* NUL inside an abstract name */
}
END_TEST

/* The kernel agrees with the sizes: what it reports for a bound socket prints as what was parsed. */
START_TEST(test_bound_unix_addresses)
{
        char dir[] = "/tmp/sockact-test-address-XXXXXX", text[128], buf[ADDRESS_FORMAT_MAX];
        struct socket_address a, bound;
        int fd;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(text, sizeof(text), "%s/listen.sock", dir);
        for (int i = 0; i < 2; i++) {
                if (i == 1)
                        snprintf(text, sizeof(text), "@sockact-test-address-%d", (int) getpid());
                PARSE_OK(text, true, a);
                fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                ck_assert_int_ge(fd, 0);
                ck_assert_int_eq(bind(fd, &a.sockaddr.sa, a.size), 0);
                memset(&bound, 0, sizeof(bound));
                bound.size = sizeof(bound.sockaddr);
                ck_assert_int_eq(getsockname(fd, &bound.sockaddr.sa, &bound.size), 0);
                close(fd);
                ck_assert_uint_eq(bound.size, a.size);
                ck_assert_int_eq(address_format(&bound, buf), 0);
                ck_assert_str_eq(buf, text);
        }
        snprintf(text, sizeof(text), "%s/listen.sock", dir);
        ck_assert_int_eq(unlink(text), 0);
        ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* The probe answers what socket(AF_INET6) will do. */
START_TEST(test_ipv6_supported)
{
        int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (address_ipv6_supported())
                ck_assert_int_ge(fd, 0);
        else
                ck_assert(fd < 0 && errno == EAFNOSUPPORT);
        if (fd >= 0)
                close(fd);
}
END_TEST

Suite *address_suite(void)
{
        Suite *s = suite_create("address");
        TCase *t = tcase_create("address");

        tcase_add_loop_test(t, test_refused, 0, (int) ELEMENTSOF(refusals));
        tcase_add_test(t, test_null_and_no_reason);
        tcase_add_test(t, test_port_only);
        tcase_add_test(t, test_ipv4);
        tcase_add_test(t, test_ipv6);
        tcase_add_test(t, test_ipv6_interface);
        tcase_add_test(t, test_unix_path);
        tcase_add_test(t, test_abstract);
        tcase_add_test(t, test_vsock);
        tcase_add_test(t, test_netlink);
        tcase_add_loop_test(t, test_netlink_refused, 0, (int) ELEMENTSOF(netlink_refusals));
        tcase_add_test(t, test_round_trip);
        tcase_add_test(t, test_format_canonical);
        tcase_add_test(t, test_format_refused);
        tcase_add_test(t, test_bound_unix_addresses);
        tcase_add_test(t, test_ipv6_supported);
        suite_add_tcase(s, t);
        return s;
}
