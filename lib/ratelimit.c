/* See ratelimit.h. */
#include "ratelimit.h"

bool ratelimit_test(struct ratelimit *r, uint64_t now, uint64_t *ret_end)
{
        if (r->interval == 0 || r->burst == 0)
                return true;
        if (r->count == 0 || now - r->begin >= r->interval) {
                r->begin = now;
                r->count = 0;
        }
        if (r->count < r->burst) {
                r->count++;
                return true;
        }
        *ret_end = r->begin + r->interval;
        return false;
}
