/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_ingest_alloc.c
 * @brief Allocation failures along every path of vemt_ingest_file() and
 * the create paths it reads with (h3 testH3Memory.c; SQLite's anomaly
 * tests). ingest/ and the engine's allocation helpers, record arrays and
 * context (engine/alloc.c, status.c, ctx.c) are compiled into this test
 * with VEMT_ALLOC_TEST, so every allocation of ours is counted, growth
 * through vemt_grow and vemt_strdup included, and allocation number N
 * fails, for N = 1, 2, ...
 *
 * One thread (opts.parts = 1): each failing call returns VEMT_E_NOMEM,
 * unless the failure is one the reader documents as harmless (the memo of
 * pseudonyms just stops growing), and then it gives the reference result.
 * Two parts on two threads (opts.parts = 2): a failure while the second
 * part reads drops that part's work and the first reads on alone, so the
 * call may return VEMT_OK, and then with exactly the one-thread result;
 * else VEMT_E_NOMEM. The threads' allocations interleave differently on
 * every run, so that sweep runs over the count of a failure-free run plus
 * a margin rather than stopping at the first call that completes. Every
 * result is freed with the clear functions, and ASan's leak check (the
 * sanitizer build) finds nothing left behind.
 */
#include <cpl_vsi.h>
#include <gdal.h>
#include <proj.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/alloc_fail.h"
#include "tests/test.h"

/* Calls past a failure-free run's count in the two-part sweep: none of
 * them may see a failure. */
enum { MARGIN = 8 };

typedef struct reader {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_postcodes *postcodes;
    vemt_filter *filter;
} reader;

typedef struct input {
    const char *what;
    const char *path;
    vemt_source_kind kind;
    bool texts;              /* read with a text index of the caller's */
    bool two_parts;          /* also swept read in two parts */
    vemt_status rejected[6]; /* reasons its rows are rejected for, 0-ended */
} input;

typedef struct result {
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_status st;
} result;

static char dir[] = "/tmp/vemt-ingest-alloc-XXXXXX";

/* A result pointer that a create function must reset to NULL. */
static char not_set;

static bool write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

/* Through GDAL's gzip writer, the reader's own gzip reader's peer. */
static bool write_gzip(const char *path, const char *text) {
    char vpath[1200];
    snprintf(vpath, sizeof vpath, "/vsigzip/%s", path);
    VSILFILE *f = VSIFOpenL(vpath, "wb");
    if (!f) return false;
    size_t n = strlen(text);
    bool ok = VSIFWriteL(text, 1, n, f) == n;
    return VSIFCloseL(f) == 0 && ok;
}

/* Append to a growing text; the test's own memory, not counted. */
static void put(char **s, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(char **s, size_t *len, const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *t = realloc(*s, *len + (size_t)k + 1);
    if (!t) abort();
    memcpy(t + *len, line, (size_t)k + 1);
    *s = t;
    *len += (size_t)k;
}

/* Incidents, blocks of eleven rows, every outcome in each block: used with
 * coordinates and by postcode, located nowhere, merged (an exact copy),
 * a conflicting duplicate, a bad date, an unknown postcode, excluded by
 * the filter (drugs), a row of the wrong width, a blank id; quoted fields,
 * repeated subjects for the memo of pseudonyms, LSOA codes. Duplicates sit
 * next to their first row, so both halves of the file keep their own. */
static char *make_incidents(int blocks) {
    char *s = NULL;
    size_t n = 0;
    put(&s, &n,
        "id,occurred_at,easting,northing,postcode,category,"
        "subject_id,lsoa\n");
    for (int b = 0; b < blocks; b++) {
        int d = 1 + b % 28, c = b % 3;
        put(&s, &n, ",2024-04-04T09:00:00Z,454500,517500,,violence,S%d,\n", c);
        for (int copy = 0; copy < 2; copy++) /* the second is merged */
            put(&s, &n,
                "I%03d0,2024-03-%02dT10:00:00Z,454000.5,517%03d.25,,"
                "violence,S%d,E0100000%d\n",
                b, d, b, c, c);
        put(&s, &n, "I%03d1,2024-03-%02d,,,ZZ1 1AA,sexual-offence,S%d,\n", b, d,
            c + 1);
        put(&s, &n, "I%03d1,2024-05-01,454300,517300,,violence,,\n", b);
        put(&s, &n, "I%03d2,2024-03-%02dT11:30:00Z,,,,\"child, grooming\",,\n",
            b, d);
        put(&s, &n, "I%03d3,2024-02-30,454100,517100,,violence,S%d,\n", b, c);
        put(&s, &n, "I%03d4,2024-04-01,,,ZZ9 9ZZ,\"vio\"\"lence\",,\n", b);
        put(&s, &n, "I%03d5,2024-04-02,454200,517200,,drugs,S%d,\n", b, c);
        put(&s, &n, "I%03d7,2024-04-03,454400,517400,,violence,S1,E01,x\n", b);
        put(&s, &n,
            "I%03d9,2024-04-%02dT14:00:00,454600,517600,,sexual-offence,"
            "S%d,E0100000%d\n",
            b, d, c + 2, c);
    }
    return s;
}

/* Missing episodes the same way: found at a lon/lat place (a second CRS),
 * open, by postcode, located nowhere, merged, conflicting, a bad date, a
 * blank child id, returned before missing, found outside the world, an
 * unknown postcode. */
static char *make_missing(int blocks) {
    char *s = NULL;
    size_t n = 0;
    put(&s, &n,
        "episode_id,child_id,missing_at,returned_at,from_easting,"
        "from_northing,from_postcode,found_longitude,found_latitude,"
        "looked_after,placing_authority\n");
    for (int b = 0; b < blocks; b++) {
        int d = 1 + b % 28, c = b % 3;
        put(&s, &n,
            "E%03d9,C%d,2024-01-09T10:00:00Z,2024-01-09T11:00:00Z,469200,"
            "519700,,,,y,Redcar and Cleveland\n",
            b, c + 2);
        for (int copy = 0; copy < 2; copy++)
            put(&s, &n,
                "E%03d0,C%d,2024-01-%02dT15:00:00Z,2024-01-%02dT21:00:00Z,"
                "468361.1,519898.9,,-1.07,54.61,no,Redcar and Cleveland\n",
                b, c, d, d);
        put(&s, &n,
            "E%03d1,C%d,2024-01-%02dT18:00:00Z,,,,ZZ1 2AB,,,yes,"
            "Middlesbrough\n",
            b, c + 1, d);
        put(&s, &n, "E%03d1,C9,2024-02-01T10:00:00Z,,469100,519800,,,,no,\n",
            b);
        put(&s, &n,
            "E%03d2,C%d,2024-01-%02dT19:00:00Z,2024-01-%02dT20:00:00Z,,,,,,"
            "unknown,\n",
            b, c, d, d);
        put(&s, &n, "E%03d3,C%d,2024-13-01T10:00:00Z,,469100,519800,,,,no,\n",
            b, c);
        put(&s, &n, "E%03d4,,2024-01-05T10:00:00Z,,469100,519800,,,,no,\n", b);
        put(&s, &n,
            "E%03d5,C%d,2024-01-06T10:00:00Z,2024-01-05T10:00:00Z,469100,"
            "519800,,,,yes,\"Stockton-on-Tees\"\n",
            b, c);
        put(&s, &n,
            "E%03d7,C%d,2024-01-07T10:00:00Z,2024-01-07T12:00:00Z,469100,"
            "519800,,-200,54.6,no,\n",
            b, c);
        put(&s, &n,
            "E%03d8,C%d,2024-01-08T10:00:00Z,,,,ZZ0 0ZZ,,,no,Hartlepool\n", b,
            c);
    }
    return s;
}

/* A GIS layer (GeoJSON points, read through OGR): used, merged, located
 * nowhere (no geometry), conflicting, a bad date, excluded. */
static const char geojson[] =
    "{\"type\":\"FeatureCollection\",\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G1\",\"occurred_at\":"
    "\"2024-04-01T18:00:00Z\",\"category\":\"violence\",\"subject_id\":"
    "\"S1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.0667,"
    "54.6167]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G1\",\"occurred_at\":"
    "\"2024-04-01T18:00:00Z\",\"category\":\"violence\",\"subject_id\":"
    "\"S1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.0667,"
    "54.6167]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G2\",\"occurred_at\":"
    "\"2024-04-02\",\"category\":\"sexual-offence\",\"subject_id\":null},"
    "\"geometry\":null},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G1\",\"occurred_at\":"
    "\"2024-04-03\",\"category\":\"violence\",\"subject_id\":\"S2\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.07,54.6]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G4\",\"occurred_at\":"
    "\"2024-02-30\",\"category\":\"violence\",\"subject_id\":\"S2\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.07,54.6]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"G5\",\"occurred_at\":"
    "\"2024-04-05\",\"category\":\"drugs\",\"subject_id\":\"S3\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.08,54.61]}}\n"
    "]}\n";

static void postcodes_path(char *path, size_t size) {
    snprintf(path, size, "%s/demo/postcodes.csv", VEMT_FIXTURES);
}

/* Made before any sweep, with nothing failing. */
static bool reader_open(reader *r) {
    vemt_key_origin origin;
    char path[1024];
    memset(r, 0, sizeof *r);
    postcodes_path(path, sizeof path);
    alloc_fail_at(0);
    return !vemt_ctx_create(1, &r->ctx) &&
           !vemt_pseudo_create(r->ctx, NULL, "alloc key", &r->pseudo,
                               &origin) &&
           !vemt_postcodes_load(r->ctx, path, NULL, &r->postcodes) &&
           !vemt_filter_create(r->ctx, NULL, "drugs", &r->filter);
}

static void reader_close(reader *r) {
    vemt_filter_destroy(r->filter);
    vemt_postcodes_destroy(r->postcodes);
    vemt_pseudo_destroy(r->pseudo);
    vemt_ctx_destroy(r->ctx);
}

/* One read as a caller makes it: its text index (when the input asks for
 * one) is made and freed around the read, so it is swept too. */
static void read_input(reader *r, const input *in, int parts, result *out) {
    memset(out, 0, sizeof *out);
    vemt_text_index *texts = NULL;
    vemt_ingest_opts o = {.pseudo = r->pseudo,
                          .postcodes = r->postcodes,
                          .filter = r->filter,
                          .parts = parts};
    out->src.path = in->path;
    out->src.kind = in->kind;
    out->st = in->texts ? vemt_text_index_create(&texts) : VEMT_OK;
    o.texts = texts;
    if (!out->st)
        out->st = vemt_ingest_file(r->ctx, &o, &out->src, 0, &out->events,
                                   &out->rejects, &out->merges);
    vemt_text_index_destroy(texts);
}

static void result_clear(result *r) {
    vemt_events_clear(&r->events);
    vemt_rejects_clear(&r->rejects);
    vemt_merges_clear(&r->merges);
}

static bool same_text(const vemt_events *a, uint32_t x, const vemt_events *b,
                      uint32_t y) {
    return !strcmp(vemt_events_text(a, x), vemt_events_text(b, y));
}

static bool same_event(const vemt_events *ea, const vemt_event *a,
                       const vemt_events *eb, const vemt_event *b) {
    return a->start_utc == b->start_utc && a->end_utc == b->end_utc &&
           a->x == b->x && a->y == b->y && a->source_row == b->source_row &&
           a->source == b->source && a->kind == b->kind &&
           a->precision == b->precision && a->located == b->located &&
           a->in_area == b->in_area && a->time_ambiguous == b->time_ambiguous &&
           a->looked_after == b->looked_after &&
           !strcmp(a->subject_key, b->subject_key) &&
           same_text(ea, a->ref, eb, b->ref) &&
           same_text(ea, a->category, eb, b->category) &&
           same_text(ea, a->lsoa, eb, b->lsoa) &&
           same_text(ea, a->placing_authority, eb, b->placing_authority);
}

static bool same_reject(const vemt_reject *a, const vemt_reject *b) {
    return a->source == b->source && a->err.code == b->err.code &&
           a->err.row == b->err.row && a->err.line == b->err.line &&
           a->err.column == b->err.column &&
           !strcmp(a->err.field, b->err.field) &&
           !strcmp(a->err.msg, b->err.msg) &&
           !strcmp(a->raw ? a->raw : "", b->raw ? b->raw : "");
}

static bool same_merge(const vemt_merge *a, const vemt_merge *b) {
    return a->kept_source == b->kept_source && a->kept_row == b->kept_row &&
           a->merged_source == b->merged_source &&
           a->merged_row == b->merged_row && !strcmp(a->rule, b->rule);
}

/* The first way got differs from the reference read, or NULL. */
static const char *differs(const result *ref, const result *got) {
    const vemt_source *a = &ref->src, *b = &got->src;
    if (a->n_read != b->n_read || a->n_used != b->n_used ||
        a->n_nowhere != b->n_nowhere || a->n_merged != b->n_merged ||
        a->n_excluded != b->n_excluded || a->n_rejected != b->n_rejected ||
        a->n_events != b->n_events)
        return "row counts";
    if (strcmp(a->sha256, b->sha256) || strcmp(a->crs, b->crs) ||
        strcmp(a->columns, b->columns) || strcmp(a->pipeline, b->pipeline))
        return "source description";
    if (ref->events.n != got->events.n) return "number of events";
    for (size_t i = 0; i < ref->events.n; i++)
        if (!same_event(&ref->events, &ref->events.items[i], &got->events,
                        &got->events.items[i]))
            return "an event";
    if (ref->rejects.n != got->rejects.n) return "number of rejects";
    for (size_t i = 0; i < ref->rejects.n; i++)
        if (!same_reject(&ref->rejects.items[i], &got->rejects.items[i]))
            return "a reject";
    if (ref->merges.n != got->merges.n) return "number of merges";
    for (size_t i = 0; i < ref->merges.n; i++)
        if (!same_merge(&ref->merges.items[i], &got->merges.items[i]))
            return "a merge";
    return NULL;
}

/* Sweep reading in with parts (1 or 2) against ref, the failure-free
 * one-thread read; returns the allocations of a failure-free read. */
static long sweep_ingest(test_state *t_, reader *r, const input *in, int parts,
                         const result *ref) {
    result full;
    alloc_fail_at(0);
    read_input(r, in, parts, &full);
    long total = alloc_count();
    CHECK_STATUS(full.st, VEMT_OK);
    const char *d = differs(ref, &full);
    if (d) TEST_FAIL_AT(t_, "%s, %d part(s): %s differs", in->what, parts, d);
    /* A two-part read of these files is joined: the second part's work
     * counts, so failures in it test the fall-back. */
    CHECK_INT_EQ(full.src.threads, parts);
    result_clear(&full);
    long nomem = 0, same = 0, fell_back = 0;
    long last = parts == 1 ? total + 1 : total + MARGIN;
    for (long n = 1; n <= last; n++) {
        result got;
        alloc_fail_at(n);
        read_input(r, in, parts, &got);
        bool failed = alloc_count() >= n;
        alloc_fail_at(0);
        d = got.st == VEMT_OK ? differs(ref, &got) : NULL;
        if (failed != (n <= total))
            TEST_FAIL_AT(t_, "%s, %d part(s): allocation %ld %s", in->what,
                         parts, n,
                         failed ? "asked for past a full read's count"
                                : "never asked for");
        if (got.st == VEMT_E_NOMEM && failed) {
            nomem++;
        } else if (got.st == VEMT_OK && !d) {
            same += failed;
            fell_back += failed && got.src.threads == 1 && parts == 2;
        } else {
            TEST_FAIL_AT(t_,
                         "%s, %d part(s): allocation %ld failed: status "
                         "%d (%s)%s%s",
                         in->what, parts, n, (int)got.st,
                         vemt_status_str(got.st), d ? ", differs in " : "",
                         d ? d : "");
        }
        result_clear(&got);
    }
    fprintf(stderr,
            "  %s, %d part(s): %ld allocations swept; %ld VEMT_E_NOMEM, %ld "
            "VEMT_OK with the one-thread result (%ld read on alone)\n",
            in->what, parts, total, nomem, same, fell_back);
    CHECK(nomem > 0);
    if (parts == 2) CHECK(fell_back > 0);
    return total;
}

static bool rejected_for(const vemt_rejects *r, vemt_status code) {
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].err.code == code) return true;
    return false;
}

/* Sweep the ingest of each input: first with one thread, then for CSV in
 * two parts. */
static void sweep_inputs(test_state *t_, const input *inputs, size_t n) {
    reader r;
    CHECK(reader_open(&r));
    for (size_t i = 0; i < n; i++) {
        result ref;
        alloc_fail_at(0);
        read_input(&r, &inputs[i], 1, &ref);
        CHECK_STATUS(ref.st, VEMT_OK);
        const vemt_source *s = &ref.src;
        CHECK(vemt_source_reconciles(s));
        /* Every outcome occurs, and every reason to reject. */
        fprintf(stderr,
                "  %s: %ld rows, %ld used, %ld nowhere, %ld merged, %ld "
                "excluded, %ld rejected\n",
                inputs[i].what, s->n_read, s->n_used, s->n_nowhere, s->n_merged,
                s->n_excluded, s->n_rejected);
        CHECK(s->n_used > 0 && s->n_nowhere > 0 && s->n_merged > 0 &&
              ref.merges.n > 0);
        if (inputs[i].kind == VEMT_SOURCE_INCIDENTS) CHECK(s->n_excluded > 0);
        for (const vemt_status *c = inputs[i].rejected; *c; c++)
            if (!rejected_for(&ref.rejects, *c))
                TEST_FAIL_AT(t_, "%s: no row rejected for %s", inputs[i].what,
                             vemt_status_str(*c));
        CHECK(sweep_ingest(t_, &r, &inputs[i], 1, &ref) > 20);
        if (inputs[i].two_parts)
            CHECK(sweep_ingest(t_, &r, &inputs[i], 2, &ref) > 20);
        result_clear(&ref);
    }
    reader_close(&r);
}

TEST(ingest_every_outcome) {
    /* Two blocks: every outcome in each part of a two-part read. */
    char *inc = make_incidents(2), *mis = make_missing(2);
    char *small = make_incidents(1);
    char paths[4][1100];
    const char *names[] = {"incidents.csv", "missing.csv", "incidents.csv.gz",
                           "incidents.geojson"};
    for (size_t i = 0; i < 4; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
    const input inputs[] = {
        {.what = "incidents",
         .path = paths[0],
         .kind = VEMT_SOURCE_INCIDENTS,
         .texts = true,
         .two_parts = true,
         .rejected = {VEMT_E_DATE, VEMT_E_COORD, VEMT_E_DUPLICATE,
                      VEMT_E_CSV_WIDTH}},
        {.what = "missing episodes",
         .path = paths[1],
         .kind = VEMT_SOURCE_MISSING,
         .two_parts = true,
         .rejected = {VEMT_E_DATE, VEMT_E_MISSING, VEMT_E_RANGE, VEMT_E_COORD,
                      VEMT_E_DUPLICATE}},
        {.what = "gzip incidents",
         .path = paths[2],
         .kind = VEMT_SOURCE_INCIDENTS,
         .rejected = {VEMT_E_DATE, VEMT_E_COORD, VEMT_E_DUPLICATE,
                      VEMT_E_CSV_WIDTH}},
        {.what = "GeoJSON incidents",
         .path = paths[3],
         .kind = VEMT_SOURCE_INCIDENTS,
         .rejected = {VEMT_E_DATE, VEMT_E_DUPLICATE}},
    };
    CHECK(write_file(inputs[0].path, inc));
    CHECK(write_file(inputs[1].path, mis));
    CHECK(write_gzip(inputs[2].path, small));
    CHECK(write_file(inputs[3].path, geojson));
    free(inc);
    free(mis);
    free(small);
    sweep_inputs(t_, inputs, sizeof inputs / sizeof inputs[0]);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        unlink(inputs[i].path);
}

/* The create paths a caller goes through before reading. */
static vemt_status load_postcodes(void *arg, vemt_ctx *ctx) {
    (void)arg;
    char path[1024];
    vemt_postcodes *pc = (void *)&not_set;
    postcodes_path(path, sizeof path);
    vemt_status st = vemt_postcodes_load(ctx, path, NULL, &pc);
    if (st && pc) return VEMT_E_ARG;
    if (!st && vemt_postcodes_count(pc) < 40) st = VEMT_E_ARG;
    vemt_postcodes_destroy(pc);
    return st;
}

static vemt_status make_filter(void *arg, vemt_ctx *ctx) {
    (void)arg;
    vemt_filter *f = (void *)&not_set;
    vemt_status st = vemt_filter_create(ctx, "/sexual|grooming/",
                                        "child-grooming-online,drugs", &f);
    if (st && f) return VEMT_E_ARG;
    vemt_filter_destroy(f);
    return st;
}

static vemt_status make_pseudo(void *arg, vemt_ctx *ctx) {
    (void)arg;
    vemt_pseudo *p = (void *)&not_set;
    vemt_key_origin origin;
    vemt_status st = vemt_pseudo_create(ctx, NULL, "a key", &p, &origin);
    if (st && p) return VEMT_E_ARG;
    vemt_pseudo_destroy(p);
    return st;
}

static vemt_status make_text_index(void *arg, vemt_ctx *ctx) {
    (void)arg;
    (void)ctx;
    vemt_text_index *t = (void *)&not_set;
    vemt_status st = vemt_text_index_create(&t);
    if (st && t) return VEMT_E_ARG;
    vemt_text_index_destroy(t);
    return st;
}

TEST(create_paths) {
    CHECK(alloc_sweep(t_, "postcode lookup", load_postcodes, NULL) > 5);
    CHECK(alloc_sweep(t_, "category filter", make_filter, NULL) >= 2);
    CHECK(alloc_sweep(t_, "pseudonymiser", make_pseudo, NULL) >= 1);
    CHECK(alloc_sweep(t_, "text index", make_text_index, NULL) >= 2);
}

TEST_SUITE(ingest_alloc) {
    if (!mkdtemp(dir)) return;
    GDALAllRegister();
    RUN(create_paths);
    RUN(ingest_every_outcome);
    rmdir(dir);
    GDALDestroy();
    proj_cleanup();
}
