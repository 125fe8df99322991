/* Unit names as systemd.unit(5) defines them: "prefix.type", templates "prefix@.type" and
 * instances "prefix@instance.type", with systemd's escaping ("-" for "/", "\xNN" for other
 * bytes). Pure string code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define UNIT_NAME_MAX 256 /* systemd's limit, NUL excluded */

enum unit_type {
        UNIT_SOCKET,
        UNIT_SERVICE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -1,
};

/* "socket", "service" and back. */
const char *unit_type_to_string(enum unit_type t);
enum unit_type unit_type_from_string(const char *s);

/* The type of a valid unit name (by its suffix), or _UNIT_TYPE_INVALID. Valid names: at most
 * UNIT_NAME_MAX bytes, characters [a-zA-Z0-9:_.\-@\\], a non-empty prefix, at most one "@". */
enum unit_type unit_name_type(const char *name);
bool unit_name_is_valid(const char *name);
bool unit_name_is_template(const char *name);    /* "foo@.service" */
bool unit_name_is_instance(const char *name);    /* "foo@bar.service" */

/* "foo@bar.socket" → "foo"; "foo.socket" → "foo". */
int unit_name_prefix(const char *name, char **ret);
/* "foo@bar.socket" → "bar"; returns -ENXIO for a name without an instance. */
int unit_name_instance(const char *name, char **ret);
/* "foo@bar.socket" → "foo@.socket"; -EINVAL when name is not an instance. */
int unit_name_template(const char *name, char **ret);
/* ("foo@.service", "bar") → "foo@bar.service". */
int unit_name_instantiate(const char *template_name, const char *instance, char **ret);
/* "foo.socket" + UNIT_SERVICE → "foo.service"; "foo@x.socket" → "foo@x.service". */
int unit_name_change_type(const char *name, enum unit_type type, char **ret);

/* systemd-escape and its inverse: "/" → "-", bytes outside [a-zA-Z0-9:_.] → "\xNN", a leading
 * "." → "\x2e". unit_name_unescape("foo-bar\x2dbaz") → "foo/bar-baz". */
int unit_name_escape(const char *s, char **ret);
int unit_name_unescape(const char *s, char **ret);
