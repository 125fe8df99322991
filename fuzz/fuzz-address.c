/* libFuzzer: ListenStream=/ListenDatagram=/… values (address_parse()) and ListenNetlink= values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct socket_address address;
        const char *reason = NULL;
        char *text = strndup((const char *) data, size); /* a value never holds a NUL: it ends there */

        if (!text)
                return 0;
        (void) address_parse(text, true, &address, &reason);
        (void) address_parse(text, false, &address, &reason);
        (void) address_parse_netlink(text, &address, &reason);
        free(text);
        return 0;
}
