/* The fd holder: what DIR/fds (and DIR/control) hand out and keep for processes sockactd did not
 * start (lib/control.h has the protocol, libsockact(3) the client).
 *
 * Fetch: a name is a socket unit's name (all its listening fds, in Listen order), or a
 * FileDescriptorName= (the listening fds of every unit with that name, then the fds stored under it);
 * at most CONTROL_FDS_MAX fds in one fetch, so that they travel in one message.
 * They are sockactd's own fds, duplicated into the fetcher by SCM_RIGHTS. Fetching a socket lends it:
 * it is not watched (no activation, no accept by sockactd) until the fetching process exits, watched
 * through a pidfd; this holds across exec, so that "sockactl fetch NAME -- COMMAND" keeps the loan for
 * COMMAND's life.
 *
 * Store: fds handed to sockactd under a name, with an optional time to live; they outlive the storing
 * process, and can be fetched, listed ("stored") and removed. Storing the same name again replaces
 * what was there; a name that a socket unit's fds bear (its unit name or FileDescriptorName=) cannot
 * be stored under, so that no one slips an fd among them. At most FD_HOLDER_FDS_MAX fds are stored
 * (a quarter of RLIMIT_NOFILE when lower), an eighth of them by one user other than root.
 *
 * Who may: everything is denied but to root and sockactd's own user, and
 *  - a socket unit's fds: its service's User= (the template's with Accept=yes), FetchUsers= and the
 *    members of FetchGroups=;
 *  - store: anyone who may fetch some socket unit;
 *  - a stored entry (fetch, remove, list): the user who stored it.
 * Every refusal is logged with the peer's uid and pid. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#define FD_HOLDER_FDS_MAX    4096 /* stored fds, all entries together (fewer with a low RLIMIT_NOFILE) */
#define FD_HOLDER_USER_SHARE 8    /* a user other than root and sockactd's may store an eighth of them */
#define FD_HOLDER_LOANS_MAX  4096 /* fetching processes at once (fewer with a low RLIMIT_NOFILE) */

struct fd_pass;
struct manager;
struct restore;
struct socket_unit;
struct fd_entry;
struct fd_loan;

struct fd_holder {
        struct manager *manager;
        struct fd_entry *entries;
        size_t n_fds; /* stored, all entries together */
        size_t max_fds;
        struct fd_loan *loans;
        size_t n_loans;
        size_t max_loans;
};

/* Who asks: its credentials, and its connection (for its supplementary groups). */
struct fd_peer {
        struct ucred cred;
        int fd;
};

/* A reply: its payload (records), the fds it carries (the holder's duplicates, the caller's to close),
 * or on failure a sentence that says why. */
struct fd_answer {
        char *payload;
        size_t len;
        int *fds;
        size_t n_fds;
        char why[256];
};

void fd_holder_init(struct fd_holder *h, struct manager *m);
/* The socket unit so is about to be freed: the loans of its fds end without telling it. */
void fd_holder_forget(struct fd_holder *h, const struct socket_unit *so);
/* Whether fds are stored under name (by any user). */
bool fd_holder_has(const struct fd_holder *h, const char *name);

/* Closes every stored fd and ends every loan (the sockets are not watched again: sockactd stops). */
void fd_holder_done(struct fd_holder *h);

/* Each returns 0, or -errno with a reason in a->why. names: NULL-terminated. */
int fd_holder_fetch(struct fd_holder *h, const struct fd_peer *p, char *const *names, struct fd_answer *a);
int fd_holder_store(struct fd_holder *h, const struct fd_peer *p, const char *name, uint64_t ttl_usec,
                    int *fds, size_t n_fds, struct fd_answer *a); /* takes the fds, even on failure */
int fd_holder_remove(struct fd_holder *h, const struct fd_peer *p, const char *name, struct fd_answer *a);
/* The stored entries the peer may see: a record each (name, fds, uid, ttl left in usec or 0). */
int fd_holder_list(struct fd_holder *h, const struct fd_peer *p, struct fd_answer *a);

void fd_answer_done(struct fd_answer *a);

/* Whether the peer on fd has group among its groups: its primary one, or a supplementary one
 * (SO_PEERGROUPS). */
bool peer_in_group(int fd, gid_t primary, gid_t group);

/* sockactl reexec (reexec.h): a line per entry ("held") and per loan ("loan"), their fds passed. */
void fd_holder_serialize(const struct fd_holder *h, FILE *f, struct fd_pass *p);
/* Restores an entry or a loan from the rest of its line (key: held or loan), taking the fds from r.
 * Returns 0 or -EBADMSG, -ENOMEM. */
int fd_holder_deserialize(struct fd_holder *h, const char *key, char *line, struct restore *r);
