/* libFuzzer: sd_notify() datagrams as the notify socket parses them (notify_parse()). */
#include <stddef.h>
#include <stdint.h>

#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct notify_message m;
        const char *reason = NULL;

        if (size > NOTIFY_MESSAGE_MAX)
                return 0; /* the socket never hands a longer one over */
        if (notify_parse((const char *) data, size, &m, &reason) >= 0)
                notify_message_clear(&m);
        return 0;
}
