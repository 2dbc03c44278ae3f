/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file forecast.c
 * @brief The forecast stage: the next step's forecast, the backtest, and
 * what they tell the run's story.
 */
#include "pipeline/forecast.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"

void vemt_forecast_stage_clear(vemt_forecast_stage *s) {
    if (!s) return;
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

vemt_status vemt_forecast_stage_run(
    vemt_ctx *ctx, const vemt_job *a, const vemt_units *grid,
    const vemt_events *events, const vemt_cube *cube,
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
    vemt_status st =
        vemt_forecast_create(ctx, grid, events, cube, T, &o, &s->next);
    if (st) return st;
    vemt_cube_step_label(cube, T, s->out.step, sizeof s->out.step);
    for (int m = 0; m < VEMT_FORECAST_METHODS; m++) {
        s->out.expected[m] =
            vemt_forecast_expected(s->next, (vemt_forecast_method)m);
        s->out.rank[m] = vemt_forecast_ranks(s->next, (vemt_forecast_method)m);
    }
    vemt_params_add(params, "forecast_window_days", "default", o.window_days);
    vemt_params_add(params, "forecast_bandwidth_m", "default", o.bandwidth_m);
    vemt_params_add(params, "forecast_ewma_alpha", "default", o.ewma_alpha);
    if (a->backtest > 0) {
        vemt_params_add(params, "backtest_steps", "given", (double)a->backtest);
        st = vemt_forecast_backtest(ctx, grid, events, cube,
                                    (size_t)a->backtest, &o, &s->backtest);
        if (st == VEMT_E_ARG) {
            char msg[400];
            snprintf(msg, sizeof msg, "backtest: not run: %s\n",
                     vemt_ctx_error(ctx)->msg);
            vemt_log_text(info, VEMT_LOG_WARNING, msg);
            st = VEMT_OK;
        }
        if (st) return st;
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
    }
    vemt_logf(info,
              "forecast of %s: by recency, last step and EWMA for each of "
              "%zu units (the forecast layer)\n",
              s->out.step, vemt_units_count(grid));
    s->done = true;
    return VEMT_OK;
}
