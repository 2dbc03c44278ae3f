/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file csv_table.h
 * @brief Test helper: a plain CSV file (no quoted fields, as every file of
 * fixtures/ref and fixtures/demo/incidents.csv is) as a table of strings,
 * columns found by header name.
 */
#ifndef VEMT_TESTS_REF_CSV_TABLE_H
#define VEMT_TESTS_REF_CSV_TABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_table {
    char *buf;   /* the file, fields NUL-terminated in place */
    char **cell; /* rows x cols fields, header excluded */
    char **head; /* cols header names */
    size_t rows, cols;
} csv_table;

static inline void csv_table_free(csv_table *t) {
    free(t->buf);
    free(t->cell);
    free(t->head);
    memset(t, 0, sizeof *t);
}

/* Split one line in place at commas into at most max fields. */
static inline size_t csv_split(char *line, char **out, size_t max) {
    size_t k = 0;
    char *p = line;
    while (k < max) {
        out[k++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

/* Load path; returns 0 on success. */
static inline int csv_table_load(const char *path, csv_table *t) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    t->buf = malloc((size_t)len + 1);
    size_t got = t->buf ? fread(t->buf, 1, (size_t)len, f) : 0;
    fclose(f);
    if (!t->buf || got != (size_t)len) return -1;
    t->buf[len] = '\0';
    size_t lines = 0;
    for (long i = 0; i < len; i++) lines += t->buf[i] == '\n';
    char *save = NULL, *line = strtok_r(t->buf, "\r\n", &save);
    if (!line) return -1;
    t->cols = 1;
    for (char *c = line; *c; c++) t->cols += *c == ',';
    t->head = calloc(t->cols, sizeof *t->head);
    t->cell = calloc((lines + 1) * t->cols, sizeof *t->cell);
    if (!t->head || !t->cell) return -1;
    csv_split(line, t->head, t->cols);
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        size_t k = csv_split(line, t->cell + t->rows * t->cols, t->cols);
        for (; k < t->cols; k++)
            t->cell[t->rows * t->cols + k] = line + strlen(line);
        t->rows++;
    }
    return 0;
}

/* Column index of name, or -1. */
static inline int csv_col(const csv_table *t, const char *name) {
    for (size_t c = 0; c < t->cols; c++)
        if (!strcmp(t->head[c], name)) return (int)c;
    return -1;
}

static inline const char *csv_get(const csv_table *t, size_t row, int col) {
    return t->cell[row * t->cols + (size_t)col];
}

#endif /* VEMT_TESTS_REF_CSV_TABLE_H */
