/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safeguarding.h
 * @brief Public API of the repeat and safeguarding statistics: the Knox
 * near-repeat test, co-location quotients, the child-level Gi* test,
 * places and patrol windows.
 */
#ifndef VEMT_ENGINE_SAFEGUARDING_H
#define VEMT_ENGINE_SAFEGUARDING_H

#include "engine/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Knox, co-location, child-level Gi* ---------------------------------- */

/* Near repeats (Knox test), co-location quotients and the child-level Gi*
 * permutation test. Points are plain arrays in the analysis CRS (metres),
 * borrowed for the call; permutation options are vemt_perm_opts (R, seed,
 * threads), and results do not depend on the number of threads. */

/** Distance between two points of a Knox test. */
typedef enum vemt_metric {
    VEMT_METRIC_MANHATTAN = 0, /* |dx| + |dy| (NearRepeat's default) */
    VEMT_METRIC_EUCLIDEAN      /* straight line */
} vemt_metric;

/** Knox test bands: band k of edges e is the half-open interval
 * [e[k], e[k + 1]); edges are ascending, e[0] >= 0, and only the last may
 * be INFINITY, as NearRepeat's default cut(right = FALSE). Pairs below the
 * first edge or at or past the last are not counted. The first band is
 * [0, s1) when e[0] = 0; "same location" is a band [0, eps) (NearRepeat's
 * c(0, 0.001, ...) or c(0, 1, ...) metres), and with times in whole days
 * "same day" is [0, 1), "the next day" [1, 2). */
typedef struct vemt_knox_opts {
    const double *s_edges; /* spatial edges, in the units of x and y */
    size_t n_s_edges;      /* >= 2: n_s_edges - 1 space bands */
    const double *t_edges; /* temporal edges, in the units of t */
    size_t n_t_edges;      /* >= 2 */
    vemt_metric metric;
    vemt_perm_opts perm; /* R (VEMT_PERMUTATIONS_DEFAULT), seed, threads */
    /* Calendar time (README, Terms: time gap; NULL: every pair is apart by the
     * difference of its t): per event, its calendar date in days since
     * 1970-01-01 (vemt_event_date; t is then in days too) and its
     * vemt_precision. Two exact times (second or minute precision) are
     * apart by the difference of their t, elapsed time; any other pair by
     * the difference of its dates, calendar days. A permutation moves an
     * event's t, date and precision together. */
    const int32_t *date;
    const uint8_t *precision;
    size_t max_pairs; /* pairs the test may follow; 0: VEMT_KNOX_MAX_PAIRS */
} vemt_knox_opts;

/** One cell of a Knox table: pairs whose distance is in the space band
 * [s_from, s_to) and whose time apart is in [t_from, t_to). */
typedef struct vemt_knox_cell {
    double s_from, s_to, t_from, t_to;
    uint64_t observed;   /* pairs in the data */
    double expected;     /* mean count over the permutations */
    double ratio;        /* Knox ratio observed / expected (NaN: 0 / 0;
                            INFINITY when only expected is 0) */
    double ratio_median; /* observed / median count (NearRepeat) */
    double p;            /* (1 + #{permutations >= observed}) / (R + 1) */
} vemt_knox_cell;

/** Largest number of pairs one Knox test may follow: the test follows the
 * pairs within the widest space band or those within the widest time band,
 * whichever are fewer, and refuses when both are more. */
#define VEMT_KNOX_MAX_PAIRS ((size_t)1 << 26)

/** Knox near-repeat test with Monte Carlo inference as NearRepeat
 * (Steenbeek) and the Near Repeat Calculator (Ratcliffe) compute it: each
 * permutation shuffles the times t among the n points (x, y), and every
 * (space band, time band) cell counts the unordered pairs in it. cells
 * gets (n_s_edges - 1) x (n_t_edges - 1) entries, row-major by space band;
 * it is the caller's. Only pairs within the widest bands are visited.
 * Returns VEMT_E_ARG (n < 2 or >= 2^32, bad edges, R = 0, non-finite
 * values, more than VEMT_KNOX_MAX_PAIRS pairs to follow), VEMT_E_NOMEM. */
vemt_status vemt_knox_compute(vemt_ctx *ctx, const double *x, const double *y,
                              const double *t, size_t n,
                              const vemt_knox_opts *opts,
                              vemt_knox_cell *cells);

/** Neighbours of the local co-location quotient by default (Esri). */
#define VEMT_CLQ_K_DEFAULT 8

/** Co-location quotient options; k = 0 takes VEMT_CLQ_K_DEFAULT. */
typedef struct vemt_clq_opts {
    size_t k;            /* neighbours; the bandwidth is the k-th distance */
    vemt_perm_opts perm; /* R, seed, threads */
} vemt_clq_opts;

/** Local co-location quotient LCLQ_{A->B} (Cromley, Hanink & Bentlage
 * 2014; engine/colocation.c) at every point i of category a among the n
 * points xy (x0, y0, x1, y1, ...) with categories cat: the Gaussian-kernel
 * weighted share of category b among the k nearest other points (bandwidth
 * the k-th distance), over N'_b / (N - 1), N'_b the points of b other than
 * i. p_sim[i] is the two-sided conditional-permutation pseudo p-value
 * (as vemt_gistar_permute's): the other points' categories are shuffled
 * among them. lclq and p_sim (n entries each, the caller's) are NaN at
 * points not of category a, and where no other point is of b. Returns
 * VEMT_E_ARG (k >= n, n >= 2^32, R = 0, non-finite coordinates),
 * VEMT_E_NOMEM. */
vemt_status vemt_clq_local(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                           size_t n, int32_t a, int32_t b,
                           const vemt_clq_opts *opts, double *lclq,
                           double *p_sim);

/** Global co-location quotient CLQ_{A->B}: the mean of the local quotients
 * over the points of a (which, with k = 1 and no ties, is Leslie &
 * Kronenfeld's 2011 CLQ), into *clq; *p_sim its two-sided pseudo p-value
 * under random labelling of all n points (category counts kept). NaN when
 * no point is of a or none other of b. Returns as vemt_clq_local. */
vemt_status vemt_clq_global(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                            size_t n, int32_t a, int32_t b,
                            const vemt_clq_opts *opts, double *clq,
                            double *p_sim);

/** The units where each child was found: child c's distinct units are
 * units[start[c] .. start[c + 1]), start has n_children + 1 entries. Its
 * first unit is the child's anchor when it is moved. Borrowed. */
typedef struct vemt_child_units {
    size_t n_children;
    const size_t *start;
    const size_t *units;
} vemt_child_units;

/** Child-level (repeat-aware) Gi*: x (n entries, may be NULL) gets the
 * distinct children found in each unit, z their Gi* z-score under w (with
 * self, as vemt_gistar_compute), and p_sim a two-sided pseudo p-value
 * (formula of vemt_gistar_permute) from permutations that move whole
 * children: each child's set of units is translated, as a rigid block, so
 * that its anchor lands on a unit drawn at random, and Gi* is recomputed
 * on the moved children (engine/childperm.c). xy holds the n unit centres
 * (vemt_units_centres). z and p_sim (n entries) are the caller's; NaN where
 * Gi* is undefined. Returns VEMT_E_ARG (sizes, a unit out of range or
 * listed twice for a child, n < 2, R = 0, non-finite centres),
 * VEMT_E_NOMEM. */
vemt_status vemt_gistar_child_permute(vemt_ctx *ctx, const vemt_weights *w,
                                      const double *xy, size_t n,
                                      const vemt_child_units *children,
                                      const vemt_perm_opts *opts, double *x,
                                      double *z, double *p_sim);

/* ---- Places and patrol windows ------------------------------------------- */

/** Group the located events whose kind is in kinds into places: events
 * within radius_m of each other (hypot(dx, dy) <= radius_m; single linkage)
 * share a place. place_of[i] gets event i's place number (0.., by first
 * event), or SIZE_MAX for events not grouped; *n_places the number of
 * places. Time and memory linear in the events (a grid of cells, union-
 * find). Returns VEMT_E_ARG (a non-finite coordinate, 2^32 or more events;
 * every place_of SIZE_MAX), VEMT_E_NOMEM. */
vemt_status vemt_places_group(const vemt_events *events, unsigned kinds,
                              double radius_m, size_t *place_of,
                              size_t *n_places);

/** Weekday x hour (local time in zone, the analysis zone; NULL: UTC;
 * weekday 0 = Monday) profile of events which[0..n): aoristic weights over
 * the hours of each event's time range; day- and month-precision events and
 * ranges over a week are skipped and counted. */
void vemt_week_profile(const vemt_events *events, const size_t *which, size_t n,
                       const vemt_tz *zone, double profile[7 * 24],
                       size_t *skipped);

/** A patrol window: weekday, hour of the week it starts, its weight. */
typedef struct vemt_window_score {
    int weekday;
    int start_hour; /* 0..167 from Monday 00:00; -1 = none */
    double weight;
} vemt_window_score;

/** The k heaviest non-overlapping windows of length_h hours of a profile
 * (wrapping past midnight and Sunday), heaviest first. */
void vemt_best_windows(const double profile[7 * 24], int length_h,
                       vemt_window_score *out, size_t k);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_SAFEGUARDING_H */
