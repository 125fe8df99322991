/* Path normalization; see path.h. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "path.h"

int path_normalize(char *path, bool absolute, const char **ret_reason)
{
        char *out = path;
        const char *p = path;

        if (absolute != (*path == '/')) {
                *ret_reason = absolute ? "must be an absolute path" : "must be a relative path";
                return -EINVAL;
        }
        if (strlen(path) >= PATH_MAX) {
                *ret_reason = "path too long";
                return -EINVAL;
        }
        while (*p) {
                size_t n;

                if (*p == '/') {
                        p++;
                        continue;
                }
                n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        *ret_reason = "\"..\" is not allowed in the path";
                        return -EINVAL;
                }
                if (!(n == 1 && p[0] == '.')) {
                        if (out != path || absolute)
                                *out++ = '/';
                        memmove(out, p, n);
                        out += n;
                }
                p += n;
        }
        if (out == path && absolute)
                *out++ = '/';
        *out = '\0';
        if (!*path) {
                *ret_reason = "empty path";
                return -EINVAL;
        }
        return 0;
}
