/* The control protocol; see control.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "util.h"

static const char *const control_verb_table[_CONTROL_VERB_MAX] = {
        [CONTROL_LIST] = "list", [CONTROL_STATUS] = "status",   [CONTROL_START] = "start",
        [CONTROL_STOP] = "stop", [CONTROL_RESTART] = "restart", [CONTROL_RELOAD] = "reload",
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

int control_default_runtime_dir(char **ret)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");

        if (geteuid() == 0)
                return strdup_printf(ret, "/run/sockact");
        if (!xdg || *xdg != '/')
                return -ENXIO;
        return strdup_printf(ret, "%s/sockact", xdg);
}

int control_request(const char *runtime_dir, enum control_verb verb, const char *arg, int timeout_ms,
                    int *ret_code, char **ret_payload, size_t *ret_len)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t arg_len = arg ? strlen(arg) : 0, len = 0;
        struct control_header h = { .magic = CONTROL_MAGIC,
                                    .version = CONTROL_VERSION,
                                    .code = (uint16_t) verb,
                                    .length = (uint32_t) arg_len };
        struct iovec iov[2] = { { &h, sizeof(h) }, { (void *) (arg ? arg : ""), arg_len } };
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
        _cleanup_free_ char *payload = NULL, *message = NULL;
        struct timeval timeout = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
        _cleanup_close_ int fd = -1;
        int r, code = 0;

        if (sizeof(h) + arg_len > CONTROL_REQUEST_MAX)
                return -ENAMETOOLONG;
        if ((size_t) snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", runtime_dir) >=
            sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        message = malloc(sizeof(h) + CONTROL_CHUNK_MAX + 1);
        if (!message)
                return -ENOMEM;
        /* blocking, each step bounded by the socket's timeouts (connect() waits on a full backlog
         * for SO_SNDTIMEO) */
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        for (bool more = true; more;) {
                struct control_header reply;
                const char *reason;
                ssize_t n;
                char *grown;

                n = recv(fd, message, sizeof(h) + CONTROL_CHUNK_MAX + 1, MSG_TRUNC);
                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                if (n == 0 || (size_t) n > sizeof(h) + CONTROL_CHUNK_MAX)
                        return -EBADMSG; /* the end before the reply did, or a message too large */
                r = control_check(message, (size_t) n, false, &reply, &reason);
                if (r < 0)
                        return r;
                grown = realloc(payload, len + reply.length + 1);
                if (!grown)
                        return -ENOMEM;
                payload = grown;
                memcpy(payload + len, message + sizeof(h), reply.length);
                len += reply.length;
                payload[len] = '\0';
                code = reply.code;
                more = reply.flags & CONTROL_MORE;
        }
        if (!payload && !(payload = strdup("")))
                return -ENOMEM;
        *ret_code = code;
        *ret_len = len;
        *ret_payload = TAKE_PTR(payload);
        return 0;
}
