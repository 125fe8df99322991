/* Specifiers ("%n", "%i", "%t", …) of systemd.unit(5), expanded from an explicit context so that
 * the same unit text gives the same result wherever it is read, and tests choose every value.
 * sockactd's own directories stand in for systemd's: %t is the runtime root (/run for root,
 * $XDG_RUNTIME_DIR otherwise), %S the state root, %C the cache root, %L the log root, %E the
 * configuration root. An unknown specifier is an error, never passed through as text.
 * Pure: specifier_context_from_system() is the one function that asks the system. */
#pragma once

#include <sys/types.h>

struct specifier_context {
        const char *unit_name;    /* %n; %N %p %P %i %I %j %J %f derive from it */
        const char *runtime_root; /* %t */
        const char *state_root;   /* %S */
        const char *cache_root;   /* %C */
        const char *log_root;     /* %L */
        const char *config_root;  /* %E */
        const char *user_name;    /* %u: the user sockactd runs as */
        uid_t uid;                /* %U */
        const char *group_name;   /* %g */
        gid_t gid;                /* %G */
        const char *home;         /* %h */
        const char *host_name;    /* %H; %l is its first label */
        const char *machine_id;   /* %m: 32 hex digits */
        const char *boot_id;      /* %b: 32 hex digits */
        const char *kernel_release; /* %v */
};

/* Replaces each specifier of s. Returns 0, or -EBADMSG with *ret_reason set for an unknown
 * specifier or a lone "%" at the end ("unknown specifier", "specifier %m is not available").
 * A specifier whose context value is NULL is refused the same way. */
int specifier_expand(const char *s, const struct specifier_context *ctx, char **ret, const char **ret_reason);

/* Fills the system half of a context (user, group, home, host, machine and boot id, kernel
 * release, and the roots for the given uid: /run, /var/lib, /var/cache, /var/log, /etc for root;
 * the XDG directories otherwise). Strings point into storage, which the caller keeps alive. */
struct specifier_storage {
        char buf[4096];
};
int specifier_context_from_system(struct specifier_context *ctx, struct specifier_storage *storage);
