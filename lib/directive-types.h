/* The kinds of value a directive can take: a parser that fills a field of struct unit and a
 * printer that writes it back as the directive line(s) that would give the same field.
 * Each parser treats an empty value as "back to unset" (the loader then re-applies the row's
 * initial value) and reports its errors itself through directive_error(). */
#pragma once

#include "directive.h"

/* Validation of string and string-list values, chosen per row through its arg. */
enum string_kind {
        STRING_ANY,
        STRING_ABSOLUTE_PATH,
        STRING_USER,           /* a user or group name, or a numeric id */
        STRING_INTERFACE,      /* a network interface name */
        STRING_TCP_CONGESTION, /* a TCP congestion algorithm name */
        STRING_FD_NAME,        /* a LISTEN_FDNAMES name */
        STRING_SERVICE_NAME,   /* a .service unit name */
        STRING_SOCKET_NAME,    /* a .socket unit name */
        STRING_ENV_NAME,       /* an environment variable name */
        STRING_ENV_UNSET,      /* a variable name, or NAME=value */
        STRING_RELATIVE_DIR,   /* a directory below RuntimeDirectory='s or StateDirectory='s root */
        STRING_URI,            /* Documentation=: http, https, file, info or man URIs */
        STRING_PID_FILE,       /* an absolute path, or one relative to the runtime root */
};

/* Inside a parser: its field as the type it is. Inside a printer: the field of row d in unit u. */
#define FIELD(type)      ((type *) field)
#define DUMP_FIELD(type) ((type const *) ((const char *) u + d->offset))

#define DIRECTIVE_TYPE(name)                                                                                \
        int directive_parse_##name(const struct directive_call *call, const char *value, void *field);      \
        void directive_dump_##name(const struct directive *d, const struct unit *u, FILE *out)

DIRECTIVE_TYPE(string);
DIRECTIVE_TYPE(strv);
DIRECTIVE_TYPE(bool);
DIRECTIVE_TYPE(unsigned);
DIRECTIVE_TYPE(int);
DIRECTIVE_TYPE(ip_ttl);
DIRECTIVE_TYPE(timespan);
DIRECTIVE_TYPE(size);
DIRECTIVE_TYPE(mode);
DIRECTIVE_TYPE(signal);
DIRECTIVE_TYPE(nice);
DIRECTIVE_TYPE(ip_tos);
DIRECTIVE_TYPE(enum);
DIRECTIVE_TYPE(exec);
DIRECTIVE_TYPE(listen);
DIRECTIVE_TYPE(socket_protocol);
DIRECTIVE_TYPE(rlimit);
DIRECTIVE_TYPE(environment);
DIRECTIVE_TYPE(environment_file);
DIRECTIVE_TYPE(working_directory);
DIRECTIVE_TYPE(std_input);
DIRECTIVE_TYPE(std_output);
DIRECTIVE_TYPE(timeout_both);
DIRECTIVE_TYPE(message_queue);
DIRECTIVE_TYPE(no_effect);

/* Service= and FileDescriptorName= parse as strings and print their effective value. */
void directive_dump_socket_service(const struct directive *d, const struct unit *u, FILE *out);
void directive_dump_fd_name(const struct directive *d, const struct unit *u, FILE *out);

/* Writes "Name=value", doubling "%" when the row expands specifiers (so the line reads back). */
void directive_dump_line(const struct directive *d, const char *value, FILE *out);
