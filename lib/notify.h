/* sd_notify(3) messages: newline-separated NAME=value assignments in one datagram, as
 * services send them to $NOTIFY_SOCKET. Pure parsing; what a message does is the daemon's. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define NOTIFY_MESSAGE_MAX 4096 /* systemd's limit on one message (and so sockact's) */
#define NOTIFY_FDS_MAX     768  /* and on the fds that come with it */

struct notify_message {
        bool ready;                   /* READY=1 */
        bool reloading;               /* RELOADING=1 */
        bool stopping;                /* STOPPING=1 */
        bool watchdog;                /* WATCHDOG=1 */
        bool watchdog_trigger;        /* WATCHDOG=trigger */
        bool fdstore;                 /* FDSTORE=1 */
        bool fdstore_remove;          /* FDSTOREREMOVE=1 */
        bool fdpoll_off;              /* FDPOLL=0 */
        bool barrier;                 /* BARRIER=1 */
        char *status;                 /* STATUS=, or NULL */
        char *fdname;                 /* FDNAME=, or NULL */
        pid_t main_pid;               /* MAINPID=, or 0 */
        int errno_value;              /* ERRNO=, or 0 */
        uint64_t watchdog_usec;       /* WATCHDOG_USEC=, or 0 */
        uint64_t extend_timeout_usec; /* EXTEND_TIMEOUT_USEC=, or 0 */
};

/* Parses one message of len bytes (not NUL-terminated; at most NOTIFY_MESSAGE_MAX). Unknown
 * assignments are ignored, as systemd ignores them; a known one with a bad value, a line without
 * "=", a NUL byte or invalid UTF-8 refuses the message with -EBADMSG and *ret_reason. */
int notify_parse(const char *buf, size_t len, struct notify_message *ret, const char **ret_reason);

void notify_message_clear(struct notify_message *m);
