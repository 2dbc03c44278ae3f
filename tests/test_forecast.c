/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_forecast.c
 * @brief Forecasts and their scores (engine/forecast.c): recency weights,
 * last step and EWMA against tests/ref/forecast_ref.py, hit rate, PAI and
 * PEI with a fractional last unit over unequal areas, PEI's n* against a
 * brute force, ties by unit index, a planted hot spot in a backtest, and
 * every allocation failing in turn. forecast.c is compiled into this test
 * with VEMT_ALLOC_TEST (as tests/test_inference_alloc.c does), so its
 * allocations can be made to fail and its static helpers are in reach.
 */
#define VEMT_ALLOC_TEST
#include "engine/forecast.c"
#include "tests/alloc_fail.h"
#include "tests/test.h"
#include "tests/wkb.h"

/* UTC seconds of a day and hour. */
static int64_t at(int y, int m, int d, int h) {
    return vemt_days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600;
}

static void put(vemt_events *ev, double x, double y, int64_t when,
                vemt_kind kind) {
    vemt_event v = {0};
    v.x = x;
    v.y = y;
    v.start_utc = v.end_utc = when;
    v.located = v.in_area = true;
    v.kind = (uint8_t)kind;
    vemt_events_push(ev, &v);
}

/* 60 incidents at (x, y), on the 10th of January..September 2024: the
 * series 10, 4, 8, 6, 12, 5, 7, 3, 5 (forecast_ref.py's). */
static const int SERIES[9] = {10, 4, 8, 6, 12, 5, 7, 3, 5};
static void filler(vemt_events *ev, double x, double y) {
    for (int m = 0; m < 9; m++)
        for (int k = 0; k < SERIES[m]; k++)
            put(ev, x, y, at(2024, m + 1, 10, 12), VEMT_KIND_INCIDENT);
}

/* Monthly cube of the incidents. */
static vemt_cube *monthly(vemt_ctx *ctx, const vemt_units *u,
                          const vemt_events *ev) {
    vemt_cube_opts o = {.unit = VEMT_STEP_MONTH,
                        .kinds = 1u << VEMT_KIND_INCIDENT,
                        .time_lag = 1};
    vemt_cube *c = NULL;
    vemt_cube_create(ctx, u, ev, &o, &c);
    return c;
}

static size_t unit_at(const vemt_units *u, double x, double y) {
    size_t i = SIZE_MAX;
    vemt_units_locate(u, x, y, &i);
    return i;
}

/* 50 m squares over 1 km, the filler in the far corner, and the events of
 * forecast_ref.py around (125, 125) with others that must not count. */
typedef struct grid_case {
    vemt_units *g;
    vemt_events ev;
    vemt_cube *c;
} grid_case;

static void grid_case_make(vemt_ctx *ctx, grid_case *k) {
    vemt_bbox e = {0, 0, 1000, 1000};
    vemt_units_create_square(ctx, 50, &e, NULL, &k->g);
    k->ev = (vemt_events){0};
    filler(&k->ev, 975, 975);
    put(&k->ev, 125, 125, at(2024, 11, 28, 12), VEMT_KIND_INCIDENT);
    put(&k->ev, 325, 125, at(2024, 11, 20, 0), VEMT_KIND_INCIDENT);
    put(&k->ev, 125, 425, at(2024, 10, 10, 0), VEMT_KIND_INCIDENT);
    /* 61 days before December: outside the 56-day window. */
    put(&k->ev, 125, 125, at(2024, 10, 1, 0), VEMT_KIND_INCIDENT);
    /* In December itself: not before the step forecast. */
    put(&k->ev, 125, 125, at(2024, 12, 5, 0), VEMT_KIND_INCIDENT);
    /* Another kind, and an incident outside the study area. */
    put(&k->ev, 125, 125, at(2024, 11, 29, 0), VEMT_KIND_MISSING_FROM);
    put(&k->ev, 130, 130, at(2024, 11, 29, 0), VEMT_KIND_INCIDENT);
    k->ev.items[k->ev.n - 1].in_area = false;
    k->c = monthly(ctx, k->g, &k->ev);
}

static void grid_case_free(grid_case *k) {
    vemt_cube_destroy(k->c);
    vemt_events_clear(&k->ev);
    vemt_units_destroy(k->g);
}

static vemt_forecast_opts incidents_only(void) {
    vemt_forecast_opts o = vemt_forecast_opts_default();
    o.kinds = 1u << VEMT_KIND_INCIDENT;
    return o;
}

TEST(recency_weights_on_a_grid) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    grid_case k;
    grid_case_make(ctx, &k);
    CHECK(k.c != NULL);
    CHECK_INT_EQ(vemt_cube_steps(k.c), 12);
    vemt_forecast_opts o = incidents_only();
    vemt_forecast *f;
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 11, &o, &f),
                 VEMT_OK);
    const double *s = vemt_forecast_scores(f, VEMT_FORECAST_RECENCY);
    /* forecast_ref.py. By hand for (125, 125): the event there, 2.5 days
     * before (week 0): 1; 200 m = 4 cells away, 11 days (week 1): 1/5 x
     * 1/2; 300 m = 6 cells, 52 days (week 7): 1/7 x 1/8; 1.1178571. At
     * (725, 125) only the event exactly 400 m away counts (the bandwidth
     * is inclusive): 1/9 x 1/2. */
    CHECK_NEAR(s[unit_at(k.g, 125, 125)], 1.1178571428571429, 1e-12);
    CHECK_NEAR(s[unit_at(k.g, 325, 125)], 0.71522329056599987, 1e-12);
    CHECK_NEAR(s[unit_at(k.g, 725, 125)], 0.055555555555555552, 1e-12);
    CHECK_NEAR(s[unit_at(k.g, 125, 875)], 0, 0);
    CHECK_INT_EQ(vemt_forecast_recent_events(f), 3);
    /* Expected counts: the scores scaled to the EWMA forecast's total. */
    const double *er = vemt_forecast_expected(f, VEMT_FORECAST_RECENCY);
    const double *ee = vemt_forecast_expected(f, VEMT_FORECAST_EWMA);
    double sr = 0, se = 0, ss = 0;
    for (size_t u = 0; u < vemt_forecast_units(f); u++)
        sr += er[u], se += ee[u], ss += s[u];
    CHECK(se > 0);
    CHECK_NEAR(sr, se, 1e-9);
    size_t hot = unit_at(k.g, 125, 125);
    CHECK_NEAR(er[hot], s[hot] * se / ss, 1e-12);
    CHECK_NEAR(er[unit_at(k.g, 125, 875)], 0, 0);
    vemt_forecast_destroy(f);
    /* The step after the data (t = 12) starts on 1 January 2025: the
     * December event now counts, 27 days before (week 3): 1/4; the 28
     * November one is 33.5 days before (week 4): 1/5; the one 200 m away
     * 42 days before (week 6): 1/5 x 1/7; the October ones are out. */
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 12, &o, &f),
                 VEMT_OK);
    s = vemt_forecast_scores(f, VEMT_FORECAST_RECENCY);
    CHECK_NEAR(s[hot], 0.25 + 0.2 + 1.0 / 35, 1e-12);
    CHECK_INT_EQ(vemt_forecast_step(f), 12);
    vemt_forecast_destroy(f);
    /* Steps without data before them, and bad options. */
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 0, &o, &f),
                 VEMT_E_ARG);
    CHECK(f == NULL);
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 13, &o, &f),
                 VEMT_E_ARG);
    o.ewma_alpha = 0;
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 11, &o, &f),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "smoothing") != NULL);
    grid_case_free(&k);
    vemt_ctx_destroy(ctx);
}

TEST(last_step_and_ewma) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    grid_case k;
    grid_case_make(ctx, &k);
    vemt_forecast_opts o = incidents_only();
    size_t far = unit_at(k.g, 975, 975);
    /* forecast_ref.py; by hand for the first steps: s0 = 10, s1 = 0.3 x 4
     * + 0.7 x 10 = 8.2, s2 = 0.3 x 8 + 0.7 x 8.2 = 8.14. */
    const size_t steps[3] = {9, 11, 12};
    const double want_ewma[3] = {5.798048859999998, 2.8410439413999988,
                                 1.988730758979999};
    const double want_last[3] = {5, 0, 0};
    for (int i = 0; i < 3; i++) {
        vemt_forecast *f;
        CHECK_STATUS(
            vemt_forecast_create(ctx, k.g, &k.ev, k.c, steps[i], &o, &f),
            VEMT_OK);
        CHECK_NEAR(vemt_forecast_expected(f, VEMT_FORECAST_EWMA)[far],
                   want_ewma[i], 1e-12);
        CHECK_NEAR(vemt_forecast_scores(f, VEMT_FORECAST_EWMA)[far],
                   want_ewma[i], 1e-12);
        CHECK_NEAR(vemt_forecast_expected(f, VEMT_FORECAST_LAST_STEP)[far],
                   want_last[i], 0);
        vemt_forecast_destroy(f);
    }
    vemt_forecast *f;
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 3, &o, &f),
                 VEMT_OK);
    CHECK_NEAR(vemt_forecast_expected(f, VEMT_FORECAST_EWMA)[far], 8.14, 1e-12);
    CHECK_NEAR(vemt_forecast_expected(f, VEMT_FORECAST_LAST_STEP)[far], 8, 0);
    vemt_forecast_destroy(f);
    grid_case_free(&k);
    vemt_ctx_destroy(ctx);
}

TEST(ties_broken_by_unit_index) {
    const double v[5] = {1, 3, 3, 0, 3};
    size_t order[5], rank[5];
    CHECK_STATUS(rank_desc(v, 5, order, rank), VEMT_OK);
    const size_t want_order[5] = {1, 2, 4, 0, 3},
                 want_rank[5] = {4, 1, 2, 5, 3};
    for (int i = 0; i < 5; i++) {
        CHECK_INT_EQ(order[i], want_order[i]);
        CHECK_INT_EQ(rank[i], want_rank[i]);
    }
    /* Last step's forecast of December: one incident in November in each
     * of two cells, nothing elsewhere; then the empty cells by index. */
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    grid_case k;
    grid_case_make(ctx, &k);
    vemt_forecast_opts o = incidents_only();
    vemt_forecast *f;
    CHECK_STATUS(vemt_forecast_create(ctx, k.g, &k.ev, k.c, 11, &o, &f),
                 VEMT_OK);
    const size_t *ord = vemt_forecast_order(f, VEMT_FORECAST_LAST_STEP);
    const size_t *rk = vemt_forecast_ranks(f, VEMT_FORECAST_LAST_STEP);
    size_t a = unit_at(k.g, 125, 125), b = unit_at(k.g, 325, 125);
    CHECK(a < b && a > 1);
    CHECK_INT_EQ(ord[0], a);
    CHECK_INT_EQ(ord[1], b);
    CHECK_INT_EQ(ord[2], 0);
    CHECK_INT_EQ(ord[3], 1);
    CHECK_INT_EQ(rk[a], 1);
    CHECK_INT_EQ(rk[0], 3);
    CHECK_INT_EQ(rk[vemt_forecast_units(f) - 1], vemt_forecast_units(f));
    vemt_forecast_destroy(f);
    grid_case_free(&k);
    vemt_ctx_destroy(ctx);
}

/* Four rectangles of unequal area (forecast_ref.py): 0: 100 x 100 m, 1:
 * 200 x 100, 2: 100 x 100, 3: 400 x 100 above them. */
static vemt_units *rectangles(vemt_ctx *ctx) {
    static const double box[4][4] = {{0, 0, 100, 100},
                                     {100, 0, 300, 100},
                                     {300, 0, 400, 100},
                                     {0, 100, 400, 200}};
    unsigned char buf[4][128];
    const unsigned char *wkb[4];
    size_t size[4];
    for (int i = 0; i < 4; i++) {
        size[i] = test_wkb_multipolygon(&box[i], 1, buf[i], sizeof buf[i]);
        wkb[i] = buf[i];
    }
    vemt_polygons *p = NULL;
    vemt_units *u = NULL;
    if (vemt_polygons_create_wkb(ctx, 4, wkb, size, NULL, NULL, &p) ||
        vemt_units_create_polygons(ctx, &p, &u))
        vemt_polygons_destroy(p);
    return u;
}

TEST(pai_and_pei_over_unequal_areas) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *u = rectangles(ctx);
    CHECK(u != NULL);
    CHECK_NEAR(vemt_units_m2(u, 3), 40000, 1e-6);
    const double actual[4] = {2, 6, 0, 4}, forecast[4] = {5, 1, 3, 2};
    /* forecast_ref.py. By hand at 40 %: a = 32,000 of 80,000 m2; the
     * forecast's order 0, 2, 3, 1 takes 0 (10,000 m2, 2 events) and 2
     * (10,000, 0) whole and 12,000 / 40,000 of 3: 0.3 x 4, so n = 3.2, hit
     * rate 3.2 / 12, PAI 0.2667 / 0.4 = 0.667; the best order by events
     * per m2 is 1, 0, 3, 2: 6 + 2 + 2,000 / 40,000 x 4, n* = 8.2, PEI
     * 3.2 / 8.2. */
    const double share[5] = {0.2, 0.25, 0.4, 0.6, 1.0};
    const double n[5] = {2, 2, 3.2, 4.8, 12};
    const double pai[5] = {0.83333333333333326, 0.66666666666666663,
                           0.66666666666666663, 0.66666666666666663, 1};
    const double best[5] = {4.8, 6, 8.2, 9.8, 12};
    const double pei[5] = {0.41666666666666669, 0.33333333333333331,
                           0.39024390243902446, 0.48979591836734687, 1};
    for (int i = 0; i < 5; i++) {
        vemt_forecast_score s;
        CHECK_STATUS(
            vemt_forecast_score_units(ctx, u, forecast, actual, share[i], &s),
            VEMT_OK);
        CHECK_NEAR(s.captured, n[i], 1e-12);
        CHECK_NEAR(s.total, 12, 0);
        CHECK_NEAR(s.hit_rate, n[i] / 12, 1e-12);
        CHECK_NEAR(s.pai, pai[i], 1e-12);
        CHECK_NEAR(s.best, best[i], 1e-12);
        CHECK_NEAR(s.pei, pei[i], 1e-12);
        CHECK(s.null_reason == NULL);
    }
    /* A flat forecast takes the units in index order: at 25 %, 0 whole
     * and half of 1: 2 + 3 = 5. */
    const double flat[4] = {1, 1, 1, 1};
    vemt_forecast_score s;
    CHECK_STATUS(vemt_forecast_score_units(ctx, u, flat, actual, 0.25, &s),
                 VEMT_OK);
    CHECK_NEAR(s.captured, 5, 1e-12);
    /* No events in the step: NaN with the reason. */
    const double none[4] = {0, 0, 0, 0};
    CHECK_STATUS(vemt_forecast_score_units(ctx, u, forecast, none, 0.1, &s),
                 VEMT_OK);
    CHECK(isnan(s.hit_rate) && isnan(s.pai) && isnan(s.pei));
    CHECK_STR_EQ(s.null_reason, "no events in the step");
    CHECK_STATUS(vemt_forecast_score_units(ctx, u, forecast, actual, 0, &s),
                 VEMT_E_ARG);
    CHECK_STATUS(vemt_forecast_score_units(ctx, u, forecast, actual, 1.5, &s),
                 VEMT_E_ARG);
    vemt_units_destroy(u);
    vemt_ctx_destroy(ctx);
}

/* The most events in target m2 by brute force: every set of whole units
 * that fits, plus any one other unit cut to the area left. */
static double brute_best(const double *m2, const double *actual, int n,
                         double target) {
    double best = 0;
    for (unsigned set = 0; set < 1u << n; set++) {
        double a = 0, got = 0;
        for (int u = 0; u < n; u++)
            if (set >> u & 1) a += m2[u], got += actual[u];
        if (a > target + 1e-9) continue;
        if (got > best) best = got;
        for (int j = 0; j < n; j++) {
            if (set >> j & 1) continue;
            double f = (target - a) / m2[j];
            double with = got + actual[j] * (f < 1 ? f : 1);
            if (with > best) best = with;
        }
    }
    return best;
}

TEST(pei_best_matches_brute_force) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *u = rectangles(ctx);
    const double m2[4] = {10000, 20000, 10000, 40000};
    const double forecast[4] = {0, 1, 2, 3};
    unsigned r = 12345;
    for (int trial = 0; trial < 20; trial++) {
        double actual[4];
        for (int i = 0; i < 4; i++) {
            r = r * 1103515245u + 12345u;
            actual[i] = (double)((r >> 16) % 9);
        }
        for (int k = 1; k <= 20; k++) {
            double share = 0.05 * k;
            vemt_forecast_score s;
            CHECK_STATUS(
                vemt_forecast_score_units(ctx, u, forecast, actual, share, &s),
                VEMT_OK);
            CHECK_NEAR(s.best, brute_best(m2, actual, 4, share * 80000), 1e-9);
            CHECK(s.captured <= s.best + 1e-9);
            if (s.total > 0) CHECK(s.pei >= 0 && s.pei <= 1 + 1e-12);
        }
    }
    vemt_units_destroy(u);
    vemt_ctx_destroy(ctx);
}

TEST(recency_on_polygon_units) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *u = rectangles(ctx);
    vemt_events ev = {0};
    filler(&ev, 390, 190);
    put(&ev, 50, 50, at(2024, 11, 25, 0), VEMT_KIND_INCIDENT);
    put(&ev, 150, 50, at(2024, 12, 3, 0), VEMT_KIND_INCIDENT);
    vemt_cube *c = monthly(ctx, u, &ev);
    CHECK(c != NULL);
    vemt_forecast *f;
    CHECK_STATUS(vemt_forecast_create(ctx, u, &ev, c, 11, NULL, &f), VEMT_OK);
    /* forecast_ref.py: distances from (50, 50) to the centroids in 50 m
     * units: 0, 3, 6 and 3.606; six days before: week 0. */
    const double want[4] = {1, 0.25, 0.14285714285714285, 0.21712927295533244};
    const double *s = vemt_forecast_scores(f, VEMT_FORECAST_RECENCY);
    for (int i = 0; i < 4; i++) CHECK_NEAR(s[i], want[i], 1e-12);
    vemt_forecast_destroy(f);
    vemt_cube_destroy(c);
    vemt_events_clear(&ev);
    vemt_units_destroy(u);
    vemt_ctx_destroy(ctx);
}

/* 100 m squares over 1 km; every month of 2024, 6 incidents in the cell
 * at (550, 750) and 12 scattered by a fixed generator. */
static void planted(vemt_ctx *ctx, vemt_units **g, vemt_events *ev,
                    vemt_cube **c) {
    vemt_bbox e = {0, 0, 999, 999};
    vemt_units_create_square(ctx, 100, &e, NULL, g);
    *ev = (vemt_events){0};
    unsigned r = 7;
    for (int m = 1; m <= 12; m++) {
        for (int k = 0; k < 6; k++)
            put(ev, 510 + 13 * k, 720 + 9 * k, at(2024, m, 3 + 4 * k, 10),
                VEMT_KIND_INCIDENT);
        for (int k = 0; k < 12; k++) {
            r = r * 1103515245u + 12345u;
            double x = (double)((r >> 8) % 999);
            r = r * 1103515245u + 12345u;
            double y = (double)((r >> 8) % 999);
            put(ev, x, y, at(2024, m, 1 + 2 * k, 14), VEMT_KIND_INCIDENT);
        }
    }
    *c = monthly(ctx, *g, ev);
}

TEST(backtest_finds_a_planted_hot_spot) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *g;
    vemt_events ev;
    vemt_cube *c;
    planted(ctx, &g, &ev, &c);
    CHECK_INT_EQ(vemt_units_count(g), 100);
    CHECK_INT_EQ(vemt_cube_steps(c), 12);
    vemt_forecast_table tb;
    CHECK_STATUS(vemt_forecast_backtest(ctx, g, &ev, c, 4, NULL, &tb), VEMT_OK);
    CHECK_INT_EQ(tb.n, 4 * 3 * 3);
    size_t n = vemt_units_count(g), T = vemt_cube_steps(c);
    const double shares[3] = {0.01, 0.05, 0.10};
    double flat[100], actual[100];
    for (size_t u = 0; u < n; u++) flat[u] = 1;
    for (size_t i = 0; i < tb.n; i++) {
        const vemt_forecast_row *row = &tb.rows[i];
        /* By step, then method, then share. */
        CHECK_INT_EQ(row->step, 8 + i / 9);
        CHECK_INT_EQ(row->method, (i / 3) % 3);
        CHECK_NEAR(row->score.share, shares[i % 3], 0);
        CHECK_NEAR(row->score.total, 18, 1e-9);
        CHECK(row->score.pei >= 0 && row->score.pei <= 1 + 1e-12);
        for (size_t u = 0; u < n; u++)
            actual[u] = vemt_cube_events(c)[u * T + row->step];
        vemt_forecast_score base;
        CHECK_STATUS(vemt_forecast_score_units(ctx, g, flat, actual,
                                               row->score.share, &base),
                     VEMT_OK);
        /* At 1 % (one cell) recency and last step pick the hot cell: its
         * 6 of the step's 18 incidents at least, PAI >= 33; the flat map
         * picks the south-west cell. */
        if (row->method != VEMT_FORECAST_EWMA && i % 3 == 0) {
            CHECK(row->score.hit_rate >= 6.0 / 18 - 1e-12);
            CHECK(row->score.pai > 30);
        }
        if (row->method != VEMT_FORECAST_EWMA)
            CHECK(row->score.hit_rate > base.hit_rate);
    }
    vemt_forecast_table_clear(&tb);
    CHECK(tb.rows == NULL && tb.n == 0);
    /* Two steps of history before the first step tested, at least. */
    CHECK_STATUS(vemt_forecast_backtest(ctx, g, &ev, c, 11, NULL, &tb),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "2 come before it") != NULL);
    CHECK(tb.rows == NULL);
    CHECK_STATUS(vemt_forecast_backtest(ctx, g, &ev, c, 0, NULL, &tb),
                 VEMT_E_ARG);
    CHECK_STATUS(vemt_forecast_backtest(ctx, g, &ev, c, SIZE_MAX, NULL, &tb),
                 VEMT_E_ARG);
    CHECK_STATUS(vemt_forecast_backtest(ctx, g, &ev, c, 10, NULL, &tb),
                 VEMT_OK);
    CHECK_INT_EQ(tb.rows[0].step, 2);
    vemt_forecast_table_clear(&tb);
    vemt_cube_destroy(c);
    vemt_events_clear(&ev);
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

typedef struct alloc_case {
    vemt_units *g;
    vemt_events ev;
    vemt_cube *c;
} alloc_case;

static vemt_status forecast_one(void *arg, vemt_ctx *ctx) {
    alloc_case *k = arg;
    vemt_forecast *f;
    vemt_status st =
        vemt_forecast_create(ctx, k->g, &k->ev, k->c, 12, NULL, &f);
    if (!st && f == NULL) st = VEMT_E_ARG;
    vemt_forecast_destroy(f);
    return st;
}

static vemt_status score_one(void *arg, vemt_ctx *ctx) {
    alloc_case *k = arg;
    vemt_forecast_score s;
    return vemt_forecast_score_units(ctx, k->g, vemt_cube_events(k->c),
                                     vemt_cube_events(k->c), 0.05, &s);
}

static vemt_status backtest_all(void *arg, vemt_ctx *ctx) {
    alloc_case *k = arg;
    vemt_forecast_table tb;
    vemt_status st =
        vemt_forecast_backtest(ctx, k->g, &k->ev, k->c, 3, NULL, &tb);
    vemt_forecast_table_clear(&tb);
    return st;
}

TEST(allocation_failures) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    alloc_case k;
    planted(ctx, &k.g, &k.ev, &k.c);
    CHECK(alloc_sweep(t_, "forecast", forecast_one, &k) >= 6);
    CHECK(alloc_sweep(t_, "score", score_one, &k) >= 3);
    CHECK(alloc_sweep(t_, "backtest", backtest_all, &k) >= 10);
    vemt_cube_destroy(k.c);
    vemt_events_clear(&k.ev);
    vemt_units_destroy(k.g);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(forecast) {
    RUN(recency_weights_on_a_grid);
    RUN(last_step_and_ewma);
    RUN(ties_broken_by_unit_index);
    RUN(pai_and_pei_over_unequal_areas);
    RUN(pei_best_matches_brute_force);
    RUN(recency_on_polygon_units);
    RUN(backtest_finds_a_planted_hot_spot);
    RUN(allocation_failures);
}
