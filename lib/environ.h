/* The environment a service's command runs with, built in systemd's order, and the
 * EnvironmentFile= format. Pure: files are read, nothing is logged, nothing is kept. */
#pragma once

#include "unit.h"

#define ENVIRON_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
#define ENVIRON_FILE_SIZE_MAX (4 * 1024 * 1024) /* an EnvironmentFile= larger than this is refused */

/* Reads an EnvironmentFile= file as systemd reads it (one NAME=value a line, "#" and ";"
 * comments, single and double quotes, backslash escapes and continuation lines), appending the
 * assignments in order to *assignments. Returns 0, -ENOENT for a missing file, or -EINVAL with
 * *ret_line and *ret_reason for a line that is not an assignment. */
int environ_file_read(const char *path, char ***assignments, unsigned *ret_line, const char **ret_reason);

struct environ_inputs {
        const struct service_config *service; /* Environment=, PassEnvironment=, UnsetEnvironment= */
        char *const *manager;  /* sockactd's own environment, for PassEnvironment= */
        char *const *daemon;   /* what sockactd sets: LISTEN_*, NOTIFY_SOCKET, MAINPID, HOME, USER, … */
        char *const *files;    /* the assignments read from EnvironmentFile= files, in order */
};

/* The environment, as systemd merges it: PATH=ENVIRON_DEFAULT_PATH, then daemon, then the
 * PassEnvironment= variables found in manager, then Environment=, then files — a later
 * assignment of a name replaces an earlier one — then UnsetEnvironment= removes names and exact
 * NAME=value assignments. Returns 0 or -ENOMEM. */
int environ_build(const struct environ_inputs *in, char ***ret);

/* The value of name in env ("NAME=value" strings, the last one wins), or NULL. */
const char *environ_get(char *const *env, const char *name);
