/* What bench/load.c and bench/spawn.c share: the clock they time with, the nearest-rank
 * percentiles of the latencies they report, and the parsing of their numeric options. Header-only, so that each stays one program of one file. */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define USEC_PER_SEC 1000000ULL

static inline uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

static inline uint32_t usec_to_u32(uint64_t usec)
{
        return usec > UINT32_MAX ? UINT32_MAX : (uint32_t) usec;
}

static inline int compare_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

        return (x > y) - (x < y);
}

/* Sorts the n values for stats_percentile(). */
static inline void stats_sort(uint32_t *values, unsigned n)
{
        qsort(values, n, sizeof(*values), compare_u32);
}

/* The nearest-rank percentile of a sorted array, 0 for an empty one. */
static inline uint32_t stats_percentile(const uint32_t *sorted, unsigned n, unsigned percent)
{
        uint64_t rank = ((uint64_t) n * percent + 99) / 100;

        return n == 0 ? 0 : sorted[rank == 0 ? 0 : rank - 1];
}

/* A decimal in [min, max]: 0, or -EINVAL. */
static inline int parse_unsigned(const char *s, unsigned min, unsigned max, unsigned *ret)
{
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

/* Seconds, fractions allowed, at most a day: 0, or -EINVAL. */
static inline int parse_seconds(const char *s, uint64_t *ret_usec)
{
        char *end;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= 86400))
                return -EINVAL;
        *ret_usec = (uint64_t) (v * USEC_PER_SEC);
        return 0;
}
