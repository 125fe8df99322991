/* See run.h. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "run.h"
#include "tests.h"
#include "util.h"

extern char **environ;

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
        char *grown = realloc(*buf, *len + n + 1);

        ck_assert_ptr_nonnull(grown);
        memcpy(grown + *len, data, n);
        *len += n;
        grown[*len] = '\0';
        *buf = grown;
}

struct run_result run_program(char *const argv[])
{
        int out[2], err[2], status;
        posix_spawn_file_actions_t actions;
        struct run_result result = { 0 };
        size_t out_len = 0, err_len = 0;
        long long deadline = now_ms() + RUN_TIMEOUT_MS;
        pid_t pid;

        ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
        ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
        ck_assert_int_eq(posix_spawn(&pid, argv[0], &actions, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        close(err[1]);
        append(&result.out, &out_len, "", 0);
        append(&result.err, &err_len, "", 0);

        struct pollfd fds[2] = { { .fd = out[0], .events = POLLIN }, { .fd = err[0], .events = POLLIN } };
        while (fds[0].fd >= 0 || fds[1].fd >= 0) {
                long long left = deadline - now_ms();
                char buf[4096];

                if (left <= 0) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                        ck_abort_msg("%s did not finish within %d ms", argv[0], RUN_TIMEOUT_MS);
                }
                ck_assert_int_ge(poll(fds, 2, (int) left), 0);
                for (int i = 0; i < 2; i++) {
                        ssize_t n;

                        if (fds[i].fd < 0 || !fds[i].revents)
                                continue;
                        n = read(fds[i].fd, buf, sizeof(buf));
                        if (n <= 0) {
                                close(fds[i].fd);
                                fds[i].fd = -1;
                        } else if (i == 0)
                                append(&result.out, &out_len, buf, (size_t) n);
                        else
                                append(&result.err, &err_len, buf, (size_t) n);
                }
        }
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return result;
}

void run_result_clear(struct run_result *r)
{
        free(r->out);
        free(r->err);
        r->out = r->err = NULL;
}

const char *program_path(const char *variable, const char *fallback)
{
        const char *p = getenv(variable);
        return p && *p ? p : fallback;
}
