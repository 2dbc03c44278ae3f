/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_places.c
 * @brief Places grouped within a radius (the same as every pair measured),
 * the safeguarding stage's skip when no event has a subject key, weekly
 * profiles and patrol windows.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/units.h"
#include "pipeline/safeguard.h"
#include "tests/test.h"
#include "tests/tzutil.h"

static void put(vemt_events *ev, double x, double y, int64_t t,
                vemt_precision prec) {
    vemt_event v = {0};
    v.x = x;
    v.y = y;
    v.start_utc = v.end_utc = t;
    v.located = v.in_area = true;
    v.kind = VEMT_KIND_FOUND_AT;
    v.precision = (uint8_t)prec;
    vemt_events_push(ev, &v);
}

TEST(single_linkage_places) {
    vemt_events ev = {0};
    /* A chain 0-90-180 m (each link under 100 m) is one place; 500 m away
     * another; an incident-only filter leaves the kinds not asked out. */
    put(&ev, 1000, 1000, 0, VEMT_PREC_SECOND);
    put(&ev, 1090, 1000, 0, VEMT_PREC_SECOND);
    put(&ev, 1180, 1000, 0, VEMT_PREC_SECOND);
    put(&ev, 1680, 1000, 0, VEMT_PREC_SECOND);
    put(&ev, 1000, 1101, 0, VEMT_PREC_SECOND); /* 101 m from the first */
    size_t place[5], n;
    CHECK_INT_EQ(
        vemt_places_group(&ev, 1u << VEMT_KIND_FOUND_AT, 100, place, &n),
        VEMT_OK);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(place[0], place[1]);
    CHECK_INT_EQ(place[1], place[2]);
    CHECK(place[3] != place[0] && place[4] != place[0]);
    CHECK_INT_EQ(
        vemt_places_group(&ev, 1u << VEMT_KIND_INCIDENT, 100, place, &n),
        VEMT_OK);
    CHECK_INT_EQ(n, 0);
    CHECK(place[0] == SIZE_MAX);
    vemt_events_clear(&ev);
}

/* ---- Places against a brute-force reference ------------------------------
 * The rule: two events are linked when hypot(dx, dy) <= radius ("within"
 * includes the radius itself, as places always had), and a place is a
 * connected set of links (single linkage), numbered by its first event.
 * The reference measures all n(n - 1) / 2 pairs; the engine measures only
 * pairs of nearby cells. */

static uint32_t ref_find(uint32_t *p, uint32_t i) {
    while (p[i] != i) i = p[i] = p[p[i]];
    return i;
}

static size_t ref_places(const vemt_events *ev, unsigned kinds, double r,
                         size_t *place) {
    size_t n = ev->n, places = 0;
    uint32_t *parent = calloc(n + 1, sizeof *parent);
    size_t *label = calloc(n + 1, sizeof *label);
    for (size_t i = 0; i < n; i++) parent[i] = (uint32_t)i, label[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const vemt_event *a = &ev->items[i], *b = &ev->items[j];
            if (!a->located || !b->located || !(kinds & (1u << a->kind)) ||
                !(kinds & (1u << b->kind)))
                continue;
            if (hypot(a->x - b->x, a->y - b->y) <= r)
                parent[ref_find(parent, (uint32_t)i)] =
                    ref_find(parent, (uint32_t)j);
        }
    for (size_t i = 0; i < n; i++) {
        const vemt_event *e = &ev->items[i];
        place[i] = SIZE_MAX;
        if (!e->located || !(kinds & (1u << e->kind))) continue;
        size_t root = ref_find(parent, (uint32_t)i);
        if (label[root] == SIZE_MAX) label[root] = places++;
        place[i] = label[root];
    }
    free(parent);
    free(label);
    return places;
}

/* xorshift64* (Vigna 2016), seeded per case. */
static uint64_t next_u64(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static double uniform(uint64_t *s) {
    return (double)(next_u64(s) >> 11) * 0x1.0p-53;
}

/* Compare the engine's places with the reference's, event by event. */
static void check_same(test_state *t_, const vemt_events *ev, unsigned kinds,
                       double r) {
    size_t *got = calloc(ev->n + 1, sizeof *got);
    size_t *want = calloc(ev->n + 1, sizeof *want);
    size_t n_got = 0, n_want = ref_places(ev, kinds, r, want);
    CHECK_INT_EQ(vemt_places_group(ev, kinds, r, got, &n_got), VEMT_OK);
    CHECK_INT_EQ(n_got, n_want);
    size_t differ = 0;
    for (size_t i = 0; i < ev->n; i++) differ += got[i] != want[i];
    CHECK_INT_EQ(differ, 0);
    free(got);
    free(want);
}

/* Uniform points, clustered points (many coincident, as many events at one
 * address), a mixture of kinds and unlocated events, over several seeds and
 * radii; the same places as every pair measured. */
TEST(same_places_as_every_pair) {
    const double radii[] = {100, 37.5, 1, 1000};
    for (uint64_t seed = 1; seed <= 6; seed++) {
        vemt_events ev = {0};
        uint64_t s = seed * 0x9E3779B97F4A7C15ull;
        bool clustered = seed % 2 == 0;
        /* Sparse (most events alone), middling, dense. */
        double side = seed <= 2 ? 30000 : seed <= 4 ? 3000 : 800;
        for (int i = 0; i < 1500; i++) {
            double x, y;
            if (clustered) { /* 12 centres, spreads of 0 to 60 m */
                int c = (int)(uniform(&s) * 12);
                double spread = (c % 4) * 20.0;
                x = 400 + 200 * (c % 4) + spread * (uniform(&s) - 0.5);
                y = 400 + 200 * (c / 4) + spread * (uniform(&s) - 0.5);
            } else {
                x = 450000 + side * uniform(&s);
                y = 510000 + side * uniform(&s);
            }
            put(&ev, x, y, 0, VEMT_PREC_SECOND);
            vemt_event *e = &ev.items[ev.n - 1];
            e->kind =
                uniform(&s) < 0.2 ? VEMT_KIND_MISSING_FROM : VEMT_KIND_FOUND_AT;
            e->located = uniform(&s) < 0.97;
        }
        unsigned kinds = 1u << VEMT_KIND_FOUND_AT;
        for (size_t k = 0; k < sizeof radii / sizeof *radii; k++)
            check_same(t_, &ev, kinds, radii[k]);
        vemt_events_clear(&ev);
    }
}

/* Points exactly the radius apart are linked (<=), a hair further not:
 * a lattice of spacing 50 m links across rows and columns but not along
 * diagonals (70.7 m); at 49.999 m nothing links; radii that are not
 * representable (0.1) and huge or degenerate ones agree with the rule. */
TEST(exactly_at_the_radius) {
    vemt_events ev = {0};
    for (int i = 0; i < 20; i++)
        for (int j = 0; j < 20; j++)
            if ((i * 7 + j * 3) % 5) /* holes, so places split */
                put(&ev, 460000 + 50.0 * i, 520000 + 50.0 * j, 0,
                    VEMT_PREC_SECOND);
    unsigned kinds = 1u << VEMT_KIND_FOUND_AT;
    const double radii[] = {50, 49.999, 50.001, 70.71,    71,   100,
                            0,  -1,     NAN,    INFINITY, 1e300};
    for (size_t k = 0; k < sizeof radii / sizeof *radii; k++)
        check_same(t_, &ev, kinds, radii[k]);
    size_t *place = calloc(ev.n, sizeof *place), n = 0;
    CHECK_INT_EQ(vemt_places_group(&ev, kinds, 50, place, &n), VEMT_OK);
    CHECK(place[0] == place[1]); /* (0, 0) and (0, 50 m): exactly 50 m */
    CHECK_INT_EQ(vemt_places_group(&ev, kinds, 49.999, place, &n), VEMT_OK);
    CHECK_INT_EQ(n, ev.n);
    CHECK_INT_EQ(vemt_places_group(&ev, kinds, INFINITY, place, &n), VEMT_OK);
    CHECK_INT_EQ(n, 1);
    free(place);
    vemt_events_clear(&ev);
    /* Tenths of a metre: 0.3 - 0.2 is 0.09999999999999998 <= 0.1. */
    for (int i = 0; i < 40; i++) put(&ev, 0.1 * i, 0.1 * (i % 3), 0, 0);
    check_same(t_, &ev, kinds, 0.1);
    check_same(t_, &ev, kinds, 0.3);
    vemt_events_clear(&ev);
    /* Coincident points with radius 0 are one place; -0 equals 0. */
    put(&ev, 5, 5, 0, 0);
    put(&ev, 6, 5, 0, 0);
    put(&ev, 5, 5, 0, 0);
    put(&ev, -0.0, 0, 0, 0);
    put(&ev, 0, -0.0, 0, 0);
    check_same(t_, &ev, kinds, 0);
    vemt_events_clear(&ev);
}

/* An extent of more than 2^30 cells (1 m radius, 10^9 m apart): wider
 * cells whose points are measured pair by pair, the same places. */
TEST(huge_extent) {
    vemt_events ev = {0};
    uint64_t s = 99;
    for (int i = 0; i < 400; i++)
        put(&ev, (i % 2 ? 1e9 : 0) + 4 * uniform(&s), 4 * uniform(&s), 0, 0);
    check_same(t_, &ev, 1u << VEMT_KIND_FOUND_AT, 1);
    check_same(t_, &ev, 1u << VEMT_KIND_FOUND_AT, 0.25);
    vemt_events_clear(&ev);
}

/* A non-finite coordinate is a caller's error, as it was. */
TEST(non_finite_coordinate) {
    vemt_events ev = {0};
    put(&ev, 0, 0, 0, 0);
    put(&ev, NAN, 0, 0, 0);
    size_t place[2], n = 7;
    CHECK_STATUS(
        vemt_places_group(&ev, 1u << VEMT_KIND_FOUND_AT, 100, place, &n),
        VEMT_E_ARG);
    CHECK_INT_EQ(n, 0);
    CHECK(place[0] == SIZE_MAX && place[1] == SIZE_MAX);
    vemt_events_clear(&ev);
}

/* The safeguarding stage skips locations of concern, with a note for the
 * run's log, when no event it groups has a subject key (no place could be
 * linked to a child); with keys it finds them. */
TEST(no_subject_skips_places) {
    vemt_ctx *ctx = NULL;
    CHECK_INT_EQ(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_job job;
    vemt_job_init(&job, VEMT_JOB_RUN);
    vemt_events ev = {0};
    for (int i = 0; i < 4; i++) put(&ev, 1000 + i, 1000, 0, VEMT_PREC_DAY);
    vemt_bbox box = {900, 900, 1100, 1100};
    vemt_units *grid = NULL;
    CHECK_INT_EQ(vemt_units_create_square(ctx, 100, &box, NULL, &grid),
                 VEMT_OK);
    int8_t bins[16] = {0};
    CHECK(grid && vemt_units_count(grid) <= 16);
    vemt_safeguard_result r;
    CHECK_INT_EQ(vemt_safeguard_run(&job, &ev, grid, bins, NULL, &r), VEMT_OK);
    CHECK(r.note != NULL && strstr(r.note,
                                   "no located incident or found-at "
                                   "event has a subject key"));
    CHECK_INT_EQ(r.out.n_places, 0);
    vemt_safeguard_clear(&r);
    /* A key on a missing_from event is not one the places group. */
    ev.items[0].kind = VEMT_KIND_MISSING_FROM;
    strcpy(ev.items[0].subject_key, "00000000000000000000");
    CHECK_INT_EQ(vemt_safeguard_run(&job, &ev, grid, bins, NULL, &r), VEMT_OK);
    CHECK(r.note != NULL);
    vemt_safeguard_clear(&r);
    /* Three children at one place: a location of concern (3 or more). */
    for (int i = 1; i < 4; i++)
        snprintf(ev.items[i].subject_key, sizeof ev.items[i].subject_key,
                 "%020d", i);
    CHECK_INT_EQ(vemt_safeguard_run(&job, &ev, grid, bins, NULL, &r), VEMT_OK);
    CHECK(r.note == NULL);
    CHECK_INT_EQ(r.out.n_places, 1);
    CHECK_INT_EQ(r.out.places[0].n_children, 3);
    CHECK_INT_EQ(r.out.places[0].n_events, 3);
    vemt_safeguard_clear(&r);
    vemt_units_destroy(grid);
    vemt_events_clear(&ev);
    vemt_job_clear(&job);
    vemt_ctx_destroy(ctx);
}

TEST(profile_and_windows) {
    vemt_events ev = {0};
    /* 2024-01-02 (a Tuesday, GMT) 19:30 three times, 2024-07-03 (a
     * Wednesday, BST) 18:30 UTC = 19:30 local, and a month-precision event
     * that carries no hour. */
    int64_t tue = vemt_days_from_civil(2024, 1, 2) * 86400 + 19 * 3600 + 1800;
    int64_t wed = vemt_days_from_civil(2024, 7, 3) * 86400 + 18 * 3600 + 1800;
    for (int i = 0; i < 3; i++) put(&ev, 0, 0, tue, VEMT_PREC_MINUTE);
    put(&ev, 0, 0, wed, VEMT_PREC_MINUTE);
    put(&ev, 0, 0, tue, VEMT_PREC_MONTH);
    size_t which[5] = {0, 1, 2, 3, 4}, skipped;
    double prof[7 * 24];
    vemt_tz *london = test_zone("Europe/London");
    CHECK(london != NULL);
    vemt_week_profile(&ev, which, 5, NULL, prof, &skipped); /* UTC */
    CHECK_NEAR(prof[2 * 24 + 18], 1, 0);
    CHECK_NEAR(prof[2 * 24 + 19], 0, 0);
    vemt_week_profile(&ev, which, 5, london, prof, &skipped);
    vemt_tz_destroy(london);
    CHECK_INT_EQ(skipped, 1);
    CHECK_NEAR(prof[1 * 24 + 19], 3, 0);
    CHECK_NEAR(prof[2 * 24 + 19], 1, 0); /* local time, not UTC */
    vemt_window_score w[2];
    vemt_best_windows(prof, 3, w, 2);
    CHECK_INT_EQ(w[0].weekday, 1);
    CHECK(w[0].start_hour >= 24 + 17 && w[0].start_hour <= 24 + 19);
    CHECK_NEAR(w[0].weight, 3, 0);
    CHECK_INT_EQ(w[1].weekday, 2); /* the next, not overlapping the first */
    /* Windows wrap past Sunday midnight into Monday. */
    double wrap[7 * 24] = {0};
    wrap[6 * 24 + 23] = 2;
    wrap[0] = 2;
    vemt_best_windows(wrap, 2, w, 1);
    CHECK_INT_EQ(w[0].start_hour, 6 * 24 + 23);
    CHECK_NEAR(w[0].weight, 4, 0);
    vemt_events_clear(&ev);
}

/* Times before 1970 are negative: hours and weekdays round down, so
 * Sunday 28 December 1969 10:00 UTC is Sunday at 10, not a negative hour
 * written before the profile (it was, before floor division). */
TEST(profile_before_1970) {
    vemt_events ev = {0};
    int64_t sun = vemt_days_from_civil(1969, 12, 28) * 86400;
    put(&ev, 0, 0, sun + 10 * 3600, VEMT_PREC_MINUTE);
    put(&ev, 0, 0, sun + 23 * 3600 + 1800, VEMT_PREC_MINUTE);
    size_t which[] = {0, 1}, skipped;
    double prof[7 * 24];
    vemt_week_profile(&ev, which, 2, NULL, prof, &skipped);
    CHECK_NEAR(prof[6 * 24 + 10], 1, 0);
    CHECK_NEAR(prof[6 * 24 + 23], 1, 0);
    double sum = 0;
    for (int h = 0; h < 7 * 24; h++) sum += prof[h];
    CHECK_NEAR(sum, 2, 0);
    vemt_events_clear(&ev);
}

TEST_SUITE(places) {
    RUN(single_linkage_places);
    RUN(same_places_as_every_pair);
    RUN(exactly_at_the_radius);
    RUN(huge_extent);
    RUN(non_finite_coordinate);
    RUN(no_subject_skips_places);
    RUN(profile_and_windows);
    RUN(profile_before_1970);
}
