/* File system paths as unit files give them. Pure string code. */
#pragma once

#include <stdbool.h>

/* Makes path canonical in place as systemd's path_simplify() does ("//" and "/./" collapse, a
 * trailing "/" goes) and checks it: absolute or relative as asked, no ".." component (which
 * would make it ambiguous), shorter than PATH_MAX. Returns 0 or -EINVAL with a reason. */
int path_normalize(char *path, bool absolute, const char **ret_reason);
