/* The processes of each service in a cgroup of its own, so that KillMode=control-group reaches
 * every process the service started, also those that left its process group. sockactd makes one
 * directory, "sockactd.PID", below its own cgroup of the cgroup v2 hierarchy (unified, or the
 * "unified" part of a hybrid one), and a cgroup per service in it. When it cannot (no cgroup
 * v2, no right to write there), every service falls back to its process groups. sockactd never
 * writes to a cgroup it did not create, and enables no controller: the cgroups only track. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct cgroup_root {
        int fd;     /* the "sockactd.PID" directory, or -1: process groups only */
        char *path; /* its path, for the messages */
};

/* Makes the directory. Returns 0, or -errno with *ret_reason saying why (the caller falls back
 * to process groups). */
int cgroup_root_open(struct cgroup_root *ret, const char **ret_reason);
/* Removes the directory and the service cgroups in it that are empty. A struct that was never
 * opened, or zeroed, is left alone. */
void cgroup_root_close(struct cgroup_root *r);

/* The cgroup of the unit named name, made if needed; returns its directory fd (close-on-exec)
 * or -errno. */
int cgroup_open(const struct cgroup_root *r, const char *name);

/* Removes the cgroup of the unit named name, if it is empty. */
void cgroup_remove(const struct cgroup_root *r, const char *name);

/* Sends sig to every process in the cgroup, over and over until a pass finds none it had not
 * signalled yet (a process may fork while it is being signalled). SIGKILL uses cgroup.kill where
 * the kernel has it. Returns the number of processes signalled, or -errno. */
int cgroup_kill(int cgroup_fd, int sig);
/* 1 when pid is in the cgroup, 0 when it is not, or -errno. */
int cgroup_contains(int cgroup_fd, pid_t pid);
/* 1 when a process is in the cgroup, 0 when it is empty, or -errno. */
int cgroup_is_populated(int cgroup_fd);
/* The cgroup's "cgroup.events", opened for polling: it signals EPOLLPRI when "populated" changes. */
int cgroup_open_events(int cgroup_fd);
