/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file strbuf.c
 * @brief Growable text buffer.
 */
#include "outputs/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/outputs.h"

void vemt_sb_printf(vemt_strbuf *b, const char *fmt, ...) {
    if (b->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || vemt_grow((void **)&b->s, &b->cap, b->n + (size_t)k + 1, 1)) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* Length of the character that starts at p when it is one XML 1.0 allows
 * (section 2.2: U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF), less the
 * control characters (DEL and C1, which it allows but discourages, and
 * carriage return), plus tab and newline, in well-formed UTF-8 (RFC 3629:
 * no overlong forms, no surrogates); 0 when it is not. */
static size_t xml_char_len(const unsigned char *p) {
    unsigned c = p[0];
    if (c < 0x80)
        return (c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' ? 1 : 0;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!n || c > 0xF4) return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF || (cp >= 0x80 && cp <= 0x9F))
        return 0;
    return n;
}

bool vemt_outputs_text_is_valid(const char *text, size_t *bad_at) {
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; p[i];) {
        size_t n = xml_char_len(p + i);
        if (!n) {
            if (bad_at) *bad_at = i;
            return false;
        }
        i += n;
    }
    return true;
}

void vemt_sb_xml(vemt_strbuf *b, const char *text) {
    for (const char *p = text; *p; p++) {
        size_t n = xml_char_len((const unsigned char *)p);
        if (n != 1) { /* a whole character, or U+FFFD for a bad byte */
            if (n)
                vemt_sb_printf(b, "%.*s", (int)n, p);
            else
                vemt_sb_printf(b, "\xEF\xBF\xBD");
            p += n ? n - 1 : 0;
            continue;
        }
        switch (*p) {
            case '&':
                vemt_sb_printf(b, "&amp;");
                break;
            case '<':
                vemt_sb_printf(b, "&lt;");
                break;
            case '>':
                vemt_sb_printf(b, "&gt;");
                break;
            case '"':
                vemt_sb_printf(b, "&quot;");
                break;
            case '\'':
                vemt_sb_printf(b, "&apos;");
                break;
            default:
                vemt_sb_printf(b, "%c", *p);
        }
    }
}

char *vemt_sb_take(vemt_strbuf *b) {
    char *s = b->failed ? NULL : b->s;
    if (b->failed) vemt_free(b->s);
    memset(b, 0, sizeof *b);
    return s;
}
