/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file strbuf.c
 * @brief Growable text buffer.
 */
#include "outputs/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"

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

void vemt_sb_xml(vemt_strbuf *b, const char *text) {
    for (const char *p = text; *p; p++) {
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
