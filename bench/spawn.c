/* The machine's spawn limit, the baseline of the benchmark: runs PROGRAM N times, at most C at a time,
 * with no socket and no supervision around it, by posix_spawn(), fork()+execve() or vfork()+execve()
 * (-m), each child's standard output on /dev/null. It reports spawns/s, the latency from the spawn to
 * the reap of each child, its own CPU time per spawn (getrusage(RUSAGE_SELF)) and, apart, that of
 * its children (RUSAGE_CHILDREN: their work before the exec, then the program's).
 * Bounded by -n and by -t: no spawn after it, no wait past it plus -g.
 * One line of key=value pairs on standard output, for bench/run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"

#define SPAWN_IN_FLIGHT_MAX 4096
#define EXIT_EXEC_FAILED    127

extern char **environ;

struct child {
        pid_t pid; /* 0: a free slot */
        uint64_t start_usec;
};

/* Each returns the child's pid, or -errno if there is no child. */
static pid_t spawn_posix_spawn(char **argv, int stdout_fd)
{
        posix_spawn_file_actions_t actions;
        pid_t pid;
        int r;

        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
        if (r == 0)
                r = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        return r == 0 ? pid : -r;
}

static pid_t spawn_fork(char **argv, int stdout_fd)
{
        pid_t pid = fork();

        if (pid == 0) {
                if (dup2(stdout_fd, STDOUT_FILENO) >= 0) /* dup2() clears FD_CLOEXEC on the copy */
                        execve(argv[0], argv, environ);
                _exit(EXIT_EXEC_FAILED);
        }
        return pid < 0 ? -errno : pid;
}

/* The child borrows the parent's memory until execve(): it only makes system calls, then execs
 * or _exit()s. */
static pid_t spawn_vfork(char **argv, int stdout_fd)
{
        pid_t pid = vfork();

        if (pid == 0) {
                if (dup2(stdout_fd, STDOUT_FILENO) >= 0)
                        execve(argv[0], argv, environ);
                _exit(EXIT_EXEC_FAILED);
        }
        return pid < 0 ? -errno : pid;
}

static const struct mechanism {
        const char *name;
        pid_t (*spawn)(char **argv, int stdout_fd);
} mechanism_table[] = {
        { "posix_spawn", spawn_posix_spawn },
        { "fork", spawn_fork },
        { "vfork", spawn_vfork },
};

struct options {
        const struct mechanism *mechanism; /* -m */
        unsigned spawns;                   /* -n */
        unsigned in_flight;                /* -c */
        uint64_t duration_usec;            /* -t */
        uint64_t grace_usec;               /* -g */
        char **argv;                       /* PROGRAM [ARG]... */
};

struct run {
        unsigned started;
        unsigned failed;          /* no child, or one that did not exit 0 */
        unsigned unreaped;        /* still running at the deadline plus the grace */
        int first_error;          /* of a spawn that made no child */
        uint32_t *latencies_usec; /* [spawns], of the children that exited 0 */
        unsigned n_ok;
        uint64_t elapsed_usec;
        struct rusage before, after;                   /* RUSAGE_SELF */
        struct rusage children_before, children_after; /* RUSAGE_CHILDREN: of those reaped */
};

/* SIGALRM only interrupts a waitpid() that has waited long enough. */
static void on_alarm(int sig)
{
        (void) sig;
}

static int arm_alarm(uint64_t usec)
{
        struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: waitpid() returns EINTR */
        struct itimerval timer = { .it_value = { .tv_sec = (time_t) (usec / USEC_PER_SEC),
                                                 .tv_usec = (suseconds_t) (usec % USEC_PER_SEC) } };

        if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &timer, NULL) < 0)
                return -errno;
        return 0;
}

/* Returns whether pid was one of ours. */
static bool reap(struct run *run, struct child *children, unsigned n_children, pid_t pid, int status,
                 uint64_t now)
{
        for (unsigned i = 0; i < n_children; i++) {
                if (children[i].pid != pid)
                        continue;
                children[i].pid = 0;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        run->latencies_usec[run->n_ok++] = usec_to_u32(now - children[i].start_usec);
                else
                        run->failed++;
                return true;
        }
        return false;
}

static int spawn_run(const struct options *o, int stdout_fd, struct child *children, struct run *run)
{
        uint64_t start = now_usec(), stop_starting = start + o->duration_usec;
        unsigned running = 0;
        int r;

        r = arm_alarm(o->duration_usec + o->grace_usec);
        if (r < 0)
                return r;
        getrusage(RUSAGE_SELF, &run->before);
        getrusage(RUSAGE_CHILDREN, &run->children_before);
        for (;;) {
                uint64_t now = now_usec();
                int status;
                pid_t pid;

                while (running < o->in_flight && run->started < o->spawns && now < stop_starting) {
                        unsigned slot = 0;

                        while (children[slot].pid != 0)
                                slot++;
                        children[slot].start_usec = now_usec();
                        pid = o->mechanism->spawn(o->argv, stdout_fd);
                        run->started++;
                        if (pid < 0) {
                                if (run->first_error == 0)
                                        run->first_error = (int) -pid;
                                run->failed++;
                                continue;
                        }
                        children[slot].pid = pid;
                        running++;
                }
                if (running == 0)
                        break;
                pid = waitpid(-1, &status, 0);
                now = now_usec();
                if (pid < 0 && errno == EINTR) {
                        run->unreaped = running; /* the alarm: what still runs is left to run */
                        break;
                }
                if (pid < 0)
                        return -errno;
                if (reap(run, children, o->in_flight, pid, status, now))
                        running--;
        }
        getrusage(RUSAGE_SELF, &run->after);
        getrusage(RUSAGE_CHILDREN, &run->children_after);
        run->elapsed_usec = now_usec() - start;
        return 0;
}

static uint64_t cpu_usec(const struct rusage *ru)
{
        return (uint64_t) (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * USEC_PER_SEC +
               (uint64_t) (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec);
}

static void spawn_report(const struct options *o, struct run *run)
{
        double per_s =
                run->elapsed_usec > 0 ? (double) run->n_ok * USEC_PER_SEC / (double) run->elapsed_usec : 0;
        uint64_t cpu = cpu_usec(&run->after) - cpu_usec(&run->before);
        uint64_t children_cpu = cpu_usec(&run->children_after) - cpu_usec(&run->children_before);

        stats_sort(run->latencies_usec, run->n_ok);
        printf("mechanism=%s spawns=%u failed=%u unreaped=%u elapsed_us=%" PRIu64 " spawn_per_s=%.1f"
               " p50_us=%" PRIu32 " p99_us=%" PRIu32 " max_us=%" PRIu32 " cpu_us_per_spawn=%.1f"
               " children_cpu_us_per_spawn=%.1f maxrss_kib=%ld\n",
               o->mechanism->name, run->started, run->failed, run->unreaped, run->elapsed_usec, per_s,
               stats_percentile(run->latencies_usec, run->n_ok, 50),
               stats_percentile(run->latencies_usec, run->n_ok, 99),
               run->n_ok > 0 ? run->latencies_usec[run->n_ok - 1] : 0,
               run->started > 0 ? (double) cpu / run->started : 0.0,
               run->started > 0 ? (double) children_cpu / run->started : 0.0, run->after.ru_maxrss);
        if (run->first_error != 0)
                fprintf(stderr, "spawn: a spawn failed with: %s\n", strerror(run->first_error));
}

static int parse_mechanism(const char *s, struct options *o)
{
        for (size_t i = 0; i < sizeof(mechanism_table) / sizeof(mechanism_table[0]); i++)
                if (strcmp(s, mechanism_table[i].name) == 0) {
                        o->mechanism = &mechanism_table[i];
                        return 0;
                }
        return -EINVAL;
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: spawn [-m posix_spawn|fork|vfork] [-n SPAWNS] [-c IN-FLIGHT]\n"
                "             [-t SECONDS] [-g SECONDS] PROGRAM [ARG]...\n"
                "\n"
                "Runs PROGRAM (an absolute path) SPAWNS times (default 1000), IN-FLIGHT (default 1) at a\n"
                "time, and prints one key=value line: spawns/s, p50 and p99 from spawn to reap, this\n"
                "process's own CPU time per spawn and that of its children.\n"
                "  -m MECHANISM  posix_spawn (default), fork (fork+execve) or vfork (vfork+execve)\n"
                "  -t SECONDS    spawn nothing after SECONDS (default 10)\n"
                "  -g SECONDS    then wait for the children SECONDS more at most (default 5)\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
        int opt;

        *o = (struct options){ .mechanism = &mechanism_table[0],
                               .spawns = 1000,
                               .in_flight = 1,
                               .duration_usec = 10 * USEC_PER_SEC,
                               .grace_usec = 5 * USEC_PER_SEC };
        while ((opt = getopt(argc, argv, "+m:n:c:t:g:h")) != -1) {
                int r = 0;

                switch (opt) {
                case 'm':
                        r = parse_mechanism(optarg, o);
                        break;
                case 'n':
                        r = parse_unsigned(optarg, 1, UINT32_MAX / 2, &o->spawns);
                        break;
                case 'c':
                        r = parse_unsigned(optarg, 1, SPAWN_IN_FLIGHT_MAX, &o->in_flight);
                        break;
                case 't':
                        r = parse_seconds(optarg, &o->duration_usec);
                        break;
                case 'g':
                        r = parse_seconds(optarg, &o->grace_usec);
                        break;
                case 'h':
                        usage(stdout);
                        exit(EXIT_SUCCESS);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
                if (r < 0) {
                        fprintf(stderr, "spawn: invalid value for -%c: %s\n", opt, optarg);
                        return r;
                }
        }
        if (optind >= argc || argv[optind][0] != '/') {
                usage(stderr);
                return -EINVAL;
        }
        o->argv = argv + optind;
        if (o->in_flight > o->spawns)
                o->in_flight = o->spawns;
        return 0;
}

int main(int argc, char **argv)
{
        struct options o;
        struct run run = { 0 };
        struct child *children;
        int stdout_fd, r;

        if (parse_options(argc, argv, &o) < 0)
                return EXIT_FAILURE;
        stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        children = calloc(o.in_flight, sizeof(*children));
        run.latencies_usec = calloc(o.spawns, sizeof(*run.latencies_usec));
        if (stdout_fd < 0 || !children || !run.latencies_usec) {
                perror("spawn: setting up");
                return EXIT_FAILURE;
        }

        r = spawn_run(&o, stdout_fd, children, &run);
        if (r < 0) {
                fprintf(stderr, "spawn: waitpid: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }
        spawn_report(&o, &run);
        return EXIT_SUCCESS;
}
