/* Orphans. The daemon a Type=forking service leaves running is a grandchild of sockactd whose
 * parent has exited. As a child subreaper (PR_SET_CHILD_SUBREAPER) sockactd becomes its parent,
 * so that it can supervise it as any child of its own, with its exit status. Every other process
 * orphaned in a service's tree comes to sockactd too, and is reaped with the others
 * (children.h), so that none is left a zombie. sockactd is a subreaper only when a forking
 * service is loaded; otherwise orphans go to init. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Makes sockactd a subreaper. Returns 0 or -errno. */
int reaper_start(void);

/* sockactd's children that are alive (zombies are left out), in *ret (free()) and *ret_n.
 * Returns 0 or -errno. */
int reaper_children(pid_t **ret, size_t *ret_n);
