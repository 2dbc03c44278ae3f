/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trends.h
 * @brief Public API of the analyses over time: the space-time cube and its
 * Gi*, Mann-Kendall and Poisson trend tests, emerging hot spot and Chainey
 * patterns.
 */
#ifndef VEMT_ENGINE_TRENDS_H
#define VEMT_ENGINE_TRENDS_H

#include "engine/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Trend tests --------------------------------------------------------- */

/** A Mann-Kendall trend test and Sen's slope. */
typedef struct vemt_mk {
    double s, var_s;  /* Kendall's S and its variance with the tie correction */
    double z, p;      /* continuity-corrected z, two-sided normal p */
    double tau;       /* Kendall's tau-b against time */
    double sen_slope; /* Sen's median pairwise slope, per step (seasonal
                         Kendall: per cycle of seasons, i.e. per year) */
    size_t n;         /* steps used: those whose value is not NaN */
    const char *null_reason; /* NULL, or why the statistics are NaN (a
                                static string; never freed) */
} vemt_mk;

/** Fewest steps with a value for a Mann-Kendall test in the trend outputs;
 * with fewer, its statistics are null with the reason. */
#define VEMT_MK_MIN_STEPS 10

/** Mann-Kendall test of x[0..n-1] in time order. Steps whose value is NaN
 * are left out (the others keep their time index, so Sen's slope uses
 * true step distances); out->n is the number used. Returns VEMT_E_ARG
 * (statistics NaN, out->null_reason set) for fewer than 3 steps used,
 * VEMT_E_NOMEM. */
vemt_status vemt_mann_kendall(const double *x, size_t n, vemt_mk *out);

/** As vemt_mann_kendall(), but with fewer than min_steps steps used the
 * statistics are NaN with out->null_reason set and VEMT_OK is returned
 * (VEMT_E_ARG when min_steps is 3 or less, as vemt_mann_kendall()).
 * Returns VEMT_E_NOMEM. */
vemt_status vemt_mann_kendall_min(const double *x, size_t n, size_t min_steps,
                                  vemt_mk *out);

/** Seasonal Kendall test (Hirsch, Slack & Smith 1982) of x[0..n-1] in time
 * order with `period` seasons (12 for months): S and its variance summed
 * over the seasons, continuity-corrected z, two-sided p, and the seasonal
 * Kendall slope per cycle (per year) in sen_slope. NaN steps are left
 * out. Returns VEMT_E_ARG (statistics NaN) when n < 2 x period,
 * VEMT_E_NOMEM. */
vemt_status vemt_seasonal_kendall(const double *x, size_t n, size_t period,
                                  vemt_mk *out);

/** Two-sided exact p-value that a events over exposure ta and b events
 * over exposure tb (e.g. days) come from one Poisson rate (conditional
 * binomial test). NaN when an exposure is not positive. */
double vemt_poisson_rate_p(double a, double ta, double b, double tb);

/** vemt_poisson_rate_p() over equal exposures. */
double vemt_poisson_change_p(double a, double b);

/* ---- Patterns: emerging hot spots, Chainey ------------------------------- */

/** Emerging hot spot categories, Esri's wording (vemt_ehsa_name()). */
typedef enum vemt_ehsa {
    VEMT_EHSA_NONE = 0,
    VEMT_EHSA_NEW_HOT,
    VEMT_EHSA_CONSECUTIVE_HOT,
    VEMT_EHSA_INTENSIFYING_HOT,
    VEMT_EHSA_PERSISTENT_HOT,
    VEMT_EHSA_DIMINISHING_HOT,
    VEMT_EHSA_SPORADIC_HOT,
    VEMT_EHSA_OSCILLATING_HOT,
    VEMT_EHSA_HISTORICAL_HOT,
    VEMT_EHSA_NEW_COLD,
    VEMT_EHSA_CONSECUTIVE_COLD,
    VEMT_EHSA_INTENSIFYING_COLD,
    VEMT_EHSA_PERSISTENT_COLD,
    VEMT_EHSA_DIMINISHING_COLD,
    VEMT_EHSA_SPORADIC_COLD,
    VEMT_EHSA_OSCILLATING_COLD,
    VEMT_EHSA_HISTORICAL_COLD,
    VEMT_EHSA_END
} vemt_ehsa;

/** Category name ("New Hot Spot"); never NULL. */
const char *vemt_ehsa_name(vemt_ehsa e);

/** Classify one location from its bins (-3..3 per step, 0 = not
 * significant) and Gi* z-series over t steps; the trend is significant at
 * mk_alpha. Definitions and order in engine/ehsa.c. */
vemt_ehsa vemt_ehsa_classify(const int *bins, const double *z, size_t t,
                             double mk_alpha);

/** Chainey's categories as sfhotspot names them. */
typedef enum vemt_chainey {
    VEMT_CHAINEY_NONE = 0,
    VEMT_CHAINEY_PERSISTENT_HOT,
    VEMT_CHAINEY_EMERGING_HOT,
    VEMT_CHAINEY_FORMER_HOT,
    VEMT_CHAINEY_INTERMITTENT_HOT,
    VEMT_CHAINEY_PERSISTENT_COLD,
    VEMT_CHAINEY_EMERGING_COLD,
    VEMT_CHAINEY_FORMER_COLD,
    VEMT_CHAINEY_INTERMITTENT_COLD,
    VEMT_CHAINEY_MIXED,
    VEMT_CHAINEY_END
} vemt_chainey;

/** sfhotspot::hotspot_classify_params(): 0.1, 0.8, 0.2, 0.05. */
typedef struct vemt_chainey_params {
    double hotspot_prop, persistent_prop, recent_prop, critical_p;
} vemt_chainey_params;

/** Category name ("persistent hot spot"); never NULL. */
const char *vemt_chainey_name(vemt_chainey c);

/** Classify one location from its Gi* z and p over t steps; scratch holds
 * t booleans. */
vemt_chainey vemt_chainey_classify(const double *z, const double *p, size_t t,
                                   const vemt_chainey_params *prm,
                                   bool *scratch);

/* ---- Space-time cube ----------------------------------------------------- */

/** Length of a time step. */
typedef enum vemt_step_unit {
    VEMT_STEP_MONTH = 0, /* calendar months of the cube's zone */
    VEMT_STEP_WEEK,      /* ISO weeks, from local Monday 00:00 */
    VEMT_STEP_DAYS       /* n_days local days from the first day */
} vemt_step_unit;

/** Where Gi*'s mean and variance come from (Esri's global window). */
typedef enum vemt_window {
    VEMT_WINDOW_CUBE = 0,      /* every bin of the cube */
    VEMT_WINDOW_NEIGHBOURHOOD, /* the bins of steps t-k..t */
    VEMT_WINDOW_INDIVIDUAL     /* step t alone; no neighbours in time */
} vemt_window;

/** How to build a cube. */
typedef struct vemt_cube_opts {
    vemt_step_unit unit;
    int n_days;                /* VEMT_STEP_DAYS */
    int64_t start_utc;         /* clip; 0 = from the data */
    int64_t end_utc;           /* clip; 0 = to the data */
    bool at_start;             /* count spanning events at their start, not
                                  spread over their steps (aoristic) */
    const vemt_tz *zone;       /* calendar of the steps (NULL: UTC) */
    const vemt_tz *input_zone; /* zone the day and month labels of day- and
                                  month-precision events were read in
                                  (NULL: UTC) */
    bool spread_months;        /* spread month-precision events evenly over
                                  the days of their month when steps are
                                  shorter than a month (else they make
                                  vemt_cube_create fail) */
    unsigned kinds;            /* bit set of 1u << vemt_kind */
    bool subjects;             /* analyse distinct subjects instead of events */
    int time_lag;              /* k: neighbours in steps t-k..t */
    vemt_window window;
} vemt_cube_opts;

/** Units x time steps: counts, distinct subjects, Gi* per bin. */
typedef struct vemt_cube vemt_cube;

/** Count the events of each unit per time step: calendar periods of
 * opts->zone. Fails with VEMT_E_ARG naming the reason when fewer than 60
 * events or 10 steps fall in the cube, and with VEMT_E_OPTION when steps
 * are weeks or days and some events give only a month (unless
 * opts->spread_months). Caller owns *out; free with vemt_cube_destroy(). */
vemt_status vemt_cube_create(vemt_ctx *ctx, const vemt_units *units,
                             const vemt_events *events,
                             const vemt_cube_opts *opts, vemt_cube **out);

/** Free the cube; NULL is a no-op. */
void vemt_cube_destroy(vemt_cube *cube);

/** Units and steps. Bins are numbered unit * steps + step. */
size_t vemt_cube_units(const vemt_cube *cube);
size_t vemt_cube_steps(const vemt_cube *cube);

/** First instant of step t (its first local midnight, UTC seconds), and
 * the first instant after it. */
int64_t vemt_cube_step_start(const vemt_cube *cube, size_t t);
int64_t vemt_cube_step_end(const vemt_cube *cube, size_t t);

/** Local calendar date (days since 1970-01-01 in the cube's zone) of the
 * first day of step t, and the number of calendar days in it. */
int64_t vemt_cube_step_first_day(const vemt_cube *cube, size_t t);
int64_t vemt_cube_step_days(const vemt_cube *cube, size_t t);

/** The step's local label into buf: "2022-04" (months), "2022-W14" (ISO
 * weeks), "2022-04-05" (its first day, for day steps). t may be the number
 * of steps: the step after the last. */
void vemt_cube_step_label(const vemt_cube *cube, size_t t, char *buf,
                          size_t size);

/** vemt_cube_event_step() of an event wholly outside the cube's steps. */
#define VEMT_CUBE_OUTSIDE (-1)
/** vemt_cube_event_step() of an event over more than one step, or over a
 * step and time outside the cube. */
#define VEMT_CUBE_SPANS (-2)

/** The step that wholly holds the event's time (its label dates, or its
 * time range), else VEMT_CUBE_OUTSIDE or VEMT_CUBE_SPANS. */
long vemt_cube_event_step(const vemt_cube *cube, const vemt_event *ev);

/** Events (aoristic weights) and distinct subjects per bin; borrowed. */
const double *vemt_cube_events(const vemt_cube *cube);
const double *vemt_cube_subjects(const vemt_cube *cube);

/** Events counted, and the share of bins that are zero. */
double vemt_cube_total(const vemt_cube *cube);
double vemt_cube_zero_share(const vemt_cube *cube);

/** Counts per step of the whole study area (events located inside it or
 * nowhere), of one category (a text offset of events; 0 = all), with the
 * cube's steps, kinds and weighting: n_events and n_subjects get one value
 * per step. Returns VEMT_E_NOMEM. */
vemt_status vemt_cube_series(const vemt_cube *cube, const vemt_events *events,
                             uint32_t category, double *n_events,
                             double *n_subjects);

/** Space-time Gi* of every bin under the unit weights w (self included)
 * with the cube's time lag and window; z, p and bins (FDR across all bins
 * when fdr) have units x steps entries. */
vemt_status vemt_cube_gistar(vemt_ctx *ctx, const vemt_cube *cube,
                             const vemt_weights *w, bool fdr, double *z,
                             double *p, int8_t *bins);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_TRENDS_H */
