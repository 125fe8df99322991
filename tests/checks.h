/* Assertions over the integration harness (tests/harness.h) for the integration suites: each one
 * fails the test, with the tail of sockactd's log, when what it expects does not happen within
 * HARNESS_TIMEOUT_MS. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"
#include "util.h"

#define T HARNESS_TIMEOUT_MS

/* vasprintf() that cannot fail. */
char *format(const char *fmt, ...) _printf_(1, 2);
/* text with every from replaced by to (freed: text). */
char *replace_all(char *text, const char *from, const char *to);
/* "DIR/name" in the test's directory. */
char *path_in(const struct harness *h, const char *name);
/* The absolute path of a built test program. */
char *program(const char *name);
/* A port free on loopback (harness_free_port()). */
uint16_t free_port(int family, int type);
/* harness_init(). */
void init(struct harness *h);
/* Starts sockactd and waits for its one "ready" line, which must count expected_sockets. */
void start(struct harness *h, const struct harness_unit *units, size_t n_units, unsigned expected_sockets);
/* SIGTERM: sockactd stops every unit and exits 0; then harness_done(). */
void stop(struct harness *h);

struct run_result;
/* sockactl --runtime-dir DIR ARGS... (args NULL-terminated, at most 16), run to its end; as uid and
 * gid through setpriv (no supplementary groups) when uid is not 0. */
struct run_result sockactl_run(const struct harness *h, uid_t uid, gid_t gid, const char *const *args);

/* Whether text has exactly this line. */
bool has_line(const char *text, const char *line);
/* The first line that starts with prefix, as a copy (NULL if none). */
char *line_starting(const char *text, const char *prefix);
size_t count_lines(const char *text, const char *prefix);
void assert_line(const char *text, const char *line);
void assert_linef(const char *text, const char *fmt, ...) _printf_(2, 3);
/* The number after "key" at the start of a line ("pid=", "pid "). */
long number_after(const char *text, const char *key);

/* Waits for needle in sockactd's log at or after *offset (NULL: anywhere), and moves *offset past it. */
void wait_log(struct harness *h, size_t *offset, const char *needle);

/* A report from the service on address (harness_request()), which must end with "end". */
char *request(struct harness *h, const char *address, int type);
/* What systemd passes, seen both through sd_listen_fds_with_names() and in the raw environment; and
 * the service is sockactd's own child (unless it already exited: --exit-after, --crash-after). */
void assert_activation(const struct harness *h, const char *report, unsigned n_fds, const char *names);
/* Whether pid exists and has not exited (a zombie has). */
bool process_running(pid_t pid);
/* A service that ends after one request (it exits or crashes) is started again, as a new
 * process, by the next connection to address; each run gets one socket named names. */
void assert_started_again(struct harness *h, const char *address, const char *names);
/* Waits until pid has exited. */
bool wait_gone(pid_t pid, int timeout_ms);
/* One socket unit NAME.socket with the [Socket] body given, and NAME.service running listen-service
 * with arguments. */
void one_service(struct harness *h, const char *name, const char *socket_body, const char *arguments);

/* How many times needle occurs in text. */
size_t occurrences(const char *text, const char *needle);
/* The open fds of pid. */
size_t count_fds(pid_t pid);
/* The inode of the socket behind /proc/PID/fd/FD, from its link "socket:[INODE]"; 0 if none. */
unsigned long socket_inode(pid_t pid, const char *fd);
/* Whether sockactd has the socket of this inode among its fds. */
bool daemon_holds(const struct harness *h, unsigned long inode);
/* User and system CPU time of pid, in clock ticks. */
long long cpu_ticks(pid_t pid);
/* sockactd's CPU time over timeout_ms of pumping its log: at most max_ticks (it waits, it does not spin). */
void assert_idle(struct harness *h, int timeout_ms, long long max_ticks);
