/* The environment a service's command runs with, built in systemd's order, and the
 * EnvironmentFile= format. Pure: files are read, nothing is logged, nothing is kept. */
#pragma once

#include "unit.h"

#define ENVIRON_DEFAULT_PATH  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
#define ENVIRON_FILE_SIZE_MAX (4 * 1024 * 1024) /* an EnvironmentFile= larger than this is refused */

/* Reads an EnvironmentFile= file as systemd 252's load_env_file() reads it, appending its NAME=value
 * assignments in file order to *assignments (a name set twice is appended twice; the merge keeps
 * the last). The grammar:
 *  - blanks and empty lines between assignments are skipped; a line whose first non-blank is "#" or
 *    ";" is a comment (no inline comments: "A=b # c" sets "b # c");
 *  - NAME, optional blanks, "=", then the value; blanks after "=" are skipped;
 *  - '…' is literal and may span lines; "…" may span lines, and a backslash before " \ ` $ stands
 *    for that character, before a newline joins the lines, before anything else stays with it;
 *  - quoted pieces join, blanks between them dropped ("a" 'b' c → abc); unquoted text (from the
 *    first other character to the line end) keeps quotes literally and inner blanks, loses trailing
 *    blanks, and a backslash in it keeps the next character or, before a line end, joins the lines;
 *  - "\r" ends a line as "\n" does, so CRLF files read as LF ones, except inside quotes (the "\r"
 *    stays in the value) and after a backslash (it takes the "\r", the "\n" then ends the line);
 *  - no $VAR expansion, no C escapes.
 * Where sockact differs on purpose, it refuses with -EINVAL, *ret_line (1-based: where the
 * assignment starts, or the NUL byte or swallowed line is) and *ret_reason, appending nothing:
 *  - a line without "=" (systemd skips it silently) or with an invalid name, "export NAME=value"
 *    and a leading byte order mark included (systemd warns "Ignoring invalid environment
 *    assignment" and goes on);
 *  - an unterminated quote (systemd takes the rest of the file as the value);
 *  - a NUL byte (systemd silently drops the rest of the file);
 *  - a comment ending in a backslash followed by an assignment (systemd 252 makes that line part of
 *    the comment, 254 and later do not).
 * As in systemd, a value that is not UTF-8 is refused ("invalid UTF-8"), while comments may be in any
 * encoding. Returns 0; -ENOENT for a missing file (the caller handles the "-" prefix); -E2BIG for a
 * file larger than ENVIRON_FILE_SIZE_MAX; another -errno from open() or read() (-EISDIR, -EACCES);
 * -ENOMEM; or -EINVAL as above. ret_line and ret_reason may be NULL. */
int environ_file_read(const char *path, char ***assignments, unsigned *ret_line, const char **ret_reason);

struct environ_inputs {
        const struct service_config *service; /* Environment=, PassEnvironment=, UnsetEnvironment= */
        char *const *manager;                 /* sockactd's own environment, for PassEnvironment= */
        char *const *daemon; /* what sockactd sets: LISTEN_*, NOTIFY_SOCKET, MAINPID, HOME, USER, … */
        char *const *files;  /* the assignments read from EnvironmentFile= files, in order */
};

/* The environment, as systemd 252's exec_child() merges it with strv_env_merge():
 * PATH=ENVIRON_DEFAULT_PATH, then daemon, then the PassEnvironment= variables found in manager
 * (a name manager lacks is not set), then Environment=, then files. A later assignment of a name
 * replaces the earlier one in its place (the name keeps the position of its first assignment);
 * names compare exactly. Entries that are not NAME=value are skipped, as strv_env_clean() drops
 * them. Last, UnsetEnvironment= removes every assignment of a NAME and only exact NAME=value
 * matches of the others. in->service must be set; the lists may be NULL. Returns 0 or -ENOMEM. */
int environ_build(const struct environ_inputs *in, char ***ret);

/* The value of name in env ("NAME=value" strings, the last one wins), or NULL; NULL as well for an
 * empty name or one containing "=". For PassEnvironment= this reads the manager's environment; a
 * process environment with a name twice is broken anyway, where getenv() would take the first. */
const char *environ_get(char *const *env, const char *name);
