/* Creating what a socket unit listens on: sockets (socket → pre-bind options → bind → listen →
 * options; the options themselves are socket-options.c's), FIFOs, special files and POSIX message
 * queues, plus the Symlinks= to them and their removal. No logging: a failure is -errno plus a
 * short static stage name, and the fd is closed. Invariant: on failure nothing this call created is
 * left behind (node, FIFO, queue, parent directories); a stale socket node it replaced stays gone.
 * umask() is process-wide: it is switched only around the one call that creates a node and
 * restored at once, so these functions must not race threads creating files (sockactd has none). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "socket.h"
#include "user.h"
#include "util.h"
#include "value.h"

/* Removes the directories socket_mkdir_parents() made for path, deepest first: those whose path
 * is at least first bytes long. A directory someone has put something into meanwhile stays. */
static void socket_rmdir_parents(const char *path, size_t first)
{
        _cleanup_free_ char *p = NULL;
        char *slash;

        if (!path || first == 0 || !(p = strdup(path)))
                return;
        while ((slash = strrchr(p, '/')) && (size_t) (slash - p) >= first) {
                *slash = 0;
                (void) rmdir(p);
        }
}

/* Makes the missing parent directories of path with exactly mode (umask 0 around each mkdir), and
 * sets *ret_first to the length of the first one it made (0: none), for socket_rmdir_parents(). */
static int socket_mkdir_parents(const char *path, mode_t mode, size_t *ret_first)
{
        _cleanup_free_ char *p = strdup(path);
        size_t first = 0;

        if (!p)
                return -ENOMEM;
        for (char *slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                mode_t old;
                int r = 0;

                *slash = 0;
                old = umask(0);
                if (mkdir(p, mode & 07777) < 0)
                        r = -errno;
                umask(old);
                if (r == 0 && first == 0)
                        first = slash - p;
                *slash = '/';
                if (r < 0 && r != -EEXIST) {
                        socket_rmdir_parents(path, first);
                        return r;
                }
        }
        *ret_first = first;
        return 0;
}

/* What sits at an AF_UNIX path that bind() found in use: 0 when it may be replaced (a socket
 * nobody listens on, or nothing any more), -EADDRINUSE for a live socket (or one we cannot probe),
 * -EEXIST for anything that is not a socket (including a symlink: it is never followed). The probe
 * is a connect(): a live stream listener sees it as one empty connection. */
static int socket_unix_node_check(const struct socket_address *a, int type)
{
        const char *path = address_unix_path(a);
        _cleanup_close_ int probe = -1;
        struct stat st;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISSOCK(st.st_mode))
                return -EEXIST;

        probe = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (probe < 0)
                return -errno;
        if (connect(probe, &a->sockaddr.sa, a->size) < 0 && errno == ECONNREFUSED)
                return 0;
        return -EADDRINUSE;
}

/* bind() creates the node with 0777 & ~umask, so the umask is ~mode for that call: the node gets
 * SocketMode= exactly, whatever sockactd's own umask is. A stale node is unlinked and bound again
 * once (systemd unlinks whatever is there, live socket or file). */
static int socket_bind_path(int fd, const struct socket_address *a, int type, mode_t mode)
{
        for (unsigned attempt = 0;; attempt++) {
                mode_t old = umask(~mode & 0777);
                int r = bind(fd, &a->sockaddr.sa, a->size) < 0 ? -errno : 0;

                umask(old);
                if (r != -EADDRINUSE || attempt > 0)
                        return r;

                r = socket_unix_node_check(a, type);
                if (r < 0)
                        return r;
                if (unlink(address_unix_path(a)) < 0 && errno != ENOENT)
                        return -errno;
        }
}

static bool socket_owner_is_set(const struct socket_owner *owner)
{
        return owner && (owner->uid != (uid_t) -1 || owner->gid != (gid_t) -1);
}

/* SocketProtocol= only where systemd applies it: SCTP to stream and seqpacket IP sockets, UDP-Lite
 * to datagram ones. Netlink sockets take the netlink family. */
static int socket_protocol(const struct socket_config *s, const struct listen *l)
{
        int family = address_family(&l->address), type = listen_type_socket_type(l->type);

        if (family == AF_NETLINK)
                return l->address.protocol;
        if (family != AF_INET && family != AF_INET6)
                return 0;
        if (s->socket_protocol == IPPROTO_SCTP && (type == SOCK_STREAM || type == SOCK_SEQPACKET))
                return IPPROTO_SCTP;
        if (s->socket_protocol == IPPROTO_UDPLITE && type == SOCK_DGRAM)
                return IPPROTO_UDPLITE;
        return 0;
}

static int socket_open_socket(const struct socket_config *s, const struct listen *l,
                              const struct socket_owner *owner, const char **ret_stage)
{
        const struct socket_address *a = &l->address;
        const char *path = address_unix_path(a), *stage;
        int family = address_family(a), type = listen_type_socket_type(l->type), r;
        _cleanup_close_ int fd = -1;
        size_t created_dirs = 0;
        bool bound = false;

        fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, socket_protocol(s, l));
        if (fd < 0) {
                *ret_stage = "socket";
                return -errno;
        }

        r = socket_apply_prebind_options(s, fd, family, &stage);
        if (r < 0)
                goto fail;

        if (path) {
                stage = "mkdir";
                r = socket_mkdir_parents(path, s->directory_mode, &created_dirs);
                if (r < 0)
                        goto fail;
                stage = "bind";
                r = socket_bind_path(fd, a, type, s->socket_mode);
                if (r < 0)
                        goto fail;
                bound = true;
                stage = "chown";
                if (socket_owner_is_set(owner) &&
                    fchownat(AT_FDCWD, path, owner->uid, owner->gid, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = -errno;
                        goto fail;
                }
        } else if (bind(fd, &a->sockaddr.sa, a->size) < 0) {
                stage = "bind";
                r = -errno;
                goto fail;
        }

        if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) &&
            listen(fd, s->backlog > INT_MAX ? INT_MAX : (int) s->backlog) < 0) {
                stage = "listen";
                r = -errno;
                goto fail;
        }

        r = socket_apply_options(s, fd, &stage);
        if (r < 0)
                goto fail;

        /* As systemd does: an inotify event on the node for whoever waits for it to be connectable. */
        if (path)
                (void) utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
        return TAKE_FD(fd);

fail:
        if (bound)
                (void) unlink(path);
        socket_rmdir_parents(path, created_dirs);
        *ret_stage = stage;
        return r;
}

/* A node that was already there is taken over only if it is ours: owned by us or by the owner it
 * is going to get (systemd wants getuid()/getgid(), which refuses its own node after a chown). */
static bool socket_node_owned(const struct stat *st, const struct socket_owner *owner)
{
        bool have_owner = socket_owner_is_set(owner);

        return (st->st_uid == geteuid() || (have_owner && st->st_uid == owner->uid)) &&
               (st->st_gid == getegid() || (have_owner && st->st_gid == owner->gid));
}

static int socket_open_fifo(const struct socket_config *s, const struct listen *l,
                            const struct socket_owner *owner, const char **ret_stage)
{
        _cleanup_close_ int fd = -1;
        size_t created_dirs = 0;
        bool created = false;
        const char *stage;
        struct stat st;
        mode_t old;
        int r;

        stage = "mkdir";
        r = socket_mkdir_parents(l->path, s->directory_mode, &created_dirs);
        if (r < 0)
                goto fail;

        stage = "mkfifo";
        old = umask(~s->socket_mode & 0777);
        r = mkfifo(l->path, s->socket_mode & 0777) < 0 ? -errno : 0;
        umask(old);
        if (r < 0 && r != -EEXIST)
                goto fail;
        created = r == 0;

        stage = "open";
        fd = open(l->path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        if (fd < 0) {
                r = -errno;
                goto fail;
        }
        stage = "fstat";
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto fail;
        }
        stage = "check FIFO";
        if (!S_ISFIFO(st.st_mode) || (st.st_mode & 0777) != (s->socket_mode & 0777) ||
            (!created && !socket_node_owned(&st, owner))) {
                r = -EEXIST;
                goto fail;
        }

        stage = "chown";
        if (socket_owner_is_set(owner) && fchown(fd, owner->uid, owner->gid) < 0) {
                r = -errno;
                goto fail;
        }

        stage = "F_SETPIPE_SZ";
        if (s->pipe_size > INT_MAX) {
                r = -ERANGE;
                goto fail;
        }
        if (s->pipe_size > 0 && fcntl(fd, F_SETPIPE_SZ, (int) s->pipe_size) < 0) {
                r = -errno;
                goto fail;
        }
        return TAKE_FD(fd);

fail:
        if (created)
                (void) unlink(l->path);
        socket_rmdir_parents(l->path, created_dirs);
        *ret_stage = stage;
        return r;
}

/* ListenSpecial=: a character device or a regular file (in /proc, /sys), never followed through a
 * symlink; anything else is -EEXIST, as in systemd. */
static int socket_open_special(const struct socket_config *s, const struct listen *l, const char **ret_stage)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = open(l->path,
                  (s->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        if (fd < 0) {
                *ret_stage = "open";
                return -errno;
        }
        if (fstat(fd, &st) < 0) {
                *ret_stage = "fstat";
                return -errno;
        }
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
                *ret_stage = "check special file";
                return -EEXIST;
        }
        return TAKE_FD(fd);
}

/* ListenMessageQueue=: created with SocketMode= exactly (umask 0 around mq_open(), which applies
 * it), with the two attributes only when both are set. An existing queue is taken if its mode and
 * owner match (as systemd checks); its attributes stay as they are. Created with O_EXCL first so
 * that a failure removes only a queue this call made. The kernel makes mqueue fds close-on-exec. */
static int socket_open_mqueue(const struct socket_config *s, const struct listen *l, const char **ret_stage)
{
        struct mq_attr attr = {
                .mq_maxmsg = s->mq_max_messages,
                .mq_msgsize = s->mq_message_size,
        };
        bool with_attr = s->mq_max_messages > 0 && s->mq_message_size > 0, created = false;
        const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        for (unsigned attempt = 0;; attempt++) {
                mode_t old = umask(0);

                fd = mq_open(l->path, flags | O_CREAT | O_EXCL, s->socket_mode & 0777,
                             with_attr ? &attr : NULL);
                umask(old);
                if (fd >= 0) {
                        created = true;
                        break;
                }
                if (errno == EEXIST) {
                        fd = mq_open(l->path, flags);
                        if (fd >= 0)
                                break;
                }
                if (errno != ENOENT || attempt > 0) { /* ENOENT: removed in between, once more */
                        *ret_stage = "mq_open";
                        return -errno;
                }
        }

        if (fstat(fd, &st) < 0) {
                r = -errno;
                *ret_stage = "fstat";
        } else if ((st.st_mode & 0777) != (s->socket_mode & 0777) || st.st_uid != geteuid() ||
                   st.st_gid != getegid()) {
                r = -EEXIST;
                *ret_stage = "check message queue";
        } else
                return TAKE_FD(fd);

        if (created)
                (void) mq_unlink(l->path);
        return r;
}

int socket_listen(const struct socket_config *s, const struct listen *l, const struct socket_owner *owner,
                  const char **ret_stage)
{
        switch (l->type) {
        case LISTEN_STREAM:
        case LISTEN_DATAGRAM:
        case LISTEN_SEQPACKET:
        case LISTEN_NETLINK:
                return socket_open_socket(s, l, owner, ret_stage);
        case LISTEN_FIFO:
                return socket_open_fifo(s, l, owner, ret_stage);
        case LISTEN_SPECIAL:
                return socket_open_special(s, l, ret_stage);
        case LISTEN_MESSAGE_QUEUE:
                return socket_open_mqueue(s, l, ret_stage);
        default:
                *ret_stage = "listen type";
                return -EINVAL;
        }
}

static int socket_lookup_user(const char *name, uid_t *ret_uid, gid_t *ret_gid)
{
        struct user_record u;
        int r = user_lookup(name, &u);

        if (r < 0)
                return r;
        *ret_uid = u.uid;
        *ret_gid = u.gid;
        user_record_clear(&u);
        return 0;
}

int socket_owner_resolve(const struct socket_config *s, struct socket_owner *ret, const char **ret_reason)
{
        struct socket_owner owner = { .uid = (uid_t) -1, .gid = (gid_t) -1 };
        int r;

        if (!isempty(s->socket_user)) {
                r = socket_lookup_user(s->socket_user, &owner.uid, &owner.gid);
                if (r < 0) {
                        *ret_reason = r == -ESRCH ? "no such user" : "cannot read the user database";
                        return r;
                }
        }
        if (!isempty(s->socket_group)) {
                r = group_lookup(s->socket_group, &owner.gid);
                if (r < 0) {
                        *ret_reason = r == -ESRCH ? "no such group" : "cannot read the group database";
                        return r;
                }
        }
        *ret = owner;
        return 0;
}

/* The file system node a Listen*= line makes: an AF_UNIX path or a FIFO; NULL for the others. */
static const char *socket_node_path(const struct listen *l)
{
        switch (l->type) {
        case LISTEN_STREAM:
        case LISTEN_DATAGRAM:
        case LISTEN_SEQPACKET:
                return address_unix_path(&l->address);
        case LISTEN_FIFO:
                return l->path;
        default:
                return NULL;
        }
}

/* One link: parents made with DirectoryMode= (as systemd); an existing symlink is replaced
 * atomically (a new link beside it, renamed over it); anything else in the way is -EEXIST. */
static int socket_symlink_one(const char *target, const char *link, mode_t directory_mode,
                              const char **ret_stage)
{
        _cleanup_free_ char *temporary = NULL;
        size_t created_dirs;
        struct stat st;
        int r;

        r = socket_mkdir_parents(link, directory_mode, &created_dirs);
        if (r < 0) {
                *ret_stage = "mkdir";
                return r;
        }
        *ret_stage = "symlink";
        if (symlink(target, link) >= 0)
                return 0;
        if (errno != EEXIST)
                return -errno;
        if (lstat(link, &st) < 0)
                return -errno;
        if (!S_ISLNK(st.st_mode))
                return -EEXIST;

        r = strdup_printf(&temporary, "%s.sockact~", link);
        if (r < 0)
                return r;
        (void) unlink(temporary);
        if (symlink(target, temporary) < 0)
                return -errno;
        if (rename(temporary, link) < 0) {
                r = -errno;
                (void) unlink(temporary);
                *ret_stage = "rename";
                return r;
        }
        return 0;
}

/* systemd treats a failed link as a warning; here every link is tried, the first failure is returned
 * and the caller decides. A unit without exactly one node to link to is -EINVAL (verify refuses it). */
int socket_make_symlinks(const struct socket_config *s, const char **ret_stage)
{
        const char *target = NULL, *stage = NULL;
        int result = 0;

        if (strv_length(s->symlinks) == 0)
                return 0;
        for (size_t i = 0; i < s->n_listens; i++) {
                const char *path = socket_node_path(&s->listens[i]);

                if (path && target) {
                        *ret_stage = "Symlinks= target";
                        return -EINVAL;
                }
                target = target ? target : path;
        }
        if (!target) {
                *ret_stage = "Symlinks= target";
                return -EINVAL;
        }

        for (char **link = s->symlinks; *link; link++) {
                int r = socket_symlink_one(target, *link, s->directory_mode, &stage);

                if (r < 0 && result == 0) {
                        result = r;
                        *ret_stage = stage;
                }
        }
        return result;
}

/* Only what this unit would have made is removed: a socket node only if it is a socket, a FIFO only
 * if it is a FIFO, a link only if it is a symlink (systemd unlinks whatever is at those paths). */
void socket_remove_paths(const struct socket_config *s)
{
        struct stat st;

        for (size_t i = 0; i < s->n_listens; i++) {
                const struct listen *l = &s->listens[i];
                const char *path = socket_node_path(l);

                if (l->type == LISTEN_MESSAGE_QUEUE)
                        (void) mq_unlink(l->path);
                else if (path && lstat(path, &st) >= 0 &&
                         (l->type == LISTEN_FIFO ? S_ISFIFO(st.st_mode) : S_ISSOCK(st.st_mode)))
                        (void) unlink(path);
        }

        for (char **link = s->symlinks; link && *link; link++)
                if (lstat(*link, &st) >= 0 && S_ISLNK(st.st_mode))
                        (void) unlink(*link);
}

int socket_listen_text(const struct listen *l, char buf[ADDRESS_FORMAT_MAX])
{
        if (l->path)
                return snprintf(buf, ADDRESS_FORMAT_MAX, "%s", l->path) < ADDRESS_FORMAT_MAX ? 0
                                                                                             : -ENAMETOOLONG;
        return address_format(&l->address, buf);
}

void socket_listen_key(const struct socket_config *s, const struct listen *l,
                       char buf[SOCKET_LISTEN_KEY_MAX])
{
        char text[ADDRESS_FORMAT_MAX];

        if (socket_listen_text(l, text) < 0)
                snprintf(text, sizeof(text), "?");
        snprintf(buf, SOCKET_LISTEN_KEY_MAX, "%s=%s protocol=%d", listen_type_to_string(l->type), text,
                 l->path ? 0 : s->socket_protocol);
}

static int get_int(int fd, int name, int *ret)
{
        socklen_t size = sizeof(*ret);

        return getsockopt(fd, SOL_SOCKET, name, ret, &size) < 0 ? -errno : 0;
}

/* Whether the bound address of fd is a: the same family, address and port (a path or an abstract
 * name for AF_UNIX, the netlink family for AF_NETLINK). */
static bool socket_bound_to(int fd, const struct socket_address *a)
{
        struct sockaddr_storage ss = { 0 };
        socklen_t len = sizeof(ss);
        int protocol = 0;

        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0 || ss.ss_family != address_family(a))
                return false;
        switch (ss.ss_family) {
        case AF_INET: {
                const struct sockaddr_in *x = (const struct sockaddr_in *) &ss, *y = &a->sockaddr.in;
                return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
        }
        case AF_INET6: {
                const struct sockaddr_in6 *x = (const struct sockaddr_in6 *) &ss, *y = &a->sockaddr.in6;
                return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 &&
                       x->sin6_scope_id == y->sin6_scope_id;
        }
        case AF_UNIX: {
                const struct sockaddr_un *x = (const struct sockaddr_un *) &ss, *y = &a->sockaddr.un;

                if (y->sun_path[0]) /* a path: ss was zeroed, so it ends with a NUL */
                        return strncmp(x->sun_path, y->sun_path, sizeof(y->sun_path)) == 0;
                return len == a->size &&
                       memcmp(x->sun_path, y->sun_path, len - offsetof(struct sockaddr_un, sun_path)) == 0;
        }
        case AF_NETLINK:
                return get_int(fd, SO_PROTOCOL, &protocol) == 0 && protocol == a->protocol;
        case AF_VSOCK: {
                const struct sockaddr_vm *x = (const struct sockaddr_vm *) &ss, *y = &a->sockaddr.vm;
                return x->svm_port == y->svm_port && x->svm_cid == y->svm_cid;
        }
        default:
                return false;
        }
}

bool socket_fd_matches(int fd, const struct socket_config *s, const struct listen *l)
{
        int type = listen_type_socket_type(l->type), value;
        struct stat st, node;

        if (fstat(fd, &st) < 0)
                return false;
        if (l->type == LISTEN_FIFO)
                return S_ISFIFO(st.st_mode) && stat(l->path, &node) == 0 && S_ISFIFO(node.st_mode) &&
                       node.st_dev == st.st_dev && node.st_ino == st.st_ino;
        if (!S_ISSOCK(st.st_mode) || type == 0 || get_int(fd, SO_TYPE, &value) < 0 || value != type)
                return false;
        if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) &&
            (get_int(fd, SO_ACCEPTCONN, &value) < 0 || !value))
                return false;
        if (socket_protocol(s, l) != 0 && l->type != LISTEN_NETLINK &&
            (get_int(fd, SO_PROTOCOL, &value) < 0 || value != socket_protocol(s, l)))
                return false;
        return socket_bound_to(fd, &l->address);
}
