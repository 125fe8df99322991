/* Diagnostics: the "file:line: message" sentences that loading produces for the administrator.
 * lib/ never logs; it collects these and the daemon or sockactl decides where they go. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

struct diag {
        char **messages; /* NULL-terminated, in the order found */
        size_t n;
};

/* Adds "path:line: message" ("path: message" when line is 0). Returns 0 or -ENOMEM. */
int diag_add(struct diag *d, const char *path, unsigned line, const char *format, ...) _printf_(4, 5);
/* The same with a va_list, and prefix (may be NULL) put before the message. */
int diag_addv(struct diag *d, const char *path, unsigned line, const char *prefix, const char *format,
              va_list ap) _printf_(5, 0);
/* Moves every message of from to the end of to. */
int diag_move(struct diag *to, struct diag *from);
void diag_clear(struct diag *d);
