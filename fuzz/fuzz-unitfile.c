/* libFuzzer: a whole unit file, read and loaded as sockactd loads one. The first byte picks the
 * kind and name (a socket unit, a service, a template instance), the rest is the file. */
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "load.h"
#include "unit.h"
#include "unitfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct specifier_context context = {
        .runtime_root = "/run/user/1000",
        .state_root = "/home/fuzz/.local/state",
        .cache_root = "/home/fuzz/.cache",
        .log_root = "/home/fuzz/.local/state/log",
        .config_root = "/home/fuzz/.config",
        .user_name = "fuzz",
        .uid = 1000,
        .group_name = "fuzz",
        .gid = 1000,
        .home = "/home/fuzz",
        .host_name = "host.example.org",
        .machine_id = "0123456789abcdef0123456789abcdef",
        .boot_id = "fedcba9876543210fedcba9876543210",
        .kernel_release = "6.1.0-fuzz",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const names[] = { "fuzz.socket", "fuzz.service", "fuzz@8080.service",
                                             "fuzz@0-127.0.0.1:80-127.0.0.1:4242.service" };
        struct load_options options = { .specifiers = &context, .ipv6_supported = true };
        struct unitfile *file = NULL;
        struct diag diag = { 0 };
        struct unit *u = NULL;
        const char *name;

        if (size < 1)
                return 0;
        name = names[data[0] % 4];
        options.ipv6_supported = data[0] & 4;
        if (unitfile_read_buffer(name, (const char *) data + 1, size - 1, &file, &diag) >= 0 && diag.n == 0)
                (void) unit_load_from(file, name, &options, &u, &diag);
        unit_free(u);
        unitfile_free(file);
        diag_clear(&diag);
        return 0;
}
