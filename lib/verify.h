/* Verification of one unit on its own: the combinations of directives that cannot work, each
 * refused with the line that configured it and a sentence an administrator can act on.
 * What needs other units (a socket's service, Sockets=) is checked by unitset.c. */
#pragma once

#include "diag.h"
#include "unit.h"

/* Returns 0, -EINVAL after adding one message per problem to diag, or -ENOMEM. */
int unit_verify(const struct unit *u, struct diag *diag);
