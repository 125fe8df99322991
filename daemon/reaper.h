/* Orphans. The daemon a Type=forking service leaves running is a grandchild of sockactd whose
 * parent has exited. As a child subreaper (PR_SET_CHILD_SUBREAPER) sockactd becomes its parent,
 * so that it can supervise it as any child of its own: through a pidfd, with its exit status.
 * Every other process orphaned in a service's tree comes to sockactd too; on SIGCHLD, each child
 * that no unit owns and that has exited is reaped here, so that none is left a zombie.
 * sockactd is a subreaper only when a forking service is loaded; otherwise orphans go to init. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct manager;

/* Makes sockactd a subreaper, and reaps on SIGCHLD the children that manager_owns_pid() does not
 * know. Returns 0 or -errno. */
int reaper_start(struct manager *m);

/* sockactd's children that are alive (zombies are left out), in *ret (free()) and *ret_n.
 * Returns 0 or -errno. */
int reaper_children(pid_t **ret, size_t *ret_n);
