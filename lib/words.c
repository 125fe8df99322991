/* Word splitting, C unescaping and quoting with systemd's rules; see words.h. */
#include <errno.h>

#include "util.h"
#include "words.h"

static int hex_digit(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int parse_hex(const char *s, int digits, uint32_t *ret)
{
        uint32_t v = 0;

        for (int i = 0; i < digits; i++) {
                int d = hex_digit(s[i]);
                if (d < 0)
                        return -EINVAL;
                v = v << 4 | (uint32_t) d;
        }
        *ret = v;
        return 0;
}

int words_cunescape_one(const char *s, uint32_t *ret_char, bool *ret_raw_byte)
{
        static const char simple_from[] = "abfnrtv\\\"'s";
        static const char simple_to[] = "\a\b\f\n\r\t\v\\\"' ";
        const char *simple = s[0] ? strchr(simple_from, s[0]) : NULL;
        uint32_t c;
        int len;

        if (simple) {
                *ret_char = (unsigned char) simple_to[simple - simple_from];
                *ret_raw_byte = false;
                return 1;
        }
        switch (s[0]) {
        case 'x':
                if (parse_hex(s + 1, 2, &c) < 0 || c == 0)
                        return -EINVAL;
                *ret_raw_byte = true;
                len = 3;
                break;
        case 'u':
        case 'U':
                len = s[0] == 'u' ? 5 : 9;
                if (parse_hex(s + 1, len - 1, &c) < 0 || c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                        return -EINVAL;
                *ret_raw_byte = false;
                break;
        case '0' ... '7':
                for (int i = 0; i < 3; i++)
                        if (s[i] < '0' || s[i] > '7')
                                return -EINVAL;
                c = (uint32_t) ((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
                if (c == 0 || c > 255)
                        return -EINVAL;
                *ret_raw_byte = true;
                len = 3;
                break;
        default:
                return -EINVAL;
        }
        *ret_char = c;
        return len;
}

static size_t utf8_encode(uint32_t c, char *out)
{
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xC0 | c >> 6);
                out[1] = (char) (0x80 | (c & 0x3F));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xE0 | c >> 12);
                out[1] = (char) (0x80 | (c >> 6 & 0x3F));
                out[2] = (char) (0x80 | (c & 0x3F));
                return 3;
        }
        out[0] = (char) (0xF0 | c >> 18);
        out[1] = (char) (0x80 | (c >> 12 & 0x3F));
        out[2] = (char) (0x80 | (c >> 6 & 0x3F));
        out[3] = (char) (0x80 | (c & 0x3F));
        return 4;
}

int words_next(const char **p, unsigned flags, char **ret, const char **ret_reason)
{
        const char *s = *p + strspn(*p, WHITESPACE);
        _cleanup_free_ char *word = NULL;
        size_t n = 0;
        char quote = 0;

        if (!*s) {
                *p = s;
                return 0;
        }
        /* Decoding never makes a word longer than its text: 4 bytes of UTF-8 come from at least "\uNNNN". */
        word = malloc(strlen(s) + 1);
        if (!word)
                return -ENOMEM;

        for (; *s; s++) {
                if (*s == '\\') {
                        s++;
                        if (!*s) {
                                *ret_reason = "trailing backslash";
                                return -EINVAL;
                        }
                        if (flags & WORDS_CUNESCAPE) {
                                uint32_t c;
                                bool raw;
                                int len = words_cunescape_one(s, &c, &raw);

                                if (len < 0) {
                                        *ret_reason = "invalid escape sequence";
                                        return -EINVAL;
                                }
                                if (raw)
                                        word[n++] = (char) c;
                                else
                                        n += utf8_encode(c, word + n);
                                s += len - 1;
                        } else
                                word[n++] = *s;
                } else if (quote) {
                        if (*s == quote)
                                quote = 0;
                        else
                                word[n++] = *s;
                } else if ((flags & WORDS_UNQUOTE) && (*s == '"' || *s == '\'')) {
                        quote = *s;
                } else if (strchr(WHITESPACE, *s)) {
                        break;
                } else
                        word[n++] = *s;
        }
        if (quote) {
                *ret_reason = "unbalanced quotes";
                return -EINVAL;
        }
        word[n] = '\0';
        *p = s + strspn(s, WHITESPACE);
        *ret = TAKE_PTR(word);
        return 1;
}

int words_quote(const char *word, char **ret)
{
        static const char specials[] = "\a\b\f\n\r\t\v\\\"";
        static const char letters[] = "abfnrtv\\\"";
        bool plain = *word != '\0';
        char *out, *o;

        for (const char *s = word; *s && plain; s++)
                plain = !strchr(WHITESPACE "\\\"'", *s) && (unsigned char) *s >= 0x20 && *s != 0x7f;
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
                const char *special = strchr(specials, *s);

                if (special) {
                        *o++ = '\\';
                        *o++ = letters[special - specials];
                } else if ((unsigned char) *s < 0x20 || *s == 0x7f) {
                        o += sprintf(o, "\\x%02x", (unsigned) (unsigned char) *s);
                } else
                        *o++ = *s;
        }
        *o++ = '"';
        *o = '\0';
        *ret = out;
        return 0;
}
