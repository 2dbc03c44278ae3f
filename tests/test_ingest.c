/** @file test_ingest.c
 * @brief Reading whole files: one fixture per bad-input class with the
 * exact reason, file-level failures, accounting and pseudonyms.
 */
#include <stdio.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/test.h"

typedef struct bad_case {
    vemt_status code;
    const char *file; /* under fixtures/bad/ */
    vemt_source_kind kind;
    long row, line;
    int column;
    const char *field;
    const char *msg;
} bad_case;

/* One row per input status: the meta-test below fails when one is missing. */
static const bad_case bad_cases[] = {
    {VEMT_E_CSV_QUOTE, "csv_quote.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 1, "id",
     "quoted field is never closed"},
    {VEMT_E_CSV_WIDTH, "csv_width.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 0, "",
     "row has 4 fields, the header has 5"},
    {VEMT_E_ENCODING, "encoding.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 5,
     "category", "invalid UTF-8"},
    {VEMT_E_MISSING, "missing.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 4, "northing",
     "empty"},
    {VEMT_E_NUMBER, "number.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 3, "easting",
     "not a number: \"n/a\""},
    {VEMT_E_DATE, "date.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 2, "occurred_at",
     "impossible date or time: \"31/02/2024\""},
    {VEMT_E_COORD, "coord.csv", VEMT_SOURCE_INCIDENTS, 2, 2, 3, "easting",
     "coordinates are (0, 0), a common null: \"0\""},
    {VEMT_E_DUPLICATE, "duplicate.csv", VEMT_SOURCE_INCIDENTS, 3, 3, 1, "id",
     "id already used at row 2 with different content: \"I1\""},
    {VEMT_E_RANGE, "range.csv", VEMT_SOURCE_MISSING, 2, 2, 4, "returned_at",
     "returned before going missing: \"2024-01-05T20:00:00Z\""},
};

#define N_BAD (sizeof bad_cases / sizeof bad_cases[0])

typedef struct loaded {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_ingest_opts opts;
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    char path[1024];
} loaded;

static vemt_status load(loaded *l, const char *dir, const char *file,
                        vemt_source_kind kind) {
    memset(l, 0, sizeof *l);
    vemt_key_origin origin;
    vemt_ctx_create(1, &l->ctx);
    vemt_pseudo_create(l->ctx, NULL, "test key", &l->pseudo, &origin);
    snprintf(l->path, sizeof l->path, "%s/%s/%s", VEMT_FIXTURES, dir, file);
    l->src.path = l->path;
    l->src.kind = kind;
    l->opts.pseudo = l->pseudo;
    return vemt_ingest_file(l->ctx, &l->opts, &l->src, 0, &l->events,
                            &l->rejects, &l->merges);
}

static void unload(loaded *l) {
    vemt_events_clear(&l->events);
    vemt_rejects_clear(&l->rejects);
    vemt_merges_clear(&l->merges);
    vemt_pseudo_destroy(l->pseudo);
    vemt_ctx_destroy(l->ctx);
}

static bool reconciles(const vemt_source *s) {
    return vemt_source_reconciles(s);
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
        loaded l;
        CHECK_INT_EQ(load(&l, "bad", c->file, c->kind), VEMT_OK);
        CHECK(reconciles(&l.src));
        CHECK_INT_EQ(l.rejects.n, 1);
        if (l.rejects.n == 1) {
            const vemt_error *e = &l.rejects.items[0].err;
            CHECK_STR_EQ(vemt_status_str(e->code), vemt_status_str(c->code));
            CHECK_INT_EQ(e->row, c->row);
            CHECK_INT_EQ(e->line, c->line);
            CHECK_INT_EQ(e->column, c->column);
            CHECK_STR_EQ(e->field, c->field);
            CHECK_STR_EQ(e->msg, c->msg);
        }
        CHECK_INT_EQ(l.src.n_rejected, 1);
        unload(&l);
    }
}

TEST(nul_bytes_reject_their_rows) {
    /* Found by fuzz_ingest_row: a NUL byte hid the rest of a field, and
     * both rows were used. */
    loaded l;
    CHECK_INT_EQ(load(&l, "bad", "encoding_nul.csv", VEMT_SOURCE_INCIDENTS),
                 VEMT_OK);
    CHECK_INT_EQ(l.src.n_rejected, 2);
    CHECK_INT_EQ(l.src.n_used, 0);
    CHECK(reconciles(&l.src));
    if (l.rejects.n == 2) {
        CHECK_STR_EQ(l.rejects.items[0].err.msg, "NUL byte in the data");
        CHECK_STR_EQ(l.rejects.items[0].err.field, "occurred_at");
        CHECK_STR_EQ(l.rejects.items[1].err.field, "category");
    }
    unload(&l);
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

TEST(file_level_failures) {
    loaded l;
    CHECK_INT_EQ(load(&l, "bad", "no-such-file.csv", VEMT_SOURCE_INCIDENTS),
                 VEMT_E_IO);
    unload(&l);
    /* An incident file read as missing episodes lacks required columns. */
    CHECK_INT_EQ(load(&l, "bad", "number.csv", VEMT_SOURCE_MISSING),
                 VEMT_E_MISSING);
    /* "id" is accepted as the episode id, so child_id is what is missing. */
    CHECK(strstr(vemt_ctx_error(l.ctx)->msg,
                 "required column 'child_id' not found") != NULL);
    CHECK_INT_EQ(vemt_ctx_error(l.ctx)->row, 1);
    CHECK_STR_EQ(vemt_ctx_error(l.ctx)->source, l.path);
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
    RUN(every_input_status_has_a_fixture);
    RUN(bad_inputs_exact_reason);
    RUN(nul_bytes_reject_their_rows);
    RUN(demo_accounting);
    RUN(file_level_failures);
    RUN(identifiers_never_in_rejects);
    RUN(pseudonyms_keyed);
}
