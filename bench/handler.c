/* The service every supervisor of the benchmark starts: it writes one line to its connection and
 * exits. The connection is fd 3 when LISTEN_FDS=1 (the sd_listen_fds() protocol of Accept=yes),
 * standard output otherwise (inetd's). It must stay this small and the same binary for every peer,
 * so that the cost of exec is the same for all of them and only the supervisors differ. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_FDS_START 3

int main(void)
{
        static const char line[] = "hello\n";
        const char *listen_fds = getenv("LISTEN_FDS");
        int fd = listen_fds && strcmp(listen_fds, "1") == 0 ? LISTEN_FDS_START : STDOUT_FILENO;
        ssize_t n;

        n = write(fd, line, sizeof(line) - 1);
        return n == (ssize_t) (sizeof(line) - 1) ? EXIT_SUCCESS : EXIT_FAILURE;
}
