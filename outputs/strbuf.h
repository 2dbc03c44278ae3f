/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file strbuf.h
 * @brief A growable text buffer for generated documents (private to
 * outputs/).
 */
#ifndef VEMT_OUTPUTS_STRBUF_H
#define VEMT_OUTPUTS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vemt_strbuf {
    char *s;
    size_t n, cap;
    bool failed; /* an allocation failed: the text is incomplete */
} vemt_strbuf;

/** Append printf-style text. */
void vemt_sb_printf(vemt_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Append text with XML's five special characters escaped, and every
 * character XML 1.0 does not allow (control characters other than tab,
 * newline and carriage return) and every byte of invalid UTF-8 replaced
 * by U+FFFD, so the document is always well-formed. */
void vemt_sb_xml(vemt_strbuf *b, const char *text);

/** Take the text (caller frees with vemt_free()), or NULL after a failed
 * allocation; the buffer is reset. */
char *vemt_sb_take(vemt_strbuf *b);

#endif /* VEMT_OUTPUTS_STRBUF_H */
