/* hello-http: the smallest socket-activated web server, for the example units. It takes its
 * listening sockets from sockactd (or systemd) with sd_listen_fds(), answers every request with
 * a short page saying which process served it, and exits after 30 idle seconds, so that the
 * next request shows activation again. SIGTERM ends it between two requests: the request in hand
 * is answered, and those still waiting are left in the backlog, which sockactd holds, for the next
 * server (README.md, "Zero-downtime restarts"). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define IDLE_EXIT_MS 30000
#define FDS_MAX      16

static volatile sig_atomic_t terminating;

static void on_sigterm(int sig)
{
        (void) sig;
        terminating = 1;
}

static void serve(int listener, unsigned long *served)
{
        char request[4096], page[512], reply[1024];
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        int len;

        if (fd < 0)
                return;
        (void) read(fd, request, sizeof(request)); /* the request itself does not matter */
        (*served)++;
        snprintf(page, sizeof(page),
                 "Hello from hello-http, process %d.\nStarted on demand by socket activation; this is "
                 "request %lu.\n",
                 (int) getpid(), *served);
        len = snprintf(reply, sizeof(reply),
                       "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: "
                       "close\r\n\r\n%s",
                       strlen(page), page);
        (void) write(fd, reply, (size_t) len);
        close(fd);
}

int main(void)
{
        struct pollfd fds[FDS_MAX];
        unsigned long served = 0;
        int n = sd_listen_fds(1);

        if (n <= 0) {
                fprintf(stderr, "hello-http: no sockets passed; run it from a socket unit\n");
                return 1;
        }
        if (n > FDS_MAX)
                n = FDS_MAX;
        for (int i = 0; i < n; i++)
                fds[i] = (struct pollfd){ .fd = SD_LISTEN_FDS_START + i, .events = POLLIN };
        sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_sigterm }, NULL); /* no SA_RESTART */
        fprintf(stderr, "hello-http: serving %d socket(s)\n", n);
        for (;;) {
                int r = terminating ? 0 : poll(fds, (nfds_t) n, IDLE_EXIT_MS);

                if (terminating) {
                        fprintf(stderr, "hello-http: stopped after %lu request(s)\n", served);
                        return 0;
                }
                if (r == 0) {
                        fprintf(stderr, "hello-http: idle, exiting after %lu request(s)\n", served);
                        return 0;
                }
                if (r < 0 && errno != EINTR)
                        return 1;
                for (int i = 0; i < n && r > 0 && !terminating; i++)
                        if (fds[i].revents & POLLIN)
                                serve(fds[i].fd, &served);
        }
}
