/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_disclosure_metadata.c
 * @brief Disclosure control in the provenance: row accounting that can't be
 * solved back by subtraction, and time windows in whole months outside the
 * restricted tier.
 */
#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "outputs/ogr_writer.h"
#include "outputs/outputs.h"
#include "tests/test.h"

/* The published accounting of one file with the given counts (read, used,
 * located nowhere, merged, excluded, rejected, events) in a tier. */
static void accounting(const char *tier, double below, const long *n,
                       json_object **inputs, json_object **doc) {
    vemt_source s = {.path = "in.csv", .kind = VEMT_SOURCE_INCIDENTS};
    s.n_read = n[0], s.n_used = n[1], s.n_nowhere = n[2], s.n_merged = n[3];
    s.n_excluded = n[4], s.n_rejected = n[5], s.n_events = n[6];
    vemt_events ev = {0};
    vemt_provenance p = {.key_origin = "test",
                         .tier = tier,
                         .suppress_below = below,
                         .command = "run"};
    vemt_output out = {
        .events = &ev, .sources = &s, .n_sources = 1, .provenance = &p};
    char *text = vemt_outputs_provenance_json(&out);
    *doc = text ? json_tokener_parse(text) : NULL;
    vemt_outputs_free(text);
    json_object *arr = NULL;
    if (*doc) json_object_object_get_ex(*doc, "inputs", &arr);
    *inputs = arr ? json_object_array_get_idx(arr, 0) : NULL;
}

static bool is_null(json_object *o, const char *key) {
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v == NULL;
}

TEST(row_accounting_not_published) {
    static const char keys[][24] = {
        "rows_read",   "rows_used",     "rows_located_nowhere",
        "rows_merged", "rows_excluded", "rows_rejected",
        "events",      "bytes",         "sha256",
        "path",        "columns"};
    /* Outside the restricted tier the provenance holds parameters and
     * rules, never a number computed from the data (issue 16, finding 1):
     * no row accounting, however it is rounded, and no size or hash of an
     * input. What the file was stays. */
    const long cases[][7] = {{100, 97, 0, 0, 0, 3, 97},
                             {100, 50, 20, 12, 15, 3, 70}};
    static const char *const tiers[] = {"partner", "public"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (int t = 0; t < 2; t++) {
            json_object *in, *doc, *v = NULL;
            accounting(tiers[t], 10, cases[c], &in, &doc);
            CHECK(in != NULL);
            if (!in) continue;
            for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
                CHECK(!json_object_object_get_ex(in, keys[k], &v));
            CHECK(json_object_object_get_ex(in, "kind", &v) &&
                  !strcmp(json_object_get_string(v), "incidents"));
            json_object_put(doc);
        }
    /* The restricted tier gives everything. */
    json_object *in, *doc;
    accounting("restricted", 0, cases[0], &in, &doc);
    CHECK(in && !is_null(in, "rows_rejected") && !is_null(in, "rows_used"));
    json_object_put(doc);
}

/* One event from t0 to t1 (UTC seconds). */
static void push(vemt_events *ev, int64_t t0, int64_t t1) {
    vemt_event e = {0};
    e.start_utc = t0;
    e.end_utc = t1;
    vemt_events_push(ev, &e);
}

TEST(time_window_whole_months) {
    vemt_events ev = {0};
    int64_t d0 = vemt_days_from_civil(2024, 1, 17) * 86400 + 3600 * 15 + 59;
    int64_t d1 = vemt_days_from_civil(2024, 12, 5) * 86400 + 60;
    push(&ev, d0, -1);
    push(&ev, d1 - 600, d1);
    vemt_provenance p = {.key_origin = "test",
                         .tier = "public",
                         .suppress_below = 10,
                         .command = "run"};
    vemt_output out = {.events = &ev, .provenance = &p};
    int64_t t0, t1;
    CHECK(vemt_outputs_published_time_range(&out, &t0, &t1));
    CHECK_INT_EQ(t0, vemt_days_from_civil(2024, 1, 1) * 86400);
    CHECK_INT_EQ(t1, vemt_days_from_civil(2025, 1, 1) * 86400 - 1);
    char *text = vemt_outputs_provenance_json(&out);
    CHECK(text && strstr(text, "\"start_utc\":\"2024-01-01T00:00:00.000Z\""));
    CHECK(text && strstr(text, "\"end_utc\":\"2024-12-31T23:59:59.000Z\""));
    CHECK(text && !strstr(text, "2024-01-17") && !strstr(text, "2024-12-05"));
    vemt_outputs_free(text);
    /* Restricted: the events' own times. */
    p.tier = "restricted";
    CHECK(vemt_outputs_published_time_range(&out, &t0, &t1));
    CHECK_INT_EQ(t0, d0);
    CHECK_INT_EQ(t1, d1);
    vemt_events_clear(&ev);
}

TEST_SUITE(disclosure_metadata) {
    RUN(row_accounting_not_published);
    RUN(time_window_whole_months);
}
