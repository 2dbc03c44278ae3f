/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safeguard.h
 * @brief The safeguarding stage of `vemt run`: locations of concern and
 * patrol windows (journeys are drawn straight from the events).
 */
#ifndef VEMT_PIPELINE_SAFEGUARD_H
#define VEMT_PIPELINE_SAFEGUARD_H

#include "outputs/outputs.h"
#include "pipeline/job.h"

/** What the stage made; owned, freed by vemt_safeguard_clear(). */
typedef struct vemt_safeguard_result {
    vemt_safeguarding_out out;
    vemt_place_row *places;
    vemt_patrol_row *patrol;
    const char *note; /* why locations of concern were not looked for (a
                         static string, for the run's log), or NULL */
} vemt_safeguard_result;

/** Group found-at and incident locations into places and keep those
 * linked to at least the minimum number of children (skipped, with r->note
 * saying so, when none of those events has a subject key, as no place can
 * then be linked to a child); find the busiest
 * weekly windows of the hot cells (gi_bin 3) and of the DBSCAN clusters
 * (dbscan may be NULL). Returns VEMT_E_NOMEM. */
vemt_status vemt_safeguard_run(const vemt_job *a, const vemt_events *events,
                               const vemt_units *grid, const int8_t *gi_bin,
                               const vemt_cluster_set *dbscan,
                               vemt_safeguard_result *r);

void vemt_safeguard_clear(vemt_safeguard_result *r);

#endif /* VEMT_PIPELINE_SAFEGUARD_H */
