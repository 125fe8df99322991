/* sockactd's one way to log. Every line names its unit (or "sockactd"). To the journal through
 * sd_journal_send() when stderr is connected to it ($JOURNAL_STREAM), else plain lines on
 * stderr: "sockactd[pid]: unit: message". Only daemon/ logs; lib/ returns errors. */
#pragma once

#include <syslog.h>

#include "util.h"

enum log_target {
        LOG_TARGET_AUTO,
        LOG_TARGET_JOURNAL,
        LOG_TARGET_STDERR,
        _LOG_TARGET_MAX,
};

int log_target_from_string(const char *s); /* -EINVAL when unknown */
int log_level_from_string(const char *s);  /* "debug"…"emerg" or 0…7; -EINVAL */
void log_setup(enum log_target target, int max_level);

/* Logs and returns -|error|, so that callers can write "return log_unit_error(u, r, "…: %m")":
 * %m is strerror(error). With error 0 it returns 0, or -EINVAL at LOG_ERR and above: an error
 * logged without an errno still stops its caller. */
int log_unit_full(int level, const char *unit, int error, const char *format, ...) _printf_(4, 5);

/* A warning about what a peer sent, "prefix: message", logged at most once a second (*last is
 * when it last was, CLOCK_MONOTONIC), so that a noisy peer cannot flood the log. */
void log_peer_warning(uint64_t *last, const char *prefix, const char *format, ...) _printf_(3, 4);

#define log_unit_error(unit, error, ...)   log_unit_full(LOG_ERR, unit, error, __VA_ARGS__)
#define log_unit_warning(unit, error, ...) log_unit_full(LOG_WARNING, unit, error, __VA_ARGS__)
#define log_unit_info(unit, ...)           log_unit_full(LOG_INFO, unit, 0, __VA_ARGS__)
#define log_unit_debug(unit, ...)          log_unit_full(LOG_DEBUG, unit, 0, __VA_ARGS__)
#define log_error(error, ...)              log_unit_full(LOG_ERR, NULL, error, __VA_ARGS__)
#define log_warning(error, ...)            log_unit_full(LOG_WARNING, NULL, error, __VA_ARGS__)
#define log_info(...)                      log_unit_full(LOG_INFO, NULL, 0, __VA_ARGS__)
#define log_debug(...)                     log_unit_full(LOG_DEBUG, NULL, 0, __VA_ARGS__)
