/* notifier: a test service that speaks sd_notify(3) through libsystemd, as a real service does. It
 * runs its arguments as steps, in order, then exits 0:
 *   send:TEXT          sd_notify(0, TEXT), with each '|' in TEXT made a newline
 *   watchdog:MS:COUNT  WATCHDOG=1 every MS milliseconds, COUNT times
 *   barrier:MS         sd_notify_barrier() with a timeout of MS; prints "barrier: 0" or its error
 *   sleep:MS           sleeps
 *   exit:N             exits with status N
 *   env:NAME           prints "NAME=value" (or "NAME unset") to stdout
 *   print:TEXT         prints TEXT to stdout
 *   storemem:NAME:TEXT FDSTORE=1 with FDNAME=NAME and a memfd that holds TEXT
 *   storeagain         the last stored fd once more, under the same name
 *   storepair:NAME     FDSTORE=1 with one end of a socket pair, whose other end stays open until
 *                      the process exits (storepair-nopoll:NAME adds FDPOLL=0)
 *   remove:NAME        FDSTOREREMOVE=1 with FDNAME=NAME
 *   fds                prints what sd_listen_fds_with_names() gives: "fds N", then one line per fd,
 *                      "fd I NAME" and, for a memfd, its text
 * Every wait is bounded by its own argument, so that it never outlives the test that started it. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static long number(const char *s)
{
        char *end;
        long v = strtol(s, &end, 10);

        if (end == s || (*end && *end != ':') || v < 0) {
                fprintf(stderr, "notifier: bad number in \"%s\"\n", s);
                exit(2);
        }
        return v;
}

static void send_text(const char *text)
{
        char *message = strdup(text);
        int r;

        if (!message)
                exit(3);
        for (char *p = message; *p; p++)
                if (*p == '|')
                        *p = '\n';
        r = sd_notify(0, message);
        if (r <= 0) {
                fprintf(stderr, "notifier: sd_notify(%s): %s\n", text,
                        r < 0 ? strerror(-r) : "no $NOTIFY_SOCKET");
                exit(3);
        }
        free(message);
}

static int last_stored = -1;
static char last_name[256];

static void store(const char *name, int fd, bool poll)
{
        char message[512];
        int r;

        snprintf(message, sizeof(message), "FDSTORE=1\nFDNAME=%s%s", name, poll ? "" : "\nFDPOLL=0");
        r = sd_pid_notify_with_fds(0, 0, message, &fd, 1);
        if (r <= 0) {
                fprintf(stderr, "notifier: sd_pid_notify_with_fds(%s): %s\n", name,
                        r < 0 ? strerror(-r) : "no socket");
                exit(3);
        }
        last_stored = fd;
        snprintf(last_name, sizeof(last_name), "%s", name);
}

static void store_memfd(const char *arg)
{
        const char *colon = strchr(arg, ':');
        char name[256];
        int fd = memfd_create("notifier", MFD_CLOEXEC);

        if (!colon || fd < 0 || write(fd, colon + 1, strlen(colon + 1)) < 0)
                exit(3);
        snprintf(name, sizeof(name), "%.*s", (int) (colon - arg), arg);
        store(name, fd, true);
}

static void store_pair(const char *name, bool poll)
{
        int pair[2];

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                exit(3);
        store(name, pair[0], poll); /* pair[1] stays open until exit */
}

static void print_fds(void)
{
        char **names = NULL;
        int n = sd_listen_fds_with_names(0, &names);

        printf("fds %d\n", n);
        for (int i = 0; i < n; i++) {
                int fd = SD_LISTEN_FDS_START + i;
                char text[256] = "";
                struct stat st;

                if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
                        ssize_t k = pread(fd, text, sizeof(text) - 1, 0);
                        text[k > 0 ? k : 0] = '\0';
                }
                printf("fd %d %s%s%s\n", fd, names ? names[i] : "?", *text ? " " : "", text);
        }
}

int main(int argc, char *argv[])
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];

                if (strncmp(a, "send:", 5) == 0)
                        send_text(a + 5);
                else if (strncmp(a, "watchdog:", 9) == 0) {
                        long ms = number(a + 9),
                             count = number(strchr(a + 9, ':') ? strchr(a + 9, ':') + 1 : "");

                        for (long k = 0; k < count; k++) {
                                send_text("WATCHDOG=1");
                                sleep_ms(ms);
                        }
                } else if (strncmp(a, "barrier:", 8) == 0) {
                        int r = sd_notify_barrier(0, (uint64_t) number(a + 8) * 1000);

                        printf("barrier: %s\n", r < 0 ? strerror(-r) : "0");
                } else if (strncmp(a, "sleep:", 6) == 0)
                        sleep_ms(number(a + 6));
                else if (strncmp(a, "exit:", 5) == 0)
                        return (int) number(a + 5);
                else if (strncmp(a, "env:", 4) == 0) {
                        const char *v = getenv(a + 4);

                        if (v)
                                printf("%s=%s\n", a + 4, v);
                        else
                                printf("%s unset\n", a + 4);
                } else if (strncmp(a, "print:", 6) == 0)
                        printf("%s\n", a + 6);
                else if (strncmp(a, "storemem:", 9) == 0)
                        store_memfd(a + 9);
                else if (strcmp(a, "storeagain") == 0 && last_stored >= 0)
                        store(last_name, last_stored, true);
                else if (strncmp(a, "storepair:", 10) == 0)
                        store_pair(a + 10, true);
                else if (strncmp(a, "storepair-nopoll:", 17) == 0)
                        store_pair(a + 17, false);
                else if (strncmp(a, "remove:", 7) == 0) {
                        char message[300];

                        snprintf(message, sizeof(message), "FDSTOREREMOVE=1|FDNAME=%s", a + 7);
                        send_text(message);
                } else if (strcmp(a, "fds") == 0)
                        print_fds();
                else {
                        fprintf(stderr, "notifier: unknown step \"%s\"\n", a);
                        return 2;
                }
        }
        return 0;
}
