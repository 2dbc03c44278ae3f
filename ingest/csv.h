/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file csv.h
 * @brief RFC 4180 tokenizer: bytes -> fields, tracking line, row and column
 * (private to ingest/; tests include it).
 */
#ifndef VEMT_INGEST_CSV_H
#define VEMT_INGEST_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/vemt.h"

/** A tokenizer over a buffer the caller keeps alive. */
typedef struct vemt_csv vemt_csv;

/** One record. Fields are NUL-terminated, unquoted copies. Borrowed; valid
 * until the next vemt_csv_next() or vemt_csv_destroy(). */
typedef struct vemt_csv_record {
    const char **fields;
    size_t n;        /* number of fields; 0 with eof at the end */
    bool eof;        /* no more records */
    long line;       /* physical line where the record starts (1-based) */
    long row;        /* record number, header = 1 (blank lines skipped) */
    const char *raw; /* the record's bytes in the buffer, without EOL */
    size_t raw_len;
    const char *packed;  /* the fields back to back, each ending in NUL, or
                            NULL (rows read through OGR) */
    size_t packed_len;   /* bytes of packed */
    vemt_status bad;     /* VEMT_OK, VEMT_E_CSV_QUOTE or VEMT_E_ENCODING */
    int bad_column;      /* 1-based field where bad was found, 0 if n/a */
    const char *bad_why; /* static text: what is wrong */
} vemt_csv_record;

/** Tokenize data[0..size). A UTF-8 byte-order mark is skipped. delim 0
 * detects ',', ';' or tab from the first line. Caller owns *out; free with
 * vemt_csv_destroy(). Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_csv_create(const char *data, size_t size, char delim,
                            vemt_csv **out);

/** Tokenize data[from..size) as if a record started at from (no BOM, no
 * header): its rows and lines count from 1 there, so that a second thread
 * can read the second half of a file. delim must be the file's. */
vemt_status vemt_csv_create_at(const char *data, size_t size, size_t from,
                               char delim, vemt_csv **out);

/** Free the tokenizer; NULL is a no-op. */
void vemt_csv_destroy(vemt_csv *csv);

/** The delimiter in use. */
char vemt_csv_delimiter(const vemt_csv *csv);

/** Bytes consumed so far (for progress). */
size_t vemt_csv_offset(const vemt_csv *csv);

/** Records returned so far (the header included). */
long vemt_csv_rows(const vemt_csv *csv);

/** Physical line at the current offset (1-based). */
long vemt_csv_line(const vemt_csv *csv);

/** Read the next record into *rec. A malformed record still returns VEMT_OK
 * with rec->bad set; after an unclosed quote the tokenizer resumes on the
 * next physical line, so one stray quote cannot swallow the rest of the
 * file. Returns VEMT_E_NOMEM only. */
vemt_status vemt_csv_next(vemt_csv *csv, vemt_csv_record *rec);

#endif /* VEMT_INGEST_CSV_H */
