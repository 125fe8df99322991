/* Exec*= command lines in systemd's syntax (systemd.service(5) "Command lines"): words split on
 * whitespace, double and single quotes, C escapes, the prefixes "-", "@", ":", "+", "!", "!!",
 * several commands separated by a lone ";" and "\;" for a literal ";" argument.
 * Specifiers are expanded per word at parse time through a callback (so this file knows nothing
 * of units); $VAR and ${VAR} are expanded later, at spawn, by execline_expand_env().
 * Pure: no logging, no state. */
#pragma once

#include <stdio.h>

enum exec_flags {
        EXEC_IGNORE_FAILURE = 1 << 0, /* "-": a failure (or a missing binary) does not fail the unit */
        EXEC_SEPARATE_ARGV0 = 1 << 1, /* "@": the second word is argv[0] */
        EXEC_NO_ENV_EXPAND  = 1 << 2, /* ":": no $VAR expansion */
        EXEC_PRIVILEGED     = 1 << 3, /* "+": run with full privileges (no User=, Group=, …) */
        EXEC_NO_SETUID      = 1 << 4, /* "!": like "+" for credentials only */
        EXEC_AMBIENT_MAGIC  = 1 << 5, /* "!!": as "!" on kernels without ambient capabilities */
};

struct exec_command {
        char *path;   /* what to execute: absolute, or a plain name looked up in PATH at spawn */
        char **argv;  /* argv[0] is path unless "@" gave another */
        unsigned flags;
};

/* Expands specifiers in one word; returns 0 or -errno and a static reason on failure. */
typedef int (*execline_expand_fn)(const char *word, void *userdata, char **ret, const char **ret_reason);

/* Parses one Exec*= value into one or more commands, appended to *commands/*n_commands.
 * expand may be NULL (no specifiers). On failure nothing is appended and *ret_reason says why
 * ("unbalanced quotes", "executable path is not absolute and not a plain file name", …). */
int execline_parse(const char *value, execline_expand_fn expand, void *userdata,
                   struct exec_command **commands, size_t *n_commands, const char **ret_reason);

/* The argv a command runs with, $VAR (a whole word: split on whitespace, removed when unset) and
 * ${VAR} (anywhere: replaced whole, empty when unset) and "$$" expanded from env ("NAME=value"
 * strings); with EXEC_NO_ENV_EXPAND the argv unchanged. */
int execline_expand_env(const struct exec_command *c, char *const *env, char ***ret_argv);

/* Writes the command back in the syntax execline_parse() reads to the same command
 * (prefixes, quotes and escapes where needed; "%" written as "%%"). */
void execline_format(const struct exec_command *c, FILE *out);

void exec_command_free_array(struct exec_command *commands, size_t n);
