/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file scan.h
 * @brief Public API of the space-time permutation scan (Kulldorff et al.
 * 2005): a circle of locations and a run of whole steps holding more events
 * than the space and time margins of the data expect, with Monte Carlo
 * p-values from permutations of the steps among the events.
 */
#ifndef VEMT_ENGINE_SCAN_H
#define VEMT_ENGINE_SCAN_H

#include "engine/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most steps the Monte Carlo may take (its cost as
 * vemt_scan_result.work counts it) unless vemt_scan_opts.max_work says
 * otherwise: about twenty minutes on two cores. */
#define VEMT_SCAN_MAX_WORK 2e12

/** Most clusters reported unless vemt_scan_opts.max_clusters says. */
#define VEMT_SCAN_CLUSTERS_DEFAULT 10

/** How to scan. Zeros are the defaults where one is named. */
typedef struct vemt_scan_opts {
    double max_share;    /* most of all events one circle's locations may
                            hold, (0, 0.5] (0: 0.5, SaTScan's default) */
    size_t max_steps;    /* longest window in steps (0: half the steps, at
                            least 1) */
    bool retrospective;  /* every window of the steps; else (prospective
                            surveillance) only those ending at the last */
    vemt_perm_opts perm; /* replicates R (>= 1), seed, threads */
    size_t max_clusters; /* most clusters reported (0: the default) */
    double max_work;     /* refuse above this (0: VEMT_SCAN_MAX_WORK) */
    bool exhaustive;     /* evaluate every cylinder of every replicate
                            (the reference the pruned search must equal) */
} vemt_scan_opts;

/** One cluster: the circle round a centre location through its farthest
 * member, and a window of whole steps. */
typedef struct vemt_scan_cluster {
    uint32_t centre;     /* location index of the centre */
    uint32_t n_members;  /* locations with events inside the circle */
    size_t first_member; /* they are members[first_member ...] */
    double radius;       /* from the centre to the farthest member, in
                            the units of the coordinates */
    uint32_t first_step, last_step; /* the window, both included */
    double observed, expected;      /* events in the cylinder, and the
                                       margins' expectation */
    double relative_risk;           /* (obs / exp) / ((N - obs) / (N - exp)) */
    double llr;                     /* log likelihood ratio */
    double p;                       /* (1 + #{replicates' largest LLR >= llr}) /
                                       (R + 1) */
} vemt_scan_cluster;

/** What a scan found. Owned; free with vemt_scan_result_clear(). */
typedef struct vemt_scan_result {
    vemt_scan_cluster *clusters; /* primary first, then secondary ones with
                                    no location in common, by LLR */
    size_t n_clusters;
    uint32_t *members; /* the clusters' locations, nearest first */
    size_t n_members;
    double *null_llr; /* per replicate: the largest LLR of any cylinder */
    double p_floor;   /* the least p possible: 1 / (R + 1) */
    size_t replicates;
    size_t n_events;      /* events scanned */
    size_t n_locations;   /* locations holding any */
    size_t n_windows;     /* windows of steps tried at each circle */
    uint64_t n_cylinders; /* circles x windows of the data evaluated */
    double work;          /* the Monte Carlo's cost: each replicate's
                             additions of a location's window counts and
                             comparisons of a cylinder's count */
} vemt_scan_result;

/** Space-time permutation scan (Kulldorff, Heffernan, Hartman, Assuncao &
 * Mostashari 2005, "A space-time permutation scan statistic for disease
 * outbreak detection", PLoS Medicine 2(3):e59,
 * doi:10.1371/journal.pmed.0020059) of n_events events, event i at
 * location location[i] (< n_locations, at xy[2 location], xy[2 location +
 * 1]) in step step[i] (< n_steps). Cylinders: a circle centred on each
 * location holding its nearest locations (equidistant ones together) while
 * they hold at most max_share of the events, times each window of whole
 * steps up to max_steps long. Returns VEMT_E_ARG (an index out of range,
 * fewer than 2 events or steps, a bad option), VEMT_E_OPTION (the Monte
 * Carlo would exceed max_work: the message names the options that shrink
 * it), VEMT_E_NOMEM. Caller owns *out; free with vemt_scan_result_clear(). */
vemt_status vemt_scan_run(vemt_ctx *ctx, const double *xy, size_t n_locations,
                          size_t n_steps, const uint32_t *location,
                          const uint32_t *step, size_t n_events,
                          const vemt_scan_opts *opts, vemt_scan_result *out);

/** Free a result's arrays and zero it; NULL is a no-op. */
void vemt_scan_result_clear(vemt_scan_result *r);

/** The log likelihood ratio of n events where mu are expected out of
 * total (Kulldorff et al. 2005, as above): n ln(n / mu) + (total - n)
 * ln((total - n) / (total - mu)) when mu < n < total, else 0 (a scan's
 * circles hold at most half of the events). */
double vemt_scan_llr(double n, double mu, double total);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_SCAN_H */
