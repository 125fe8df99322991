/* Specifiers ("%n", "%i", "%t", …) of systemd.unit(5), expanded from an explicit context so that
 * the same unit text gives the same result wherever it is read, and tests choose every value.
 * sockactd's own directories stand in for systemd's: %t is the runtime root (/run for root,
 * $XDG_RUNTIME_DIR otherwise), %S the state root, %C the cache root, %L the log root, %E the
 * configuration root. An unknown specifier is an error, never passed through as text.
 * Pure: specifier_context_from_system() is the one function that asks the system. */
#pragma once

#include <sys/types.h>

struct specifier_context {
        const char *unit_name;      /* %n; %N %p %P %i %I %j %J %f derive from it */
        const char *runtime_root;   /* %t */
        const char *state_root;     /* %S */
        const char *cache_root;     /* %C */
        const char *log_root;       /* %L */
        const char *config_root;    /* %E */
        const char *user_name;      /* %u: the user sockactd runs as */
        uid_t uid;                  /* %U */
        const char *group_name;     /* %g */
        gid_t gid;                  /* %G */
        const char *home;           /* %h */
        const char *host_name;      /* %H; %l is its first label */
        const char *machine_id;     /* %m: 32 hex digits */
        const char *boot_id;        /* %b: 32 hex digits */
        const char *kernel_release; /* %v */
};

/* Replaces each specifier of s into a new string *ret. On failure returns -ENOMEM, or -EBADMSG with
 * *ret_reason (may be NULL) set to a short static sentence: "unknown specifier", "specifier is not
 * supported by sockact" (systemd's %a %A %B %c %d %D %M %o %q %r %R %s %T %V %w %W %y %Y), "lone % at
 * end of value", "%m: machine ID is not available" for a NULL context value, or why the unit name
 * does not give the value. Unlike systemd, a "%" before a non-alphanumeric character and a trailing
 * "%" are refused instead of copied. As in systemd, %i %I %j %J may expand to "" (%i and %I for a plain
 * name), %f is %i as a path ("/" + unit_name_path_unescape()), or %p as one for a plain name, and the
 * result is at most 1 MiB (systemd's LONG_LINE_MAX). */
int specifier_expand(const char *s, const struct specifier_context *ctx, char **ret,
                     const char **ret_reason);

/* Fills the system half of a context for geteuid()/getegid(), leaving ctx->unit_name alone:
 * %u %g from NSS ("root" for 0 without asking it; the number when there is no entry), %h from an
 * absolute $HOME, else "/root" for root, else the passwd entry (systemd's get_home_dir()), %H from
 * gethostname() ("localhost" when unset), %m from /etc/machine-id and %b from the kernel's boot_id
 * (NULL when missing or not an ID), %v from uname(). Roots for uid 0: /run, /var/lib, /var/cache,
 * /var/log, /etc. Otherwise what systemd 252's user manager uses: $XDG_RUNTIME_DIR (NULL when unset),
 * $XDG_CONFIG_HOME (else ~/.config) for %S and %E, that + "/log" for %L, $XDG_CACHE_HOME (else
 * ~/.cache) for %C; only absolute values count. Strings point into storage (or are literals), which the
 * caller keeps alive. Returns 0, -ENOBUFS when storage is too small, or -ENOMEM; ctx is written only on
 * success. */
struct specifier_storage {
        char buf[4096];
};
int specifier_context_from_system(struct specifier_context *ctx, struct specifier_storage *storage);
