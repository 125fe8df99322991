/* The integration harness: the real sockactd in a fresh temporary directory, its log collected in a
 * bounded buffer, and the clients that drive it on loopback. Every wait takes a deadline and reads the
 * daemon's log while it waits, so that the daemon never blocks on a full pipe. Every process started
 * here is the test's own, stopped and waited for by pid; sockactd also gets SIGTERM when the test
 * process dies (PR_SET_PDEATHSIG), since a failed check assertion leaves without any cleanup.
 * Functions return 0 or -errno and write their ret_ outputs only on success. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HARNESS_TIMEOUT_MS 10000       /* what a test waits for the daemon, a service or a report */
#define HARNESS_LOG_MAX    (1 << 20)   /* the log keeps its last MiB */
#define HARNESS_REPORT_MAX (256 << 10) /* the largest report read from a service */

struct harness_unit {
        const char *name;    /* "web.socket" */
        const char *content; /* the unit file's text */
};

struct harness {
        char *dir;         /* the test's own directory (mode 0755, so that User= services reach it) */
        char *unit_dir;    /* DIR/units */
        char *runtime_dir; /* DIR/run */
        pid_t pid;         /* sockactd while it runs, else 0 */
        int exit_status;   /* once it exited: its exit status, or 128 + signal */
        int log_fd;        /* read end of its stdout and stderr, non-blocking; -1 once at EOF */
        char *log;         /* what it wrote, NUL-terminated (the last HARNESS_LOG_MAX bytes) */
        size_t log_len;
        size_t log_dropped; /* bytes dropped from the front: offsets into the log are absolute */
        bool as_user;       /* set before starting (as root): sockactd runs as uid and gid, no groups */
        char *const *extra_args; /* set before harness_start(): more options for its command line */
        uid_t uid;
        gid_t gid;
};

/* An unchecked fixture: one directory for the whole tcase under /tmp, holding each test's directory,
 * removed after the tcase even when a test failed (check leaves a failed test without cleanup). */
void harness_root_setup(void);
void harness_root_teardown(void);

/* Creates the test's directory with units/ and run/ in it. */
int harness_init(struct harness *h);
/* Stops sockactd if it runs (SIGTERM, then SIGKILL), removes the directory, frees everything. */
void harness_done(struct harness *h);

/* "DIR/name", allocated. */
int harness_path(const struct harness *h, const char *name, char **ret);
int harness_write_unit(struct harness *h, const char *name, const char *content);
/* Writes the units (if any), then starts sockactd --unit-dir DIR/units --runtime-dir DIR/run
 * --log-target stderr --log-level debug, and h->extra_args (at most HARNESS_EXTRA_ARGS_MAX). */
#define HARNESS_EXTRA_ARGS_MAX 8
int harness_start(struct harness *h, const struct harness_unit *units, size_t n_units);

/* Starts sockactd with exactly args after its path (NULL-terminated), and its environment changed by
 * extra_env ("NAME=value" replaces or adds NAME, "NAME" removes it; may be NULL): for the command
 * lines of ad-hoc mode, which take no unit directory. The runtime directory is the caller's to give. */
int harness_start_argv(struct harness *h, char *const *args, char *const *extra_env);

/* Reads the log for up to timeout_ms (0: what is there now); also notices when sockactd exited. */
int harness_pump(struct harness *h, int timeout_ms);
/* Waits until needle appears in the log at or after *offset (absolute; NULL: from the start); sets
 * *offset past the match. -ETIMEDOUT, or -ESRCH when sockactd exited without writing it. */
int harness_wait_log(struct harness *h, const char *needle, size_t *offset, int timeout_ms);
/* Waits for the line "…: N sockets listening, ready"; checks that no second one follows it. */
int harness_wait_ready(struct harness *h, int timeout_ms, unsigned *ret_sockets);
/* The last bytes of the log, for failure messages. */
const char *harness_log_tail(const struct harness *h);

/* SIGTERM, then waits; after timeout_ms SIGKILLs sockactd's children and sockactd (-ETIMEDOUT).
 * *ret_status: the exit status, or 128 + signal. */
int harness_stop(struct harness *h, int timeout_ms, int *ret_status);

/* Running (not zombie) processes whose parent is sockactd and whose name (comm) is comm. */
int harness_count_children(const struct harness *h, const char *comm, size_t *ret_n);
/* Waits until exactly n such processes run. */
int harness_wait_children(struct harness *h, const char *comm, size_t n, int timeout_ms);
/* The pid of the parent of pid, from /proc; -ESRCH (or -ENOENT) once it is exiting or gone. */
int harness_parent_of(pid_t pid, pid_t *ret_ppid);

/* The absolute path of a test program in $TEST_PROGRAMS (default build/tests/programs). */
int harness_program(const char *name, char **ret_path);
/* Copies a test program into DIR, mode 0755, for services that run as another user. */
int harness_install_program(const struct harness *h, const char *name, char **ret_path);
/* Copies the file at source into DIR as name, mode 0755. */
int harness_install_file(const struct harness *h, const char *source, const char *name, char **ret_path);
/* A whole file, at most max bytes, NUL-terminated. */
int harness_read_file(const char *path, size_t max, char **ret);

/* A port free on loopback now: AF_INET binds 127.0.0.1:0; AF_INET6 binds [::]:0 dual-stack, so the
 * port is free on 127.0.0.1 and ::1 alike. type: SOCK_STREAM or SOCK_DGRAM. */
int harness_free_port(int family, int type, uint16_t *ret_port);
bool harness_ipv6_loopback(void);
/* Holds a port the way another program would: bound and listening. Returns the fd. */
int harness_hold_port(int family, uint16_t port, int *ret_fd);

/* Connects to "127.0.0.1:80", "[::1]:80", "/path" or "@abstract" with a socket of type (SOCK_STREAM,
 * SOCK_DGRAM, SOCK_SEQPACKET), non-blocking and close-on-exec. A datagram socket is bound (a Unix one
 * automatically, so that it can be answered) and sends a one-byte request. */
int harness_connect(struct harness *h, const char *address, int type, int timeout_ms, int *ret_fd);
/* Reads a report: a stream until EOF or a last line "end", a datagram or seqpacket as one message. */
int harness_read_report(struct harness *h, int fd, int timeout_ms, char **ret_report);
/* harness_connect() + harness_read_report() + close. */
int harness_request(struct harness *h, const char *address, int type, int timeout_ms, char **ret_report);
