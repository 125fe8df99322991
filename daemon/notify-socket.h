/* $NOTIFY_SOCKET: the datagram socket services report to with sd_notify(3). A message counts
 * only when SCM_CREDENTIALS show it comes from a process NotifyAccess= allows; anything else is
 * dropped with a log line (at most one a second). */
#pragma once

#include <systemd/sd-event.h>

struct manager;

struct notify_socket {
        struct manager *manager;
        int fd;
        sd_event_source *source;
        char *path;
        uint64_t last_complaint; /* when a dropped message was last logged */
};

/* Creates RUNTIME_DIR/notify (a stale one is replaced), or takes fd, a former image's (reexec.h), and
 * watches it. */
int notify_socket_open(struct notify_socket *n, struct manager *m, const char *runtime_dir, int fd);
void notify_socket_close(struct notify_socket *n);
