/* See run.h. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "support.h"
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

const struct specifier_context test_context = {
        .runtime_root = "/run/user/1000",
        .state_root = "/home/tester/.local/state",
        .cache_root = "/home/tester/.cache",
        .log_root = "/home/tester/.local/state/log",
        .config_root = "/home/tester/.config",
        .user_name = "tester",
        .uid = 1000,
        .group_name = "testers",
        .gid = 1001,
        .home = "/home/tester",
        .host_name = "host.example.org",
        .machine_id = "0123456789abcdef0123456789abcdef",
        .boot_id = "fedcba9876543210fedcba9876543210",
        .kernel_release = "6.1.0-test",
};

const struct load_options test_options = { .specifiers = &test_context, .ipv6_supported = true };

struct unit *load_text(const char *name, const char *text, struct diag *diag)
{
        struct unitfile *file = NULL;
        struct unit *u = NULL;

        ck_assert_int_eq(unitfile_read_buffer(name, text, strlen(text), &file, diag), 0);
        if (diag->n == 0)
                unit_load_from(file, name, &test_options, &u, diag);
        unitfile_free(file);
        return u;
}

struct unit_set load_fixture(const char *kind, const char *name, struct diag *diag)
{
        char dir[256];
        char *dirs[] = { dir, NULL };
        struct unit_set set = { 0 };

        snprintf(dir, sizeof(dir), FIXTURES "/%s/%s", kind, name);
        ck_assert_int_eq(unit_set_load(dirs, NULL, &test_options, &set, diag), 0);
        return set;
}

char **list_fixtures(const char *kind)
{
        char dir[128];
        char **names = NULL;
        struct dirent *de;
        DIR *d;

        snprintf(dir, sizeof(dir), FIXTURES "/%s", kind);
        d = opendir(dir);
        ck_assert_ptr_nonnull(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        ck_assert_int_eq(strv_extend(&names, de->d_name), 0);
        closedir(d);
        ck_assert_uint_gt(strv_length(names), 0);
        return names;
}
