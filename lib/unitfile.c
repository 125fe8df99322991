/* The unit-file reader. It owns the file's bytes and turns them into logical lines exactly as
 * systemd's config parser does (line ends \n, \r, \r\n and NUL; a UTF-8 BOM on the first line;
 * "#" and ";" comment lines, skipped even inside a continuation; a line ending in an odd number
 * of backslashes continues on the next with that backslash turned into a space).
 * inih then sees one short token line per logical line: "[s<N>]" for section N and "k=<N>" for
 * assignment N; the full text stays here. Debian's inih is built with a 200-byte line buffer,
 * inline ";" comments and no line numbers, so no unit-file text ever passes through it. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdint.h>
#include <sys/stat.h>

#include "unitfile.h"

#define UTF8_BOM              "\xef\xbb\xbf"
#define INVALID_SECTION_TOKEN "x"

struct reader {
        const char *data;
        size_t size;
        size_t pos;
        unsigned line; /* physical lines consumed so far */
        char *logical; /* the logical line being joined */
        size_t logical_len;
        struct unitfile *unitfile;
        struct diag *diag;
        int error; /* -ENOMEM and the like: stops reading */
};

static bool is_line_end(char c)
{
        return c == '\n' || c == '\r' || c == '\0';
}

static unsigned line_end_bit(char c)
{
        return c == '\n' ? 1u : c == '\r' ? 2u : 4u;
}

/* The next physical line as [*ret_start, *ret_start + *ret_len). A run of different line-end
 * characters ("\r\n") ends one line; a repeated one ("\n\n") starts an empty line. */
static bool reader_physical_line(struct reader *r, const char **ret_start, size_t *ret_len)
{
        size_t start = r->pos;
        unsigned seen = 0;

        if (r->pos >= r->size)
                return false;
        while (r->pos < r->size && !is_line_end(r->data[r->pos]))
                r->pos++;
        *ret_start = r->data + start;
        *ret_len = r->pos - start;
        while (r->pos < r->size && is_line_end(r->data[r->pos]) && !(seen & line_end_bit(r->data[r->pos]))) {
                seen |= line_end_bit(r->data[r->pos]);
                r->pos++;
        }
        r->line++;
        return true;
}

static int reader_append(struct reader *r, const char *s, size_t len)
{
        char *grown;

        if (r->logical_len + len > UNITFILE_LINE_MAX)
                return -ENOBUFS;
        grown = realloc(r->logical, r->logical_len + len + 1);
        if (!grown)
                return -ENOMEM;
        memcpy(grown + r->logical_len, s, len);
        r->logical_len += len;
        grown[r->logical_len] = '\0';
        r->logical = grown;
        return 0;
}

static bool ends_escaped(const char *s, size_t len)
{
        size_t n = 0;

        while (n < len && s[len - 1 - n] == '\\')
                n++;
        return n % 2 == 1;
}

/* Joins physical lines into r->logical. Returns 1 with a logical line, 0 at the end, or -errno. */
static int reader_logical_line(struct reader *r)
{
        const char *start;
        size_t len;
        bool continuing = false;
        int k;

        r->logical_len = 0;
        while (reader_physical_line(r, &start, &len)) {
                const char *p = start;

                if (r->line == 1 && len >= 3 && memcmp(start, UTF8_BOM, 3) == 0) {
                        start += 3;
                        len -= 3;
                        p = start;
                }
                while (p < start + len && strchr(WHITESPACE, *p))
                        p++;
                if (p < start + len && (*p == '#' || *p == ';'))
                        continue; /* a comment, also in the middle of a continuation */

                k = reader_append(r, start, len);
                if (k < 0)
                        return k;
                if (!ends_escaped(r->logical, r->logical_len))
                        return 1;
                r->logical[r->logical_len - 1] = ' ';
                continuing = true;
        }
        return continuing ? 1 : 0;
}

static char *strip(char *s)
{
        char *end;

        s += strspn(s, WHITESPACE);
        end = s + strlen(s);
        while (end > s && strchr(WHITESPACE, end[-1]))
                end--;
        *end = '\0';
        return s;
}

static int reader_add_section(struct reader *r, const char *name, unsigned line, size_t *ret_index)
{
        struct unitfile *u = r->unitfile;
        size_t n = strv_length(u->sections);
        unsigned *lines;
        int k;

        lines = realloc(u->section_lines, (n + 1) * sizeof(unsigned));
        if (!lines)
                return -ENOMEM;
        u->section_lines = lines;
        k = strv_extend(&u->sections, name);
        if (k < 0)
                return k;
        lines[n] = line;
        *ret_index = n;
        return 0;
}

static int reader_add_assignment(struct reader *r, const char *key, const char *value, size_t *ret_index)
{
        struct unitfile *u = r->unitfile;
        struct unitfile_assignment *grown;
        char *k = NULL, *v = NULL;

        grown = realloc(u->assignments, (u->n_assignments + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        u->assignments = grown;
        k = strdup(key);
        v = strdup(value);
        if (!k || !v) {
                free(k);
                free(v);
                return -ENOMEM;
        }
        grown[u->n_assignments] = (struct unitfile_assignment){ .key = k, .value = v, .line = r->line };
        *ret_index = u->n_assignments++;
        return 0;
}

/* Turns the logical line into the token inih sees. Returns 1 with a token in str, 0 for a
 * line that needs no token (blank, or an error already reported), or -errno. */
static int reader_tokenize(struct reader *r, char *str, int num)
{
        char *l = strip(r->logical), *equals;
        size_t index, len = strlen(l);
        int k;

        if (len == 0)
                return 0;
        if (!utf8_is_valid(l))
                return diag_add(r->diag, r->unitfile->path, r->line, "invalid UTF-8, the line is refused");

        if (l[0] == '[') {
                if (l[len - 1] != ']') {
                        k = diag_add(r->diag, r->unitfile->path, r->line, "invalid section header '%s'", l);
                        if (k < 0)
                                return k;
                        snprintf(str, (size_t) num, "[" INVALID_SECTION_TOKEN "]\n");
                        return 1;
                }
                l[len - 1] = '\0';
                k = reader_add_section(r, l + 1, r->line, &index);
                if (k < 0)
                        return k;
                snprintf(str, (size_t) num, "[s%zu]\n", index);
                return 1;
        }

        equals = strchr(l, '=');
        if (!equals)
                return diag_add(r->diag, r->unitfile->path, r->line, "missing '=' in '%s'", l);
        if (equals == l)
                return diag_add(r->diag, r->unitfile->path, r->line, "missing key name before '='");
        *equals = '\0';
        k = reader_add_assignment(r, strip(l), strip(equals + 1), &index);
        if (k < 0)
                return k;
        snprintf(str, (size_t) num, "k=%zu\n", index);
        return 1;
}

/* inih's reader callback: fgets() semantics over our token lines. */
static char *reader_next(char *str, int num, void *stream)
{
        struct reader *r = stream;
        int k;

        if (r->error < 0)
                return NULL;
        for (;;) {
                k = reader_logical_line(r);
                if (k == -ENOBUFS) {
                        k = diag_add(r->diag, r->unitfile->path, r->line,
                                     "line too long (over %d bytes), the rest of the file is not read",
                                     UNITFILE_LINE_MAX);
                        r->error = k < 0 ? k : -ENOBUFS;
                        return NULL;
                }
                if (k <= 0) {
                        r->error = k;
                        return NULL;
                }
                k = reader_tokenize(r, str, num);
                if (k < 0) {
                        r->error = k;
                        return NULL;
                }
                if (k > 0)
                        return str;
        }
}

static bool parse_index(const char *s, size_t *ret)
{
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v > SIZE_MAX)
                return false;
        *ret = (size_t) v;
        return true;
}

/* inih's handler: binds assignment N to section M. Always returns 1 (errors are ours to report). */
static int reader_on_assignment(void *user, const char *section, const char *name, const char *value)
{
        struct reader *r = user;
        struct unitfile *u = r->unitfile;
        size_t a, s;
        int k;

        (void) name;
        if (!parse_index(value, &a) || a >= u->n_assignments)
                return 1;
        if (streq(section, INVALID_SECTION_TOKEN))
                return 1; /* the broken header was reported; its assignments are not guessed at */
        if (section[0] != 's' || !parse_index(section + 1, &s)) {
                k = diag_add(r->diag, u->path, u->assignments[a].line,
                             "%s=: assignment outside of any section", u->assignments[a].key);
                if (k < 0)
                        r->error = k;
                return 1;
        }
        u->assignments[a].section = u->sections[s];
        return 1;
}

/* Drops the assignments that never got a section (outside of one, or under a broken header). */
static void unitfile_compact(struct unitfile *u)
{
        size_t kept = 0;

        for (size_t i = 0; i < u->n_assignments; i++) {
                if (!u->assignments[i].section) {
                        free(u->assignments[i].key);
                        free(u->assignments[i].value);
                        continue;
                }
                u->assignments[kept++] = u->assignments[i];
        }
        u->n_assignments = kept;
}

int unitfile_read_buffer(const char *path, const char *data, size_t size, struct unitfile **ret,
                         struct diag *diag)
{
        struct unitfile *u;
        struct reader r;
        int k;

        u = calloc(1, sizeof(*u));
        if (!u)
                return -ENOMEM;
        u->path = strdup(path);
        u->sections = calloc(1, sizeof(char *));
        if (!u->path || !u->sections) {
                unitfile_free(u);
                return -ENOMEM;
        }

        r = (struct reader){ .data = data, .size = size, .unitfile = u, .diag = diag };
        k = ini_parse_stream(reader_next, &r, reader_on_assignment, &r);
        free(r.logical);
        if (r.error == -ENOMEM || k == -2) {
                unitfile_free(u);
                return -ENOMEM;
        }
        unitfile_compact(u);
        *ret = u;
        return 0;
}

int unitfile_read(const char *path, struct unitfile **ret, struct diag *diag)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *data = NULL;
        size_t size = 0, allocated = 0;
        struct stat st;
        int k;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 || fstat(fd, &st) < 0) {
                k = -errno;
                diag_add(diag, path, 0, "cannot read the unit file: %s", strerror(-k));
                return k;
        }
        if (!S_ISREG(st.st_mode)) {
                diag_add(diag, path, 0, "not a regular file");
                return -EBADFD;
        }

        for (;;) {
                ssize_t n;

                if (size == allocated) {
                        char *grown;

                        if (allocated >= UNITFILE_SIZE_MAX) {
                                diag_add(diag, path, 0, "file too large (over %d bytes)", UNITFILE_SIZE_MAX);
                                return -EFBIG;
                        }
                        allocated = allocated ? allocated * 2 : 4096;
                        grown = realloc(data, allocated + 1);
                        if (!grown)
                                return -ENOMEM;
                        data = grown;
                }
                n = read(fd, data + size, allocated - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        k = -errno;
                        diag_add(diag, path, 0, "cannot read the unit file: %s", strerror(-k));
                        return k;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
        }
        return unitfile_read_buffer(path, data ? data : "", size, ret, diag);
}

void unitfile_free(struct unitfile *u)
{
        if (!u)
                return;
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].key);
                free(u->assignments[i].value);
        }
        free(u->assignments);
        strv_free(u->sections);
        free(u->section_lines);
        free(u->path);
        free(u);
}
