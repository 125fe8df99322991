/* libsockact: fetch the sockets sockactd holds, and hand it fds to hold, over its socket DIR/fds.
 *
 * Every function takes sockactd's runtime directory (NULL: /run/sockact for root, and
 * $XDG_RUNTIME_DIR/sockact for anyone else; a process of another user that talks to the system's
 * sockactd gives "/run/sockact") and a timeout in microseconds for the whole exchange (UINT64_MAX:
 * none). Each returns
 * 0 or a negative errno and prints nothing. See libsockact(3). */
#ifndef SOCKACT_H
#define SOCKACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest number of fds one store may hand over. */
#define SOCKACT_STORE_FDS_MAX 253

/* Fetches the fds held under each of the n_names names: a socket unit's name ("web.socket") gives
 * all its listening sockets, in the order of its Listen lines; any other name gives the listening
 * sockets whose FileDescriptorName= it is, then the fds stored under it. The result is in the order
 * LISTEN_FDS would give: *ret_fds (close-on-exec, the caller's to close; the array is freed with
 * free()) and *ret_names, one name per fd and a NULL after the last (one allocation: free() it
 * once). While this process lives, sockactd does not activate a service through a fetched socket.
 * Errors: -ENOENT (nothing is held under a name), -EACCES (this user may not fetch one of them),
 * -ECONNREFUSED or -ENOENT (sockactd does not run there), -ETIMEDOUT, -EINVAL (a name is not a
 * valid fd name), -E2BIG (more than 253 names, or more than 253 fds in all). */
int sockact_fetch(const char *runtime_dir, const char *const *names, size_t n_names, uint64_t timeout_usec,
                  int **ret_fds, char ***ret_names, size_t *ret_n);

/* Hands n_fds fds (1…SOCKACT_STORE_FDS_MAX) to sockactd under name, replacing what this user stored
 * under it before; they stay there after the caller exits, until removed, or for ttl_usec (0: until
 * removed or sockactd stops). The caller's own fds are left open. Errors: -EACCES (this user may not
 * store), -EEXIST (another user stored under name), -ENOSPC (sockactd holds as many fds as it may),
 * -EINVAL, -ETIMEDOUT and the like. */
int sockact_store(const char *runtime_dir, const char *name, const int *fds, size_t n_fds, uint64_t ttl_usec,
                  uint64_t timeout_usec);

/* Closes what is stored under name. Errors: -ENOENT, -EACCES (another user's), -ETIMEDOUT and the like. */
int sockact_remove(const char *runtime_dir, const char *name, uint64_t timeout_usec);

#ifdef __cplusplus
}
#endif

#endif
