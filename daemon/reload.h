/* Reading the unit files again without closing a socket (sockactl reload, SIGHUP).
 *
 * Everything is loaded and checked first, and the new addresses of the socket units that listen and
 * stay are opened before anything changes: a broken file, a name clash or such an address that
 * cannot be bound leaves the running configuration as it was. Then the new set takes over in one
 * step:
 *  - a new unit is made, and a new socket unit started (ExecStartPre=, bind, …) as at start-up,
 *    after the removed ones were told to stop: an address that moves to another unit is closed, then
 *    bound again (what waited on it is lost), and fails the new unit while the old one still holds it;
 *  - a removed unit is stopped (its sockets closed), and freed once down; an Accept=yes instance it
 *    started serves its connection to the end; its name may come back once it is down (-EBUSY before);
 *  - a socket unit that listens keeps the very fd of each Listen*= line whose address did not change
 *    (nothing queued on it is lost), opens each new address before the old ones close, and applies its
 *    changed options in place, those the kernel takes on an open socket; the others (ReusePort=, …)
 *    apply once it is restarted, which the reload says;
 *  - a socket unit whose service changed (Service=, Accept=) is not watched while the former one runs;
 *  - a failed socket unit that changed is started again; one an administrator stopped stays stopped;
 *  - a service that runs keeps running, its changes apply at its next start; a template's apply to
 *    the next connection.
 * A socket unit in the middle of a start or stop command (ExecStartPre=, …) makes the reload wait:
 * -EBUSY. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct manager;

/* Loads the units from m->unit_dirs and applies them (with dry_run, only tells). The changes come as
 * control records (unit=, change= added, removed or changed, and detail= when there is more to say),
 * one per unit that changed, by name. Returns 0; or -EINVAL (a unit file is broken), -EBUSY, -EEXIST,
 * or the error of a listener that cannot be opened, each with its sentences in errors, nothing
 * changed; -EOPNOTSUPP (ad-hoc mode), -ESHUTDOWN (stopping) or -ENOMEM. */
int manager_reload(struct manager *m, bool dry_run, char **ret_changes, size_t *ret_len,
                   struct diag *errors);
