/* sockactl: the administrator's tool. Each verb is a small function over one libsockact call.
 * Offline verbs work without a running sockactd. */
#include <stdio.h>
#include <string.h>

#include "offline.h"

static void help(void)
{
        printf("Usage: sockactl [--help] [--version] VERB [ARGS...]\n"
               "\n"
               "Verbs:\n"
               "  verify PATH...   load and verify units (files or directories), as sockactd --check\n"
               "\n"
               "See sockactl(1).\n");
}

int main(int argc, char *argv[])
{
        if (argc < 2) {
                help();
                return 2;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                help();
                return 0;
        }
        if (strcmp(argv[1], "--version") == 0) {
                printf("sockactl %s\n", SOCKACT_VERSION);
                return 0;
        }
        if (strcmp(argv[1], "verify") == 0) {
                if (argc < 3) {
                        fprintf(stderr, "sockactl: verify needs at least one unit file or directory\n");
                        return 2;
                }
                return check_run(argv + 2);
        }
        fprintf(stderr, "sockactl: unknown verb \"%s\"\n", argv[1]);
        return 2;
}
