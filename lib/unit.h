/* The configuration model: one struct unit per loaded unit file, socket or service half, as
 * the directive table (directive.c) fills it. A loaded unit is immutable; a reload builds new
 * ones. Enums are data: each has a _MAX and a to/from-string table in unit.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "address.h"
#include "execline.h"
#include "unitname.h"

#define UNIT_UNSET (-1) /* an int option that is not set: the kernel's default applies */

enum listen_type {
        LISTEN_STREAM,
        LISTEN_DATAGRAM,
        LISTEN_SEQPACKET,
        LISTEN_FIFO,
        LISTEN_SPECIAL,
        LISTEN_NETLINK,
        LISTEN_MESSAGE_QUEUE,
        _LISTEN_TYPE_MAX,
};

enum bind_ipv6_only {
        BIND_IPV6_ONLY_DEFAULT,
        BIND_IPV6_ONLY_BOTH,
        BIND_IPV6_ONLY_IPV6_ONLY,
        _BIND_IPV6_ONLY_MAX,
};

enum timestamping {
        TIMESTAMPING_OFF,
        TIMESTAMPING_US,
        TIMESTAMPING_NS,
        _TIMESTAMPING_MAX,
};

enum service_type {
        SERVICE_SIMPLE,
        SERVICE_EXEC,
        SERVICE_ONESHOT,
        SERVICE_NOTIFY,
        SERVICE_FORKING,
        _SERVICE_TYPE_MAX,
};

enum service_restart {
        RESTART_NO,
        RESTART_ON_SUCCESS,
        RESTART_ON_FAILURE,
        RESTART_ON_ABNORMAL,
        RESTART_ON_WATCHDOG,
        RESTART_ON_ABORT,
        RESTART_ALWAYS,
        _RESTART_MAX,
};

enum kill_mode {
        KILL_CONTROL_GROUP,
        KILL_MIXED,
        KILL_PROCESS,
        _KILL_MODE_MAX,
};

enum notify_access {
        NOTIFY_NONE,
        NOTIFY_MAIN,
        NOTIFY_EXEC,
        NOTIFY_ALL,
        _NOTIFY_ACCESS_MAX,
};

enum std_input {
        STD_INPUT_NULL,
        STD_INPUT_SOCKET,
        STD_INPUT_FILE,
        _STD_INPUT_MAX,
};

enum std_output {
        STD_OUTPUT_INHERIT,
        STD_OUTPUT_NULL,
        STD_OUTPUT_JOURNAL,
        STD_OUTPUT_SOCKET,
        STD_OUTPUT_FILE,
        STD_OUTPUT_APPEND,
        STD_OUTPUT_TRUNCATE,
        _STD_OUTPUT_MAX,
};

enum fd_store_preserve {
        FD_STORE_PRESERVE_NO,
        FD_STORE_PRESERVE_RESTART,
        FD_STORE_PRESERVE_YES,
        _FD_STORE_PRESERVE_MAX,
};

/* One Listen*= line. */
struct listen {
        enum listen_type type;
        struct socket_address address; /* stream, datagram, seqpacket, netlink */
        char *path;                    /* FIFO, special file, message queue */
};

struct exec_list {
        struct exec_command *commands;
        size_t n;
};

struct environment_file {
        char *path;
        bool ignore_missing; /* written with a "-" prefix */
};

struct socket_config {
        struct listen *listens;
        size_t n_listens;
        int socket_protocol; /* 0, IPPROTO_UDPLITE or IPPROTO_SCTP */
        enum bind_ipv6_only bind_ipv6_only;
        unsigned backlog;
        char *bind_to_device;
        char *socket_user;
        char *socket_group;
        mode_t socket_mode;
        mode_t directory_mode;
        bool accept;
        bool log_connections; /* LogConnections=, a sockact extension */
        char **fetch_users;   /* FetchUsers=, a sockact extension: may fetch the fds too */
        char **fetch_groups;  /* FetchGroups=, likewise */
        bool writable;
        bool flush_pending;
        unsigned max_connections;
        unsigned max_connections_per_source; /* 0: same as max_connections */
        bool keep_alive;
        uint64_t keep_alive_time;     /* usec, 0: kernel default */
        uint64_t keep_alive_interval; /* usec, 0: kernel default */
        unsigned keep_alive_probes;   /* 0: kernel default */
        bool no_delay;
        int priority;            /* UNIT_UNSET or 0…6 */
        uint64_t defer_accept;   /* usec */
        uint64_t receive_buffer; /* 0: kernel default */
        uint64_t send_buffer;    /* 0: kernel default */
        int ip_tos;              /* UNIT_UNSET or 0…255 */
        int ip_ttl;              /* UNIT_UNSET or 1…255 */
        int mark;                /* UNIT_UNSET or a fwmark */
        bool reuse_port;
        bool free_bind;
        bool transparent;
        bool broadcast;
        bool pass_credentials;
        bool pass_security;
        bool pass_packet_info;
        enum timestamping timestamping;
        char *tcp_congestion;
        struct exec_list exec_start_pre, exec_start_post, exec_stop_pre, exec_stop_post;
        uint64_t timeout; /* usec, for the Exec*= commands above */
        char **symlinks;
        char *fd_name; /* NULL: the unit's name */
        bool remove_on_stop;
        char *service; /* Service=, NULL: same name as the socket */
        uint64_t trigger_limit_interval;
        unsigned trigger_limit_burst; /* 0 before completion: 20, or 200 with Accept=yes */
        uint64_t poll_limit_interval;
        unsigned poll_limit_burst;
        uint64_t pipe_size;      /* 0: kernel default */
        int64_t mq_max_messages; /* 0: kernel default */
        int64_t mq_message_size; /* 0: kernel default */
};

struct service_config {
        struct exec_list exec_start, exec_start_pre, exec_start_post, exec_stop, exec_stop_post, exec_reload;
        enum service_type type;
        char *pid_file;      /* PIDFile=: absolute, or relative to the runtime root (%t) */
        bool guess_main_pid; /* GuessMainPID= */
        enum service_restart restart;
        uint64_t restart_sec;
        uint64_t timeout_start; /* USEC_INFINITY: none */
        uint64_t timeout_stop;  /* USEC_INFINITY: none */
        enum kill_mode kill_mode;
        int kill_signal;
        bool send_sigkill;
        char *user;
        char *group;
        char **supplementary_groups;
        char **environment; /* NAME=value, in order */
        struct environment_file *environment_files;
        size_t n_environment_files;
        char **pass_environment;
        char **unset_environment; /* NAME or NAME=value */
        char *working_directory;  /* NULL: "/" (or home for a per-user sockactd) */
        bool working_directory_missing_ok;
        char *root_directory;
        mode_t umask;
        int nice; /* UNIT_UNSET or -20…19 */
        bool rlimit_set[RLIM_NLIMITS];
        struct rlimit rlimits[RLIM_NLIMITS];
        enum std_input std_input;
        char *std_input_path;
        enum std_output std_output;
        char *std_output_path;
        enum std_output std_error;
        char *std_error_path;
        bool non_blocking;
        enum notify_access notify_access;
        char **sockets; /* Sockets=: socket units whose fds this service gets */
        unsigned fd_store_max;
        enum fd_store_preserve fd_store_preserve;
        uint64_t watchdog_sec; /* 0: off */
        char **runtime_directory;
        mode_t runtime_directory_mode;
        char **state_directory;
        mode_t state_directory_mode;
        bool no_new_privileges;
};

struct unit {
        char *name; /* "web.socket", "echo@1-127.0.0.1:7-127.0.0.1:9.service" */
        char *path; /* the file it was read from (a template's file for instances) */
        enum unit_type type;
        char *description;
        char **documentation;
        uint64_t start_limit_interval;
        unsigned start_limit_burst;
        unsigned *lines; /* per directive table row: the line that set it, 0 if not configured */
        struct socket_config socket;
        struct service_config service;
};

/* The names of an enum's values, for the generic parser and printer of enum directives.
 * refused/refused_reason: values systemd has and sockact does not ("Type=dbus").
 * with_boolean: yes/no/true/1/… also accepted, for enums that extend a boolean. */
struct enum_names {
        const char *const *names;
        int n;
        const char *const *aliases; /* pairs: alias, canonical name; NULL-terminated */
        const char *const *refused; /* pairs: value, reason; NULL-terminated */
        bool with_boolean;
};

extern const struct enum_names bind_ipv6_only_names, timestamping_names, service_type_names,
        service_restart_names, kill_mode_names, notify_access_names, fd_store_preserve_names;

const char *listen_type_to_string(enum listen_type t); /* the directive: "ListenStream" */
int listen_type_socket_type(enum listen_type t);       /* SOCK_STREAM…, or 0 for FIFO and the like */

const char *bind_ipv6_only_to_string(enum bind_ipv6_only v);
const char *timestamping_to_string(enum timestamping v);
const char *service_type_to_string(enum service_type v);
const char *service_restart_to_string(enum service_restart v);
const char *kill_mode_to_string(enum kill_mode v);
const char *notify_access_to_string(enum notify_access v);
const char *std_input_to_string(enum std_input v);
const char *std_output_to_string(enum std_output v);
const char *fd_store_preserve_to_string(enum fd_store_preserve v);

/* The service unit a socket unit activates: Service=, or the socket's own name with the
 * .service suffix ("foo@.service" for Accept=yes). */
int unit_socket_service_name(const struct unit *socket, char **ret);

/* The LISTEN_FDNAMES name of a socket unit's fds: FileDescriptorName= or the unit's name. */
const char *unit_socket_fd_name(const struct unit *socket);

void unit_free(struct unit *u);
void exec_list_clear(struct exec_list *l);
