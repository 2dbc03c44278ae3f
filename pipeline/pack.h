/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack.h
 * @brief The board pack's contents (outputs/pack.h's vemt_pack) from a
 * run: the plain-English summary, the tables, the series and the glossary,
 * every number as the run's tier publishes it.
 */
#ifndef VEMT_PIPELINE_PACK_H
#define VEMT_PIPELINE_PACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "disclosure/disclosure.h"
#include "engine/engine.h"
#include "outputs/outputs.h"
#include "outputs/pack.h"
#include "pipeline/job.h"

/** What the pack is made from. All borrowed; the arrays are per unit of
 * grid (published values: NaN where withheld). */
typedef struct vemt_pack_inputs {
    const vemt_job *job;
    const vemt_tier_rules *rules;
    const vemt_source *sources;
    size_t n_sources;
    const vemt_events *events;
    const vemt_units *grid;      /* NULL: nothing was analysed */
    double cell_m;               /* 0: polygon units */
    size_t counted;              /* events counted in units */
    const double *cells;         /* published events per unit */
    const double *cell_subjects; /* published subjects per unit, or NULL */
    const int8_t *bins;          /* Gi* bins */
    const uint8_t *bin_hidden;   /* per unit: bin withheld, or NULL */
    const double *gi_z;
    const size_t *order;                       /* units in rank order */
    const size_t *rank;                        /* per unit, 1 = first */
    const vemt_trends_out *trends;             /* or NULL */
    const vemt_safeguarding_out *safeguarding; /* or NULL (shared tiers) */
    const vemt_cluster_set *cluster_sets;
    size_t n_cluster_sets;
    const vemt_scan_out *scan;         /* --scan's clusters, or NULL */
    const vemt_forecast_out *forecast; /* --forecast, or NULL */
    bool density;                      /* a density surface is drawn */
    const char *const *unit_names;    /* per unit: its name, "" none; or NULL */
    const vemt_polygons *label_areas; /* --label-areas, or NULL */
    const struct vemt_summary *summary; /* names patrol windows' places */
    int64_t created_utc;
} vemt_pack_inputs;

/** A pack and the memory its texts and tables live in. */
typedef struct vemt_pack_built {
    vemt_pack pack;
    void **blocks; /* owned allocations */
    size_t n_blocks, cap_blocks;
    bool nomem;
} vemt_pack_built;

/** Fill out from in. Returns VEMT_E_NOMEM (out is then cleared). */
vemt_status vemt_pack_build(const vemt_pack_inputs *in, vemt_pack_built *out);

/** Free what vemt_pack_build() made and zero b. */
void vemt_pack_built_clear(vemt_pack_built *b);

/** The pack's first pages as Markdown (title, what was analysed, the
 * summary): the --report begins with them. */
void vemt_pack_markdown_head(FILE *out, const vemt_pack *pack);

/** The glossary as Markdown (the --report ends with it). */
void vemt_pack_markdown_glossary(FILE *out, const vemt_pack *pack);

#endif /* VEMT_PIPELINE_PACK_H */
