/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file forecast.c
 * @brief The forecast stage: the next step's forecast, the backtest, and
 * what they tell the run's story.
 */
#include "pipeline/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/publish.h"

void vemt_forecast_stage_clear(vemt_forecast_stage *s) {
    if (!s) return;
    for (int m = 0; m < VEMT_FORECAST_METHODS; m++) {
        vemt_free(s->pub_expected[m]);
        vemt_free(s->pub_rank[m]);
    }
    vemt_forecast_destroy(s->next);
    vemt_forecast_table_clear(&s->backtest);
    vemt_free(s->score_step);
    memset(s, 0, sizeof *s);
}

/* The backtest in a sentence per share of 5 %: each method's mean PAI over
 * the steps scored. */
static void tell_backtest(const vemt_forecast_stage *s,
                          const vemt_callbacks *info, long steps) {
    double sum[VEMT_FORECAST_METHODS] = {0}, hit[VEMT_FORECAST_METHODS] = {0};
    size_t n[VEMT_FORECAST_METHODS] = {0};
    for (size_t i = 0; i < s->backtest.n; i++) {
        const vemt_forecast_row *r = &s->backtest.rows[i];
        if (fabs(r->score.share - 0.05) > 1e-9 || !isfinite(r->score.pai))
            continue;
        sum[r->method] += r->score.pai;
        hit[r->method] += r->score.hit_rate;
        n[r->method]++;
    }
    for (int m = 0; m < VEMT_FORECAST_METHODS; m++)
        if (n[m])
            vemt_logf(info,
                      "backtest, last %ld steps, top 5 %% of the area: %s "
                      "captured %.0f %% of the next step's events on average, "
                      "PAI %.1f\n",
                      steps, vemt_forecast_method_name((vemt_forecast_method)m),
                      100 * hit[m] / (double)n[m], sum[m] / (double)n[m]);
}

/* ---- Outside the restricted tier: of the published counts ---- */

typedef struct valued {
    double v;
    size_t i;
} valued;

static int by_desc(const void *x, const void *y) {
    const valued *p = x, *q = y;
    if (p->v != q->v) return p->v > q->v ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* Ranks (1 = highest, ties by unit index) of v's n values into rank;
 * order has n entries of scratch. */
static void rank_values(const double *v, size_t n, valued *order,
                        size_t *rank) {
    for (size_t i = 0; i < n; i++) order[i] = (valued){v[i], i};
    qsort(order, n, sizeof *order, by_desc);
    for (size_t i = 0; i < n; i++) rank[order[i].i] = i + 1;
}

/* Last step's and the EWMA's forecast of step t from the published counts
 * of the steps before it (withheld taken as 0), into last and ewma. */
static void published_forecast(const double *pub, size_t U, size_t T, size_t t,
                               double alpha, double *last, double *ewma) {
    for (size_t u = 0; u < U; u++) {
        double s = 0;
        for (size_t k = 0; k < t; k++) {
            double x = pub[u * T + k];
            x = isfinite(x) ? x : 0;
            /* s_0 = x_0, s_k = a x_k + (1 - a) s_{k-1}, as
             * engine/forecast.c */
            s = k == 0 ? x : alpha * x + (1 - alpha) * s;
        }
        double x = t ? pub[u * T + t - 1] : 0;
        last[u] = isfinite(x) ? x : 0;
        ewma[u] = s;
    }
}

static vemt_status published_backtest(vemt_ctx *ctx, const vemt_job *a,
                                      const vemt_units *grid, size_t T,
                                      const double *pub,
                                      const vemt_forecast_opts *o,
                                      vemt_forecast_stage *s) {
    size_t U = vemt_units_count(grid), N = (size_t)a->backtest;
    if (N + 2 > T) {
        snprintf(s->refusal, sizeof s->refusal,
                 "--backtest %zu leaves %zu steps before its first: at "
                 "least 2 must come before it",
                 N, N < T ? T - N : 0);
        s->refused = s->refusal;
        return VEMT_OK;
    }
    s->backtest.rows =
        vemt_calloc(N * 2 * o->n_shares, sizeof *s->backtest.rows);
    double *fl = vemt_calloc(U ? U : 1, sizeof *fl);
    double *fe = vemt_calloc(U ? U : 1, sizeof *fe);
    double *actual = vemt_calloc(U ? U : 1, sizeof *actual);
    vemt_status st = VEMT_E_NOMEM;
    if (s->backtest.rows && fl && fe && actual) st = VEMT_OK;
    for (size_t t = T - N; t < T && !st; t++) {
        published_forecast(pub, U, T, t, o->ewma_alpha, fl, fe);
        for (size_t u = 0; u < U; u++)
            actual[u] = isfinite(pub[u * T + t]) ? pub[u * T + t] : 0;
        for (int m = VEMT_FORECAST_LAST_STEP; m <= VEMT_FORECAST_EWMA && !st;
             m++)
            for (size_t k = 0; k < o->n_shares && !st; k++) {
                vemt_forecast_row *r = &s->backtest.rows[s->backtest.n++];
                r->step = t;
                r->method = (vemt_forecast_method)m;
                st = vemt_forecast_score_units(
                    ctx, grid, m == VEMT_FORECAST_LAST_STEP ? fl : fe, actual,
                    o->shares[k], &r->score);
            }
    }
    vemt_free(fl), vemt_free(fe), vemt_free(actual);
    return st;
}

static vemt_status published_stage(vemt_ctx *ctx, const vemt_job *a,
                                   const vemt_units *grid,
                                   const vemt_cube *cube, const double *pub,
                                   const vemt_forecast_opts *o,
                                   vemt_forecast_stage *s) {
    size_t U = vemt_units_count(grid), T = vemt_cube_steps(cube);
    valued *order = vemt_calloc(U ? U : 1, sizeof *order);
    if (!order) return VEMT_E_NOMEM;
    for (int m = 0; m < VEMT_FORECAST_METHODS; m++) {
        s->pub_expected[m] = vemt_calloc(U ? U : 1, sizeof *s->pub_expected[m]);
        s->pub_rank[m] = vemt_calloc(U ? U : 1, sizeof *s->pub_rank[m]);
        if (!s->pub_expected[m] || !s->pub_rank[m]) {
            vemt_free(order);
            return VEMT_E_NOMEM;
        }
    }
    double *last = s->pub_expected[VEMT_FORECAST_LAST_STEP];
    double *ewma = s->pub_expected[VEMT_FORECAST_EWMA];
    /* recency needs the events' points: no value, rank 0 (null) */
    for (size_t u = 0; u < U; u++)
        s->pub_expected[VEMT_FORECAST_RECENCY][u] = (double)NAN;
    published_forecast(pub, U, T, T, o->ewma_alpha, last, ewma);
    rank_values(last, U, order, s->pub_rank[VEMT_FORECAST_LAST_STEP]);
    rank_values(ewma, U, order, s->pub_rank[VEMT_FORECAST_EWMA]);
    vemt_free(order);
    return a->backtest > 0 ? published_backtest(ctx, a, grid, T, pub, o, s)
                           : VEMT_OK;
}

/* The scores' step labels, the output, the log. */
static vemt_status finish_scores(const vemt_job *a, const vemt_cube *cube,
                                 const vemt_callbacks *info,
                                 vemt_forecast_stage *s) {
    if (s->refused) {
        char msg[400];
        snprintf(msg, sizeof msg, "backtest: not run: %s\n", s->refused);
        vemt_log_text(info, VEMT_LOG_WARNING, msg);
    }
    if (s->backtest.n) {
        s->score_step = vemt_calloc(s->backtest.n, sizeof *s->score_step);
        if (!s->score_step) return VEMT_E_NOMEM;
        for (size_t i = 0; i < s->backtest.n; i++)
            vemt_cube_step_label(cube, s->backtest.rows[i].step,
                                 s->score_step[i], sizeof s->score_step[i]);
        s->out.scores = s->backtest.rows;
        s->out.n_scores = s->backtest.n;
        s->out.score_step = (const char(*)[16])s->score_step;
        if (info) tell_backtest(s, info, a->backtest);
    }
    s->out.refused = s->refused;
    vemt_logf(info,
              "forecast of %s for each of %zu units (the forecast layer)\n",
              s->out.step, vemt_cube_units(cube));
    s->done = true;
    return VEMT_OK;
}

vemt_status vemt_forecast_stage_run(
    vemt_ctx *ctx, const vemt_job *a, const vemt_units *grid,
    const vemt_events *events, const vemt_cube *cube, const double *published,
    const vemt_callbacks *info, vemt_params *params, vemt_forecast_stage *s) {
    memset(s, 0, sizeof *s);
    if (!a->forecast) return VEMT_OK;
    if (!cube || !grid) {
        vemt_log_text(info, VEMT_LOG_WARNING,
                      "forecast: not made: the data have no calendar steps "
                      "(the trend analysis did not run)\n");
        return VEMT_OK;
    }
    vemt_forecast_opts o = vemt_forecast_opts_default();
    o.kinds = a->kinds;
    size_t T = vemt_cube_steps(cube);
    vemt_cube_step_label(cube, T, s->out.step, sizeof s->out.step);
    if (a->backtest > 0)
        vemt_params_add(params, "backtest_steps", "given", (double)a->backtest);
    vemt_params_add(params, "forecast_ewma_alpha", "default", o.ewma_alpha);
    vemt_tier_rules rules;
    vemt_job_rules(a, &rules);
    if (rules.threshold > 0 && published) {
        vemt_status st = published_stage(ctx, a, grid, cube, published, &o, s);
        if (st) return st;
        for (int m = 0; m < VEMT_FORECAST_METHODS; m++) {
            s->out.expected[m] = s->pub_expected[m];
            s->out.rank[m] = s->pub_rank[m];
        }
        vemt_params_add_text(params, "forecast_counts", "automatic",
                             "the published counts: last step and EWMA");
        return finish_scores(a, cube, info, s);
    }
    vemt_status st =
        vemt_forecast_create(ctx, grid, events, cube, T, &o, &s->next);
    if (st) return st;
    for (int m = 0; m < VEMT_FORECAST_METHODS; m++) {
        s->out.expected[m] =
            vemt_forecast_expected(s->next, (vemt_forecast_method)m);
        s->out.rank[m] = vemt_forecast_ranks(s->next, (vemt_forecast_method)m);
    }
    vemt_params_add(params, "forecast_window_days", "default", o.window_days);
    vemt_params_add(params, "forecast_bandwidth_m", "default", o.bandwidth_m);
    if (a->backtest > 0) {
        st = vemt_forecast_backtest(ctx, grid, events, cube,
                                    (size_t)a->backtest, &o, &s->backtest);
        if (st == VEMT_E_ARG) {
            snprintf(s->refusal, sizeof s->refusal, "%s",
                     vemt_ctx_error(ctx)->msg);
            s->refused = s->refusal;
            st = VEMT_OK;
        }
        if (st) return st;
    }
    return finish_scores(a, cube, info, s);
}
