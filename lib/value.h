/* Scalar values of unit files, read exactly as systemd reads them: booleans, numbers, time
 * spans, byte sizes, file modes, signals, resource limits, nice levels, IP TOS, user names.
 * Pure functions: no logging, no state. Each parser returns 0 or -EINVAL (not of that kind) /
 * -ERANGE (of that kind but out of range), and writes *ret only on success.
 * Each formatter writes the canonical text that its parser reads back to the same value. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define USEC_INFINITY   UINT64_MAX
#define USEC_PER_SEC    UINT64_C(1000000)
#define USEC_PER_MSEC   UINT64_C(1000)
#define VALUE_FORMAT_MAX 64 /* every formatter fits its output, NUL included, in this many bytes */

/* 1 yes y true t on / 0 no n false f off, case-insensitive. */
int value_parse_bool(const char *s, bool *ret);

/* Decimal only, no sign, no leading '+' or whitespace, no "0x": systemd's safe_atou() also takes
 * octal and hex through strtoul(…, 0); sockact refuses those forms as ambiguous. */
int value_parse_unsigned(const char *s, unsigned *ret);
int value_parse_uint64(const char *s, uint64_t *ret);
int value_parse_int(const char *s, int *ret);

/* systemd.time(7) time spans: "90", "5min 20s", "1.5h", "100ms", "infinity"; a bare number is
 * in default_unit (USEC_PER_SEC for *Sec= directives). "infinity" gives USEC_INFINITY. */
int value_parse_timespan(const char *s, uint64_t default_unit, uint64_t *ret);
/* Shortest exact text: "0", "100ms", "1min 30s", "infinity". */
void value_format_timespan(uint64_t usec, char buf[VALUE_FORMAT_MAX]);

/* Byte sizes with base-1024 suffixes K M G T P E (parse_size(…, 1024)): "4096", "64K", "1.5M". */
int value_parse_size(const char *s, uint64_t *ret);
void value_format_size(uint64_t bytes, char buf[VALUE_FORMAT_MAX]);

/* Octal file mode, at most 07777: "0660", "660". */
int value_parse_mode(const char *s, mode_t *ret);
void value_format_mode(mode_t mode, char buf[VALUE_FORMAT_MAX]);

/* "SIGTERM", "TERM", "15", "SIGRTMIN+3", "RTMIN+3", "SIGRTMAX-1". */
int value_parse_signal(const char *s, int *ret);
void value_format_signal(int sig, char buf[VALUE_FORMAT_MAX]);

/* Nice level -20…19. */
int value_parse_nice(const char *s, int *ret);

/* IPTOS= names low-delay, throughput, reliability, low-cost, or 0…255. */
int value_parse_ip_tos(const char *s, int *ret);
void value_format_ip_tos(int tos, char buf[VALUE_FORMAT_MAX]);

/* Limit*= of systemd.exec(5): "soft:hard" or one value for both, "infinity"; byte suffixes for
 * the byte-sized limits, time spans for LimitCPU (seconds) and LimitRTTIME (usec).
 * resource is RLIMIT_*. */
int value_parse_rlimit(int resource, const char *s, struct rlimit *ret);
void value_format_rlimit(int resource, const struct rlimit *rl, char buf[VALUE_FORMAT_MAX]);
/* The Limit*= directive name of a resource ("LimitNOFILE"), or NULL. */
const char *value_rlimit_name(int resource);

/* A user or group name as systemd accepts it for User=/Group= (valid_user_group_name() in its
 * relaxed form), or a numeric id 0…4294967294 that is not 65535. */
bool value_user_name_is_valid(const char *s);
