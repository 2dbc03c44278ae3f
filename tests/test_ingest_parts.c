/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_ingest_parts.c
 * @brief A CSV read in two parts on two threads gives exactly what one
 * thread gives: the same events, texts, rejects (rows, lines, reasons, raw
 * text), merges and counts, in the same order; whether the second part's
 * guess of a record start held, fell inside a quoted field, or an id
 * occurred in both parts. And texts shared across files keep one offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/test.h"

typedef struct result {
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_status st;
} result;

typedef struct reader {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_postcodes *postcodes;
    vemt_filter *filter;
} reader;

static void reader_open(reader *r, const char *include) {
    vemt_key_origin origin;
    char path[1024];
    memset(r, 0, sizeof *r);
    vemt_ctx_create(1, &r->ctx);
    vemt_pseudo_create(r->ctx, NULL, "parts key", &r->pseudo, &origin);
    snprintf(path, sizeof path, "%s/demo/postcodes.csv", VEMT_FIXTURES);
    vemt_postcodes_load(r->ctx, path, NULL, &r->postcodes);
    if (include) vemt_filter_create(r->ctx, include, NULL, &r->filter);
}

static void reader_close(reader *r) {
    vemt_filter_destroy(r->filter);
    vemt_postcodes_destroy(r->postcodes);
    vemt_pseudo_destroy(r->pseudo);
    vemt_ctx_destroy(r->ctx);
}

static void read_file(reader *r, const char *path, vemt_source_kind kind,
                      int parts, result *out) {
    memset(out, 0, sizeof *out);
    vemt_ingest_opts o = {.pseudo = r->pseudo,
                          .postcodes = r->postcodes,
                          .filter = r->filter,
                          .parts = parts};
    out->src.path = path;
    out->src.kind = kind;
    out->st = vemt_ingest_file(r->ctx, &o, &out->src, 0, &out->events,
                               &out->rejects, &out->merges);
}

static void result_clear(result *r) {
    vemt_events_clear(&r->events);
    vemt_rejects_clear(&r->rejects);
    vemt_merges_clear(&r->merges);
}

/* Equal texts have equal offsets within one events array (the analyses
 * compare categories by offset). */
static bool offsets_canonical(const vemt_events *ev) {
    enum { MAX = 4096 };
    static uint32_t seen[MAX];
    size_t n = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const uint32_t offs[] = {ev->items[i].category, ev->items[i].lsoa,
                                 ev->items[i].placing_authority};
        for (size_t f = 0; f < 3; f++) {
            const char *t = vemt_events_text(ev, offs[f]);
            size_t k = 0;
            while (k < n && strcmp(vemt_events_text(ev, seen[k]), t)) k++;
            if (k < n && seen[k] != offs[f]) return false;
            if (k == n && n < MAX) seen[n++] = offs[f];
        }
    }
    return true;
}

static void same_events(test_state *t_, const vemt_events *a,
                        const vemt_events *b) {
    CHECK_INT_EQ(b->n, a->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        const vemt_event *x = &a->items[i], *y = &b->items[i];
        bool same =
            x->start_utc == y->start_utc && x->end_utc == y->end_utc &&
            x->x == y->x && x->y == y->y && x->source_row == y->source_row &&
            x->source == y->source && x->kind == y->kind &&
            x->precision == y->precision && x->located == y->located &&
            x->in_area == y->in_area &&
            x->time_ambiguous == y->time_ambiguous &&
            x->looked_after == y->looked_after &&
            !strcmp(x->subject_key, y->subject_key) &&
            !strcmp(vemt_events_text(a, x->ref), vemt_events_text(b, y->ref)) &&
            !strcmp(vemt_events_text(a, x->category),
                    vemt_events_text(b, y->category)) &&
            !strcmp(vemt_events_text(a, x->lsoa),
                    vemt_events_text(b, y->lsoa)) &&
            !strcmp(vemt_events_text(a, x->placing_authority),
                    vemt_events_text(b, y->placing_authority));
        if (!same) {
            TEST_FAIL_AT(t_, "event %zu (row %d) differs", i,
                         (int)x->source_row);
            return;
        }
    }
    CHECK(offsets_canonical(b));
}

static void same_rejects(test_state *t_, const vemt_rejects *a,
                         const vemt_rejects *b) {
    CHECK_INT_EQ(b->n, a->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        const vemt_reject *x = &a->items[i], *y = &b->items[i];
        CHECK_INT_EQ(y->err.code, x->err.code);
        CHECK_INT_EQ(y->err.row, x->err.row);
        CHECK_INT_EQ(y->err.line, x->err.line);
        CHECK_INT_EQ(y->err.column, x->err.column);
        CHECK_STR_EQ(y->err.field, x->err.field);
        CHECK_STR_EQ(y->err.msg, x->err.msg);
        CHECK_STR_EQ(y->raw ? y->raw : "", x->raw ? x->raw : "");
    }
}

static void same_merges(test_state *t_, const vemt_merges *a,
                        const vemt_merges *b) {
    CHECK_INT_EQ(b->n, a->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        const vemt_merge *x = &a->items[i], *y = &b->items[i];
        CHECK_INT_EQ(y->kept_row, x->kept_row);
        CHECK_INT_EQ(y->merged_row, x->merged_row);
        CHECK_STR_EQ(y->rule, x->rule);
    }
}

/* Read path with one thread and with two parts; everything must agree.
 * Returns the threads the two-part read counted (1 when it fell back). */
static int compare_parts(test_state *t_, const char *path,
                         vemt_source_kind kind, const char *include) {
    reader r;
    result one, two;
    reader_open(&r, include);
    read_file(&r, path, kind, 1, &one);
    read_file(&r, path, kind, 2, &two);
    CHECK_INT_EQ(one.st, VEMT_OK);
    CHECK_INT_EQ(two.st, VEMT_OK);
    const vemt_source *a = &one.src, *b = &two.src;
    CHECK_INT_EQ(a->threads, 1);
    CHECK_INT_EQ(b->n_read, a->n_read);
    CHECK_INT_EQ(b->n_used, a->n_used);
    CHECK_INT_EQ(b->n_nowhere, a->n_nowhere);
    CHECK_INT_EQ(b->n_merged, a->n_merged);
    CHECK_INT_EQ(b->n_excluded, a->n_excluded);
    CHECK_INT_EQ(b->n_rejected, a->n_rejected);
    CHECK_INT_EQ(b->n_events, a->n_events);
    CHECK(vemt_source_reconciles(b));
    CHECK_STR_EQ(b->sha256, a->sha256);
    CHECK_STR_EQ(b->crs, a->crs);
    CHECK_STR_EQ(b->columns, a->columns);
    CHECK_STR_EQ(b->pipeline, a->pipeline);
    same_events(t_, &one.events, &two.events);
    same_rejects(t_, &one.rejects, &two.rejects);
    same_merges(t_, &one.merges, &two.merges);
    int threads = b->threads;
    result_clear(&one);
    result_clear(&two);
    reader_close(&r);
    return threads;
}

/* The bundled and real files, each split at its middle. */
TEST(fixtures_agree) {
    static const struct {
        const char *file;
        vemt_source_kind kind;
    } files[] = {
        {"demo/incidents.csv", VEMT_SOURCE_INCIDENTS},
        {"demo/missing.csv", VEMT_SOURCE_MISSING},
        {"policeuk/policeuk_street_with_gaps.csv", VEMT_SOURCE_INCIDENTS},
        {"policeuk/merseyside_shoplifting_r_export_head300.csv",
         VEMT_SOURCE_INCIDENTS},
        {"policeuk/lancashire_asb_head300.tab", VEMT_SOURCE_INCIDENTS},
        {"policeuk/nottingham_burglary.csv.gz", VEMT_SOURCE_INCIDENTS},
        {"policeuk/2016-11-cleveland-stop-and-search.csv",
         VEMT_SOURCE_INCIDENTS},
        {"bad/duplicate.csv", VEMT_SOURCE_INCIDENTS},
        {"bad/csv_quote.csv", VEMT_SOURCE_INCIDENTS},
        {"bad/encoding.csv", VEMT_SOURCE_INCIDENTS},
    };
    int joined = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", VEMT_FIXTURES, files[i].file);
        joined += compare_parts(t_, path, files[i].kind, NULL) == 2;
    }
    CHECK(joined >= 5); /* most really were read in two parts */
    char path[1024];
    snprintf(path, sizeof path, "%s/demo/incidents.csv", VEMT_FIXTURES);
    CHECK_INT_EQ(
        compare_parts(t_, path, VEMT_SOURCE_INCIDENTS, "/sexual|grooming/"), 2);
}

static char dir[] = "/tmp/vemt-parts-XXXXXX";

/* Write text to a file in the test's folder; returns its path. */
static const char *write_file(const char *name, const char *text) {
    static char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return path;
    fputs(text, f);
    fclose(f);
    return path;
}

/* An incidents file of n rows with every kind of trouble in both halves:
 * bad dates, bad coordinates, blank ids, an exact duplicate and a
 * conflicting one within the second half, blank lines, CRLF endings, and
 * (quoted) multi-line categories every k-th row when k > 0. */
static char *make_incidents(int n, int k, bool crlf) {
    size_t cap = (size_t)n * 160 + 256, len = 0;
    char *s = malloc(cap);
    const char *eol = crlf ? "\r\n" : "\n";
    static const char *cats[] = {"violence", "sexual-offence", "drugs",
                                 "child-grooming-online"};
    len += (size_t)snprintf(s + len, cap - len,
                            "id,occurred_at,easting,northing,category,"
                            "subject_id%s",
                            eol);
    for (int i = 0; i < n; i++) {
        char id[32], date[40], cat[64];
        snprintf(id, sizeof id, i % 17 == 3 ? "" : "I%05d", i);
        if (i == n - 5) snprintf(id, sizeof id, "I%05d", n - 20); /* conflict */
        snprintf(date, sizeof date,
                 i % 23 == 7 ? "2024-02-30" : "2024-%02d-%02dT1%d:00:00Z",
                 1 + i % 12, 1 + i % 28, i % 10);
        if (k > 0 && i % k == 0)
            snprintf(cat, sizeof cat, "\"%s,\nline two\"", cats[i % 4]);
        else
            snprintf(cat, sizeof cat, "%s", cats[i % 4]);
        const char *east = i % 29 == 11 ? "n/a" : "454000.5";
        len += (size_t)snprintf(s + len, cap - len, "%s,%s,%s,%d.25,%s,%s%s",
                                id, date, east, 517000 + i, cat,
                                i % 3 ? "C0001" : "", eol);
        if (i == n - 10) /* an exact duplicate of the row before */
            len += (size_t)snprintf(s + len, cap - len,
                                    "%s,%s,%s,%d.25,%s,%s%s", id, date, east,
                                    517000 + i, cat, i % 3 ? "C0001" : "", eol);
        if (i % 50 == 25)
            len += (size_t)snprintf(s + len, cap - len, "%s", eol);
    }
    return s;
}

/* Made files: the guess holds for plain rows; with quoted line breaks it
 * sometimes falls inside a field, and the read falls back to one thread. */
TEST(made_files_agree) {
    int joined = 0, fell_back = 0;
    for (int n = 200; n < 240; n++) {
        char *text = make_incidents(n, n % 2 ? 1 : 0, n % 3 == 0);
        const char *path = write_file("made.csv", text);
        int threads = compare_parts(t_, path, VEMT_SOURCE_INCIDENTS, NULL);
        joined += threads == 2;
        fell_back += threads == 1;
        free(text);
    }
    CHECK(joined > 0);
    CHECK(fell_back > 0);
}

/* A file exported twice over: every id of the second half is in the first,
 * so the second part's work is dropped and the merges are the one-thread
 * merges. */
TEST(ids_in_both_parts_fall_back) {
    char *text = make_incidents(300, 0, false);
    size_t n = strlen(text);
    const char *nl = strchr(text, '\n');
    size_t head = (size_t)(nl - text) + 1;
    char *twice = malloc(2 * n);
    memcpy(twice, text, n);
    memcpy(twice + n, text + head, n - head + 1);
    const char *path = write_file("twice.csv", twice);
    CHECK_INT_EQ(compare_parts(t_, path, VEMT_SOURCE_INCIDENTS, NULL), 1);
    free(text);
    free(twice);
}

/* Two files read into one events array with one text index: a category in
 * both has one offset (trends per category compare offsets). */
TEST(texts_shared_across_files) {
    reader r;
    reader_open(&r, NULL);
    vemt_text_index *texts;
    CHECK_INT_EQ(vemt_text_index_create(&texts), VEMT_OK);
    vemt_events ev = {0};
    vemt_rejects rj = {0};
    vemt_merges mg = {0};
    vemt_ingest_opts o = {.pseudo = r.pseudo, .texts = texts, .parts = 2};
    const char *names[] = {"a.csv", "b.csv"};
    for (int f = 0; f < 2; f++) {
        char *text = make_incidents(120 + f, 0, false);
        vemt_source s = {.path = write_file(names[f], text),
                         .kind = VEMT_SOURCE_INCIDENTS};
        CHECK_INT_EQ(vemt_ingest_file(r.ctx, &o, &s, f, &ev, &rj, &mg),
                     VEMT_OK);
        free(text);
    }
    CHECK(ev.n > 200);
    CHECK(offsets_canonical(&ev));
    vemt_events_clear(&ev);
    vemt_rejects_clear(&rj);
    vemt_merges_clear(&mg);
    vemt_text_index_destroy(texts);
    reader_close(&r);
}

TEST_SUITE(ingest_parts) {
    CHECK(mkdtemp(dir) != NULL);
    RUN(fixtures_agree);
    RUN(made_files_agree);
    RUN(ids_in_both_parts_fall_back);
    RUN(texts_shared_across_files);
    const char *files[] = {"made.csv", "twice.csv", "a.csv", "b.csv"};
    for (size_t i = 0; i < 4; i++) {
        char p[1100];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}
