/* Collects "file:line: message" sentences; see diag.h. */
#include <errno.h>
#include <stdarg.h>

#include "diag.h"

int diag_addv(struct diag *d, const char *path, unsigned line, const char *prefix, const char *format,
              va_list ap)
{
        _cleanup_free_ char *message = NULL;
        char *full;
        int r;

        if (vasprintf(&message, format, ap) < 0)
                return -ENOMEM;
        if (!prefix)
                prefix = "";
        if (line > 0)
                r = strdup_printf(&full, "%s:%u: %s%s", path, line, prefix, message);
        else
                r = strdup_printf(&full, "%s: %s%s", path, prefix, message);
        if (r < 0)
                return r;

        r = strv_consume(&d->messages, full);
        if (r < 0)
                return r;
        d->n++;
        return 0;
}

int diag_add(struct diag *d, const char *path, unsigned line, const char *format, ...)
{
        va_list ap;
        int r;

        va_start(ap, format);
        r = diag_addv(d, path, line, NULL, format, ap);
        va_end(ap);
        return r;
}

int diag_move(struct diag *to, struct diag *from)
{
        for (size_t i = 0; i < from->n; i++) {
                int r = strv_consume(&to->messages, TAKE_PTR(from->messages[i]));
                if (r < 0)
                        return r;
                to->n++;
        }
        diag_clear(from);
        return 0;
}

void diag_clear(struct diag *d)
{
        for (size_t i = 0; i < d->n; i++)
                free(d->messages[i]);
        free(d->messages);
        d->messages = NULL;
        d->n = 0;
}
