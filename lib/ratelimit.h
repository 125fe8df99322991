/* A fixed-window rate limit: at most burst events within interval, counted from the first
 * event of the window. Pure: the caller passes the time (CLOCK_MONOTONIC, usec). Used by the
 * trigger and poll limits of sockets; a limit that is hit ends by itself at the window's end. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
        uint64_t interval; /* usec; 0: no limit */
        unsigned burst;    /* 0: no limit */
        uint64_t begin;    /* start of the current window */
        unsigned count;    /* events counted in it */
};

/* Counts an event at now. Returns true when it is within the limit; false when it is over,
 * and then *ret_end is when the window ends (the first moment an event is allowed again). */
bool ratelimit_test(struct ratelimit *r, uint64_t now, uint64_t *ret_end);
