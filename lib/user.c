/* User and group lookups; see user.h. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include "user.h"
#include "util.h"
#include "value.h"

/* A decimal id that is not the invalid (uid_t) -1, or -EINVAL. */
static int parse_id(const char *s, unsigned *ret)
{
        unsigned id;

        if (value_parse_unsigned(s, &id) < 0 || id == (unsigned) (uid_t) -1)
                return -EINVAL;
        *ret = id;
        return 0;
}

static int user_fill(const struct passwd *pw, uid_t uid, struct user_record *ret)
{
        struct user_record u = { .uid = uid, .gid = (gid_t) -1 };

        if (pw) {
                u.uid = pw->pw_uid;
                u.gid = pw->pw_gid;
                u.name = strdup(pw->pw_name);
                u.home = strdup(pw->pw_dir);
                u.shell = strdup(pw->pw_shell);
                if (!u.name || !u.home || !u.shell) {
                        user_record_clear(&u);
                        return -ENOMEM;
                }
        }
        *ret = u;
        return 0;
}

/* getpwnam_r() (name) or getpwuid_r() (name NULL), growing the buffer on ERANGE. */
static int user_query(const char *name, uid_t uid, struct user_record *ret)
{
        for (size_t size = 1024;; size *= 2) {
                _cleanup_free_ char *buffer = malloc(size);
                struct passwd pw, *found = NULL;
                int r;

                if (!buffer)
                        return -ENOMEM;
                r = name ? getpwnam_r(name, &pw, buffer, size, &found)
                         : getpwuid_r(uid, &pw, buffer, size, &found);
                if (r == ERANGE && size < USER_BUFFER_MAX)
                        continue;
                if (r != 0 && r != ENOENT && r != ESRCH)
                        return -r;
                if (!found && name)
                        return -ESRCH;
                return user_fill(found, uid, ret);
        }
}

int user_lookup(const char *name_or_id, struct user_record *ret)
{
        unsigned id;

        if (parse_id(name_or_id, &id) == 0)
                return user_query(NULL, (uid_t) id, ret);
        return user_query(name_or_id, 0, ret);
}

int user_lookup_uid(uid_t uid, struct user_record *ret)
{
        return user_query(NULL, uid, ret);
}

void user_record_clear(struct user_record *u)
{
        free(u->name);
        free(u->home);
        free(u->shell);
        u->name = u->home = u->shell = NULL;
}

/* getgrnam_r() (name) or getgrgid_r() (name NULL), growing the buffer on ERANGE. */
static int group_query(const char *name, gid_t gid, gid_t *ret_gid, char **ret_name)
{
        for (size_t size = 1024;; size *= 2) {
                _cleanup_free_ char *buffer = malloc(size);
                struct group gr, *found = NULL;
                int r;

                if (!buffer)
                        return -ENOMEM;
                r = name ? getgrnam_r(name, &gr, buffer, size, &found)
                         : getgrgid_r(gid, &gr, buffer, size, &found);
                if (r == ERANGE && size < USER_BUFFER_MAX)
                        continue;
                if (r != 0 && r != ENOENT && r != ESRCH)
                        return -r;
                if (!found)
                        return name ? -ESRCH : (*ret_name = NULL, 0);
                if (ret_gid)
                        *ret_gid = found->gr_gid;
                if (ret_name && !(*ret_name = strdup(found->gr_name)))
                        return -ENOMEM;
                return 0;
        }
}

int group_lookup(const char *name_or_id, gid_t *ret)
{
        unsigned id;

        if (parse_id(name_or_id, &id) == 0) {
                *ret = (gid_t) id;
                return 0;
        }
        return group_query(name_or_id, 0, ret, NULL);
}

int group_name(gid_t gid, char **ret)
{
        return group_query(NULL, gid, NULL, ret);
}
