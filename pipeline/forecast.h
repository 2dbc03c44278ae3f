/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file forecast.h
 * @brief The forecast stage of `vemt run` (--forecast, --backtest N): the
 * step after the data forecast per unit by the engine's three methods
 * (engine/forecast.h), and the last N steps forecast from the data before
 * each and scored.
 */
#ifndef VEMT_PIPELINE_FORECAST_H
#define VEMT_PIPELINE_FORECAST_H

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/log.h"
#include "pipeline/params.h"

/** What the stage made. Owned; free with vemt_forecast_stage_clear(). */
typedef struct vemt_forecast_stage {
    vemt_forecast *next;          /* the step after the data */
    vemt_forecast_table backtest; /* the scores, or empty */
    char (*score_step)[16];       /* each score row's step label */
    vemt_forecast_out out;        /* points into the above */
    bool done;                    /* out is the layers' */
    /* Outside the restricted tier: the forecasts of the published counts
     * (recency, which needs the events' points, has none) */
    double *pub_expected[VEMT_FORECAST_METHODS];
    size_t *pub_rank[VEMT_FORECAST_METHODS];
    const char *refused; /* why the backtest asked for was not run, or
                            NULL (points to refusal) */
    char refusal[300];
} vemt_forecast_stage;

/** Run the stage when a->forecast (or a->backtest): the events the cube
 * counts, in the units of grid. Outside the restricted tier the forecasts
 * and scores are of published (per bin, NaN withheld, taken as 0): the
 * cube's counts as the tier publishes them, so they tell nothing the cube
 * does not; last step and EWMA only. A backtest the steps can't support is
 * told on info as a warning and left out; other failures are errors in
 * the context. */
vemt_status vemt_forecast_stage_run(
    vemt_ctx *ctx, const vemt_job *a, const vemt_units *grid,
    const vemt_events *events, const vemt_cube *cube, const double *published,
    const vemt_callbacks *info, vemt_params *params, vemt_forecast_stage *s);

/** Free the stage's result and zero it; NULL is a no-op. */
void vemt_forecast_stage_clear(vemt_forecast_stage *s);

#endif /* VEMT_PIPELINE_FORECAST_H */
