/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trends.h
 * @brief The trend stage of `vemt run`: space-time cube, emerging hot
 * spots, trend table.
 */
#ifndef VEMT_PIPELINE_TRENDS_H
#define VEMT_PIPELINE_TRENDS_H

#include <pthread.h>
#include <stdio.h>

#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"
#include "pipeline/log.h"
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

/** The trend stage in a thread of its own, beside stages of the caller's
 * thread that need nothing of it (clusters, places, Knox), on a context
 * of its own (seeded alike), its lines held to be told after theirs. */
typedef struct vemt_trends_beside {
    const vemt_job *a;
    const vemt_units *grid;
    const vemt_weights *w;
    const vemt_events *events;
    vemt_trend_result *r;
    bool *done;
    vemt_ctx *ctx;
    vemt_log_held log;
    bool logs; /* the caller listens */
    vemt_status st;
    double wall_s, cpu_s; /* the thread's own */
    pthread_t thread;
} vemt_trends_beside;

/** Start vemt_trends_run() in a thread (arguments as its; they must stay
 * untouched until the join). False when no thread or context could be
 * made: run it serially then. b must not move until the join. */
bool vemt_trends_start(vemt_trends_beside *b, const vemt_job *a,
                       const vemt_units *grid, const vemt_weights *w,
                       const vemt_events *events, const vemt_callbacks *info,
                       vemt_trend_result *r, bool *done);

/** Wait for the thread: its status, its lines told to the callbacks given
 * at the start, a failure's message copied into ctx (NULL: not). */
vemt_status vemt_trends_join(vemt_trends_beside *b, vemt_ctx *ctx);

/** Free a result and zero it. */
void vemt_trends_clear(vemt_trend_result *r);

#endif /* VEMT_PIPELINE_TRENDS_H */
