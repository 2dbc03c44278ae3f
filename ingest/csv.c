/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file csv.c
 * @brief RFC 4180 tokenizer (quoted fields, doubled quotes, embedded
 * delimiters and newlines, CRLF or LF, BOM, delimiter detection).
 */
#include "ingest/csv.h"

#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"

struct vemt_csv {
    const char *data;
    size_t size;
    size_t pos;
    char delim;
    long line; /* physical line of pos */
    long row;
    char *buf; /* unquoted field bytes of the current record */
    size_t buf_cap;
    size_t *offs; /* start of each field in buf */
    const char **fields;
    size_t fields_cap;
    size_t len;              /* bytes of buf in use by the current record */
    unsigned char stop[256]; /* bytes that end a run of plain field bytes */
};

/* Choose the delimiter that occurs most often outside quotes on the first
 * line; ',' when none does. */
static char detect_delimiter(const char *p, size_t n) {
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n && (quoted || (p[i] != '\n' && p[i] != '\r'));
         i++) {
        if (p[i] == '"') quoted = !quoted;
        if (quoted) continue;
        comma += p[i] == ',';
        semi += p[i] == ';';
        tab += p[i] == '\t';
    }
    if (tab > comma && tab >= semi) return '\t';
    if (semi > comma) return ';';
    return ',';
}

static vemt_status create(const char *data, size_t size, size_t from,
                          char delim, vemt_csv **out) {
    *out = NULL;
    vemt_csv *c = vemt_calloc(1, sizeof *c);
    if (!c) return VEMT_E_NOMEM;
    c->data = data;
    c->size = size;
    c->pos = from;
    if (!from && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) c->pos = 3;
    c->delim = delim ? delim : detect_delimiter(data + c->pos, size - c->pos);
    c->line = 1;
    const unsigned char stops[] = {(unsigned char)c->delim, '\n', '\r', '"',
                                   '\0'};
    for (size_t i = 0; i < sizeof stops; i++) c->stop[stops[i]] = 1;
    *out = c;
    return VEMT_OK;
}

vemt_status vemt_csv_create(const char *data, size_t size, char delim,
                            vemt_csv **out) {
    return create(data, size, 0, delim, out);
}

vemt_status vemt_csv_create_at(const char *data, size_t size, size_t from,
                               char delim, vemt_csv **out) {
    return create(data, size, from, delim, out);
}

void vemt_csv_destroy(vemt_csv *csv) {
    if (!csv) return;
    vemt_free(csv->buf);
    vemt_free(csv->offs);
    vemt_free(csv->fields);
    vemt_free(csv);
}

char vemt_csv_delimiter(const vemt_csv *csv) { return csv->delim; }

size_t vemt_csv_offset(const vemt_csv *csv) { return csv->pos; }

long vemt_csv_rows(const vemt_csv *csv) { return csv->row; }

long vemt_csv_line(const vemt_csv *csv) { return csv->line; }

/* Make room for need bytes in buf. */
static int reserve_bytes(vemt_csv *c, size_t need) {
    return need <= c->buf_cap
               ? 0
               : vemt_grow((void **)&c->buf, &c->buf_cap, need, 1);
}

/* Make room for nfields + 1 field offsets. */
static int reserve_fields(vemt_csv *c, size_t nfields) {
    if (nfields + 1 <= c->fields_cap) return 0;
    size_t cap = c->fields_cap;
    if (vemt_grow((void **)&c->offs, &cap, nfields + 1, sizeof *c->offs))
        return -1;
    cap = c->fields_cap;
    if (vemt_grow((void **)&c->fields, &cap, nfields + 1, sizeof *c->fields))
        return -1;
    c->fields_cap = cap;
    return 0;
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n) {
    unsigned char b = p[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2, min = 0x80, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF)
        len = 3, min = 0x800, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4)
        len = 4, min = 0x10000, cp = b & 0x07;
    else
        return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* Whether any of n bytes is outside ASCII, eight bytes a step. */
static bool any_high_byte(const char *p, size_t n) {
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++) acc |= (unsigned char)p[i];
    return acc & 0x8080808080808080ULL;
}

/* First field (1-based) holding invalid UTF-8, or 0. */
static int invalid_utf8_field(const vemt_csv *c, size_t nfields) {
    if (!any_high_byte(c->buf, c->len)) return 0; /* ASCII is valid */
    for (size_t f = 0; f < nfields; f++) {
        const unsigned char *p = (const unsigned char *)c->fields[f];
        size_t n = strlen(c->fields[f]);
        for (size_t i = 0; i < n;) {
            size_t k = utf8_len(p + i, n - i);
            if (!k) return (int)f + 1;
            i += k;
        }
    }
    return 0;
}

static void set_bad(vemt_csv_record *rec, vemt_status code, int column,
                    const char *why) {
    if (rec->bad) return; /* keep the first problem */
    rec->bad = code;
    rec->bad_column = column;
    rec->bad_why = why;
}

/* Skip blank lines before a record, counting them. */
static void skip_blank(vemt_csv *c) {
    while (c->pos < c->size) {
        char ch = c->data[c->pos];
        if (ch == '\n') {
            c->line++;
            c->pos++;
        } else if (ch == '\r') {
            c->pos++;
        } else {
            break;
        }
    }
}

/* End of the physical line that starts at from (index of '\n' or size). */
static size_t line_end(const vemt_csv *c, size_t from) {
    const char *nl = memchr(c->data + from, '\n', c->size - from);
    return nl ? (size_t)(nl - c->data) : c->size;
}

/* Tokenize one record starting at c->pos; returns -1 on allocation
 * failure. Leaves c->pos after the record's line terminator. */
static int scan_record(vemt_csv *c, vemt_csv_record *rec, size_t *nfields,
                       size_t *end) {
    size_t len = 0, nf = 0, start = c->pos;
    long line = c->line;
    /* Unquoting only shrinks a field, so a physical line's worth of buffer
     * (plus its terminating NUL) is enough until a quoted newline. */
    if (reserve_fields(c, 0) ||
        reserve_bytes(c, line_end(c, c->pos) - c->pos + 2))
        return -1;
    c->offs[0] = 0;
    size_t i = c->pos;
    bool at_start = true, quoted = false, closed = false;
    for (;;) {
        if (i >= c->size) {
            if (quoted) {
                /* Unclosed quote: the record is its first physical line. */
                set_bad(rec, VEMT_E_CSV_QUOTE, (int)nf + 1,
                        "quoted field is never closed");
                *end = line_end(c, start);
                c->line = line + 1;
                c->pos = *end < c->size ? *end + 1 : c->size;
                nf++;
                break;
            }
            *end = c->size;
            c->pos = c->size;
            nf++;
            break;
        }
        if (!quoted && !closed) {
            /* The run of plain bytes of an unquoted field, copied in one
             * tight loop: most of a file is such runs. */
            size_t j = i;
            while (j < c->size && !c->stop[(unsigned char)c->data[j]])
                c->buf[len++] = c->data[j++];
            if (j > i) at_start = false;
            i = j;
            if (i >= c->size) continue;
        }
        char ch = c->data[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < c->size && c->data[i + 1] == '"') {
                    i++;
                } else {
                    quoted = false;
                    closed = true;
                    i++;
                    continue;
                }
            } else if (ch == '\n') {
                c->line++;
                if (reserve_bytes(c, len + line_end(c, i + 1) - i + 2))
                    return -1;
            }
        } else if (ch == c->delim || ch == '\n' || ch == '\r') {
            nf++;
            if (ch == c->delim) {
                if (reserve_fields(c, nf)) return -1;
                c->buf[len++] = '\0';
                c->offs[nf] = len;
                at_start = true;
                closed = false;
                i++;
                continue;
            }
            *end = i;
            if (ch == '\r') i++;
            if (i < c->size && c->data[i] == '\n') i++;
            c->line++;
            c->pos = i;
            break;
        } else if (ch == '"' && at_start) {
            quoted = true;
            at_start = false;
            i++;
            continue;
        } else if (closed) {
            set_bad(rec, VEMT_E_CSV_QUOTE, (int)nf + 1,
                    "text after a closing quote");
        }
        /* A NUL byte would end the field's string early and hide what
         * follows it (found by fuzz_csv): the record is rejected. */
        if (ch == '\0')
            set_bad(rec, VEMT_E_ENCODING, (int)nf + 1, "NUL byte in the data");
        at_start = false;
        c->buf[len++] = ch;
        i++;
    }
    c->buf[len] = '\0';
    c->len = len;
    *nfields = nf;
    rec->line = line;
    return 0;
}

vemt_status vemt_csv_next(vemt_csv *csv, vemt_csv_record *rec) {
    memset(rec, 0, sizeof *rec);
    skip_blank(csv);
    if (csv->pos >= csv->size) {
        rec->eof = true;
        return VEMT_OK;
    }
    size_t start = csv->pos, nf = 0, end = 0;
    if (scan_record(csv, rec, &nf, &end)) return VEMT_E_NOMEM;
    for (size_t f = 0; f < nf; f++) csv->fields[f] = csv->buf + csv->offs[f];
    rec->fields = csv->fields;
    rec->n = nf;
    rec->row = ++csv->row;
    rec->raw = csv->data + start;
    rec->raw_len = end - start;
    rec->packed = csv->buf;
    rec->packed_len = csv->len;
    int bad = invalid_utf8_field(csv, nf);
    if (bad) set_bad(rec, VEMT_E_ENCODING, bad, "invalid UTF-8");
    return VEMT_OK;
}
