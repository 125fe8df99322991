/* Writes a unit back as text, row by row of the directive table; see dump.h. */
#include "directive.h"
#include "dump.h"

static void dump_section(const struct unit *u, const char *section, FILE *out)
{
        fprintf(out, "\n[%s]\n", section);
        for (size_t i = 0; i < directive_table_size; i++) {
                const struct directive *d = &directive_table[i];

                if (streq(d->section, section) && !(d->flags & (DIRECTIVE_ALIAS | DIRECTIVE_NO_DUMP)))
                        d->dump(d, u, out);
        }
}

void unit_dump(const struct unit *u, FILE *out)
{
        fprintf(out, "# %s: the effective configuration, read from %s\n", u->name, u->path);
        dump_section(u, "Unit", out);
        dump_section(u, u->type == UNIT_SOCKET ? "Socket" : "Service", out);
}
