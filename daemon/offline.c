/* --check and --dump; see check.h. */
#include <errno.h>
#include <sys/stat.h>

#include "offline.h"
#include "dump.h"
#include "load.h"

static int load_options_init(struct load_options *o, struct specifier_context *ctx,
                             struct specifier_storage *storage)
{
        int r = specifier_context_from_system(ctx, storage);

        if (r < 0) {
                fprintf(stderr, "sockactd: cannot read the system's identity for specifiers: %s\n",
                        strerror(-r));
                return r;
        }
        *o = (struct load_options){ .specifiers = ctx, .ipv6_supported = address_ipv6_supported() };
        return 0;
}

static void print_diag(const struct diag *d)
{
        for (size_t i = 0; i < d->n; i++)
                fprintf(stderr, "%s\n", d->messages[i]);
}

int check_run(char *const *paths)
{
        _cleanup_strv_free_ char **dirs = NULL, **files = NULL;
        struct specifier_storage storage;
        struct specifier_context ctx;
        struct load_options o;
        struct unit_set set = { 0 };
        struct diag diag = { 0 };
        size_t failed = 0;
        int r;

        for (size_t i = 0; paths[i]; i++) {
                struct stat st;

                if (stat(paths[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", paths[i], strerror(errno));
                        return 1;
                }
                r = strv_extend(S_ISDIR(st.st_mode) ? &dirs : &files, paths[i]);
                if (r < 0)
                        return 1;
        }
        if (load_options_init(&o, &ctx, &storage) < 0)
                return 1;
        r = unit_set_load(dirs, files, &o, &set, &diag);
        if (r < 0) {
                fprintf(stderr, "sockactd: loading failed: %s\n", strerror(-r));
                return 1;
        }

        print_diag(&diag);
        for (size_t i = 0; i < set.n_reports; i++) {
                const struct unit_report *u = &set.reports[i];

                const char *slash = strrchr(u->path, '/');
                bool own_file = streq(slash ? slash + 1 : u->path, u->name);

                if (u->template_file)
                        printf("%s: template, used through its instances\n", u->path);
                else if (!u->unit && own_file)
                        printf("%s: not loaded\n", u->path);
                else if (!u->unit)
                        printf("%s: %s not loaded from its template\n", u->path, u->name);
                else if (unit_name_is_template(u->name))
                        printf("%s: loaded (template, checked as %s)\n", u->path, u->unit->name);
                else if (!own_file)
                        printf("%s: %s loaded from its template\n", u->path, u->name);
                else
                        printf("%s: loaded\n", u->path);
                failed += !u->unit && !u->template_file;
        }
        printf("%zu units, %zu loaded, %zu not loaded, %zu errors\n", set.n_reports, set.n, failed, diag.n);
        r = diag.n == 0 ? 0 : 1;
        unit_set_clear(&set);
        diag_clear(&diag);
        return r;
}

/* The file an instance is read from: its own, else its template's in the same directory. */
static int dump_source(const char *path, char **ret_file, char **ret_name)
{
        _cleanup_free_ char *name = NULL, *template_name = NULL, *dir = NULL;
        const char *slash = strrchr(path, '/');
        struct stat st;
        int r;

        name = strdup(slash ? slash + 1 : path);
        dir = slash ? strndup(path, (size_t) (slash - path + 1)) : strdup("");
        if (!name || !dir)
                return -ENOMEM;

        if (unit_name_is_template(name)) {
                char *instance;
                r = unit_name_instantiate(name, UNIT_TEMPLATE_CHECK_INSTANCE, &instance);
                if (r < 0)
                        return r;
                *ret_file = strdup(path);
                *ret_name = instance;
                return *ret_file ? 0 : -ENOMEM;
        }
        if (stat(path, &st) == 0 || !unit_name_is_instance(name) ||
            unit_name_template(name, &template_name) < 0) {
                *ret_file = strdup(path);
                *ret_name = TAKE_PTR(name);
                return *ret_file ? 0 : -ENOMEM;
        }
        r = strdup_printf(ret_file, "%s%s", dir, template_name);
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(name);
        return 0;
}

int dump_run(const char *path)
{
        _cleanup_free_ char *file = NULL, *name = NULL;
        struct specifier_storage storage;
        struct specifier_context ctx;
        struct load_options o;
        struct diag diag = { 0 };
        struct unit *u = NULL;
        int r;

        if (dump_source(path, &file, &name) < 0 || load_options_init(&o, &ctx, &storage) < 0)
                return 1;
        r = unit_load_file(file, name, &o, &u, &diag);
        print_diag(&diag);
        diag_clear(&diag);
        if (r < 0)
                return 1;
        unit_dump(u, stdout);
        unit_free(u);
        return 0;
}
