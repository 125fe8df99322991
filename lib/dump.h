/* The effective configuration of a unit as unit-file text: every directive sockact applies to
 * it, defaults included, values whole. The text reads back (through load.c) to the same unit. */
#pragma once

#include <stdio.h>

#include "unit.h"

void unit_dump(const struct unit *u, FILE *out);
