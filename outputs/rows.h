/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file rows.h
 * @brief Public API of outputs/, continued: the analyses' results as the
 * writers take them (trends, safeguarding, clusters, density, the scan),
 * borrowed by vemt_output (outputs/outputs.h).
 */
#ifndef VEMT_OUTPUTS_ROWS_H
#define VEMT_OUTPUTS_ROWS_H

#include "engine/engine.h" /* and engine/vemt.h */

#ifdef __cplusplus
extern "C" {
#endif

/** One row of the trends table: a series' count in one time step. */
typedef struct vemt_trend_row {
    const char *area;     /* "study area", or an area's id */
    const char *category; /* "all", or one category */
    int64_t step_start_utc, step_end_utc;
    double n_events, n_subjects;
    double change_prev, change_prev_p; /* vs the previous step; NaN: none */
    double change_year, change_year_p; /* vs a year earlier; NaN: none */
    double mk_z, mk_p, sen_slope;      /* of the whole series */
    /* Changes are of events per day: rate_per_day = events wholly inside
     * the step / its calendar days; the p-values test two Poisson rates
     * with those exposures. */
    double days, rate_per_day;
    double mk_n;                 /* steps used by the Mann-Kendall test */
    const char *mk_note;         /* why mk_* are null; NULL: they are not */
    double sk_z, sk_p, sk_slope; /* seasonal Kendall (months, >= 2 years;
                                    slope per year); NaN: not computed */
} vemt_trend_row;

/** The trend analysis: the cube with its space-time Gi*, the pattern of
 * each unit, and the trends table. Per-bin arrays have units x steps
 * entries, per-unit arrays units. All borrowed. */
typedef struct vemt_trends_out {
    const vemt_cube *cube;
    const double *z, *p;
    const int8_t *bins;
    const vemt_ehsa *pattern;
    const vemt_chainey *chainey;
    const vemt_mk *mk;       /* of each unit's Gi* z-series */
    const vemt_mk *count_mk; /* of each unit's counts per step */
    const double *share_hot; /* share of steps hot */
    const double *pub_events, *pub_subjects;   /* per bin, as published: NaN =
                                                  suppressed */
    const double *unit_events, *unit_subjects; /* per unit totals, likewise */
    const uint8_t *bin_hidden;     /* per bin: gi_bin withheld, or NULL */
    const uint8_t *pattern_hidden; /* per unit: patterns and share_hot
                                      withheld, or NULL */
    const vemt_trend_row *rows;
    size_t n_rows;
    size_t n_whole;  /* events of the study area wholly inside one step */
    size_t n_spread; /* ... spread over more than one: not in the rates */
} vemt_trends_out;

/** A location of concern: a place linked to several children. */
typedef struct vemt_place_row {
    double x, y;     /* the place's centre (mean of its events) */
    long n_children; /* distinct known children and subjects */
    long n_events;
    int64_t first_utc, last_utc;
    char kinds[48];       /* e.g. "found_at,incident" */
    char categories[160]; /* incident categories, most frequent first */
} vemt_place_row;

/** A patrol window: when to be at a hot place. */
typedef struct vemt_patrol_row {
    char place_kind[16]; /* "cell" or "dbscan cluster" */
    char place[48];      /* the hot cell's id or the cluster's cluster_id */
    int weekday;         /* 0 = Monday */
    int start_hour;      /* local time, 0..23 */
    int end_hour;        /* exclusive; may wrap past midnight */
    double per_week;     /* expected events per week in the window */
    double share;        /* of the place's timed events: n_window / n_place */
    double n_window;     /* events in the window (aoristic weights) */
    double n_place;      /* the place's events known to the hour */
    int hours;           /* the window's length, of the week's 168 */
} vemt_patrol_row;

/** The Knox near-repeat table. All borrowed. */
typedef struct vemt_near_repeat_out {
    const vemt_knox_cell *cells; /* space bands x time bands, row-major */
    size_t n_space, n_time;
    const char *metric; /* "manhattan" or "euclidean" */
    size_t n_events;    /* events tested (month-precision ones left out) */
} vemt_near_repeat_out;

/** Found-at hot spots at two levels: events and distinct children. Per
 * unit of the output's grid. All borrowed. */
typedef struct vemt_found_out {
    const double *n_found, *n_children;
    const double *gi_z, *gi_p; /* event-level Gi* */
    const int8_t *gi_bin;      /* FDR bins of the event-level Gi* */
    const double *child_z;     /* Gi* of distinct children per unit */
    const double *child_p;     /* its child-level permutation p */
    const double *mean_lclq;   /* mean co-location quotient of incidents
                                  around the unit's found-at places, or
                                  NULL; NaN where none */
} vemt_found_out;

/** Local co-location quotients at found-at places (of incidents around
 * them) and at incidents (of found-at places around them). All borrowed. */
typedef struct vemt_colocation_out {
    size_t n;
    const size_t *event;           /* index into events */
    const double *lclq, *p;        /* quotient and its permutation p */
    double global_fi, global_fi_p; /* found-at -> incident, global */
    double global_if, global_if_p; /* incident -> found-at, global */
} vemt_colocation_out;

/** Missing episodes of one area in one time step. */
typedef struct vemt_missing_row {
    const char *area; /* "study area", or a polygon unit's id */
    int64_t step_start_utc, step_end_utc;
    long episodes;             /* starting in the step */
    long children;             /* distinct known children among them */
    long repeat_children;      /* children with a repeat episode in the step */
    double median_duration_h;  /* of the closed episodes; NaN: none */
    double share_out_of_area;  /* of those found at a known place */
    double share_looked_after; /* of those whose status is known */
} vemt_missing_row;

/** A known reporting place and its flagged missing_from events. */
typedef struct vemt_flagged_row {
    const char *name;            /* its name (or feature id) in the file */
    long n_missing_from;         /* episodes that started there */
    long n_children;             /* distinct children among them */
    int64_t first_utc, last_utc; /* -1: none */
    bool included;               /* kept in the hot spots (--include-flagged) */
} vemt_flagged_row;

/** The safeguarding analyses. All borrowed. */
typedef struct vemt_safeguarding_out {
    const vemt_place_row *places;
    size_t n_places;
    const vemt_patrol_row *patrol;
    size_t n_patrol;
    const vemt_near_repeat_out *near_repeat; /* or NULL */
    const vemt_found_out *found;             /* or NULL */
    const vemt_colocation_out *colocation;   /* or NULL */
    const vemt_missing_row *missing;         /* areas x steps, or NULL */
    size_t n_missing;
    long repeat_episodes, repeat_days; /* the repeat-child rule */
    const vemt_flagged_row *flagged;   /* or NULL */
    size_t n_flagged;
} vemt_safeguarding_out;

/** One clustering method's result. All borrowed. */
typedef struct vemt_cluster_set {
    const char *method;            /* "dbscan", "st-dbscan" or "hdbscan" */
    const vemt_clusters *clusters; /* outlines and attributes, label 0.. */
    const double *n_subjects;      /* per cluster: distinct subjects */
    const int32_t *event_label; /* per event (events->n): cluster, < 0 none */
    const double *event_prob;   /* per event: HDBSCAN membership, or NULL */
} vemt_cluster_set;

/** The kernel density surface. All borrowed. */
typedef struct vemt_density_out {
    const vemt_raster *raster; /* events per km^2, north-up, analysis CRS */
    const char *description;   /* kernel, bandwidth, pixel, what was counted */
} vemt_density_out;

/** One cluster of the space-time permutation scan (pipeline/scan.c). */
typedef struct vemt_scan_row {
    long rank;                  /* 1: the primary (most likely) cluster */
    double x, y;                /* the centre unit's centre */
    double radius_m;            /* to the farthest member unit's centre */
    double drawn_m;             /* the circle drawn: the members' cells
                                   covered, and at least the tier's smallest
                                   unit area */
    char centre_id[48];         /* the centre unit's id */
    const char *place;          /* the name of the area holding the centre, or
                                   NULL */
    long n_units;               /* member units (those with events) */
    int64_t start_utc, end_utc; /* the window of whole steps */
    char first_step[16], last_step[16]; /* its steps' labels */
    double observed, expected, relative_risk, llr, p;
    double recurrence_days; /* prospective: the analysis interval / p, in
                               days; NaN retrospective */
} vemt_scan_row;

/** The space-time permutation scan's clusters. All borrowed. */
typedef struct vemt_scan_out {
    const vemt_scan_row *rows; /* primary first */
    size_t n;
    bool prospective;
    double p_floor; /* the least p the replicates allow, 1 / (R + 1) */
} vemt_scan_out;

/** The forecast of the step after the data, per unit, by the three
 * methods (vemt_forecast_method order), and the backtest's scores. */
typedef struct vemt_forecast_out {
    char step[16]; /* the forecast step's label ("2026-01") */
    const double *expected[VEMT_FORECAST_METHODS]; /* per unit */
    const size_t *rank[VEMT_FORECAST_METHODS];     /* per unit, 1 = first */
    const vemt_forecast_row *scores;               /* the backtest, or NULL */
    size_t n_scores;
    const char (*score_step)[16]; /* each score row's step label */
    const char *refused; /* why a backtest asked for was not run, or NULL */
} vemt_forecast_out;

#ifdef __cplusplus
}
#endif

#endif /* VEMT_OUTPUTS_ROWS_H */
