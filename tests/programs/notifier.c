/* notifier: a test service that speaks sd_notify(3) through libsystemd, as a real service does. It
 * runs its arguments as steps, in order, then exits 0:
 *   send:TEXT          sd_notify(0, TEXT), with each '|' in TEXT made a newline
 *   watchdog:MS:COUNT  WATCHDOG=1 every MS milliseconds, COUNT times
 *   barrier:MS         sd_notify_barrier() with a timeout of MS; prints "barrier: 0" or its error
 *   sleep:MS           sleeps
 *   exit:N             exits with status N
 *   env:NAME           prints "NAME=value" (or "NAME unset") to stdout
 *   print:TEXT         prints TEXT to stdout
 * Every wait is bounded by its own argument, so that it never outlives the test that started it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
                else {
                        fprintf(stderr, "notifier: unknown step \"%s\"\n", a);
                        return 2;
                }
        }
        return 0;
}
