/* Parsing sd_notify(3) messages; see notify.h. One table names each assignment sockact acts on
 * and how its value is read. */
#include <errno.h>

#include "notify.h"
#include "util.h"
#include "value.h"

enum notify_kind {
        NOTIFY_FLAG,  /* "1" sets a bool */
        NOTIFY_TEXT,  /* a string */
        NOTIFY_PID,   /* a pid > 0 */
        NOTIFY_ERRNO, /* 0…4095 */
        NOTIFY_USEC,  /* microseconds */
};

struct notify_field {
        const char *name;
        enum notify_kind kind;
        size_t offset;
};

#define FIELD(n, k, f)                                                                                      \
        {                                                                                                   \
                n, k, offsetof(struct notify_message, f)                                                    \
        }

static const struct notify_field notify_fields[] = {
        FIELD("READY", NOTIFY_FLAG, ready),
        FIELD("RELOADING", NOTIFY_FLAG, reloading),
        FIELD("STOPPING", NOTIFY_FLAG, stopping),
        FIELD("FDSTORE", NOTIFY_FLAG, fdstore),
        FIELD("FDSTOREREMOVE", NOTIFY_FLAG, fdstore_remove),
        FIELD("BARRIER", NOTIFY_FLAG, barrier),
        FIELD("STATUS", NOTIFY_TEXT, status),
        FIELD("FDNAME", NOTIFY_TEXT, fdname),
        FIELD("MAINPID", NOTIFY_PID, main_pid),
        FIELD("ERRNO", NOTIFY_ERRNO, errno_value),
        FIELD("WATCHDOG_USEC", NOTIFY_USEC, watchdog_usec),
        FIELD("EXTEND_TIMEOUT_USEC", NOTIFY_USEC, extend_timeout_usec),
};

static int bad(const char **ret_reason, const char *reason)
{
        *ret_reason = reason;
        return -EBADMSG;
}

/* WATCHDOG= and FDPOLL= take more than "1"; the rest go through the table. */
static int notify_special(struct notify_message *m, const char *name, const char *value,
                          const char **ret_reason)
{
        if (streq(name, "WATCHDOG")) {
                if (streq(value, "1"))
                        m->watchdog = true;
                else if (streq(value, "trigger"))
                        m->watchdog_trigger = true;
                else
                        return bad(ret_reason, "WATCHDOG= takes 1 or trigger");
                return 1;
        }
        if (streq(name, "FDPOLL")) {
                if (!streq(value, "0"))
                        return bad(ret_reason, "FDPOLL= takes 0");
                m->fdpoll_off = true;
                return 1;
        }
        return 0;
}

static int notify_assign(struct notify_message *m, const char *name, const char *value,
                         const char **ret_reason)
{
        const struct notify_field *f = NULL;
        void *field;
        unsigned u;
        uint64_t v;
        int r = notify_special(m, name, value, ret_reason);

        if (r != 0)
                return r < 0 ? r : 0;
        for (size_t i = 0; i < ELEMENTSOF(notify_fields) && !f; i++)
                if (streq(notify_fields[i].name, name))
                        f = &notify_fields[i];
        if (!f)
                return 0; /* not one sockact acts on: ignored, as systemd ignores it */
        field = (char *) m + f->offset;

        switch (f->kind) {
        case NOTIFY_FLAG:
                if (!streq(value, "1"))
                        return bad(ret_reason, "a flag takes 1");
                *(bool *) field = true;
                return 0;
        case NOTIFY_TEXT: {
                char *copy;

                if (field == (char *) &m->fdname && !value_fd_name_is_valid(value))
                        return bad(ret_reason,
                                   "FDNAME= takes 1 to 255 printable ASCII characters without \":\"");
                copy = strdup(value);
                if (!copy)
                        return -ENOMEM;
                free(*(char **) field);
                *(char **) field = copy;
                return 0;
        }
        case NOTIFY_PID:
                if (value_parse_unsigned(value, &u) < 0 || u == 0 || u > INT32_MAX)
                        return bad(ret_reason, "MAINPID= takes a process id");
                *(pid_t *) field = (pid_t) u;
                return 0;
        case NOTIFY_ERRNO:
                if (value_parse_unsigned(value, &u) < 0 || u > 4095)
                        return bad(ret_reason, "ERRNO= takes an errno number");
                *(int *) field = (int) u;
                return 0;
        case NOTIFY_USEC:
                if (value_parse_uint64(value, &v) < 0)
                        return bad(ret_reason, "a time takes microseconds");
                *(uint64_t *) field = v;
                return 0;
        }
        return 0;
}

int notify_parse(const char *buf, size_t len, struct notify_message *ret, const char **ret_reason)
{
        struct notify_message m = { 0 };
        _cleanup_free_ char *text = NULL;
        char *line, *next;
        int r = 0;

        if (len > NOTIFY_MESSAGE_MAX)
                return bad(ret_reason, "message too long");
        if (memchr(buf, '\0', len))
                return bad(ret_reason, "NUL byte in message");
        text = strndup(buf, len);
        if (!text)
                return -ENOMEM;
        if (!utf8_is_valid(text))
                return bad(ret_reason, "invalid UTF-8");

        for (line = text; line && r >= 0; line = next) {
                char *eq;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!*line)
                        continue;
                eq = strchr(line, '=');
                if (!eq || eq == line) {
                        r = bad(ret_reason, "a line is not NAME=value");
                        break;
                }
                *eq = '\0';
                r = notify_assign(&m, line, eq + 1, ret_reason);
        }
        if (r < 0) {
                notify_message_clear(&m);
                return r;
        }
        *ret = m;
        return 0;
}

void notify_message_clear(struct notify_message *m)
{
        free(m->status);
        free(m->fdname);
        *m = (struct notify_message){ 0 };
}
