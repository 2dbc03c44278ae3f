/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file flagged.h
 * @brief Known reporting places (--flag-places): children's homes and
 * other places that report many absences. Their missing_from events are
 * flagged, listed per place, and left out of the spatial analyses unless
 * --include-flagged.
 */
#ifndef VEMT_PIPELINE_FLAGGED_H
#define VEMT_PIPELINE_FLAGGED_H

#include <stdio.h>

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/params.h"
#include "pipeline/pipeline.h"

/** What the stage made; owned, freed by vemt_flagged_clear(). */
typedef struct vemt_flagged_result {
    vemt_flagged_row *rows; /* one per place, in file order */
    size_t n;
    char **names; /* the rows' names */
    char *alerts; /* "warning: ...\n" per repaired place, or NULL: the
                     caller logs them */
} vemt_flagged_result;

/** Read a->flag_places and flag the missing_from events located in them
 * (and, without --include-flagged, leave them out of the analyses).
 * Returns the reader's failures (message in the context). */
vemt_status vemt_flagged_run(vemt_ctx *ctx, const vemt_job *a,
                             vemt_events *events, const vemt_callbacks *info,
                             vemt_params *params, vemt_flagged_result *r);

/** Free a result and zero it. */
void vemt_flagged_clear(vemt_flagged_result *r);

#endif /* VEMT_PIPELINE_FLAGGED_H */
