/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file scan.h
 * @brief The space-time permutation scan stage of `vemt run` (--scan):
 * the counted events by unit and calendar step of the trends' cube, the
 * engine's scan (engine/scan.h), and the clusters as the scan_clusters
 * layer and the board pack tell them.
 */
#ifndef VEMT_PIPELINE_SCAN_H
#define VEMT_PIPELINE_SCAN_H

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/log.h"
#include "pipeline/names.h"
#include "pipeline/params.h"

/** What the stage made. Owned; free with vemt_scan_stage_clear(). */
typedef struct vemt_scan_stage {
    vemt_scan_result res;
    vemt_scan_row *rows;
    vemt_scan_out out; /* points into rows */
    bool done;         /* the scan ran: out is the layer's */
    size_t n_events;   /* events scanned */
    size_t n_spread;   /* counted events over more than one step: left out */
    size_t n_outside;  /* ... outside the cube's steps */
    size_t n_units;    /* units holding events */
    size_t n_withheld; /* clusters the tier keeps back (too few events or
                          children, or dominated) */
    size_t n_steps;
    double step_days; /* the steps' mean length in days */
} vemt_scan_stage;

/** Run the scan when a->scan: the events the cube counts in a unit of grid
 * and wholly inside one of its steps. A scan the data can't support (too
 * few events or steps) or too big for the machine (the engine's limit) is
 * told on info as a warning and not run (s->done false); other failures
 * are errors in the context. */
vemt_status vemt_scan_stage_run(vemt_ctx *ctx, const vemt_job *a,
                                const vemt_units *grid,
                                const vemt_events *events,
                                const vemt_cube *cube, const vemt_names *names,
                                const vemt_callbacks *info, vemt_params *params,
                                vemt_scan_stage *s);

/** Free the stage's result and zero it; NULL is a no-op. */
void vemt_scan_stage_clear(vemt_scan_stage *s);

#endif /* VEMT_PIPELINE_SCAN_H */
