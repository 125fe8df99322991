/* String vectors, formatted strings and UTF-8 validation shared by the rest of lib/. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

void strv_free(char **v)
{
        if (!v)
                return;
        for (char **i = v; *i; i++)
                free(*i);
        free(v);
}

size_t strv_length(char *const *v)
{
        size_t n = 0;

        if (v)
                while (v[n])
                        n++;
        return n;
}

int strv_consume(char ***v, char *s)
{
        size_t n = strv_length(*v);
        char **grown;

        if (!s)
                return -ENOMEM;
        grown = realloc(*v, (n + 2) * sizeof(char *));
        if (!grown) {
                free(s);
                return -ENOMEM;
        }
        grown[n] = s;
        grown[n + 1] = NULL;
        *v = grown;
        return 0;
}

int strv_extend(char ***v, const char *s)
{
        return strv_consume(v, strdup(s));
}

int strv_copy(char *const *v, char ***ret)
{
        _cleanup_strv_free_ char **copy = NULL;
        int r;

        copy = calloc(1, sizeof(char *));
        if (!copy)
                return -ENOMEM;
        for (size_t i = 0; v && v[i]; i++) {
                r = strv_extend(&copy, v[i]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(copy);
        return 0;
}

bool strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v && v[i]; i++)
                if (streq(v[i], s))
                        return true;
        return false;
}

int strdup_printf(char **ret, const char *format, ...)
{
        va_list ap;
        char *s;
        int r;

        va_start(ap, format);
        r = vasprintf(&s, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int strextend_printf(char **buf, const char *format, ...)
{
        size_t old = *buf ? strlen(*buf) : 0;
        va_list ap;
        char *grown;
        int n;

        va_start(ap, format);
        n = vsnprintf(NULL, 0, format, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;

        grown = realloc(*buf, old + (size_t) n + 1);
        if (!grown)
                return -ENOMEM;

        va_start(ap, format);
        vsnprintf(grown + old, (size_t) n + 1, format, ap);
        va_end(ap);
        *buf = grown;
        return 0;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

int strbuf_put(struct strbuf *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->allocated) {
                size_t want = (b->len + n + 1) * 2;
                char *grown = realloc(b->data, want);

                if (!grown)
                        return -ENOMEM;
                b->data = grown;
                b->allocated = want;
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

bool utf8_is_valid(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                uint32_t c;
                int extra;

                if (*p < 0x80) {
                        p++;
                        continue;
                } else if ((*p & 0xE0) == 0xC0) {
                        c = *p & 0x1F;
                        extra = 1;
                } else if ((*p & 0xF0) == 0xE0) {
                        c = *p & 0x0F;
                        extra = 2;
                } else if ((*p & 0xF8) == 0xF0) {
                        c = *p & 0x07;
                        extra = 3;
                } else
                        return false;

                for (int i = 1; i <= extra; i++) {
                        if ((p[i] & 0xC0) != 0x80)
                                return false;
                        c = (c << 6) | (p[i] & 0x3F);
                }
                if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000) ||
                    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                        return false;
                p += extra + 1;
        }
        return true;
}
