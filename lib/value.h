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

#define USEC_INFINITY    UINT64_MAX
#define USEC_PER_SEC     UINT64_C(1000000)
#define USEC_PER_MSEC    UINT64_C(1000)
#define VALUE_FORMAT_MAX 64 /* every formatter fits its output, NUL included, in this many bytes */

/* 1 yes y true t on / 0 no n false f off, case-insensitive. */
int value_parse_bool(const char *s, bool *ret);

/* Decimal only: no '+', no whitespace, no "0x", no leading zero but "0" itself; value_parse_int() also
 * takes a leading '-'. systemd's safe_atou() reads "010" as octal and "0x10" as hex (strtoul(…, 0));
 * sockact refuses those forms as ambiguous. Out of the type's range is -ERANGE. */
int value_parse_unsigned(const char *s, unsigned *ret);
int value_parse_uint64(const char *s, uint64_t *ret);
int value_parse_int(const char *s, int *ret);

/* systemd.time(7) time spans: "90", "5min 20s", "5min20s", "1.5h", "100ms", "infinity"; a bare number is
 * in default_unit (USEC_PER_SEC for *Sec= directives). "infinity" gives USEC_INFINITY. Units are
 * case-sensitive ("m" minutes, "M" months); a negative span is -ERANGE, and so is a term of 2^63 or more,
 * or of ⌊2^64 / unit⌋ units or more, as in systemd. sockact refuses a '+' before a term. */
int value_parse_timespan(const char *s, uint64_t default_unit, uint64_t *ret);
/* Exact text in units d h min s ms us, largest first: "0", "100ms", "1min 30s", "1ms 500us", "infinity". */
void value_format_timespan(uint64_t usec, char buf[VALUE_FORMAT_MAX]);

/* Byte sizes with base-1024 suffixes B K M G T P E, case-sensitive (parse_size(…, 1024)): "4096", "64K",
 * "1.5M", "1G 512M". No "infinity" (the caller decides what that means). Written back with the largest
 * suffix that divides exactly, else in bytes. */
int value_parse_size(const char *s, uint64_t *ret);
void value_format_size(uint64_t bytes, char buf[VALUE_FORMAT_MAX]);

/* Octal file mode, at most 07777: "0660", "660"; written as four digits ("0644"). */
int value_parse_mode(const char *s, mode_t *ret);
void value_format_mode(mode_t mode, char buf[VALUE_FORMAT_MAX]);

/* "SIGTERM", "TERM", "15" (1…_NSIG-1), "SIGRTMIN+3", "RTMIN+3", "SIGRTMAX-1"; names are case-sensitive.
 * Written as "SIGTERM", "SIGRTMIN+3", or the number for 32 and 33 (below glibc's SIGRTMIN). */
int value_parse_signal(const char *s, int *ret);
void value_format_signal(int sig, char buf[VALUE_FORMAT_MAX]);

/* Nice level -20…19 (decimal; no '+'). */
int value_parse_nice(const char *s, int *ret);

/* IPTOS= names low-delay, throughput, reliability, low-cost, or 0…255. */
int value_parse_ip_tos(const char *s, int *ret);
void value_format_ip_tos(int tos, char buf[VALUE_FORMAT_MAX]);

/* Limit*= of systemd.exec(5): "soft:hard" or one value for both, "infinity"; byte suffixes for
 * the byte-sized limits, time spans for LimitCPU (bare number in seconds, rounded up to whole seconds)
 * and LimitRTTIME (bare number in usec); LimitNICE takes a nice level "+n"/"-n" (stored as 20 - level)
 * or the raw 0…40, and no "infinity". A soft limit above the hard one is -EINVAL.
 * resource is RLIMIT_*; any other is -EINVAL. */
int value_parse_rlimit(int resource, const char *s, struct rlimit *ret);
void value_format_rlimit(int resource, const struct rlimit *rl, char buf[VALUE_FORMAT_MAX]);
/* The Limit*= directive name of a resource ("LimitNOFILE"), or NULL. */
const char *value_rlimit_name(int resource);

/* A user or group name as systemd accepts it for User=/Group= (valid_user_group_name() in its
 * relaxed form: UTF-8, no control characters, ':' or '/', no space at either end, not "." or "..", not
 * all digits), or a numeric id 0…4294967294 that is not 65535. sockact also refuses a leading '-' and
 * names longer than 255 bytes. */
bool value_user_name_is_valid(const char *s);
/* A name in $LISTEN_FDNAMES (FileDescriptorName=, FDNAME=): 1 to VALUE_FD_NAME_MAX printable ASCII
 * characters, without ':', which separates the names. */
#define VALUE_FD_NAME_MAX 255
bool value_fd_name_is_valid(const char *s);
