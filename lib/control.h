/* The control protocol between sockactd and its clients (sockactl), over the SOCK_SEQPACKET socket
 * DIR/control: one request per message, answered by one or more reply messages. Every message
 * starts with a fixed header in host byte order (the socket is local):
 *
 *   uint32 magic    CONTROL_MAGIC
 *   uint16 version  CONTROL_VERSION
 *   uint16 code     a request: the verb; a reply: 0, or the errno of the failure
 *   uint32 flags    a reply: CONTROL_MORE when another message of the same reply follows
 *   uint32 length   the bytes of payload after the header, exactly
 *
 * A request's payload is its argument: a unit name for status, start, stop and restart, nothing
 * for list, stored and reexec, nothing or "dry-run" for reload; for fetch, store and remove, "key=value"
 * lines: name= (repeated for fetch), and ttl= (microseconds) for store. A reply's payload is text: on
 * success, records of "key=value" lines, each record ended by an empty line; on failure, the lines
 * that say why (one, but for a refused reload: one per reason). Values are escaped
 * (control_append()) so that a value never holds a newline.
 *
 * Fds travel as SCM_RIGHTS, at most CONTROL_FDS_MAX per message: a store request carries the fds
 * it stores; a fetch reply carries the fds, spread over its messages in order, and one record
 * "name=NAME" per fd.
 *
 * Two sockets speak it: DIR/control for the administrator (every verb), and DIR/fds for any local
 * user (fetch, store, remove and stored only, each authorized per unit or per stored entry).
 * Pure code but for control_call(): no logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CONTROL_MAGIC       UINT32_C(0x43414b53) /* the bytes "SKAC" on a little-endian machine */
#define CONTROL_VERSION     1
#define CONTROL_REQUEST_MAX 4096        /* a request, header included */
#define CONTROL_CHUNK_MAX   (32 * 1024) /* the payload of one reply message */
#define CONTROL_MORE        UINT32_C(1)
#define CONTROL_FDS_MAX     253 /* SCM_MAX_FD: the fds one message may carry */
#define CONTROL_SOCKET      "control"
#define CONTROL_FDS_SOCKET  "fds"

enum control_verb {
        CONTROL_LIST = 1,
        CONTROL_STATUS,
        CONTROL_START,
        CONTROL_STOP,
        CONTROL_RESTART,
        CONTROL_RELOAD,
        CONTROL_FETCH,
        CONTROL_STORE,
        CONTROL_REMOVE,
        CONTROL_STORED,
        CONTROL_REEXEC,
        _CONTROL_VERB_MAX,
};

struct control_header {
        uint32_t magic;
        uint16_t version;
        uint16_t code;
        uint32_t flags;
        uint32_t length;
};

const char *control_verb_to_string(enum control_verb v);
int control_verb_from_string(const char *s); /* -EINVAL when unknown */
/* Whether the verb changes anything (refused to read-only peers). */
bool control_verb_writes(enum control_verb v);
/* Whether the verb is served on DIR/fds too: fetch, store, remove and stored. */
bool control_verb_public(enum control_verb v);

/* Checks a received message of size bytes: the magic, the version, that length is exactly what
 * follows the header, and for a request that it fits CONTROL_REQUEST_MAX. Returns 0 or -EBADMSG
 * with *ret_reason, or -EPROTONOSUPPORT for another version. */
int control_check(const void *message, size_t size, bool request, struct control_header *ret,
                  const char **ret_reason);

/* Appends "key=value\n" to *buf (growing it), the value escaped: backslash, newline, tab and the
 * other control characters as \\, \n, \t and \xNN. Returns 0 or -ENOMEM. */
int control_append(char **buf, size_t *len, const char *key, const char *value);
/* The same with a number for the value. */
int control_append_u64(char **buf, size_t *len, const char *key, uint64_t value);
/* Ends a record: an empty line. Returns 0 or -ENOMEM. */
int control_end_record(char **buf, size_t *len);
/* Undoes the escaping in place. Returns 0 or -EBADMSG. */
int control_unescape(char *value);
/* Reads the "key=value" line at *cursor: NUL-terminates the key and the value in place, unescapes
 * the value and moves *cursor past the line. Returns 1 with a field; 0 at the empty line that ends a
 * record, or at the end of the text (then **cursor is '\0'); -EBADMSG for a line without "=" or a
 * bad escape. */
int control_next_field(char **cursor, char **ret_key, char **ret_value);

/* Room for the SCM_RIGHTS of one message. */
union control_fds_buffer {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * CONTROL_FDS_MAX)];
};

/* Attaches n_fds fds (at most CONTROL_FDS_MAX) to msg as SCM_RIGHTS, held in *buf; with none, msg
 * is left without control data. */
void control_attach_fds(struct msghdr *msg, union control_fds_buffer *buf, const int *fds, size_t n_fds);
/* The fds a received msg carries, copied to fds (room for CONTROL_FDS_MAX); returns their number.
 * They are the caller's to close, even when msg_flags has MSG_CTRUNC. */
size_t control_received_fds(struct msghdr *msg, int *fds);

/* The default runtime directory: /run/sockact for root, $XDG_RUNTIME_DIR/sockact for any other
 * user. Returns 0 or -ENXIO (no $XDG_RUNTIME_DIR) or -ENOMEM. */
int control_default_runtime_dir(char **ret);

/* A reply as the client received it: its code (0 or an errno), its payload (NUL-terminated, len bytes
 * before the NUL) and the fds that came with it (close-on-exec). */
struct control_reply {
        int code;
        char *payload;
        size_t len;
        int *fds;
        size_t n_fds;
};

/* Closes the fds and frees the rest. */
void control_reply_done(struct control_reply *r);

/* The client's side: sends one request (verb, the arg_len bytes of arg, and n_fds fds) to
 * DIR/socket and reads the whole reply, all within timeout_usec. Returns 0 with the reply in *ret
 * (its code may be an errno); or -errno when sockactd cannot be reached (-ETIMEDOUT when the time
 * ran out, -ECONNRESET when it closed the connection before the reply ended), or -EBADMSG for a
 * malformed reply. */
int control_call(const char *runtime_dir, const char *socket, enum control_verb verb, const char *arg,
                 size_t arg_len, const int *fds, size_t n_fds, uint64_t timeout_usec,
                 struct control_reply *ret);
