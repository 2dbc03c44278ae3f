/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file fuzz_ingest_row.c
 * @brief Fuzz target: data rows under a real header, through the public
 * vemt_ingest_file(), then the accounting invariant and the promises of
 * ingest.h about events and rejects.
 *
 * Input layout: byte 0 chooses the file, the rest are its data rows.
 *   bit 0     source kind: 0 incidents, 1 missing episodes
 *   bits 1-2  header variant (see headers[] below)
 *   bit 3     dates as mm/dd/yyyy (opts.month_first)
 *   bit 4     a category filter (opts.filter)
 *   bit 5     a postcode lookup, fixtures/demo/postcodes.csv
 * Printable selectors: '@' incidents, 'A' missing, 'B'..'G' the other
 * headers, +8 ('H'...) month first, +16 ('P'...) filter, +32 ('`'...)
 * postcodes.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ingest/csv.h"
#include "ingest/ingest.h"
#include "tests/fuzz/fuzz.h"

/* Header lines by [kind][variant]: the fixtures' layouts, both police.uk
 * layouts, lon/lat and postcode places, and a tab-separated file. */
static const char *const headers[2][4] = {
    {"id,occurred_at,easting,northing,category",
     "id,occurred_at,occurred_to,longitude,latitude,postcode,category,"
     "subject_id,lsoa",
     "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
     "LSOA code,LSOA name,Crime type,Last outcome category,Context",
     "Type,Date,Part of a policing operation,Policing operation,Latitude,"
     "Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined "
     "ethnicity,Legislation,Object of search,Outcome,Outcome linked to "
     "object of search,Removal of more than just outer clothing"},
    {"episode_id,child_id,missing_at,returned_at,from_easting,from_northing,"
     "found_easting,found_northing",
     "episode_id,child_id,missing_at,returned_at,from_easting,from_northing,"
     "found_easting,found_northing,looked_after,placing_authority",
     "episode_id,child_id,missing_at,returned_at,from_longitude,"
     "from_latitude,from_postcode,found_longitude,found_latitude,"
     "found_postcode,looked_after,placing_authority",
     "episode_id\tchild_id\tmissing_at\treturned_at\tfrom_easting\t"
     "from_northing\tfound_easting\tfound_northing\tlooked_after"}};

/* Built once in LLVMFuzzerInitialize, freed at exit. */
static struct {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_filter *filter;
    vemt_postcodes *postcodes;
    vemt_tz *zone; /* Europe/London, the default --input-time-zone */
    char dir[512];
    char path[600];
} fz;

/* At exit: remove the temporary file. The context stays reachable through
 * fz (so LeakSanitizer does not count it): destroying its PROJ context from
 * an atexit handler would run after PROJ's own static destructors. */
static void teardown(void) {
    vemt_filter_destroy(fz.filter);
    vemt_postcodes_destroy(fz.postcodes);
    vemt_pseudo_destroy(fz.pseudo);
    vemt_tz_destroy(fz.zone);
    if (fz.path[0]) unlink(fz.path);
    if (fz.dir[0]) rmdir(fz.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    vemt_key_origin origin;
    const char *tmp = getenv("TMPDIR");
    snprintf(fz.dir, sizeof fz.dir, "%s/vemt-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fz.dir)) {
        perror("fuzz_ingest_row: mkdtemp");
        abort();
    }
    snprintf(fz.path, sizeof fz.path, "%s/rows.csv", fz.dir);
    atexit(teardown);
    if (vemt_ctx_create(1, &fz.ctx) ||
        vemt_pseudo_create(fz.ctx, NULL, "vemt fuzz key", &fz.pseudo,
                           &origin) ||
        vemt_filter_create(fz.ctx, "drugs,violence,Shoplifting,Person search",
                           "/sexual|grooming/", &fz.filter) ||
        vemt_postcodes_load(fz.ctx, VEMT_FIXTURES "/demo/postcodes.csv", NULL,
                            &fz.postcodes) ||
        vemt_tz_load(fz.ctx, VEMT_TZ_DEFAULT, &fz.zone)) {
        fprintf(stderr, "fuzz_ingest_row: set-up failed: %s\n",
                vemt_ctx_error(fz.ctx)->msg);
        abort();
    }
    return 0;
}

/* Number of records the tokenizer sees in the file, header included. */
static long count_records(const char *text, size_t size) {
    vemt_csv *csv = NULL;
    vemt_csv_record rec;
    long n = 0;
    FUZZ_CHECK(vemt_csv_create(text, size, 0, &csv) == VEMT_OK);
    while (vemt_csv_next(csv, &rec) == VEMT_OK && !rec.eof) n++;
    vemt_csv_destroy(csv);
    return n;
}

static bool has_nul(const char *s, size_t size) {
    return memchr(s, '\0', size) != NULL;
}

static void check_events(const vemt_events *events, long n_read) {
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        FUZZ_CHECK(ev->kind >= VEMT_KIND_INCIDENT && ev->kind < VEMT_KIND_END);
        FUZZ_CHECK(ev->source_row >= 2 && ev->source_row <= n_read + 1);
        if (ev->located) FUZZ_CHECK(isfinite(ev->x) && isfinite(ev->y));
        /* A keyed pseudonym is 20 hex digits, or "" without an id. */
        size_t k = strnlen(ev->subject_key, sizeof ev->subject_key);
        FUZZ_CHECK(k == 0 || (k == 20 && strspn(ev->subject_key,
                                                "0123456789abcdef") == 20));
    }
}

static void check_rejects(const vemt_rejects *rejects, long n_read) {
    for (size_t i = 0; i < rejects->n; i++) {
        const vemt_reject *r = &rejects->items[i];
        FUZZ_CHECK(vemt_status_is_input(r->err.code));
        FUZZ_CHECK(r->err.row >= 2 && r->err.row <= n_read + 1);
        FUZZ_CHECK(r->err.line >= r->err.row);
        FUZZ_CHECK(has_nul(r->err.msg, sizeof r->err.msg) && r->err.msg[0]);
        FUZZ_CHECK(has_nul(r->err.field, sizeof r->err.field));
        FUZZ_CHECK(r->raw != NULL);
    }
}

/* The same file read in two parts on two threads gives exactly the
 * one-thread result (see ingest/reader.c). */
static void same_in_two_parts(const vemt_ingest_opts *opts,
                              const vemt_source *one, const vemt_events *ev,
                              const vemt_rejects *rj, const vemt_merges *mg) {
    vemt_source src;
    memset(&src, 0, sizeof src);
    src.path = one->path;
    src.kind = one->kind;
    vemt_events events = {0};
    vemt_rejects rejects = {0};
    vemt_merges merges = {0};
    vemt_status st =
        vemt_ingest_file(fz.ctx, opts, &src, 0, &events, &rejects, &merges);
    if (st != VEMT_E_NOMEM) {
        FUZZ_CHECK(st == VEMT_OK);
        FUZZ_CHECK(src.n_read == one->n_read && src.n_used == one->n_used &&
                   src.n_nowhere == one->n_nowhere &&
                   src.n_merged == one->n_merged &&
                   src.n_excluded == one->n_excluded &&
                   src.n_rejected == one->n_rejected);
        FUZZ_CHECK(events.n == ev->n && rejects.n == rj->n &&
                   merges.n == mg->n);
        for (size_t i = 0; i < events.n && i < ev->n; i++) {
            const vemt_event *a = &ev->items[i], *b = &events.items[i];
            FUZZ_CHECK(a->source_row == b->source_row &&
                       a->start_utc == b->start_utc && a->kind == b->kind &&
                       a->located == b->located &&
                       (!a->located || (a->x == b->x && a->y == b->y)) &&
                       !strcmp(vemt_events_text(ev, a->category),
                               vemt_events_text(&events, b->category)));
        }
        for (size_t i = 0; i < rejects.n && i < rj->n; i++) {
            const vemt_reject *a = &rj->items[i], *b = &rejects.items[i];
            FUZZ_CHECK(a->err.row == b->err.row && a->err.line == b->err.line &&
                       a->err.column == b->err.column &&
                       !strcmp(a->err.msg, b->err.msg) &&
                       !strcmp(a->raw ? a->raw : "", b->raw ? b->raw : ""));
        }
        for (size_t i = 0; i < merges.n && i < mg->n; i++)
            FUZZ_CHECK(merges.items[i].kept_row == mg->items[i].kept_row &&
                       merges.items[i].merged_row == mg->items[i].merged_row);
    }
    vemt_events_clear(&events);
    vemt_rejects_clear(&rejects);
    vemt_merges_clear(&merges);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    unsigned sel = data[0];
    vemt_source_kind kind =
        sel & 1 ? VEMT_SOURCE_MISSING : VEMT_SOURCE_INCIDENTS;
    const char *header = headers[sel & 1][(sel >> 1) & 3];
    size_t hlen = strlen(header), n = hlen + 1 + (size - 1);
    char *text = malloc(n);
    if (!text) return 0;
    memcpy(text, header, hlen);
    text[hlen] = '\n';
    memcpy(text + hlen + 1, data + 1, size - 1);
    FILE *f = fopen(fz.path, "wb");
    FUZZ_CHECK(f && fwrite(text, 1, n, f) == n && fclose(f) == 0);

    vemt_ingest_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.pseudo = fz.pseudo;
    opts.month_first = sel & 8;
    opts.filter = sel & 16 ? fz.filter : NULL;
    opts.postcodes = sel & 32 ? fz.postcodes : NULL;
    opts.zone = sel & 64 ? NULL : fz.zone; /* UTC now and then */
    vemt_source src;
    memset(&src, 0, sizeof src);
    src.path = fz.path;
    src.kind = kind;
    vemt_events events = {0};
    vemt_rejects rejects = {0};
    vemt_merges merges = {0};
    opts.parts = 1;
    vemt_status st =
        vemt_ingest_file(fz.ctx, &opts, &src, 0, &events, &rejects, &merges);
    /* The header is valid, so only running out of memory may fail the
     * call: a bad row is data, not a failed call. */
    if (st != VEMT_E_NOMEM) {
        FUZZ_CHECK(st == VEMT_OK);
        FUZZ_CHECK(vemt_source_reconciles(&src));
        FUZZ_CHECK(src.n_read == count_records(text, n) - 1);
        FUZZ_CHECK(src.n_rejected == (long)rejects.n);
        FUZZ_CHECK(src.n_merged == (long)merges.n);
        FUZZ_CHECK(src.n_events == (long)events.n);
        check_events(&events, src.n_read);
        check_rejects(&rejects, src.n_read);
        opts.parts = 2;
        same_in_two_parts(&opts, &src, &events, &rejects, &merges);
    }
    vemt_events_clear(&events);
    vemt_rejects_clear(&rejects);
    vemt_merges_clear(&merges);
    free(text);
    return 0;
}
