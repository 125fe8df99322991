/* Word splitting, C unescaping and quoting with the rules of systemd 252's extract_first_word() and
 * cunescape_one(); see words.h. Every other file splits and quotes through here (Exec*= lines,
 * Environment=, lists). Invariant: whatever words_quote() writes, words_next() with WORDS_UNQUOTE and
 * WORDS_CUNESCAPE reads back to the same bytes. A word grows as it is read: no limit on its length. */
#include <errno.h>

#include "util.h"
#include "words.h"

/* The one-letter escapes, and the characters they stand for, in the same order. */
static const char words_escape_letters[] = "abfnrtv\\\"'s";
static const char words_escape_values[] = "\a\b\f\n\r\t\v\\\"' ";

static int words_invalid(const char **ret_reason, const char *reason)
{
        *ret_reason = reason;
        return -EINVAL;
}

static int words_digit(char c, unsigned base)
{
        int d = unhexchar(c);

        return d >= 0 && (unsigned) d < base ? d : -1;
}

/* As systemd's unichar_is_valid(): no surrogates, no noncharacters, nothing above U+10FFFF. */
static bool words_unichar_is_valid(uint32_t u)
{
        return u < 0x110000 && (u & 0xFFFFF800) != 0xD800 && !(u >= 0xFDD0 && u <= 0xFDEF) &&
               (u & 0xFFFE) != 0xFFFE;
}

int words_cunescape_one(const char *s, uint32_t *ret_char, bool *ret_raw_byte, const char **ret_reason)
{
        const char *letter = *s ? strchr(words_escape_letters, *s) : NULL;
        unsigned base = 16, digits, start = 1;
        bool raw = false;
        uint32_t u = 0;

        if (letter) {
                *ret_char = (unsigned char) words_escape_values[letter - words_escape_letters];
                *ret_raw_byte = false;
                return 1;
        }

        switch (*s) {
        case 'x':
                digits = 2;
                raw = true;
                break;
        case 'u':
                digits = 4;
                break;
        case 'U':
                digits = 8;
                break;
        case '0' ... '7':
                base = 8;
                digits = 3;
                start = 0;
                raw = true;
                break;
        default:
                return words_invalid(ret_reason, "invalid escape sequence");
        }

        for (unsigned i = start; i < start + digits; i++) {
                int d = words_digit(s[i], base); /* stops at the terminating NUL */

                if (d < 0)
                        return words_invalid(ret_reason, "invalid escape sequence");
                u = u * base + (unsigned) d;
        }
        if (u == 0)
                return words_invalid(ret_reason, "escape sequence for a NUL byte");
        if (raw ? u > 0xFF : !words_unichar_is_valid(u))
                return words_invalid(ret_reason, "invalid escape sequence");

        *ret_char = u;
        *ret_raw_byte = raw;
        return (int) (start + digits);
}

/* u is a valid code point; out has room for 4 bytes. */
static size_t words_utf8_encode(uint32_t u, char *out)
{
        if (u < 0x80) {
                out[0] = (char) u;
                return 1;
        }
        if (u < 0x800) {
                out[0] = (char) (0xC0 | u >> 6);
                out[1] = (char) (0x80 | (u & 0x3F));
                return 2;
        }
        if (u < 0x10000) {
                out[0] = (char) (0xE0 | u >> 12);
                out[1] = (char) (0x80 | (u >> 6 & 0x3F));
                out[2] = (char) (0x80 | (u & 0x3F));
                return 3;
        }
        out[0] = (char) (0xF0 | u >> 18);
        out[1] = (char) (0x80 | (u >> 12 & 0x3F));
        out[2] = (char) (0x80 | (u >> 6 & 0x3F));
        out[3] = (char) (0x80 | (u & 0x3F));
        return 4;
}

/* Makes room in *word, which holds n bytes, for one more character (up to 4 bytes) and a NUL. The
 * buffer doubles, so that a long word costs linear time and holds at most twice its length. */
static int words_reserve(char **word, size_t *allocated, size_t n)
{
        size_t want = (n + 5) * 2;
        char *grown;

        if (n + 5 <= *allocated)
                return 0;
        grown = realloc(*word, want);
        if (!grown)
                return -ENOMEM;
        *word = grown;
        *allocated = want;
        return 0;
}

int words_next(const char **p, unsigned flags, char **ret, const char **ret_reason)
{
        const char *s = *p + strspn(*p, WHITESPACE);
        _cleanup_free_ char *word = NULL;
        size_t n = 0, allocated = 0;
        char quote = 0;

        if (!*s) {
                *p = s;
                return 0;
        }

        /* s is at a character that is not whitespace: the loop runs at least once, so "" is a word too. */
        for (; *s; s++) {
                if (words_reserve(&word, &allocated, n) < 0) {
                        *ret_reason = "out of memory";
                        return -ENOMEM;
                }

                if (*s == '\\') {
                        if (!s[1]) {
                                if (flags & WORDS_RELAX) {
                                        s++;
                                        break;
                                }
                                return words_invalid(ret_reason,
                                                     quote ? "unbalanced quotes" : "trailing backslash");
                        }
                        s++;
                        if (flags & WORDS_CUNESCAPE) {
                                uint32_t u;
                                bool raw;
                                int len = words_cunescape_one(s, &u, &raw, ret_reason);

                                if (len < 0)
                                        return len;
                                if (raw)
                                        word[n++] = (char) u;
                                else
                                        n += words_utf8_encode(u, word + n);
                                s += len - 1;
                        } else
                                word[n++] = *s;
                } else if (quote) {
                        if (*s == quote)
                                quote = 0;
                        else
                                word[n++] = *s;
                } else if ((flags & WORDS_UNQUOTE) && (*s == '"' || *s == '\''))
                        quote = *s;
                else if (strchr(WHITESPACE, *s))
                        break;
                else
                        word[n++] = *s;
        }
        if (quote && !(flags & WORDS_RELAX))
                return words_invalid(ret_reason, "unbalanced quotes");

        word[n] = '\0';
        *p = s + strspn(s, WHITESPACE);
        *ret = TAKE_PTR(word);
        return 1;
}

size_t words_escape_char(char c, const char *also, bool escape_high, char buf[static 4])
{
        const char *letter = c ? strchr(words_escape_values, c) : NULL;
        unsigned char byte = (unsigned char) c;

        /* The first seven values are the control characters with a letter of their own. */
        if (letter && letter - words_escape_values < 7) {
                buf[0] = '\\';
                buf[1] = words_escape_letters[letter - words_escape_values];
                return 2;
        }
        if (byte < ' ' || byte == 0x7F || (byte >= 0x80 && escape_high)) {
                static const char hex[] = "0123456789abcdef";

                buf[0] = '\\';
                buf[1] = 'x';
                buf[2] = hex[byte >> 4];
                buf[3] = hex[byte & 0xF];
                return 4;
        }
        if (c == '\\' || (c && strchr(also, c))) {
                buf[0] = '\\';
                buf[1] = c;
                return 2;
        }
        buf[0] = c;
        return 1;
}

/* Escapes one byte for reading without WORDS_CUNESCAPE, where a backslash takes the next byte
 * as it is. */
static size_t words_escape_plain(char c, char buf[4])
{
        size_t n = 0;

        if (c == '\\' || c == '"')
                buf[n++] = '\\';
        buf[n++] = c;
        return n;
}

int words_quote(const char *word, unsigned flags, char **ret)
{
        bool cunescape = flags & WORDS_CUNESCAPE, plain = *word != '\0';
        char buf[4], *out, *o;

        /* Plain: no character needs an escape, even a quote, and no white space needs the quotes. */
        for (const char *s = word; *s && plain; s++)
                plain = !strchr(WHITESPACE, *s) &&
                        (cunescape ? words_escape_char(*s, "\"'", false, buf) == 1 : !strchr("\\\"'", *s));
        if (plain) {
                out = strdup(word);
                if (!out)
                        return -ENOMEM;
                *ret = out;
                return 0;
        }

        out = o = malloc(strlen(word) * 4 + 3);
        if (!out)
                return -ENOMEM;
        *o++ = '"';
        for (const char *s = word; *s; s++) {
                size_t n = cunescape ? words_escape_char(*s, "\"", false, buf) : words_escape_plain(*s, buf);

                memcpy(o, buf, n);
                o += n;
        }
        *o++ = '"';
        *o = '\0';
        *ret = out;
        return 0;
}
