/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hotspots.h
 * @brief The hot-spot stage of `vemt run`: units (square or hexagon grid,
 * or polygon areas), counts, weights, Gi* with FDR bins and conditional
 * permutations, Local Moran and the scale profile.
 */
#ifndef VEMT_PIPELINE_HOTSPOTS_H
#define VEMT_PIPELINE_HOTSPOTS_H

#include <stdio.h>

#include "engine/engine.h"
#include "pipeline/job.h"
#include "pipeline/params.h"
#include "pipeline/pipeline.h"

/** What the stage made; everything owned, freed by vemt_hotspots_clear().
 * Per-unit arrays have vemt_units_count(grid) entries. */
typedef struct vemt_hotspot_result {
    vemt_units *grid;      /* the units: cells or polygon areas */
    vemt_weights *weights; /* binary, self included (Gi*; Moran skips self) */
    double *counts;        /* events per unit */
    double *subjects;      /* distinct subjects per unit */
    double *dom_subjects;  /* ... with the keyless events as one more */
    double *dom_top;       /* events of each unit's largest subject */
    double *z, *p;         /* Gi* z and two-sided p (NaN: undefined) */
    double *p_sim;         /* Gi* permutation p, or NULL (no permutations) */
    int8_t *bins;          /* gi_bin -3..3 */
    double *lisa_i, *lisa_z, *lisa_p;       /* Local Moran; lisa_p is the
                                               permutation p when there is one */
    int8_t *lisa_type;                      /* vemt_lisa_type */
    vemt_isa_band *profile;                 /* scale profile, or NULL */
    size_t n_profile, first_peak, max_peak; /* SIZE_MAX: no peak */
    double cell_m;                          /* 0 for polygon areas */
    double band_m;                          /* the band used, or 0 */
    size_t counted;                         /* events counted in units */
    char weights_desc[200];                 /* what the weights are */
    char warnings[800];                     /* "" or sentences */
    char *alerts; /* lines a person must look at ("warning: ...\n"; the
                     caller logs them as warnings), or NULL: repaired area
                     polygons, units without a neighbour */
} vemt_hotspot_result;

/** Lay the units over the study area (area may be NULL: the extent of the
 * counted events), count, build the weights and compute every per-unit
 * statistic, recording parameters in params and printing choices on info
 * (may be NULL). Returns VEMT_E_ARG (with the context's error) for a bad
 * setting or no located events, VEMT_E_NOMEM, VEMT_E_DEPENDENCY; the
 * message is in the context. */
vemt_status vemt_hotspots_run(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_study_area *area,
                              const vemt_events *events,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_hotspot_result *r);

/** Free a result and zero it. */
void vemt_hotspots_clear(vemt_hotspot_result *r);

#endif /* VEMT_PIPELINE_HOTSPOTS_H */
