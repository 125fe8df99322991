/* Path normalization; see path.h. A first pass checks, a second rewrites, so that a refused
 * path is left as it was. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "path.h"

/* Calls back for each component of path ("//" and "." skipped); stops at a nonzero return. */
static int path_components(const char *path, int (*f)(const char *c, size_t n, void *userdata),
                           void *userdata)
{
        for (const char *p = path; *p;) {
                size_t n = strcspn(p, "/");
                int r;

                if (n == 0 || (n == 1 && p[0] == '.')) {
                        p += n + (p[n] == '/');
                        continue;
                }
                r = f(p, n, userdata);
                if (r != 0)
                        return r;
                p += n;
        }
        return 0;
}

static int check_component(const char *c, size_t n, void *userdata)
{
        (*(size_t *) userdata)++;
        return n == 2 && c[0] == '.' && c[1] == '.' ? -EINVAL : 0;
}

struct rewrite {
        char *out;
        char *start;
        bool absolute;
};

static int append_component(const char *c, size_t n, void *userdata)
{
        struct rewrite *w = userdata;

        if (w->out != w->start || w->absolute)
                *w->out++ = '/';
        memmove(w->out, c, n);
        w->out += n;
        return 0;
}

int path_normalize(char *path, bool absolute, const char **ret_reason)
{
        struct rewrite w = { .out = path, .start = path, .absolute = absolute };
        size_t components = 0;

        if (absolute != (*path == '/')) {
                *ret_reason = absolute ? "must be an absolute path" : "must be a relative path";
                return -EINVAL;
        }
        if (strlen(path) >= PATH_MAX) {
                *ret_reason = "path too long";
                return -EINVAL;
        }
        if (path_components(path, check_component, &components) < 0) {
                *ret_reason = "\"..\" is not allowed in the path";
                return -EINVAL;
        }
        if (components == 0 && !absolute) {
                *ret_reason = "empty path";
                return -EINVAL;
        }

        path_components(path, append_component, &w);
        if (w.out == path)
                *w.out++ = '/'; /* the root itself */
        *w.out = '\0';
        return 0;
}
