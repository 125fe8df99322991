/* Environment variable names and assignments; see env.h. */
#include <errno.h>

#include "env.h"
#include "util.h"

bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z')))
                        return false;
        return true;
}

bool env_assignment_is_valid(const char *s)
{
        const char *eq = strchr(s, '=');
        return eq && env_name_is_valid(s, (size_t) (eq - s));
}

int env_set(char ***env, char *assignment)
{
        size_t name_len = strcspn(assignment, "=");

        for (size_t i = 0; *env && (*env)[i]; i++)
                if (strncmp((*env)[i], assignment, name_len + 1) == 0) {
                        free((*env)[i]);
                        (*env)[i] = assignment;
                        return 0;
                }
        return strv_consume(env, assignment);
}
