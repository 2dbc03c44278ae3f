/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_calendar.c
 * @brief Calendar time on real police.uk files: a month label lies wholly
 * in its month, steps are calendar periods of the analysis zone, weekly
 * steps refuse month-only events unless told to spread them.
 */
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/test.h"

typedef struct loaded {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_tz *london;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_units *grid;
} loaded;

/* Read a police.uk fixture with Europe/London labels and lay a 1 km grid
 * over its events. */
static vemt_status load(loaded *l, const char *file) {
    memset(l, 0, sizeof *l);
    vemt_key_origin o;
    vemt_ctx_create(1, &l->ctx);
    vemt_pseudo_create(l->ctx, NULL, "test key", &l->pseudo, &o);
    vemt_status st = vemt_tz_load(l->ctx, "Europe/London", &l->london);
    if (st) return st;
    char path[512];
    snprintf(path, sizeof path, "%s/policeuk/%s", VEMT_FIXTURES, file);
    vemt_ingest_opts opts = {.pseudo = l->pseudo, .zone = l->london};
    vemt_source src = {.path = path, .kind = VEMT_SOURCE_INCIDENTS};
    st = vemt_ingest_file(l->ctx, &opts, &src, 0, &l->events, &l->rejects,
                          &l->merges);
    if (st) return st;
    vemt_bbox e = {1e300, 1e300, -1e300, -1e300};
    for (size_t i = 0; i < l->events.n; i++) {
        const vemt_event *ev = &l->events.items[i];
        if (ev->x < e.xmin) e.xmin = ev->x;
        if (ev->y < e.ymin) e.ymin = ev->y;
        if (ev->x > e.xmax) e.xmax = ev->x;
        if (ev->y > e.ymax) e.ymax = ev->y;
    }
    e.xmax += 1;
    e.ymax += 1;
    return vemt_units_create_square(l->ctx, 1000, &e, NULL, &l->grid);
}

static void unload(loaded *l) {
    vemt_units_destroy(l->grid);
    vemt_events_clear(&l->events);
    vemt_rejects_clear(&l->rejects);
    vemt_merges_clear(&l->merges);
    vemt_tz_destroy(l->london);
    vemt_pseudo_destroy(l->pseudo);
    vemt_ctx_destroy(l->ctx);
}

static vemt_cube_opts monthly(const loaded *l) {
    return (vemt_cube_opts){.unit = VEMT_STEP_MONTH,
                            .kinds = 1u << VEMT_KIND_INCIDENT,
                            .time_lag = 1,
                            .window = VEMT_WINDOW_CUBE,
                            .zone = l->london,
                            .input_zone = l->london};
}

/* Sum of step t over the cube's units; *fractional counts bins that are
 * not whole numbers. */
static double step_sum(const vemt_cube *c, size_t t, size_t *fractional) {
    size_t U = vemt_cube_units(c), T = vemt_cube_steps(c);
    double s = 0;
    for (size_t u = 0; u < U; u++) {
        double v = vemt_cube_events(c)[u * T + t];
        s += v;
        *fractional += v != (double)(long)v;
    }
    return s;
}

/* Nottingham burglary 2022 as police.uk publishes it, per month (the
 * shared data's README, checked there with Python's csv module). */
TEST(nottingham_months_are_the_published_counts) {
    static const int published[12] = {150, 184, 166, 126, 163, 145,
                                      128, 123, 135, 172, 140, 163};
    loaded l;
    CHECK_INT_EQ(load(&l, "nottingham_burglary.csv.gz"), VEMT_OK);
    CHECK_INT_EQ(l.events.n, 1795);
    vemt_cube_opts o = monthly(&l);
    vemt_cube *c = NULL;
    CHECK_INT_EQ(vemt_cube_create(l.ctx, l.grid, &l.events, &o, &c), VEMT_OK);
    if (!c) {
        unload(&l);
        return;
    }
    CHECK_INT_EQ(vemt_cube_steps(c), 12);
    size_t fractional = 0;
    for (size_t t = 0; t < 12 && t < vemt_cube_steps(c); t++) {
        CHECK_NEAR(step_sum(c, t, &fractional), published[t], 0);
        char label[16], want[16];
        vemt_cube_step_label(c, t, label, sizeof label);
        snprintf(want, sizeof want, "2022-%02zu", t + 1);
        CHECK_STR_EQ(label, want);
        /* Steps start at local midnight: 00:00 GMT or 23:00 UTC in BST. */
        int64_t first = vemt_days_from_civil(2022, (int)t + 1, 1);
        CHECK_INT_EQ(vemt_cube_step_first_day(c, t), first);
        CHECK_INT_EQ(vemt_cube_step_start(c, t),
                     first * 86400 - (t >= 3 && t <= 9 ? 3600 : 0));
    }
    CHECK_INT_EQ(fractional, 0);
    CHECK_NEAR(vemt_cube_total(c), 1795, 0);
    CHECK_INT_EQ(vemt_cube_step_days(c, 1), 28);
    /* The whole-area series too. */
    double n[12], s[12];
    CHECK_INT_EQ(vemt_cube_series(c, &l.events, 0, n, s), VEMT_OK);
    for (size_t t = 0; t < 12; t++) CHECK_NEAR(n[t], published[t], 0);
    vemt_cube_destroy(c);
    unload(&l);
}

/* The step wholly holding an event, told apart from events outside the
 * cube (a clipped window) and events over two steps. */
TEST(event_steps) {
    loaded l;
    CHECK_INT_EQ(load(&l, "nottingham_burglary.csv.gz"), VEMT_OK);
    vemt_cube_opts o = monthly(&l);
    /* From 1 March 2022, London: 00:00 GMT. */
    o.start_utc = vemt_days_from_civil(2022, 3, 1) * 86400;
    vemt_cube *c = NULL;
    CHECK_INT_EQ(vemt_cube_create(l.ctx, l.grid, &l.events, &o, &c), VEMT_OK);
    if (!c) {
        unload(&l);
        return;
    }
    CHECK_INT_EQ(vemt_cube_steps(c), 10);
    size_t n[3] = {0, 0, 0};
    for (size_t i = 0; i < l.events.n; i++) {
        long t = vemt_cube_event_step(c, &l.events.items[i]);
        n[t >= 0 ? 0 : t == VEMT_CUBE_OUTSIDE ? 1 : 2]++;
    }
    CHECK_INT_EQ(n[0], 1795 - 150 - 184); /* March to December */
    CHECK_INT_EQ(n[1], 150 + 184);        /* January and February */
    CHECK_INT_EQ(n[2], 0);
    /* A label from April to May spans two steps. */
    vemt_event ev = l.events.items[0];
    ev.start_utc =
        vemt_tz_day_start(l.london, vemt_days_from_civil(2022, 4, 1));
    ev.end_utc =
        vemt_tz_day_start(l.london, vemt_days_from_civil(2022, 6, 1)) - 1;
    CHECK_INT_EQ(vemt_cube_event_step(c, &ev), VEMT_CUBE_SPANS);
    ev.end_utc =
        vemt_tz_day_start(l.london, vemt_days_from_civil(2022, 5, 1)) - 1;
    CHECK_INT_EQ(vemt_cube_event_step(c, &ev), 1);
    vemt_cube_destroy(c);
    unload(&l);
}

/* Merseyside's 13 months give 13 steps, with no phantom step before. */
TEST(thirteen_months_give_thirteen_steps) {
    loaded l;
    CHECK_INT_EQ(load(&l, "merseyside_shoplifting_13months_sample.csv"),
                 VEMT_OK);
    vemt_cube_opts o = monthly(&l);
    vemt_cube *c = NULL;
    CHECK_INT_EQ(vemt_cube_create(l.ctx, l.grid, &l.events, &o, &c), VEMT_OK);
    if (!c) {
        unload(&l);
        return;
    }
    CHECK_INT_EQ(vemt_cube_steps(c), 13);
    size_t fractional = 0;
    for (size_t t = 0; t < vemt_cube_steps(c); t++)
        CHECK_NEAR(step_sum(c, t, &fractional), 20, 0);
    CHECK_INT_EQ(fractional, 0);
    char label[16];
    vemt_cube_step_label(c, 0, label, sizeof label);
    CHECK_STR_EQ(label, "2019-05");
    vemt_cube_destroy(c);
    unload(&l);
}

/* Weekly steps on month-only data would invent the day: refused with the
 * count and the choices, or spread over the days of the month on request. */
TEST(month_only_events_and_weekly_steps) {
    loaded l;
    CHECK_INT_EQ(load(&l, "nottingham_burglary.csv.gz"), VEMT_OK);
    vemt_cube_opts o = monthly(&l);
    o.unit = VEMT_STEP_WEEK;
    vemt_cube *c = NULL;
    CHECK_INT_EQ(vemt_cube_create(l.ctx, l.grid, &l.events, &o, &c),
                 VEMT_E_OPTION);
    const char *msg = vemt_ctx_error(l.ctx)->msg;
    CHECK(strstr(msg, "1795 of 1795 events give only a month") != NULL);
    CHECK(strstr(msg, "--time-step month") != NULL);
    CHECK(strstr(msg, "--spread-months") != NULL);
    o.spread_months = true;
    CHECK_INT_EQ(vemt_cube_create(l.ctx, l.grid, &l.events, &o, &c), VEMT_OK);
    if (!c) {
        unload(&l);
        return;
    }
    /* 2021-W52 runs from Monday 27 December 2021 to Sunday 2 January 2022:
     * 2 of January's 31 days, so 2/31 of its 150 events. */
    char label[16];
    vemt_cube_step_label(c, 0, label, sizeof label);
    CHECK_STR_EQ(label, "2021-W52");
    size_t fractional = 0;
    CHECK_NEAR(step_sum(c, 0, &fractional), 150.0 * 2 / 31, 1e-9);
    CHECK_NEAR(vemt_cube_total(c), 1795, 1e-9);
    vemt_cube_destroy(c);
    unload(&l);
}

static void put_day(vemt_events *ev, const vemt_tz *tz, int64_t day) {
    vemt_event v = {0};
    v.x = v.y = 50;
    v.start_utc = vemt_tz_day_start(tz, day);
    v.end_utc = vemt_tz_day_start(tz, day + 1) - 1;
    v.precision = VEMT_PREC_DAY;
    v.located = v.in_area = true;
    vemt_events_push(ev, &v);
}

/* A date lies wholly in its day's week, across the clock change too; an
 * exact time is placed by the analysis zone's calendar. */
TEST(dates_and_instants_in_weeks_and_days) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_tz *london = NULL;
    CHECK_INT_EQ(vemt_tz_load(ctx, "Europe/London", &london), VEMT_OK);
    vemt_bbox e = {0, 0, 100, 100};
    vemt_units *g = NULL;
    vemt_units_create_square(ctx, 100, &e, NULL, &g);
    vemt_events ev = {0};
    /* Five events every Monday from 7 March 2022 for 12 weeks: the clocks
     * went forward on Sunday 27 March. */
    int64_t mon = vemt_days_from_civil(2022, 3, 7);
    for (int w = 0; w < 12; w++)
        for (int k = 0; k < 5; k++) put_day(&ev, london, mon + 7 * w);
    vemt_cube_opts o = {.unit = VEMT_STEP_WEEK,
                        .kinds = 1,
                        .time_lag = 1,
                        .zone = london,
                        .input_zone = london};
    vemt_cube *c = NULL;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    if (c) {
        CHECK_INT_EQ(vemt_cube_steps(c), 12);
        for (size_t t = 0; t < vemt_cube_steps(c); t++)
            CHECK_NEAR(vemt_cube_events(c)[t], 5, 0);
        char label[16];
        vemt_cube_step_label(c, 3, label, sizeof label);
        CHECK_STR_EQ(label, "2022-W13");
        vemt_cube_destroy(c);
    }
    /* An instant at 23:30 UTC on 30 June 2022 is 00:30 on 1 July in
     * London: its step under the London calendar is July's, under UTC
     * June's. */
    vemt_events_clear(&ev);
    for (int i = 0; i < 66; i++) {
        vemt_event v = {0};
        v.x = v.y = 50;
        v.located = v.in_area = true;
        v.start_utc = v.end_utc =
            (vemt_days_from_civil(2022, 1 + i % 11, 15)) * 86400;
        if (i == 65)
            v.start_utc = v.end_utc =
                vemt_days_from_civil(2022, 6, 30) * 86400 + 23 * 3600 + 1800;
        vemt_events_push(&ev, &v);
    }
    o.unit = VEMT_STEP_MONTH;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    if (c) {
        CHECK_NEAR(vemt_cube_events(c)[5], 6, 0); /* June */
        CHECK_NEAR(vemt_cube_events(c)[6], 7, 0); /* July */
        vemt_cube_destroy(c);
    }
    o.zone = NULL; /* UTC */
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    if (c) {
        CHECK_NEAR(vemt_cube_events(c)[5], 7, 0);
        CHECK_NEAR(vemt_cube_events(c)[6], 6, 0);
        vemt_cube_destroy(c);
    }
    /* ISO week labels at year ends. */
    vemt_events_clear(&ev);
    int64_t d0 = vemt_days_from_civil(2020, 12, 28);
    for (int i = 0; i < 70; i++) put_day(&ev, london, d0 + i);
    o.unit = VEMT_STEP_WEEK;
    o.zone = london;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    if (c) {
        char label[16];
        vemt_cube_step_label(c, 0, label, sizeof label);
        CHECK_STR_EQ(label, "2020-W53");
        vemt_cube_step_label(c, 1, label, sizeof label);
        CHECK_STR_EQ(label, "2021-W01");
        vemt_cube_destroy(c);
    }
    o.unit = VEMT_STEP_DAYS;
    o.n_days = 7;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    if (c) {
        char label[16];
        vemt_cube_step_label(c, 1, label, sizeof label);
        CHECK_STR_EQ(label, "2021-01-04");
        CHECK_NEAR(vemt_cube_events(c)[1], 7, 0);
        vemt_cube_destroy(c);
    }
    vemt_events_clear(&ev);
    vemt_units_destroy(g);
    vemt_tz_destroy(london);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(calendar) {
    RUN(nottingham_months_are_the_published_counts);
    RUN(event_steps);
    RUN(thirteen_months_give_thirteen_steps);
    RUN(month_only_events_and_weekly_steps);
    RUN(dates_and_instants_in_weeks_and_days);
}
