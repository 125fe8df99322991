/* String tables of the configuration model's enums, and freeing a unit. */
#include <errno.h>
#include <sys/socket.h>

#include "unit.h"
#include "util.h"

#define STRING_TABLE_LOOKUP(name, type, table)                                                              \
        const char *name##_to_string(type v)                                                                \
        {                                                                                                   \
                return (size_t) v < ELEMENTSOF(table) ? table[v] : NULL;                                    \
        }

#define ENUM_NAMES(name, table, ...)                                                                        \
        const struct enum_names name##_names = { .names = table, .n = ELEMENTSOF(table), __VA_ARGS__ }

static const char *const listen_type_table[_LISTEN_TYPE_MAX] = {
        [LISTEN_STREAM] = "ListenStream",
        [LISTEN_DATAGRAM] = "ListenDatagram",
        [LISTEN_SEQPACKET] = "ListenSequentialPacket",
        [LISTEN_FIFO] = "ListenFIFO",
        [LISTEN_SPECIAL] = "ListenSpecial",
        [LISTEN_NETLINK] = "ListenNetlink",
        [LISTEN_MESSAGE_QUEUE] = "ListenMessageQueue",
};
STRING_TABLE_LOOKUP(listen_type, enum listen_type, listen_type_table)

int listen_type_socket_type(enum listen_type t)
{
        switch (t) {
        case LISTEN_STREAM:
                return SOCK_STREAM;
        case LISTEN_DATAGRAM:
                return SOCK_DGRAM;
        case LISTEN_SEQPACKET:
                return SOCK_SEQPACKET;
        case LISTEN_NETLINK:
                return SOCK_RAW;
        default:
                return 0;
        }
}

static const char *const bind_ipv6_only_table[_BIND_IPV6_ONLY_MAX] = {
        [BIND_IPV6_ONLY_DEFAULT] = "default",
        [BIND_IPV6_ONLY_BOTH] = "both",
        [BIND_IPV6_ONLY_IPV6_ONLY] = "ipv6-only",
};
STRING_TABLE_LOOKUP(bind_ipv6_only, enum bind_ipv6_only, bind_ipv6_only_table)
ENUM_NAMES(bind_ipv6_only, bind_ipv6_only_table);

static const char *const timestamping_table[_TIMESTAMPING_MAX] = {
        [TIMESTAMPING_OFF] = "off",
        [TIMESTAMPING_US] = "us",
        [TIMESTAMPING_NS] = "ns",
};
STRING_TABLE_LOOKUP(timestamping, enum timestamping, timestamping_table)
static const char *const timestamping_aliases[] = { "usec", "us", "\u00b5s", "us", "nsec", "ns", NULL };
ENUM_NAMES(timestamping, timestamping_table, .aliases = timestamping_aliases);

static const char *const service_type_table[_SERVICE_TYPE_MAX] = {
        [SERVICE_SIMPLE] = "simple",   [SERVICE_EXEC] = "exec",
        [SERVICE_ONESHOT] = "oneshot", [SERVICE_NOTIFY] = "notify",
        [SERVICE_FORKING] = "forking",
};
STRING_TABLE_LOOKUP(service_type, enum service_type, service_type_table)
static const char *const service_type_refused[] = {
        "dbus",
        "Type=dbus needs D-Bus name tracking, which sockact does not have",
        "idle",
        "Type=idle orders against systemd's job queue, which sockact does not have",
        "notify-reload",
        "Type=notify-reload is not supported; use Type=notify with ExecReload=",
        NULL,
};
ENUM_NAMES(service_type, service_type_table, .refused = service_type_refused);

static const char *const service_restart_table[_RESTART_MAX] = {
        [RESTART_NO] = "no",
        [RESTART_ON_SUCCESS] = "on-success",
        [RESTART_ON_FAILURE] = "on-failure",
        [RESTART_ON_ABNORMAL] = "on-abnormal",
        [RESTART_ON_WATCHDOG] = "on-watchdog",
        [RESTART_ON_ABORT] = "on-abort",
        [RESTART_ALWAYS] = "always",
};
STRING_TABLE_LOOKUP(service_restart, enum service_restart, service_restart_table)
ENUM_NAMES(service_restart, service_restart_table);

static const char *const kill_mode_table[_KILL_MODE_MAX] = {
        [KILL_CONTROL_GROUP] = "control-group",
        [KILL_MIXED] = "mixed",
        [KILL_PROCESS] = "process",
};
STRING_TABLE_LOOKUP(kill_mode, enum kill_mode, kill_mode_table)
static const char *const kill_mode_refused[] = {
        "none",
        "KillMode=none leaves processes behind after a stop, and sockact refuses it",
        NULL,
};
ENUM_NAMES(kill_mode, kill_mode_table, .refused = kill_mode_refused);

static const char *const notify_access_table[_NOTIFY_ACCESS_MAX] = {
        [NOTIFY_NONE] = "none",
        [NOTIFY_MAIN] = "main",
        [NOTIFY_EXEC] = "exec",
        [NOTIFY_ALL] = "all",
};
STRING_TABLE_LOOKUP(notify_access, enum notify_access, notify_access_table)
ENUM_NAMES(notify_access, notify_access_table);

static const char *const std_input_table[_STD_INPUT_MAX] = {
        [STD_INPUT_NULL] = "null",
        [STD_INPUT_SOCKET] = "socket",
        [STD_INPUT_FILE] = "file",
};
STRING_TABLE_LOOKUP(std_input, enum std_input, std_input_table)

static const char *const std_output_table[_STD_OUTPUT_MAX] = {
        [STD_OUTPUT_INHERIT] = "inherit",   [STD_OUTPUT_NULL] = "null", [STD_OUTPUT_JOURNAL] = "journal",
        [STD_OUTPUT_SOCKET] = "socket",     [STD_OUTPUT_FILE] = "file", [STD_OUTPUT_APPEND] = "append",
        [STD_OUTPUT_TRUNCATE] = "truncate",
};
STRING_TABLE_LOOKUP(std_output, enum std_output, std_output_table)

static const char *const fd_store_preserve_table[_FD_STORE_PRESERVE_MAX] = {
        [FD_STORE_PRESERVE_NO] = "no",
        [FD_STORE_PRESERVE_RESTART] = "restart",
        [FD_STORE_PRESERVE_YES] = "yes",
};
STRING_TABLE_LOOKUP(fd_store_preserve, enum fd_store_preserve, fd_store_preserve_table)
ENUM_NAMES(fd_store_preserve, fd_store_preserve_table, .with_boolean = true);

int unit_socket_service_name(const struct unit *socket, char **ret)
{
        _cleanup_free_ char *prefix = NULL;
        int r;

        if (socket->socket.service) {
                char *copy = strdup(socket->socket.service);
                if (!copy)
                        return -ENOMEM;
                *ret = copy;
                return 0;
        }
        if (!socket->socket.accept)
                return unit_name_change_type(socket->name, UNIT_SERVICE, ret);

        /* Accept=yes: the template of the same prefix; instances are made per connection. */
        r = unit_name_prefix(socket->name, &prefix);
        if (r < 0)
                return r;
        return strdup_printf(ret, "%s@.service", prefix);
}

const char *unit_socket_fd_name(const struct unit *socket)
{
        if (socket->socket.fd_name)
                return socket->socket.fd_name;
        return socket->socket.accept ? "connection" : socket->name;
}

void exec_list_clear(struct exec_list *l)
{
        exec_command_free_array(l->commands, l->n);
        l->commands = NULL;
        l->n = 0;
}

static void socket_config_clear(struct socket_config *s)
{
        for (size_t i = 0; i < s->n_listens; i++)
                free(s->listens[i].path);
        free(s->listens);
        free(s->bind_to_device);
        free(s->socket_user);
        free(s->socket_group);
        free(s->tcp_congestion);
        exec_list_clear(&s->exec_start_pre);
        exec_list_clear(&s->exec_start_post);
        exec_list_clear(&s->exec_stop_pre);
        exec_list_clear(&s->exec_stop_post);
        strv_free(s->symlinks);
        strv_free(s->fetch_users);
        strv_free(s->fetch_groups);
        free(s->fd_name);
        free(s->service);
}

static void service_config_clear(struct service_config *s)
{
        exec_list_clear(&s->exec_start);
        exec_list_clear(&s->exec_start_pre);
        exec_list_clear(&s->exec_start_post);
        exec_list_clear(&s->exec_stop);
        exec_list_clear(&s->exec_stop_post);
        exec_list_clear(&s->exec_reload);
        free(s->pid_file);
        free(s->user);
        free(s->group);
        strv_free(s->supplementary_groups);
        strv_free(s->environment);
        for (size_t i = 0; i < s->n_environment_files; i++)
                free(s->environment_files[i].path);
        free(s->environment_files);
        strv_free(s->pass_environment);
        strv_free(s->unset_environment);
        free(s->working_directory);
        free(s->root_directory);
        free(s->std_input_path);
        free(s->std_output_path);
        free(s->std_error_path);
        strv_free(s->sockets);
        strv_free(s->runtime_directory);
        strv_free(s->state_directory);
}

void unit_free(struct unit *u)
{
        if (!u)
                return;
        socket_config_clear(&u->socket);
        service_config_clear(&u->service);
        free(u->name);
        free(u->path);
        free(u->description);
        strv_free(u->documentation);
        free(u->lines);
        free(u);
}
