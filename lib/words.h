/* Splitting a value into words as systemd's extract_first_word() does: whitespace separates,
 * "double" and 'single' quotes group (anywhere in a word), a backslash escapes the next
 * character, or with WORDS_CUNESCAPE starts a C escape (\n \t \xNN \uNNNN \NNN …).
 * Pure string code. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum words_flags {
        WORDS_UNQUOTE = 1 << 0,   /* quotes group and are removed */
        WORDS_CUNESCAPE = 1 << 1, /* C escapes are decoded; an unknown one is an error */
};

/* Takes the next word from *p, advancing it past the word and the whitespace after it.
 * Returns 1 with *ret set, 0 when only whitespace is left, or -EINVAL with *ret_reason
 * ("unbalanced quotes", "invalid escape sequence", "trailing backslash"). */
int words_next(const char **p, unsigned flags, char **ret, const char **ret_reason);

/* Decodes the C escape that starts at s (just after its backslash) into *ret_char and reports
 * how many bytes it used and whether it is a raw byte (\xNN, \NNN) rather than a code point.
 * Returns the length, or -EINVAL (unknown escape, or one that gives NUL). */
int words_cunescape_one(const char *s, uint32_t *ret_char, bool *ret_raw_byte);

/* Quotes a word so that words_next(…, WORDS_UNQUOTE|WORDS_CUNESCAPE) reads it back unchanged;
 * plain words are written as they are. Returns 0 or -ENOMEM. */
int words_quote(const char *word, char **ret);
