/* What every test file includes: check, and the declaration of every suite the runner knows
 * (build/tests/suites.h is generated from the tests/test-*.c file names). */
#pragma once

#include <check.h>
#include <errno.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE
