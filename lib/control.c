/* The control protocol; see control.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "util.h"
#include "value.h"

static const char *const control_verb_table[_CONTROL_VERB_MAX] = {
        [CONTROL_LIST] = "list",     [CONTROL_STATUS] = "status",   [CONTROL_START] = "start",
        [CONTROL_STOP] = "stop",     [CONTROL_RESTART] = "restart", [CONTROL_RELOAD] = "reload",
        [CONTROL_FETCH] = "fetch",   [CONTROL_STORE] = "store",     [CONTROL_REMOVE] = "remove",
        [CONTROL_STORED] = "stored", [CONTROL_REEXEC] = "reexec",
};

const char *control_verb_to_string(enum control_verb v)
{
        return (size_t) v < ELEMENTSOF(control_verb_table) ? control_verb_table[v] : NULL;
}

int control_verb_from_string(const char *s)
{
        for (size_t i = 0; i < ELEMENTSOF(control_verb_table); i++)
                if (control_verb_table[i] && streq(control_verb_table[i], s))
                        return (int) i;
        return -EINVAL;
}

bool control_verb_writes(enum control_verb v)
{
        return v != CONTROL_LIST && v != CONTROL_STATUS;
}

bool control_verb_public(enum control_verb v)
{
        return v == CONTROL_FETCH || v == CONTROL_STORE || v == CONTROL_REMOVE || v == CONTROL_STORED;
}

int control_check(const void *message, size_t size, bool request, struct control_header *ret,
                  const char **ret_reason)
{
        struct control_header h;

        if (size < sizeof(h)) {
                *ret_reason = "shorter than a header";
                return -EBADMSG;
        }
        memcpy(&h, message, sizeof(h));
        if (h.magic != CONTROL_MAGIC) {
                *ret_reason = "not a sockact control message";
                return -EBADMSG;
        }
        if (h.version != CONTROL_VERSION) {
                *ret_reason = "another version of the protocol";
                return -EPROTONOSUPPORT;
        }
        if (h.length != size - sizeof(h)) {
                *ret_reason = "its length does not match its size";
                return -EBADMSG;
        }
        if (request && size > CONTROL_REQUEST_MAX) {
                *ret_reason = "larger than a request may be";
                return -EBADMSG;
        }
        *ret = h;
        return 0;
}

int control_append(char **buf, size_t *len, const char *key, const char *value)
{
        size_t need = strlen(key) + 2 + 4 * strlen(value) + 1;
        char *grown = realloc(*buf, *len + need), *p;

        if (!grown)
                return -ENOMEM;
        *buf = grown;
        p = grown + *len;
        p += sprintf(p, "%s=", key);
        for (const unsigned char *v = (const unsigned char *) value; *v; v++) {
                if (*v == '\\')
                        p += sprintf(p, "\\\\");
                else if (*v == '\n')
                        p += sprintf(p, "\\n");
                else if (*v == '\t')
                        p += sprintf(p, "\\t");
                else if (*v < ' ' || *v == 0x7f)
                        p += sprintf(p, "\\x%02x", *v);
                else
                        *p++ = (char) *v;
        }
        *p++ = '\n';
        *len = (size_t) (p - grown);
        return 0;
}

int control_append_u64(char **buf, size_t *len, const char *key, uint64_t value)
{
        char number[24];

        snprintf(number, sizeof(number), "%" PRIu64, value);
        return control_append(buf, len, key, number);
}

int control_end_record(char **buf, size_t *len)
{
        char *grown = realloc(*buf, *len + 1);

        if (!grown)
                return -ENOMEM;
        grown[(*len)++] = '\n';
        *buf = grown;
        return 0;
}

static int hex(char c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int control_unescape(char *value)
{
        char *out = value;

        for (const char *p = value; *p; p++) {
                if (*p != '\\') {
                        *out++ = *p;
                        continue;
                }
                switch (*++p) {
                case '\\':
                        *out++ = '\\';
                        break;
                case 'n':
                        *out++ = '\n';
                        break;
                case 't':
                        *out++ = '\t';
                        break;
                case 'x':
                        if (hex(p[1]) < 0 || hex(p[2]) < 0 || (hex(p[1]) == 0 && hex(p[2]) == 0))
                                return -EBADMSG;
                        *out++ = (char) (hex(p[1]) * 16 + hex(p[2]));
                        p += 2;
                        break;
                default:
                        return -EBADMSG;
                }
        }
        *out = '\0';
        return 0;
}

int control_next_field(char **cursor, char **ret_key, char **ret_value)
{
        char *line = *cursor, *end = strchr(line, '\n'), *value;

        if (!*line)
                return 0;
        if (end) {
                *end = '\0';
                *cursor = end + 1;
        } else
                *cursor = line + strlen(line);
        if (!*line)
                return 0;
        value = strchr(line, '=');
        if (!value)
                return -EBADMSG;
        *value++ = '\0';
        if (control_unescape(value) < 0)
                return -EBADMSG;
        *ret_key = line;
        *ret_value = value;
        return 1;
}

void control_attach_fds(struct msghdr *msg, union control_fds_buffer *buf, const int *fds, size_t n_fds)
{
        struct cmsghdr *cmsg;

        if (n_fds == 0)
                return;
        msg->msg_control = buf->buf;
        msg->msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
        cmsg = CMSG_FIRSTHDR(msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n_fds);
}

size_t control_received_fds(struct msghdr *msg, int *fds)
{
        size_t n = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        for (size_t i = 0;
                             i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && n < CONTROL_FDS_MAX; i++)
                                memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        return n;
}

int control_default_runtime_dir(char **ret)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");

        if (geteuid() == 0)
                return strdup_printf(ret, "/run/sockact");
        if (!xdg || *xdg != '/')
                return -ENXIO;
        return strdup_printf(ret, "%s/sockact", xdg);
}

void control_reply_done(struct control_reply *r)
{
        for (size_t i = 0; i < r->n_fds; i++)
                close(r->fds[i]);
        free(r->fds);
        free(r->payload);
        *r = (struct control_reply){ 0 };
}

/* Bounds the next blocking step by what is left until deadline: SO_SNDTIMEO also bounds connect(). */
static int set_timeout(int fd, uint64_t deadline)
{
        uint64_t now = now_usec(), left = deadline > now ? deadline - now : 0;
        struct timeval tv = { (time_t) (left / USEC_PER_SEC), (suseconds_t) (left % USEC_PER_SEC) };

        if (left == 0)
                return -ETIMEDOUT;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        return 0;
}

static int send_request(int fd, enum control_verb verb, const char *arg, size_t arg_len, const int *fds,
                        size_t n_fds)
{
        struct control_header h = { .magic = CONTROL_MAGIC,
                                    .version = CONTROL_VERSION,
                                    .code = (uint16_t) verb,
                                    .length = (uint32_t) arg_len };
        struct iovec iov[2] = { { &h, sizeof(h) }, { (void *) (arg ? arg : ""), arg_len } };
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
        union control_fds_buffer control;

        control_attach_fds(&msg, &control, fds, n_fds);
        if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        return 0;
}

/* Appends the fds that came with msg to r; they are r's to close even when the message is refused. */
static int take_fds(struct msghdr *msg, struct control_reply *r)
{
        int fds[CONTROL_FDS_MAX], *grown;
        size_t n = control_received_fds(msg, fds);

        if (n > 0) {
                grown = realloc(r->fds, (r->n_fds + n) * sizeof(int));
                if (!grown) {
                        for (size_t i = 0; i < n; i++)
                                close(fds[i]);
                        return -ENOMEM;
                }
                r->fds = grown;
                memcpy(r->fds + r->n_fds, fds, n * sizeof(int));
                r->n_fds += n;
        }
        return msg->msg_flags & MSG_CTRUNC ? -EBADMSG : 0;
}

/* Reads the messages of one reply into r. */
static int read_reply(int fd, uint64_t deadline, char *message, struct control_reply *r)
{
        union control_fds_buffer control;

        for (bool more = true; more;) {
                struct iovec iov = { message, sizeof(struct control_header) + CONTROL_CHUNK_MAX + 1 };
                struct msghdr msg = { .msg_iov = &iov,
                                      .msg_iovlen = 1,
                                      .msg_control = control.buf,
                                      .msg_controllen = sizeof(control) };
                struct control_header h;
                const char *reason;
                ssize_t n;
                char *grown;
                int r2;

                r2 = set_timeout(fd, deadline);
                if (r2 < 0)
                        return r2;
                n = recvmsg(fd, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                r2 = take_fds(&msg, r);
                if (r2 < 0)
                        return r2;
                if (n == 0)
                        return -ECONNRESET; /* closed before the reply ended */
                if ((size_t) n > iov.iov_len - 1)
                        return -EBADMSG; /* a message too large */
                r2 = control_check(message, (size_t) n, false, &h, &reason);
                if (r2 < 0)
                        return r2;
                grown = realloc(r->payload, r->len + h.length + 1);
                if (!grown)
                        return -ENOMEM;
                r->payload = grown;
                memcpy(r->payload + r->len, message + sizeof(h), h.length);
                r->len += h.length;
                r->payload[r->len] = '\0';
                r->code = h.code;
                more = h.flags & CONTROL_MORE;
        }
        return 0;
}

int control_call(const char *runtime_dir, const char *socket_name, enum control_verb verb, const char *arg,
                 size_t arg_len, const int *fds, size_t n_fds, uint64_t timeout_usec,
                 struct control_reply *ret)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        uint64_t now = now_usec(),
                 deadline = timeout_usec > UINT64_MAX - now ? UINT64_MAX : now + timeout_usec;
        struct control_reply reply = { 0 };
        _cleanup_free_ char *message = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        if (sizeof(struct control_header) + arg_len > CONTROL_REQUEST_MAX)
                return -ENAMETOOLONG;
        if (n_fds > CONTROL_FDS_MAX)
                return -E2BIG;
        if ((size_t) snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", runtime_dir, socket_name) >=
            sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        message = malloc(sizeof(struct control_header) + CONTROL_CHUNK_MAX + 1);
        if (!message)
                return -ENOMEM;
        /* blocking, each step bounded by what is left of the time (connect() waits on a full backlog) */
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        r = set_timeout(fd, deadline);
        if (r < 0)
                return r;
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        r = set_timeout(fd, deadline);
        if (r >= 0)
                r = send_request(fd, verb, arg, arg_len, fds, n_fds);
        if (r >= 0)
                r = read_reply(fd, deadline, message, &reply);
        if (r >= 0 && !reply.payload && !(reply.payload = strdup("")))
                r = -ENOMEM;
        if (r < 0) {
                control_reply_done(&reply);
                return r;
        }
        *ret = reply;
        return 0;
}
