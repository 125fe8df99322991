/* The directive table: every directive sockact implements, with its kind of value, the field
 * it fills, its default and its man page line; and the lists of systemd directives it accepts
 * without effect (dependencies, conditions, [Install]) or refuses by name.
 * Rows are in the order of the man pages. Nothing here has state. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

#include "directive-types.h"
#include "directive.h"
#include "value.h"
#include "words.h"

#define UNIT_FIELD(f)    offsetof(struct unit, f)
#define SOCKET_FIELD(f)  offsetof(struct unit, socket.f)
#define SERVICE_FIELD(f) offsetof(struct unit, service.f)
#define KIND(t)          .parse = directive_parse_##t, .dump = directive_dump_##t
#define SEC              USEC_PER_SEC

#define LISTEN(n, type, what)                                                                               \
        {                                                                                                   \
                "Socket", n, KIND(listen), SOCKET_FIELD(listens), type,                                     \
                        .flags = DIRECTIVE_SPECIFIERS,                                                      \
                        .summary = "Listen on " what                                                        \
                                   "; may be repeated; an empty value resets the list of every kind."       \
        }

#define LIMIT(n, resource)                                                                                  \
        {                                                                                                   \
                "Service", "Limit" n, KIND(rlimit), UNIT_FIELD(service), resource,                          \
                        .default_text = "inherited from sockactd",                                          \
                        .summary = "Resource limit " #resource                                              \
                                   ", \"soft:hard\" or one value for both, or infinity."                    \
        }

const struct directive directive_table[] = {
        /* [Unit] */
        { "Unit", "Description", KIND(string), UNIT_FIELD(description), STRING_ANY,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "A short human-readable title of the unit." },
        { "Unit", "Documentation", KIND(strv), UNIT_FIELD(documentation), STRING_URI,
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "Space-separated http:, https:, file:, info: or man: URIs." },
        { "Unit", "StartLimitIntervalSec", KIND(timespan), UNIT_FIELD(start_limit_interval), SEC, "10s",
          .summary = "With StartLimitBurst=: at most that many starts within this interval; 0 disables." },
        { "Unit", "StartLimitInterval", KIND(timespan), UNIT_FIELD(start_limit_interval), SEC,
          .flags = DIRECTIVE_ALIAS, .summary = "Old name of StartLimitIntervalSec=." },
        { "Unit", "StartLimitBurst", KIND(unsigned), UNIT_FIELD(start_limit_burst), 0, "5",
          .summary = "Starts allowed within StartLimitIntervalSec=." },

        /* [Socket] */
        LISTEN("ListenStream", LISTEN_STREAM, "a stream socket (TCP, AF_UNIX SOCK_STREAM, vsock)"),
        LISTEN("ListenDatagram", LISTEN_DATAGRAM, "a datagram socket (UDP, AF_UNIX SOCK_DGRAM, vsock)"),
        LISTEN("ListenSequentialPacket", LISTEN_SEQPACKET, "an AF_UNIX or vsock SOCK_SEQPACKET socket"),
        LISTEN("ListenFIFO", LISTEN_FIFO, "a FIFO in the file system, created if missing"),
        LISTEN("ListenSpecial", LISTEN_SPECIAL, "a special file (a character device, a /proc or /sys file)"),
        LISTEN("ListenNetlink", LISTEN_NETLINK, "a netlink socket: \"FAMILY [GROUP]\""),
        LISTEN("ListenMessageQueue", LISTEN_MESSAGE_QUEUE, "a POSIX message queue \"/name\""),
        { "Socket", "SocketProtocol", KIND(socket_protocol), SOCKET_FIELD(socket_protocol),
          .summary = "udplite for datagram sockets, or sctp for stream and sequential packet sockets." },
        { "Socket", "BindIPv6Only", KIND(enum), SOCKET_FIELD(bind_ipv6_only),
          (intptr_t) &bind_ipv6_only_names, "default",
          .summary = "IPV6_V6ONLY for [::] listeners: default (the kernel's), both, ipv6-only." },
        { "Socket", "Backlog", KIND(unsigned), SOCKET_FIELD(backlog), 0, "4294967295",
          .summary = "The listen() backlog; the kernel caps it at net.core.somaxconn." },
        { "Socket", "BindToDevice", KIND(string), SOCKET_FIELD(bind_to_device), STRING_INTERFACE,
          .summary = "Bind to this network interface only (SO_BINDTODEVICE)." },
        { "Socket", "SocketUser", KIND(string), SOCKET_FIELD(socket_user), STRING_USER,
          .flags = DIRECTIVE_SPECIFIERS, .default_text = "the user sockactd runs as",
          .summary = "Owner of AF_UNIX socket nodes and FIFOs." },
        { "Socket", "SocketGroup", KIND(string), SOCKET_FIELD(socket_group), STRING_USER,
          .flags = DIRECTIVE_SPECIFIERS, .default_text = "the group sockactd runs as",
          .summary = "Group of AF_UNIX socket nodes and FIFOs." },
        { "Socket", "SocketMode", KIND(mode), SOCKET_FIELD(socket_mode), 0, "0666",
          .summary = "Access mode of AF_UNIX socket nodes, FIFOs and message queues." },
        { "Socket", "DirectoryMode", KIND(mode), SOCKET_FIELD(directory_mode), 0, "0755",
          .summary = "Mode of parent directories created for socket nodes and FIFOs." },
        { "Socket", "Accept", KIND(bool), SOCKET_FIELD(accept), 0, "no",
          .summary = "yes: one service instance per connection (inetd style); no: one service for all." },
        { "Socket", "Writable", KIND(bool), SOCKET_FIELD(writable), 0, "no",
          .summary = "Open ListenSpecial= files for writing too." },
        { "Socket", "FlushPending", KIND(bool), SOCKET_FIELD(flush_pending), 0, "no",
          .summary = "Accept=no: discard queued data before watching the socket again after the service "
                     "exits." },
        { "Socket", "MaxConnections", KIND(unsigned), SOCKET_FIELD(max_connections), 0, "64",
          .summary = "Accept=yes: connections served at once; more are accepted and closed at once." },
        { "Socket", "MaxConnectionsPerSource", KIND(unsigned), SOCKET_FIELD(max_connections_per_source), 0,
          .default_text = "MaxConnections=",
          .summary = "Accept=yes: connections at once per IP address (per UID for AF_UNIX peers).",
          .differs = "A failed instance releases its slots when it exits; systemd keeps counting it." },
        { "Socket", "LogConnections", KIND(bool), SOCKET_FIELD(log_connections), 0, "no",
          .summary = "Accept=yes: log a line per connection when its instance ends: the peer, the process, "
                     "its exit status and how long it took.",
          .differs = "a sockact extension (after xinetd's log_on_success); systemd has no such directive." },
        { "Socket", "FetchUsers", KIND(strv), SOCKET_FIELD(fetch_users), STRING_USER,
          .flags = DIRECTIVE_SPECIFIERS,
          .default_text = "none: root, sockactd's user and the service's User= only",
          .summary = "Users (names or UIDs, space-separated) who may also fetch this unit's sockets over "
                     "sockactd's fds socket (sockactl fetch, libsockact(3)); an empty value resets the list.",
          .differs = "a sockact extension; systemd has no way to hand its sockets to a process it did not "
                     "start." },
        { "Socket", "FetchGroups", KIND(strv), SOCKET_FIELD(fetch_groups), STRING_USER,
          .flags = DIRECTIVE_SPECIFIERS, .default_text = "none",
          .summary = "Groups whose members (primary or supplementary) may also fetch this unit's sockets.",
          .differs = "a sockact extension, as FetchUsers=." },
        { "Socket", "KeepAlive", KIND(bool), SOCKET_FIELD(keep_alive), 0, "no",
          .summary = "SO_KEEPALIVE on TCP sockets." },
        { "Socket", "KeepAliveTimeSec", KIND(timespan), SOCKET_FIELD(keep_alive_time), SEC,
          .default_text = "the kernel's (2h)",
          .summary = "TCP_KEEPIDLE, in seconds; 0 leaves the kernel's." },
        { "Socket", "KeepAliveIntervalSec", KIND(timespan), SOCKET_FIELD(keep_alive_interval), SEC,
          .default_text = "the kernel's (75s)",
          .summary = "TCP_KEEPINTVL, in seconds; 0 leaves the kernel's." },
        { "Socket", "KeepAliveProbes", KIND(unsigned), SOCKET_FIELD(keep_alive_probes), 0,
          .default_text = "the kernel's (9)", .summary = "TCP_KEEPCNT; 0 leaves the kernel's." },
        { "Socket", "KeepAliveCount", KIND(unsigned), SOCKET_FIELD(keep_alive_probes), 0,
          .flags = DIRECTIVE_ALIAS, .summary = "Another name of KeepAliveProbes=.",
          .differs = "A sockact name; systemd knows only KeepAliveProbes=." },
        { "Socket", "NoDelay", KIND(bool), SOCKET_FIELD(no_delay), 0, "no",
          .summary = "TCP_NODELAY: no Nagle algorithm." },
        { "Socket", "Priority", KIND(int), SOCKET_FIELD(priority), .default_text = "the kernel's",
          .summary = "SO_PRIORITY for traffic sent on the socket." },
        { "Socket", "DeferAcceptSec", KIND(timespan), SOCKET_FIELD(defer_accept), SEC, "0",
          .summary = "TCP_DEFER_ACCEPT: wake up only when data arrives, or after this time." },
        { "Socket", "ReceiveBuffer", KIND(size), SOCKET_FIELD(receive_buffer),
          .default_text = "the kernel's",
          .summary = "SO_RCVBUF (SO_RCVBUFFORCE when permitted); 0 leaves the kernel's." },
        { "Socket", "SendBuffer", KIND(size), SOCKET_FIELD(send_buffer), .default_text = "the kernel's",
          .summary = "SO_SNDBUF (SO_SNDBUFFORCE when permitted); 0 leaves the kernel's." },
        { "Socket", "IPTOS", KIND(ip_tos), SOCKET_FIELD(ip_tos), .default_text = "the kernel's",
          .summary = "IP_TOS: low-delay, throughput, reliability, low-cost or 0…255." },
        { "Socket", "IPTTL", KIND(ip_ttl), SOCKET_FIELD(ip_ttl), .default_text = "the kernel's",
          .summary = "IP_TTL and IPV6_UNICAST_HOPS, 1…255." },
        { "Socket", "Mark", KIND(int), SOCKET_FIELD(mark), .default_text = "none",
          .summary = "SO_MARK firewall mark." },
        { "Socket", "ReusePort", KIND(bool), SOCKET_FIELD(reuse_port), 0, "no", .summary = "SO_REUSEPORT." },
        { "Socket", "FreeBind", KIND(bool), SOCKET_FIELD(free_bind), 0, "no",
          .summary = "IP_FREEBIND: bind to addresses not (yet) configured." },
        { "Socket", "Transparent", KIND(bool), SOCKET_FIELD(transparent), 0, "no",
          .summary = "IP_TRANSPARENT, for transparent proxies." },
        { "Socket", "Broadcast", KIND(bool), SOCKET_FIELD(broadcast), 0, "no",
          .summary = "SO_BROADCAST on datagram sockets." },
        { "Socket", "PassCredentials", KIND(bool), SOCKET_FIELD(pass_credentials), 0, "no",
          .summary = "SO_PASSCRED on AF_UNIX sockets." },
        { "Socket", "PassSecurity", KIND(bool), SOCKET_FIELD(pass_security), 0, "no",
          .summary = "SO_PASSSEC on AF_UNIX sockets." },
        { "Socket", "PassPacketInfo", KIND(bool), SOCKET_FIELD(pass_packet_info), 0, "no",
          .summary = "IP_PKTINFO, IPV6_RECVPKTINFO, NETLINK_PKTINFO or SO_PASSCRED as fits the socket." },
        { "Socket", "Timestamping", KIND(enum), SOCKET_FIELD(timestamping), (intptr_t) &timestamping_names,
          "off", .summary = "Receive timestamps on datagrams: off, us (usec, µs) or ns (nsec)." },
        { "Socket", "TCPCongestion", KIND(string), SOCKET_FIELD(tcp_congestion), STRING_TCP_CONGESTION,
          .default_text = "the kernel's", .summary = "TCP_CONGESTION algorithm, such as bbr or cubic." },
        { "Socket", "ExecStartPre", KIND(exec), SOCKET_FIELD(exec_start_pre),
          .summary = "Commands run before the sockets are created." },
        { "Socket", "ExecStartPost", KIND(exec), SOCKET_FIELD(exec_start_post),
          .summary = "Commands run after the sockets are created." },
        { "Socket", "ExecStopPre", KIND(exec), SOCKET_FIELD(exec_stop_pre),
          .summary = "Commands run before the sockets are closed." },
        { "Socket", "ExecStopPost", KIND(exec), SOCKET_FIELD(exec_stop_post),
          .summary = "Commands run after the sockets are closed." },
        { "Socket", "TimeoutSec", KIND(timespan), SOCKET_FIELD(timeout), SEC, "90s",
          .summary = "Time the socket's Exec*= commands may take before they are killed." },
        { "Socket", "Symlinks", KIND(strv), SOCKET_FIELD(symlinks), STRING_ABSOLUTE_PATH,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "Symbolic links made to the one AF_UNIX path or FIFO." },
        { "Socket", "FileDescriptorName", .parse = directive_parse_string, .dump = directive_dump_fd_name,
          SOCKET_FIELD(fd_name), STRING_FD_NAME, .flags = DIRECTIVE_SPECIFIERS,
          .default_text = "the unit name (\"connection\" with Accept=yes)",
          .summary = "The name of the socket's fds in LISTEN_FDNAMES." },
        { "Socket", "RemoveOnStop", KIND(bool), SOCKET_FIELD(remove_on_stop), 0, "no",
          .summary = "Remove socket nodes, FIFOs, message queues and Symlinks= when the socket stops." },
        { "Socket", "Service", .parse = directive_parse_string, .dump = directive_dump_socket_service,
          SOCKET_FIELD(service), STRING_SERVICE_NAME, .flags = DIRECTIVE_SPECIFIERS,
          .default_text = "the socket's name with .service",
          .summary = "The service to activate (Accept=no only)." },
        { "Socket", "TriggerLimitIntervalSec", KIND(timespan), SOCKET_FIELD(trigger_limit_interval), SEC,
          "2s", .summary = "With TriggerLimitBurst=: activations allowed per interval; 0 disables." },
        { "Socket", "TriggerLimitBurst", KIND(unsigned), SOCKET_FIELD(trigger_limit_burst), 0,
          .default_text = "20 (200 with Accept=yes)",
          .summary = "Activations allowed per TriggerLimitIntervalSec=." },
        { "Socket", "PollLimitIntervalSec", KIND(timespan), SOCKET_FIELD(poll_limit_interval), SEC, "2s",
          .summary = "With PollLimitBurst=: wakeups handled per interval before the socket pauses." },
        { "Socket", "PollLimitBurst", KIND(unsigned), SOCKET_FIELD(poll_limit_burst), 0,
          .default_text = "15 (150 with Accept=yes)",
          .summary = "Wakeups allowed per PollLimitIntervalSec=.",
          .differs = "As systemd 255; systemd 252 does not have it." },
        { "Socket", "PipeSize", KIND(size), SOCKET_FIELD(pipe_size), .default_text = "the kernel's",
          .summary = "F_SETPIPE_SZ for FIFOs." },
        { "Socket", "MessageQueueMaxMessages", KIND(message_queue), SOCKET_FIELD(mq_max_messages),
          .default_text = "the kernel's",
          .summary = "mq_maxmsg of a new message queue (with MessageQueueMessageSize=)." },
        { "Socket", "MessageQueueMessageSize", KIND(message_queue), SOCKET_FIELD(mq_message_size),
          .default_text = "the kernel's",
          .summary = "mq_msgsize of a new message queue (with MessageQueueMaxMessages=)." },

        /* [Service] */
        { "Service", "Type", KIND(enum), SERVICE_FIELD(type), (intptr_t) &service_type_names,
          .default_text = "simple (oneshot without ExecStart=)",
          .summary = "When the service counts as started: simple, exec, oneshot, notify or forking." },
        { "Service", "PIDFile", KIND(string), SERVICE_FIELD(pid_file), STRING_PID_FILE,
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "Type=forking: the file the daemon writes its main pid to; relative paths are below "
                     "%t. Removed when the service stops.",
          .differs = "the pid must be a process the service left running (in its cgroup, when sockactd has "
                     "cgroups); systemd also takes any pid from a file that root owns." },
        { "Service", "GuessMainPID", KIND(bool), SERVICE_FIELD(guess_main_pid), 0, "yes",
          .summary = "Type=forking without PIDFile=: take the one process the daemon left as the main "
                     "process.",
          .differs = "without cgroups, a service whose main process cannot be told fails to start, where "
                     "systemd would run it without supervision." },
        { "Service", "ExecStart", KIND(exec), SERVICE_FIELD(exec_start),
          .summary = "The command that is the service; several only with Type=oneshot." },
        { "Service", "ExecStartPre", KIND(exec), SERVICE_FIELD(exec_start_pre),
          .summary = "Commands run before ExecStart=." },
        { "Service", "ExecStartPost", KIND(exec), SERVICE_FIELD(exec_start_post),
          .summary = "Commands run once the service has started." },
        { "Service", "ExecReload", KIND(exec), SERVICE_FIELD(exec_reload),
          .summary = "Commands that make the service reload its configuration." },
        { "Service", "ExecStop", KIND(exec), SERVICE_FIELD(exec_stop),
          .summary = "Commands that stop the service, before KillSignal= is sent." },
        { "Service", "ExecStopPost", KIND(exec), SERVICE_FIELD(exec_stop_post),
          .summary = "Commands run after the service has stopped." },
        { "Service", "Restart", KIND(enum), SERVICE_FIELD(restart), (intptr_t) &service_restart_names, "no",
          .summary = "When to restart: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, "
                     "always." },
        { "Service", "RestartSec", KIND(timespan), SERVICE_FIELD(restart_sec), SEC, "100ms",
          .summary = "Time to wait before a restart." },
        { "Service", "TimeoutStartSec", KIND(timespan), SERVICE_FIELD(timeout_start), SEC, "90s",
          .summary = "Time a start may take; 0 or infinity: no limit." },
        { "Service", "TimeoutStopSec", KIND(timespan), SERVICE_FIELD(timeout_stop), SEC, "90s",
          .summary = "Time a stop may take before SIGKILL; 0 or infinity: no limit." },
        { "Service", "TimeoutSec", KIND(timeout_both), UNIT_FIELD(service), .flags = DIRECTIVE_NO_DUMP,
          .default_text = "90s", .summary = "Sets TimeoutStartSec= and TimeoutStopSec= at once." },
        { "Service", "StartLimitIntervalSec", KIND(timespan), UNIT_FIELD(start_limit_interval), SEC,
          .flags = DIRECTIVE_ALIAS, .summary = "As in [Unit]." },
        { "Service", "StartLimitInterval", KIND(timespan), UNIT_FIELD(start_limit_interval), SEC,
          .flags = DIRECTIVE_ALIAS, .summary = "Old name of StartLimitIntervalSec=." },
        { "Service", "StartLimitBurst", KIND(unsigned), UNIT_FIELD(start_limit_burst), 0,
          .flags = DIRECTIVE_ALIAS, .summary = "As in [Unit]." },
        { "Service", "KillMode", KIND(enum), SERVICE_FIELD(kill_mode), (intptr_t) &kill_mode_names,
          "control-group",
          .summary = "Which processes a stop signals: control-group (all), mixed, process (the main one).",
          .differs = "where sockactd cannot create cgroups, control-group (and mixed, for its SIGKILL) "
                     "reaches the process groups of the main and control processes only." },
        { "Service", "KillSignal", KIND(signal), SERVICE_FIELD(kill_signal), 0, "SIGTERM",
          .summary = "The signal that stops the service." },
        { "Service", "SendSIGKILL", KIND(bool), SERVICE_FIELD(send_sigkill), 0, "yes",
          .summary = "Send SIGKILL to what is left after TimeoutStopSec=." },
        { "Service", "User", KIND(string), SERVICE_FIELD(user), STRING_USER, .flags = DIRECTIVE_SPECIFIERS,
          .default_text = "the user sockactd runs as", .summary = "Run as this user (a name or a UID)." },
        { "Service", "Group", KIND(string), SERVICE_FIELD(group), STRING_USER, .flags = DIRECTIVE_SPECIFIERS,
          .default_text = "User='s group", .summary = "Run with this group (a name or a GID)." },
        { "Service", "SupplementaryGroups", KIND(strv), SERVICE_FIELD(supplementary_groups), STRING_USER,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "More groups, space-separated." },
        { "Service", "Environment", KIND(environment), SERVICE_FIELD(environment),
          .flags = DIRECTIVE_SPECIFIERS, .summary = "Quoted NAME=value assignments, space-separated." },
        { "Service", "EnvironmentFile", KIND(environment_file), UNIT_FIELD(service),
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "Read NAME=value lines from this file at each start; \"-\" first: the file may be "
                     "missing." },
        { "Service", "PassEnvironment", KIND(strv), SERVICE_FIELD(pass_environment), STRING_ENV_NAME,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "Variables passed on from sockactd's own environment." },
        { "Service", "UnsetEnvironment", KIND(strv), SERVICE_FIELD(unset_environment), STRING_ENV_UNSET,
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "Variables (NAME) or exact assignments (NAME=value) removed." },
        { "Service", "WorkingDirectory", KIND(working_directory), UNIT_FIELD(service),
          .flags = DIRECTIVE_SPECIFIERS, .default_text = "/",
          .summary = "An absolute path or \"~\"; \"-\" first: a missing directory is no error." },
        { "Service", "RootDirectory", KIND(string), SERVICE_FIELD(root_directory), STRING_ABSOLUTE_PATH,
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "chroot() into this directory before running the commands." },
        { "Service", "UMask", KIND(mode), SERVICE_FIELD(umask), 0, "0022",
          .summary = "The file mode creation mask." },
        { "Service", "Nice", KIND(nice), SERVICE_FIELD(nice), .default_text = "inherited from sockactd",
          .summary = "Scheduling priority, -20…19." },
        LIMIT("CPU", RLIMIT_CPU),
        LIMIT("FSIZE", RLIMIT_FSIZE),
        LIMIT("DATA", RLIMIT_DATA),
        LIMIT("STACK", RLIMIT_STACK),
        LIMIT("CORE", RLIMIT_CORE),
        LIMIT("RSS", RLIMIT_RSS),
        LIMIT("NOFILE", RLIMIT_NOFILE),
        LIMIT("AS", RLIMIT_AS),
        LIMIT("NPROC", RLIMIT_NPROC),
        LIMIT("MEMLOCK", RLIMIT_MEMLOCK),
        LIMIT("LOCKS", RLIMIT_LOCKS),
        LIMIT("SIGPENDING", RLIMIT_SIGPENDING),
        LIMIT("MSGQUEUE", RLIMIT_MSGQUEUE),
        LIMIT("NICE", RLIMIT_NICE),
        LIMIT("RTPRIO", RLIMIT_RTPRIO),
        LIMIT("RTTIME", RLIMIT_RTTIME),
        { "Service", "StandardInput", KIND(std_input), UNIT_FIELD(service), 0, "null",
          .flags = DIRECTIVE_SPECIFIERS,
          .summary = "null, socket (the connection, or with Accept=no the one listening socket) or "
                     "file:PATH." },
        { "Service", "StandardOutput", KIND(std_output), UNIT_FIELD(service), 0,
          .flags = DIRECTIVE_SPECIFIERS, .default_text = "inherit with StandardInput=socket, else journal",
          .summary = "inherit (as stdin), null, journal, socket, file:PATH, append:PATH or truncate:PATH." },
        { "Service", "StandardError", KIND(std_output), UNIT_FIELD(service), 1, "inherit",
          .flags = DIRECTIVE_SPECIFIERS,
          .summary =
                  "inherit (as stdout), null, journal, socket, file:PATH, append:PATH or truncate:PATH." },
        { "Service", "NonBlocking", KIND(bool), SERVICE_FIELD(non_blocking), 0, "no",
          .summary = "O_NONBLOCK on every socket fd passed to the service." },
        { "Service", "NotifyAccess", KIND(enum), SERVICE_FIELD(notify_access),
          (intptr_t) &notify_access_names,
          .default_text = "main with Type=notify, WatchdogSec= or FileDescriptorStoreMax=, else none",
          .summary = "Who may send sd_notify() messages: none, main, exec or all." },
        { "Service", "Sockets", KIND(strv), SERVICE_FIELD(sockets), STRING_SOCKET_NAME,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "More socket units whose fds the service gets." },
        { "Service", "FileDescriptorStoreMax", KIND(unsigned), SERVICE_FIELD(fd_store_max), 0, "0",
          .summary = "How many fds the service may keep in sockactd's fd store (FDSTORE=1)." },
        { "Service", "FileDescriptorStorePreserve", KIND(enum), SERVICE_FIELD(fd_store_preserve),
          (intptr_t) &fd_store_preserve_names, "restart",
          .summary = "Keep the fd store: no, restart (across restarts) or yes (also across stops)." },
        { "Service", "WatchdogSec", KIND(timespan), SERVICE_FIELD(watchdog_sec), SEC, "0",
          .summary = "The service must send WATCHDOG=1 this often, or it is killed with SIGABRT; 0: off." },
        { "Service", "RuntimeDirectory", KIND(strv), SERVICE_FIELD(runtime_directory), STRING_RELATIVE_DIR,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "Directories made below %t before each command runs." },
        { "Service", "RuntimeDirectoryMode", KIND(mode), SERVICE_FIELD(runtime_directory_mode), 0, "0755",
          .summary = "Mode of RuntimeDirectory= directories." },
        { "Service", "StateDirectory", KIND(strv), SERVICE_FIELD(state_directory), STRING_RELATIVE_DIR,
          .flags = DIRECTIVE_SPECIFIERS, .summary = "Directories made below %S before each command runs." },
        { "Service", "StateDirectoryMode", KIND(mode), SERVICE_FIELD(state_directory_mode), 0, "0755",
          .summary = "Mode of StateDirectory= directories." },
        { "Service", "NoNewPrivileges", KIND(bool), SERVICE_FIELD(no_new_privileges), 0, "no",
          .summary = "PR_SET_NO_NEW_PRIVS: the commands can never gain privileges." },
};
const size_t directive_table_size = ELEMENTSOF(directive_table);

/* [Unit] directives that only order or condition units in systemd's dependency graph. */
const char *const directive_unit_no_effect[] = {
        "After",
        "Before",
        "Wants",
        "Requires",
        "Requisite",
        "BindsTo",
        "PartOf",
        "Upholds",
        "Conflicts",
        "OnFailure",
        "OnSuccess",
        "OnFailureJobMode",
        "OnSuccessJobMode",
        "PropagatesReloadTo",
        "ReloadPropagatedFrom",
        "PropagatesStopTo",
        "StopPropagatedFrom",
        "JoinsNamespaceOf",
        "RequiresMountsFor",
        "DefaultDependencies",
        "IgnoreOnIsolate",
        "StopWhenUnneeded",
        "RefuseManualStart",
        "RefuseManualStop",
        "AllowIsolate",
        "CollectMode",
        "SourcePath",
        NULL,
};

/* Condition<X>= and Assert<X>= of systemd 252. */
const char *const directive_conditions[] = {
        "ACPower",
        "Architecture",
        "CPUFeature",
        "CPUPressure",
        "CPUs",
        "Capability",
        "ControlGroupController",
        "Credential",
        "DirectoryNotEmpty",
        "Environment",
        "FileIsExecutable",
        "FileNotEmpty",
        "Firmware",
        "FirstBoot",
        "Group",
        "Host",
        "IOPressure",
        "KernelCommandLine",
        "KernelVersion",
        "Memory",
        "MemoryPressure",
        "NeedsUpdate",
        "OSRelease",
        "PathExists",
        "PathExistsGlob",
        "PathIsDirectory",
        "PathIsEncrypted",
        "PathIsMountPoint",
        "PathIsReadWrite",
        "PathIsSymbolicLink",
        "Security",
        "User",
        "Virtualization",
        NULL,
};

const char *const directive_install_no_effect[] = {
        "Alias", "WantedBy", "RequiredBy", "UpheldBy", "Also", "DefaultInstance", NULL,
};

/* systemd directives of systemd.exec(5), .kill(5), .service(5), .socket(5) and .unit(5) that
 * sockact does not implement: a unit that asks for one is refused rather than run without it. */
const char *const directive_refused_systemd[] = {
        "AmbientCapabilities",
        "AppArmorProfile",
        "BindPaths",
        "BindReadOnlyPaths",
        "BusName",
        "CPUAffinity",
        "CPUSchedulingPolicy",
        "CPUSchedulingPriority",
        "CPUSchedulingResetOnFork",
        "CacheDirectory",
        "CacheDirectoryMode",
        "CapabilityBoundingSet",
        "ConfigurationDirectory",
        "ConfigurationDirectoryMode",
        "CoredumpFilter",
        "DynamicUser",
        "ExecCondition",
        "ExecPaths",
        "ExecSearchPath",
        "ExitType",
        "ExtensionDirectories",
        "ExtensionImages",
        "FailureAction",
        "FailureActionExitStatus",
        "FinalKillSignal",
        "IOSchedulingClass",
        "IOSchedulingPriority",
        "IPCNamespacePath",
        "IgnoreSIGPIPE",
        "InaccessiblePaths",
        "JobRunningTimeoutSec",
        "JobTimeoutAction",
        "JobTimeoutRebootArgument",
        "JobTimeoutSec",
        "KeyringMode",
        "ListenUSBFunction",
        "LoadCredential",
        "LockPersonality",
        "LogExtraFields",
        "LogLevelMax",
        "LogNamespace",
        "LogRateLimitBurst",
        "LogRateLimitIntervalSec",
        "LogsDirectory",
        "LogsDirectoryMode",
        "MemoryDenyWriteExecute",
        "MountAPIVFS",
        "MountFlags",
        "MountImages",
        "NUMAMask",
        "NUMAPolicy",
        "NetworkNamespacePath",
        "NoExecPaths",
        "OOMPolicy",
        "OOMScoreAdjust",
        "PAMName",
        "Personality",
        "PrivateDevices",
        "PrivateIPC",
        "PrivateMounts",
        "PrivateNetwork",
        "PrivateTmp",
        "PrivateUsers",
        "ProcSubset",
        "ProtectClock",
        "ProtectControlGroups",
        "ProtectHome",
        "ProtectHostname",
        "ProtectKernelLogs",
        "ProtectKernelModules",
        "ProtectKernelTunables",
        "ProtectProc",
        "ProtectSystem",
        "ReadOnlyPaths",
        "ReadWritePaths",
        "RebootArgument",
        "RemainAfterExit",
        "RemoveIPC",
        "RestartForceExitStatus",
        "RestartKillSignal",
        "RestartPreventExitStatus",
        "RestrictAddressFamilies",
        "RestrictFileSystems",
        "RestrictNamespaces",
        "RestrictRealtime",
        "RestrictSUIDSGID",
        "RootDirectoryStartOnly",
        "RootHash",
        "RootHashSignature",
        "RootImage",
        "RootImageOptions",
        "RootVerity",
        "RuntimeDirectoryPreserve",
        "RuntimeMaxSec",
        "RuntimeRandomizedExtraSec",
        "SELinuxContext",
        "SELinuxContextFromNet",
        "SecureBits",
        "SendSIGHUP",
        "SetCredential",
        "SmackLabel",
        "SmackLabelIPIn",
        "SmackLabelIPOut",
        "SmackProcessLabel",
        "StandardInputData",
        "StandardInputText",
        "StartLimitAction",
        "SuccessAction",
        "SuccessActionExitStatus",
        "SuccessExitStatus",
        "SyslogFacility",
        "SyslogIdentifier",
        "SyslogLevel",
        "SyslogLevelPrefix",
        "SystemCallArchitectures",
        "SystemCallErrorNumber",
        "SystemCallFilter",
        "SystemCallLog",
        "TTYColumns",
        "TTYPath",
        "TTYReset",
        "TTYRows",
        "TTYVHangup",
        "TTYVTDisallocate",
        "TemporaryFileSystem",
        "TimeoutAbortSec",
        "TimeoutCleanSec",
        "TimeoutStartFailureMode",
        "TimeoutStopFailureMode",
        "TimerSlackNSec",
        "USBFunctionDescriptors",
        "USBFunctionStrings",
        "UtmpIdentifier",
        "UtmpMode",
        "WatchdogSignal",
        NULL,
};

static bool in_list(const char *const *list, const char *name)
{
        for (; *list; list++)
                if (streq(*list, name))
                        return true;
        return false;
}

const struct directive *directive_find(const char *section, const char *name)
{
        for (size_t i = 0; i < directive_table_size; i++)
                if (streq(directive_table[i].name, name) && streq(directive_table[i].section, section))
                        return &directive_table[i];
        return NULL;
}

bool directive_is_no_effect(const char *section, const char *name)
{
        const char *condition;

        if (streq(section, "Install"))
                return in_list(directive_install_no_effect, name);
        if (!streq(section, "Unit"))
                return false;
        condition = startswith(name, "Condition");
        if (!condition)
                condition = startswith(name, "Assert");
        return in_list(directive_unit_no_effect, name) ||
               (condition && in_list(directive_conditions, condition));
}

bool directive_is_refused_systemd(const char *name)
{
        return in_list(directive_refused_systemd, name);
}

unsigned directive_line(const struct unit *u, const char *section, const char *name)
{
        const struct directive *d = directive_find(section, name);
        return d ? u->lines[directive_index(d)] : 0;
}

size_t directive_index(const struct directive *d)
{
        return (size_t) (d - directive_table);
}

bool directive_section_applies(const char *section, enum unit_type type)
{
        if (streq(section, "Unit") || streq(section, "Install"))
                return true;
        return streq(section, type == UNIT_SOCKET ? "Socket" : "Service");
}

int directive_error(const struct directive_call *call, const char *format, ...)
{
        char prefix[128];
        va_list ap;
        int r;

        snprintf(prefix, sizeof(prefix), "%s=: ", call->directive->name);
        va_start(ap, format);
        r = diag_addv(call->diag, call->path, call->line, prefix, format, ap);
        va_end(ap);
        return r < 0 ? r : -EINVAL;
}

int directive_invalid(const struct directive_call *call, const char *what, const char *value,
                      const char *format, ...)
{
        _cleanup_free_ char *rest = NULL;
        size_t n = strlen(value);
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&rest, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (n <= DIRECTIVE_ECHO_MAX)
                return directive_error(call, "invalid %s \"%s\"%s", what, value, rest);
        return directive_error(call, "invalid %s \"%.*s…\"%s", what, DIRECTIVE_ECHO_MAX, value, rest);
}

int directive_words(const struct directive_call *call, const char *value, unsigned flags, char ***ret)
{
        _cleanup_strv_free_ char **words = NULL;
        const char *p = value, *reason = NULL;
        char *word;
        int r;

        while ((r = words_next(&p, flags, &word, &reason)) > 0) {
                _cleanup_free_ char *raw = word;
                char *expanded;

                r = directive_expand(call, raw, &expanded);
                if (r < 0)
                        return r;
                r = strv_consume(&words, expanded);
                if (r < 0)
                        return r;
        }
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return directive_invalid(call, "value", value, ": %s", reason);
        *ret = TAKE_PTR(words);
        return 0;
}

int directive_expand(const struct directive_call *call, const char *s, char **ret)
{
        const char *reason = NULL;
        char *copy;
        int r;

        if (!(call->directive->flags & DIRECTIVE_SPECIFIERS) || !call->specifiers) {
                copy = strdup(s);
                if (!copy)
                        return -ENOMEM;
                *ret = copy;
                return 0;
        }
        r = specifier_expand(s, call->specifiers, ret, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return directive_error(call, "\"%s\": %s", s, reason);
        return 0;
}
