/* Executing sockactd again in the same process (sockactl reexec), possibly a newer binary, without
 * closing a socket or losing a child.
 *
 * The former image checks that every unit has settled and that the unit files are those it runs (so
 * that the new image loads the same units), writes its state to a memfd as text, lets exactly the fds
 * that state names survive the exec (every other fd is close-on-exec), and executes the binary it was
 * started from with "--deserialize=FD" before its own arguments. The new image loads the units, takes
 * the listeners, the control and notify sockets, the runtime directory's lock, the services' main
 * processes and fd stores, the Accept=yes instances and their connections, the fd holder's entries
 * and loans back from the state, answers the sockactl that asked, and goes on. Nothing runs again: no
 * ExecStartPre=, no bind.
 *
 * A state the new image cannot read (another version, cut short) costs no socket either: every fd it
 * inherited that is a socket is adopted by address, as LISTEN_FDS sockets are (manager_adopt()); the
 * services that ran go on unsupervised and the fd stores are lost, which it logs.
 *
 * The state, a line each ("KEY WORD…", fds by number):
 *   sockactd-state 1
 *   lock FD | notify FD | control FD | fds FD | client FD | nofile SOFT-LIMIT
 *   socket NAME STATE ACCEPTED ACTIVATIONS REFUSED FD…     (an FD per Listen line, -1: none)
 *   service NAME STATE RESULT MAIN-PID MAIN-PGID CODE STATUS WATCHDOG-USEC ERRNO CGROUP
 *   service-status NAME TEXT… | service-starts NAME USEC… | service-fd NAME FD POLL FDNAME
 *   instance NAME SOCKET PID FD ACCEPTED-USEC
 *   held UID EXPIRES-USEC N FD… NAME  |  loan PID PIDFD SOCKET…
 *   end */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "diag.h"

#define REEXEC_STATE_HEADER "sockactd-state 1"

struct manager;

/* The fds the state names, which survive the exec. */
struct fd_pass {
        int *fds;
        size_t n;
        int error; /* the first failure to let one pass, 0: none */
};

/* Lets fd pass the exec, and returns it (for the state line that names it); -1 passes as -1. */
int fd_pass(struct fd_pass *p, int fd);

/* Checks, serializes and executes; returns only when it did not happen: -EOPNOTSUPP (ad-hoc mode),
 * -ESHUTDOWN, -EBUSY or -EINVAL with the sentences in errors (a unit that has not settled, a unit
 * file that is broken or changed), or -errno (then every fd is as it was). client_fd is the
 * connection of the sockactl that asked, which the new image answers. */
int manager_reexec(struct manager *m, int client_fd, struct diag *errors);

/* The state a former image left, read by the new one, and the fds it inherited with it. */
struct restore {
        char *text;
        char **lines; /* in the text */
        size_t n_lines;
        int *inherited; /* the fds open at start-up but 0, 1, 2; -1 once taken */
        size_t n_inherited;
};

/* At start-up, before anything is opened: the fds inherited, made close-on-exec. Returns 0 or
 * -ENOMEM. */
int restore_collect_inherited(struct restore *r);

/* Reads the state in fd (taken, closed). Returns 0, or -EBADMSG when it is not a whole state of this
 * version (r->lines is then empty: the inherited fds are still there, the sockets to adopt, the lock
 * to find by its file), or -errno. */
int restore_read(struct restore *r, int fd);

/* Each line "KEY …" in order, from *i on: returns the text after "KEY ", or NULL at the end. */
char *restore_next(const struct restore *r, const char *key, size_t *i);
/* The first such line's number, or -1. */
int restore_number(const struct restore *r, const char *key);
/* Whether fd was inherited, and not taken yet. */
bool restore_holds(const struct restore *r, int fd);
/* Takes the inherited fd (close-on-exec already): fd when the former image passed it, else -1. */
int restore_take(struct restore *r, int fd);
/* Takes the inherited fd of the file at path (by its inode), whatever the state says; or -1. */
int restore_take_file(struct restore *r, const char *path);
/* Whether pid is a child of sockactd's, running or exited and not reaped yet. */
bool restore_is_child(pid_t pid);
/* Parses the next word of *cursor as a number (an fd, a pid, a count); false when there is none. */
bool restore_word_int(char **cursor, long long *ret);
/* The next word of *cursor, NUL-terminated in place; NULL when there is none. */
char *restore_word(char **cursor);

/* The inherited fds nothing took: the sockets are offered to the units by address
 * (m->adoptable), the rest closed. Returns 0 or -ENOMEM. */
int restore_release(struct restore *r, struct manager *m);
void restore_done(struct restore *r);
