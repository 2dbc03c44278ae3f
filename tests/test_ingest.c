/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_ingest.c
 * @brief Reading whole files: every bad-input class of issue 3 with the
 * exact reason, row and column and reconciled counts (one fixture per
 * status, and small files written by the test), file-level failures,
 * very long lines, accounting and pseudonyms.
 */
#include <stdio.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/test.h"

static char tmpdir[64];

typedef struct bad_case {
    vemt_status code;
    const char *file; /* under fixtures/bad/ */
    vemt_source_kind kind;
    long row, line;
    int column;
    const char *field;
    const char *msg;
    long n_read, n_used; /* the rest of the rows: rejected (one) */
} bad_case;

/* One row per input status: the meta-test below fails when one is missing. */
static const bad_case bad_cases[] = {
    {VEMT_E_CSV_QUOTE, "csv_quote.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 1, "id",
     "quoted field is never closed", 3, 2},
    {VEMT_E_CSV_WIDTH, "csv_width.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 0, "",
     "row has 4 fields, the header has 5", 2, 1},
    {VEMT_E_ENCODING, "encoding.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 5,
     "category", "invalid UTF-8", 1, 0},
    {VEMT_E_MISSING, "missing.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 4, "northing",
     "empty", 1, 0},
    {VEMT_E_NUMBER, "number.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 3, "easting",
     "not a number: \"n/a\"", 1, 0},
    {VEMT_E_DATE, "date.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 2, "occurred_at",
     "impossible date or time: \"31/02/2024\"", 1, 0},
    {VEMT_E_COORD, "coord.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 3, "easting",
     "coordinates are (0, 0), a common null: \"0\"", 1, 0},
    {VEMT_E_DUPLICATE, "duplicate.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 1, "id",
     "id already used at row 2 with different content: \"I1\"", 2, 1},
    {VEMT_E_RANGE, "range.csv", VEMT_SOURCE_MISSING, 2, 2, 4, "returned_at",
     "returned before going missing: \"2024-01-05T20:00:00Z\"", 1, 0},
};

#define N_BAD (sizeof bad_cases / sizeof bad_cases[0])

typedef struct loaded {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_postcodes *postcodes;
    vemt_tz *zone;
    vemt_ingest_opts opts;
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    char path[1024];
} loaded;

/* Read path (postcodes: with the demo's postcode lookup). */
static vemt_status read_path(loaded *l, const char *path, vemt_source_kind kind,
                             bool postcodes) {
    memset(l, 0, sizeof *l);
    vemt_key_origin origin;
    vemt_ctx_create(1, &l->ctx);
    vemt_pseudo_create(l->ctx, NULL, "test key", &l->pseudo, &origin);
    snprintf(l->path, sizeof l->path, "%s", path);
    l->src.path = l->path;
    l->src.kind = kind;
    l->opts.pseudo = l->pseudo;
    vemt_tz_load(l->ctx, VEMT_TZ_DEFAULT, &l->zone); /* as a run's default */
    l->opts.zone = l->zone;
    if (postcodes) {
        char lookup[512];
        snprintf(lookup, sizeof lookup, "%s/demo/postcodes.csv", VEMT_FIXTURES);
        if (vemt_postcodes_load(l->ctx, lookup, NULL, &l->postcodes))
            return VEMT_E_IO;
        l->opts.postcodes = l->postcodes;
    }
    return vemt_ingest_file(l->ctx, &l->opts, &l->src, 0, &l->events,
                            &l->rejects, &l->merges);
}

static vemt_status load(loaded *l, const char *dir, const char *file,
                        vemt_source_kind kind) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", VEMT_FIXTURES, dir, file);
    return read_path(l, path, kind, false);
}

/* Write size bytes of text to name in the test's folder, then read it. */
static vemt_status load_bytes(loaded *l, const char *name, const char *text,
                              size_t size, vemt_source_kind kind,
                              bool postcodes) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, size, f);
        fclose(f);
    }
    return read_path(l, path, kind, postcodes);
}

static void unload(loaded *l) {
    vemt_events_clear(&l->events);
    vemt_rejects_clear(&l->rejects);
    vemt_merges_clear(&l->merges);
    vemt_postcodes_destroy(l->postcodes);
    vemt_tz_destroy(l->zone);
    vemt_pseudo_destroy(l->pseudo);
    vemt_ctx_destroy(l->ctx);
}

static bool reconciles(const vemt_source *s) {
    return vemt_source_reconciles(s);
}

/* Every row accounted for, with these exact counts. */
static void check_counts(test_state *t_, const vemt_source *s, long read,
                         long used, long nowhere, long merged, long rejected) {
    CHECK(reconciles(s));
    CHECK_INT_EQ(s->n_read, read);
    CHECK_INT_EQ(s->n_used, used);
    CHECK_INT_EQ(s->n_nowhere, nowhere);
    CHECK_INT_EQ(s->n_merged, merged);
    CHECK_INT_EQ(s->n_excluded, 0);
    CHECK_INT_EQ(s->n_rejected, rejected);
}

/* The reject's exact status, place and reason. */
static void check_reject(test_state *t_, const vemt_reject *r, vemt_status code,
                         long row, long line, int column, const char *field,
                         const char *msg) {
    CHECK_STR_EQ(vemt_status_str(r->err.code), vemt_status_str(code));
    CHECK_INT_EQ(r->err.row, row);
    CHECK_INT_EQ(r->err.line, line);
    CHECK_INT_EQ(r->err.column, column);
    CHECK_STR_EQ(r->err.field, field);
    CHECK_STR_EQ(r->err.msg, msg);
    CHECK_INT_EQ(r->source, 0);
}

/* Name the case when a check inside it failed. */
static void case_done(test_state *t_, int failed_before, const char *name) {
    if (t_->current_failed) fprintf(stderr, "  ... in case %s\n", name);
    t_->current_failed |= failed_before;
}

TEST(every_input_status_has_a_fixture) {
    for (int code = VEMT_E_CSV_QUOTE; code < VEMT_STATUS_END; code++) {
        const bad_case *found = NULL;
        for (size_t i = 0; i < N_BAD; i++)
            if (bad_cases[i].code == (vemt_status)code) found = &bad_cases[i];
        if (!found) {
            TEST_FAIL_AT(t_, "no fixture for status %s",
                         vemt_status_str((vemt_status)code));
            continue;
        }
        char path[1024];
        snprintf(path, sizeof path, "%s/bad/%s", VEMT_FIXTURES, found->file);
        CHECK(access(path, R_OK) == 0);
    }
}

TEST(bad_inputs_exact_reason) {
    for (size_t i = 0; i < N_BAD; i++) {
        const bad_case *c = &bad_cases[i];
        int before = t_->current_failed;
        t_->current_failed = 0;
        loaded l;
        CHECK_INT_EQ(load(&l, "bad", c->file, c->kind), VEMT_OK);
        check_counts(t_, &l.src, c->n_read, c->n_used, 0, 0, 1);
        CHECK_INT_EQ(l.rejects.n, 1);
        if (l.rejects.n == 1)
            check_reject(t_, &l.rejects.items[0], c->code, c->row, c->line,
                         c->column, c->field, c->msg);
        unload(&l);
        case_done(t_, before, c->file);
    }
}

TEST(nul_bytes_reject_their_rows) {
    /* Found by fuzz_ingest_row: a NUL byte hid the rest of a field, and
     * both rows were used. */
    loaded l;
    CHECK_INT_EQ(load(&l, "bad", "encoding_nul.csv", VEMT_SOURCE_INCIDENTS),
                 VEMT_OK);
    check_counts(t_, &l.src, 2, 0, 0, 0, 2);
    CHECK_INT_EQ(l.rejects.n, 2);
    if (l.rejects.n == 2) {
        check_reject(t_, &l.rejects.items[0], VEMT_E_ENCODING, 2, 2, 2,
                     "occurred_at", "NUL byte in the data");
        check_reject(t_, &l.rejects.items[1], VEMT_E_ENCODING, 3, 3, 5,
                     "category", "NUL byte in the data");
        /* Raw text stays UTF-8 and whole: bad bytes written \xNN. */
        CHECK_STR_EQ(l.rejects.items[0].raw,
                     "I1,2024-01-05\\x00 31/02/2024 99:99,460000,520000,drugs");
        CHECK_STR_EQ(l.rejects.items[1].raw,
                     "I2,2024-01-05,460000,520000,caf\\x00\\xe9");
    }
    unload(&l);
}

/* A bad-input class in a small file the test writes: the one reject's
 * exact status, place, reason and raw text (NULL: not checked), and every
 * row accounted for. code VEMT_OK: the file gives no reject. */
typedef struct row_case {
    const char *name; /* file name: its extension picks the reader */
    vemt_source_kind kind;
    bool postcodes; /* with the demo's postcode lookup */
    const char *text;
    vemt_status code;
    long row, line;
    int column;
    const char *field, *msg, *raw;
    long n_read, n_used, n_nowhere, n_merged;
} row_case;

#define XY "id,date,x,y\n"
#define LL "id,date,longitude,latitude\n"
#define OK_ROW "A,2024-01-01,461000,520000\n"

static const row_case row_cases[] = {
    /* Malformed quoting: the record is its first physical line, and the
     * next line is read as the next row. */
    {"quote_open.csv", VEMT_SOURCE_INCIDENTS, false,
     XY OK_ROW "\"B,2024-01-02,461000,520000\nC,2024-01-03,461000,520000\n",
     VEMT_E_CSV_QUOTE, 3, 3, 1, "id", "quoted field is never closed",
     "\"B,2024-01-02,461000,520000", 3, 2, 0, 0},
    {"quote_after.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,\"2024-01-01\"x,461000,520000\n", VEMT_E_CSV_QUOTE, 2, 2, 2, "date",
     "text after a closing quote", "A,\"2024-01-01\"x,461000,520000", 1, 0, 0,
     0},
    {"width_more.csv", VEMT_SOURCE_INCIDENTS, false,
     XY OK_ROW "B,2024-01-02,461000,520000,extra\n", VEMT_E_CSV_WIDTH, 3, 3, 0,
     "", "row has 5 fields, the header has 4",
     "B,2024-01-02,461000,520000,extra", 2, 1, 0, 0},
    /* Delimiters other than the comma are detected from the header. */
    {"semicolon.csv", VEMT_SOURCE_INCIDENTS, false,
     "id;date;x;y\nA;2024-01-01;461000;520000\nB;2024-13-01;461000;520000\n",
     VEMT_E_DATE, 3, 3, 2, "date", "impossible date or time: \"2024-13-01\"",
     "B;2024-13-01;461000;520000", 2, 1, 0, 0},
    {"tab.tsv", VEMT_SOURCE_INCIDENTS, false,
     "id\tdate\tx\ty\nA\t2024-01-01\tabc\t520000\n"
     "B\t2024-01-02\t461000\t520000\n",
     VEMT_E_NUMBER, 2, 2, 3, "x", "not a number: \"abc\"",
     "A\t2024-01-01\tabc\t520000", 2, 1, 0, 0},
    /* A BOM before the required column's name, CRLF ends: the last field
     * carries no '\r'. */
    {"bom_crlf.csv", VEMT_SOURCE_INCIDENTS, false,
     "\xEF\xBB\xBF"
     "date,id,x,y\r\n2024-01-01,A,461000,520000\r\n2024-01-02,B,461000,abc\r\n",
     VEMT_E_NUMBER, 3, 3, 4, "y", "not a number: \"abc\"",
     "2024-01-02,B,461000,abc", 2, 1, 0, 0},
    {"header_only.csv", VEMT_SOURCE_INCIDENTS, false, "id,date,x,y\r\n",
     VEMT_OK, 0, 0, 0, "", "", NULL, 0, 0, 0, 0},
    {"bom_header_only.csv", VEMT_SOURCE_INCIDENTS, false,
     "\xEF\xBB\xBFid,date,x,y\n", VEMT_OK, 0, 0, 0, "", "", NULL, 0, 0, 0, 0},
    /* Non-numeric and out-of-range coordinates. */
    {"half_pair.csv", VEMT_SOURCE_INCIDENTS, false, XY "A,2024-01-01,461000,\n",
     VEMT_E_MISSING, 2, 2, 4, "y", "empty", "A,2024-01-01,461000,", 1, 0, 0, 0},
    {"lat_text.csv", VEMT_SOURCE_INCIDENTS, false,
     LL "A,2024-01-01,-1.0667,abc\n", VEMT_E_NUMBER, 2, 2, 4, "latitude",
     "not a number: \"abc\"", "A,2024-01-01,-1.0667,abc", 1, 0, 0, 0},
    {"lat_95.csv", VEMT_SOURCE_INCIDENTS, false, LL "A,2024-01-01,-1.0667,95\n",
     VEMT_E_COORD, 2, 2, 4, "latitude", "latitude outside -90 to 90: \"95\"",
     "A,2024-01-01,-1.0667,95", 1, 0, 0, 0},
    {"lon_200.csv", VEMT_SOURCE_INCIDENTS, false, LL "A,2024-01-01,200,54.6\n",
     VEMT_E_COORD, 2, 2, 3, "longitude",
     "longitude outside -180 to 180: \"200\"", "A,2024-01-01,200,54.6", 1, 0, 0,
     0},
    {"lonlat_far.csv", VEMT_SOURCE_INCIDENTS, false,
     LL "A,2024-01-01,20.5,10.2\n", VEMT_E_COORD, 2, 2, 3, "longitude",
     "outside the area where the coordinate reference system is valid: "
     "\"20.5\"",
     "A,2024-01-01,20.5,10.2", 1, 0, 0, 0},
    {"swapped.csv", VEMT_SOURCE_INCIDENTS, false,
     LL "A,2024-01-01T10:00Z,54.6167,-1.0667\n", VEMT_E_COORD, 2, 2, 3,
     "longitude", "longitude and latitude look swapped: \"54.6167\"",
     "A,2024-01-01T10:00Z,54.6167,-1.0667", 1, 0, 0, 0},
    {"bng_east.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,2024-01-01,800000,520000\n", VEMT_E_COORD, 2, 2, 3, "x",
     "easting outside British National Grid: \"800000\"",
     "A,2024-01-01,800000,520000", 1, 0, 0, 0},
    {"bng_north.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,2024-01-01,461000,-5\n", VEMT_E_COORD, 2, 2, 4, "y",
     "northing outside British National Grid: \"-5\"", "A,2024-01-01,461000,-5",
     1, 0, 0, 0},
    /* Bad and impossible dates. */
    {"feb30.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,2025-02-30,461000,520000\n", VEMT_E_DATE, 2, 2, 2, "date",
     "impossible date or time: \"2025-02-30\"", "A,2025-02-30,461000,520000", 1,
     0, 0, 0},
    {"hour25.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,2024-01-01 25:00,461000,520000\n", VEMT_E_DATE, 2, 2, 2, "date",
     "impossible date or time: \"2024-01-01 25:00\"",
     "A,2024-01-01 25:00,461000,520000", 1, 0, 0, 0},
    {"not_date.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,yesterday,461000,520000\n", VEMT_E_DATE, 2, 2, 2, "date",
     "not a date: \"yesterday\"", "A,yesterday,461000,520000", 1, 0, 0, 0},
    /* A long value is quoted to 40 bytes, never cut inside a character. */
    {"long_value.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9,461000,520000\n",
     VEMT_E_DATE, 2, 2, 2, "date",
     "not a date: \"x\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
     "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
     "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9...\"",
     NULL, 1, 0, 0, 0},
    /* Daylight saving: 01:00-01:59 on 31 March 2024 never happened in
     * London; 01:30 on 27 October 2024 happened twice (kept, flagged). */
    {"dst_gap.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,31/03/2024 01:30,461000,520000\nB,31/03/2024 02:00,461000,520000\n",
     VEMT_E_DATE, 2, 2, 2, "date",
     "local time does not exist (clocks went forward): \"31/03/2024 01:30\"",
     "A,31/03/2024 01:30,461000,520000", 2, 1, 0, 0},
    {"dst_gap_start.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,2024-03-31 00:59,461000,520000\nB,2024-03-31 01:00,461000,520000\n",
     VEMT_E_DATE, 3, 3, 2, "date",
     "local time does not exist (clocks went forward): \"2024-03-31 01:00\"",
     "B,2024-03-31 01:00,461000,520000", 2, 1, 0, 0},
    {"dst_repeat.csv", VEMT_SOURCE_INCIDENTS, false,
     XY "A,27/10/2024 01:30,461000,520000\n", VEMT_OK, 0, 0, 0, "", "", NULL, 1,
     1, 0, 0},
    /* Postcodes: unknown, and no lookup to find one in. */
    {"postcode.csv", VEMT_SOURCE_INCIDENTS, true,
     "id,date,easting,northing,postcode\nA,2024-01-01,,,zz11aa\n"
     "B,2024-01-01,,,ZZ9 9ZZ\nC,2024-01-01,,,\n",
     VEMT_E_COORD, 3, 3, 5, "postcode", "unknown postcode: \"ZZ9 9ZZ\"",
     "B,2024-01-01,,,ZZ9 9ZZ", 3, 1, 1, 0},
    {"postcode_no_lookup.csv", VEMT_SOURCE_INCIDENTS, false,
     "id,date,easting,northing,postcode\nA,2024-01-01,,,ZZ1 1AA\n",
     VEMT_E_MISSING, 2, 2, 5, "postcode",
     "postcode but no coordinates, and no --postcodes lookup given: "
     "\"ZZ1 1AA\"",
     "A,2024-01-01,,,ZZ1 1AA", 1, 0, 0, 0},
    /* End before start, for an incident's range and an episode. */
    {"incident_range.csv", VEMT_SOURCE_INCIDENTS, false,
     "id,from,to,x,y\nA,2024-05-02 10:00,2024-05-01 09:00,461000,520000\n",
     VEMT_E_RANGE, 2, 2, 3, "to", "ends before it starts: \"2024-05-01 09:00\"",
     "A,2024-05-02 10:00,2024-05-01 09:00,461000,520000", 1, 0, 0, 0},
    {"episode_range.csv", VEMT_SOURCE_MISSING, false,
     "episode_id,missing_at,returned_at,child_id,from_easting,from_northing\n"
     "E1,2024-01-05T22:00Z,2024-01-05T21:59Z,C1,461000,520000\n",
     VEMT_E_RANGE, 2, 2, 3, "returned_at",
     "returned before going missing: \"2024-01-05T21:59Z\"", NULL, 1, 0, 0, 0},
    {"episode_no_child.csv", VEMT_SOURCE_MISSING, false,
     "episode_id,child_id,missing_at,from_easting,from_northing\n"
     "E1,,2024-01-05T22:00Z,461000,520000\n",
     VEMT_E_MISSING, 2, 2, 2, "child_id", "child id is empty",
     "E1,,2024-01-05T22:00Z,461000,520000", 1, 0, 0, 0},
    /* Duplicate ids: identical rows merge, differing ones conflict. */
    {"duplicates.csv", VEMT_SOURCE_INCIDENTS, false,
     XY OK_ROW OK_ROW "A,2024-01-02,461000,520000\n", VEMT_E_DUPLICATE, 4, 4, 1,
     "id", "id already used at row 2 with different content: \"A\"",
     "A,2024-01-02,461000,520000", 3, 1, 0, 1},
    /* Invalid UTF-8 in a field: overlong, surrogate, cut short. */
    {"utf8_overlong.csv", VEMT_SOURCE_INCIDENTS, false,
     "id,date,x,y,category\nA,2024-01-01,461000,520000,\xC0\xAF\n",
     VEMT_E_ENCODING, 2, 2, 5, "category", "invalid UTF-8",
     "A,2024-01-01,461000,520000,\\xc0\\xaf", 1, 0, 0, 0},
    {"utf8_surrogate.csv", VEMT_SOURCE_INCIDENTS, false,
     "id,date,x,y,category\nA,2024-01-01,461000,520000,\xED\xA0\x80\n",
     VEMT_E_ENCODING, 2, 2, 5, "category", "invalid UTF-8",
     "A,2024-01-01,461000,520000,\\xed\\xa0\\x80", 1, 0, 0, 0},
    {"utf8_cut.csv", VEMT_SOURCE_INCIDENTS, false,
     "id,date,x,y,category\nA,2024-01-01,461000,520000,caf\xC3\n"
     "B,2024-01-01,461000,520000,caf\xC3\xA9\n",
     VEMT_E_ENCODING, 2, 2, 5, "category", "invalid UTF-8",
     "A,2024-01-01,461000,520000,caf\\xc3", 2, 1, 0, 0},
};

TEST(bad_input_classes) {
    for (size_t i = 0; i < sizeof row_cases / sizeof *row_cases; i++) {
        const row_case *c = &row_cases[i];
        int before = t_->current_failed;
        t_->current_failed = 0;
        loaded l;
        CHECK_INT_EQ(load_bytes(&l, c->name, c->text, strlen(c->text), c->kind,
                                c->postcodes),
                     VEMT_OK);
        long rejected = c->code != VEMT_OK;
        check_counts(t_, &l.src, c->n_read, c->n_used, c->n_nowhere,
                     c->n_merged, rejected);
        CHECK_INT_EQ(l.rejects.n, rejected);
        if (l.rejects.n == 1 && rejected) {
            const vemt_reject *r = &l.rejects.items[0];
            check_reject(t_, r, c->code, c->row, c->line, c->column, c->field,
                         c->msg);
            if (c->raw) CHECK_STR_EQ(r->raw, c->raw);
        }
        unload(&l);
        case_done(t_, before, c->name);
    }
}

/* A file that can't be read as a whole: the call fails with this exact
 * error, and nothing is appended. text NULL: no file at all. */
typedef struct file_case {
    const char *name;
    vemt_source_kind kind;
    const char *text;
    vemt_status code;
    long row;
    int column;
    const char *field, *msg;
} file_case;

static const file_case file_cases[] = {
    {"absent.csv", VEMT_SOURCE_INCIDENTS, NULL, VEMT_E_IO, 0, 0, "",
     "can't read: No such file or directory"},
    {"empty.csv", VEMT_SOURCE_INCIDENTS, "", VEMT_E_MISSING, 0, 0, "",
     "file is empty: expected a header row"},
    {"blank.csv", VEMT_SOURCE_INCIDENTS, "\r\n\n", VEMT_E_MISSING, 0, 0, "",
     "file is empty: expected a header row"},
    {"bom_only.csv", VEMT_SOURCE_INCIDENTS, "\xEF\xBB\xBF", VEMT_E_MISSING, 0,
     0, "", "file is empty: expected a header row"},
    /* A delimiter vemt does not detect leaves one column: named at once. */
    {"pipe.csv", VEMT_SOURCE_INCIDENTS, "id|date|x|y\n1|2024-01-01|3|4\n",
     VEMT_E_MISSING, 1, 0, "",
     "required column 'occurred_at' not found (accepted names: "
     "occurredat|datetime|date|occurred|incidentdate|month|from|start|"
     "startdate|datefrom|occurredfrom)"},
    {"no_child.csv", VEMT_SOURCE_MISSING,
     "id,missing_at,from_easting,from_northing\n", VEMT_E_MISSING, 1, 0, "",
     "required column 'child_id' not found (accepted names: "
     "childid|subjectid|personid)"},
    {"no_place.csv", VEMT_SOURCE_INCIDENTS, "id,date\nA,2024-01-01\n",
     VEMT_E_MISSING, 1, 0, "",
     "no location columns for incidents: need easting/northing, "
     "longitude/latitude or a postcode"},
    {"no_partner.csv", VEMT_SOURCE_INCIDENTS, "id,date,x\n", VEMT_E_MISSING, 1,
     0, "", "column 'easting' has no partner column"},
    {"ambiguous.csv", VEMT_SOURCE_INCIDENTS, "id,date,datetime,x,y\n",
     VEMT_E_ARG, 1, 3, "datetime",
     "columns 'date' and 'datetime' could both be occurred_at: rename one"},
    /* Invalid UTF-8 or a broken quote in the header fails the file. */
    {"header_utf8.csv", VEMT_SOURCE_INCIDENTS,
     "id,d\xFFte,x,y\nA,2024-01-01,461000,520000\n", VEMT_E_ENCODING, 1, 2, "",
     "header row: invalid UTF-8"},
    {"header_quote.csv", VEMT_SOURCE_INCIDENTS, "id,\"date,x,y\n",
     VEMT_E_CSV_QUOTE, 1, 2, "", "header row: quoted field is never closed"},
};

TEST(file_level_failures) {
    for (size_t i = 0; i < sizeof file_cases / sizeof *file_cases; i++) {
        const file_case *c = &file_cases[i];
        int before = t_->current_failed;
        t_->current_failed = 0;
        loaded l;
        char path[256];
        snprintf(path, sizeof path, "%s/%s", tmpdir, c->name);
        vemt_status st = c->text ? load_bytes(&l, c->name, c->text,
                                              strlen(c->text), c->kind, false)
                                 : read_path(&l, path, c->kind, false);
        CHECK_STR_EQ(vemt_status_str(st), vemt_status_str(c->code));
        const vemt_error *e = vemt_ctx_error(l.ctx);
        CHECK_STR_EQ(vemt_status_str(e->code), vemt_status_str(c->code));
        CHECK_STR_EQ(e->msg, c->msg);
        CHECK_INT_EQ(e->row, c->row);
        CHECK_INT_EQ(e->column, c->column);
        CHECK_STR_EQ(e->field, c->field);
        CHECK_STR_EQ(e->source, l.path);
        CHECK_INT_EQ(l.events.n + l.rejects.n + l.merges.n, 0);
        CHECK_INT_EQ(l.src.n_read, 0);
        unload(&l);
        case_done(t_, before, c->name);
    }
}

/* A >1 MB line: in a used row the whole field is kept; in a rejected row
 * the reason quotes 40 bytes and raw keeps the whole row. */
TEST(very_long_lines) {
    const size_t big = 1200000;
    const char *head = "id,date,x,y,category\nA,2024-01-01,461000,520000,";
    size_t h = strlen(head);
    char *text = malloc(h + 2 * big + 64);
    CHECK(text != NULL);
    if (!text) return;
    memcpy(text, head, h);
    memset(text + h, 'x', big);
    size_t n = h + big;
    n += (size_t)sprintf(text + n, "\nB,");
    memset(text + n, '7', big);
    n += big;
    n += (size_t)sprintf(text + n, ",461000,520000,drugs\n");
    loaded l;
    CHECK_INT_EQ(
        load_bytes(&l, "long.csv", text, n, VEMT_SOURCE_INCIDENTS, false),
        VEMT_OK);
    check_counts(t_, &l.src, 2, 1, 0, 0, 1);
    if (l.events.n == 1)
        CHECK_INT_EQ(
            strlen(vemt_events_text(&l.events, l.events.items[0].category)),
            big);
    CHECK_INT_EQ(l.rejects.n, 1);
    if (l.rejects.n == 1) {
        char want[128];
        snprintf(want, sizeof want, "not a date: \"%.40s...\"",
                 text + h + big + 3);
        check_reject(t_, &l.rejects.items[0], VEMT_E_DATE, 3, 3, 2, "date",
                     want);
        CHECK_INT_EQ(strlen(l.rejects.items[0].raw),
                     strlen("B,,461000,520000,drugs") + big);
    }
    unload(&l);
    free(text);
}

TEST(demo_accounting) {
    loaded l;
    CHECK_INT_EQ(load(&l, "demo", "incidents.csv", VEMT_SOURCE_INCIDENTS), 0);
    CHECK(l.src.n_read > 1000);
    CHECK(reconciles(&l.src));
    CHECK_INT_EQ(l.src.n_rejected, (long)l.rejects.n);
    CHECK_INT_EQ(strlen(l.src.sha256), 64);
    unload(&l);
    CHECK_INT_EQ(load(&l, "demo", "missing.csv", VEMT_SOURCE_MISSING), 0);
    CHECK(reconciles(&l.src));
    /* An episode gives a missing_from event and, when found, a found_at. */
    CHECK(l.src.n_events > l.src.n_used);
    unload(&l);
}

TEST(identifiers_never_in_rejects) {
    /* range.csv holds child id C900; the reject keeps a pseudonym. */
    loaded l;
    load(&l, "bad", "range.csv", VEMT_SOURCE_MISSING);
    CHECK_INT_EQ(l.rejects.n, 1);
    if (l.rejects.n) {
        const char *raw = l.rejects.items[0].raw;
        char key[24];
        vemt_pseudo_key(l.pseudo, "C900", key, sizeof key);
        CHECK(raw && strstr(raw, "C900") == NULL);
        CHECK(raw && strstr(raw, key) != NULL);
    }
    unload(&l);
}

TEST(pseudonyms_keyed) {
    vemt_ctx *ctx;
    vemt_pseudo *a, *b;
    vemt_key_origin o;
    char ka[24], kb[24], kc[24];
    vemt_ctx_create(1, &ctx);
    vemt_pseudo_create(ctx, NULL, "key one", &a, &o);
    CHECK_INT_EQ(o, VEMT_KEY_ENV);
    vemt_pseudo_create(ctx, NULL, "key two", &b, &o);
    vemt_pseudo_key(a, "C001", ka, sizeof ka);
    vemt_pseudo_key(b, "C001", kb, sizeof kb);
    vemt_pseudo_key(a, " C001 ", kc, sizeof kc);
    CHECK_INT_EQ(strlen(ka), 20);
    CHECK(strcmp(ka, kb) != 0);
    CHECK_STR_EQ(kc, ka);
    vemt_pseudo_key(a, "", kc, sizeof kc);
    CHECK_STR_EQ(kc, "");
    vemt_pseudo_destroy(a);
    vemt_pseudo_destroy(b);
    CHECK_INT_EQ(vemt_pseudo_create(ctx, NULL, NULL, &a, &o), VEMT_OK);
    CHECK_INT_EQ(o, VEMT_KEY_RANDOM);
    vemt_pseudo_destroy(a);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(ingest) {
    strcpy(tmpdir, "/tmp/vemt-test-ingest-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(every_input_status_has_a_fixture);
    RUN(bad_inputs_exact_reason);
    RUN(nul_bytes_reject_their_rows);
    RUN(bad_input_classes);
    RUN(file_level_failures);
    RUN(very_long_lines);
    RUN(demo_accounting);
    RUN(identifiers_never_in_rejects);
    RUN(pseudonyms_keyed);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
