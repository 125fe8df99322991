/* The daemon mode of sockactd: load the units, then serve until SIGTERM or SIGINT. */
#pragma once

#include "load.h"
#include "log.h"

struct daemon_options {
        char **unit_dirs;        /* NULL: the defaults for the user sockactd runs as */
        const char *runtime_dir; /* NULL: /run/sockact, or $XDG_RUNTIME_DIR/sockact */
        gid_t control_group;     /* may use the control socket's read-only verbs; (gid_t) -1: none */
        enum log_target log_target;
        int log_level;
        struct unit_set *units; /* NULL: load unit_dirs; else these units, moved out (ad-hoc mode) */
        char *const *argv;      /* sockactd's command line, for sockactl reexec */
        int deserialize_fd;     /* --deserialize: the state a former image left (reexec.h); -1: none */
};

/* Returns the exit status. */
int daemon_run(const struct daemon_options *o);
