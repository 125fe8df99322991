/* Unit names as systemd.unit(5) and systemd-escape(1) define them: validity, the prefix, instance
 * and type parts, building one name from another, and systemd's escaping. Pure string code: no
 * state, no I/O; every name it returns is valid, and every function refuses an invalid input name
 * with -EINVAL instead of guessing what was meant. */
#include <errno.h>
#include <limits.h>

#include "unitname.h"
#include "util.h"

static const char *const unit_type_table[_UNIT_TYPE_MAX] = {
        [UNIT_SOCKET] = "socket",
        [UNIT_SERVICE] = "service",
};

const char *unit_type_to_string(enum unit_type t)
{
        return t >= 0 && t < _UNIT_TYPE_MAX ? unit_type_table[t] : NULL;
}

enum unit_type unit_type_from_string(const char *s)
{
        for (int t = 0; s && t < _UNIT_TYPE_MAX; t++)
                if (streq(unit_type_table[t], s))
                        return t;
        return _UNIT_TYPE_INVALID;
}

/* ASCII only: isalnum() would follow the locale. */
static bool unit_name_char_is_plain(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
               c == '_' || c == '.';
}

/* What may appear in a prefix; an instance may also hold "@". */
static bool unit_name_char_is_valid(char c)
{
        return unit_name_char_is_plain(c) || c == '-' || c == '\\';
}

static bool unit_name_instance_is_valid(const char *s, size_t n)
{
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] != '@' && !unit_name_char_is_valid(s[i]))
                        return false;
        return true;
}

/* Splits a name into its parts: *ret_at is its first "@" (NULL for a plain name), *ret_dot the "."
 * before the type. Returns the type, or -EINVAL. */
static int unit_name_split(const char *name, const char **ret_at, const char **ret_dot)
{
        const char *at, *dot;
        size_t n;
        int type;

        if (!name)
                return -EINVAL;
        n = strlen(name);
        dot = strrchr(name, '.');
        if (n == 0 || n >= UNIT_NAME_MAX || !dot || dot == name)
                return -EINVAL;
        type = unit_type_from_string(dot + 1);
        if (type < 0)
                return -EINVAL;
        at = memchr(name, '@', (size_t) (dot - name));
        if (at == name)
                return -EINVAL;
        for (const char *p = name; p < dot; p++)
                if (*p != '@' && !unit_name_char_is_valid(*p))
                        return -EINVAL;
        *ret_at = at;
        *ret_dot = dot;
        return type;
}

enum unit_type unit_name_type(const char *name)
{
        const char *at, *dot;
        int type = unit_name_split(name, &at, &dot);

        return type < 0 ? _UNIT_TYPE_INVALID : (enum unit_type) type;
}

bool unit_name_is_valid(const char *name)
{
        return unit_name_type(name) != _UNIT_TYPE_INVALID;
}

bool unit_name_is_template(const char *name)
{
        const char *at, *dot;

        return unit_name_split(name, &at, &dot) >= 0 && at && at + 1 == dot;
}

bool unit_name_is_instance(const char *name)
{
        const char *at, *dot;

        return unit_name_split(name, &at, &dot) >= 0 && at && at + 1 < dot;
}

static int unit_name_copy(const char *s, size_t n, char **ret)
{
        char *copy = strndup(s, n);

        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int unit_name_prefix(const char *name, char **ret)
{
        const char *at, *dot;

        if (unit_name_split(name, &at, &dot) < 0)
                return -EINVAL;
        return unit_name_copy(name, (size_t) ((at ? at : dot) - name), ret);
}

int unit_name_instance(const char *name, char **ret)
{
        const char *at, *dot;

        if (unit_name_split(name, &at, &dot) < 0)
                return -EINVAL;
        if (!at)
                return -ENXIO;
        return unit_name_copy(at + 1, (size_t) (dot - at - 1), ret);
}

int unit_name_template(const char *name, char **ret)
{
        const char *at, *dot;

        if (unit_name_split(name, &at, &dot) < 0 || !at)
                return -EINVAL;
        return strdup_printf(ret, "%.*s%s", (int) (at + 1 - name), name, dot);
}

int unit_name_instantiate(const char *template_name, const char *instance, char **ret)
{
        const char *at, *dot;
        size_t n;

        if (unit_name_split(template_name, &at, &dot) < 0 || !at || !instance ||
            !unit_name_instance_is_valid(instance, strlen(instance)))
                return -EINVAL;
        n = (size_t) (at + 1 - template_name) + strlen(instance) + strlen(dot);
        if (n >= UNIT_NAME_MAX)
                return -ENAMETOOLONG;
        return strdup_printf(ret, "%.*s%s%s", (int) (at + 1 - template_name), template_name, instance, dot);
}

int unit_name_change_type(const char *name, enum unit_type type, char **ret)
{
        const char *at, *dot;
        const char *suffix = unit_type_to_string(type);
        size_t n;

        if (unit_name_split(name, &at, &dot) < 0 || !suffix)
                return -EINVAL;
        n = (size_t) (dot + 1 - name) + strlen(suffix);
        if (n >= UNIT_NAME_MAX)
                return -ENAMETOOLONG;
        return strdup_printf(ret, "%.*s%s", (int) (dot + 1 - name), name, suffix);
}

int unit_name_escape(const char *s, char **ret)
{
        static const char hex[] = "0123456789abcdef";
        char *escaped, *t;

        escaped = malloc(strlen(s) * 4 + 1);
        if (!escaped)
                return -ENOMEM;
        t = escaped;
        for (const char *p = s; *p; p++) {
                unsigned char c = (unsigned char) *p;

                if (c == '/')
                        *t++ = '-';
                else if (unit_name_char_is_plain(*p) && !(p == s && c == '.'))
                        *t++ = *p;
                else {
                        *t++ = '\\';
                        *t++ = 'x';
                        *t++ = hex[c >> 4];
                        *t++ = hex[c & 15];
                }
        }
        *t = '\0';
        *ret = escaped;
        return 0;
}

int unit_name_unescape(const char *s, char **ret)
{
        _cleanup_free_ char *unescaped = strdup(s);
        char *t = unescaped;

        if (!unescaped)
                return -ENOMEM;
        for (const char *p = s; *p; p++) {
                if (*p == '-')
                        *t++ = '/';
                else if (*p == '\\') {
                        int high, low;

                        if (p[1] != 'x')
                                return -EINVAL;
                        high = unhexchar(p[2]);
                        low = high < 0 ? -1 : unhexchar(p[3]);
                        if (low < 0 || (high | low) == 0)
                                return -EINVAL;
                        *t++ = (char) (high << 4 | low);
                        p += 3;
                } else
                        *t++ = *p;
        }
        *t = '\0';
        *ret = TAKE_PTR(unescaped);
        return 0;
}

/* systemd's path_is_normalized() for an absolute path: no empty, "." or ".." component, no trailing
 * "/", each component at most NAME_MAX bytes, the whole shorter than PATH_MAX. */
static bool unit_name_path_is_normalized(const char *path)
{
        const char *component = path + 1;

        if (path[0] != '/' || strlen(path) >= PATH_MAX)
                return false;
        for (;;) {
                size_t n = strcspn(component, "/");

                if (n == 0 || n > NAME_MAX || (n == 1 && component[0] == '.') ||
                    (n == 2 && component[0] == '.' && component[1] == '.'))
                        return false;
                if (!component[n])
                        return true;
                component += n + 1;
        }
}

int unit_name_path_unescape(const char *s, char **ret)
{
        _cleanup_free_ char *unescaped = NULL, *path = NULL;
        int r;

        if (streq(s, "-"))
                return unit_name_copy("/", 1, ret);
        r = unit_name_unescape(s, &unescaped);
        if (r < 0)
                return r;
        r = strdup_printf(&path, "/%s", unescaped);
        if (r < 0)
                return r;
        /* A leading or trailing "/" in the unescaped text shows up as an empty component. */
        if (!unit_name_path_is_normalized(path))
                return -EINVAL;
        *ret = TAKE_PTR(path);
        return 0;
}
