/* The ad-hoc mode of sockactd: systemd-socket-activate's command line ("-l ADDRESS… COMMAND
 * [ARGUMENTS…]") becomes unit-file text, one service and one socket unit per -l (with -a, a template
 * service per socket unit), which the loader
 * reads and checks exactly as it reads files; the daemon then runs those units in a private
 * runtime directory that is removed at exit. A unit is never put together field by field here:
 * everything goes through the text, so that what runs is what --dump would show. */
#pragma once

#include <sys/types.h>

#include "daemon.h"
#include "load.h"

#define ADHOC_LISTEN_MAX      1024 /* -l addresses on one command line */
#define ADHOC_NAME_PREFIX_MAX 128  /* bytes of the command's name kept in the unit names */
#define ADHOC_FALLBACK_NAME   "adhoc"
/* What sd_listen_fds_with_names() reports for every fd when LISTEN_FDNAMES is unset, as
 * systemd-socket-activate leaves it without --fdname. */
#define ADHOC_FD_NAME_UNKNOWN "unknown"
/* The variables systemd-socket-activate passes on from its own environment (exec_process()). */
#define ADHOC_PASSED_VARIABLES "TERM PATH USER HOME"

struct adhoc_options {
        char **listen;         /* -l: the addresses, in order */
        enum listen_type type; /* LISTEN_STREAM, -d LISTEN_DATAGRAM or --seqpacket LISTEN_SEQPACKET */
        bool type_set;         /* -d or --seqpacket was given */
        bool accept;           /* -a: Accept=yes, an instance of COMMAND per connection */
        bool inetd;            /* --inetd */
        char **environment;    /* -E: NAME=value, in order; "-E NAME" already resolved */
        char **fd_names;       /* --fdname: every name of every --fdname, in order */
        char *const *command;  /* COMMAND [ARGUMENTS…], pointing into argv */
};

/* -E NAME=VALUE, or -E NAME: NAME with its value in env, "" when env has none (systemd-socket-activate
 * takes "-E NAME" as "-E NAME=$NAME"). Returns 0, -EINVAL for an invalid name or assignment, or
 * -ENOMEM. */
int adhoc_add_environment(struct adhoc_options *o, const char *arg, char *const *env);
/* --fdname NAME[:NAME…]: the names, empty ones between colons skipped; a value without any name is
 * one empty name, which adhoc_options_check() refuses. Returns 0 or -ENOMEM. */
int adhoc_add_fd_names(struct adhoc_options *o, const char *arg);
/* Refuses, with a one-line message on stderr, what systemd-socket-activate refuses and what sockactd
 * cannot do yet. Returns 0 or -EINVAL. */
int adhoc_options_check(const struct adhoc_options *o);
void adhoc_options_clear(struct adhoc_options *o);

/* The absolute path execvp() would run for command: command itself when it holds a "/" (made
 * absolute against cwd), else the first executable regular file of that name in path (a ":"-list;
 * glibc's "/bin:/usr/bin" when path is NULL; an empty entry is cwd). Returns 0, -ENOENT, or -EACCES
 * when only files that cannot be executed were found. */
int adhoc_find_executable(const char *command, const char *path, const char *cwd, char **ret);

/* What the service gets from sockactd's own process, as systemd-socket-activate's child would. */
struct adhoc_context {
        const char *executable;        /* absolute: ExecStart='s path (argv[0] stays as written) */
        const char *working_directory; /* absolute: WorkingDirectory= */
        mode_t umask;                  /* UMask= */
};

/* One generated unit file. */
struct adhoc_unit {
        char *name;
        char *text;
        char **origins; /* per line of text (origins[line - 1]): the option it was written for */
};

struct adhoc_units {
        struct adhoc_unit *units; /* sorted by name, as a unit set is */
        size_t n;
};

/* Writes the units: NAME.service (NAME from COMMAND's file name, ADHOC_FALLBACK_NAME if nothing of
 * it can be used) and NAME-N.socket for the Nth -l (N zero-padded, so that name order is -l order
 * and the fds come in that order). A value that cannot be written on one unit-file line (a control
 * character, white space at either end, a trailing backslash) goes to diag as "OPTION: reason".
 * With -a, each socket unit has Accept=yes instead of Service=, and a template service NAME-N@.service
 * of its own. Returns 0, -EINVAL or -ENOMEM. */
int adhoc_build(const struct adhoc_options *o, const struct adhoc_context *c, struct adhoc_units *ret,
                struct diag *diag);
void adhoc_units_clear(struct adhoc_units *u);

/* Loads every unit through unitfile_read_buffer() and unit_load_from() into a set, as unit_set_load()
 * would from files. The loader's "NAME:LINE: reason" messages go to diag as "OPTION: reason", naming
 * the option that wrote the line. Returns 0, -EINVAL when a unit did not load, or -ENOMEM. */
int adhoc_load(const struct adhoc_units *u, const struct load_options *lo, struct unit_set *ret,
               struct diag *diag);

/* The whole mode: finds COMMAND, builds and loads the units, then runs the daemon on them (in a
 * private runtime directory under $XDG_RUNTIME_DIR or /tmp unless d->runtime_dir is set, removed at
 * exit). Logging is set up here, after the command line was found good. Returns the exit status:
 * 2 for a command line that does not make valid units, 1 when COMMAND is not found or the daemon
 * fails, else the daemon's. */
int adhoc_run(const struct adhoc_options *o, struct daemon_options *d);
