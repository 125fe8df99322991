/* A service's fd store: the fds it hands sockactd with FDSTORE=1 (sd_pid_notify_with_fds(3)), each
 * under a name, kept while the service restarts and passed back at its next start after the
 * socket fds, in the order they were stored. An fd that reports a hangup or an error is dropped
 * (unless stored with FDPOLL=0; an fd epoll cannot watch is kept as it is); the same open file
 * stored again is kept once. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

struct fd_store;

struct stored_fd {
        int fd;
        char *name;
        sd_event_source *watch; /* EPOLLHUP and EPOLLERR, or NULL */
        struct fd_store *store;
};

struct fd_store {
        struct stored_fd **fds; /* in the order they were stored */
        size_t n;
        const char *owner; /* the unit's name, for the log */
};

/* Takes fd (closing it whatever the outcome but success): 0 when stored, -EEXIST when the same
 * open file is stored already, -ENOBUFS when the store holds max fds, -ENOMEM. */
int fd_store_add(struct fd_store *s, sd_event *event, int fd, const char *name, bool poll, size_t max);
/* Drops every fd stored under name; returns how many. */
size_t fd_store_remove(struct fd_store *s, const char *name);
/* Drops every fd. */
void fd_store_clear(struct fd_store *s);
