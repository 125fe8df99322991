/* The directive table: one row per directive sockact knows, and the only place that says what
 * a directive is. Parsing (load.c), defaults, the effective configuration (dump.c) and the
 * directive lists of the man pages (tools/gen-man.c) are all driven by it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "specifier.h"
#include "unit.h"

enum directive_flags {
        DIRECTIVE_SPECIFIERS = 1 << 0, /* specifiers are expanded in the value, as systemd does */
        DIRECTIVE_NO_EFFECT = 1 << 1,  /* accepted for compatibility; does nothing in sockact */
        DIRECTIVE_ALIAS = 1 << 2,      /* another name of the row before it: parsed, not dumped */
        DIRECTIVE_NO_DUMP = 1 << 3,    /* sets other rows (TimeoutSec=); the dump shows those */
};

/* What a parser gets: where the value came from, for its messages, and the unit it fills. */
struct directive_call {
        const struct directive *directive;
        struct unit *unit;
        const struct specifier_context *specifiers; /* NULL: no expansion (defaults) */
        struct diag *diag;
        const char *path;
        unsigned line;
        bool ipv6_supported;
};

typedef int (*directive_parse_fn)(const struct directive_call *call, const char *value, void *field);
typedef void (*directive_dump_fn)(const struct directive *d, const struct unit *u, FILE *out);

struct directive {
        const char *section;
        const char *name;
        directive_parse_fn parse;
        directive_dump_fn dump;
        size_t offset;            /* of the field within struct unit */
        intptr_t arg;             /* parser-specific: a listen type, an RLIMIT_*, a bound */
        const char *initial;      /* parsed into the field when a unit is created; NULL: unset */
        const char *default_text; /* the default as the man page says it, when not "initial" */
        unsigned flags;
        const char *summary; /* one line for the man page */
        const char *differs; /* where sockact differs from systemd, for the man page */
};

extern const struct directive directive_table[];
extern const size_t directive_table_size;

/* The row of section/name, or NULL. */
const struct directive *directive_find(const char *section, const char *name);

/* Index of a row in directive_table (for struct unit's lines[]). */
size_t directive_index(const struct directive *d);

/* Whether a section belongs to a unit type: [Unit] and [Install] to both. */
bool directive_section_applies(const char *section, enum unit_type type);

/* systemd directives that sockact knows and refuses by name (sandboxing and the like): a unit
 * that asks for one is refused rather than run without it. NULL-terminated. */
extern const char *const directive_refused_systemd[];
bool directive_is_refused_systemd(const char *name);

/* Directives accepted without effect: [Unit] ordering and dependencies, Condition<X>= and
 * Assert<X>= (directive_conditions holds the X), and all of [Install]. NULL-terminated. */
extern const char *const directive_unit_no_effect[];
extern const char *const directive_conditions[];
extern const char *const directive_install_no_effect[];
bool directive_is_no_effect(const char *section, const char *name);

/* The line of u's file that configured section/name, or 0 when it was not configured. */
unsigned directive_line(const struct unit *u, const char *section, const char *name);

/* Records an error for the current assignment: "path:line: Name=: message". Returns -EINVAL. */
int directive_error(const struct directive_call *call, const char *format, ...) _printf_(2, 3);

/* The same, as "Name=: invalid WHAT "VALUE"" followed by the formatted rest of the sentence;
 * a value longer than DIRECTIVE_ECHO_MAX bytes is cut in the message. */
#define DIRECTIVE_ECHO_MAX 200
int directive_invalid(const struct directive_call *call, const char *what, const char *value,
                      const char *format, ...) _printf_(4, 5);

/* Splits the value into words (words_next() with flags) and expands specifiers in each, as
 * systemd does for list directives: quotes first, then specifiers. Reports its own error. */
int directive_words(const struct directive_call *call, const char *value, unsigned flags, char ***ret);

/* Expands specifiers in one word of the current assignment (a copy when the row has no
 * DIRECTIVE_SPECIFIERS or there is no context). Reports its own error. */
int directive_expand(const struct directive_call *call, const char *s, char **ret);
