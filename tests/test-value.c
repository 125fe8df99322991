/* Tests for lib/value.c: every value an administrator writes in a unit file, accepted with the exact
 * result or refused with the exact errno (and *ret left alone), the boundaries of every range, and
 * format → parse round trips. */
#include "tests.h"

#include <inttypes.h>
#include <limits.h>
#include <netinet/ip.h>
#include <signal.h>

#include "util.h"
#include "value.h"

#define SENTINEL 0x5a

/* parse(s, &v) returns 0 and gives want. */
#define ACCEPTS(type, parse, s, want)                                                                       \
        do {                                                                                                \
                type _v = (type) SENTINEL;                                                                  \
                int _r = parse((s), &_v);                                                                   \
                ck_assert_msg(_r == 0, "%s(\"%s\") = %s", #parse, (s), strerror(-_r));                      \
                ck_assert_msg(_v == (type) (want), "%s(\"%s\") gave %jd, want %jd", #parse, (s),            \
                              (intmax_t) _v, (intmax_t) (type) (want));                                     \
        } while (0)

/* parse(s, &v) returns -err and leaves v alone. */
#define REFUSES(type, parse, s, err)                                                                        \
        do {                                                                                                \
                type _v = (type) SENTINEL;                                                                  \
                int _r = parse((s), &_v);                                                                   \
                ck_assert_msg(_r == -(err), "%s(\"%s\") = %d, want -%s", #parse, (s), _r, #err);            \
                ck_assert_msg(_v == (type) SENTINEL, "%s(\"%s\") wrote its output on failure", #parse,      \
                              (s));                                                                         \
        } while (0)

#define FORMATS(format, value, want)                                                                        \
        do {                                                                                                \
                char _buf[VALUE_FORMAT_MAX];                                                                \
                memset(_buf, 'x', sizeof(_buf));                                                            \
                format((value), _buf);                                                                      \
                ck_assert_str_eq(_buf, (want));                                                             \
        } while (0)

static int parse_sec(const char *s, uint64_t *ret)
{
        return value_parse_timespan(s, USEC_PER_SEC, ret);
}

static int parse_msec(const char *s, uint64_t *ret)
{
        return value_parse_timespan(s, USEC_PER_MSEC, ret);
}

static int parse_usec(const char *s, uint64_t *ret)
{
        return value_parse_timespan(s, 1, ret);
}

/* A fixed pseudo-random sequence (xorshift64), so that failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        return *state;
}

START_TEST(test_bool)
{
        static const char *const yes[] = { "1",   "yes", "y",    "true", "t",  "on",
                                           "YES", "Y",   "True", "T",    "On", "oN" };
        static const char *const no[] = {
                "0", "no", "n", "false", "f", "off", "NO", "N", "False", "F", "OFF"
        };
        static const char *const bad[] = { "",        " yes", "yes ", "2",  "-1", "10",   "00",  "enable",
                                           "disable", "tru",  "yess", "of", "o",  "nope", "0x1", "yes\n" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                ACCEPTS(bool, value_parse_bool, yes[i], true);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                ACCEPTS(bool, value_parse_bool, no[i], false);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                bool v = true;
                ck_assert_int_eq(value_parse_bool(bad[i], &v), -EINVAL);
                ck_assert(v);
        }
}
END_TEST

START_TEST(test_integers)
{
        static const char *const bad[] = { "",    " 1",  "1 ",  "\t1", "+1",    "0x10",  "0X10", "010", "00",
                                           "1.0", "1e3", "12a", "a",   "1_000", "1,000", "0b1",  "0o7" };

        ACCEPTS(unsigned, value_parse_unsigned, "0", 0);
        ACCEPTS(unsigned, value_parse_unsigned, "1", 1);
        ACCEPTS(unsigned, value_parse_unsigned, "42", 42);
        ACCEPTS(unsigned, value_parse_unsigned, "4294967295", UINT_MAX);
        REFUSES(unsigned, value_parse_unsigned, "4294967296", ERANGE);
        REFUSES(unsigned, value_parse_unsigned, "99999999999999999999999", ERANGE);
        REFUSES(unsigned, value_parse_unsigned, "-1", EINVAL);
        REFUSES(unsigned, value_parse_unsigned, "-0", EINVAL);

        ACCEPTS(uint64_t, value_parse_uint64, "0", 0);
        ACCEPTS(uint64_t, value_parse_uint64, "4294967296", UINT64_C(4294967296));
        ACCEPTS(uint64_t, value_parse_uint64, "18446744073709551615", UINT64_MAX);
        REFUSES(uint64_t, value_parse_uint64, "18446744073709551616", ERANGE);
        REFUSES(uint64_t, value_parse_uint64, "184467440737095516150", ERANGE);
        REFUSES(uint64_t, value_parse_uint64, "-1", EINVAL);

        ACCEPTS(int, value_parse_int, "0", 0);
        ACCEPTS(int, value_parse_int, "-0", 0);
        ACCEPTS(int, value_parse_int, "7", 7);
        ACCEPTS(int, value_parse_int, "-7", -7);
        ACCEPTS(int, value_parse_int, "2147483647", INT_MAX);
        ACCEPTS(int, value_parse_int, "-2147483648", INT_MIN);
        REFUSES(int, value_parse_int, "2147483648", ERANGE);
        REFUSES(int, value_parse_int, "-2147483649", ERANGE);
        REFUSES(int, value_parse_int, "-", EINVAL);
        REFUSES(int, value_parse_int, "--1", EINVAL);
        REFUSES(int, value_parse_int, "- 1", EINVAL);
        REFUSES(int, value_parse_int, "-01", EINVAL);
        REFUSES(int, value_parse_int, "-0x1", EINVAL);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                REFUSES(unsigned, value_parse_unsigned, bad[i], EINVAL);
                REFUSES(uint64_t, value_parse_uint64, bad[i], EINVAL);
                REFUSES(int, value_parse_int, bad[i], EINVAL);
        }
}
END_TEST

START_TEST(test_timespan_units)
{
        static const struct {
                const char *text;
                uint64_t usec;
        } units[] = {
                { "usec", 1 },
                { "us", 1 },
                { "\xc2\xb5s", 1 }, /* µs, MICRO SIGN */
                { "\xce\xbcs", 1 }, /* μs, GREEK SMALL LETTER MU */
                { "msec", USEC_PER_MSEC },
                { "ms", USEC_PER_MSEC },
                { "seconds", USEC_PER_SEC },
                { "second", USEC_PER_SEC },
                { "sec", USEC_PER_SEC },
                { "s", USEC_PER_SEC },
                { "minutes", 60 * USEC_PER_SEC },
                { "minute", 60 * USEC_PER_SEC },
                { "min", 60 * USEC_PER_SEC },
                { "m", 60 * USEC_PER_SEC },
                { "hours", 3600 * USEC_PER_SEC },
                { "hour", 3600 * USEC_PER_SEC },
                { "hr", 3600 * USEC_PER_SEC },
                { "h", 3600 * USEC_PER_SEC },
                { "days", 86400 * USEC_PER_SEC },
                { "day", 86400 * USEC_PER_SEC },
                { "d", 86400 * USEC_PER_SEC },
                { "weeks", 604800 * USEC_PER_SEC },
                { "week", 604800 * USEC_PER_SEC },
                { "w", 604800 * USEC_PER_SEC },
                { "months", 2629800 * USEC_PER_SEC },
                { "month", 2629800 * USEC_PER_SEC },
                { "M", 2629800 * USEC_PER_SEC },
                { "years", 31557600 * USEC_PER_SEC },
                { "year", 31557600 * USEC_PER_SEC },
                { "y", 31557600 * USEC_PER_SEC },
        };

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                char text[32];

                snprintf(text, sizeof(text), "3%s", units[i].text);
                ACCEPTS(uint64_t, parse_sec, text, 3 * units[i].usec);
                ACCEPTS(uint64_t, parse_usec, text, 3 * units[i].usec);
                snprintf(text, sizeof(text), "3 %s", units[i].text);
                ACCEPTS(uint64_t, parse_sec, text, 3 * units[i].usec);
                snprintf(text, sizeof(text), "\t3\t%s\t", units[i].text);
                ACCEPTS(uint64_t, parse_sec, text, 3 * units[i].usec);
        }
}
END_TEST

START_TEST(test_timespan)
{
        const uint64_t sec = USEC_PER_SEC, min = 60 * sec, hour = 60 * min, day = 24 * hour;

        ACCEPTS(uint64_t, parse_sec, "0", 0);
        ACCEPTS(uint64_t, parse_sec, "0s", 0);
        ACCEPTS(uint64_t, parse_sec, "90", 90 * sec);
        ACCEPTS(uint64_t, parse_usec, "90", 90);
        ACCEPTS(uint64_t, parse_msec, "90", 90 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_msec, "90s", 90 * USEC_PER_SEC);
        ACCEPTS(uint64_t, parse_sec, "100ms", 100 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_sec, "5min 20s", 5 * min + 20 * sec);
        ACCEPTS(uint64_t, parse_sec, "5min20s", 5 * min + 20 * sec);
        ACCEPTS(uint64_t, parse_sec, "1h 30min", hour + 30 * min);
        ACCEPTS(uint64_t, parse_sec, "1h30min", hour + 30 * min);
        ACCEPTS(uint64_t, parse_sec, "1h   30min  ", hour + 30 * min);
        ACCEPTS(uint64_t, parse_sec, "  1h", hour);
        ACCEPTS(uint64_t, parse_sec, "2d 3h 4min 5s 6ms 7us", 2 * day + 3 * hour + 4 * min + 5 * sec + 6007);
        ACCEPTS(uint64_t, parse_sec, "1h 1h", 2 * hour);
        ACCEPTS(uint64_t, parse_sec, "1h30", hour + 30 * sec); /* a term without unit is in default unit */
        ACCEPTS(uint64_t, parse_sec, "5 6", 11 * sec);         /* two bare terms, as systemd */
        ACCEPTS(uint64_t, parse_sec, "1.5s", 1500 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_sec, "1.5", 1500 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_sec, "1.5 s", 1500 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_sec, "0.5h", 30 * min);
        ACCEPTS(uint64_t, parse_sec, "1.5h", 90 * min);
        ACCEPTS(uint64_t, parse_sec, ".5s", 500 * USEC_PER_MSEC);
        ACCEPTS(uint64_t, parse_sec, "1.25min", 75 * sec);
        ACCEPTS(uint64_t, parse_sec, "1.5M", 3944700 * sec);
        ACCEPTS(uint64_t, parse_sec, "0.25y", 7889400 * sec);
        ACCEPTS(uint64_t, parse_sec, "0.000001s", 1);
        ACCEPTS(uint64_t, parse_sec, "0.0000019s", 1); /* digits below the microsecond are cut */
        ACCEPTS(uint64_t, parse_usec, "1.9", 1);
        ACCEPTS(uint64_t, parse_sec, "1.5ms", 1500);
        ACCEPTS(uint64_t, parse_sec, "007s", 7 * sec); /* always decimal */
        ACCEPTS(uint64_t, parse_sec, "1.5s.5", 2 * sec);
        ACCEPTS(uint64_t, parse_sec, "infinity", USEC_INFINITY);
        ACCEPTS(uint64_t, parse_sec, " infinity\t", USEC_INFINITY);
        ACCEPTS(uint64_t, parse_usec, "infinity", USEC_INFINITY);

        /* The largest finite value, and one more. As systemd, a term of ⌊2^64 / unit⌋ units or more is out
         * of range even when the total would fit. */
        ACCEPTS(uint64_t, parse_sec, "213503981d 32h 1min 49s 551ms 614us", USEC_INFINITY - 1);
        REFUSES(uint64_t, parse_sec, "213503981d 32h 1min 49s 551ms 615us", ERANGE);
        ACCEPTS(uint64_t, parse_sec, "213503981d", 213503981 * day);
        REFUSES(uint64_t, parse_sec, "213503982d", ERANGE);
        ACCEPTS(uint64_t, parse_sec, "213503981d 1d", 213503982 * day);
        REFUSES(uint64_t, parse_sec, "213503981d 32h 1min 49s 552ms", ERANGE);
        ACCEPTS(uint64_t, parse_usec, "18446744073708s 1551614us", USEC_INFINITY - 1);
        REFUSES(uint64_t, parse_usec, "18446744073709s", ERANGE);
        REFUSES(uint64_t, parse_sec, "1000000y", ERANGE);
        REFUSES(uint64_t, parse_sec, "18446744073709551615", ERANGE);
        ACCEPTS(uint64_t, parse_usec, "9223372036854775807", INT64_MAX);
        REFUSES(uint64_t, parse_usec, "9223372036854775808", ERANGE); /* systemd reads a long long */
        REFUSES(uint64_t, parse_sec, "-1", ERANGE);
        REFUSES(uint64_t, parse_sec, "-0", ERANGE);
        REFUSES(uint64_t, parse_sec, "-1s", ERANGE);
        REFUSES(uint64_t, parse_sec, "5s -1s", ERANGE);
        REFUSES(uint64_t, parse_sec, " -5min", ERANGE);

        REFUSES(uint64_t, parse_sec, "", EINVAL);
        REFUSES(uint64_t, parse_sec, "   ", EINVAL);
        REFUSES(uint64_t, parse_sec, "s", EINVAL);
        REFUSES(uint64_t, parse_sec, "5x", EINVAL);
        REFUSES(uint64_t, parse_sec, "5 x", EINVAL);
        REFUSES(uint64_t, parse_sec, "5S", EINVAL);
        REFUSES(uint64_t, parse_sec, "5H", EINVAL);
        REFUSES(uint64_t, parse_sec, "5mins", EINVAL);
        REFUSES(uint64_t, parse_sec, "5secs", EINVAL);
        REFUSES(uint64_t, parse_sec, "5hrs", EINVAL);
        REFUSES(uint64_t, parse_sec, "5 s s", EINVAL);
        REFUSES(uint64_t, parse_sec, "1.5.5", EINVAL);
        REFUSES(uint64_t, parse_sec, "3.", EINVAL);
        REFUSES(uint64_t, parse_sec, "3.s", EINVAL);
        REFUSES(uint64_t, parse_sec, "3. 1", EINVAL);
        REFUSES(uint64_t, parse_sec, ".", EINVAL);
        REFUSES(uint64_t, parse_sec, "+5s", EINVAL);
        REFUSES(uint64_t, parse_sec, "0x10", EINVAL);
        REFUSES(uint64_t, parse_sec, "1e3", EINVAL);
        REFUSES(uint64_t, parse_sec, "infinityx", EINVAL);
        REFUSES(uint64_t, parse_sec, "infinity 5s", EINVAL);
        REFUSES(uint64_t, parse_sec, "5s infinity", EINVAL);
        REFUSES(uint64_t, parse_sec, "Infinity", EINVAL);
        REFUSES(uint64_t, parse_sec, "inf", EINVAL);
        REFUSES(uint64_t, parse_sec, "1:30", EINVAL);
}
END_TEST

START_TEST(test_timespan_format)
{
        const uint64_t sec = USEC_PER_SEC;
        uint64_t state = 0x9e3779b97f4a7c15;

        FORMATS(value_format_timespan, 0, "0");
        FORMATS(value_format_timespan, 1, "1us");
        FORMATS(value_format_timespan, 999, "999us");
        FORMATS(value_format_timespan, 1500, "1ms 500us");
        FORMATS(value_format_timespan, 100000, "100ms");
        FORMATS(value_format_timespan, sec, "1s");
        FORMATS(value_format_timespan, 90 * sec, "1min 30s");
        FORMATS(value_format_timespan, 3600 * sec, "1h");
        FORMATS(value_format_timespan, 5400 * sec, "1h 30min");
        FORMATS(value_format_timespan, 86400 * sec, "1d");
        FORMATS(value_format_timespan, 7 * 86400 * sec, "7d");
        FORMATS(value_format_timespan, 86400 * sec + 1, "1d 1us");
        FORMATS(value_format_timespan, 31557600 * sec, "365d 6h");
        FORMATS(value_format_timespan, USEC_INFINITY - 1, "213503981d 32h 1min 49s 551ms 614us");
        FORMATS(value_format_timespan, USEC_PER_SEC * 86400 * 213503981, "213503981d");
        FORMATS(value_format_timespan, USEC_PER_SEC * 86400 * 213503982, "213503981d 24h");
        FORMATS(value_format_timespan, USEC_INFINITY, "infinity");

        for (int i = 0; i < 20000; i++) {
                uint64_t r = next_random(&state), v, parsed;
                char buf[VALUE_FORMAT_MAX];

                /* Spread the values over every magnitude, and make round ones common. */
                switch (i % 4) {
                case 0:
                        v = r;
                        break;
                case 1:
                        v = r >> (r % 64);
                        break;
                case 2:
                        v = (r % 100000) * sec;
                        break;
                default:
                        v = (r % 1000) * (i % 8 == 3 ? 60 * sec : USEC_PER_MSEC);
                        break;
                }
                value_format_timespan(v, buf);
                ck_assert_msg(parse_sec(buf, &parsed) == 0 && parsed == v, "%" PRIu64 " → \"%s\"", v, buf);
                ck_assert_msg(parse_usec(buf, &parsed) == 0 && parsed == v, "%" PRIu64 " → \"%s\"", v, buf);
        }
}
END_TEST

START_TEST(test_size)
{
        const uint64_t K = 1024, M = K * K, G = M * K, E = G * G;

        ACCEPTS(uint64_t, value_parse_size, "0", 0);
        ACCEPTS(uint64_t, value_parse_size, "4096", 4096);
        ACCEPTS(uint64_t, value_parse_size, "1B", 1);
        ACCEPTS(uint64_t, value_parse_size, "64K", 64 * K);
        ACCEPTS(uint64_t, value_parse_size, "64 K", 64 * K);
        ACCEPTS(uint64_t, value_parse_size, " 64K", 64 * K);
        ACCEPTS(uint64_t, value_parse_size, "64K ", 64 * K);
        ACCEPTS(uint64_t, value_parse_size, "8M", 8 * M);
        ACCEPTS(uint64_t, value_parse_size, "1.5M", 3 * M / 2);
        ACCEPTS(uint64_t, value_parse_size, "2G", 2 * G);
        ACCEPTS(uint64_t, value_parse_size, "1T", G * K);
        ACCEPTS(uint64_t, value_parse_size, "1P", G * M);
        ACCEPTS(uint64_t, value_parse_size, "1E", E);
        ACCEPTS(uint64_t, value_parse_size, "15E", 15 * E);
        ACCEPTS(uint64_t, value_parse_size, "0.5K", 512);
        ACCEPTS(uint64_t, value_parse_size, "0.1K", 102); /* fractions of a byte are cut */
        ACCEPTS(uint64_t, value_parse_size, "1.5", 1);
        ACCEPTS(uint64_t, value_parse_size, "0.999999999999999999999E", E - 2); /* 18 digits count */
        ACCEPTS(uint64_t, value_parse_size, "10.", 10);
        ACCEPTS(uint64_t, value_parse_size, "10.K", 10 * K);
        ACCEPTS(uint64_t, value_parse_size, "1G 512M", G + 512 * M);
        ACCEPTS(uint64_t, value_parse_size, "1G512M", G + 512 * M);
        ACCEPTS(uint64_t, value_parse_size, "1K 1", K + 1);
        ACCEPTS(uint64_t, value_parse_size, "1K 1B", K + 1);
        ACCEPTS(uint64_t, value_parse_size, "007K", 7 * K);
        ACCEPTS(uint64_t, value_parse_size, "18446744073709551615", UINT64_MAX);
        ACCEPTS(uint64_t, value_parse_size, "15E 1023P", 15 * E + 1023 * (G * M));

        REFUSES(uint64_t, value_parse_size, "18446744073709551616", ERANGE);
        REFUSES(uint64_t, value_parse_size, "16E", ERANGE);
        REFUSES(uint64_t, value_parse_size, "15.5E", ERANGE); /* as systemd: whole + 1 must fit */
        REFUSES(uint64_t, value_parse_size, "15E 1024P", ERANGE);
        REFUSES(uint64_t, value_parse_size, "18014398509481984K", ERANGE);
        REFUSES(uint64_t, value_parse_size, "-1", ERANGE);
        REFUSES(uint64_t, value_parse_size, "-1K", ERANGE);
        REFUSES(uint64_t, value_parse_size, "1K -1", ERANGE);

        REFUSES(uint64_t, value_parse_size, "", EINVAL);
        REFUSES(uint64_t, value_parse_size, " ", EINVAL);
        REFUSES(uint64_t, value_parse_size, "-", EINVAL);
        REFUSES(uint64_t, value_parse_size, "K", EINVAL);
        REFUSES(uint64_t, value_parse_size, ".5K", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1k", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1m", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1g", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1KB", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1 KB", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1KiB", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1M 1G", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1K 1K", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1 2", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1x", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1..5K", EINVAL);
        REFUSES(uint64_t, value_parse_size, "+1K", EINVAL);
        REFUSES(uint64_t, value_parse_size, "0x10", EINVAL);
        REFUSES(uint64_t, value_parse_size, "1e3", EINVAL);
        REFUSES(uint64_t, value_parse_size, "infinity", EINVAL);
}
END_TEST

START_TEST(test_size_format)
{
        const uint64_t K = 1024, M = K * K, G = M * K, E = G * G;
        uint64_t state = 0x2545f4914f6cdd1d;

        FORMATS(value_format_size, 0, "0");
        FORMATS(value_format_size, 1, "1");
        FORMATS(value_format_size, 1023, "1023");
        FORMATS(value_format_size, K, "1K");
        FORMATS(value_format_size, 1536, "1536");
        FORMATS(value_format_size, 1536 * K, "1536K");
        FORMATS(value_format_size, M, "1M");
        FORMATS(value_format_size, 3 * G, "3G");
        FORMATS(value_format_size, G * K, "1T");
        FORMATS(value_format_size, G * M, "1P");
        FORMATS(value_format_size, E, "1E");
        FORMATS(value_format_size, 15 * E, "15E");
        FORMATS(value_format_size, UINT64_MAX, "18446744073709551615");

        for (int i = 0; i < 20000; i++) {
                uint64_t r = next_random(&state), v = i % 2 ? r : (r >> 40) << (r % 60), parsed;
                char buf[VALUE_FORMAT_MAX];

                value_format_size(v, buf);
                ck_assert_msg(value_parse_size(buf, &parsed) == 0 && parsed == v, "%" PRIu64 " → \"%s\"", v,
                              buf);
        }
}
END_TEST

START_TEST(test_mode)
{
        static const char *const bad[] = { "",     "8",    "9",     "0o644",     "0x1ff", "-644", "+644",
                                           " 644", "644 ", "u+rwx", "rw-r--r--", "6.4",   "64a" };

        ACCEPTS(mode_t, value_parse_mode, "0", 0);
        ACCEPTS(mode_t, value_parse_mode, "1", 1);
        ACCEPTS(mode_t, value_parse_mode, "644", 0644);
        ACCEPTS(mode_t, value_parse_mode, "0644", 0644);
        ACCEPTS(mode_t, value_parse_mode, "00644", 0644);
        ACCEPTS(mode_t, value_parse_mode, "0660", 0660);
        ACCEPTS(mode_t, value_parse_mode, "1777", 01777);
        ACCEPTS(mode_t, value_parse_mode, "7777", 07777);
        ACCEPTS(mode_t, value_parse_mode, "07777", 07777);
        REFUSES(mode_t, value_parse_mode, "10000", ERANGE);
        REFUSES(mode_t, value_parse_mode, "17777", ERANGE);
        REFUSES(mode_t, value_parse_mode, "777777777777777777777777777777", ERANGE);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                REFUSES(mode_t, value_parse_mode, bad[i], EINVAL);

        FORMATS(value_format_mode, 0, "0000");
        FORMATS(value_format_mode, 0600, "0600");
        FORMATS(value_format_mode, 0644, "0644");
        FORMATS(value_format_mode, 01755, "1755");
        FORMATS(value_format_mode, 07777, "7777");
        for (mode_t m = 0; m <= 07777; m++) {
                char buf[VALUE_FORMAT_MAX];
                mode_t parsed;

                value_format_mode(m, buf);
                ck_assert_int_eq(strlen(buf), 4);
                ck_assert_int_eq(value_parse_mode(buf, &parsed), 0);
                ck_assert_int_eq(parsed, m);
        }
}
END_TEST

START_TEST(test_signal)
{
        static const char *const bad[] = { "",           "sigterm", "term",     "Term",    "SIG",
                                           "SIGSIGTERM", "SIG15",   "SIGFOO",   "SIGIOT",  "SIGPOLL",
                                           "SIGCLD",     " 15",     "15 ",      "+15",     "0x0f",
                                           "015",        "RTMIN+",  "RTMIN-1",  "RTMAX+1", "RTMIN+03",
                                           "RTMIN+x",    "RTMIN 3", "RTMIN+ 3", "RTMINX",  "SIGRTMAX-",
                                           "rtmin",      "SIG TERM" };

        ACCEPTS(int, value_parse_signal, "SIGTERM", SIGTERM);
        ACCEPTS(int, value_parse_signal, "TERM", SIGTERM);
        ACCEPTS(int, value_parse_signal, "15", SIGTERM);
        ACCEPTS(int, value_parse_signal, "SIGKILL", SIGKILL);
        ACCEPTS(int, value_parse_signal, "HUP", SIGHUP);
        ACCEPTS(int, value_parse_signal, "SIGINT", SIGINT);
        ACCEPTS(int, value_parse_signal, "SIGSTKFLT", SIGSTKFLT);
        ACCEPTS(int, value_parse_signal, "SIGWINCH", SIGWINCH);
        ACCEPTS(int, value_parse_signal, "SIGSYS", SIGSYS);
        ACCEPTS(int, value_parse_signal, "1", 1);
        ACCEPTS(int, value_parse_signal, "32", 32);
        ACCEPTS(int, value_parse_signal, "64", _NSIG - 1);
        ACCEPTS(int, value_parse_signal, "SIGRTMIN", SIGRTMIN);
        ACCEPTS(int, value_parse_signal, "RTMIN", SIGRTMIN);
        ACCEPTS(int, value_parse_signal, "RTMIN+0", SIGRTMIN);
        ACCEPTS(int, value_parse_signal, "SIGRTMIN+3", SIGRTMIN + 3);
        ACCEPTS(int, value_parse_signal, "RTMIN+3", SIGRTMIN + 3);
        ACCEPTS(int, value_parse_signal, "SIGRTMAX", SIGRTMAX);
        ACCEPTS(int, value_parse_signal, "RTMAX-0", SIGRTMAX);
        ACCEPTS(int, value_parse_signal, "SIGRTMAX-1", SIGRTMAX - 1);
        ACCEPTS(int, value_parse_signal, "RTMAX-1", SIGRTMAX - 1);
        ck_assert_int_eq(SIGRTMAX - SIGRTMIN, 30); /* glibc on Linux: 34…64; the next lines assume it */
        ACCEPTS(int, value_parse_signal, "RTMIN+30", SIGRTMAX);
        ACCEPTS(int, value_parse_signal, "RTMAX-30", SIGRTMIN);
        REFUSES(int, value_parse_signal, "RTMIN+31", ERANGE);
        REFUSES(int, value_parse_signal, "RTMAX-31", ERANGE);
        REFUSES(int, value_parse_signal, "SIGRTMIN+99999999999999999999", ERANGE);
        REFUSES(int, value_parse_signal, "0", ERANGE);
        REFUSES(int, value_parse_signal, "65", ERANGE);
        REFUSES(int, value_parse_signal, "-1", ERANGE);
        REFUSES(int, value_parse_signal, "-15", ERANGE);
        REFUSES(int, value_parse_signal, "99999999999", ERANGE);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                REFUSES(int, value_parse_signal, bad[i], EINVAL);

        FORMATS(value_format_signal, SIGTERM, "SIGTERM");
        FORMATS(value_format_signal, SIGKILL, "SIGKILL");
        FORMATS(value_format_signal, SIGHUP, "SIGHUP");
        FORMATS(value_format_signal, 32, "32");
        FORMATS(value_format_signal, 33, "33");
        FORMATS(value_format_signal, SIGRTMIN, "SIGRTMIN");
        FORMATS(value_format_signal, SIGRTMIN + 3, "SIGRTMIN+3");
        FORMATS(value_format_signal, SIGRTMAX, "SIGRTMIN+30");
        for (int sig = 1; sig < _NSIG; sig++) {
                char buf[VALUE_FORMAT_MAX];
                int parsed;

                value_format_signal(sig, buf);
                ck_assert_int_eq(value_parse_signal(buf, &parsed), 0);
                ck_assert_int_eq(parsed, sig);
        }
}
END_TEST

START_TEST(test_nice)
{
        ACCEPTS(int, value_parse_nice, "0", 0);
        ACCEPTS(int, value_parse_nice, "5", 5);
        ACCEPTS(int, value_parse_nice, "-5", -5);
        ACCEPTS(int, value_parse_nice, "-20", -20);
        ACCEPTS(int, value_parse_nice, "19", 19);
        REFUSES(int, value_parse_nice, "20", ERANGE);
        REFUSES(int, value_parse_nice, "-21", ERANGE);
        REFUSES(int, value_parse_nice, "2147483648", ERANGE);
        REFUSES(int, value_parse_nice, "", EINVAL);
        REFUSES(int, value_parse_nice, "+5", EINVAL);
        REFUSES(int, value_parse_nice, " 5", EINVAL);
        REFUSES(int, value_parse_nice, "05", EINVAL);
        REFUSES(int, value_parse_nice, "high", EINVAL);
}
END_TEST

START_TEST(test_ip_tos)
{
        ACCEPTS(int, value_parse_ip_tos, "low-delay", IPTOS_LOWDELAY);
        ACCEPTS(int, value_parse_ip_tos, "throughput", IPTOS_THROUGHPUT);
        ACCEPTS(int, value_parse_ip_tos, "reliability", IPTOS_RELIABILITY);
        ACCEPTS(int, value_parse_ip_tos, "low-cost", IPTOS_MINCOST);
        ck_assert_int_eq(IPTOS_LOWDELAY, 0x10);
        ck_assert_int_eq(IPTOS_MINCOST, 0x02);
        ACCEPTS(int, value_parse_ip_tos, "0", 0);
        ACCEPTS(int, value_parse_ip_tos, "16", 16);
        ACCEPTS(int, value_parse_ip_tos, "255", 255);
        REFUSES(int, value_parse_ip_tos, "256", ERANGE);
        REFUSES(int, value_parse_ip_tos, "99999999999999999999", ERANGE);
        REFUSES(int, value_parse_ip_tos, "", EINVAL);
        REFUSES(int, value_parse_ip_tos, "-1", EINVAL);
        REFUSES(int, value_parse_ip_tos, "0x10", EINVAL);
        REFUSES(int, value_parse_ip_tos, "LOW-DELAY", EINVAL);
        REFUSES(int, value_parse_ip_tos, "lowdelay", EINVAL);
        REFUSES(int, value_parse_ip_tos, "low_delay", EINVAL);
        REFUSES(int, value_parse_ip_tos, "min-cost", EINVAL);
        REFUSES(int, value_parse_ip_tos, " low-delay", EINVAL);

        FORMATS(value_format_ip_tos, IPTOS_LOWDELAY, "low-delay");
        FORMATS(value_format_ip_tos, IPTOS_THROUGHPUT, "throughput");
        FORMATS(value_format_ip_tos, IPTOS_RELIABILITY, "reliability");
        FORMATS(value_format_ip_tos, IPTOS_MINCOST, "low-cost");
        FORMATS(value_format_ip_tos, 0, "0");
        FORMATS(value_format_ip_tos, 0x18, "24");
        FORMATS(value_format_ip_tos, 255, "255");
        for (int tos = 0; tos <= 255; tos++) {
                char buf[VALUE_FORMAT_MAX];
                int parsed;

                value_format_ip_tos(tos, buf);
                ck_assert_int_eq(value_parse_ip_tos(buf, &parsed), 0);
                ck_assert_int_eq(parsed, tos);
        }
}
END_TEST

static void accepts_rlimit(int resource, const char *s, rlim_t soft, rlim_t hard)
{
        struct rlimit rl = {};
        int r = value_parse_rlimit(resource, s, &rl);

        ck_assert_msg(r == 0, "%s=%s: %s", value_rlimit_name(resource), s, strerror(-r));
        ck_assert_msg(rl.rlim_cur == soft && rl.rlim_max == hard, "%s=%s gave %ju:%ju, want %ju:%ju",
                      value_rlimit_name(resource), s, (uintmax_t) rl.rlim_cur, (uintmax_t) rl.rlim_max,
                      (uintmax_t) soft, (uintmax_t) hard);
}

static void refuses_rlimit(int resource, const char *s, int err)
{
        struct rlimit rl = { .rlim_cur = SENTINEL, .rlim_max = SENTINEL };
        int r = value_parse_rlimit(resource, s, &rl);

        ck_assert_msg(r == -err, "%d=%s: %d, want -%d", resource, s, r, err);
        ck_assert(rl.rlim_cur == SENTINEL && rl.rlim_max == SENTINEL);
}

START_TEST(test_rlimit_names)
{
        static const struct {
                int resource;
                const char *name;
        } names[] = {
                { RLIMIT_CPU, "LimitCPU" },           { RLIMIT_FSIZE, "LimitFSIZE" },
                { RLIMIT_DATA, "LimitDATA" },         { RLIMIT_STACK, "LimitSTACK" },
                { RLIMIT_CORE, "LimitCORE" },         { RLIMIT_RSS, "LimitRSS" },
                { RLIMIT_NOFILE, "LimitNOFILE" },     { RLIMIT_AS, "LimitAS" },
                { RLIMIT_NPROC, "LimitNPROC" },       { RLIMIT_MEMLOCK, "LimitMEMLOCK" },
                { RLIMIT_LOCKS, "LimitLOCKS" },       { RLIMIT_SIGPENDING, "LimitSIGPENDING" },
                { RLIMIT_MSGQUEUE, "LimitMSGQUEUE" }, { RLIMIT_NICE, "LimitNICE" },
                { RLIMIT_RTPRIO, "LimitRTPRIO" },     { RLIMIT_RTTIME, "LimitRTTIME" },
        };

        ck_assert_int_eq(ELEMENTSOF(names), RLIMIT_NLIMITS);
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                ck_assert_str_eq(value_rlimit_name(names[i].resource), names[i].name);
        ck_assert_ptr_null(value_rlimit_name(-1));
        ck_assert_ptr_null(value_rlimit_name(RLIMIT_NLIMITS));
        refuses_rlimit(-1, "1", EINVAL);
        refuses_rlimit(RLIMIT_NLIMITS, "1", EINVAL);
}
END_TEST

START_TEST(test_rlimit_parse)
{
        static const char *const bad[] = { "",         ":",         "1:",   ":1",  "1:2:3", "1::2",
                                           "Infinity", "infinity:", "0x10", "1,2", "1/2" };
        const rlim_t K = 1024, M = K * K, E = M * M * M, INF = RLIM_INFINITY;

        accepts_rlimit(RLIMIT_NOFILE, "1024", 1024, 1024);
        accepts_rlimit(RLIMIT_NOFILE, "1024:524288", 1024, 524288);
        accepts_rlimit(RLIMIT_NOFILE, "0", 0, 0);
        accepts_rlimit(RLIMIT_NOFILE, "infinity", INF, INF);
        accepts_rlimit(RLIMIT_NOFILE, "infinity:infinity", INF, INF);
        accepts_rlimit(RLIMIT_NOFILE, "1024:infinity", 1024, INF);
        accepts_rlimit(RLIMIT_NOFILE, "18446744073709551614", INF - 1, INF - 1);
        accepts_rlimit(RLIMIT_NOFILE, "5:5", 5, 5);
        accepts_rlimit(RLIMIT_NPROC, "4096", 4096, 4096);
        accepts_rlimit(RLIMIT_RTPRIO, "99", 99, 99);
        refuses_rlimit(RLIMIT_NOFILE, "18446744073709551615", ERANGE);
        refuses_rlimit(RLIMIT_NOFILE, "1:18446744073709551616", ERANGE);
        refuses_rlimit(RLIMIT_NOFILE, "4096:1024", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "infinity:1024", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "1K", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "1s", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "-1", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "+1", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, " 1024", EINVAL);
        refuses_rlimit(RLIMIT_NOFILE, "1024 ", EINVAL);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                for (int resource = 0; resource < RLIMIT_NLIMITS; resource++)
                        refuses_rlimit(resource, bad[i], EINVAL);

        /* Byte-sized limits take size suffixes. */
        accepts_rlimit(RLIMIT_CORE, "infinity", INF, INF);
        accepts_rlimit(RLIMIT_CORE, "0:infinity", 0, INF);
        accepts_rlimit(RLIMIT_MEMLOCK, "64K", 64 * K, 64 * K);
        accepts_rlimit(RLIMIT_MEMLOCK, "8M:16M", 8 * M, 16 * M);
        accepts_rlimit(RLIMIT_STACK, "1.5K", 1536, 1536);
        accepts_rlimit(RLIMIT_AS, "15E", 15 * E, 15 * E);
        accepts_rlimit(RLIMIT_FSIZE, "1G 512M", 1536 * M, 1536 * M);
        accepts_rlimit(RLIMIT_DATA, "4096", 4096, 4096);
        accepts_rlimit(RLIMIT_RSS, "1M", M, M);
        accepts_rlimit(RLIMIT_MSGQUEUE, "800K", 800 * K, 800 * K);
        refuses_rlimit(RLIMIT_AS, "16E", ERANGE);
        refuses_rlimit(RLIMIT_AS, "18446744073709551615", ERANGE);
        refuses_rlimit(RLIMIT_MEMLOCK, "16M:8M", EINVAL);
        refuses_rlimit(RLIMIT_MEMLOCK, "64k", EINVAL);
        refuses_rlimit(RLIMIT_MEMLOCK, "-1K", ERANGE);

        /* LimitCPU= is in seconds, rounded up; LimitRTTIME= in microseconds. */
        accepts_rlimit(RLIMIT_CPU, "30", 30, 30);
        accepts_rlimit(RLIMIT_CPU, "1h", 3600, 3600);
        accepts_rlimit(RLIMIT_CPU, "2min:1h", 120, 3600);
        accepts_rlimit(RLIMIT_CPU, "1500ms", 2, 2);
        accepts_rlimit(RLIMIT_CPU, "1us", 1, 1);
        accepts_rlimit(RLIMIT_CPU, "0", 0, 0);
        accepts_rlimit(RLIMIT_CPU, "infinity", INF, INF);
        accepts_rlimit(RLIMIT_CPU, "1h:infinity", 3600, INF);
        accepts_rlimit(RLIMIT_RTTIME, "1000", 1000, 1000);
        accepts_rlimit(RLIMIT_RTTIME, "1s", 1000000, 1000000);
        accepts_rlimit(RLIMIT_RTTIME, "1ms:1s", 1000, 1000000);
        accepts_rlimit(RLIMIT_RTTIME, "1.5", 1, 1);
        accepts_rlimit(RLIMIT_RTTIME, "infinity", INF, INF);
        refuses_rlimit(RLIMIT_CPU, "5x", EINVAL);
        refuses_rlimit(RLIMIT_CPU, "1h:1min", EINVAL);
        refuses_rlimit(RLIMIT_CPU, "-1", ERANGE);
        refuses_rlimit(RLIMIT_CPU, "1000000y", ERANGE);
        refuses_rlimit(RLIMIT_RTTIME, "1K", EINVAL);

        /* LimitNICE=: "+n"/"-n" are nice levels (20 - level), bare numbers the raw 0…40. */
        accepts_rlimit(RLIMIT_NICE, "+0", 20, 20);
        accepts_rlimit(RLIMIT_NICE, "+19", 1, 1);
        accepts_rlimit(RLIMIT_NICE, "-0", 20, 20);
        accepts_rlimit(RLIMIT_NICE, "-20", 40, 40);
        accepts_rlimit(RLIMIT_NICE, "-5:-10", 25, 30);
        accepts_rlimit(RLIMIT_NICE, "0", 0, 0);
        accepts_rlimit(RLIMIT_NICE, "40", 40, 40);
        accepts_rlimit(RLIMIT_NICE, "0:+19", 0, 1);
        refuses_rlimit(RLIMIT_NICE, "+20", ERANGE);
        refuses_rlimit(RLIMIT_NICE, "-21", ERANGE);
        refuses_rlimit(RLIMIT_NICE, "41", ERANGE);
        refuses_rlimit(RLIMIT_NICE, "-10:-5", EINVAL);
        refuses_rlimit(RLIMIT_NICE, "infinity", EINVAL);
        refuses_rlimit(RLIMIT_NICE, "++1", EINVAL);
        refuses_rlimit(RLIMIT_NICE, "+", EINVAL);
        refuses_rlimit(RLIMIT_NICE, "+05", EINVAL);
}
END_TEST

static void formats_rlimit(int resource, rlim_t soft, rlim_t hard, const char *want)
{
        struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard }, parsed;
        char buf[VALUE_FORMAT_MAX];

        value_format_rlimit(resource, &rl, buf);
        ck_assert_str_eq(buf, want);
        ck_assert_int_eq(value_parse_rlimit(resource, buf, &parsed), 0);
        ck_assert(parsed.rlim_cur == soft && parsed.rlim_max == hard);
}

START_TEST(test_rlimit_format)
{
        const rlim_t K = 1024, INF = RLIM_INFINITY;
        uint64_t state = 0x853c49e6748fea9b;

        formats_rlimit(RLIMIT_NOFILE, 1024, 1024, "1024");
        formats_rlimit(RLIMIT_NOFILE, 1024, 524288, "1024:524288");
        formats_rlimit(RLIMIT_NOFILE, INF, INF, "infinity");
        formats_rlimit(RLIMIT_NOFILE, 1024, INF, "1024:infinity");
        formats_rlimit(RLIMIT_NOFILE, INF - 2, INF - 1, "18446744073709551613:18446744073709551614");
        formats_rlimit(RLIMIT_MEMLOCK, 64 * K, 64 * K, "64K");
        formats_rlimit(RLIMIT_MEMLOCK, 1000, 64 * K, "1000:64K");
        formats_rlimit(RLIMIT_CORE, 0, INF, "0:infinity");
        formats_rlimit(RLIMIT_AS, INF - 1, INF - 1, "18446744073709551614");
        formats_rlimit(RLIMIT_CPU, 3600, 3600, "3600");
        formats_rlimit(RLIMIT_RTTIME, 1000, 1000000, "1000:1000000");
        formats_rlimit(RLIMIT_RTTIME, INT64_MAX, (rlim_t) INT64_MAX + 1,
                       "9223372036854775807:9223372036854s 775808us");
        formats_rlimit(RLIMIT_RTTIME, INF - 2, INF - 1,
                       "18446744073708s 1551613us:18446744073708s 1551614us");
        formats_rlimit(RLIMIT_NICE, 25, 40, "25:40");

        for (int i = 0; i < 4000; i++) {
                int resource = i % RLIMIT_NLIMITS;
                uint64_t a = next_random(&state), b = next_random(&state);
                struct rlimit rl, parsed;
                char buf[VALUE_FORMAT_MAX];

                /* Values of the size the parser of that resource can give. */
                if (resource == RLIMIT_NICE) {
                        a %= 41;
                        b %= 41;
                } else if (resource == RLIMIT_CPU) {
                        a %= (USEC_INFINITY - 1) / USEC_PER_SEC;
                        b %= (USEC_INFINITY - 1) / USEC_PER_SEC;
                } else {
                        a >>= a % 64;
                        b >>= b % 64;
                }
                if (a > b) {
                        uint64_t t = a;
                        a = b;
                        b = t;
                }
                if (i % 3 == 0)
                        b = resource == RLIMIT_NICE ? 40 : INF;
                rl = (struct rlimit){ .rlim_cur = a == INF ? INF - 1 : a, .rlim_max = b };
                value_format_rlimit(resource, &rl, buf);
                ck_assert_msg(value_parse_rlimit(resource, buf, &parsed) == 0, "%d: %ju:%ju → \"%s\"",
                              resource, (uintmax_t) rl.rlim_cur, (uintmax_t) rl.rlim_max, buf);
                ck_assert_msg(parsed.rlim_cur == rl.rlim_cur && parsed.rlim_max == rl.rlim_max, "%d: \"%s\"",
                              resource, buf);
        }
}
END_TEST

START_TEST(test_user_name)
{
        static const char *const good[] = { "root",
                                            "nobody",
                                            "www-data",
                                            "_apt",
                                            "systemd-network",
                                            "a",
                                            "A",
                                            "foo.bar",
                                            "foo@example.com",
                                            "DOMAIN\\user",
                                            "John Doe",
                                            "foo-",
                                            "gr\xc3\xbc\xc3\x9f",
                                            "0",
                                            "1000",
                                            "65534",
                                            "65536",
                                            "4294967294",
                                            "1a",
                                            "a1" };
        static const char *const bad[] = { "",
                                           "-",
                                           "-foo",
                                           "-1",
                                           "-65535",
                                           ".",
                                           "..",
                                           "foo/bar",
                                           "/",
                                           "foo:bar",
                                           ":",
                                           " foo",
                                           "foo ",
                                           " ",
                                           "foo\tbar",
                                           "foo\nbar",
                                           "\t",
                                           "foo\x7f",
                                           "\x01",
                                           "65535",
                                           "4294967295",
                                           "4294967296",
                                           "99999999999999999999999",
                                           "0123",
                                           "007",
                                           "00",
                                           "latin1 \xe9t\xe9",
                                           "\xc3" };
        char longest[256], too_long[257];

        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                ck_assert_msg(value_user_name_is_valid(good[i]), "\"%s\" refused", good[i]);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                ck_assert_msg(!value_user_name_is_valid(bad[i]), "\"%s\" accepted", bad[i]);

        memset(longest, 'u', sizeof(longest) - 1);
        longest[sizeof(longest) - 1] = '\0';
        ck_assert(value_user_name_is_valid(longest));
        memset(too_long, 'u', sizeof(too_long) - 1);
        too_long[sizeof(too_long) - 1] = '\0';
        ck_assert(!value_user_name_is_valid(too_long));
}
END_TEST

Suite *value_suite(void)
{
        Suite *s = suite_create("value");
        TCase *t = tcase_create("value");

        tcase_add_test(t, test_bool);
        tcase_add_test(t, test_integers);
        tcase_add_test(t, test_timespan_units);
        tcase_add_test(t, test_timespan);
        tcase_add_test(t, test_timespan_format);
        tcase_add_test(t, test_size);
        tcase_add_test(t, test_size_format);
        tcase_add_test(t, test_mode);
        tcase_add_test(t, test_signal);
        tcase_add_test(t, test_nice);
        tcase_add_test(t, test_ip_tos);
        tcase_add_test(t, test_rlimit_names);
        tcase_add_test(t, test_rlimit_parse);
        tcase_add_test(t, test_rlimit_format);
        tcase_add_test(t, test_user_name);
        suite_add_tcase(s, t);
        return s;
}
