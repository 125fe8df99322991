/* Unit names as systemd.unit(5) defines them: "prefix.type", templates "prefix@.type" and
 * instances "prefix@instance.type", with systemd's escaping ("-" for "/", "\xNN" for other
 * bytes). Pure string code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define UNIT_NAME_MAX 256 /* systemd's limit, NUL included: a name has at most 255 bytes */

enum unit_type {
        UNIT_SOCKET,
        UNIT_SERVICE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -1,
};

/* "socket", "service" and back. */
const char *unit_type_to_string(enum unit_type t);
enum unit_type unit_type_from_string(const char *s);

/* The type of a valid unit name (by its suffix), or _UNIT_TYPE_INVALID. Valid names, as systemd's:
 * 1..UNIT_NAME_MAX-1 bytes of [a-zA-Z0-9:_.\-@\\], the type after the last "." ("socket" or "service";
 * systemd's other types are _UNIT_TYPE_INVALID here), a non-empty prefix before the first "@". Dots may
 * appear anywhere before the suffix and further "@" belong to the instance ("sshd@0-10.0.0.1:22-….service",
 * "foo@bar@baz.service" is instance "bar@baz"). */
enum unit_type unit_name_type(const char *name);
bool unit_name_is_valid(const char *name);
bool unit_name_is_template(const char *name); /* "foo@.service" */
bool unit_name_is_instance(const char *name); /* "foo@bar.service" */

/* "foo@bar.socket" → "foo"; "foo.socket" → "foo". */
int unit_name_prefix(const char *name, char **ret);
/* "foo@bar.socket" → "bar"; "foo@.socket" → "" (a template's instance is empty); -ENXIO for a plain
 * name. All of these return -EINVAL for a name that is not valid. */
int unit_name_instance(const char *name, char **ret);
/* "foo@bar.socket" → "foo@.socket" (a template gives itself); -EINVAL for a plain name. */
int unit_name_template(const char *name, char **ret);
/* ("foo@.service", "bar") → "foo@bar.service"; an instance name gets its instance replaced, as in
 * systemd. -EINVAL for a plain name or an instance that is empty or has a character a unit name may not
 * hold (escape it first), -ENAMETOOLONG when the result would exceed the limit. */
int unit_name_instantiate(const char *template_name, const char *instance, char **ret);
/* "foo.socket" + UNIT_SERVICE → "foo.service"; "foo@x.socket" → "foo@x.service". */
int unit_name_change_type(const char *name, enum unit_type type, char **ret);

/* systemd-escape and its inverse: "/" → "-", bytes outside [a-zA-Z0-9:_.] → "\xNN", a leading
 * "." → "\x2e". unit_name_unescape("foo-bar\x2dbaz") → "foo/bar-baz"; it accepts upper- and lower-case
 * hex digits and returns -EINVAL for any other "\" sequence and for "\x00", which systemd would let
 * silently cut the string short. */
int unit_name_escape(const char *s, char **ret);
int unit_name_unescape(const char *s, char **ret);

/* systemd-escape --path --unescape, the rule of %f: "-" → "/", otherwise "/" + unit_name_unescape(s),
 * which must be a normalized path (no empty, "." or ".." component, no trailing "/"): "foo-bar" →
 * "/foo/bar", "foo--bar" and "" are -EINVAL. */
int unit_name_path_unescape(const char *s, char **ret);
