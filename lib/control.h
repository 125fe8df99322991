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
 * for list. A reply's payload is text: on success, records of "key=value" lines, each record
 * ended by an empty line; on failure, one line that says why. Values are escaped (control_escape())
 * so that a value never holds a newline. Pure code: no I/O, no logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_MAGIC       UINT32_C(0x43414b53) /* the bytes "SKAC" on a little-endian machine */
#define CONTROL_VERSION     1
#define CONTROL_REQUEST_MAX 4096        /* a request, header included */
#define CONTROL_CHUNK_MAX   (32 * 1024) /* the payload of one reply message */
#define CONTROL_MORE        UINT32_C(1)

enum control_verb {
        CONTROL_LIST = 1,
        CONTROL_STATUS,
        CONTROL_START,
        CONTROL_STOP,
        CONTROL_RESTART,
        CONTROL_RELOAD,
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

/* Checks a received message of size bytes: the magic, the version, that length is exactly what
 * follows the header, and for a request that it fits CONTROL_REQUEST_MAX. Returns 0 or -EBADMSG
 * with *ret_reason, or -EPROTONOSUPPORT for another version. */
int control_check(const void *message, size_t size, bool request, struct control_header *ret,
                  const char **ret_reason);

/* Appends "key=value\n" to *buf (growing it), the value escaped: backslash, newline, tab and the
 * other control characters as \\, \n, \t and \xNN. Returns 0 or -ENOMEM. */
int control_append(char **buf, size_t *len, const char *key, const char *value);
/* Ends a record: an empty line. Returns 0 or -ENOMEM. */
int control_end_record(char **buf, size_t *len);
/* Undoes the escaping in place. Returns 0 or -EBADMSG. */
int control_unescape(char *value);

/* The default runtime directory: /run/sockact for root, $XDG_RUNTIME_DIR/sockact for any other
 * user. Returns 0 or -ENXIO (no $XDG_RUNTIME_DIR) or -ENOMEM. */
int control_default_runtime_dir(char **ret);

/* The client's side: sends one request (verb, and arg unless NULL) to DIR/control and reads the
 * whole reply, each step bounded by timeout_ms. Returns 0 with the reply's code (0 or an errno)
 * in *ret_code and its payload (NUL-terminated, *ret_len bytes before the NUL) in *ret_payload;
 * or -errno when sockactd cannot be reached or the reply is malformed (-EBADMSG). */
int control_request(const char *runtime_dir, enum control_verb verb, const char *arg, int timeout_ms,
                    int *ret_code, char **ret_payload, size_t *ret_len);
