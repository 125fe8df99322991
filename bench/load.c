/* The load client of the spawn benchmark: N connections to ADDRESS:PORT, at most C of them in flight,
 * each read until EOF (the handler writes one line and exits), with the latency of each from the
 * start of connect() to EOF. One thread, non-blocking sockets, one epoll set.
 * It never sends a byte, and it is bounded twice: by -n, and by -t (no connection starts after it;
 * those still open -g seconds later are counted as timeouts and closed).
 * It prints one line of key=value pairs on standard output, for bench/run; diagnostics go to stderr. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stats.h"

#define LOAD_EVENTS_MAX    64   /* epoll events taken per wake-up */
#define LOAD_WAIT_MAX_MS   100  /* the loop looks at the clock at least this often */
#define LOAD_IN_FLIGHT_MAX 4096 /* -c: more than this would only measure the listen backlog */

enum outcome {
        OUTCOME_OK,      /* at least one byte, then EOF */
        OUTCOME_REFUSED, /* ECONNREFUSED: nobody listening, or the supervisor paused */
        OUTCOME_RESET,   /* ECONNRESET or EPIPE: the supervisor closed it without a reply */
        OUTCOME_TIMEOUT, /* still open at the deadline plus the grace */
        OUTCOME_EMPTY,   /* EOF before any byte */
        OUTCOME_OTHER,   /* socket() or connect() failed at once: EADDRNOTAVAIL, EMFILE… */
        _OUTCOME_MAX,
};

static const char *const outcome_table[_OUTCOME_MAX] = {
        [OUTCOME_OK] = "ok",           [OUTCOME_REFUSED] = "refused", [OUTCOME_RESET] = "reset",
        [OUTCOME_TIMEOUT] = "timeout", [OUTCOME_EMPTY] = "empty",     [OUTCOME_OTHER] = "other",
};

struct options {
        struct sockaddr_in address;
        unsigned connections;   /* -n */
        unsigned in_flight;     /* -c */
        uint64_t duration_usec; /* -t */
        uint64_t grace_usec;    /* -g */
        bool linger_zero;       /* -L: close with SO_LINGER 0, leaving no TIME_WAIT on our side */
};

struct slot {
        int fd;
        uint64_t start_usec;
        size_t received;
};

struct load {
        const struct options *o;
        int epoll_fd;
        struct slot *slots;   /* [o->in_flight] */
        unsigned *free_slots; /* a stack of the indices of unused slots */
        unsigned n_free;
        unsigned started, finished;
        uint32_t *latencies_usec; /* [o->connections], of the connections that succeeded */
        unsigned outcomes[_OUTCOME_MAX];
        int first_other_errno;
        uint64_t first_start_usec, last_finish_usec;
};

static void load_finish(struct load *l, unsigned index, enum outcome outcome)
{
        struct slot *s = &l->slots[index];
        uint64_t now = now_usec();

        if (s->fd >= 0) {
                struct linger lg = { .l_onoff = 1, .l_linger = 0 };

                if (l->o->linger_zero)
                        (void) setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
                close(s->fd); /* the only reference: this also takes it out of the epoll set */
                s->fd = -1;
        }
        if (outcome == OUTCOME_OK)
                l->latencies_usec[l->outcomes[OUTCOME_OK]] = usec_to_u32(now - s->start_usec);
        l->outcomes[outcome]++;
        l->finished++;
        l->last_finish_usec = now;
        l->free_slots[l->n_free++] = index;
}

static void load_fail_other(struct load *l, unsigned index, int error)
{
        if (l->outcomes[OUTCOME_OTHER] == 0)
                l->first_other_errno = error;
        load_finish(l, index, OUTCOME_OTHER);
}

/* Starts one connection in a free slot; a failure at once is counted as a finished connection. */
static void load_start(struct load *l)
{
        unsigned index = l->free_slots[--l->n_free];
        struct slot *s = &l->slots[index];
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = index };

        s->start_usec = now_usec();
        s->received = 0;
        if (l->started++ == 0)
                l->first_start_usec = s->start_usec;
        s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0) {
                load_fail_other(l, index, errno);
                return;
        }
        if (connect(s->fd, (const struct sockaddr *) &l->o->address, sizeof(l->o->address)) < 0 &&
            errno != EINPROGRESS) {
                load_fail_other(l, index, errno);
                return;
        }
        /* EPOLLERR and EPOLLHUP are always reported: a refused connect() wakes us too, and read()
         * then returns its error */
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
                load_fail_other(l, index, errno);
}

/* Reads what the connection has; finishes it at EOF or on an error. */
static void load_read(struct load *l, unsigned index)
{
        struct slot *s = &l->slots[index];
        char buf[256];

        for (;;) {
                ssize_t n = read(s->fd, buf, sizeof(buf));

                if (n > 0) {
                        s->received += (size_t) n;
                        continue;
                }
                if (n == 0) {
                        load_finish(l, index, s->received > 0 ? OUTCOME_OK : OUTCOME_EMPTY);
                        return;
                }
                if (errno == EINTR)
                        continue;
                if (errno == EAGAIN)
                        return;
                if (errno == ECONNREFUSED)
                        load_finish(l, index, OUTCOME_REFUSED);
                else if (errno == ECONNRESET || errno == EPIPE)
                        load_finish(l, index, OUTCOME_RESET);
                else
                        load_fail_other(l, index, errno);
                return;
        }
}

static int load_run(struct load *l)
{
        const struct options *o = l->o;
        uint64_t start = now_usec();
        uint64_t stop_starting = start + o->duration_usec, give_up = stop_starting + o->grace_usec;

        for (;;) {
                struct epoll_event events[LOAD_EVENTS_MAX];
                uint64_t now = now_usec();
                int n, timeout_ms;

                while (l->n_free > 0 && l->started < o->connections && now < stop_starting)
                        load_start(l);
                if (l->n_free == o->in_flight && (l->started == o->connections || now >= stop_starting))
                        return 0; /* nothing in flight, nothing more to start */
                if (now >= give_up)
                        break;
                timeout_ms = (int) ((give_up - now + 999) / 1000);
                if (timeout_ms > LOAD_WAIT_MAX_MS)
                        timeout_ms = LOAD_WAIT_MAX_MS;
                n = epoll_wait(l->epoll_fd, events, LOAD_EVENTS_MAX, timeout_ms);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                for (int i = 0; i < n; i++)
                        load_read(l, events[i].data.u32);
        }

        for (unsigned i = 0; i < o->in_flight; i++)
                if (l->slots[i].fd >= 0)
                        load_finish(l, i, OUTCOME_TIMEOUT);
        return 0;
}

static void load_report(struct load *l)
{
        uint64_t elapsed = l->started > 0 ? l->last_finish_usec - l->first_start_usec : 0;
        unsigned n_ok = l->outcomes[OUTCOME_OK];

        stats_sort(l->latencies_usec, n_ok);
        printf("connections=%u failed=%u", l->finished, l->finished - n_ok);
        for (int i = 0; i < _OUTCOME_MAX; i++)
                printf(" %s=%u", outcome_table[i], l->outcomes[i]);
        printf(" elapsed_us=%" PRIu64 " conn_per_s=%.1f p50_us=%" PRIu32 " p99_us=%" PRIu32
               " max_us=%" PRIu32 "\n",
               elapsed, elapsed > 0 ? (double) n_ok * USEC_PER_SEC / (double) elapsed : 0.0,
               stats_percentile(l->latencies_usec, n_ok, 50), stats_percentile(l->latencies_usec, n_ok, 99),
               n_ok > 0 ? l->latencies_usec[n_ok - 1] : 0);
        if (l->outcomes[OUTCOME_OTHER] > 0)
                fprintf(stderr, "load: %u connection(s) failed at once, the first with: %s\n",
                        l->outcomes[OUTCOME_OTHER], strerror(l->first_other_errno));
}

/* As many fds as the hard limit allows: one per connection in flight, and the epoll set. */
static void raise_nofile_limit(void)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        perror("load: setrlimit(RLIMIT_NOFILE), ignoring");
        }
}

static void usage(FILE *f)
{
        fprintf(f, "Usage: load -p PORT [-a ADDRESS] [-n CONNECTIONS] [-c IN-FLIGHT]\n"
                   "            [-t SECONDS] [-g SECONDS] [-L]\n"
                   "\n"
                   "Opens CONNECTIONS (default 1000) TCP connections to ADDRESS:PORT (default 127.0.0.1),\n"
                   "IN-FLIGHT (default 1) at a time, reads each until EOF, and prints one key=value line:\n"
                   "connections/s, the p50 and p99 latency from connect() to EOF, and the failures.\n"
                   "  -t SECONDS  start no connection after SECONDS (default 10)\n"
                   "  -g SECONDS  then give up on those still open after SECONDS more (default 5)\n"
                   "  -L          close with SO_LINGER 0 (no TIME_WAIT left on the client's side)\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
        unsigned port = 0;
        int opt;

        *o = (struct options){ .connections = 1000,
                               .in_flight = 1,
                               .duration_usec = 10 * USEC_PER_SEC,
                               .grace_usec = 5 * USEC_PER_SEC };
        o->address.sin_family = AF_INET;
        o->address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        while ((opt = getopt(argc, argv, "a:p:n:c:t:g:Lh")) != -1) {
                int r = 0;

                switch (opt) {
                case 'a':
                        r = inet_pton(AF_INET, optarg, &o->address.sin_addr) == 1 ? 0 : -EINVAL;
                        break;
                case 'p':
                        r = parse_unsigned(optarg, 1, 65535, &port);
                        break;
                case 'n':
                        r = parse_unsigned(optarg, 1, UINT32_MAX / 2, &o->connections);
                        break;
                case 'c':
                        r = parse_unsigned(optarg, 1, LOAD_IN_FLIGHT_MAX, &o->in_flight);
                        break;
                case 't':
                        r = parse_seconds(optarg, &o->duration_usec);
                        break;
                case 'g':
                        r = parse_seconds(optarg, &o->grace_usec);
                        break;
                case 'L':
                        o->linger_zero = true;
                        break;
                case 'h':
                        usage(stdout);
                        exit(EXIT_SUCCESS);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
                if (r < 0) {
                        fprintf(stderr, "load: invalid value for -%c: %s\n", opt, optarg);
                        return r;
                }
        }
        if (optind != argc || port == 0) {
                usage(stderr);
                return -EINVAL;
        }
        o->address.sin_port = htons((uint16_t) port);
        if (o->in_flight > o->connections)
                o->in_flight = o->connections;
        return 0;
}

int main(int argc, char **argv)
{
        struct options o;
        struct load l = { .o = &o };
        int r;

        if (parse_options(argc, argv, &o) < 0)
                return EXIT_FAILURE;
        raise_nofile_limit();
        l.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        l.slots = calloc(o.in_flight, sizeof(*l.slots));
        l.free_slots = calloc(o.in_flight, sizeof(*l.free_slots));
        l.latencies_usec = calloc(o.connections, sizeof(*l.latencies_usec));
        if (l.epoll_fd < 0 || !l.slots || !l.free_slots || !l.latencies_usec) {
                perror("load: setting up");
                return EXIT_FAILURE;
        }
        for (unsigned i = 0; i < o.in_flight; i++) {
                l.slots[i].fd = -1;
                l.free_slots[l.n_free++] = o.in_flight - 1 - i;
        }

        r = load_run(&l);
        if (r < 0) {
                fprintf(stderr, "load: epoll_wait: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }
        load_report(&l);
        return EXIT_SUCCESS;
}
