/* libFuzzer: ExecStart= and the other command lines (execline_parse()), then the $VAR expansion of
 * each command parsed (execline_expand_env()). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "execline.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char a[] = "A=one two", b[] = "B=", c[] = "C='quoted words' and\\ more";
        char *const env[] = { a, b, c, NULL };
        struct exec_command *commands = NULL;
        size_t n = 0;
        const char *reason = NULL;
        char *text = strndup((const char *) data, size);

        if (!text)
                return 0;
        if (execline_parse(text, NULL, NULL, &commands, &n, &reason) >= 0)
                for (size_t i = 0; i < n; i++) {
                        char **argv = NULL;

                        if (execline_expand_env(&commands[i], env, &argv) >= 0)
                                strv_free(argv);
                }
        exec_command_free_array(commands, n);
        free(text);
        return 0;
}
