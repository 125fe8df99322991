/* sockactd's children: one SIGCHLD source reaps every child that exits and hands its status to
 * the watch that waits for it. A child nobody watches (a process whose unit gave up on it, an
 * orphan adopted as a subreaper) is reaped all the same, so that none is left a zombie.
 *
 * Why not sd-event's child sources: each one opens a pidfd, adds it to epoll and removes it,
 * and reaps after the callback, with the exited process still a zombie in its process group
 * while the callback runs. Dropping one whose process still runs kills it with SIGKILL and then
 * waits for it, blocking the loop for as long as the process takes to die. Here a child costs one
 * waitid(); its status is dispatched after it has been reaped; a dropped watch leaves the process
 * alone, and reaps it whenever it exits. A pid cannot be reused while its process is unreaped, and
 * only this module reaps, so a watch never sees another process's exit. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <systemd/sd-event.h>
#include <sys/types.h>

#define CHILDREN_BUCKETS 256 /* power of two */

struct child_watch;
typedef void (*child_exit_handler)(struct child_watch *w, const siginfo_t *si);

/* Embedded in its owner, which finds itself again with container_of(). */
struct child_watch {
        pid_t pid; /* 0: not watching */
        child_exit_handler exited;
        struct child_watch *next, *prev;
};

struct children {
        sd_event_source *source; /* SIGCHLD */
        struct child_watch *buckets[CHILDREN_BUCKETS];
};

/* Watches SIGCHLD (blocked by the caller) on event. Returns 0 or -errno. */
int children_start(struct children *c, sd_event *event);
/* Stops watching; the watches are left as they are. */
void children_stop(struct children *c);

/* w->exited(w, si) runs once pid has exited and been reaped; the watch is over by then. */
void children_watch(struct children *c, struct child_watch *w, pid_t pid, child_exit_handler exited);
/* No longer waits for it (harmless when not watching): the process is reaped when it exits. */
void children_unwatch(struct children *c, struct child_watch *w);
/* Whether pid is watched. */
bool children_watched(const struct children *c, pid_t pid);
