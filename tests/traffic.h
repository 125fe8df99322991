/* A bounded load for the tests that change sockactd under traffic (reload, reexec): client threads,
 * each connecting again and again to one address and reading each whole answer, until stopped, out
 * of time, or LOAD_CONNECTIONS_MAX connections in all. A wrong answer or an error counts as failed. */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "harness.h"

#define LOAD_CONNECTIONS_MAX    2000 /* all clients together */
#define LOAD_SECONDS            60
#define LOAD_REQUEST_TIMEOUT_MS 5000
#define LOAD_PAUSE_MS           5 /* between two connections of a client: the count lasts through the changes */

struct load {
        pthread_mutex_t lock;
        long long deadline_ms; /* CLOCK_MONOTONIC */
        bool stop;
        unsigned started, served, failed;
        int first_error; /* of the first failure: -errno, or 0 for a wrong answer */
        char first_answer[256];
};

struct load_client {
        struct load *load;
        char *address;
        const char *answer; /* a line every answer has */
        pthread_t thread;
};

/* The thread of a load_client. */
void *load_run(void *userdata);
unsigned load_served(struct load *l);
/* Until the load has had served answers in all (at most T ms), pumping sockactd's log. */
void wait_load_served(struct harness *h, struct load *l, unsigned served);
/* Now, CLOCK_MONOTONIC, in ms (deadline_ms is one). */
long long now_ms(void);
