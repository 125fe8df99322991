/* See commands.h. Each command runs in its own process group; the timeout signals the group. */
#include <errno.h>
#include <signal.h>

#include "commands.h"
#include "log.h"
#include "service.h"
#include "value.h"

static void run_next(struct commands *c);

static void finish(struct commands *c, bool success)
{
        c->timer = sd_event_source_disable_unref(c->timer);
        c->kick = sd_event_source_disable_unref(c->kick);
        c->list = NULL;
        c->done(c, success, c->userdata);
}

static void arm_timer(struct commands *c);

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
        struct commands *c = userdata;
        int sig = c->sigterm_sent ? SIGKILL : SIGTERM;

        (void) source, (void) usec;
        log_unit_warning(c->unit->name, 0, "Command %d timed out, sending SIG%s", (int) c->pid,
                         sigabbrev_np(sig));
        c->terminated = true;
        c->sigterm_sent = true;
        (void) kill(-c->pid, sig);
        if (sig == SIGTERM)
                arm_timer(c);
        else
                c->timer = sd_event_source_disable_unref(c->timer);
        return 0;
}

static void arm_timer(struct commands *c)
{
        c->timer = sd_event_source_disable_unref(c->timer);
        if (c->timeout == 0 || c->timeout == USEC_INFINITY)
                return;
        if (sd_event_add_time_relative(c->event, &c->timer, CLOCK_MONOTONIC, c->timeout, 0, on_timer, c) < 0)
                log_unit_warning(c->unit->name, 0,
                                 "Cannot arm the timeout of a command, it may run forever");
}

static void on_child(struct child_watch *w, const siginfo_t *si)
{
        struct commands *c = container_of(w, struct commands, child);
        const struct exec_command *command = &c->list->commands[c->next - 1];
        bool ok = service_result_from_exit(si->si_code, si->si_status, false) == SERVICE_SUCCESS ||
                  (command->flags & EXEC_IGNORE_FAILURE);

        if (si->si_code == CLD_EXITED && si->si_status == 0)
                log_unit_debug(c->unit->name, "Command %d exited", (int) c->pid);
        else if (si->si_code == CLD_EXITED)
                log_unit_full(ok ? LOG_INFO : LOG_WARNING, c->unit->name, 0,
                              "Command %d (%s) exited with status %d%s", (int) c->pid, command->path,
                              si->si_status, ok ? ", ignoring" : "");
        else
                log_unit_full(ok ? LOG_INFO : LOG_WARNING, c->unit->name, 0,
                              "Command %d (%s) killed by SIG%s%s", (int) c->pid, command->path,
                              sigabbrev_np(si->si_status) ?: "?", ok ? ", ignoring" : "");
        c->pid = 0;
        c->sigterm_sent = false;
        if (!ok || c->terminated)
                finish(c, false);
        else
                run_next(c);
}

static void run_next(struct commands *c)
{
        const struct exec_params p = { .socket_fd = -1, .new_session = true };

        while (c->next < c->list->n) {
                const struct exec_command *command = &c->list->commands[c->next++];
                int r;

                r = exec_command_start(c->unit, command, &p, c->roots, &c->pid);
                if (r == -ENOENT && (command->flags & EXEC_IGNORE_FAILURE))
                        continue;
                if (r < 0) {
                        finish(c, false); /* logged */
                        return;
                }
                children_watch(c->children, &c->child, c->pid, on_child);
                arm_timer(c);
                return;
        }
        finish(c, !c->terminated);
}

static int on_kick(sd_event_source *source, void *userdata)
{
        struct commands *c = userdata;

        (void) source;
        c->kick = sd_event_source_disable_unref(c->kick);
        if (c->terminated)
                finish(c, false);
        else
                run_next(c);
        return 0;
}

int commands_start(struct commands *c, sd_event *event, struct children *children, const struct unit *u,
                   const struct exec_roots *roots, const struct exec_list *list, uint64_t timeout,
                   commands_done_t done, void *userdata)
{
        commands_done(c);
        *c = (struct commands){ .event = event,
                                .children = children,
                                .unit = u,
                                .roots = roots,
                                .list = list,
                                .timeout = timeout,
                                .done = done,
                                .userdata = userdata };
        return sd_event_add_defer(event, &c->kick, on_kick, c);
}

bool commands_running(const struct commands *c)
{
        return c->list != NULL;
}

void commands_terminate(struct commands *c)
{
        if (!c->list || c->terminated)
                return;
        c->terminated = true;
        if (c->pid > 0 && !c->sigterm_sent) {
                c->sigterm_sent = true;
                (void) kill(-c->pid, SIGTERM);
                arm_timer(c);
        }
}

void commands_done(struct commands *c)
{
        if (c->pid > 0)
                (void) kill(-c->pid, SIGKILL);
        if (c->children)
                children_unwatch(c->children, &c->child);
        c->timer = sd_event_source_disable_unref(c->timer);
        c->kick = sd_event_source_disable_unref(c->kick);
        c->list = NULL;
        c->pid = 0;
}
