/* Users and groups from the system's database (NSS), by name or numeric id: the one place that
 * asks getpwnam_r() and friends, with a buffer that grows until an entry fits. */
#pragma once

#include <sys/types.h>

#define USER_BUFFER_MAX (1024 * 1024) /* an entry larger than this is treated as missing */

struct user_record {
        uid_t uid;
        gid_t gid;  /* the primary group, or (gid_t) -1 for a numeric id not in the database */
        char *name; /* NULL for a numeric id not in the database; so are home and shell */
        char *home;
        char *shell;
};

/* A user by name or decimal id. Returns 0, -ESRCH for a name the database does not know (a
 * number it does not know is still a user, without name, home or shell), or -errno. */
int user_lookup(const char *name_or_id, struct user_record *ret);
int user_lookup_uid(uid_t uid, struct user_record *ret);
void user_record_clear(struct user_record *u);

/* A group by name or decimal id (a number is taken as it is). Returns 0, -ESRCH or -errno. */
int group_lookup(const char *name_or_id, gid_t *ret);
/* The name of a group, or NULL in *ret when the database does not know it. */
int group_name(gid_t gid, char **ret);
