/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file forecast.c
 * @brief Forecasts of a cube's step from the data before it (prospective
 * hot-spotting, last step, exponentially weighted moving average), the
 * ranks of the units by each, and their scores against the step's actual
 * counts: hit rate, PAI and PEI at a share of the area, in a backtest.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/engine.h"
#include "engine/pindex.h"

#define WEEK_S 604800.0
#define DAY_S 86400.0

struct vemt_forecast {
    size_t t, n;      /* step forecast, units */
    size_t recent;    /* counted events in the recency window */
    double *score;    /* VEMT_FORECAST_METHODS x n: what ranks */
    double *expected; /* VEMT_FORECAST_METHODS x n: expected counts */
    size_t *rank;     /* VEMT_FORECAST_METHODS x n: 1-based ranks */
    size_t *order;    /* VEMT_FORECAST_METHODS x n: units by rank */
};

const char *vemt_forecast_method_name(vemt_forecast_method m) {
    switch (m) {
        case VEMT_FORECAST_RECENCY:
            return "recency";
        case VEMT_FORECAST_LAST_STEP:
            return "last step";
        case VEMT_FORECAST_EWMA:
            return "ewma";
        default:
            return "unknown";
    }
}

vemt_forecast_opts vemt_forecast_opts_default(void) {
    /* Bowers, Johnson & Pease 2004 (below): 400 m, two months (8 weeks),
     * 50 m cells. */
    return (vemt_forecast_opts){.window_days = 56,
                                .bandwidth_m = 400,
                                .distance_unit_m = 50,
                                .ewma_alpha = 0.3,
                                .kinds = (1u << VEMT_KIND_END) - 1,
                                .n_shares = 3,
                                .shares = {0.01, 0.05, 0.10}};
}

static vemt_status check_opts(vemt_ctx *ctx, const vemt_forecast_opts *o) {
    if (!(o->window_days > 0) || !(o->bandwidth_m > 0) ||
        !(o->distance_unit_m > 0) || !isfinite(o->window_days) ||
        !isfinite(o->bandwidth_m) || !isfinite(o->distance_unit_m))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "forecast window (%g days), bandwidth (%g m) and "
                             "distance unit (%g m) must be positive",
                             o->window_days, o->bandwidth_m,
                             o->distance_unit_m);
    if (!(o->ewma_alpha > 0 && o->ewma_alpha <= 1))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "smoothing constant %g is not in (0, 1]",
                             o->ewma_alpha);
    if (!o->kinds)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "forecast of no kind of event");
    if (o->n_shares < 1 || o->n_shares > VEMT_FORECAST_SHARES_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "%zu shares of the area to score (1 to %d)",
                             o->n_shares, VEMT_FORECAST_SHARES_MAX);
    for (size_t k = 0; k < o->n_shares; k++)
        if (!(o->shares[k] > 0 && o->shares[k] <= 1))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "share of the area %g is not in (0, 1]",
                                 o->shares[k]);
    return VEMT_OK;
}

/* ---- Ranks ---------------------------------------------------------- */

typedef struct keyed {
    double v;
    size_t i;
} keyed;

/* Highest value first, ties (and NaN, which sorts last) by index. */
static int by_value_desc(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int nx = isnan(x->v), ny = isnan(y->v);
    if (nx != ny) return nx - ny;
    if (!nx && x->v != y->v) return x->v < y->v ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The n indices by v descending, ties by index, into order; their 1-based
 * ranks into rank (may be NULL). */
static vemt_status rank_desc(const double *v, size_t n, size_t *order,
                             size_t *rank) {
    keyed *k = vemt_calloc(n ? n : 1, sizeof *k);
    if (!k) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) k[i] = (keyed){v[i], i};
    qsort(k, n, sizeof *k, by_value_desc);
    for (size_t r = 0; r < n; r++) {
        order[r] = k[r].i;
        if (rank) rank[k[r].i] = r + 1;
    }
    vemt_free(k);
    return VEMT_OK;
}

/* ---- The three methods ------------------------------------------------ */

/* The first instant of step t, t = steps included (the step after the
 * data). */
static int64_t step_start(const vemt_cube *c, size_t t) {
    return t < vemt_cube_steps(c) ? vemt_cube_step_start(c, t)
                                  : vemt_cube_step_end(c, t - 1);
}

/* The latest instant of an event (cube.c's event_end): its time for the
 * weeks elapsed, the most recent it may have happened. */
static int64_t event_last(const vemt_event *ev) {
    return ev->end_utc >= ev->start_utc ? ev->end_utc : ev->start_utc;
}

/* Prospective hot-spotting (Bowers, Johnson & Pease 2004, "Prospective
 * hot-spotting: the future of crime mapping?", British Journal of
 * Criminology 44(5):641-658, doi:10.1093/bjc/azh036): the risk of a unit is
 * the sum, over the counted events of the last window_days before the
 * step's start that lie within bandwidth_m of the unit's centre, of
 *     1 / (1 + d) x 1 / (1 + w),
 * d the distance from the event to the centre in cells and w the whole
 * weeks elapsed from the event to the step's start. The paper's abstract
 * gives 400 m and two months; the weight, the whole weeks and the 50 m
 * cells are as open_cp's prohotspot module (QuantCrimAtLeeds/PredictCode)
 * reads the paper, which leaves open how d is measured ("whole 1/2 grid
 * widths"): here d is the Euclidean distance over the cell size,
 * unrounded, as open_cp's continuous variant has it; polygon units, which
 * have no cell size, measure it in distance_unit_m. An event weighs in
 * only when the cube's rule (vemt_cube_event_step) puts it wholly in a
 * step before t, so nothing of step t leaks into its forecast; events
 * spread over more than one step are left out. Time: one pass over the
 * events, and for each event in the window the unit centres of nearby
 * buckets (engine/pindex.h). */
static vemt_status recency(vemt_ctx *ctx, const vemt_units *units,
                           const vemt_events *events, const vemt_cube *cube,
                           size_t t, const vemt_forecast_opts *o, double *score,
                           size_t *recent) {
    size_t n = vemt_units_count(units);
    double *xy = vemt_calloc(2 * (n ? n : 1), sizeof *xy);
    if (!xy) return VEMT_E_NOMEM;
    vemt_units_centres(units, xy);
    vemt_pindex *ix = NULL;
    /* Buckets of half the bandwidth: 5 x 5 of them around an event hold
     * fewer candidates than 3 x 3 of the whole bandwidth. */
    vemt_status st = vemt_pindex_create(ctx, xy, n, o->bandwidth_m / 2, &ix);
    if (st) goto done;
    double cell = vemt_units_cell_m(units);
    if (!(cell > 0)) cell = o->distance_unit_m;
    int64_t start = step_start(cube, t);
    double window_s = o->window_days * DAY_S, r = o->bandwidth_m, r2 = r * r;
    for (size_t u = 0; u < n; u++) score[u] = 0;
    *recent = 0;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        if (!vemt_event_counted(ev, o->kinds)) continue;
        long s = vemt_cube_event_step(cube, ev);
        if (s < 0 || (size_t)s >= t) continue;
        double elapsed = (double)(start - event_last(ev));
        if (elapsed < 0) elapsed = 0; /* a label's day in another zone */
        if (elapsed >= window_s) continue;
        ++*recent;
        double wt = 1.0 / (1.0 + floor(elapsed / WEEK_S));
        size_t u;
        for (vemt_pindex_iter it = vemt_pindex_near(ix, ev->x, ev->y, r);
             vemt_pindex_next(&it, &u);) {
            double dx = xy[2 * u] - ev->x, dy = xy[2 * u + 1] - ev->y;
            double d2 = dx * dx + dy * dy;
            if (d2 <= r2) score[u] += wt / (1.0 + sqrt(d2) / cell);
        }
    }
done:
    vemt_pindex_destroy(ix);
    vemt_free(xy);
    return st;
}

/* Simple exponential smoothing of x[0..t-1] (Brown 1963, "Smoothing,
 * Forecasting and Prediction of Discrete Time Series"; in crime
 * forecasting, Gorr, Olligschlaeger & Thompson 2003, "Short-term
 * forecasting of crime", International Journal of Forecasting
 * 19(4):579-594, doi:10.1016/S0169-2070(03)00092-X, among the univariate
 * methods compared): s_0 = x_0, s_k = a x_k + (1 - a) s_(k-1); the
 * forecast of step t is s_(t-1). t >= 1. */
static double ewma(const double *x, size_t t, double a) {
    double s = x[0];
    for (size_t k = 1; k < t; k++) s = a * x[k] + (1 - a) * s;
    return s;
}

void vemt_forecast_destroy(vemt_forecast *f) {
    if (!f) return;
    vemt_free(f->score);
    vemt_free(f->expected);
    vemt_free(f->rank);
    vemt_free(f->order);
    vemt_free(f);
}

/* The counts' forecasts, recency's expected counts (its scores scaled to
 * the EWMA forecast's total, zero staying zero), and every method's
 * ranks. */
static vemt_status finish(vemt_forecast *f, const vemt_cube *cube,
                          const vemt_forecast_opts *o) {
    size_t n = f->n, T = vemt_cube_steps(cube), t = f->t;
    const double *x = vemt_cube_events(cube);
    const double *risk = f->score + VEMT_FORECAST_RECENCY * n;
    double *rec = f->expected + VEMT_FORECAST_RECENCY * n;
    double *last = f->score + VEMT_FORECAST_LAST_STEP * n;
    double *sm = f->score + VEMT_FORECAST_EWMA * n;
    double total = 0, sum = 0;
    for (size_t u = 0; u < n; u++) {
        last[u] = x[u * T + t - 1];
        sm[u] = ewma(x + u * T, t, o->ewma_alpha);
        total += sm[u];
        sum += risk[u];
    }
    for (size_t u = 0; u < n; u++) {
        rec[u] = sum > 0 ? risk[u] * (total / sum) : 0;
        f->expected[VEMT_FORECAST_LAST_STEP * n + u] = last[u];
        f->expected[VEMT_FORECAST_EWMA * n + u] = sm[u];
    }
    for (size_t m = 0; m < VEMT_FORECAST_METHODS; m++) {
        vemt_status st =
            rank_desc(f->score + m * n, n, f->order + m * n, f->rank + m * n);
        if (st) return st;
    }
    return VEMT_OK;
}

vemt_status vemt_forecast_create(vemt_ctx *ctx, const vemt_units *units,
                                 const vemt_events *events,
                                 const vemt_cube *cube, size_t t,
                                 const vemt_forecast_opts *opts,
                                 vemt_forecast **out) {
    *out = NULL;
    vemt_forecast_opts def = vemt_forecast_opts_default();
    const vemt_forecast_opts *o = opts ? opts : &def;
    vemt_status st = check_opts(ctx, o);
    if (st) return st;
    size_t n = vemt_units_count(units), T = vemt_cube_steps(cube);
    if (n != vemt_cube_units(cube))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "forecast over %zu units of a cube of %zu", n,
                             vemt_cube_units(cube));
    if (t < 1 || t > T)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "no forecast of step %zu of a cube of %zu steps: "
                             "steps 1 to %zu have data before them",
                             t, T, T);
    vemt_forecast *f = vemt_calloc(1, sizeof *f);
    if (!f) return VEMT_E_NOMEM;
    f->t = t;
    f->n = n;
    size_t cells = VEMT_FORECAST_METHODS * (n ? n : 1);
    f->score = vemt_calloc(cells, sizeof *f->score);
    f->expected = vemt_calloc(cells, sizeof *f->expected);
    f->rank = vemt_calloc(cells, sizeof *f->rank);
    f->order = vemt_calloc(cells, sizeof *f->order);
    if (!f->score || !f->expected || !f->rank || !f->order) st = VEMT_E_NOMEM;
    if (!st) st = recency(ctx, units, events, cube, t, o, f->score, &f->recent);
    if (!st) st = finish(f, cube, o);
    if (st) {
        vemt_forecast_destroy(f);
        return st;
    }
    *out = f;
    return VEMT_OK;
}

size_t vemt_forecast_step(const vemt_forecast *f) { return f->t; }
size_t vemt_forecast_units(const vemt_forecast *f) { return f->n; }
size_t vemt_forecast_recent_events(const vemt_forecast *f) { return f->recent; }
const double *vemt_forecast_scores(const vemt_forecast *f,
                                   vemt_forecast_method m) {
    return f->score + (size_t)m * f->n;
}
const double *vemt_forecast_expected(const vemt_forecast *f,
                                     vemt_forecast_method m) {
    return f->expected + (size_t)m * f->n;
}
const size_t *vemt_forecast_ranks(const vemt_forecast *f,
                                  vemt_forecast_method m) {
    return f->rank + (size_t)m * f->n;
}
const size_t *vemt_forecast_order(const vemt_forecast *f,
                                  vemt_forecast_method m) {
    return f->order + (size_t)m * f->n;
}

/* ---- Scores ------------------------------------------------------------ */

/* What scoring a step needs besides the forecast: the units' areas and
 * their total, the actual counts and their total, and the units by actual
 * count per unit of area (the best selection). */
typedef struct step_truth {
    size_t n;
    const double *m2;
    double area;
    const double *actual;
    double total;
    size_t *best; /* units by actual / m2 descending, ties by index */
} step_truth;

/* Events in the first units of order up to target square metres: whole
 * units while they fit, then the fraction of the next one's area that is
 * left, with the same fraction of its events. */
static double capture(const step_truth *s, const size_t *order, double target) {
    double left = target, n = 0;
    for (size_t r = 0; r < s->n && left > 0; r++) {
        size_t u = order[r];
        double a = s->m2[u];
        if (a <= left) {
            n += s->actual[u];
            left -= a;
        } else {
            n += s->actual[u] * (left / a);
            left = 0;
        }
    }
    return n;
}

/* Hit rate, PAI and PEI of the units in order at share of the area. With
 * a = share x A, the area of the units taken (the last one fractionally):
 * hit rate n / N; the predictive accuracy index (Chainey, Tompson & Uhlig
 * 2008, "The utility of hotspot mapping for predicting spatial patterns
 * of crime", Security Journal 21:4-28, doi:10.1057/palgrave.sj.8350066)
 * PAI = (n / N) / (a / A); the predictive efficiency index as NIJ's
 * Real-Time Crime Forecasting Challenge scored it (Hunt 2016, "Do crime
 * hot spots move? Exploring the effects of the modifiable areal unit
 * problem and modifiable temporal unit problem on crime hot spot
 * stability", American University; PEI* in White, Hunt & Green 2023,
 * Security Journal) PEI = n / n*, n* the most events a selection of area a
 * can hold: the fractional knapsack, units by events per square metre,
 * whose greedy order is optimal (Dantzig 1957, "Discrete-variable extremum
 * problems", Operations Research 5(2):266-288). Over equal areas this is
 * also PAI / PAI*, the PEI of Hunt 2016. */
static void score_order(const step_truth *s, const size_t *order, double share,
                        vemt_forecast_score *out) {
    double a = share * s->area;
    *out = (vemt_forecast_score){.share = share, .total = s->total};
    out->captured = capture(s, order, a);
    out->best = capture(s, s->best, a);
    out->hit_rate = out->pai = out->pei = (double)NAN;
    if (!(s->total > 0)) {
        out->null_reason = "no events in the step";
        return;
    }
    out->hit_rate = out->captured / s->total;
    out->pai = out->hit_rate / share;
    if (!(out->best > 0)) {
        out->null_reason = "no selection of this area holds an event";
        return;
    }
    out->pei = out->captured / out->best;
}

/* Fill s from the units' areas and the actual counts: totals and the best
 * order. density is scratch of n entries. */
static vemt_status truth_set(step_truth *s, const double *m2,
                             const double *actual, size_t n, double *density) {
    s->n = n;
    s->m2 = m2;
    s->actual = actual;
    s->area = s->total = 0;
    for (size_t u = 0; u < n; u++) {
        s->area += m2[u];
        s->total += actual[u];
        density[u] = m2[u] > 0       ? actual[u] / m2[u]
                     : actual[u] > 0 ? (double)INFINITY
                                     : 0;
    }
    return rank_desc(density, n, s->best, NULL);
}

/* The areas of the units into m2 (n entries). */
static void unit_areas(const vemt_units *units, double *m2) {
    size_t n = vemt_units_count(units);
    for (size_t u = 0; u < n; u++) m2[u] = vemt_units_m2(units, u);
}

vemt_status vemt_forecast_score_units(vemt_ctx *ctx, const vemt_units *units,
                                      const double *forecast,
                                      const double *actual, double share,
                                      vemt_forecast_score *out) {
    *out = (vemt_forecast_score){.share = share};
    if (!(share > 0 && share <= 1))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "share of the area %g is not in (0, 1]", share);
    size_t n = vemt_units_count(units), m = n ? n : 1;
    double *buf = vemt_calloc(2 * m, sizeof *buf);
    size_t *idx = vemt_calloc(2 * m, sizeof *idx);
    vemt_status st = buf && idx ? VEMT_OK : VEMT_E_NOMEM;
    step_truth s = {.best = idx};
    if (!st) {
        unit_areas(units, buf);
        st = truth_set(&s, buf, actual, n, buf + m);
    }
    if (!st) st = rank_desc(forecast, n, idx + m, NULL);
    if (!st) score_order(&s, idx + m, share, out);
    vemt_free(buf);
    vemt_free(idx);
    return st;
}

/* ---- Backtest ----------------------------------------------------------- */

void vemt_forecast_table_clear(vemt_forecast_table *table) {
    vemt_free(table->rows);
    *table = (vemt_forecast_table){0};
}

/* Forecast step t and score every method at every share into rows. m2
 * holds the areas, actual and density n entries of scratch each. */
static vemt_status backtest_step(vemt_ctx *ctx, const vemt_units *units,
                                 const vemt_events *events,
                                 const vemt_cube *cube, size_t t,
                                 const vemt_forecast_opts *o, const double *m2,
                                 double *actual, double *density, size_t *best,
                                 vemt_forecast_row *rows) {
    size_t n = vemt_units_count(units), T = vemt_cube_steps(cube);
    const double *x = vemt_cube_events(cube);
    for (size_t u = 0; u < n; u++) actual[u] = x[u * T + t];
    step_truth s = {.best = best};
    vemt_status st = truth_set(&s, m2, actual, n, density);
    if (st) return st;
    vemt_forecast *f;
    st = vemt_forecast_create(ctx, units, events, cube, t, o, &f);
    if (st) return st;
    for (size_t m = 0; m < VEMT_FORECAST_METHODS; m++)
        for (size_t k = 0; k < o->n_shares; k++) {
            vemt_forecast_row *row = &rows[m * o->n_shares + k];
            row->step = t;
            row->method = (vemt_forecast_method)m;
            score_order(&s, vemt_forecast_order(f, row->method), o->shares[k],
                        &row->score);
        }
    vemt_forecast_destroy(f);
    return VEMT_OK;
}

vemt_status vemt_forecast_backtest(vemt_ctx *ctx, const vemt_units *units,
                                   const vemt_events *events,
                                   const vemt_cube *cube, size_t n_steps,
                                   const vemt_forecast_opts *opts,
                                   vemt_forecast_table *out) {
    *out = (vemt_forecast_table){0};
    vemt_forecast_opts def = vemt_forecast_opts_default();
    const vemt_forecast_opts *o = opts ? opts : &def;
    vemt_status st = check_opts(ctx, o);
    if (st) return st;
    size_t T = vemt_cube_steps(cube), n = vemt_units_count(units);
    if (n_steps < 1 || n_steps > T || T - n_steps < 2)
        return vemt_ctx_fail(
            ctx, VEMT_E_ARG,
            "a backtest of the last %zu of %zu steps leaves %zu before its "
            "first: at least 1 step is tested and 2 come before it",
            n_steps, T, n_steps < T ? T - n_steps : 0);
    if (n != vemt_cube_units(cube))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "forecast over %zu units of a cube of %zu", n,
                             vemt_cube_units(cube));
    size_t per = VEMT_FORECAST_METHODS * o->n_shares, m = n ? n : 1;
    vemt_forecast_row *rows = vemt_calloc(n_steps * per, sizeof *rows);
    double *buf = vemt_calloc(3 * m, sizeof *buf);
    size_t *best = vemt_calloc(m, sizeof *best);
    st = rows && buf && best ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) unit_areas(units, buf);
    for (size_t i = 0; i < n_steps && !st; i++)
        st = backtest_step(ctx, units, events, cube, T - n_steps + i, o, buf,
                           buf + m, buf + 2 * m, best, rows + i * per);
    vemt_free(buf);
    vemt_free(best);
    if (st) {
        vemt_free(rows);
        return st;
    }
    *out = (vemt_forecast_table){rows, n_steps * per};
    return VEMT_OK;
}
