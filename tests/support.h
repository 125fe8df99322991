/* What several suites share: running the project's programs (spawn with arguments, collect
 * stdout and stderr, wait with a deadline; every child is the test's own and waited for by pid),
 * and loading units from text with a fixed specifier context. */
#pragma once

#include <sys/types.h>

#include "load.h"

#define RUN_TIMEOUT_MS 20000

struct run_result {
        int status; /* the exit status, or 128 + signal */
        char *out;  /* everything written to stdout */
        char *err;  /* everything written to stderr */
};

/* Runs argv[0] (a path) and waits for it; fails the test if it outlives RUN_TIMEOUT_MS. */
struct run_result run_program(char *const argv[]);
void run_result_clear(struct run_result *r);

/* The path of a built program: $SOCKACTD / $SOCKACTL, as the Makefile sets them. */
const char *program_path(const char *variable, const char *fallback);

/* A fixed specifier context (user "tester", uid 1000, runtime root /run/user/1000, …) and IPv6. */
extern const struct specifier_context test_context;
extern const struct load_options test_options;

/* Loads one unit from text; returns NULL when it does not load (its messages are in diag). */
struct unit *load_text(const char *name, const char *text, struct diag *diag);

#define FIXTURES "tests/units"

/* Loads the fixture directory tests/units/KIND/NAME as a unit set. */
struct unit_set load_fixture(const char *kind, const char *name, struct diag *diag);
/* The case names under tests/units/KIND. */
char **list_fixtures(const char *kind);
