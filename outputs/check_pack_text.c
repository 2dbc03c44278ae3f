/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_pack_text.c
 * @brief The board pack's text, checked: each CSV table byte for byte
 * against the manifest (RFC 4180), the manifest's words and the PDF's
 * (read with poppler-glib): counts in words, street text, and numbers the
 * manifest does not hold.
 */
#include <ctype.h>
#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/alloc.h"
#include "outputs/check_pack.h"

/* ---- CSV (RFC 4180, Shafranovich 2005) ----
 * A strict reader of its own: the checker must see the bytes as written
 * (byte order mark, CRLF, quoting), which GDAL's CSV reader hides and
 * ingest's tokenizer (lenient by design, and in a layer outputs may not
 * call) forgives. */

typedef enum csv_end {
    CSV_FIELD,  /* a comma followed */
    CSV_RECORD, /* a line end followed */
    CSV_LAST,   /* the file ended */
    CSV_BAD     /* a quote out of place, or an unterminated quoted field */
} csv_end;

typedef struct csv_reader {
    const char *p, *end;
    char *field; /* the last field read, NUL-terminated */
    size_t n, cap;
    bool bare_eol; /* a line end other than CRLF was seen */
    bool nomem;
} csv_reader;

static void put(csv_reader *r, char ch) {
    if (vemt_grow((void **)&r->field, &r->cap, r->n + 2, 1)) {
        r->nomem = true;
        return;
    }
    r->field[r->n++] = ch;
}

/* The next field into r->field, and what ended it. */
static csv_end csv_field(csv_reader *r) {
    r->n = 0;
    if (r->p < r->end && *r->p == '"') {
        for (r->p++;; r->p++) {
            if (r->p >= r->end) return CSV_BAD;
            if (*r->p == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    r->p++;
                } else {
                    r->p++;
                    break;
                }
            }
            put(r, *r->p);
        }
    } else {
        for (; r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n';
             r->p++) {
            if (*r->p == '"') return CSV_BAD;
            put(r, *r->p);
        }
    }
    if (r->nomem) return CSV_BAD;
    if (r->field) r->field[r->n] = '\0';
    if (r->p >= r->end) return CSV_LAST;
    char ch = *r->p++;
    if (ch == ',') return CSV_FIELD;
    if (ch == '\r' && r->p < r->end && *r->p == '\n') {
        r->p++;
        return CSV_RECORD;
    }
    if (ch == '\r' || ch == '\n') {
        r->bare_eol = true;
        return CSV_RECORD;
    }
    return CSV_BAD; /* text after a closing quote */
}

/* The manifest's text of record k (0: the header), column j, or NULL. */
static const char *expected(const char *const *columns, size_t n,
                            json_object *rows, size_t k, size_t j) {
    if (j >= n) return NULL;
    if (k == 0) return columns[j];
    json_object *row = json_object_array_get_idx(rows, k - 1);
    json_object *cell = json_object_is_type(row, json_type_array)
                            ? json_object_array_get_idx(row, j)
                            : NULL;
    return json_object_is_type(cell, json_type_string)
               ? json_object_get_string(cell)
               : NULL;
}

void vemt_check_pack_csv(vemt_pack_check *pc, const char *rel,
                         const char *const *columns, size_t n,
                         json_object *rows) {
    vemt_checker *c = pc->c;
    char path[4096];
    vemt_check_pack_path(pc, rel, path, sizeof path);
    size_t size = 0;
    char *bytes = vemt_check_read_file(c, path, &size);
    if (!bytes) {
        if (c->nomem) return;
        vemt_check_pack_missing(pc, rel);
        return;
    }
    csv_reader r = {.p = bytes, .end = bytes + size};
    if (size >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3))
        r.p += 3;
    else
        vemt_check_problem(c, "CSV files without the UTF-8 byte order mark",
                           "%s%s", pc->label, rel);
    size_t n_rows = json_object_array_length(rows), k = 0;
    bool differ = false, bad = false;
    /* Each record; k counts them, the header first. */
    for (; r.p < r.end && !bad; k++) {
        size_t j = 0;
        csv_end e;
        do {
            e = csv_field(&r);
            if (e == CSV_BAD) {
                bad = true;
                break;
            }
            const char *want = expected(columns, n, rows, k, j);
            if (!differ &&
                (k > n_rows || !want || strcmp(r.field ? r.field : "", want))) {
                differ = true;
                vemt_check_problem(c, "CSV files that differ from the manifest",
                                   "%s%s row %zu column %zu%s%s", pc->label,
                                   rel, k + 1, j + 1, j < n ? " " : "",
                                   j < n ? columns[j] : "");
            }
            j++;
        } while (e == CSV_FIELD);
        if (!bad && !differ && k <= n_rows && j < n) {
            differ = true;
            vemt_check_problem(c, "CSV files that differ from the manifest",
                               "%s%s row %zu: %zu columns, the manifest %zu",
                               pc->label, rel, k + 1, j, n);
        }
    }
    if (r.nomem) c->nomem = true;
    if (bad && !r.nomem)
        vemt_check_problem(c, "CSV files that are not RFC 4180",
                           "%s%s row %zu: a quote out of place", pc->label, rel,
                           k);
    if (r.bare_eol)
        vemt_check_problem(c,
                           "CSV files with line ends other than CRLF "
                           "(RFC 4180)",
                           "%s%s", pc->label, rel);
    if (!bad && !differ && k != n_rows + 1)
        vemt_check_problem(c, "CSV files that differ from the manifest",
                           "%s%s: %zu rows, the manifest %zu", pc->label, rel,
                           k ? k - 1 : 0, n_rows);
    vemt_free(r.field);
    vemt_free(bytes);
}

/* ---- Words ---- */

/* The nouns a count is of: a number directly before one is a count. */
static const char count_nouns[][14] = {
    "young people", "events",   "event",    "incidents", "incident",
    "crimes",       "crime",    "offences", "offence",   "episodes",
    "episode",      "children", "child",    "people",    "persons",
    "person",       "records",  "record",   "reports",   "report"};

/* Spaces, line ends, and the no-break and thin spaces pango may set. */
static size_t space_at(const char *p) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') return 1;
    if (!strncmp(p, "\xC2\xA0", 2)) return 2;
    if (!strncmp(p, "\xE2\x80\xAF", 3) || !strncmp(p, "\xE2\x80\x89", 3))
        return 3;
    return 0;
}

static const char *skip_space(const char *p) {
    for (size_t k; (k = space_at(p)) > 0;) p += k;
    return p;
}

/* The count noun at p (its length), or 0. "young people" may break. */
static size_t noun_at(const char *p) {
    for (size_t i = 0; i < sizeof count_nouns / sizeof *count_nouns; i++) {
        const char *w = count_nouns[i], *q = p;
        while (*w) {
            if (*w == ' ') {
                const char *s = skip_space(q);
                if (s == q) break;
                q = s;
                w++;
            } else if (tolower((unsigned char)*q) == *w) {
                q++;
                w++;
            } else {
                break;
            }
        }
        if (!*w && !isalpha((unsigned char)*q)) return (size_t)(q - p);
    }
    return 0;
}

/* p (in text) is the month of an ISO 8601 year-month ("2025-05", a
 * chart's axis label): not a count whatever follows it. */
static bool iso_month_at(const char *text, const char *p) {
    if (p - text < 5 || p[-1] != '-') return false;
    for (int k = 2; k <= 5; k++)
        if (!isdigit((unsigned char)p[-k])) return false;
    return p - text == 5 || !isdigit((unsigned char)p[-6]);
}

/* p (in text) is the week of an ISO 8601 week label ("2024-W17"). */
static bool iso_week_at(const char *text, const char *p) {
    if (p - text < 6 || p[-1] != 'W' || p[-2] != '-') return false;
    for (int k = 3; k <= 6; k++)
        if (!isdigit((unsigned char)p[-k])) return false;
    return true;
}

static const char *page_number(const char *text, const char *p,
                               const char *end);

/* "per km²" (or "per km2", "per square ...") from p's spaces: the number
 * before the noun is a density, not a count. */
static bool density_at(const char *p) {
    p = skip_space(p);
    if (strncasecmp(p, "per", 3) || !space_at(p + 3)) return false;
    p = skip_space(p + 3);
    return !strncasecmp(p, "km", 2) || !strncasecmp(p, "square", 6);
}

/* A number from p (a digit): digits, groups of ",ddd", a fraction. */
static const char *number_end(const char *p) {
    while (isdigit((unsigned char)*p)) p++;
    while (p[0] == ',' && isdigit((unsigned char)p[1]) &&
           isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
           !isdigit((unsigned char)p[4]))
        p += 4;
    if (p[0] == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p); p++) continue;
    return p;
}

/* Its value, the group commas dropped; NaN when it is too long. */
static double number_value(const char *p, const char *end) {
    char buf[48];
    size_t k = 0;
    for (; p < end; p++) {
        if (*p == ',') continue;
        if (k + 1 >= sizeof buf) return (double)NAN;
        buf[k++] = *p;
    }
    buf[k] = '\0';
    return strtod(buf, NULL);
}

/* "on or near", whatever the case and the spaces between. */
static bool street_at(const char *p) {
    static const char words[][5] = {"on", "or", "near"};
    if (p[0] != 'o' && p[0] != 'O') return false;
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(words[i]);
        if (strncasecmp(p, words[i], k)) return false;
        p += k;
        if (i < 2) {
            const char *s = skip_space(p);
            if (s == p) return false;
            p = s;
        }
    }
    return !isalpha((unsigned char)*p);
}

/* What one text says: counts before a count noun (rule 5a; a density,
 * "3.3 events per km²", is not a count) and street text (5b); each number
 * into pc->numbers when collect. where names the text. */
static void check_words(vemt_pack_check *pc, const char *where,
                        const char *text, bool collect) {
    vemt_checker *c = pc->c;
    for (const char *p = text; *p; p++) {
        bool word_start = p == text || !isalpha((unsigned char)p[-1]);
        if (word_start && street_at(p)) {
            vemt_check_problem(c,
                               "street text (police.uk's \"On or near\") in "
                               "the pack",
                               "%s", where);
            continue;
        }
        if (!isdigit((unsigned char)*p)) continue;
        const char *end = number_end(p);
        double v = number_value(p, end);
        if (collect && isfinite(v)) {
            if (vemt_grow((void **)&pc->numbers, &pc->cap_numbers,
                          pc->n_numbers + 1, sizeof *pc->numbers))
                c->nomem = true;
            else
                pc->numbers[pc->n_numbers++] = v;
        }
        /* "Page 5 of 8" then the next line's "Events over time". */
        const char *page = page_number(text, p, end);
        if (page) {
            p = page - 1;
            continue;
        }
        size_t noun = noun_at(skip_space(end));
        if (noun && !iso_month_at(text, p) && !iso_week_at(text, p) &&
            !density_at(skip_space(end) + noun) &&
            !vemt_check_count_ok(c->rules, v)) {
            const char *w = skip_space(end);
            char what[160];
            vemt_check_problem(
                c,
                vemt_check_count_rule(c->rules, "counts in the pack's words",
                                      NULL, what, sizeof what),
                "%s: '%.*s %.*s'", where, (int)(end - p), p, (int)noun, w);
        }
        p = end - 1;
    }
}

/* Every string (and number) under v; path names it. */
static void walk(vemt_pack_check *pc, json_object *v, const char *path) {
    char where[512];
    switch (json_object_get_type(v)) {
        case json_type_object: {
            json_object_object_foreach(v, key, child) {
                snprintf(where, sizeof where, "%s%s%s", path,
                         path[0] ? "." : "", key);
                walk(pc, child, where);
            }
            break;
        }
        case json_type_array: {
            size_t n = json_object_array_length(v);
            for (size_t i = 0; i < n; i++) {
                snprintf(where, sizeof where, "%s[%zu]", path, i);
                walk(pc, json_object_array_get_idx(v, i), where);
            }
            break;
        }
        case json_type_string:
            snprintf(where, sizeof where, "%s" VEMT_PACK_MANIFEST " %s",
                     pc->label, path);
            check_words(pc, where, json_object_get_string(v), true);
            break;
        case json_type_int:
        case json_type_double:
            if (vemt_grow((void **)&pc->numbers, &pc->cap_numbers,
                          pc->n_numbers + 1, sizeof *pc->numbers))
                pc->c->nomem = true;
            else
                pc->numbers[pc->n_numbers++] = fabs(json_object_get_double(v));
            break;
        default:
            break;
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void vemt_check_pack_words(vemt_pack_check *pc) {
    walk(pc, pc->root, "");
    if (pc->n_numbers)
        qsort(pc->numbers, pc->n_numbers, sizeof *pc->numbers, cmp_double);
}

/* ---- The PDF ---- */

static bool manifest_has(const vemt_pack_check *pc, double v) {
    return bsearch(&v, pc->numbers, pc->n_numbers, sizeof *pc->numbers,
                   cmp_double) != NULL;
}

/* "Page N of M" or "N / M" from p (N's first digit): the end of M, or
 * NULL. */
static const char *page_number(const char *text, const char *p,
                               const char *end) {
    const char *q = p;
    while (q > text && space_at(q - 1) == 1) q--;
    bool page = q - text >= 4 && !strncasecmp(q - 4, "page", 4) &&
                (q - text == 4 || !isalpha((unsigned char)q[-5])) && q < p;
    const char *s = skip_space(end);
    if (page && !strncasecmp(s, "of", 2) && space_at(s + 2)) {
        s = skip_space(s + 2);
        return isdigit((unsigned char)*s) ? number_end(s) : end;
    }
    if (page) return end;
    if (*s == '/' && s > end && s[1] == ' ') {
        s = skip_space(s + 1);
        if (isdigit((unsigned char)*s)) return number_end(s);
    }
    return NULL;
}

/* Rule 5c: every number of the PDF's text is one of the manifest's, but
 * page numbers, the years 1990 to 2100 and the months of ISO year-months
 * (a chart's axis labels "2024-01"): dates, not data. */
static void check_pdf_numbers(vemt_pack_check *pc, int page, const char *text) {
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p)) continue;
        const char *end = number_end(p), *skip = page_number(text, p, end);
        if (skip) {
            p = skip - 1;
            continue;
        }
        double v = number_value(p, end);
        bool year = end - p == 4 && v >= 1990 && v <= 2100;
        if (!year && !iso_month_at(text, p) && !manifest_has(pc, v))
            vemt_check_problem(pc->c,
                               "numbers in the PDF that the manifest does not "
                               "hold",
                               "%s" VEMT_PACK_PDF " page %d: '%.*s'", pc->label,
                               page, (int)(end - p), p);
        p = end - 1;
    }
}

/* The page's text with a space where two glyphs of a line stand apart:
 * poppler_page_get_text() joins words drawn apart on one line (a table's
 * "452000_523200" and its count "0" come out as "452000_5232000"), so the
 * glyphs' boxes (poppler_page_get_text_layout(), one per character of the
 * text) put the gap back. Caller frees with vemt_free(); NULL when memory
 * runs out. */
static char *spaced_text(PopplerPage *page, const char *text) {
    PopplerRectangle *r = NULL;
    guint n = 0;
    size_t len = strlen(text);
    char *out = vemt_malloc(2 * len + 1), *o = out;
    if (!out) return NULL;
    bool boxes = poppler_page_get_text_layout(page, &r, &n) &&
                 (glong)n == g_utf8_strlen(text, -1);
    guint i = 0;
    bool after_space = true;
    for (const char *p = text; *p; p = g_utf8_next_char(p), i++) {
        bool space = space_at(p) > 0;
        if (boxes && !space && !after_space) {
            const PopplerRectangle *a = &r[i - 1], *b = &r[i];
            double h = b->y2 - b->y1;
            /* The same line, and a gap wider than a fifth of the glyphs'
             * height (a word space in DejaVu Sans is a third). */
            if (h > 0 && fabs(a->y1 - b->y1) < h / 2 && b->x1 - a->x2 > h / 5)
                *o++ = ' ';
        }
        after_space = space;
        size_t k = (size_t)(g_utf8_next_char(p) - p);
        memcpy(o, p, k);
        o += k;
    }
    *o = '\0';
    g_free(r);
    return out;
}

void vemt_check_pack_pdf(vemt_pack_check *pc) {
    vemt_checker *c = pc->c;
    char path[4096];
    vemt_check_pack_path(pc, VEMT_PACK_PDF, path, sizeof path);
    gchar *abs = g_canonicalize_filename(path, NULL);
    GError *err = NULL;
    gchar *uri = abs ? g_filename_to_uri(abs, NULL, &err) : NULL;
    PopplerDocument *doc =
        uri ? poppler_document_new_from_file(uri, NULL, &err) : NULL;
    g_free(uri);
    g_free(abs);
    if (!doc) {
        vemt_check_problem(c, "packs without a readable PDF",
                           "%s" VEMT_PACK_PDF ": %s", pc->label,
                           err ? err->message : "can't be opened");
        if (err) g_error_free(err);
        return;
    }
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n && pc->shared; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        char *spaced = text ? spaced_text(page, text) : NULL;
        if (text && !spaced) c->nomem = true;
        if (spaced) {
            char where[300];
            snprintf(where, sizeof where, "%s" VEMT_PACK_PDF " page %d",
                     pc->label, i + 1);
            check_words(pc, where, spaced, false);
            check_pdf_numbers(pc, i + 1, spaced);
        }
        vemt_free(spaced);
        g_free(text);
        if (page) g_object_unref(page);
    }
    g_object_unref(doc);
}
