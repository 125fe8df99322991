/* Loading units: a unit file read by unitfile.c becomes a verified struct unit through the
 * directive table; a set of units is loaded from directories, each socket with the service it
 * activates. Nothing is applied while parsing: a unit either loads whole or not at all, and a
 * unit that does not load leaves its "file:line: reason" sentences in diag. */
#pragma once

#include "diag.h"
#include "specifier.h"
#include "unit.h"
#include "unitfile.h"

#define UNIT_TEMPLATE_CHECK_INSTANCE "instance" /* the instance a template is checked with */
#define UNIT_SET_MAX                 65536      /* units in one set */

struct load_options {
        const struct specifier_context *specifiers; /* the system half; unit_name is set per unit */
        bool ipv6_supported;
};

/* Applies a read file under a unit name: the file's own name, or an instance of a template
 * file ("foo@bar.service" from foo@.service). Checks the unit alone (not its references). */
int unit_load_from(const struct unitfile *file, const char *name, const struct load_options *o,
                   struct unit **ret, struct diag *diag);

/* Reads path and applies it; name NULL means the file's own name. */
int unit_load_file(const char *path, const char *name, const struct load_options *o, struct unit **ret,
                   struct diag *diag);

/* One row of a load report: a unit that was considered, and what became of it. */
struct unit_report {
        char *name;
        char *path;
        const struct unit *unit; /* NULL: it did not load (its reasons are in the diag) */
        bool template_file;      /* a foo@.socket file: checked for syntax only, used through instances */
};

struct unit_set {
        struct unit **units; /* the units that loaded, sorted by name */
        size_t n;
        struct unit_report *reports; /* every unit considered, loaded or not, sorted by name */
        size_t n_reports;
};

/* Loads every .socket and .service of dirs (a name found in an earlier directory hides the same
 * name in later ones) and the unit files named in files (their directories are searched, after
 * dirs, for the units they refer to). A socket loads only with the service it activates, a
 * service only with the sockets it names. A template service is loaded and checked as its
 * instance UNIT_TEMPLATE_CHECK_INSTANCE and found under its template name. */
int unit_set_load(char *const *dirs, char *const *files, const struct load_options *o, struct unit_set *ret,
                  struct diag *diag);

/* The loaded unit of that name, or NULL. */
const struct unit *unit_set_find(const struct unit_set *s, const char *name);
void unit_set_clear(struct unit_set *s);
