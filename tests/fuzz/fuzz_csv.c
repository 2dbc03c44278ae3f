/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file fuzz_csv.c
 * @brief Fuzz target: raw bytes through the RFC 4180 tokenizer
 * (vemt_csv_create, vemt_csv_next until eof), touching every field and
 * checking what csv.h promises about each record.
 */
#include <stdbool.h>
#include <string.h>

#include "ingest/csv.h"
#include "tests/fuzz/fuzz.h"

/* Touch every byte of every field so that ASan sees any bad read. */
static size_t touch_fields(const vemt_csv_record *rec) {
    size_t sum = 0;
    for (size_t f = 0; f < rec->n; f++) {
        FUZZ_CHECK(rec->fields[f] != NULL);
        const unsigned char *p = (const unsigned char *)rec->fields[f];
        for (size_t i = 0; p[i]; i++) sum += p[i];
    }
    return sum;
}

/* Well-formed UTF-8 (Unicode Table 3-7), written independently of csv.c. */
static bool valid_utf8(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned b = p[i], lo = 0x80, hi = 0xBF;
        size_t len;
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF)
            len = 2;
        else if (b >= 0xE0 && b <= 0xEF)
            len = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        else if (b >= 0xF0 && b <= 0xF4)
            len = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        else
            return false;
        if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
        for (size_t k = 2; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

static void check_record(const vemt_csv_record *rec, const char *data,
                         size_t size) {
    FUZZ_CHECK(rec->n >= 1);
    FUZZ_CHECK(rec->raw >= data && rec->raw <= data + size);
    FUZZ_CHECK(rec->raw_len <= (size_t)(data + size - rec->raw));
    FUZZ_CHECK(rec->bad == VEMT_OK || rec->bad == VEMT_E_CSV_QUOTE ||
               rec->bad == VEMT_E_ENCODING);
    if (rec->bad) {
        FUZZ_CHECK(rec->bad_why && rec->bad_why[0]);
        FUZZ_CHECK(rec->bad_column >= 1 && (size_t)rec->bad_column <= rec->n);
    } else {
        FUZZ_CHECK(rec->bad_column == 0);
        /* A record that passed is valid UTF-8 (VEMT_E_ENCODING otherwise);
         * its delimiters, quotes and line ends are ASCII, so the raw bytes
         * must be too. */
        FUZZ_CHECK(valid_utf8((const unsigned char *)rec->raw, rec->raw_len));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* An exact-size copy: the tokenizer may read data[0..size) only. */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    if (size) memcpy(buf, data, size);
    vemt_csv *csv = NULL;
    FUZZ_CHECK(vemt_csv_create(buf, size, 0, &csv) == VEMT_OK);
    char d = vemt_csv_delimiter(csv);
    FUZZ_CHECK(d == ',' || d == ';' || d == '\t');
    vemt_csv_record rec;
    long row = 0, line = 0;
    size_t offset = vemt_csv_offset(csv), records = 0;
    volatile size_t sink = 0;
    for (;;) {
        FUZZ_CHECK(vemt_csv_next(csv, &rec) == VEMT_OK);
        if (rec.eof) break;
        check_record(&rec, buf, size);
        FUZZ_CHECK(rec.row == row + 1); /* rows count up from the header */
        FUZZ_CHECK(rec.line > line);    /* each record starts a new line */
        row = rec.row;
        line = rec.line;
        size_t now = vemt_csv_offset(csv);
        FUZZ_CHECK(now > offset && now <= size); /* progress, in bounds */
        offset = now;
        FUZZ_CHECK(++records <= size);
        sink += touch_fields(&rec);
    }
    FUZZ_CHECK(rec.n == 0);
    FUZZ_CHECK(vemt_csv_next(csv, &rec) == VEMT_OK && rec.eof); /* stays */
    (void)sink;
    vemt_csv_destroy(csv);
    free(buf);
    return 0;
}
