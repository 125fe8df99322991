/* Loading a set of units from directories. Each unit is loaded alone first (load.c); then the
 * references between units are checked until nothing changes: a socket needs the service it
 * activates, a service the sockets it names, and StandardInput=socket a socket to give it.
 * A unit that fails takes the units that need it down with it, each with its reason. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "directive.h"
#include "load.h"

struct candidate {
        char *name;
        char *path;
        bool target;  /* from a directory to load whole; else only there to resolve references */
        size_t order; /* when it was found: of two of the same name, the earlier one wins */
};

struct state {
        char *name; /* the name it was asked for: "foo.socket", "foo@.service" */
        char *path;
        struct unit *unit; /* NULL: failed, or being loaded */
        bool loading;
        bool template_file;
};

struct loader {
        const struct load_options *options;
        struct diag *diag;
        struct candidate *candidates; /* sorted by name once every directory is scanned */
        size_t n_candidates;
        size_t allocated_candidates;
        struct state *states; /* sorted by name */
        size_t n_states;
};

/* Orders strings, and structs whose first member is their name (struct state, unit_report). */
static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool is_unit_file_name(const char *name)
{
        return endswith(name, ".socket") || endswith(name, ".service");
}

/* systemd unit types sockact does not run: a file of one in a unit directory is an error. */
static bool is_other_unit_type(const char *name)
{
        static const char *const types[] = { ".timer",  ".path",  ".mount", ".automount", ".swap",
                                             ".target", ".slice", ".scope", ".device" };

        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (endswith(name, types[i]))
                        return true;
        return false;
}

static int add_candidate(struct loader *l, const char *dir, const char *name, bool target)
{
        char *n = NULL, *p = NULL;

        if (l->n_candidates >= UNIT_SET_MAX)
                return diag_add(l->diag, dir, 0, "more than %d units, the rest are not loaded",
                                UNIT_SET_MAX) < 0
                               ? -ENOMEM
                               : -E2BIG;
        if (l->n_candidates == l->allocated_candidates) {
                size_t want = l->allocated_candidates ? l->allocated_candidates * 2 : 64;
                struct candidate *grown = realloc(l->candidates, want * sizeof(*grown));

                if (!grown)
                        return -ENOMEM;
                l->candidates = grown;
                l->allocated_candidates = want;
        }
        n = strdup(name);
        if (!n || strdup_printf(&p, "%s%s%s", dir, endswith(dir, "/") ? "" : "/", name) < 0) {
                free(n);
                return -ENOMEM;
        }
        l->candidates[l->n_candidates] = (struct candidate){ n, p, target, l->n_candidates };
        l->n_candidates++;
        return 0;
}

static int compare_candidates(const void *a, const void *b)
{
        const struct candidate *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        return c != 0 ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* Sorts the candidates by name and keeps, of each name, the one found first (an earlier
 * directory hides the same name in later ones). */
static void sort_candidates(struct loader *l)
{
        size_t kept = 0;

        qsort(l->candidates, l->n_candidates, sizeof(struct candidate), compare_candidates);
        for (size_t i = 0; i < l->n_candidates; i++) {
                if (kept > 0 && streq(l->candidates[kept - 1].name, l->candidates[i].name)) {
                        free(l->candidates[i].name);
                        free(l->candidates[i].path);
                        continue;
                }
                l->candidates[kept++] = l->candidates[i];
        }
        l->n_candidates = kept;
}

static int scan_directory(struct loader *l, const char *dir, bool target)
{
        _cleanup_strv_free_ char **names = NULL;
        struct dirent *de;
        DIR *d;
        int r = 0;

        d = opendir(dir);
        if (!d) {
                r = -errno;
                if (diag_add(l->diag, dir, 0, "cannot read the unit directory: %s", strerror(-r)) < 0)
                        return -ENOMEM;
                return r;
        }
        while ((de = readdir(d)) && r >= 0)
                if (de->d_name[0] != '.')
                        r = strv_extend(&names, de->d_name);
        closedir(d);
        if (r < 0)
                return r;

        qsort(names, strv_length(names), sizeof(char *), compare_names); /* a stable order of messages */
        for (size_t i = 0; names && names[i]; i++) {
                const char *name = names[i];

                if (is_unit_file_name(name))
                        r = add_candidate(l, dir, name, target);
                else if (target && is_other_unit_type(name)) {
                        _cleanup_free_ char *path = NULL;

                        r = strdup_printf(&path, "%s%s%s", dir, endswith(dir, "/") ? "" : "/", name);
                        if (r >= 0)
                                r = diag_add(l->diag, path, 0, "unit type .%s is not supported by sockact",
                                             strrchr(name, '.') + 1);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static const struct candidate *find_candidate(const struct loader *l, const char *name)
{
        char *const key = (char *) name;

        if (l->n_candidates == 0)
                return NULL;
        return bsearch(&key, l->candidates, l->n_candidates, sizeof(struct candidate), compare_names);
}

static struct state *find_state(const struct loader *l, const char *name)
{
        char *const key = (char *) name;

        if (l->n_states == 0)
                return NULL;
        return bsearch(&key, l->states, l->n_states, sizeof(struct state), compare_names);
}

static int add_state(struct loader *l, const char *name, const char *path, struct state **ret)
{
        struct state *grown;
        size_t at = 0;

        grown = realloc(l->states, (l->n_states + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        l->states = grown;
        size_t hi = l->n_states; /* bisect for the first name not below name */
        while (at < hi) {
                size_t mid = at + (hi - at) / 2;

                if (strcmp(l->states[mid].name, name) < 0)
                        at = mid + 1;
                else
                        hi = mid;
        }
        memmove(&grown[at + 1], &grown[at], (l->n_states - at) * sizeof(*grown));
        grown[at] = (struct state){ .name = strdup(name), .path = strdup(path), .loading = true };
        l->n_states++;
        if (!grown[at].name || !grown[at].path)
                return -ENOMEM;
        *ret = &grown[at];
        return 0;
}

/* A drop-in directory would change the unit, and sockact does not read drop-ins: refuse the
 * unit rather than run it with a configuration its administrator did not mean. */
static int check_no_drop_ins(struct loader *l, const char *path)
{
        _cleanup_free_ char *dropins = NULL;
        struct stat st;

        if (strdup_printf(&dropins, "%s.d", path) < 0)
                return -ENOMEM;
        if (stat(dropins, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        if (diag_add(l->diag, path, 0,
                     "drop-in directory %s.d/ is not supported by sockact: merge it into this file",
                     strrchr(path, '/') ? strrchr(path, '/') + 1 : path) < 0)
                return -ENOMEM;
        return -EINVAL;
}

static int load_name(struct loader *l, const char *name, const char *path);

/* Loads what a unit refers to; a reference that is missing is the referring unit's error. */
static int load_references(struct loader *l, struct unit *u)
{
        _cleanup_free_ char *service = NULL;
        int r;

        if (u->type == UNIT_SOCKET) {
                r = unit_socket_service_name(u, &service);
                return r < 0 ? r : load_name(l, service, NULL);
        }
        for (size_t i = 0; u->service.sockets && u->service.sockets[i]; i++) {
                r = load_name(l, u->service.sockets[i], NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Loads name once, from path, from its own file in the directories, or from its template's. */
static int load_name(struct loader *l, const char *name, const char *path)
{
        _cleanup_free_ char *template_name = NULL, *check_name = NULL;
        const struct candidate *c = NULL;
        const char *as = name;
        struct state *s;
        int r;

        if (find_state(l, name))
                return 0;
        if (!path) {
                c = find_candidate(l, name);
                if (!c && unit_name_is_instance(name) && unit_name_template(name, &template_name) >= 0)
                        c = find_candidate(l, template_name);
                if (!c)
                        return 0; /* missing: reported by whoever needs it */
                path = c->path;
        }
        r = add_state(l, name, path, &s);
        if (r < 0)
                return r;

        if (unit_name_is_template(name)) {
                if (unit_name_type(name) == UNIT_SOCKET) {
                        /* A template socket listens only as an instance ("foo@8080.socket" linked to it). */
                        struct unitfile *file = NULL;

                        r = unitfile_read(path, &file, l->diag);
                        unitfile_free(file);
                        s->template_file = true;
                        s->loading = false;
                        return r == -ENOMEM ? r : 0;
                }
                r = unit_name_instantiate(name, UNIT_TEMPLATE_CHECK_INSTANCE, &check_name);
                if (r < 0)
                        return r;
                as = check_name;
        }

        struct unit *u = NULL;
        r = check_no_drop_ins(l, path);
        if (r == 0)
                r = unit_load_file(path, as, l->options, &u, l->diag);
        if (r == -ENOMEM)
                return r;

        /* add_state() may have moved the array: look the state up again after any load. */
        s = find_state(l, name);
        s->loading = false;
        s->unit = u;
        if (!u)
                return 0;
        return load_references(l, u);
}

static struct unit *loaded(const struct loader *l, const char *name)
{
        struct state *s = find_state(l, name);
        return s ? s->unit : NULL;
}

static void fail(struct loader *l, struct state *s, unsigned line, const char *format, ...) _printf_(4, 5);

/* Takes a loaded unit out of the set, with the reason. */
static void fail(struct loader *l, struct state *s, unsigned line, const char *format, ...)
{
        va_list ap;
        int r;

        va_start(ap, format);
        r = diag_addv(l->diag, s->path, line, NULL, format, ap);
        va_end(ap);
        if (r < 0)
                return;
        unit_free(s->unit);
        s->unit = NULL;
}

static const char *missing_or_failed(const struct loader *l, const char *name)
{
        return find_state(l, name) ? "did not load" : "has no unit file";
}

/* The sockets that hand their fds to a service: those that name it, and its Sockets=. */
static void count_activators(const struct loader *l, const struct state *service, size_t *ret_sockets,
                             size_t *ret_listens)
{
        size_t sockets = 0, listens = 0;

        for (size_t i = 0; i < l->n_states; i++) {
                const struct unit *u = l->states[i].unit;
                _cleanup_free_ char *target = NULL;
                bool named;

                if (!u || u->type != UNIT_SOCKET || unit_socket_service_name(u, &target) < 0)
                        continue;
                named = strv_contains(service->unit->service.sockets, l->states[i].name);
                if (streq(target, service->name) || named) {
                        sockets++;
                        listens += u->socket.accept ? 1 : u->socket.n_listens;
                }
        }
        *ret_sockets = sockets;
        *ret_listens = listens;
}

/* Whether the socket unit of the same prefix ("foo.socket" for foo.service or foo@.service)
 * was there and failed. */
static bool own_socket_failed(const struct loader *l, const char *service)
{
        _cleanup_free_ char *prefix = NULL, *socket = NULL;
        const struct state *s;

        if (unit_name_prefix(service, &prefix) < 0 || strdup_printf(&socket, "%s.socket", prefix) < 0)
                return false;
        s = find_state(l, socket);
        return s && !s->unit;
}

/* One pass over the references; returns whether a unit failed, so that the caller passes again. */
static bool check_references(struct loader *l)
{
        bool changed = false;

        for (size_t i = 0; i < l->n_states; i++) {
                struct state *s = &l->states[i];
                struct unit *u = s->unit;
                _cleanup_free_ char *service = NULL;

                if (!u)
                        continue;
                if (u->type == UNIT_SOCKET) {
                        if (unit_socket_service_name(u, &service) < 0 || loaded(l, service))
                                continue;
                        if (u->socket.accept)
                                fail(l, s, directive_line(u, "Socket", "Accept"),
                                     "Accept=yes needs the template service %s, which %s", service,
                                     missing_or_failed(l, service));
                        else
                                fail(l, s, directive_line(u, "Socket", "Service"), "its service %s %s",
                                     service, missing_or_failed(l, service));
                        changed = true;
                        continue;
                }
                for (size_t k = 0; u->service.sockets && u->service.sockets[k]; k++) {
                        const char *name = u->service.sockets[k];

                        if (loaded(l, name))
                                continue;
                        fail(l, s, directive_line(u, "Service", "Sockets"), "Sockets=: %s %s", name,
                             missing_or_failed(l, name));
                        changed = true;
                        break;
                }
                if (!s->unit || s->unit->service.std_input != STD_INPUT_SOCKET)
                        continue;

                size_t sockets, listens;
                count_activators(l, s, &sockets, &listens);
                if (sockets == 0 && own_socket_failed(l, s->name))
                        continue; /* that socket's own errors say why */
                if (sockets == 0)
                        fail(l, s, directive_line(u, "Service", "StandardInput"),
                             "StandardInput=socket: no socket unit activates %s", s->name);
                else if (listens != 1)
                        fail(l, s, directive_line(u, "Service", "StandardInput"),
                             "StandardInput=socket needs exactly one listening socket, and %s gets %zu",
                             s->name, listens);
                changed |= s->unit == NULL;
        }
        return changed;
}

static int collect(struct loader *l, struct unit_set *set)
{
        set->units = calloc(l->n_states + 1, sizeof(struct unit *));
        set->reports = calloc(l->n_states + 1, sizeof(struct unit_report));
        if (!set->units || !set->reports)
                return -ENOMEM;
        for (size_t i = 0; i < l->n_states; i++) {
                struct state *s = &l->states[i];

                set->reports[set->n_reports++] = (struct unit_report){
                        .name = TAKE_PTR(s->name),
                        .path = TAKE_PTR(s->path),
                        .unit = s->unit,
                        .template_file = s->template_file,
                };
                if (s->unit)
                        set->units[set->n++] = TAKE_PTR(s->unit);
        }
        return 0;
}

static void loader_clear(struct loader *l)
{
        for (size_t i = 0; i < l->n_candidates; i++) {
                free(l->candidates[i].name);
                free(l->candidates[i].path);
        }
        free(l->candidates);
        for (size_t i = 0; i < l->n_states; i++) {
                free(l->states[i].name);
                free(l->states[i].path);
                unit_free(l->states[i].unit);
        }
        free(l->states);
}

static int load_all(struct loader *l, char *const *dirs, char *const *files, struct unit_set *set)
{
        int r;

        for (size_t i = 0; dirs && dirs[i]; i++) {
                r = scan_directory(l, dirs[i], true);
                if (r == -ENOMEM)
                        return r;
        }
        for (size_t i = 0; files && files[i]; i++) {
                _cleanup_free_ char *dir = strdup(files[i]);
                char *slash = dir ? strrchr(dir, '/') : NULL;

                if (!dir)
                        return -ENOMEM;
                if (slash)
                        *slash = '\0';
                r = scan_directory(l, slash ? (*dir ? dir : "/") : ".", false);
                if (r == -ENOMEM)
                        return r;
        }
        sort_candidates(l);

        for (size_t i = 0; i < l->n_candidates; i++) {
                if (!l->candidates[i].target)
                        continue;
                r = load_name(l, l->candidates[i].name, l->candidates[i].path);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; files && files[i]; i++) {
                const char *slash = strrchr(files[i], '/');

                r = load_name(l, slash ? slash + 1 : files[i], files[i]);
                if (r < 0)
                        return r;
        }

        while (check_references(l))
                ;
        return collect(l, set);
}

int unit_set_load(char *const *dirs, char *const *files, const struct load_options *o, struct unit_set *ret,
                  struct diag *diag)
{
        struct loader l = { .options = o, .diag = diag };
        struct unit_set set = { 0 };
        int r;

        r = load_all(&l, dirs, files, &set);
        loader_clear(&l);
        if (r < 0) {
                unit_set_clear(&set);
                return r;
        }
        *ret = set;
        return 0;
}

const struct unit *unit_set_find(const struct unit_set *s, const char *name)
{
        char *const key = (char *) name;
        const struct unit_report *r;

        if (s->n_reports == 0)
                return NULL;
        r = bsearch(&key, s->reports, s->n_reports, sizeof(*r), compare_names);
        return r ? r->unit : NULL;
}

void unit_set_clear(struct unit_set *s)
{
        for (size_t i = 0; i < s->n; i++)
                unit_free(s->units[i]);
        free(s->units);
        for (size_t i = 0; i < s->n_reports; i++) {
                free(s->reports[i].name);
                free(s->reports[i].path);
        }
        free(s->reports);
        *s = (struct unit_set){ 0 };
}
