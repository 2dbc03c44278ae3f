/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_places.c
 * @brief Places grouped within a radius, weekly profiles and patrol
 * windows.
 */
#include "engine/engine.h"
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
    RUN(profile_and_windows);
    RUN(profile_before_1970);
}
