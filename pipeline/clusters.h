/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file clusters.h
 * @brief The cluster and density stage of `vemt run`: DBSCAN, ST-DBSCAN
 * and HDBSCAN of the events, their outlines, and the kernel density
 * surface.
 */
#ifndef VEMT_PIPELINE_CLUSTERS_H
#define VEMT_PIPELINE_CLUSTERS_H

#include <stdio.h>

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/params.h"
#include "pipeline/pipeline.h"

/** What the stage made; everything owned, freed by
 * vemt_clusters_result_clear(). sets[0..n_sets-1] point into the arrays
 * below, in the order DBSCAN, ST-DBSCAN, HDBSCAN. */
typedef struct vemt_cluster_result {
    vemt_cluster_set sets[VEMT_CLUSTER_METHODS];
    size_t n_sets;
    vemt_clusters clusters[VEMT_CLUSTER_METHODS];
    int32_t *labels[VEMT_CLUSTER_METHODS]; /* per event; < 0: none */
    double *n_subjects[VEMT_CLUSTER_METHODS];
    double *prob;             /* HDBSCAN membership per event */
    size_t st_excluded;       /* month-precision events left out */
    vemt_raster raster;       /* the density, or zeroed */
    vemt_density_out density; /* points at raster */
    char density_desc[800];
    char warnings[800]; /* "" or the warnings' sentences (provenance) */
    char *alerts;       /* "warning: ...\n" lines (stderr, report), or NULL */
} vemt_cluster_result;

/** Cluster the located, in-area events of the counted kinds (restricted
 * tier only: clusters sit on event coordinates) and make the density
 * surface: of the events in the restricted tier; in the partner and public
 * tiers of the published counts at the centres of grid cells of 250 m or
 * more, and none otherwise. cells are the published counts of grid's
 * units; the surface covers the study area's extent (area, may be NULL:
 * the events' reach). Records parameters and prints a line per method on info
 * (may be NULL). Returns the engine's failures (message in the context). */
vemt_status vemt_clusters_run(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_events *events,
                              const vemt_study_area *area,
                              const vemt_units *grid, const double *cells,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_cluster_result *r);

/** Free a result and zero it. */
void vemt_clusters_result_clear(vemt_cluster_result *r);

#endif /* VEMT_PIPELINE_CLUSTERS_H */
