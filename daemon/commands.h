/* A list of commands run one after the other, each to its end, with one timeout per command:
 * the ExecStartPre=, ExecStartPost=, ExecStopPre= and ExecStopPost= of a socket unit. A command
 * that fails stops the list (unless written with "-"); one that outlives the timeout gets
 * SIGTERM, and SIGKILL when the timeout passes again. The owner learns the outcome through
 * its callback, once per list. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "children.h"
#include "exec.h"
#include "unit.h"

struct commands;
typedef void (*commands_done_t)(struct commands *c, bool success, void *userdata);

struct commands {
        sd_event *event;
        struct children *children;
        const struct unit *unit;
        const struct exec_roots *roots;
        const struct exec_list *list;
        size_t next;      /* index of the command to run after the current one */
        uint64_t timeout; /* usec per command; 0 or USEC_INFINITY: none */
        pid_t pid;        /* the running command, or 0 */
        struct child_watch child;
        sd_event_source *timer;
        sd_event_source *kick; /* runs the first command from the loop */
        bool sigterm_sent;
        bool terminated; /* commands_terminate(): the list fails whatever the command's exit */
        commands_done_t done;
        void *userdata;
};

/* Starts the list; done() is called when the last command ends or one fails (from the event
 * loop, also when the list is empty, never from within this call). Returns 0 or -errno. */
int commands_start(struct commands *c, sd_event *event, struct children *children, const struct unit *u,
                   const struct exec_roots *roots, const struct exec_list *list, uint64_t timeout,
                   commands_done_t done, void *userdata);
/* Whether a list is under way. */
bool commands_running(const struct commands *c);
/* Ends the running command early (SIGTERM, then SIGKILL after the timeout); done() follows
 * with success false. */
void commands_terminate(struct commands *c);
/* Forgets the list without calling done(); a running command gets SIGKILL (and is reaped when it
 * exits). */
void commands_done(struct commands *c);
