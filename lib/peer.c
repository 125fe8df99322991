/* Connection names and peer addresses; see peer.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "peer.h"

/* "ADDR:PORT" of an IP endpoint, IPv4-mapped addresses as IPv4 when mapped is set. */
static void ip_endpoint(const struct sockaddr *sa, bool mapped, char *buf, size_t size)
{
        char text[INET6_ADDRSTRLEN];

        if (sa->sa_family == AF_INET) {
                const struct sockaddr_in *in = (const struct sockaddr_in *) sa;

                inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
                snprintf(buf, size, "%s:%u", text, ntohs(in->sin_port));
                return;
        }
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;

        if (mapped)
                inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof(text));
        else
                inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
        snprintf(buf, size, "%s:%u", text, ntohs(in6->sin6_port));
}

static bool is_mapped(const struct sockaddr *sa)
{
        return sa->sa_family == AF_INET ||
               (sa->sa_family == AF_INET6 &&
                IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *) sa)->sin6_addr));
}

int peer_instance_format(unsigned n, const struct sockaddr *local, const struct sockaddr *remote,
                         const struct ucred *cred, char *buf, size_t size)
{
        char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
        int k;

        switch (remote->sa_family) {
        case AF_INET:
        case AF_INET6: {
                bool mapped = is_mapped(local) && is_mapped(remote);

                ip_endpoint(local, mapped, l, sizeof(l));
                ip_endpoint(remote, mapped, r, sizeof(r));
                k = snprintf(buf, size, "%u-%s-%s", n, l, r);
                break;
        }
        case AF_UNIX:
                if (cred)
                        k = snprintf(buf, size, "%u-%d-%u", n, (int) cred->pid, (unsigned) cred->uid);
                else
                        k = snprintf(buf, size, "%u-unknown", n);
                break;
        case AF_VSOCK: {
                const struct sockaddr_vm *lv = (const struct sockaddr_vm *) local,
                                         *rv = (const struct sockaddr_vm *) remote;

                k = snprintf(buf, size, "%u-%u:%u-%u:%u", n, lv->svm_cid, lv->svm_port, rv->svm_cid, rv->svm_port);
                break;
        }
        default:
                return -EAFNOSUPPORT;
        }
        return k > 0 && (size_t) k < size ? 0 : -ENAMETOOLONG;
}

int peer_instance_name(unsigned n, int fd, const struct sockaddr_storage *remote, char *buf, size_t size)
{
        struct sockaddr_storage local = { 0 };
        socklen_t len = sizeof(local);
        struct ucred cred;
        socklen_t cred_len = sizeof(cred);
        bool have_cred;

        if (getsockname(fd, (struct sockaddr *) &local, &len) < 0)
                return -errno;
        have_cred = remote->ss_family == AF_UNIX &&
                    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) == 0 && cred.pid > 0;
        return peer_instance_format(n, (const struct sockaddr *) &local, (const struct sockaddr *) remote,
                                    have_cred ? &cred : NULL, buf, size);
}

void peer_source_of(int fd, const struct sockaddr_storage *remote, struct peer_source *ret)
{
        *ret = (struct peer_source){ 0 };
        switch (remote->ss_family) {
        case AF_INET:
                ret->family = AF_INET;
                memcpy(ret->addr, &((const struct sockaddr_in *) remote)->sin_addr, 4);
                break;
        case AF_INET6: {
                const struct in6_addr *a = &((const struct sockaddr_in6 *) remote)->sin6_addr;

                ret->family = IN6_IS_ADDR_V4MAPPED(a) ? AF_INET : AF_INET6;
                memcpy(ret->addr, ret->family == AF_INET ? &a->s6_addr[12] : a->s6_addr,
                       ret->family == AF_INET ? 4 : 16);
                break;
        }
        case AF_VSOCK:
                ret->family = AF_VSOCK;
                ret->id = ((const struct sockaddr_vm *) remote)->svm_cid;
                break;
        case AF_UNIX: {
                struct ucred cred;
                socklen_t len = sizeof(cred);

                if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
                        ret->family = AF_UNIX;
                        ret->id = cred.uid;
                }
                break;
        }
        default:
                break;
        }
}

bool peer_source_equal(const struct peer_source *a, const struct peer_source *b)
{
        return a->family != 0 && a->family == b->family && a->id == b->id &&
               memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* An AF_UNIX name as text: printable bytes as they are, others as \xNN. */
static void escape_path(const char *p, size_t n, char *out, size_t size)
{
        size_t o = 0;

        for (size_t i = 0; i < n && o + 5 < size; i++) {
                unsigned char ch = (unsigned char) p[i];

                if (ch >= ' ' && ch < 0x7f && ch != '\\')
                        out[o++] = (char) ch;
                else
                        o += (size_t) snprintf(out + o, size - o, "\\x%02x", ch);
        }
        out[o] = '\0';
}

void peer_remote(const struct sockaddr_storage *peer, socklen_t len, char addr[PEER_ADDR_MAX], unsigned *port)
{
        addr[0] = '\0';
        *port = 0;
        switch (peer->ss_family) {
        case AF_INET: {
                const struct sockaddr_in *in = (const struct sockaddr_in *) peer;

                inet_ntop(AF_INET, &in->sin_addr, addr, PEER_ADDR_MAX);
                *port = ntohs(in->sin_port);
                break;
        }
        case AF_INET6: {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) peer;

                if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
                        inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], addr, PEER_ADDR_MAX);
                else
                        inet_ntop(AF_INET6, &in6->sin6_addr, addr, PEER_ADDR_MAX);
                *port = ntohs(in6->sin6_port);
                break;
        }
        case AF_UNIX: {
                const struct sockaddr_un *un = (const struct sockaddr_un *) peer;
                size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path)
                                                                        : 0;

                if (n == 0)
                        break; /* unnamed */
                if (un->sun_path[0] == '\0') {
                        addr[0] = '@';
                        escape_path(un->sun_path + 1, n - 1, addr + 1, PEER_ADDR_MAX - 1);
                } else
                        escape_path(un->sun_path, strnlen(un->sun_path, n), addr, PEER_ADDR_MAX);
                break;
        }
        default:
                break;
        }
}
