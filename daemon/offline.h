/* sockactd's offline modes: --check (load and verify units, a line per unit) and --dump (the
 * effective configuration of one unit). They print for the administrator and touch nothing. */
#pragma once

#include <stdbool.h>

/* Loads every unit of the paths (unit files or directories). Prints each error with its
 * file:line to stderr and a line per unit to stdout. Returns the exit status: 0 only if every
 * unit loaded. */
int check_run(char *const *paths);

/* Prints the effective configuration of the unit in path. A template is shown as its instance
 * "instance"; an instance without a file of its own is read from its template's file.
 * Returns the exit status. */
int dump_run(const char *path);
