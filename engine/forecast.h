/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file forecast.h
 * @brief Public API of the forecasts of a space-time cube's next step:
 * prospective hot-spot (recency) weights, last step and an exponentially
 * weighted moving average per unit, their ranks, and their scores against
 * a step's actual counts (hit rate, PAI, PEI) in a backtest.
 */
#ifndef VEMT_ENGINE_FORECAST_H
#define VEMT_ENGINE_FORECAST_H

#include "engine/trends.h"
#include "engine/units.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The forecast methods (vemt_forecast_method_name()). */
typedef enum vemt_forecast_method {
    VEMT_FORECAST_RECENCY = 0, /* prospective hot-spotting: events of the
                                  last weeks near the unit (forecast.c) */
    VEMT_FORECAST_LAST_STEP,   /* the unit's count in step t - 1 */
    VEMT_FORECAST_EWMA,        /* exponentially weighted moving average of
                                  the unit's counts in steps 0..t-1 */
    VEMT_FORECAST_METHODS      /* sentinel: the number of methods */
} vemt_forecast_method;

/** Method name ("recency", "last step", "ewma"); never NULL. */
const char *vemt_forecast_method_name(vemt_forecast_method m);

/** Most shares of the study area one set of options scores at. */
#define VEMT_FORECAST_SHARES_MAX 8

/** How to forecast and score (vemt_forecast_opts_default()). */
typedef struct vemt_forecast_opts {
    double window_days;     /* recency: events of the last days before the
                               step's start (56: 8 weeks) */
    double bandwidth_m;     /* recency: events within this distance of the
                               unit's centre (400) */
    double distance_unit_m; /* recency: the length one "cell" of distance
                               is for polygon units, which have no cell
                               size (50) */
    double ewma_alpha;      /* smoothing constant in (0, 1] (0.3) */
    unsigned kinds;         /* recency: the events counted, a bit set of
                               1u << vemt_kind; give the cube's kinds
                               (default: every kind) */
    size_t n_shares;        /* shares of the area scored, 1..SHARES_MAX */
    double shares[VEMT_FORECAST_SHARES_MAX]; /* each in (0, 1] (0.01, 0.05,
                                                0.10) */
} vemt_forecast_opts;

/** The defaults above, by value (nothing to free). */
vemt_forecast_opts vemt_forecast_opts_default(void);

/** Every method's forecast of one step of a cube. */
typedef struct vemt_forecast vemt_forecast;

/** Forecast step t of the cube (1 <= t <= steps; t = steps is the step
 * after the data, starting at vemt_cube_step_end(cube, t - 1)) from the
 * data before it: the cube's event counts (vemt_cube_events, not its
 * distinct subjects) of steps 0..t-1, and for recency the
 * events the cube's rule (vemt_cube_event_step) puts wholly in a step
 * before t. units and events must be those the cube was made from; opts
 * NULL means the defaults. Returns VEMT_E_ARG naming the reason (a bad t
 * or option, units that are not the cube's), VEMT_E_NOMEM. Caller owns
 * *out; free with vemt_forecast_destroy(). */
vemt_status vemt_forecast_create(vemt_ctx *ctx, const vemt_units *units,
                                 const vemt_events *events,
                                 const vemt_cube *cube, size_t t,
                                 const vemt_forecast_opts *opts,
                                 vemt_forecast **out);

/** Free the forecast; NULL is a no-op. */
void vemt_forecast_destroy(vemt_forecast *f);

/** The step forecast, and the number of units. */
size_t vemt_forecast_step(const vemt_forecast *f);
size_t vemt_forecast_units(const vemt_forecast *f);

/** Counted events in the recency window before the step (each weighs in
 * the score of every unit whose centre lies within the bandwidth). */
size_t vemt_forecast_recent_events(const vemt_forecast *f);

/** Per unit, the score the method ranks by: recency's sum of weights;
 * last step's and EWMA's expected count. Borrowed; valid until the
 * forecast is destroyed. */
const double *vemt_forecast_scores(const vemt_forecast *f,
                                   vemt_forecast_method m);

/** Per unit, the expected count in the step. Recency's scores are scaled
 * to sum to the EWMA forecast's total (all zero when every score is).
 * Borrowed; valid until the forecast is destroyed. */
const double *vemt_forecast_expected(const vemt_forecast *f,
                                     vemt_forecast_method m);

/** Per unit, its rank by score, 1 = highest, ties broken by unit index.
 * Borrowed; valid until the forecast is destroyed. */
const size_t *vemt_forecast_ranks(const vemt_forecast *f,
                                  vemt_forecast_method m);

/** The units in rank order (order[0] has rank 1). Borrowed; valid until
 * the forecast is destroyed. */
const size_t *vemt_forecast_order(const vemt_forecast *f,
                                  vemt_forecast_method m);

/** A forecast's score against a step's actual counts at one share of the
 * study area (forecast.c gives the definitions and sources). */
typedef struct vemt_forecast_score {
    double share;            /* of the total area of the units */
    double captured;         /* n: events in the forecast's top units */
    double best;             /* n*: the most events any selection of that area
                                holds */
    double total;            /* N: events in the step */
    double hit_rate;         /* n / N */
    double pai;              /* predictive accuracy index (n / N) / (a / A) */
    double pei;              /* predictive efficiency index n / n* */
    const char *null_reason; /* NULL, or why the indices are NaN (a static
                                string; never freed) */
} vemt_forecast_score;

/** Score the forecast (a value per unit, ranked high to low, ties by unit
 * index) against actual (a count per unit) at share of the units' total
 * area. Returns VEMT_E_ARG for a share outside (0, 1], VEMT_E_NOMEM. Fills
 * *out, which the caller owns. */
vemt_status vemt_forecast_score_units(vemt_ctx *ctx, const vemt_units *units,
                                      const double *forecast,
                                      const double *actual, double share,
                                      vemt_forecast_score *out);

/** One row of a backtest: a method's forecast of a step at one share. */
typedef struct vemt_forecast_row {
    size_t step;
    vemt_forecast_method method;
    vemt_forecast_score score;
} vemt_forecast_row;

/** The rows of a backtest, by step, then method, then share. */
typedef struct vemt_forecast_table {
    vemt_forecast_row *rows;
    size_t n;
} vemt_forecast_table;

/** Backtest the last n_steps steps of the cube: each step t from steps -
 * n_steps to steps - 1 is forecast from the data before it by every
 * method and scored at every share of opts (NULL: the defaults) against
 * the cube's counts of t. Returns VEMT_E_ARG naming the reason when fewer
 * than 2 steps would come before the first step forecast, or as
 * vemt_forecast_create(); VEMT_E_NOMEM. The caller owns *out (zeroed
 * first and on failure); free its contents with
 * vemt_forecast_table_clear(). */
vemt_status vemt_forecast_backtest(vemt_ctx *ctx, const vemt_units *units,
                                   const vemt_events *events,
                                   const vemt_cube *cube, size_t n_steps,
                                   const vemt_forecast_opts *opts,
                                   vemt_forecast_table *out);

/** Free the table's rows and zero it. */
void vemt_forecast_table_clear(vemt_forecast_table *table);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_FORECAST_H */
