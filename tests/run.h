/* Running the project's programs from tests: spawn with arguments, collect stdout and stderr,
 * wait with a deadline. Every child is the test's own and is waited for by pid. */
#pragma once

#include <sys/types.h>

#define RUN_TIMEOUT_MS 20000

struct run_result {
        int status;  /* the exit status, or 128 + signal */
        char *out;   /* everything written to stdout */
        char *err;   /* everything written to stderr */
};

/* Runs argv[0] (a path) and waits for it; fails the test if it outlives RUN_TIMEOUT_MS. */
struct run_result run_program(char *const argv[]);
void run_result_clear(struct run_result *r);

/* The path of a built program: $SOCKACTD / $SOCKACTL, as the Makefile sets them. */
const char *program_path(const char *variable, const char *fallback);
