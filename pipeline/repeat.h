/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file repeat.h
 * @brief Repeats and co-location in the safeguarding stage: the Knox
 * near-repeat test of the counted events, found-at hot spots at event and
 * child level, and co-location quotients of found-at places and incidents.
 */
#ifndef VEMT_PIPELINE_REPEAT_H
#define VEMT_PIPELINE_REPEAT_H

#include <stdio.h>

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/params.h"
#include "pipeline/pipeline.h"

/** What the stage made; owned, freed by vemt_repeat_clear(). */
typedef struct vemt_repeat_result {
    vemt_near_repeat_out nr;
    vemt_knox_cell *cells;
    bool have_nr;
    vemt_found_out found;
    double *n_found, *n_children, *gi_z, *gi_p, *child_z, *child_p;
    int8_t *gi_bin;
    bool have_found;
    vemt_colocation_out clq;
    size_t *clq_event;
    double *lclq, *lclq_p;
    double *mean_lclq; /* per unit, found-at places only */
    bool have_clq;
} vemt_repeat_result;

/** Run the three analyses on the events, the units and their Gi* weights
 * (with self), recording parameters and printing a line each on info (may
 * be NULL). An analysis without the data it needs (too few events, no
 * found-at events) is skipped with a note. Returns the engine's failures
 * (message in the context). */
vemt_status vemt_repeat_run(vemt_ctx *ctx, const vemt_job *a,
                            const vemt_events *events, const vemt_units *grid,
                            const vemt_weights *w, const vemt_callbacks *info,
                            vemt_params *params, vemt_repeat_result *r);

/** Free a result and zero it. */
void vemt_repeat_clear(vemt_repeat_result *r);

#endif /* VEMT_PIPELINE_REPEAT_H */
