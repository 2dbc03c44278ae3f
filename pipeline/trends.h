/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trends.h
 * @brief The trend stage of `vemt run`: space-time cube, emerging hot
 * spots, trend table.
 */
#ifndef VEMT_PIPELINE_TRENDS_H
#define VEMT_PIPELINE_TRENDS_H

#include <stdio.h>

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/pipeline.h"

/** What the trend stage made; everything owned, freed by
 * vemt_trends_clear(). */
typedef struct vemt_trend_result {
    vemt_trends_out out; /* points into the arrays below */
    vemt_cube *cube;
    double *z, *p, *share_hot;
    int8_t *bins;
    vemt_ehsa *pattern;
    vemt_chainey *chainey;
    vemt_mk *mk, *count_mk;
    vemt_trend_row *rows;
    char **categories; /* names of the trend rows' categories */
    size_t n_categories;
    size_t n_area_rows; /* rows of the study area (all and categories) */
    char **unit_names;  /* per polygon unit: its id, for the unit rows */
    size_t n_units;
} vemt_trend_result;

/** Run the trend analysis. Returns VEMT_OK with *done false (and a note on
 * info) when the data can't support trends; other failures are errors in
 * the context. */
vemt_status vemt_trends_run(vemt_ctx *ctx, const vemt_job *a,
                            const vemt_units *grid, const vemt_weights *w,
                            const vemt_events *events,
                            const vemt_callbacks *info, vemt_trend_result *r,
                            bool *done);

/** Free a result and zero it. */
void vemt_trends_clear(vemt_trend_result *r);

#endif /* VEMT_PIPELINE_TRENDS_H */
