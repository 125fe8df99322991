/* Logging to the journal or stderr; see log.h. The target is decided once, at setup. */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "value.h"

static enum log_target log_target = LOG_TARGET_STDERR;
static int log_max_level = LOG_INFO;

static const char *const log_target_names[_LOG_TARGET_MAX] = {
        [LOG_TARGET_AUTO] = "auto",
        [LOG_TARGET_JOURNAL] = "journal",
        [LOG_TARGET_STDERR] = "stderr",
};

static const char *const log_level_names[] = { "emerg",   "alert",  "crit", "err",
                                               "warning", "notice", "info", "debug" };

int log_target_from_string(const char *s)
{
        for (int i = 0; i < _LOG_TARGET_MAX; i++)
                if (streq(s, log_target_names[i]))
                        return i;
        return -EINVAL;
}

int log_level_from_string(const char *s)
{
        for (int i = 0; i < (int) ELEMENTSOF(log_level_names); i++)
                if (streq(s, log_level_names[i]) || (s[0] == '0' + i && s[1] == '\0'))
                        return i;
        return -EINVAL;
}

/* Whether stderr is the journal's stream: $JOURNAL_STREAM is "device:inode" of that stream. */
static bool stderr_is_journal(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void log_setup(enum log_target target, int max_level)
{
        if (target == LOG_TARGET_AUTO)
                target = stderr_is_journal() ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR;
        log_target = target;
        log_max_level = max_level;
}

void log_peer_warning(uint64_t *last, const char *prefix, const char *format, ...)
{
        char message[256];
        uint64_t now = now_usec();
        va_list ap;

        if (*last != 0 && now - *last < USEC_PER_SEC)
                return;
        *last = now;
        va_start(ap, format);
        vsnprintf(message, sizeof(message), format, ap);
        va_end(ap);
        log_warning(0, "%s: %s", prefix, message);
}

int log_unit_full(int level, const char *unit, int error, const char *format, ...)
{
        int saved_errno = errno, result = error > 0 ? -error : error;

        if (result == 0 && level <= LOG_ERR)
                result = -EINVAL; /* an error is an error even without an errno to tell */
        char message[2048];
        va_list ap;

        if (level > log_max_level)
                return result;

        errno = error < 0 ? -error : error; /* for %m */
        va_start(ap, format);
        vsnprintf(message, sizeof(message), format, ap);
        va_end(ap);

        if (log_target == LOG_TARGET_JOURNAL) {
                if (unit)
                        sd_journal_send("MESSAGE=%s: %s", unit, message, "PRIORITY=%i", level,
                                        "SOCKACT_UNIT=%s", unit, NULL);
                else
                        sd_journal_send("MESSAGE=%s", message, "PRIORITY=%i", level, NULL);
        } else
                fprintf(stderr, "sockactd[%d]: %s: %s\n", (int) getpid(), unit ? unit : "sockactd", message);

        errno = saved_errno;
        return result;
}
