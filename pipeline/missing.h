/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file missing.h
 * @brief The missing-episode summary of the safeguarding stage.
 */
#ifndef VEMT_PIPELINE_MISSING_H
#define VEMT_PIPELINE_MISSING_H

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"

/** The summary rows; owned, freed by vemt_missing_clear(). */
typedef struct vemt_missing_result {
    vemt_missing_row *rows; /* areas x steps: the study area first */
    size_t n;
} vemt_missing_result;

/** Summarise the missing episodes per area (the study area, and each unit
 * when grid holds polygon units) and per time step of cube (NULL: the
 * whole window as one step), an episode belonging to the area it went
 * missing from. Returns VEMT_E_NOMEM. */
vemt_status vemt_missing_run(const vemt_job *a, const vemt_events *events,
                             const vemt_units *grid, const vemt_cube *cube,
                             vemt_missing_result *r);

/** Free a result and zero it. */
void vemt_missing_clear(vemt_missing_result *r);

#endif /* VEMT_PIPELINE_MISSING_H */
