/* Reading a unit file into its assignments, with systemd's syntax and nothing else: sections,
 * comments, continuation lines, values of any length kept whole. What a directive means is
 * load.c's business; this file only says which key got which text on which line. */
#pragma once

#include <stddef.h>

#include "diag.h"

#define UNITFILE_LINE_MAX (1024 * 1024)      /* systemd's LONG_LINE_MAX, for a joined logical line */
#define UNITFILE_SIZE_MAX (16 * 1024 * 1024) /* a unit file larger than this is refused */

struct unitfile_assignment {
        const char *section; /* points into unitfile.sections */
        char *key;
        char *value;   /* whitespace-stripped, continuations joined, otherwise untouched */
        unsigned line; /* the line the assignment ends on, as systemd counts */
};

struct unitfile {
        char *path;
        char **sections; /* every section header seen, in order */
        unsigned *section_lines;
        struct unitfile_assignment *assignments;
        size_t n_assignments;
};

/* Reads path. Syntax errors (a broken section header, a line without "=", invalid UTF-8, a line
 * over UNITFILE_LINE_MAX, an assignment outside any section) go to diag with their line, and
 * the rest of the file is still read, so that one run reports every error.
 * Returns 0, or -errno when the file cannot be read at all (also reported to diag). */
int unitfile_read(const char *path, struct unitfile **ret, struct diag *diag);

/* The same on text in memory; path is only used in messages. */
int unitfile_read_buffer(const char *path, const char *data, size_t size, struct unitfile **ret,
                         struct diag *diag);

void unitfile_free(struct unitfile *u);
