/* systemd's "%x" specifiers: one const table says what each letter expands to, from an explicit
 * struct specifier_context, so expansion is pure string code that never consults the system and
 * refuses (never copies) what it does not know. specifier_context_from_system() is the one function
 * here that reads the environment, NSS and files, and it only fills a context; nothing here logs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/utsname.h>

#include "specifier.h"
#include "user.h"
#include "unitname.h"
#include "util.h"

/* systemd caps an expanded setting at LONG_LINE_MAX; so does sockact. */
#define SPECIFIER_EXPANDED_MAX (1024U * 1024U)

/* systemd 252 specifiers that sockact does not provide. */
#define SPECIFIERS_UNSUPPORTED "aABcdDMoqrRsTVwWyY"

static int specifier_append(struct strbuf *out, const char *s, size_t n)
{
        if (n > SPECIFIER_EXPANDED_MAX - out->len)
                return -E2BIG;
        return strbuf_put(out, s, n);
}

/* The part of the unit name a specifier shows, and how it undoes the escaping. */
enum name_part {
        NAME_FULL,
        NAME_WITHOUT_TYPE,
        NAME_PREFIX,
        NAME_INSTANCE,
        NAME_LAST_COMPONENT, /* of the prefix, after its last "-" */
        NAME_INSTANCE_OR_PREFIX,
};

enum name_unescape {
        NAME_AS_IS,
        NAME_UNESCAPED,
        NAME_AS_PATH,
};

struct specifier {
        char letter;
        int (*expand)(const struct specifier *spec, const struct specifier_context *ctx, struct strbuf *out,
                      const char **ret_reason);
        size_t field; /* offsetof() the context string shown by specifier_field() */
        enum name_part part;
        enum name_unescape unescape;
        const char *missing; /* the reason when the context lacks the value */
};

static int specifier_field(const struct specifier *spec, const struct specifier_context *ctx,
                           struct strbuf *out, const char **ret_reason)
{
        const char *value = *(const char *const *) ((const char *) ctx + spec->field);

        if (!value) {
                *ret_reason = spec->missing;
                return -EBADMSG;
        }
        return specifier_append(out, value, strlen(value));
}

static int specifier_short_host_name(const struct specifier *spec, const struct specifier_context *ctx,
                                     struct strbuf *out, const char **ret_reason)
{
        if (!ctx->host_name) {
                *ret_reason = spec->missing;
                return -EBADMSG;
        }
        return specifier_append(out, ctx->host_name, strcspn(ctx->host_name, "."));
}

static int specifier_number(struct strbuf *out, unsigned long n)
{
        char text[24];

        return specifier_append(out, text, (size_t) snprintf(text, sizeof(text), "%lu", n));
}

static int specifier_uid(const struct specifier *spec, const struct specifier_context *ctx,
                         struct strbuf *out, const char **ret_reason)
{
        (void) spec;
        (void) ret_reason;
        return specifier_number(out, ctx->uid);
}

static int specifier_gid(const struct specifier *spec, const struct specifier_context *ctx,
                         struct strbuf *out, const char **ret_reason)
{
        (void) spec;
        (void) ret_reason;
        return specifier_number(out, ctx->gid);
}

static int specifier_name(const struct specifier *spec, const struct specifier_context *ctx,
                          struct strbuf *out, const char **ret_reason)
{
        _cleanup_free_ char *escaped = NULL, *unescaped = NULL;
        const char *name = ctx->unit_name, *at, *dot, *end, *text = NULL;
        int r;

        if (!name) {
                *ret_reason = spec->missing;
                return -EBADMSG;
        }
        if (!unit_name_is_valid(name)) {
                *ret_reason = "unit name is not valid";
                return -EBADMSG;
        }
        at = strchr(name, '@');
        dot = strrchr(name, '.');
        end = at ? at : dot; /* of the prefix */

        switch (spec->part) {
        case NAME_FULL:
                text = name;
                end = name + strlen(name);
                break;
        case NAME_WITHOUT_TYPE:
                text = name;
                end = dot;
                break;
        case NAME_PREFIX:
                text = name;
                break;
        case NAME_INSTANCE:
                text = at ? at + 1 : dot;
                end = dot;
                break;
        case NAME_LAST_COMPONENT:
                text = memrchr(name, '-', (size_t) (end - name));
                text = text ? text + 1 : name;
                break;
        case NAME_INSTANCE_OR_PREFIX:
                text = at ? at + 1 : name;
                end = at ? dot : end;
                break;
        }
        escaped = strndup(text, (size_t) (end - text));
        if (!escaped)
                return -ENOMEM;

        if (spec->unescape == NAME_AS_IS)
                return specifier_append(out, escaped, strlen(escaped));
        if (spec->unescape == NAME_AS_PATH)
                r = unit_name_path_unescape(escaped, &unescaped);
        else
                r = unit_name_unescape(escaped, &unescaped);
        if (r == -EINVAL) {
                *ret_reason = spec->unescape == NAME_AS_PATH ? "unit name does not unescape to a valid path"
                                                             : "unit name has an invalid escape sequence";
                return -EBADMSG;
        }
        if (r < 0)
                return r;
        return specifier_append(out, unescaped, strlen(unescaped));
}

/* clang-format off */
#define FIELD(letter, member, what)                                                                         \
        { letter, specifier_field, offsetof(struct specifier_context, member), 0, 0,                        \
          what " is not available" }
#define NAME(letter, part, unescape)                                                                        \
        { letter, specifier_name, 0, part, unescape, "unit name is not available" }
/* clang-format on */

static const struct specifier specifier_table[] = {
        NAME('n', NAME_FULL, NAME_AS_IS),
        NAME('N', NAME_WITHOUT_TYPE, NAME_AS_IS),
        NAME('p', NAME_PREFIX, NAME_AS_IS),
        NAME('P', NAME_PREFIX, NAME_UNESCAPED),
        NAME('i', NAME_INSTANCE, NAME_AS_IS),
        NAME('I', NAME_INSTANCE, NAME_UNESCAPED),
        NAME('j', NAME_LAST_COMPONENT, NAME_AS_IS),
        NAME('J', NAME_LAST_COMPONENT, NAME_UNESCAPED),
        NAME('f', NAME_INSTANCE_OR_PREFIX, NAME_AS_PATH),
        FIELD('t', runtime_root, "%t: runtime directory root"),
        FIELD('S', state_root, "%S: state directory root"),
        FIELD('C', cache_root, "%C: cache directory root"),
        FIELD('L', log_root, "%L: log directory root"),
        FIELD('E', config_root, "%E: configuration directory root"),
        FIELD('h', home, "%h: home directory"),
        FIELD('u', user_name, "%u: user name"),
        { 'U', specifier_uid, 0, 0, 0, NULL },
        FIELD('g', group_name, "%g: group name"),
        { 'G', specifier_gid, 0, 0, 0, NULL },
        FIELD('H', host_name, "%H: host name"),
        { 'l', specifier_short_host_name, 0, 0, 0, "%l: host name is not available" },
        FIELD('m', machine_id, "%m: machine ID"),
        FIELD('b', boot_id, "%b: boot ID"),
        FIELD('v', kernel_release, "%v: kernel release"),
};

static int specifier_expand_one(char letter, const struct specifier_context *ctx, struct strbuf *out,
                                const char **ret_reason)
{
        if (letter == '\0') {
                *ret_reason = "lone % at end of value";
                return -EBADMSG;
        }
        if (letter == '%')
                return specifier_append(out, "%", 1);
        for (size_t i = 0; i < ELEMENTSOF(specifier_table); i++)
                if (specifier_table[i].letter == letter)
                        return specifier_table[i].expand(&specifier_table[i], ctx, out, ret_reason);
        *ret_reason = strchr(SPECIFIERS_UNSUPPORTED, letter) ? "specifier is not supported by sockact"
                                                             : "unknown specifier";
        return -EBADMSG;
}

int specifier_expand(const char *s, const struct specifier_context *ctx, char **ret, const char **ret_reason)
{
        struct strbuf out = { 0 };
        const char *reason = NULL;
        int r;

        r = specifier_append(&out, "", 0);
        while (r >= 0 && *s) {
                size_t n = strcspn(s, "%");

                r = specifier_append(&out, s, n);
                if (r < 0 || !s[n])
                        break;
                r = specifier_expand_one(s[n + 1], ctx, &out, &reason);
                s += n + 2;
        }
        if (r == -E2BIG) {
                reason = "expanded value is too long";
                r = -EBADMSG;
        }
        if (r < 0) {
                free(out.data);
                if (r == -EBADMSG && ret_reason)
                        *ret_reason = reason;
                return r;
        }
        *ret = out.data;
        return 0;
}

/* Copies into storage->buf one after the other; the first string that does not fit sets error. */
struct storage_cursor {
        struct specifier_storage *storage;
        size_t used;
        int error;
};

_printf_(2, 3) static const char *specifier_storage_printf(struct storage_cursor *c, const char *format, ...)
{
        size_t left = sizeof(c->storage->buf) - c->used;
        char *s = c->storage->buf + c->used;
        va_list ap;
        int n;

        va_start(ap, format);
        n = vsnprintf(s, left, format, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= left) {
                c->error = -ENOBUFS;
                return NULL;
        }
        c->used += (size_t) n + 1;
        return s;
}

/* An absolute directory without its trailing slashes, + suffix; NULL when value is unset or relative. */
static const char *specifier_storage_directory(struct storage_cursor *c, const char *value,
                                               const char *suffix)
{
        size_t n;

        if (!value || value[0] != '/')
                return NULL;
        for (n = strlen(value); n > 1 && value[n - 1] == '/'; n--)
                ;
        return specifier_storage_printf(c, "%.*s%s", (int) n, value,
                                        n == 1 && *suffix ? suffix + 1 : suffix);
}

/* %u and %h as systemd's uid_to_name() and get_home_dir() give them, root without asking NSS. */
static int specifier_user(struct storage_cursor *c, struct specifier_context *ctx)
{
        struct user_record u = { 0 };
        int r = ctx->uid == 0 ? 0 : user_lookup_uid(ctx->uid, &u);

        if (r < 0)
                return r;
        if (ctx->uid == 0)
                ctx->user_name = "root";
        else if (u.name)
                ctx->user_name = specifier_storage_printf(c, "%s", u.name);
        else
                ctx->user_name = specifier_storage_printf(c, "%lu", (unsigned long) ctx->uid);

        ctx->home = specifier_storage_directory(c, secure_getenv("HOME"), "");
        if (!ctx->home && ctx->uid == 0)
                ctx->home = "/root";
        else if (!ctx->home && u.home)
                ctx->home = specifier_storage_directory(c, u.home, "");
        user_record_clear(&u);
        return 0;
}

static int specifier_group(struct storage_cursor *c, struct specifier_context *ctx)
{
        _cleanup_free_ char *name = NULL;
        int r = ctx->gid == 0 ? 0 : group_name(ctx->gid, &name);

        if (r < 0)
                return r;
        if (ctx->gid == 0)
                ctx->group_name = "root";
        else if (name)
                ctx->group_name = specifier_storage_printf(c, "%s", name);
        else
                ctx->group_name = specifier_storage_printf(c, "%lu", (unsigned long) ctx->gid);
        return 0;
}

/* Reads a 128-bit ID as 32 lower-case hex digits, dropping the dashes of the UUID form the kernel
 * uses for boot_id. A missing file, anything else in it, or the all-zero ID gives NULL. */
static const char *specifier_id128(struct storage_cursor *c, const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        char text[64], id[33];
        size_t digits = 0;
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, text, sizeof(text));
        for (ssize_t i = 0; i < n; i++) {
                char d = text[i];

                if (d >= 'A' && d <= 'F')
                        d = (char) (d - 'A' + 'a');
                if (d == '-' || (d == '\n' && i == n - 1))
                        continue;
                if (digits == 32 || !((d >= '0' && d <= '9') || (d >= 'a' && d <= 'f')))
                        return NULL;
                id[digits++] = d;
        }
        id[digits] = '\0';
        if (digits != 32 || strspn(id, "0") == 32)
                return NULL;
        return specifier_storage_printf(c, "%s", id);
}

/* Moves the strings built in scratch into storage, once all of them fit, so that a failure leaves
 * both the context and the storage it points into as they were. */
static void specifier_storage_move(struct specifier_context *s, const struct specifier_storage *scratch,
                                   struct specifier_storage *storage)
{
        const char **fields[] = {
                &s->runtime_root, &s->state_root, &s->cache_root, &s->log_root,
                &s->config_root,  &s->user_name,  &s->group_name, &s->home,
                &s->host_name,    &s->machine_id, &s->boot_id,    &s->kernel_release,
        };

        *storage = *scratch;
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                uintptr_t offset = (uintptr_t) *fields[i] - (uintptr_t) scratch->buf;

                if (*fields[i] && offset < sizeof(scratch->buf))
                        *fields[i] = storage->buf + offset;
        }
}

int specifier_context_from_system(struct specifier_context *ctx, struct specifier_storage *storage)
{
        struct specifier_context s = { .unit_name = ctx->unit_name, .uid = geteuid(), .gid = getegid() };
        struct specifier_storage scratch;
        struct storage_cursor c = { .storage = &scratch };
        char host[HOST_NAME_MAX + 1] = "";
        struct utsname uts;
        int r;

        r = specifier_user(&c, &s);
        if (r < 0)
                return r;
        r = specifier_group(&c, &s);
        if (r < 0)
                return r;

        /* systemd falls back the same way when the kernel's host name is unset. */
        if (gethostname(host, sizeof(host) - 1) < 0 || isempty(host) || streq(host, "(none)"))
                s.host_name = "localhost";
        else
                s.host_name = specifier_storage_printf(&c, "%s", host);
        s.machine_id = specifier_id128(&c, "/etc/machine-id");
        s.boot_id = specifier_id128(&c, "/proc/sys/kernel/random/boot_id");
        if (uname(&uts) >= 0)
                s.kernel_release = specifier_storage_printf(&c, "%s", uts.release);

        if (s.uid == 0) {
                s.runtime_root = "/run";
                s.state_root = "/var/lib";
                s.cache_root = "/var/cache";
                s.log_root = "/var/log";
                s.config_root = "/etc";
        } else {
                /* systemd 252's user manager keeps state and logs below $XDG_CONFIG_HOME too. */
                s.config_root = specifier_storage_directory(&c, secure_getenv("XDG_CONFIG_HOME"), "");
                if (!s.config_root)
                        s.config_root = specifier_storage_directory(&c, s.home, "/.config");
                s.state_root = s.config_root;
                s.log_root = s.config_root ? specifier_storage_printf(&c, "%s/log", s.config_root) : NULL;
                s.cache_root = specifier_storage_directory(&c, secure_getenv("XDG_CACHE_HOME"), "");
                if (!s.cache_root)
                        s.cache_root = specifier_storage_directory(&c, s.home, "/.cache");
                s.runtime_root = specifier_storage_directory(&c, secure_getenv("XDG_RUNTIME_DIR"), "");
        }
        if (c.error < 0)
                return c.error;
        specifier_storage_move(&s, &scratch, storage);
        *ctx = s;
        return 0;
}
