/* Scalar values of unit files (booleans, numbers, time spans, sizes, modes, signals, nice levels,
 * IP TOS, resource limits, user names), read as systemd 252 reads them and written back canonically.
 * Pure code: no logging, no allocation, no state; every table is const.
 * Invariant: a parser writes *ret only when it returns 0, and every formatter's text parses back to
 * the value it was given. Where sockact is deliberately stricter than systemd, the comment says so. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/ip.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>

#include "util.h"
#include "value.h"

#define USEC_PER_MINUTE (UINT64_C(60) * USEC_PER_SEC)
#define USEC_PER_HOUR   (UINT64_C(60) * USEC_PER_MINUTE)
#define USEC_PER_DAY    (UINT64_C(24) * USEC_PER_HOUR)
#define USEC_PER_WEEK   (UINT64_C(7) * USEC_PER_DAY)
#define USEC_PER_MONTH  (UINT64_C(2629800) * USEC_PER_SEC)  /* 30.44 days */
#define USEC_PER_YEAR   (UINT64_C(31557600) * USEC_PER_SEC) /* 365.25 days */

/* Longest half of a Limit*= value ("soft" in "soft:hard") that we copy out to parse it. */
#define RLIMIT_HALF_MAX 256
/* Longest user name sockact takes (NAME_MAX, as for a home directory); systemd's relaxed check has none. */
#define USER_NAME_MAX 255

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* Decimal digits only, no sign, no whitespace, no leading zero except "0" itself; at most max. */
static int parse_decimal(const char *s, uint64_t max, uint64_t *ret)
{
        uint64_t v = 0;
        bool overflow = false;

        if (isempty(s) || (s[0] == '0' && s[1] != '\0'))
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (!is_digit(*p))
                        return -EINVAL;
                if (v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        overflow = true;
                else
                        v = v * 10 + (uint64_t) (*p - '0');
        }
        if (overflow || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int value_parse_bool(const char *s, bool *ret)
{
        static const struct {
                const char *text;
                bool value;
        } table[] = {
                { "1", true },  { "yes", true },    { "y", true },  { "true", true },
                { "t", true },  { "on", true },     { "0", false }, { "no", false },
                { "n", false }, { "false", false }, { "f", false }, { "off", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (strcasecmp(s, table[i].text) == 0) {
                        *ret = table[i].value;
                        return 0;
                }
        return -EINVAL;
}

int value_parse_unsigned(const char *s, unsigned *ret)
{
        uint64_t v;
        int r = parse_decimal(s, UINT_MAX, &v);

        if (r < 0)
                return r;
        *ret = (unsigned) v;
        return 0;
}

int value_parse_uint64(const char *s, uint64_t *ret)
{
        return parse_decimal(s, UINT64_MAX, ret);
}

int value_parse_int(const char *s, int *ret)
{
        bool negative = s[0] == '-';
        uint64_t v;
        int r = parse_decimal(s + negative, negative ? (uint64_t) INT_MAX + 1 : (uint64_t) INT_MAX, &v);

        if (r < 0)
                return r;
        *ret = negative ? (int) (-(int64_t) v) : (int) v;
        return 0;
}

/* Time spans. Unit names, in systemd's matching order: the first prefix that matches wins, so the
 * longer names come before their own prefixes ("msec" and "ms" before "m", "M" is months). */
static const struct {
        const char *name;
        uint64_t usec;
} time_units[] = {
        { "seconds", USEC_PER_SEC },
        { "second", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },
        { "minutes", USEC_PER_MINUTE },
        { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },
        { "months", USEC_PER_MONTH },
        { "month", USEC_PER_MONTH },
        { "M", USEC_PER_MONTH },
        { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },
        { "m", USEC_PER_MINUTE },
        { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },
        { "hr", USEC_PER_HOUR },
        { "h", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },
        { "day", USEC_PER_DAY },
        { "d", USEC_PER_DAY },
        { "weeks", USEC_PER_WEEK },
        { "week", USEC_PER_WEEK },
        { "w", USEC_PER_WEEK },
        { "years", USEC_PER_YEAR },
        { "year", USEC_PER_YEAR },
        { "y", USEC_PER_YEAR },
        { "usec", 1 },
        { "us", 1 },
        { "\xc2\xb5s", 1 }, /* U+00B5 MICRO SIGN, as systemd 252 */
        { "\xce\xbcs", 1 }, /* U+03BC GREEK SMALL LETTER MU, as later systemd */
};

/* What the formatter writes: exact units only, largest first. */
static const struct {
        const char *name;
        uint64_t usec;
} time_format_units[] = {
        { "d", USEC_PER_DAY }, { "h", USEC_PER_HOUR },  { "min", USEC_PER_MINUTE },
        { "s", USEC_PER_SEC }, { "ms", USEC_PER_MSEC }, { "us", 1 },
};

static const char *time_unit_match(const char *p, uint64_t *ret_usec)
{
        for (size_t i = 0; i < ELEMENTSOF(time_units); i++) {
                const char *e = startswith(p, time_units[i].name);

                if (e) {
                        *ret_usec = time_units[i].usec;
                        return e;
                }
        }
        return NULL;
}

/* As systemd's parse_time(): a sum of "<number>[.<digits>][ ]<unit>" terms, whitespace between terms
 * optional; a term without a unit is in default_unit; fractions are cut (not rounded) per digit as systemd
 * does. sockact refuses a leading '+' on a term, which systemd's strtoll() lets through. */
int value_parse_timespan(const char *s, uint64_t default_unit, uint64_t *ret)
{
        const char *p = s + strspn(s, WHITESPACE), *e;
        uint64_t usec = 0;
        bool something = false;

        if (default_unit == 0)
                return -EINVAL;

        e = startswith(p, "infinity");
        if (e) {
                if (e[strspn(e, WHITESPACE)] != '\0')
                        return -EINVAL;
                *ret = USEC_INFINITY;
                return 0;
        }

        for (;;) {
                uint64_t whole = 0, multiplier = default_unit, k;
                const char *digits, *fraction = NULL, *unit;

                p += strspn(p, WHITESPACE);
                if (*p == '\0')
                        break;
                if (*p == '-')
                        return -ERANGE;

                for (digits = p; is_digit(*p); p++) {
                        if (whole > (INT64_MAX - (uint64_t) (*p - '0')) / 10)
                                return -ERANGE; /* systemd reads each number as a long long */
                        whole = whole * 10 + (uint64_t) (*p - '0');
                }
                if (*p == '.') {
                        fraction = ++p;
                        p += strspn(p, "0123456789");
                        if (p == fraction) /* "3.", "3.s", "3. 1" */
                                return -EINVAL;
                } else if (p == digits)
                        return -EINVAL;

                unit = p + strspn(p, WHITESPACE);
                e = time_unit_match(unit, &multiplier);
                if (e)
                        p = e;
                else if (unit == p && *p != '\0') /* "12.34.56", "5x"; but "5 6" is two terms */
                        return -EINVAL;

                if (whole >= USEC_INFINITY / multiplier)
                        return -ERANGE;
                k = whole * multiplier;
                if (k >= USEC_INFINITY - usec)
                        return -ERANGE;
                usec += k;

                if (fraction) {
                        uint64_t m = multiplier / 10;

                        for (const char *b = fraction; is_digit(*b); b++, m /= 10) {
                                k = (uint64_t) (*b - '0') * m;
                                if (k >= USEC_INFINITY - usec)
                                        return -ERANGE;
                                usec += k;
                        }
                }
                something = true;
        }

        if (!something)
                return -EINVAL;
        *ret = usec;
        return 0;
}

void value_format_timespan(uint64_t usec, char buf[VALUE_FORMAT_MAX])
{
        size_t n = 0;

        if (usec == USEC_INFINITY) {
                snprintf(buf, VALUE_FORMAT_MAX, "infinity");
                return;
        }
        if (usec == 0) {
                snprintf(buf, VALUE_FORMAT_MAX, "0");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(time_format_units) && usec > 0; i++) {
                uint64_t count = usec / time_format_units[i].usec;

                if (count == 0)
                        continue;
                /* The parser refuses such a term (as systemd does), so the next unit takes one. */
                if (count >= USEC_INFINITY / time_format_units[i].usec)
                        count--;
                /* At most "213503981d 32h 1min 49s 551ms 614us": 37 bytes, always fits. */
                n += (size_t) snprintf(buf + n, VALUE_FORMAT_MAX - n, "%s%" PRIu64 "%s", n > 0 ? " " : "",
                                       count, time_format_units[i].name);
                usec -= count * time_format_units[i].usec;
        }
}

/* Byte sizes: suffixes as powers of 1024, case-sensitive, in the order a sum must use them. */
static const struct {
        const char *suffix;
        unsigned shift;
} size_units[] = {
        { "E", 60 }, { "P", 50 }, { "T", 40 }, { "G", 30 }, { "M", 20 }, { "K", 10 }, { "B", 0 }, { "", 0 },
};

/* floor(numerator * 2^shift / denominator) for numerator < denominator <= 10^18: binary long division,
 * exact where systemd goes through a double. */
static uint64_t scale_fraction(uint64_t numerator, uint64_t denominator, unsigned shift)
{
        uint64_t quotient = 0;

        for (unsigned i = 0; i < shift; i++) {
                numerator <<= 1;
                quotient <<= 1;
                if (numerator >= denominator) {
                        numerator -= denominator;
                        quotient |= 1;
                }
        }
        return quotient;
}

/* As systemd's parse_size(…, 1024): "<number>[.<digits>][ ][suffix]" terms with strictly decreasing
 * suffixes ("1G 512M"); "10." and "10.K" are accepted as systemd does; fraction digits past the 18th are
 * read but do not count. sockact refuses a leading '+' and accepts trailing whitespace after a suffix. */
int value_parse_size(const char *s, uint64_t *ret)
{
        const char *p = s;
        uint64_t total = 0;
        size_t next_unit = 0;

        do {
                uint64_t whole = 0, numerator = 0, denominator = 1, factor, k;
                const char *digits;
                size_t i;

                p += strspn(p, WHITESPACE);
                if (*p == '-')
                        return is_digit(p[1]) ? -ERANGE : -EINVAL;
                for (digits = p; is_digit(*p); p++) {
                        if (whole > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                                return -ERANGE;
                        whole = whole * 10 + (uint64_t) (*p - '0');
                }
                if (p == digits)
                        return -EINVAL;
                if (*p == '.')
                        for (p++; is_digit(*p); p++)
                                if (denominator <= UINT64_C(100000000000000000)) {
                                        numerator = numerator * 10 + (uint64_t) (*p - '0');
                                        denominator *= 10;
                                }

                p += strspn(p, WHITESPACE);
                for (i = next_unit; i < ELEMENTSOF(size_units); i++)
                        if (startswith(p, size_units[i].suffix))
                                break;
                if (i >= ELEMENTSOF(size_units))
                        return -EINVAL;

                factor = UINT64_C(1) << size_units[i].shift;
                if (whole + (numerator > 0) > UINT64_MAX / factor)
                        return -ERANGE;
                k = whole * factor + scale_fraction(numerator, denominator, size_units[i].shift);
                if (k > UINT64_MAX - total)
                        return -ERANGE;
                total += k;

                p += strlen(size_units[i].suffix);
                p += strspn(p, WHITESPACE);
                next_unit = i + 1;
        } while (*p);

        *ret = total;
        return 0;
}

void value_format_size(uint64_t bytes, char buf[VALUE_FORMAT_MAX])
{
        for (size_t i = 0; bytes > 0 && size_units[i].shift > 0; i++)
                if (bytes % (UINT64_C(1) << size_units[i].shift) == 0) {
                        snprintf(buf, VALUE_FORMAT_MAX, "%" PRIu64 "%s", bytes >> size_units[i].shift,
                                 size_units[i].suffix);
                        return;
                }
        snprintf(buf, VALUE_FORMAT_MAX, "%" PRIu64, bytes);
}

/* Octal digits only: systemd's parse_mode() also skips leading whitespace, sockact does not. */
int value_parse_mode(const char *s, mode_t *ret)
{
        unsigned mode = 0;

        if (isempty(s))
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '7')
                        return -EINVAL;
                if (mode <= 07777) /* stays above once above, without overflowing */
                        mode = mode * 8 + (unsigned) (*p - '0');
        }
        if (mode > 07777)
                return -ERANGE;
        *ret = (mode_t) mode;
        return 0;
}

void value_format_mode(mode_t mode, char buf[VALUE_FORMAT_MAX])
{
        snprintf(buf, VALUE_FORMAT_MAX, "%04o", (unsigned) mode);
}

/* The names systemd knows, without "SIG"; case-sensitive. SIGRTMIN is glibc's (34), not the kernel's. */
static const char *const signal_names[] = {
        [SIGHUP] = "HUP",       [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP",     [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
        [SIGKILL] = "KILL",     [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE",     [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",
#ifdef SIGSTKFLT
        [SIGSTKFLT] = "STKFLT",
#endif
        [SIGCHLD] = "CHLD",     [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN",     [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ",     [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",         [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" with n decimal and within the realtime range. */
static int parse_realtime_signal(const char *s, int *ret)
{
        uint64_t n = 0;
        const char *rest;
        int r;

        rest = startswith(s, "RTMIN");
        if (rest) {
                if (*rest != '\0') {
                        if (*rest != '+')
                                return -EINVAL;
                        r = parse_decimal(rest + 1, (uint64_t) (SIGRTMAX - SIGRTMIN), &n);
                        if (r < 0)
                                return r;
                }
                *ret = SIGRTMIN + (int) n;
                return 0;
        }
        rest = startswith(s, "RTMAX");
        if (rest) {
                if (*rest != '\0') {
                        if (*rest != '-')
                                return -EINVAL;
                        r = parse_decimal(rest + 1, (uint64_t) (SIGRTMAX - SIGRTMIN), &n);
                        if (r < 0)
                                return r;
                }
                *ret = SIGRTMAX - (int) n;
                return 0;
        }
        return -EINVAL;
}

int value_parse_signal(const char *s, int *ret)
{
        const char *name;
        int sig, r;

        if (is_digit(s[0]) || s[0] == '-') {
                r = value_parse_int(s, &sig);
                if (r < 0)
                        return r;
                if (sig < 1 || sig >= _NSIG)
                        return -ERANGE;
                *ret = sig;
                return 0;
        }

        name = startswith(s, "SIG");
        if (!name)
                name = s;
        for (size_t i = 1; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && streq(name, signal_names[i])) {
                        *ret = (int) i;
                        return 0;
                }
        return parse_realtime_signal(name, ret);
}

void value_format_signal(int sig, char buf[VALUE_FORMAT_MAX])
{
        if (sig > 0 && (size_t) sig < ELEMENTSOF(signal_names) && signal_names[sig])
                snprintf(buf, VALUE_FORMAT_MAX, "SIG%s", signal_names[sig]);
        else if (sig == SIGRTMIN)
                snprintf(buf, VALUE_FORMAT_MAX, "SIGRTMIN");
        else if (sig > SIGRTMIN && sig <= SIGRTMAX)
                snprintf(buf, VALUE_FORMAT_MAX, "SIGRTMIN+%d", sig - SIGRTMIN);
        else
                snprintf(buf, VALUE_FORMAT_MAX, "%d", sig);
}

int value_parse_nice(const char *s, int *ret)
{
        int nice, r = value_parse_int(s, &nice);

        if (r < 0)
                return r;
        if (nice < -20 || nice > 19)
                return -ERANGE;
        *ret = nice;
        return 0;
}

static const struct {
        const char *name;
        int tos;
} ip_tos_names[] = {
        { "low-delay", IPTOS_LOWDELAY },
        { "throughput", IPTOS_THROUGHPUT },
        { "reliability", IPTOS_RELIABILITY },
        { "low-cost", IPTOS_LOWCOST },
};

int value_parse_ip_tos(const char *s, int *ret)
{
        uint64_t v;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(ip_tos_names); i++)
                if (streq(s, ip_tos_names[i].name)) {
                        *ret = ip_tos_names[i].tos;
                        return 0;
                }
        r = parse_decimal(s, 255, &v);
        if (r < 0)
                return r;
        *ret = (int) v;
        return 0;
}

void value_format_ip_tos(int tos, char buf[VALUE_FORMAT_MAX])
{
        for (size_t i = 0; i < ELEMENTSOF(ip_tos_names); i++)
                if (ip_tos_names[i].tos == tos) {
                        snprintf(buf, VALUE_FORMAT_MAX, "%s", ip_tos_names[i].name);
                        return;
                }
        snprintf(buf, VALUE_FORMAT_MAX, "%d", tos);
}

/* Resource limits: how each Limit*= value is read, as systemd's rlimit_parse_one() does. */
typedef enum RlimitKind {
        RLIMIT_KIND_COUNT,   /* plain number */
        RLIMIT_KIND_BYTES,   /* value_parse_size() */
        RLIMIT_KIND_SECONDS, /* time span, bare number in seconds, rounded up to whole seconds */
        RLIMIT_KIND_USEC,    /* time span, bare number in microseconds */
        RLIMIT_KIND_NICE,    /* "+n"/"-n" nice level, or raw 0…40; no "infinity" */
} RlimitKind;

static const struct {
        const char *name;
        RlimitKind kind;
} rlimits[] = {
        [RLIMIT_CPU] = { "LimitCPU", RLIMIT_KIND_SECONDS },
        [RLIMIT_FSIZE] = { "LimitFSIZE", RLIMIT_KIND_BYTES },
        [RLIMIT_DATA] = { "LimitDATA", RLIMIT_KIND_BYTES },
        [RLIMIT_STACK] = { "LimitSTACK", RLIMIT_KIND_BYTES },
        [RLIMIT_CORE] = { "LimitCORE", RLIMIT_KIND_BYTES },
        [RLIMIT_RSS] = { "LimitRSS", RLIMIT_KIND_BYTES },
        [RLIMIT_NOFILE] = { "LimitNOFILE", RLIMIT_KIND_COUNT },
        [RLIMIT_AS] = { "LimitAS", RLIMIT_KIND_BYTES },
        [RLIMIT_NPROC] = { "LimitNPROC", RLIMIT_KIND_COUNT },
        [RLIMIT_MEMLOCK] = { "LimitMEMLOCK", RLIMIT_KIND_BYTES },
        [RLIMIT_LOCKS] = { "LimitLOCKS", RLIMIT_KIND_COUNT },
        [RLIMIT_SIGPENDING] = { "LimitSIGPENDING", RLIMIT_KIND_COUNT },
        [RLIMIT_MSGQUEUE] = { "LimitMSGQUEUE", RLIMIT_KIND_BYTES },
        [RLIMIT_NICE] = { "LimitNICE", RLIMIT_KIND_NICE },
        [RLIMIT_RTPRIO] = { "LimitRTPRIO", RLIMIT_KIND_COUNT },
        [RLIMIT_RTTIME] = { "LimitRTTIME", RLIMIT_KIND_USEC },
};

const char *value_rlimit_name(int resource)
{
        if (resource < 0 || (size_t) resource >= ELEMENTSOF(rlimits))
                return NULL;
        return rlimits[resource].name;
}

/* Linux has at most 20 - PRIO_MIN = 40 for RLIMIT_NICE, nice level n being 20 - n. The kernel's default 0
 * is no nice level at all, so, as systemd, "+n" takes 0…19, "-n" 0…20 and a raw value 0…40. */
static int parse_rlimit_nice(const char *s, rlim_t *ret)
{
        uint64_t v;
        int r;

        if (s[0] == '+' || s[0] == '-') {
                r = parse_decimal(s + 1, s[0] == '+' ? 19 : 20, &v);
                if (r < 0)
                        return r;
                *ret = s[0] == '+' ? 20 - v : 20 + v;
                return 0;
        }
        r = parse_decimal(s, 40, &v);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

static int parse_rlimit_one(RlimitKind kind, const char *s, rlim_t *ret)
{
        uint64_t v;
        int r;

        if (kind == RLIMIT_KIND_NICE)
                return parse_rlimit_nice(s, ret);
        if (streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }

        if (kind == RLIMIT_KIND_SECONDS || kind == RLIMIT_KIND_USEC) {
                r = value_parse_timespan(s, kind == RLIMIT_KIND_SECONDS ? USEC_PER_SEC : 1, &v);
                if (r < 0)
                        return r;
                if (v == USEC_INFINITY) /* " infinity " and the like */
                        *ret = RLIM_INFINITY;
                else if (kind == RLIMIT_KIND_SECONDS)
                        *ret = v / USEC_PER_SEC + (v % USEC_PER_SEC > 0);
                else
                        *ret = v;
                return 0;
        }

        r = kind == RLIMIT_KIND_BYTES ? value_parse_size(s, &v) : parse_decimal(s, UINT64_MAX, &v);
        if (r < 0)
                return r;
        if (v >= RLIM_INFINITY)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* As systemd's rlimit_parse(), except: a soft limit above the hard one is -EINVAL (systemd: -EILSEQ),
 * "n:" is refused (systemd reads it as "n"), and so is a soft half of RLIMIT_HALF_MAX bytes or more. */
int value_parse_rlimit(int resource, const char *s, struct rlimit *ret)
{
        char soft_text[RLIMIT_HALF_MAX];
        const char *colon = strchr(s, ':');
        rlim_t soft, hard;
        RlimitKind kind;
        int r;

        if (!value_rlimit_name(resource))
                return -EINVAL;
        kind = rlimits[resource].kind;

        if (!colon) {
                r = parse_rlimit_one(kind, s, &soft);
                if (r < 0)
                        return r;
                *ret = (struct rlimit){ .rlim_cur = soft, .rlim_max = soft };
                return 0;
        }

        if ((size_t) (colon - s) >= sizeof(soft_text) || strchr(colon + 1, ':'))
                return -EINVAL;
        memcpy(soft_text, s, (size_t) (colon - s));
        soft_text[colon - s] = '\0';

        r = parse_rlimit_one(kind, soft_text, &soft);
        if (r < 0)
                return r;
        r = parse_rlimit_one(kind, colon + 1, &hard);
        if (r < 0)
                return r;
        if (soft > hard)
                return -EINVAL;
        *ret = (struct rlimit){ .rlim_cur = soft, .rlim_max = hard };
        return 0;
}

static void format_rlimit_one(RlimitKind kind, rlim_t value, char buf[VALUE_FORMAT_MAX])
{
        if (value == RLIM_INFINITY)
                snprintf(buf, VALUE_FORMAT_MAX, "infinity");
        else if (kind == RLIMIT_KIND_BYTES)
                value_format_size(value, buf);
        else if (kind == RLIMIT_KIND_USEC && value > INT64_MAX) {
                /* Past what one term of a time span holds, and value_format_timespan() could take 37 bytes
                 * a half: seconds and microseconds, less one second when that term would be refused. */
                uint64_t seconds = value / USEC_PER_SEC;

                seconds -= seconds >= USEC_INFINITY / USEC_PER_SEC;

                snprintf(buf, VALUE_FORMAT_MAX, "%" PRIu64 "s %" PRIu64 "us", seconds,
                         (uint64_t) value - seconds * USEC_PER_SEC);
        } else
                snprintf(buf, VALUE_FORMAT_MAX, "%" PRIu64, (uint64_t) value);
}

/* Plain numbers as systemd writes them, but sizes for the byte-sized limits; at most 25 bytes a half, so
 * "soft:hard" always fits. */
void value_format_rlimit(int resource, const struct rlimit *rl, char buf[VALUE_FORMAT_MAX])
{
        RlimitKind kind = value_rlimit_name(resource) ? rlimits[resource].kind : RLIMIT_KIND_COUNT;
        char hard[VALUE_FORMAT_MAX];
        size_t n;

        format_rlimit_one(kind, rl->rlim_cur, buf);
        if (rl->rlim_cur == rl->rlim_max)
                return;
        format_rlimit_one(kind, rl->rlim_max, hard);
        n = strlen(buf);
        snprintf(buf + n, VALUE_FORMAT_MAX - n, ":%s", hard);
}

/* systemd's valid_user_group_name(…, VALID_USER_ALLOW_NUMERIC|VALID_USER_RELAX), which User= and Group= use
 * in 252, plus two sockact refusals: a leading '-' (it reads as an option to every tool the name is passed
 * to) and more than USER_NAME_MAX bytes. */
bool value_fd_name_is_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > VALUE_FD_NAME_MAX || strchr(s, ':'))
                return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < ' ' || (unsigned char) *p >= 0x7f)
                        return false;
        return true;
}

bool value_user_name_is_valid(const char *s)
{
        uint64_t uid;
        size_t length;

        if (isempty(s))
                return false;
        if (parse_decimal(s, UINT32_MAX - 1, &uid) >= 0)
                return uid != 65535; /* the 16-bit -1; 4294967295 is the 32-bit one */

        length = strlen(s);
        if (strspn(s, "0123456789") == length) /* any other all-digit text could be taken for a uid */
                return false;
        if (s[0] == '-' || s[0] == ' ' || s[length - 1] == ' ' || length > USER_NAME_MAX)
                return false;
        if (streq(s, ".") || streq(s, "..") || strpbrk(s, ":/"))
                return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < ' ' || *p == 127)
                        return false;
        return utf8_is_valid(s);
}
