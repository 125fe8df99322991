/* Tests for lib/socket.c and lib/socket-options.c: real listeners on loopback (port 0, so the kernel
 * picks) and in a temporary directory, every option read back from the kernel with getsockopt(). The
 * options that need CAP_NET_ADMIN are asserted when root, and their refusal is checked in a child that
 * dropped to nobody (or directly when not root). */
#include "tests.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "socket.h"
#include "util.h"
#include "value.h"

#define NOBODY 65534

/* Made by the unchecked fixture in the runner process, removed there even when a test fails. */
static char test_dir[64];
static char mq_name[64];

static void setup(void)
{
        snprintf(test_dir, sizeof(test_dir), "/tmp/sockact-test-socket-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(test_dir));
        snprintf(mq_name, sizeof(mq_name), "/sockact-test-socket-%d", (int) getpid());
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void) st, (void) flag, (void) ftw;
        return remove(path) < 0 ? -1 : 0;
}

static void teardown(void)
{
        (void) nftw(test_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        (void) mq_unlink(mq_name);
}

static char *path_of(const char *name)
{
        char *p = NULL;

        ck_assert_int_ge(asprintf(&p, "%s/%s", test_dir, name), 0);
        return p;
}

/* What the directive table gives a unit that sets nothing. */
static struct socket_config config_default(void)
{
        return (struct socket_config){
                .backlog = UINT_MAX,
                .socket_mode = 0666,
                .directory_mode = 0755,
                .priority = UNIT_UNSET,
                .ip_tos = UNIT_UNSET,
                .ip_ttl = UNIT_UNSET,
                .mark = UNIT_UNSET,
        };
}

/* An IP listener on port 0: the address parser refuses port 0, so it is built here directly. */
static struct listen listen_ip(enum listen_type type, const char *ip)
{
        struct listen l = { .type = type };

        if (strchr(ip, ':')) {
                l.address.sockaddr.in6.sin6_family = AF_INET6;
                ck_assert_int_eq(inet_pton(AF_INET6, ip, &l.address.sockaddr.in6.sin6_addr), 1);
                l.address.size = sizeof(struct sockaddr_in6);
        } else {
                l.address.sockaddr.in.sin_family = AF_INET;
                ck_assert_int_eq(inet_pton(AF_INET, ip, &l.address.sockaddr.in.sin_addr), 1);
                l.address.size = sizeof(struct sockaddr_in);
        }
        return l;
}

/* "/path" or "@abstract". */
static struct listen listen_unix(enum listen_type type, const char *name)
{
        struct listen l = { .type = type };
        size_t n = strlen(name);

        ck_assert_uint_lt(n, sizeof(l.address.sockaddr.un.sun_path));
        l.address.sockaddr.un.sun_family = AF_UNIX;
        memcpy(l.address.sockaddr.un.sun_path, name, n);
        if (name[0] == '@')
                l.address.sockaddr.un.sun_path[0] = 0;
        l.address.size = offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '@' ? 0 : 1);
        return l;
}

static struct listen listen_node(enum listen_type type, char *path)
{
        return (struct listen){ .type = type, .path = path };
}

static void assert_fd_flags(int fd)
{
        int fd_flags = fcntl(fd, F_GETFD), fl_flags = fcntl(fd, F_GETFL);

        ck_assert_int_ge(fd_flags, 0);
        ck_assert_int_ge(fl_flags, 0);
        ck_assert_msg(fd_flags & FD_CLOEXEC, "fd %d is not close-on-exec", fd);
        ck_assert_msg(fl_flags & O_NONBLOCK, "fd %d is blocking", fd);
}

static int open_listener(const struct socket_config *s, const struct listen *l, const struct socket_owner *owner)
{
        const char *stage = NULL;
        int fd = socket_listen(s, l, owner, &stage);

        ck_assert_msg(fd >= 0, "socket_listen: %s: %s", stage ? stage : "?", strerror(-fd));
        assert_fd_flags(fd);
        return fd;
}

static void assert_refused(const struct socket_config *s, const struct listen *l, int error, const char *stage)
{
        const char *got = NULL;
        int r = socket_listen(s, l, NULL, &got);

        if (r >= 0)
                close(r);
        ck_assert_msg(r == -error, "expected %s, got %s (%s)", strerror(error), r < 0 ? strerror(-r) : "an fd",
                      got ? got : "no stage");
        ck_assert_str_eq(got, stage);
}

static int get_int(int fd, int level, int name)
{
        int value = -1;
        socklen_t size = sizeof(value);

        ck_assert_msg(getsockopt(fd, level, name, &value, &size) == 0, "getsockopt(%d, %d): %s", level, name,
                      strerror(errno));
        return value;
}

static void get_string(int fd, int level, int name, char *buf, socklen_t size)
{
        memset(buf, 0, size);
        ck_assert_msg(getsockopt(fd, level, name, buf, &size) == 0, "getsockopt(%d, %d): %s", level, name,
                      strerror(errno));
}

static int read_sysctl(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        int value = -1;

        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(fscanf(f, "%d", &value), 1);
        return value;
}

/* A blocking client connected to listener, over IPv4 when to_ipv4 (for a dual-stack [::]). */
static int connect_to(int listener, bool to_ipv4, int *ret_error)
{
        struct sockaddr_storage ss;
        socklen_t size = sizeof(ss);
        _cleanup_close_ int fd = -1;

        ck_assert_int_eq(getsockname(listener, (struct sockaddr *) &ss, &size), 0);
        if (to_ipv4 && ss.ss_family == AF_INET6) {
                struct sockaddr_in in = { .sin_family = AF_INET,
                                          .sin_port = ((struct sockaddr_in6 *) &ss)->sin6_port,
                                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
                memcpy(&ss, &in, sizeof(in));
                size = sizeof(in);
        }
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        if (connect(fd, (struct sockaddr *) &ss, size) < 0) {
                *ret_error = errno;
                return -1;
        }
        *ret_error = 0;
        return TAKE_FD(fd);
}

static int connect_ok(int listener)
{
        int error, fd = connect_to(listener, false, &error);

        ck_assert_msg(fd >= 0, "connect: %s", strerror(error));
        return fd;
}

static unsigned local_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t size = sizeof(ss);

        ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &ss, &size), 0);
        return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                             : ((struct sockaddr_in6 *) &ss)->sin6_port);
}

START_TEST(test_socket_tcp)
{
        struct socket_config s = config_default();
        struct listen v4 = listen_ip(LISTEN_STREAM, "127.0.0.1"), v6 = listen_ip(LISTEN_STREAM, "::1");
        _cleanup_close_ int fd4 = open_listener(&s, &v4, NULL), fd6 = open_listener(&s, &v6, NULL);
        _cleanup_close_ int client4 = connect_ok(fd4), client6 = connect_ok(fd6);

        ck_assert_int_eq(get_int(fd4, SOL_SOCKET, SO_DOMAIN), AF_INET);
        ck_assert_int_eq(get_int(fd6, SOL_SOCKET, SO_DOMAIN), AF_INET6);
        for (int i = 0; i < 2; i++) {
                int fd = i == 0 ? fd4 : fd6;

                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEADDR), 1);
                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEPORT), 0);
                ck_assert_uint_ne(local_port(fd), 0);
        }

        /* SocketProtocol=udplite is for datagram sockets only: a stream one stays TCP. */
        s.socket_protocol = IPPROTO_UDPLITE;
        _cleanup_close_ int tcp = open_listener(&s, &v4, NULL);
        ck_assert_int_eq(get_int(tcp, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
}
END_TEST

START_TEST(test_socket_dual_stack)
{
        struct socket_config s = config_default();
        struct listen any = listen_ip(LISTEN_STREAM, "::");
        int error;

        s.bind_ipv6_only = BIND_IPV6_ONLY_BOTH;
        _cleanup_close_ int both = open_listener(&s, &any, NULL);
        ck_assert_int_eq(get_int(both, IPPROTO_IPV6, IPV6_V6ONLY), 0);
        _cleanup_close_ int client = connect_to(both, true, &error);
        ck_assert_msg(client >= 0, "IPv4 client of [::]: %s", strerror(error));

        s.bind_ipv6_only = BIND_IPV6_ONLY_IPV6_ONLY;
        _cleanup_close_ int only = open_listener(&s, &any, NULL);
        ck_assert_int_eq(get_int(only, IPPROTO_IPV6, IPV6_V6ONLY), 1);
        ck_assert_int_lt(connect_to(only, true, &error), 0);
        ck_assert_int_eq(error, ECONNREFUSED);
}
END_TEST

START_TEST(test_socket_udp)
{
        struct socket_config s = config_default();
        struct listen l = listen_ip(LISTEN_DATAGRAM, "127.0.0.1");

        s.broadcast = true;
        s.pass_packet_info = true;
        s.timestamping = TIMESTAMPING_US;
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 0);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_BROADCAST), 1);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_PKTINFO), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TIMESTAMP), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TIMESTAMPNS), 0);
        ck_assert_uint_ne(local_port(fd), 0);

        s = config_default();
        s.socket_protocol = IPPROTO_UDPLITE;
        _cleanup_close_ int lite = open_listener(&s, &l, NULL);
        ck_assert_int_eq(get_int(lite, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDPLITE);
}
END_TEST

START_TEST(test_socket_unix_path)
{
        _cleanup_free_ char *path = path_of("run/app/web.sock"), *dir = path_of("run"),
                            *subdir = path_of("run/app");
        struct socket_config s = config_default();
        struct listen l = listen_unix(LISTEN_STREAM, path);
        struct socket_owner owner = { 4242, 4343 };
        bool root = geteuid() == 0;
        struct stat st;
        mode_t old;

        s.socket_mode = 0620;
        s.directory_mode = 0710;
        old = umask(0077); /* neither umask may leak into the modes */
        _cleanup_close_ int fd = open_listener(&s, &l, root ? &owner : NULL);
        ck_assert_uint_eq(umask(old), 0077);

        ck_assert_int_eq(stat(dir, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0710);
        ck_assert_int_eq(stat(subdir, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0710);
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0620);
        if (root) {
                ck_assert_uint_eq(st.st_uid, 4242);
                ck_assert_uint_eq(st.st_gid, 4343);
        }
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
        _cleanup_close_ int client = connect_ok(fd);

        _cleanup_free_ char *seqpacket_path = path_of("seqpacket.sock");
        struct listen seqpacket = listen_unix(LISTEN_SEQPACKET, seqpacket_path);
        _cleanup_close_ int sp = open_listener(&s, &seqpacket, NULL);
        ck_assert_int_eq(get_int(sp, SOL_SOCKET, SO_TYPE), SOCK_SEQPACKET);
        ck_assert_int_eq(get_int(sp, SOL_SOCKET, SO_ACCEPTCONN), 1);
}
END_TEST

START_TEST(test_socket_abstract)
{
        char name[64];
        struct socket_config s = config_default();
        struct sockaddr_un un;
        socklen_t size = sizeof(un);

        snprintf(name, sizeof(name), "@sockact-test-socket-%d", (int) getpid());
        struct listen l = listen_unix(LISTEN_DATAGRAM, name);
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);

        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &un, &size), 0);
        ck_assert_uint_eq(size, l.address.size);
        ck_assert_int_eq(un.sun_path[0], 0);
        ck_assert_int_eq(memcmp(un.sun_path + 1, name + 1, strlen(name) - 1), 0);

        /* No stale-node logic for abstract names: the name is simply taken. */
        assert_refused(&s, &l, EADDRINUSE, "bind");
}
END_TEST

START_TEST(test_socket_fifo)
{
        _cleanup_free_ char *path = path_of("fifo/dir/pipe"), *dir = path_of("fifo"), *file = path_of("file");
        struct socket_config s = config_default();
        struct listen l = listen_node(LISTEN_FIFO, path);
        struct socket_owner owner = { 4242, 4343 };
        bool root = geteuid() == 0;
        struct stat st;

        s.socket_mode = 0604;
        s.directory_mode = 0701;
        s.pipe_size = 256 * 1024;
        _cleanup_close_ int fd = open_listener(&s, &l, root ? &owner : NULL);

        ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
        ck_assert_int_ge(fcntl(fd, F_GETPIPE_SZ), 256 * 1024);
        ck_assert_int_eq(stat(dir, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0701);
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISFIFO(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0604);
        if (root) {
                ck_assert_uint_eq(st.st_uid, 4242);
                ck_assert_uint_eq(st.st_gid, 4343);
        }

        /* The FIFO of an earlier run is taken over (it belongs to the owner), one with another mode
         * or a file that is not a FIFO is not, and stays. */
        _cleanup_close_ int again = open_listener(&s, &l, root ? &owner : NULL);
        s.socket_mode = 0600;
        assert_refused(&s, &l, EEXIST, "check FIFO");
        ck_assert_int_eq(lstat(path, &st), 0);

        _cleanup_close_ int f = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        l.path = file;
        assert_refused(&s, &l, EEXIST, "check FIFO");
        ck_assert_int_eq(lstat(file, &st), 0);
        ck_assert(S_ISREG(st.st_mode));

        /* A failure after mkfifo removes the FIFO and the directories this call made. */
        _cleanup_free_ char *doomed = path_of("doomed/sub/pipe"), *doomed_dir = path_of("doomed");
        l.path = doomed;
        s.pipe_size = UINT64_C(1) << 40;
        assert_refused(&s, &l, ERANGE, "F_SETPIPE_SZ");
        ck_assert_int_eq(lstat(doomed_dir, &st), -1);
        ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_socket_special)
{
        _cleanup_free_ char *file = path_of("special"), *link = path_of("special-link"),
                            *fifo = path_of("special-fifo");
        struct socket_config s = config_default();
        struct listen l = listen_node(LISTEN_SPECIAL, file);
        char buf[16] = {};

        _cleanup_close_ int w = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ck_assert_int_ge(w, 0);
        ck_assert_int_eq(write(w, "hello", 5), 5);

        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
        ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 5);
        ck_assert_str_eq(buf, "hello");

        s.writable = true;
        _cleanup_close_ int rw = open_listener(&s, &l, NULL);
        ck_assert_int_eq(fcntl(rw, F_GETFL) & O_ACCMODE, O_RDWR);

        l.path = (char *) "/dev/null";
        _cleanup_close_ int null = open_listener(&s, &l, NULL);

        s.writable = false;
        l.path = test_dir;
        assert_refused(&s, &l, EEXIST, "check special file");
        ck_assert_int_eq(mkfifo(fifo, 0600), 0);
        l.path = fifo;
        assert_refused(&s, &l, EEXIST, "check special file");
        ck_assert_int_eq(symlink(file, link), 0);
        l.path = link;
        assert_refused(&s, &l, ELOOP, "open");
}
END_TEST

START_TEST(test_socket_netlink)
{
        struct socket_config s = config_default();
        struct listen l = { .type = LISTEN_NETLINK };
        struct sockaddr_nl nl;
        socklen_t size = sizeof(nl);

        l.address.sockaddr.nl = (struct sockaddr_nl){ .nl_family = AF_NETLINK, .nl_groups = 0 };
        l.address.size = sizeof(struct sockaddr_nl);
        l.address.protocol = NETLINK_ROUTE;
        s.pass_packet_info = true;
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);

        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TYPE), SOCK_RAW);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PROTOCOL), NETLINK_ROUTE);
        ck_assert_int_eq(get_int(fd, SOL_NETLINK, NETLINK_PKTINFO), 1);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &nl, &size), 0);
        ck_assert_int_eq(nl.nl_family, AF_NETLINK);
        ck_assert_uint_ne(nl.nl_pid, 0); /* bound: the kernel assigned a port id */
        ck_assert_uint_eq(nl.nl_groups, 0);

        l.address.sockaddr.nl.nl_groups = RTMGRP_LINK; /* route groups need no privilege to join */
        _cleanup_close_ int group = open_listener(&s, &l, NULL);
        size = sizeof(nl);
        ck_assert_int_eq(getsockname(group, (struct sockaddr *) &nl, &size), 0);
        ck_assert_uint_eq(nl.nl_groups, RTMGRP_LINK);
}
END_TEST

/* AF_VSOCK only where the kernel has a transport (a VM); elsewhere there is nothing to bind. */
START_TEST(test_socket_vsock)
{
        struct socket_config s = config_default();
        struct listen l = { .type = LISTEN_STREAM };
        const char *stage = NULL;
        _cleanup_close_ int probe = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (probe < 0)
                return;
        l.address.sockaddr.vm = (struct sockaddr_vm){ .svm_family = AF_VSOCK,
                                                      .svm_cid = VMADDR_CID_ANY,
                                                      .svm_port = VMADDR_PORT_ANY };
        l.address.size = sizeof(struct sockaddr_vm);
        _cleanup_close_ int fd = socket_listen(&s, &l, NULL, &stage);
        if (fd == -EADDRNOTAVAIL || fd == -ENODEV)
                return; /* the family exists, but no transport to bind on */
        ck_assert_msg(fd >= 0, "socket_listen: %s: %s", stage, strerror(-fd));
        assert_fd_flags(fd);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_DOMAIN), AF_VSOCK);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
}
END_TEST

START_TEST(test_socket_mqueue)
{
        struct socket_config s = config_default();
        struct listen l = listen_node(LISTEN_MESSAGE_QUEUE, mq_name);
        struct mq_attr attr;
        struct stat st;

        s.socket_mode = 0640;
        s.mq_max_messages = 5;
        s.mq_message_size = 128;
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        ck_assert_int_eq(mq_getattr(fd, &attr), 0);
        ck_assert_int_eq(attr.mq_maxmsg, 5);
        ck_assert_int_eq(attr.mq_msgsize, 128);
        ck_assert(attr.mq_flags & O_NONBLOCK);
        ck_assert_int_eq(fstat(fd, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777, 0640);

        /* Taken again as it is; refused with another mode, and then not removed. */
        s.mq_max_messages = 7;
        _cleanup_close_ int again = open_listener(&s, &l, NULL);
        ck_assert_int_eq(mq_getattr(again, &attr), 0);
        ck_assert_int_eq(attr.mq_maxmsg, 5);
        s.socket_mode = 0600;
        assert_refused(&s, &l, EEXIST, "check message queue");
        _cleanup_close_ int still = mq_open(mq_name, O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(still, 0);
        ck_assert_int_eq(mq_unlink(mq_name), 0);

        /* Only one of the two attributes: the kernel's defaults. */
        s = config_default();
        s.mq_max_messages = 3;
        _cleanup_close_ int plain = open_listener(&s, &l, NULL);
        ck_assert_int_eq(mq_getattr(plain, &attr), 0);
        ck_assert_int_eq(attr.mq_maxmsg, read_sysctl("/proc/sys/fs/mqueue/msg_default"));
        ck_assert_int_eq(mq_unlink(mq_name), 0);
}
END_TEST

/* Every post-listen TCP option, as socket_apply_options() must leave it. */
static struct socket_config tcp_options(bool privileged)
{
        struct socket_config s = config_default();

        s.keep_alive = true;
        s.keep_alive_time = 1500 * USEC_PER_MSEC; /* rounded up to 2s */
        s.keep_alive_interval = 30 * USEC_PER_SEC;
        s.keep_alive_probes = 4;
        s.defer_accept = 10 * USEC_PER_SEC;
        s.no_delay = true;
        s.priority = 5;
        s.receive_buffer = 8 * 1024 * 1024;
        s.send_buffer = 6 * 1024 * 1024;
        s.ip_tos = 0x10;
        s.ip_ttl = 7;
        s.timestamping = TIMESTAMPING_NS;
        s.pass_credentials = true; /* not set on TCP (the kernel refuses it there): no error */
        s.tcp_congestion = (char *) "reno";
        if (privileged)
                s.mark = 42;
        return s;
}

static void assert_tcp_options(int fd, bool privileged)
{
        int rmem_max = read_sysctl("/proc/sys/net/core/rmem_max");
        int wmem_max = read_sysctl("/proc/sys/net/core/wmem_max");
        char congestion[16];

        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
        ck_assert_int_eq(get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE), 2);
        ck_assert_int_eq(get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL), 30);
        ck_assert_int_eq(get_int(fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
        ck_assert_int_ge(get_int(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT), 10); /* kept as retransmits */
        ck_assert_int_eq(get_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PRIORITY), 5);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TOS), 0x10);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TTL), 7);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_TIMESTAMPNS), 1);
        get_string(fd, IPPROTO_TCP, TCP_CONGESTION, congestion, sizeof(congestion));
        ck_assert_str_eq(congestion, "reno");
        /* The kernel doubles the size it keeps; without CAP_NET_ADMIN it caps at rmem_max/wmem_max. */
        if (privileged) {
                ck_assert_int_ge(get_int(fd, SOL_SOCKET, SO_RCVBUF), 8 * 1024 * 1024);
                ck_assert_int_ge(get_int(fd, SOL_SOCKET, SO_SNDBUF), 6 * 1024 * 1024);
                ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_MARK), 42);
        } else {
                ck_assert_int_ge(get_int(fd, SOL_SOCKET, SO_RCVBUF), rmem_max < 8 << 20 ? rmem_max : 8 << 20);
                ck_assert_int_ge(get_int(fd, SOL_SOCKET, SO_SNDBUF), wmem_max < 6 << 20 ? wmem_max : 6 << 20);
        }
}

START_TEST(test_socket_options_tcp)
{
        bool root = geteuid() == 0;
        struct socket_config s = tcp_options(root);
        struct listen l = listen_ip(LISTEN_STREAM, "127.0.0.1");
        char device[IFNAMSIZ];

        s.reuse_port = true;
        s.free_bind = true;
        s.transparent = root;
        s.bind_to_device = (char *) "lo";
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);

        assert_tcp_options(fd, root);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEPORT), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEADDR), 1);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_FREEBIND), 1);
        if (root)
                ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TRANSPARENT), 1);
        get_string(fd, SOL_SOCKET, SO_BINDTODEVICE, device, sizeof(device));
        ck_assert_str_eq(device, "lo");
}
END_TEST

/* An accepted connection of a listener that has no options gets them from socket_apply_options(). */
START_TEST(test_socket_options_accepted)
{
        bool root = geteuid() == 0;
        struct socket_config plain = config_default(), s = tcp_options(root);
        struct listen l = listen_ip(LISTEN_STREAM, "127.0.0.1");
        _cleanup_close_ int listener = open_listener(&plain, &l, NULL);
        _cleanup_close_ int client = connect_ok(listener);
        _cleanup_close_ int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        const char *stage = NULL;

        ck_assert_int_ge(conn, 0);
        ck_assert_int_eq(get_int(conn, SOL_SOCKET, SO_KEEPALIVE), 0);
        ck_assert_int_eq(get_int(conn, IPPROTO_TCP, TCP_NODELAY), 0);
        ck_assert_int_eq(socket_apply_options(&s, conn, &stage), 0);
        assert_tcp_options(conn, root);
        ck_assert_int_eq(get_int(conn, SOL_SOCKET, SO_ACCEPTCONN), 0);
}
END_TEST

START_TEST(test_socket_options_ipv6)
{
        struct socket_config s = config_default();
        struct listen l = listen_ip(LISTEN_DATAGRAM, "::1");

        s.ip_tos = 0x20;
        s.ip_ttl = 9;
        s.pass_packet_info = true;
        s.free_bind = true;
        s.reuse_port = true;
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        ck_assert_int_eq(get_int(fd, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TOS), 0x20); /* v4-mapped traffic of a dual-stack socket */
        ck_assert_int_eq(get_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 9);
        ck_assert_int_eq(get_int(fd, IPPROTO_IP, IP_TTL), 9);
        ck_assert_int_eq(get_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
        ck_assert_int_eq(get_int(fd, IPPROTO_IPV6, IPV6_FREEBIND), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEPORT), 1);
}
END_TEST

/* Options that do not apply to a family are not set there, and are no error. */
START_TEST(test_socket_options_unix)
{
        _cleanup_free_ char *path = path_of("options.sock");
        struct socket_config s = config_default();
        struct listen l = listen_unix(LISTEN_DATAGRAM, path);

        s.pass_packet_info = true;
        s.pass_security = true;
        s.ip_tos = 0x10;
        s.ip_ttl = 3;
        s.no_delay = true;
        s.keep_alive_time = 10 * USEC_PER_SEC;
        s.tcp_congestion = (char *) "reno";
        s.reuse_port = true;
        s.bind_to_device = (char *) "no-such-device";
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PASSCRED), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_PASSSEC), 1);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEPORT), 0);
        ck_assert_int_eq(get_int(fd, SOL_SOCKET, SO_REUSEADDR), 1);
}
END_TEST

/* The refusals without CAP_NET_ADMIN; returns 0 or the failing line (it runs in a child). */
#define CHECK(x)                                                                                            \
        do {                                                                                                \
                if (!(x))                                                                                   \
                        return __LINE__;                                                                    \
        } while (0)

static int check_unprivileged(const char *dir)
{
        struct socket_config s = config_default();
        struct listen tcp = listen_ip(LISTEN_STREAM, "127.0.0.1");
        const char *stage = NULL;
        char path[PATH_MAX], parent[PATH_MAX];
        struct stat st;
        int fd, value;
        socklen_t size = sizeof(value);

        s.mark = 1;
        CHECK(socket_listen(&s, &tcp, NULL, &stage) == -EPERM && streq(stage, "setsockopt SO_MARK"));

        /* A node and the directories made for it are removed when a later step fails. */
        snprintf(parent, sizeof(parent), "%s/p", dir);
        snprintf(path, sizeof(path), "%s/p/q/sock", dir);
        struct listen unix_path = listen_unix(LISTEN_STREAM, path);
        CHECK(socket_listen(&s, &unix_path, NULL, &stage) == -EPERM && streq(stage, "setsockopt SO_MARK"));
        CHECK(lstat(parent, &st) < 0 && errno == ENOENT);

        s = config_default();
        s.transparent = true;
        CHECK(socket_listen(&s, &tcp, NULL, &stage) == -EPERM && streq(stage, "setsockopt IP_TRANSPARENT"));

        /* SO_RCVBUFFORCE is refused; the capped SO_RCVBUF is what the listener gets. */
        s = config_default();
        s.receive_buffer = 64 * 1024 * 1024;
        fd = socket_listen(&s, &tcp, NULL, &stage);
        CHECK(fd >= 0);
        CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &size) == 0);
        close(fd);
        CHECK(value == 2 * read_sysctl("/proc/sys/net/core/rmem_max"));
        return 0;
}

START_TEST(test_socket_unprivileged)
{
        _cleanup_free_ char *dir = path_of("unprivileged");
        int status;
        pid_t pid;

        if (geteuid() != 0) {
                ck_assert_int_eq(mkdir(dir, 0755), 0);
                ck_assert_int_eq(check_unprivileged(dir), 0);
                return;
        }
        ck_assert_int_eq(mkdir(dir, 0777), 0);
        ck_assert_int_eq(chmod(dir, 0777), 0);
        ck_assert_int_eq(chmod(test_dir, 0755), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
                    setresuid(NOBODY, NOBODY, NOBODY) < 0)
                        _exit(1);
                _exit(check_unprivileged(dir));
        }
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "unprivileged check failed at line %d (status %d)", WEXITSTATUS(status), status);
}
END_TEST

START_TEST(test_socket_unix_conflicts)
{
        _cleanup_free_ char *stale = path_of("stale.sock"), *live = path_of("live.sock"),
                            *file = path_of("file.sock");
        struct socket_config s = config_default();
        struct listen l = listen_unix(LISTEN_STREAM, stale);
        struct stat st;

        /* A node left by a listener that is gone is replaced. */
        {
                _cleanup_close_ int old = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                ck_assert_int_eq(bind(old, &l.address.sockaddr.sa, l.address.size), 0);
        }
        ck_assert_int_eq(lstat(stale, &st), 0);
        _cleanup_close_ int fd = open_listener(&s, &l, NULL);
        _cleanup_close_ int client = connect_ok(fd);

        /* A live one is not touched. */
        l = listen_unix(LISTEN_STREAM, live);
        _cleanup_close_ int first = open_listener(&s, &l, NULL);
        assert_refused(&s, &l, EADDRINUSE, "bind");
        _cleanup_close_ int client2 = connect_ok(first);

        /* Nor is a file that is not a socket. */
        _cleanup_close_ int f = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        l = listen_unix(LISTEN_STREAM, file);
        assert_refused(&s, &l, EEXIST, "bind");
        ck_assert_int_eq(lstat(file, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(test_socket_tcp_conflicts)
{
        struct socket_config s = config_default();
        struct listen l = listen_ip(LISTEN_STREAM, "127.0.0.1");
        _cleanup_close_ int first = open_listener(&s, &l, NULL);

        l.address.sockaddr.in.sin_port = htons(local_port(first));
        assert_refused(&s, &l, EADDRINUSE, "bind");

        s.reuse_port = true;
        l.address.sockaddr.in.sin_port = 0;
        _cleanup_close_ int a = open_listener(&s, &l, NULL);
        l.address.sockaddr.in.sin_port = htons(local_port(a));
        _cleanup_close_ int b = open_listener(&s, &l, NULL);
        ck_assert_uint_eq(local_port(a), local_port(b));
}
END_TEST

static void assert_link(const char *link, const char *target)
{
        char buf[PATH_MAX] = {};

        ck_assert_int_gt(readlink(link, buf, sizeof(buf) - 1), 0);
        ck_assert_str_eq(buf, target);
}

START_TEST(test_socket_symlinks)
{
        _cleanup_free_ char *path = path_of("sym/app.sock"), *a = path_of("links/deep/a"), *b = path_of("b"),
                            *c = path_of("c"), *links = path_of("links"), *fifo = path_of("sym/fifo");
        struct socket_config s = config_default();
        struct listen listens[2] = { listen_unix(LISTEN_STREAM, path), listen_node(LISTEN_FIFO, fifo) };
        char *symlinks[] = { a, b, NULL };
        const char *stage = NULL;
        struct stat st;

        s.listens = listens;
        s.n_listens = 1;
        s.symlinks = symlinks;
        s.directory_mode = 0750;
        _cleanup_close_ int fd = open_listener(&s, &listens[0], NULL);
        ck_assert_int_eq(symlink("/nonexistent", b), 0);

        ck_assert_int_eq(socket_make_symlinks(&s, &stage), 0);
        assert_link(a, path);
        assert_link(b, path); /* replaced */
        ck_assert_int_eq(stat(links, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0750);
        ck_assert_int_eq(socket_make_symlinks(&s, &stage), 0); /* again: idempotent */
        assert_link(a, path);

        /* A file in the way stays; the other links are still made. */
        _cleanup_close_ int f = open(c, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        ck_assert_int_eq(unlink(a), 0);
        char *with_file[] = { c, a, NULL };
        s.symlinks = with_file;
        ck_assert_int_eq(socket_make_symlinks(&s, &stage), -EEXIST);
        ck_assert_str_eq(stage, "symlink");
        ck_assert_int_eq(lstat(c, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        assert_link(a, path);

        /* Two nodes: nothing to link to. */
        s.n_listens = 2;
        ck_assert_int_eq(socket_make_symlinks(&s, &stage), -EINVAL);
        s.symlinks = NULL;
        ck_assert_int_eq(socket_make_symlinks(&s, &stage), 0);
}
END_TEST

START_TEST(test_socket_remove_paths)
{
        _cleanup_free_ char *node = path_of("rm/app.sock"), *fifo = path_of("rm/fifo"), *file = path_of("rm/file"),
                            *link = path_of("rm/link"), *not_link = path_of("rm/not-link");
        struct socket_config s = config_default();
        struct listen listens[] = {
                listen_unix(LISTEN_STREAM, node),
                listen_node(LISTEN_FIFO, fifo),
                listen_node(LISTEN_MESSAGE_QUEUE, mq_name),
                listen_unix(LISTEN_DATAGRAM, file),
        };
        char *symlinks[] = { link, not_link, NULL };
        struct stat st;

        s.listens = listens;
        s.n_listens = ELEMENTSOF(listens);
        s.symlinks = symlinks;
        for (size_t i = 0; i < 3; i++)
                close(open_listener(&s, &listens[i], NULL));
        ck_assert_int_eq(symlink(node, link), 0);
        _cleanup_close_ int f1 = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        _cleanup_close_ int f2 = open(not_link, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f1, 0);
        ck_assert_int_ge(f2, 0);

        socket_remove_paths(&s);
        ck_assert_int_eq(lstat(node, &st), -1);
        ck_assert_int_eq(lstat(fifo, &st), -1);
        ck_assert_int_eq(lstat(link, &st), -1);
        ck_assert_int_eq(mq_open(mq_name, O_RDONLY | O_CLOEXEC), -1);
        ck_assert_int_eq(errno, ENOENT);
        /* What is not of the kind the unit makes stays. */
        ck_assert_int_eq(lstat(file, &st), 0);
        ck_assert_int_eq(lstat(not_link, &st), 0);

        socket_remove_paths(&s); /* nothing left: no error */
}
END_TEST

static void assert_owner(const char *user, const char *group, uid_t uid, gid_t gid)
{
        struct socket_config s = config_default();
        struct socket_owner owner;
        const char *reason = NULL;

        s.socket_user = (char *) user;
        s.socket_group = (char *) group;
        ck_assert_int_eq(socket_owner_resolve(&s, &owner, &reason), 0);
        ck_assert_uint_eq(owner.uid, uid);
        ck_assert_uint_eq(owner.gid, gid);
}

START_TEST(test_socket_owner_resolve)
{
        struct socket_config s = config_default();
        struct socket_owner owner;
        const char *reason = NULL;
        struct passwd *nobody = getpwnam("nobody");

        assert_owner(NULL, NULL, (uid_t) -1, (gid_t) -1);
        assert_owner("root", NULL, 0, 0);
        assert_owner("0", NULL, 0, 0);
        assert_owner(NULL, "root", (uid_t) -1, 0);
        assert_owner("root", "4321", 0, 4321);
        if (nobody)
                assert_owner("nobody", NULL, nobody->pw_uid, nobody->pw_gid); /* the primary group */
        if (!getpwuid(4242))
                assert_owner("4242", NULL, 4242, (gid_t) -1);

        s.socket_user = (char *) "no-such-user-sockact";
        ck_assert_int_eq(socket_owner_resolve(&s, &owner, &reason), -ESRCH);
        ck_assert_str_eq(reason, "no such user");
        s.socket_user = NULL;
        s.socket_group = (char *) "no-such-group-sockact";
        ck_assert_int_eq(socket_owner_resolve(&s, &owner, &reason), -ESRCH);
        ck_assert_str_eq(reason, "no such group");
}
END_TEST

/* A reload keeps the socket of a line whose key did not change: the directive, address and protocol. */
START_TEST(test_socket_listen_key)
{
        struct socket_config s = config_default(), sctp = config_default();
        struct listen a = listen_ip(LISTEN_STREAM, "127.0.0.1"), b = a,
                      d = listen_ip(LISTEN_DATAGRAM, "127.0.0.1"),
                      path = listen_unix(LISTEN_STREAM, "/run/x.sock");
        char ka[SOCKET_LISTEN_KEY_MAX], kb[SOCKET_LISTEN_KEY_MAX], text[ADDRESS_FORMAT_MAX];

        a.address.sockaddr.in.sin_port = b.address.sockaddr.in.sin_port = htons(8080);
        socket_listen_key(&s, &a, ka);
        ck_assert_str_eq(ka, "ListenStream=127.0.0.1:8080 protocol=0");
        socket_listen_key(&s, &b, kb);
        ck_assert_str_eq(ka, kb);
        b.address.sockaddr.in.sin_port = htons(8081);
        socket_listen_key(&s, &b, kb);
        ck_assert_str_ne(ka, kb);
        d.address.sockaddr.in.sin_port = htons(8080);
        socket_listen_key(&s, &d, kb);
        ck_assert_str_eq(kb, "ListenDatagram=127.0.0.1:8080 protocol=0");
        sctp.socket_protocol = IPPROTO_SCTP;
        socket_listen_key(&sctp, &a, kb);
        ck_assert_str_eq(kb, "ListenStream=127.0.0.1:8080 protocol=132");
        socket_listen_key(&s, &path, kb);
        ck_assert_str_eq(kb, "ListenStream=/run/x.sock protocol=0");
        ck_assert_int_eq(socket_listen_text(&path, text), 0);
        ck_assert_str_eq(text, "/run/x.sock");
}
END_TEST

/* What an open listener cannot take: options of bind() and of the node, and options turned off. */
START_TEST(test_socket_options_fixed_change)
{
        struct socket_config a = config_default(), b = config_default();

        ck_assert_ptr_null(socket_options_fixed_change(&a, &b));
        b.keep_alive = true; /* set: applied in place */
        b.backlog = 16;
        b.mark = 3;
        ck_assert_ptr_null(socket_options_fixed_change(&a, &b));
        ck_assert_str_eq(socket_options_fixed_change(&b, &a),
                         "KeepAlive="); /* unset: the default is unknown */
        b = config_default();
        b.reuse_port = true;
        ck_assert_str_eq(socket_options_fixed_change(&a, &b), "ReusePort=");
        b = config_default();
        b.socket_mode = 0600;
        ck_assert_str_eq(socket_options_fixed_change(&a, &b), "SocketMode=");
        b = config_default();
        b.bind_to_device = (char *) "lo";
        ck_assert_str_eq(socket_options_fixed_change(&a, &b), "BindToDevice=");
        char *one[] = { (char *) "/run/a", NULL }, *two[] = { (char *) "/run/a", (char *) "/run/b", NULL };
        b = config_default();
        b.symlinks = one;
        a.symlinks = one;
        ck_assert_ptr_null(socket_options_fixed_change(&a, &b));
        b.symlinks = two;
        ck_assert_str_eq(socket_options_fixed_change(&a, &b), "Symlinks=");
        ck_assert_str_eq(socket_options_fixed_change(&b, &a), "Symlinks=");
}
END_TEST

/* An inherited fd is taken for the line whose type, state, protocol and address it has. */
START_TEST(test_socket_fd_matches)
{
        struct socket_config s = config_default();
        struct listen tcp = listen_ip(LISTEN_STREAM, "127.0.0.1"),
                      udp = listen_ip(LISTEN_DATAGRAM, "127.0.0.1");
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = open_listener(&s, &tcp, NULL), bound = -1, unix_fd = -1;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        struct listen same = tcp, other = tcp, un;

        same.address.sockaddr.in.sin_port = htons((uint16_t) local_port(fd));
        other.address.sockaddr.in.sin_port =
                htons((uint16_t) (local_port(fd) == 65535 ? 1 : local_port(fd) + 1));
        udp.address.sockaddr.in.sin_port = same.address.sockaddr.in.sin_port;
        ck_assert(socket_fd_matches(fd, &s, &same));
        ck_assert(!socket_fd_matches(fd, &s, &other));
        ck_assert(!socket_fd_matches(fd, &s, &udp));

        /* bound, but not listening: not a listener */
        bound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(bound, 0);
        ck_assert_int_eq(bind(bound, (struct sockaddr *) &sa, sizeof(sa)), 0);
        same.address.sockaddr.in.sin_port = htons((uint16_t) local_port(bound));
        ck_assert(!socket_fd_matches(bound, &s, &same));

        ck_assert_int_ge(strdup_printf(&path, "%s/match.sock", test_dir), 0);
        un = listen_unix(LISTEN_STREAM, path);
        unix_fd = open_listener(&s, &un, NULL);
        ck_assert(socket_fd_matches(unix_fd, &s, &un));
        ck_assert(!socket_fd_matches(fd, &s, &un));
        path[strlen(path) - 1] = 'x';
        un = listen_unix(LISTEN_STREAM, path);
        ck_assert(!socket_fd_matches(unix_fd, &s, &un));
}
END_TEST

Suite *socket_suite(void)
{
        Suite *s = suite_create("socket");
        TCase *t = tcase_create("socket");

        tcase_add_unchecked_fixture(t, setup, teardown);
        tcase_add_test(t, test_socket_tcp);
        tcase_add_test(t, test_socket_listen_key);
        tcase_add_test(t, test_socket_options_fixed_change);
        tcase_add_test(t, test_socket_fd_matches);
        tcase_add_test(t, test_socket_dual_stack);
        tcase_add_test(t, test_socket_udp);
        tcase_add_test(t, test_socket_unix_path);
        tcase_add_test(t, test_socket_abstract);
        tcase_add_test(t, test_socket_fifo);
        tcase_add_test(t, test_socket_special);
        tcase_add_test(t, test_socket_netlink);
        tcase_add_test(t, test_socket_vsock);
        tcase_add_test(t, test_socket_mqueue);
        tcase_add_test(t, test_socket_options_tcp);
        tcase_add_test(t, test_socket_options_accepted);
        tcase_add_test(t, test_socket_options_ipv6);
        tcase_add_test(t, test_socket_options_unix);
        tcase_add_test(t, test_socket_unprivileged);
        tcase_add_test(t, test_socket_unix_conflicts);
        tcase_add_test(t, test_socket_tcp_conflicts);
        tcase_add_test(t, test_socket_symlinks);
        tcase_add_test(t, test_socket_remove_paths);
        tcase_add_test(t, test_socket_owner_resolve);
        suite_add_tcase(s, t);
        return s;
}
