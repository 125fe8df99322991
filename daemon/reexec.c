/* sockactl reexec; see reexec.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "log.h"
#include "peer.h"
#include "manager.h"
#include "reexec.h"
#include "reload.h"

extern char **environ;

int fd_pass(struct fd_pass *p, int fd)
{
        int flags, *grown;

        if (fd < 0 || p->error)
                return fd;
        flags = fcntl(fd, F_GETFD);
        grown = realloc(p->fds, (p->n + 1) * sizeof(int));
        if (!grown) {
                p->error = ENOMEM;
                return fd;
        }
        p->fds = grown;
        if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
                p->error = errno;
                return fd;
        }
        p->fds[p->n++] = fd;
        return fd;
}

/* The exec did not happen: every fd is close-on-exec again. */
static void fd_pass_undo(struct fd_pass *p)
{
        for (size_t i = 0; i < p->n; i++)
                (void) fcntl(p->fds[i], F_SETFD, FD_CLOEXEC);
        free(p->fds);
        *p = (struct fd_pass){ 0 };
}

/* Why socket unit so has not settled, or NULL. */
static const char *socket_unsettled(const struct socket_unit *so)
{
        if (so->removed)
                return "removed by a reload, and not down yet";
        if (so->previous)
                return "its former service still runs after a reload";
        if (so->resume)
                return "paused by a limit";
        if (!socket_unit_is_down(so) && so->state != SOCKET_LISTENING)
                return socket_state_to_string(so->state);
        return NULL;
}

/* Why service s (or an instance) has not settled, or NULL. The new image loads the units as they are
 * now: a process that runs on the unit of an earlier generation would change units under it. */
static const char *service_unsettled(const struct manager *m, const struct service_unit *s)
{
        if (service_unit_is_down(s))
                return s->removed ? "removed by a reload, and not down yet" : NULL;
        if (s->next_unit || s->removed)
                return "runs on a unit a reload changed; sockactl restart it";
        if (s->connection && (s->generation != m->generation || !s->connection->socket->template))
                return "serves a connection for a template a reload changed";
        if (s->state != SERVICE_RUNNING || s->control_pid != 0)
                return service_state_to_string(s->state);
        return NULL;
}

/* Settled: no unit between two states, so that the state is a list of facts and nothing is under
 * way (a command, a timer, a restart). Each one that is not says so in errors. */
static int check_settled(struct manager *m, struct diag *errors)
{
        const char *why;

        if (m->n_sockets_starting > 0) {
                (void) diag_add(errors, "sockactd", 0, "still starting; re-execute once it is ready");
                return -EBUSY;
        }
        for (size_t k = 0; k < m->n_sockets; k++)
                if ((why = socket_unsettled(m->sockets[k])) &&
                    diag_add(errors, m->sockets[k]->unit->name, 0, "%s; re-execute once it settled", why) <
                            0)
                        return -ENOMEM;
        for (size_t i = 0; i < m->n_services; i++)
                if ((why = service_unsettled(m, m->services[i])) &&
                    diag_add(errors, m->services[i]->unit->name, 0, "%s; re-execute once it settled", why) <
                            0)
                        return -ENOMEM;
        for (const struct service_unit *s = m->instances; s; s = s->next_instance)
                if ((why = service_unsettled(m, s)) &&
                    diag_add(errors, s->unit->name, 0, "%s; re-execute once it settled", why) < 0)
                        return -ENOMEM;
        return errors->n > 0 ? -EBUSY : 0;
}

/* The units on disk must be those that run: the new image loads them, and a difference would be a
 * reload without a reload's guarantees. */
static int check_unchanged(struct manager *m, struct diag *errors)
{
        _cleanup_free_ char *changes = NULL;
        size_t len = 0;
        int r = manager_reload(m, true, &changes, &len, errors);

        if (r < 0)
                return r;
        if (len > 0) {
                (void) diag_add(errors, "sockactd", 0,
                                "The unit files changed since they were loaded: sockactl reload first");
                return -EBUSY;
        }
        return 0;
}

static void serialize(struct manager *m, FILE *f, struct fd_pass *p, int client_fd)
{
        fprintf(f, "%s\n", REEXEC_STATE_HEADER);
        fprintf(f, "lock %d\n", fd_pass(p, m->lock_fd));
        fprintf(f, "notify %d\n", fd_pass(p, m->notify.fd));
        fprintf(f, "control %d\n", fd_pass(p, m->control.fd));
        fprintf(f, "fds %d\n", fd_pass(p, m->fds_server.fd));
        fprintf(f, "client %d\n", fd_pass(p, client_fd));
        if (m->roots.nofile)
                fprintf(f, "nofile %llu\n", (unsigned long long) m->roots.nofile->rlim_cur);
        /* the services first: a socket unit watches, or not, as its service runs */
        for (size_t i = 0; i < m->n_services; i++)
                service_unit_serialize(m->services[i], f, p);
        for (const struct service_unit *s = m->instances; s; s = s->next_instance)
                service_instance_serialize(s, f, p);
        for (size_t k = 0; k < m->n_sockets; k++)
                socket_unit_serialize(m->sockets[k], f, p);
        fd_holder_serialize(&m->holder, f, p);
        fprintf(f, "end\n");
}

/* The state in a memfd, read from its start. */
static int write_state(struct manager *m, struct fd_pass *p, int client_fd)
{
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int fd;

        if (!f)
                return -ENOMEM;
        serialize(m, f, p, client_fd);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (p->error)
                return -p->error;
        fd = memfd_create("sockactd-state", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (size_t done = 0; done < size;) {
                ssize_t n = write(fd, text + done, size - done);

                if (n < 0) {
                        close(fd);
                        return -errno;
                }
                done += (size_t) n;
        }
        if (lseek(fd, 0, SEEK_SET) < 0 || fd_pass(p, fd) < 0 || p->error) {
                int error = p->error ?: errno;

                close(fd);
                return -error;
        }
        return fd;
}

/* exe --deserialize=FD, then the arguments sockactd was started with but a former --deserialize. */
static int exec_again(struct manager *m, int state_fd)
{
        size_t n = 0;
        char option[64];

        while (m->argv[n])
                n++;
        _cleanup_free_ char **argv = calloc(n + 2, sizeof(char *));
        if (!argv)
                return -ENOMEM;
        snprintf(option, sizeof(option), "--deserialize=%d", state_fd);
        argv[0] = m->argv[0];
        argv[1] = option;
        for (size_t i = 1, j = 2; i < n; i++)
                if (!startswith(m->argv[i], "--deserialize="))
                        argv[j++] = m->argv[i];
        execve(m->exe, argv, environ);
        return -errno;
}

int manager_reexec(struct manager *m, int client_fd, struct diag *errors)
{
        struct fd_pass p = { 0 };
        int r, state_fd;

        if (!m->unit_dirs)
                return -EOPNOTSUPP;
        if (m->stopping)
                return -ESHUTDOWN;
        if (!m->exe) {
                (void) diag_add(errors, "sockactd", 0, "cannot tell which binary it runs (/proc/self/exe)");
                return -ENOENT;
        }
        r = check_settled(m, errors);
        if (r >= 0)
                r = check_unchanged(m, errors);
        if (r < 0) {
                for (size_t i = 0; i < errors->n; i++)
                        log_error(0, "Re-execution refused: %s", errors->messages[i]);
                return r;
        }
        state_fd = write_state(m, &p, client_fd);
        if (state_fd < 0) {
                fd_pass_undo(&p);
                return state_fd;
        }
        log_info("Re-executing %s, %zu fds passed", m->exe, p.n);
        (void) sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long) now_usec());
        r = exec_again(m, state_fd);
        log_error(r, "Cannot re-execute %s: %m", m->exe);
        (void) sd_notify(false, "READY=1");
        fd_pass_undo(&p);
        close(state_fd);
        return r;
}

int restore_collect_inherited(struct restore *r)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int error = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((e = readdir(d))) {
                char *end;
                long fd = strtol(e->d_name, &end, 10);
                int *grown;

                if (*end || end == e->d_name || fd < 3 || fd == dirfd(d))
                        continue;
                (void) fcntl((int) fd, F_SETFD, FD_CLOEXEC); /* every one, whatever comes next */
                grown = realloc(r->inherited, (r->n_inherited + 1) * sizeof(int));
                if (!grown) {
                        error = -ENOMEM;
                        continue;
                }
                r->inherited = grown;
                r->inherited[r->n_inherited++] = (int) fd;
        }
        closedir(d);
        return error;
}

bool restore_holds(const struct restore *r, int fd)
{
        for (size_t i = 0; fd >= 0 && i < r->n_inherited; i++)
                if (r->inherited[i] == fd)
                        return true;
        return false;
}

int restore_take(struct restore *r, int fd)
{
        for (size_t i = 0; fd >= 0 && i < r->n_inherited; i++)
                if (r->inherited[i] == fd) {
                        r->inherited[i] = -1;
                        return fd;
                }
        return -1;
}

int restore_take_file(struct restore *r, const char *path)
{
        struct stat want, st;

        if (stat(path, &want) < 0)
                return -1;
        for (size_t i = 0; i < r->n_inherited; i++)
                if (r->inherited[i] >= 0 && fstat(r->inherited[i], &st) == 0 && st.st_dev == want.st_dev &&
                    st.st_ino == want.st_ino)
                        return TAKE_FD(r->inherited[i]);
        return -1;
}

/* Only the sockets are left to adopt: the rest (the lock, whatever the state named) is closed. */
static void close_files(struct restore *r)
{
        for (size_t i = 0; i < r->n_inherited; i++) {
                struct stat st;

                if (r->inherited[i] >= 0 && (fstat(r->inherited[i], &st) < 0 || !S_ISSOCK(st.st_mode)))
                        r->inherited[i] = safe_close(r->inherited[i]);
        }
}

static int parse(struct restore *r)
{
        size_t n = 0;

        for (char *p = r->text; *p; p++)
                n += *p == '\n';
        r->lines = calloc(n + 1, sizeof(char *));
        if (!r->lines)
                return -ENOMEM;
        for (char *p = r->text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
                *nl = '\0';
                r->lines[r->n_lines++] = p;
        }
        if (r->n_lines < 2 || !streq(r->lines[0], REEXEC_STATE_HEADER) ||
            !streq(r->lines[r->n_lines - 1], "end"))
                return -EBADMSG;
        return 0;
}

int restore_read(struct restore *r, int fd)
{
        struct stat st;
        int error = 0;

        (void) restore_take(r, fd);
        if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > 64 * 1024 * 1024)
                error = EBADMSG;
        else if (!(r->text = malloc((size_t) st.st_size + 1)))
                error = ENOMEM;
        else if (pread(fd, r->text, (size_t) st.st_size, 0) != st.st_size)
                error = EBADMSG;
        close(fd);
        if (!error) {
                r->text[st.st_size] = '\0';
                if (strlen(r->text) != (size_t) st.st_size)
                        error = EBADMSG;
                else
                        error = -parse(r);
        }
        if (error) {
                free(r->lines);
                r->lines = NULL;
                r->n_lines = 0;
        }
        return -error;
}

/* What follows "KEY " when line is a line of key, else NULL. */
static char *line_is(const char *line, const char *key)
{
        size_t len = strlen(key);

        return strncmp(line, key, len) == 0 && line[len] == ' ' ? (char *) line + len + 1 : NULL;
}

char *restore_next(const struct restore *r, const char *key, size_t *i)
{
        char *rest;

        for (; *i < r->n_lines; (*i)++)
                if ((rest = line_is(r->lines[*i], key))) {
                        (*i)++;
                        return rest;
                }
        return NULL;
}

bool restore_is_child(pid_t pid)
{
        siginfo_t si = { 0 };

        return pid > 0 && waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

int restore_number(const struct restore *r, const char *key)
{
        size_t i = 0;
        char *rest = restore_next(r, key, &i);
        long long n;

        return rest && restore_word_int(&rest, &n) && n >= 0 && n <= INT32_MAX ? (int) n : -1;
}

char *restore_word(char **cursor)
{
        char *word = *cursor + strspn(*cursor, " "), *end;

        if (!*word)
                return NULL;
        end = word + strcspn(word, " ");
        *cursor = *end ? end + 1 : end;
        *end = '\0';
        return word;
}

bool restore_word_int(char **cursor, long long *ret)
{
        char *word = restore_word(cursor), *end;

        long long n;

        if (!word)
                return false;
        errno = 0;
        n = strtoll(word, &end, 10);
        if (errno != 0 || *end)
                return false;
        *ret = n;
        return true;
}

int restore_release(struct restore *r, struct manager *m)
{
        close_files(r);
        for (size_t i = 0; i < r->n_inherited; i++) {
                int *grown;

                if (r->inherited[i] < 0)
                        continue;
                grown = realloc(m->adoptable, (m->n_adoptable + 1) * sizeof(int));
                if (!grown)
                        return -ENOMEM;
                m->adoptable = grown;
                m->adoptable[m->n_adoptable++] = TAKE_FD(r->inherited[i]);
        }
        return 0;
}

void restore_done(struct restore *r)
{
        for (size_t i = 0; i < r->n_inherited; i++)
                safe_close(r->inherited[i]);
        free(r->inherited);
        free(r->lines);
        free(r->text);
        *r = (struct restore){ 0 };
}

/* "instance NAME SOCKET PID FD ACCEPTED-USEC": the instance serving connection FD, its main process
 * PID running. Where the connection comes from is asked of the connection. */
static int restore_instance(struct manager *m, char *line, struct restore *r)
{
        const char *name = restore_word(&line), *socket = restore_word(&line);
        struct socket_unit *so = socket ? manager_find_socket(m, socket) : NULL;
        struct service_connection *c;
        struct service_unit *s;
        long long pid, fd, accepted;
        int error;

        if (!name || strlen(name) >= UNIT_NAME_MAX || !restore_word_int(&line, &pid) ||
            !restore_word_int(&line, &fd) || !restore_word_int(&line, &accepted) || pid <= 0 ||
            pid > INT32_MAX || fd < 0 || fd > INT32_MAX || accepted < 0 || !restore_holds(r, (int) fd))
                return -EBADMSG;
        if (!so || !so->template)
                return -ENOENT;
        if (!restore_is_child((pid_t) pid))
                return -ESRCH;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->fd = restore_take(r, (int) fd);
        c->peer_len = sizeof(c->peer);
        if (getpeername(c->fd, (struct sockaddr *) &c->peer, &c->peer_len) < 0)
                c->peer_len = 0;
        peer_source_of(c->fd, &c->peer, &c->source);
        peer_remote(&c->peer, c->peer_len, c->remote_addr, &c->remote_port);
        c->pid = (pid_t) pid;
        c->accepted_usec = (uint64_t) accepted;
        strcpy(c->name, name);
        error = manager_make_instance(m, so, c, &s);
        if (error < 0) /* its process runs on, unsupervised */
                return error == -ENOMEM ? error : -EINVAL;
        so->n_connections++;
        service_instance_restore(s, (pid_t) pid);
        return 0;
}

/* A line of a service's ("service NAME …", "service-fd NAME …", …): -EBADMSG when it is none. */
static int restore_service_line(struct manager *m, char *line, struct restore *r)
{
        static const char *const keys[] = { "service", "service-status", "service-starts", "service-fd" };
        struct service_unit *s;
        char *rest, *name;

        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                if ((rest = line_is(line, keys[k]))) {
                        s = (name = restore_word(&rest)) ? manager_find_service(m, name) : NULL;
                        return s ? service_unit_deserialize(s, keys[k], rest, r) : -ENOENT;
                }
        return -EBADMSG;
}

/* "socket NAME …": restored[k] when socket unit k goes on as it was. A second line of a unit is
 * refused: its fds are taken. */
static int restore_socket_line(struct manager *m, char *rest, struct restore *r, bool *restored)
{
        const char *name = restore_word(&rest);
        struct socket_unit *so = name ? manager_find_socket(m, name) : NULL;
        size_t k = 0;
        int error;

        if (!so)
                return -ENOENT;
        while (m->sockets[k] != so)
                k++;
        if (restored[k])
                return -EEXIST;
        error = socket_unit_deserialize(so, rest, r);
        restored[k] = error >= 0;
        return error;
}

/* Whether the line is one of the daemon's own (restore_number() reads them). */
static bool daemon_line(const char *line)
{
        static const char *const keys[] = { "lock", "notify", "control", "fds", "client", "nofile" };

        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                if (line_is(line, keys[k]))
                        return true;
        return false;
}

int manager_restore(struct manager *m, struct restore *r, bool *restored)
{
        size_t running = 0;
        int error = 0;

        for (size_t i = 1; i + 1 < r->n_lines && error != -ENOMEM; i++) {
                char *line = r->lines[i], *rest;

                if ((rest = line_is(line, "instance")))
                        error = restore_instance(m, rest, r);
                else if ((rest = line_is(line, "held")))
                        error = fd_holder_deserialize(&m->holder, "held", rest, r);
                else if ((rest = line_is(line, "loan")))
                        error = fd_holder_deserialize(&m->holder, "loan", rest, r);
                else if ((rest = line_is(line, "socket")))
                        error = restore_socket_line(m, rest, r, restored);
                else if (!daemon_line(line))
                        error = restore_service_line(m, line, r);
                else
                        error = 0;
                if (error < 0) /* the line is cut after its first words (restore_word()) */
                        log_warning(error, "State line %zu (%s …) not restored: %m", i + 1, line);
        }
        for (size_t i = 0; i < m->n_services; i++)
                running += m->services[i]->state == SERVICE_RUNNING;
        log_info("Re-executed: %zu sockets listening, %zu services and %zu instances running",
                 manager_listening(m), running, m->n_instances);
        return error == -ENOMEM ? error : 0;
}
