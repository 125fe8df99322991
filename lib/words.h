/* Splitting a value into words as systemd's extract_first_word() does: whitespace separates,
 * "double" and 'single' quotes group (anywhere in a word), a backslash escapes the next
 * character, or with WORDS_CUNESCAPE starts a C escape (\n \t \xNN \uNNNN \NNN …) inside and
 * outside quotes; and the way back, from a word to text that reads as it. The one word splitter,
 * C unescaper and quoter of sockact. Pure string code: no logging, no fixed-size buffers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum words_flags {
        WORDS_UNQUOTE = 1 << 0,   /* quotes group and are removed */
        WORDS_CUNESCAPE = 1 << 1, /* C escapes are decoded; an unknown one is an error */
        WORDS_RELAX = 1 << 2,     /* EXTRACT_RELAX: unbalanced quotes or a trailing backslash end the word */
};

/* Takes the next word from *p, advancing it past the word and the whitespace after it. An empty
 * quoted word ("" or '') is a word. Returns 1 with *ret set, 0 when only whitespace is left, or
 * -ENOMEM ("out of memory") or -EINVAL with *ret_reason: "unbalanced quotes" (also for a backslash
 * that ends the value inside quotes), "trailing backslash", "invalid escape sequence", "escape
 * sequence for a NUL byte". On failure *p is left alone. */
int words_next(const char **p, unsigned flags, char **ret, const char **ret_reason);

/* Decodes the C escape that starts at s (just after its backslash) as cunescape_one() does: \a \b
 * \f \n \r \t \v \\ \" \' \s, \xNN and \NNN (up to 0377) as raw bytes, \uNNNN and \UNNNNNNNN as code
 * points. Stricter than systemd 252, which checks only \U: a code point must be valid Unicode (no
 * surrogates, no noncharacters, nothing above U+10FFFF) for \u too. Returns the number of characters
 * used, with *ret_char and *ret_raw_byte (true for \xNN and \NNN), or -EINVAL with *ret_reason
 * "invalid escape sequence" or "escape sequence for a NUL byte". */
int words_cunescape_one(const char *s, uint32_t *ret_char, bool *ret_raw_byte, const char **ret_reason);

/* Writes into buf what words_next(…, WORDS_CUNESCAPE) reads back as the byte c (not NUL), outside
 * quotes or inside double quotes: \a \b \f \n \r \t \v for those, \xNN for the other control
 * characters, DEL and, with escape_high, bytes from 0x80; a backslash before a backslash or a character
 * of also; else c itself. Returns the length written, 1 to 4 (no terminating NUL). */
size_t words_escape_char(char c, const char *also, bool escape_high, char buf[static 4]);

/* Quotes a word so that words_next(…, flags) reads it back unchanged; a plain word is written as it
 * is. With WORDS_CUNESCAPE, control bytes are written as C escapes; without, only '"' and '\\'
 * are escaped (with a backslash) and other bytes stay as they are. Returns 0 or -ENOMEM. */
int words_quote(const char *word, unsigned flags, char **ret);
