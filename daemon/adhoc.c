/* The ad-hoc mode; see adhoc.h. What systemd-socket-activate does, and how each part maps to units:
 * its child gets the listening sockets at 3… with LISTEN_FDS and LISTEN_PID, LISTEN_FDNAMES only with
 * --fdname (sd_listen_fds_with_names() then says "unknown" for every fd), TERM, PATH, USER and HOME
 * from its own environment and the -E assignments; with --inetd the one socket on stdin and stdout
 * instead. Its units are only text until the loader reads them, and every word put into that text
 * is quoted for the directive's own syntax, so that the loader gives back exactly the argument. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "adhoc.h"
#include "env.h"
#include "environ.h"
#include "execline.h"
#include "log.h"
#include "words.h"

/* ---- the command line ---- */

int adhoc_add_environment(struct adhoc_options *o, const char *arg, char *const *env)
{
        _cleanup_free_ char *assignment = NULL;

        if (strchr(arg, '=')) {
                if (!env_assignment_is_valid(arg))
                        return -EINVAL;
                assignment = strdup(arg);
        } else {
                const char *value;

                if (!env_name_is_valid(arg, strlen(arg)))
                        return -EINVAL;
                value = environ_get(env, arg);
                if (strdup_printf(&assignment, "%s=%s", arg, value ? value : "") < 0)
                        return -ENOMEM;
        }
        if (!assignment)
                return -ENOMEM;
        return strv_consume(&o->environment, TAKE_PTR(assignment));
}

int adhoc_add_fd_names(struct adhoc_options *o, const char *arg)
{
        size_t added = 0;

        for (const char *p = arg; *p;) {
                size_t n = strcspn(p, ":");

                if (n > 0) {
                        char *name = strndup(p, n);

                        if (!name || strv_consume(&o->fd_names, name) < 0)
                                return -ENOMEM;
                        added++;
                }
                p += n + (p[n] == ':');
        }
        return added > 0 ? 0 : strv_extend(&o->fd_names, "");
}

int adhoc_options_check(const struct adhoc_options *o)
{
        size_t n = strv_length(o->listen);

        if (n > ADHOC_LISTEN_MAX) {
                fprintf(stderr, "sockactd: more than %d -l addresses\n", ADHOC_LISTEN_MAX);
                return -EINVAL;
        }
        if (o->inetd && !o->accept && n != 1) {
                fprintf(stderr,
                        "sockactd: --inetd passes one socket on stdin and stdout: give exactly one -l "
                        "(or -a), not %zu\n",
                        n);
                return -EINVAL;
        }
        if (o->type == LISTEN_DATAGRAM && o->accept) {
                fprintf(stderr, "sockactd: datagram sockets do not accept connections: -d/--datagram and "
                                "-a/--accept may not be combined\n");
                return -EINVAL;
        }
        for (size_t i = 0; o->fd_names && o->fd_names[i]; i++)
                if (!*o->fd_names[i]) {
                        fprintf(stderr, "sockactd: --fdname: a name may not be empty\n");
                        return -EINVAL;
                }
        return 0;
}

void adhoc_options_clear(struct adhoc_options *o)
{
        strv_free(o->listen);
        strv_free(o->environment);
        strv_free(o->fd_names);
        *o = (struct adhoc_options){ 0 };
}

/* ---- COMMAND ---- */

static int executable_file(const char *path)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EACCES;
        return access(path, X_OK) < 0 ? -errno : 0;
}

/* "DIR/NAME" for a relative name, without a double slash after "/". */
static int path_join(const char *dir, int dir_len, const char *name, char **ret)
{
        if (dir_len > 0 && dir[dir_len - 1] == '/')
                dir_len--;
        return strdup_printf(ret, "%.*s/%s", dir_len, dir, name);
}

int adhoc_find_executable(const char *command, const char *path, const char *cwd, char **ret)
{
        int result = -ENOENT;

        if (!*command)
                return -ENOENT;
        if (strchr(command, '/')) {
                char *absolute = NULL;
                int r;

                if (command[0] == '/')
                        absolute = strdup(command);
                else if (path_join(cwd, (int) strlen(cwd), command, &absolute) < 0)
                        return -ENOMEM;
                if (!absolute)
                        return -ENOMEM;
                r = executable_file(absolute);
                if (r < 0) {
                        free(absolute);
                        return r == -ENOTDIR ? -ENOENT : r;
                }
                *ret = absolute;
                return 0;
        }

        if (!path)
                path = "/bin:/usr/bin"; /* glibc's confstr(_CS_PATH), what execvp() searches then */
        for (const char *p = path, *end; p; p = *end ? end + 1 : NULL) {
                _cleanup_free_ char *candidate = NULL, *relative = NULL;
                size_t n = strcspn(p, ":");
                int r;

                end = p + n;
                if (n == 0)
                        r = path_join(cwd, (int) strlen(cwd), command, &candidate);
                else if (p[0] == '/')
                        r = path_join(p, (int) n, command, &candidate);
                else if (path_join(p, (int) n, command, &relative) < 0)
                        r = -ENOMEM;
                else
                        r = path_join(cwd, (int) strlen(cwd), relative, &candidate);
                if (r < 0)
                        return r;
                r = executable_file(candidate);
                if (r == 0) {
                        *ret = TAKE_PTR(candidate);
                        return 0;
                }
                if (r == -EACCES)
                        result = -EACCES; /* as execvp(): reported only if nothing else is found */
        }
        return result;
}

/* ---- the unit files ---- */

/* A unit file being written, with the option each of its lines comes from. */
struct writer {
        struct strbuf text;
        char **origins;
};

static int writer_line(struct writer *w, const char *origin, const char *key, const char *value)
{
        int r = strbuf_put(&w->text, key, strlen(key));

        if (r >= 0 && value)
                r = strbuf_put(&w->text, "=", 1);
        if (r >= 0 && value)
                r = strbuf_put(&w->text, value, strlen(value));
        if (r >= 0)
                r = strbuf_put(&w->text, "\n", 1);
        if (r >= 0)
                r = strv_extend(&w->origins, origin);
        return r;
}

static void writer_done(struct writer *w)
{
        strbuf_done(&w->text);
        strv_free(w->origins);
        *w = (struct writer){ 0 };
}

/* "%" written as "%%": every directive written here expands specifiers. */
static int escape_percent(const char *s, char **ret)
{
        struct strbuf out = { 0 };
        int r = strbuf_put(&out, "", 0);

        for (; *s && r >= 0; s++) {
                r = strbuf_put(&out, s, 1);
                if (r >= 0 && *s == '%')
                        r = strbuf_put(&out, "%", 1);
        }
        if (r < 0) {
                strbuf_done(&out);
                return r;
        }
        *ret = out.data;
        return 0;
}

/* A value written as it is after "Key=" (ListenStream=, FileDescriptorName=, WorkingDirectory=): the
 * reader would strip white space at either end and join a line ending in a backslash to the next,
 * and a control character could end the line. */
static int raw_value(const char *s, const char *origin, struct diag *diag, char **ret)
{
        const char *reason = NULL;
        size_t n = strlen(s);

        for (const char *p = s; *p && !reason; p++)
                if ((unsigned char) *p < ' ' || *p == 0x7F)
                        reason = "a control character";
        if (!reason && n > 0 && (strchr(WHITESPACE, s[0]) || strchr(WHITESPACE, s[n - 1])))
                reason = "white space at either end";
        if (!reason && n > 0 && s[n - 1] == '\\')
                reason = "a trailing backslash";
        if (reason)
                return diag_add(diag, origin, 0, "cannot be written in a unit file: %s", reason) < 0
                               ? -ENOMEM
                               : -EINVAL;
        return escape_percent(s, ret);
}

/* The unit name prefix: COMMAND's file name with every byte a unit name may not hold, and ":" "@"
 * "\" which would make it read as something else, replaced by "_". */
static int command_prefix(const char *command, char **ret)
{
        const char *slash = strrchr(command, '/');
        _cleanup_free_ char *prefix = strndup(slash ? slash + 1 : command, ADHOC_NAME_PREFIX_MAX),
                            *probe = NULL;

        if (!prefix)
                return -ENOMEM;
        for (char *p = prefix; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      strchr("_.-", *p)))
                        *p = '_';
        if (strdup_printf(&probe, "%s.service", prefix) < 0)
                return -ENOMEM;
        if (unit_name_type(probe) != UNIT_SERVICE || unit_name_is_instance(probe) ||
            unit_name_is_template(probe)) {
                free(prefix);
                prefix = strdup(ADHOC_FALLBACK_NAME);
                if (!prefix)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(prefix);
        return 0;
}

/* The name the i-th socket's fds get: --fdname's, one name for every socket, or "unknown". */
static const char *fd_name(const struct adhoc_options *o, size_t i)
{
        size_t n = strv_length(o->fd_names);

        if (n == 1)
                return o->fd_names[0];
        return i < n ? o->fd_names[i] : ADHOC_FD_NAME_UNKNOWN;
}

/* With -a, Accept=yes instead of Service= (which systemd refuses with it: each socket's service is
 * its template), and a line per connection, as systemd-socket-activate logs each one. */
static int write_socket(const struct adhoc_options *o, size_t i, const char *service, struct writer *w,
                        struct diag *diag)
{
        _cleanup_free_ char *listen_origin = NULL, *name_origin = NULL, *address = NULL, *name = NULL;
        const char *listen = o->listen[i], *fd = fd_name(o, i);
        int r;

        if (strdup_printf(&listen_origin, "-l %s", listen) < 0 ||
            (o->fd_names ? strdup_printf(&name_origin, "--fdname %s", fd)
                         : strdup_printf(&name_origin, "the default fd name")) < 0)
                return -ENOMEM;
        r = raw_value(listen, listen_origin, diag, &address);
        if (r >= 0)
                r = raw_value(fd, name_origin, diag, &name);
        if (r >= 0)
                r = writer_line(w, listen_origin, "[Socket]", NULL);
        if (r >= 0)
                r = writer_line(w, listen_origin, listen_type_to_string(o->type), address);
        if (r >= 0)
                r = writer_line(w, name_origin, "FileDescriptorName", name);
        if (r >= 0 && !o->accept)
                r = writer_line(w, listen_origin, "Service", service);
        if (r >= 0 && o->accept)
                r = writer_line(w, "-a", "Accept", "yes");
        if (r >= 0 && o->accept)
                r = writer_line(w, "-a", "LogConnections", "yes");
        return r;
}

/* ExecStart=: the executable's absolute path, argv as given (argv[0] as written, with "@" when it is
 * not that path), ":" so that "$" stays "$" as in an exec, in the syntax execline_format() writes for
 * the reader ("%%", "\;" for a ";" argument, quotes and C escapes). */
static int format_exec_start(const struct adhoc_options *o, const struct adhoc_context *c, char **ret)
{
        const struct exec_command command = {
                .path = (char *) c->executable,
                .argv = (char **) o->command,
                .flags = EXEC_NO_ENV_EXPAND,
        };
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return -ENOMEM;
        execline_format(&command, f);
        if (fclose(f) != 0) {
                free(text);
                return -ENOMEM;
        }
        *ret = text;
        return 0;
}

static int write_environment(const char *assignment, struct writer *w)
{
        _cleanup_free_ char *origin = NULL, *escaped = NULL, *quoted = NULL;

        if (strdup_printf(&origin, "-E %s", assignment) < 0 || escape_percent(assignment, &escaped) < 0 ||
            words_quote(escaped, WORDS_UNQUOTE | WORDS_CUNESCAPE, &quoted) < 0)
                return -ENOMEM;
        return writer_line(w, origin, "Environment", quoted);
}

static int write_service(const struct adhoc_options *o, const struct adhoc_context *c, struct writer *w,
                         struct diag *diag)
{
        _cleanup_free_ char *exec_start = NULL, *directory = NULL, *directory_origin = NULL;
        const char *command = o->command[0];
        char umask_text[8];
        int r;

        if (strdup_printf(&directory_origin, "the working directory %s", c->working_directory) < 0)
                return -ENOMEM;
        r = raw_value(c->working_directory, directory_origin, diag, &directory);
        if (r >= 0)
                r = format_exec_start(o, c, &exec_start);
        if (r < 0)
                return r;
        snprintf(umask_text, sizeof(umask_text), "%04o", (unsigned) (c->umask & 0777));

        r = writer_line(w, command, "[Service]", NULL);
        if (r >= 0)
                r = writer_line(w, command, "ExecStart", exec_start);
        if (r >= 0)
                r = writer_line(w, directory_origin, "WorkingDirectory", directory);
        if (r >= 0)
                r = writer_line(w, "the umask", "UMask", umask_text);
        if (r >= 0)
                r = writer_line(w, "the variables passed on", "PassEnvironment", ADHOC_PASSED_VARIABLES);
        for (size_t i = 0; o->environment && o->environment[i] && r >= 0; i++)
                r = write_environment(o->environment[i], w);
        /* stdin and stdout are the socket (StandardOutput= follows StandardInput=socket); stderr stays
         * where the other services' output goes, not on the socket, as systemd-socket-activate keeps it. */
        if (r >= 0 && o->inetd)
                r = writer_line(w, "--inetd", "StandardInput", "socket");
        if (r >= 0 && o->inetd)
                r = writer_line(w, "--inetd", "StandardError", "journal");
        return r;
}

static int unit_take(struct adhoc_unit *u, const char *name, struct writer *w)
{
        u->name = strdup(name);
        if (!u->name)
                return -ENOMEM;
        u->text = TAKE_PTR(w->text.data);
        u->origins = TAKE_PTR(w->origins);
        return 0;
}

static int compare_units(const void *a, const void *b)
{
        return strcmp(((const struct adhoc_unit *) a)->name, ((const struct adhoc_unit *) b)->name);
}

static size_t decimal_digits(size_t n)
{
        size_t digits = 1;

        while (n >= 10) {
                n /= 10;
                digits++;
        }
        return digits;
}

/* Takes w's text as the next unit, named name, when r says it was written; a bad value (-EINVAL) is
 * kept in *result, so that every unit is still written and every bad value reported in one run. */
static int add_unit(struct adhoc_units *units, const char *name, int r, struct writer *w, int *result)
{
        if (r >= 0)
                r = unit_take(&units->units[units->n++], name, w);
        writer_done(w);
        if (r == -EINVAL)
                *result = r;
        return r == -EINVAL ? 0 : r;
}

int adhoc_build(const struct adhoc_options *o, const struct adhoc_context *c, struct adhoc_units *ret,
                struct diag *diag)
{
        _cleanup_free_ char *prefix = NULL, *service = NULL;
        _cleanup_(adhoc_units_clear) struct adhoc_units units = { 0 };
        size_t n = strv_length(o->listen);
        int width = (int) decimal_digits(n), result = 0, r;

        if (!o->command || !o->command[0])
                return -EINVAL;
        r = command_prefix(o->command[0], &prefix);
        if (r < 0)
                return r;
        if (strdup_printf(&service, "%s.service", prefix) < 0)
                return -ENOMEM;
        units.units = calloc(o->accept ? 2 * n : n + 1, sizeof(struct adhoc_unit));
        if (!units.units)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = NULL, *template = NULL;
                struct writer w = { 0 };

                if (strdup_printf(&name, "%s-%0*zu.socket", prefix, width, i + 1) < 0 ||
                    (o->accept && strdup_printf(&template, "%s-%0*zu@.service", prefix, width, i + 1) < 0))
                        return -ENOMEM;
                r = add_unit(&units, name, write_socket(o, i, service, &w, diag), &w, &result);
                if (r >= 0 && o->accept)
                        r = add_unit(&units, template, write_service(o, c, &w, diag), &w, &result);
                if (r < 0)
                        return r;
        }
        if (!o->accept) {
                struct writer w = { 0 };

                r = add_unit(&units, service, write_service(o, c, &w, diag), &w, &result);
                if (r < 0)
                        return r;
        }
        if (result < 0)
                return result;
        qsort(units.units, units.n, sizeof(struct adhoc_unit), compare_units);
        *ret = units;
        units = (struct adhoc_units){ 0 };
        return 0;
}

void adhoc_units_clear(struct adhoc_units *u)
{
        for (size_t i = 0; i < u->n; i++) {
                free(u->units[i].name);
                free(u->units[i].text);
                strv_free(u->units[i].origins);
        }
        free(u->units);
        *u = (struct adhoc_units){ 0 };
}

/* ---- loading ---- */

/* "NAME:LINE: reason" from the loader becomes "OPTION: reason"; any other message is kept. */
static int move_messages(const struct adhoc_unit *u, struct diag *from, struct diag *to)
{
        size_t n_lines = strv_length(u->origins);

        for (size_t i = 0; i < from->n; i++) {
                const char *m = from->messages[i], *rest = startswith(m, u->name);
                unsigned long line = 0;
                char *end = NULL;
                int r;

                if (rest && rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9')
                        line = strtoul(rest + 1, &end, 10);
                if (line >= 1 && line <= n_lines && startswith(end, ": "))
                        r = diag_add(to, u->origins[line - 1], 0, "%s", end + 2);
                else
                        r = diag_add(to, u->name, 0, "%s", rest && startswith(rest, ": ") ? rest + 2 : m);
                if (r < 0)
                        return r;
        }
        diag_clear(from);
        return 0;
}

int adhoc_load(const struct adhoc_units *in, const struct load_options *lo, struct unit_set *ret,
               struct diag *diag)
{
        struct unit_set set = { 0 };
        bool failed = false;
        int r = 0;

        set.units = calloc(in->n + 1, sizeof(struct unit *));
        set.reports = calloc(in->n + 1, sizeof(struct unit_report));
        if (!set.units || !set.reports) {
                unit_set_clear(&set);
                return -ENOMEM;
        }
        /* in is sorted by name: so are the set's units and reports, as unit_set_find() needs. */
        for (size_t i = 0; i < in->n && r >= 0; i++) {
                const struct adhoc_unit *u = &in->units[i];
                struct unitfile *file = NULL;
                struct unit *unit = NULL;
                struct diag own = { 0 };

                r = unitfile_read_buffer(u->name, u->text, strlen(u->text), &file, &own);
                if (r >= 0 && own.n == 0)
                        r = unit_load_from(file, u->name, lo, &unit, &own);
                unitfile_free(file);
                if (r == -EINVAL || own.n > 0) {
                        unit_free(unit);
                        unit = NULL;
                        failed = true;
                        r = 0;
                }
                if (r >= 0)
                        r = move_messages(u, &own, diag);
                diag_clear(&own);

                struct unit_report *report = &set.reports[set.n_reports++];
                report->name = strdup(u->name);
                report->path = strdup(u->name);
                report->unit = unit;
                if (unit)
                        set.units[set.n++] = unit;
                if (!report->name || !report->path)
                        r = -ENOMEM;
        }
        if (r < 0 || failed) {
                unit_set_clear(&set);
                return r < 0 ? r : -EINVAL;
        }
        *ret = set;
        return 0;
}

/* ---- running ---- */

static int make_private_runtime_dir(char **ret)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        char *dir = NULL;

        if (strdup_printf(&dir, "%s/sockact-adhoc.XXXXXX", xdg && *xdg == '/' ? xdg : "/tmp") < 0)
                return -ENOMEM;
        if (!mkdtemp(dir)) {
                int r = log_error(errno, "Cannot create a runtime directory %s: %m", dir);
                free(dir);
                return r;
        }
        *ret = dir;
        return 0;
}

/* The private directory and what the daemon left in it (its lock; the notify socket is gone). */
static void remove_private_runtime_dir(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;

        while (d && (de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") &&
                    unlinkat(dirfd(d), de->d_name, 0) < 0)
                        log_warning(errno, "Cannot remove %s/%s, ignoring: %m", dir, de->d_name);
        if (d)
                closedir(d);
        if (rmdir(dir) < 0)
                log_warning(errno, "Cannot remove the runtime directory %s, ignoring: %m", dir);
        else
                log_debug("Removed the runtime directory %s", dir);
}

static int build_and_load(const struct adhoc_options *o, struct adhoc_units *ret_units, struct unit_set *ret)
{
        _cleanup_free_ char *cwd = NULL, *executable = NULL;
        struct specifier_storage storage;
        struct specifier_context ctx;
        struct load_options lo;
        struct diag diag = { 0 };
        mode_t mask = umask(0);
        int r;

        umask(mask);
        cwd = getcwd(NULL, 0);
        if (!cwd) {
                fprintf(stderr, "sockactd: cannot read the working directory: %s\n", strerror(errno));
                return 1;
        }
        r = adhoc_find_executable(o->command[0], getenv("PATH"), cwd, &executable);
        if (r < 0) {
                fprintf(stderr, "sockactd: %s: %s\n", o->command[0],
                        r == -ENOENT ? "command not found" : strerror(-r));
                return 1;
        }
        r = specifier_context_from_system(&ctx, &storage);
        if (r < 0) {
                fprintf(stderr, "sockactd: cannot read the system's identity for specifiers: %s\n",
                        strerror(-r));
                return 1;
        }
        lo = (struct load_options){ .specifiers = &ctx, .ipv6_supported = address_ipv6_supported() };

        const struct adhoc_context c = { .executable = executable, .working_directory = cwd, .umask = mask };
        r = adhoc_build(o, &c, ret_units, &diag);
        if (r >= 0)
                r = adhoc_load(ret_units, &lo, ret, &diag);
        for (size_t i = 0; i < diag.n; i++)
                fprintf(stderr, "sockactd: %s\n", diag.messages[i]);
        diag_clear(&diag);
        if (r == -ENOMEM)
                fprintf(stderr, "sockactd: out of memory\n");
        return r == -EINVAL ? 2 : r < 0 ? 1 : 0;
}

static void log_units(const struct adhoc_units *u)
{
        for (size_t i = 0; i < u->n; i++) {
                const char *text = u->units[i].text;

                log_unit_debug(u->units[i].name, "built from the command line:");
                for (const char *p = text; *p; p += strcspn(p, "\n") + 1)
                        log_unit_debug(u->units[i].name, "  %.*s", (int) strcspn(p, "\n"), p);
        }
}

int adhoc_run(const struct adhoc_options *o, struct daemon_options *d)
{
        _cleanup_(adhoc_units_clear) struct adhoc_units units = { 0 };
        _cleanup_free_ char *private_dir = NULL;
        struct unit_set set = { 0 };
        size_t n_names = strv_length(o->fd_names), n_listen = strv_length(o->listen);
        int status;

        status = build_and_load(o, &units, &set);
        if (status != 0)
                return status;

        log_setup(d->log_target, d->log_level);
        if (n_names > 1 && n_names != n_listen)
                log_warning(0, "--fdname gives %zu names for %zu sockets: %s", n_names, n_listen,
                            n_names > n_listen ? "the names after the last socket are not used"
                                               : "the sockets without one are named \"" ADHOC_FD_NAME_UNKNOWN
                                                 "\"");
        log_units(&units);

        if (!d->runtime_dir) {
                if (make_private_runtime_dir(&private_dir) < 0) {
                        unit_set_clear(&set);
                        return 1;
                }
                d->runtime_dir = private_dir;
        }
        d->units = &set;
        status = daemon_run(d);
        d->units = NULL;
        if (private_dir) {
                remove_private_runtime_dir(private_dir);
                d->runtime_dir = NULL;
        }
        unit_set_clear(&set);
        return status;
}
