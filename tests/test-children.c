/* Tests for daemon/children.c: every exited child is reaped, a watched one's status reaches its
 * watch once, and a child nobody waits for (any more) is reaped all the same. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/children.h"
#include "tests.h"
#include "util.h"

struct seen {
        struct child_watch watch;
        int calls;
        siginfo_t si;
};

static void on_exit_seen(struct child_watch *w, const siginfo_t *si)
{
        struct seen *s = container_of(w, struct seen, watch);

        s->calls++;
        s->si = *si;
}

static pid_t child_exiting(int status, unsigned delay_ms)
{
        pid_t pid = fork();

        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct timespec ts = { delay_ms / 1000, (long) (delay_ms % 1000) * 1000000L };

                nanosleep(&ts, NULL);
                _exit(status);
        }
        return pid;
}

/* Runs the loop until no child of this process is left, zombies included (at most 5 s). */
static void run_until_no_children(sd_event *e)
{
        for (int i = 0; i < 500; i++) {
                siginfo_t si = { 0 };

                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD)
                        return;
                ck_assert_int_ge(sd_event_run(e, 10 * 1000), 0);
        }
        ck_abort_msg("children are left after 5 s");
}

static sd_event *new_loop(struct children *c)
{
        sd_event *e = NULL;
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        ck_assert_int_eq(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        ck_assert_int_ge(sd_event_new(&e), 0);
        *c = (struct children){ 0 };
        ck_assert_int_ge(children_start(c, e), 0);
        return e;
}

START_TEST(test_watched_exits_are_dispatched)
{
        struct children c;
        sd_event *e = new_loop(&c);
        struct seen a = { 0 }, b = { 0 };
        pid_t pa = child_exiting(3, 0), pb = child_exiting(0, 50);

        children_watch(&c, &a.watch, pa, on_exit_seen);
        children_watch(&c, &b.watch, pb, on_exit_seen);
        ck_assert(children_watched(&c, pa) && children_watched(&c, pb));
        run_until_no_children(e);
        ck_assert_int_eq(a.calls, 1);
        ck_assert_int_eq(a.si.si_pid, pa);
        ck_assert_int_eq(a.si.si_code, CLD_EXITED);
        ck_assert_int_eq(a.si.si_status, 3);
        ck_assert_int_eq(b.calls, 1);
        ck_assert_int_eq(b.si.si_status, 0);
        ck_assert(!children_watched(&c, pa) && !children_watched(&c, pb));
        ck_assert_int_eq(a.watch.pid, 0); /* the watch is over when it is told */
        children_stop(&c);
        sd_event_unref(e);
}
END_TEST

/* Unwatched before it exits, or never watched: reaped, nobody told, no zombie left. */
START_TEST(test_unwatched_children_are_reaped)
{
        struct children c;
        sd_event *e = new_loop(&c);
        struct seen a = { 0 };
        pid_t pa = child_exiting(0, 50);

        (void) child_exiting(1, 0);
        children_watch(&c, &a.watch, pa, on_exit_seen);
        children_unwatch(&c, &a.watch);
        children_unwatch(&c, &a.watch); /* twice is harmless */
        ck_assert(!children_watched(&c, pa));
        run_until_no_children(e); /* fails if a zombie stays */
        ck_assert_int_eq(a.calls, 0);
        children_stop(&c);
        sd_event_unref(e);
}
END_TEST

/* Many watches in one bucket (pids that differ by a multiple of CHILDREN_BUCKETS): each finds its
 * own exit, whichever order they are unwatched in. */
START_TEST(test_bucket_collisions)
{
        struct children c = { 0 };
        struct seen s[4] = { 0 };
        pid_t pids[4] = { 100, 100 + CHILDREN_BUCKETS, 100 + 2 * CHILDREN_BUCKETS,
                          100 + 3 * CHILDREN_BUCKETS };

        for (int i = 0; i < 4; i++)
                children_watch(&c, &s[i].watch, pids[i], on_exit_seen);
        children_unwatch(&c, &s[1].watch); /* in the middle of the chain */
        ck_assert(children_watched(&c, pids[0]) && !children_watched(&c, pids[1]) &&
                  children_watched(&c, pids[2]) && children_watched(&c, pids[3]));
        children_unwatch(&c, &s[3].watch); /* the head: watched last */
        children_unwatch(&c, &s[0].watch); /* the tail */
        ck_assert(children_watched(&c, pids[2]));
        children_unwatch(&c, &s[2].watch);
        for (int i = 0; i < 4; i++)
                ck_assert(!children_watched(&c, pids[i]));
        ck_assert_ptr_null(c.buckets[100]);
}
END_TEST

Suite *children_suite(void)
{
        Suite *s = suite_create("children");
        TCase *t = tcase_create("children");

        tcase_add_test(t, test_watched_exits_are_dispatched);
        tcase_add_test(t, test_unwatched_children_are_reaped);
        tcase_add_test(t, test_bucket_collisions);
        suite_add_tcase(s, t);
        return s;
}
