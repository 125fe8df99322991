/* Small helpers every file of sockact uses: cleanup attributes, string
 * predicates and NULL-terminated string vectors ("strv").
 * Nothing here logs, allocates behind the caller's back or keeps state.
 * Functions that can fail return 0 or -errno and leave their outputs alone on failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
/* The struct of type that holds member at ptr. */
#define container_of(ptr, type, member) ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

static inline void freep(void *p)
{
        free(*(void **) p);
}

/* Closes fd when it is one; returns -1, for "fd = safe_close(fd)". */
static inline int safe_close(int fd)
{
        if (fd >= 0)
                close(fd);
        return -1;
}

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

void strv_free(char **v);
static inline void strv_freep(char ***v)
{
        strv_free(*v);
}

#define _cleanup_(f)         __attribute__((cleanup(f)))
#define _cleanup_free_       _cleanup_(freep)
#define _cleanup_close_      _cleanup_(closep)
#define _cleanup_fclose_     _cleanup_(fclosep)
#define _cleanup_strv_free_  _cleanup_(strv_freep)
#define _printf_(a, b)       __attribute__((format(printf, a, b)))
#define _warn_unused_result_ __attribute__((warn_unused_result))

/* Hand over ownership of a pointer: returns it and clears the variable. */
#define TAKE_PTR(p)                                                                                         \
        ({                                                                                                  \
                __typeof__(p) _p = (p);                                                                     \
                (p) = NULL;                                                                                 \
                _p;                                                                                         \
        })

#define TAKE_FD(fd)                                                                                         \
        ({                                                                                                  \
                int _fd = (fd);                                                                             \
                (fd) = -1;                                                                                  \
                _fd;                                                                                        \
        })

static inline bool streq(const char *a, const char *b)
{
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

static inline bool isempty(const char *s)
{
        return !s || !*s;
}

/* Returns the rest of s after prefix, or NULL when s does not start with it. */
static inline const char *startswith(const char *s, const char *prefix)
{
        size_t n = strlen(prefix);
        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

static inline const char *endswith(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0 ? s + a - b : NULL;
}

#define WHITESPACE " \t\n\r"

/* CLOCK_MONOTONIC in microseconds. */
uint64_t now_usec(void);

size_t strv_length(char *const *v);
/* Appends s to *v, taking ownership of s (freed on failure). */
int strv_consume(char ***v, char *s);
/* Appends a copy of s to *v. */
int strv_extend(char ***v, const char *s);
int strv_copy(char *const *v, char ***ret);
bool strv_contains(char *const *v, const char *s);

/* asprintf() that returns -ENOMEM instead of -1 and leaves *ret alone on failure. */
int strdup_printf(char **ret, const char *format, ...) _printf_(2, 3);

/* Appends a formatted string to a growing heap buffer. */
int strextend_printf(char **buf, const char *format, ...) _printf_(2, 3);

bool utf8_is_valid(const char *s);

/* The value of a hexadecimal digit, or -1. */
static inline int unhexchar(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* A string that grows as it is appended to; data is NUL-terminated once anything was put. */
struct strbuf {
        char *data;
        size_t len;
        size_t allocated;
};

/* Appends n bytes of s. Returns 0 or -ENOMEM. */
int strbuf_put(struct strbuf *b, const char *s, size_t n);

static inline void strbuf_done(struct strbuf *b)
{
        free(b->data);
}
