/* libFuzzer: the control protocol as sockactd and sockactl decode it: a message checked as a request
 * and as a reply (control_check()), then its payload read as records of key=value lines
 * (control_next_field(), control_unescape()). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_records(const uint8_t *payload, size_t len)
{
        char *text = strndup((const char *) payload, len), *cursor = text, *key, *value;

        if (!text)
                return;
        /* a whole reply: records until the end of the text */
        while (*cursor && control_next_field(&cursor, &key, &value) >= 0)
                ;
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct control_header h;
        const char *reason = NULL;

        for (int request = 0; request < 2; request++)
                if (control_check(data, size, request, &h, &reason) >= 0)
                        read_records(data + sizeof(h), h.length);
        read_records(data, size); /* the payload alone, whatever the header */
        return 0;
}
