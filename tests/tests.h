/* What every test file includes: check, and the declaration of every suite the runner knows
 * (build/tests/suites.h is generated from the tests/test-*.c file names). */
#pragma once

#include <check.h>
#include <errno.h>

/* The longest failure message check carries (its default, 4 KiB, ends a test whose message
 * holds a log tail as "Early exit" without the message). */
#define TESTS_MESSAGE_MAX (64 << 10)

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE
