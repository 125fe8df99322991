/* A program outside the tree, built with "pkg-config --cflags --libs libsockact" against an installed
 * copy (make check-pkgconfig): the installed header and library must be all it needs. With no
 * sockactd at the runtime directory given, sockact_fetch() must answer -ENOENT or -ECONNREFUSED. */
#include <errno.h>
#include <sockact.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
        const char *names[] = { "web.socket" };
        char **fd_names = NULL;
        int *fds = NULL, r;
        size_t n = 0;

        if (argc != 2)
                return 2;
        r = sockact_fetch(argv[1], names, 1, 1000 * 1000, &fds, &fd_names, &n);
        printf("sockact_fetch: %s\n", strerror(-r));
        return r == -ENOENT || r == -ECONNREFUSED ? 0 : 1;
}
