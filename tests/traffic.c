/* The bounded load; see traffic.h. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <check.h>

#include "checks.h"
#include "traffic.h"

long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Whether the client may start one more connection: not stopped, within the count and the time. */
static bool load_next(struct load *l)
{
        bool go;

        pthread_mutex_lock(&l->lock);
        go = !l->stop && l->started < LOAD_CONNECTIONS_MAX && now_ms() < l->deadline_ms;
        l->started += go;
        pthread_mutex_unlock(&l->lock);
        return go;
}

/* One connection after the other, each to its end: connect, read the whole answer, check it. */
void *load_run(void *userdata)
{
        struct load_client *c = userdata;
        struct load *l = c->load;

        while (load_next(l)) {
                char *answer = NULL;
                int r = harness_request(NULL, c->address, SOCK_STREAM, LOAD_REQUEST_TIMEOUT_MS, &answer);
                bool ok = r == 0 && has_line(answer, c->answer);

                pthread_mutex_lock(&l->lock);
                if (ok)
                        l->served++;
                else if (l->failed++ == 0) {
                        l->first_error = r;
                        snprintf(l->first_answer, sizeof(l->first_answer), "%s: %s", c->address,
                                 answer ? answer : "");
                }
                pthread_mutex_unlock(&l->lock);
                free(answer);
                (void) poll(NULL, 0, LOAD_PAUSE_MS);
        }
        return NULL;
}

unsigned load_served(struct load *l)
{
        unsigned served;

        pthread_mutex_lock(&l->lock);
        served = l->served;
        pthread_mutex_unlock(&l->lock);
        return served;
}

void wait_load_served(struct harness *h, struct load *l, unsigned served)
{
        for (long long until = now_ms() + T; load_served(l) < served;) {
                ck_assert_msg(now_ms() < until, "the load had %u answers, not %u, within %d ms:\n%s",
                              load_served(l), served, T, harness_log_tail(h));
                ck_assert_int_eq(harness_pump(h, 10), 0);
        }
}
