/* gen-man: writes the directive lists of the man pages from the directive table, so that the
 * pages cannot drift from what sockact parses. A page marks each generated part:
 *   .\" BEGIN DIRECTIVES Socket        every row of [Socket]: name, summary, default, differences
 *   .\" BEGIN NO-EFFECT Unit           directives accepted without effect ([Unit] or Install)
 *   .\" BEGIN REFUSED                  systemd directives refused by name
 *   .\" END
 * --update rewrites the parts in place; --check exits 1 when a page is out of date. */
#include <errno.h>
#include <stdlib.h>

#include "directive.h"
#include "util.h"

/* Decodes the UTF-8 sequence at s (valid: the table is checked by the tests) into *ret. */
static int utf8_decode(const unsigned char *s, unsigned *ret)
{
        int len = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
        unsigned c = *s & (0x7F >> len);

        for (int i = 1; i < len; i++)
                c = c << 6 | (s[i] & 0x3F);
        *ret = c;
        return len;
}

/* Text for roff: backslashes and hyphens escaped, characters beyond ASCII as \[uXXXX], and a
 * line never starts with a control character. */
static void roff_text(FILE *out, const char *s)
{
        if (*s == '.' || *s == '\'')
                fputs("\\&", out);
        while (*s) {
                unsigned c;

                if ((unsigned char) *s >= 0x80) {
                        s += utf8_decode((const unsigned char *) s, &c);
                        fprintf(out, "\\[u%04X]", c);
                        continue;
                }
                if (*s == '\\')
                        fputs("\\e", out);
                else if (*s == '-')
                        fputs("\\-", out);
                else
                        fputc(*s, out);
                s++;
        }
}

static const char *row_default(const struct directive *d)
{
        if (d->default_text)
                return d->default_text;
        if (d->initial)
                return d->initial;
        return NULL;
}

static void write_directives(FILE *out, const char *section)
{
        for (size_t i = 0; i < directive_table_size; i++) {
                const struct directive *d = &directive_table[i];
                const char *def = row_default(d);

                if (!streq(d->section, section))
                        continue;
                fputs(".TP\n.B ", out);
                roff_text(out, d->name);
                fputs("=\n", out);
                roff_text(out, d->summary);
                fputc('\n', out);
                if (def && !(d->flags & DIRECTIVE_ALIAS)) {
                        fputs("Default: ", out);
                        roff_text(out, def);
                        fputs(".\n", out);
                }
                if (d->differs) {
                        fputs(".IP\n\\fIDiffers from systemd:\\fR ", out);
                        roff_text(out, d->differs);
                        fputc('\n', out);
                }
        }
}

static void write_list(FILE *out, const char *const *names, const char *prefix, const char *suffix)
{
        for (size_t i = 0; names[i]; i++) {
                fprintf(out, "%s%s%s=", i ? ", " : "", prefix, names[i]);
                if (suffix)
                        fprintf(out, ", %s%s=", suffix, names[i]);
        }
        fputs(".\n", out);
}

static int write_part(FILE *out, const char *marker)
{
        const char *arg;

        if ((arg = startswith(marker, "DIRECTIVES ")))
                write_directives(out, arg);
        else if (streq(marker, "NO-EFFECT Unit")) {
                write_list(out, directive_unit_no_effect, "", NULL);
                fputs(".PP\n", out);
                write_list(out, directive_conditions, "Condition", "Assert");
        } else if (streq(marker, "NO-EFFECT Install"))
                write_list(out, directive_install_no_effect, "", NULL);
        else if (streq(marker, "REFUSED"))
                write_list(out, directive_refused_systemd, "", NULL);
        else
                return -EINVAL;
        return 0;
}

/* The page with every generated part written anew. */
static int regenerate(const char *path, char **ret)
{
        _cleanup_fclose_ FILE *in = fopen(path, "re");
        _cleanup_free_ char *line = NULL;
        char *text = NULL;
        size_t text_size = 0, line_size = 0;
        bool skipping = false;
        FILE *out;
        int r = 0;

        if (!in)
                return -errno;
        out = open_memstream(&text, &text_size);
        if (!out)
                return -ENOMEM;
        while (getline(&line, &line_size, in) > 0) {
                const char *marker = startswith(line, ".\\\" BEGIN ");

                if (skipping && startswith(line, ".\\\" END")) {
                        skipping = false;
                } else if (skipping)
                        continue;
                fputs(line, out);
                if (marker) {
                        line[strcspn(line, "\n")] = '\0';
                        r = write_part(out, marker);
                        if (r < 0) {
                                fprintf(stderr, "%s: unknown generated part \"%s\"\n", path, marker);
                                break;
                        }
                        skipping = true;
                }
        }
        fclose(out);
        if (r >= 0 && skipping) {
                fprintf(stderr, "%s: a BEGIN marker without its END\n", path);
                r = -EINVAL;
        }
        if (r < 0) {
                free(text);
                return r;
        }
        *ret = text;
        return 0;
}

static char *read_all(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;

        if (!f || getdelim(&text, &size, '\0', f) < 0) {
                free(text);
                return NULL;
        }
        return text;
}

int main(int argc, char *argv[])
{
        bool update;
        int status = 0;

        if (argc < 2 || (!streq(argv[1], "--update") && !streq(argv[1], "--check"))) {
                fprintf(stderr, "Usage: gen-man --update|--check PAGE...\n");
                return 2;
        }
        update = streq(argv[1], "--update");
        for (int i = 2; i < argc; i++) {
                _cleanup_free_ char *fresh = NULL, *current = read_all(argv[i]);
                int r = regenerate(argv[i], &fresh);

                if (r < 0 || !current) {
                        fprintf(stderr, "%s: cannot read: %s\n", argv[i], strerror(r < 0 ? -r : errno));
                        return 1;
                }
                if (streq(fresh, current))
                        continue;
                if (!update) {
                        fprintf(stderr, "%s: the directive lists are out of date: run \"make man\"\n",
                                argv[i]);
                        status = 1;
                        continue;
                }
                FILE *f = fopen(argv[i], "we");
                if (!f || fputs(fresh, f) < 0 || fclose(f) != 0) {
                        fprintf(stderr, "%s: cannot write\n", argv[i]);
                        return 1;
                }
                printf("updated %s\n", argv[i]);
        }
        return status;
}
