/* Exec*= command lines in systemd's syntax (systemd.service(5) "Command lines"): words split on
 * whitespace, double and single quotes anywhere in a word, C escapes inside and outside quotes, the
 * prefixes "-", "@", ":", "+", "!", "!!", several commands separated by a lone ";" and "\;" for a literal
 * ";" argument. Specifiers are expanded per word, after unquoting, through a callback (so this file knows
 * nothing of units); $VAR and ${VAR} are expanded later, at spawn, by execline_expand_env().
 * Stricter than systemd 252, which warns and goes on: an unknown escape or a trailing backslash, a
 * repeated prefix ("--", "!-!") and a value with no command are errors. Pure: no logging, no state. */
#pragma once

#include <stdio.h>

enum exec_flags {
        EXEC_IGNORE_FAILURE = 1 << 0, /* "-": a failure (or a missing binary) does not fail the unit */
        EXEC_SEPARATE_ARGV0 = 1 << 1, /* "@": the second word is argv[0] */
        EXEC_NO_ENV_EXPAND = 1 << 2,  /* ":": no $VAR expansion */
        EXEC_PRIVILEGED = 1 << 3,     /* "+": run with full privileges (no User=, Group=, …) */
        EXEC_NO_SETUID = 1 << 4,      /* "!": like "+" for credentials only */
        EXEC_AMBIENT_MAGIC = 1 << 5,  /* "!!": as "!" on kernels without ambient capabilities */
};

struct exec_command {
        char *path;  /* what to execute: absolute, or a plain name looked up in PATH at spawn */
        char **argv; /* argv[0] is path unless "@" gave another */
        unsigned flags;
};

/* Expands specifiers in one word; returns 0 or -errno and a static reason on failure. */
typedef int (*execline_expand_fn)(const char *word, void *userdata, char **ret, const char **ret_reason);

/* Parses one Exec*= value into one or more commands, appended to the array *commands of *n_commands.
 * expand may be NULL (no specifiers); it sees the path without its prefixes and every argument word
 * except "\;". The path must be absolute or a plain file name; it is then simplified ("//" and "/./"
 * dropped) while argv[0] keeps it as written. An empty value is the caller's (it resets the list); one
 * with no command at all (blanks, ";") is refused. On failure nothing is appended, and the result is
 * -EINVAL (or -ENOMEM, or the callback's error) with a short static *ret_reason: "unbalanced quotes",
 * "invalid escape sequence", "escape sequence for a NUL byte", "trailing backslash", "duplicate prefix",
 * "+ cannot be combined with ! or !!", "empty executable path", "executable path contains special
 * characters", "executable path ends in /", "executable path must be absolute or a plain file name",
 * "executable path is too long", "@ requires an argv[0] after the executable path", "empty command
 * line", or the callback's own reason. */
int execline_parse(const char *value, execline_expand_fn expand, void *userdata,
                   struct exec_command **commands, size_t *n_commands, const char **ret_reason);

/* The argv a command runs with, as replace_env_argv() builds it from env ("NAME=value" strings, the
 * last assignment of a name wins): a word that is "$" followed by anything but "{" or "$" is replaced by
 * the value of the variable named by the rest of the word, split on whitespace with quotes removed (no
 * C escapes), and dropped when unset; "${NAME}" anywhere in a word becomes the whole value ("" when
 * unset); "$$" becomes "$"; "$NAME" inside a longer word, "${NAME:-…}" and an unterminated "${" stay as
 * written. With EXEC_NO_ENV_EXPAND a copy of argv. The path is never expanded. */
int execline_expand_env(const struct exec_command *c, char *const *env, char ***ret_argv);

/* Writes the command back in the syntax execline_parse() reads to the same command: prefixes, then
 * words in double quotes when empty or holding a space, with escapes for quotes, backslashes and control
 * characters, "\;" for a ";" argument and "%" written as "%%" (the reader expands specifiers). "@" is
 * added when argv[0] is not the path as written. A plain file name that itself starts with a prefix
 * character (possible only through a specifier) cannot be written back. */
void execline_format(const struct exec_command *c, FILE *out);

void exec_command_free_array(struct exec_command *commands, size_t n);
