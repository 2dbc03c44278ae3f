/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file publish.h
 * @brief A job's side of disclosure control: the tier options read into the
 * rules of disclosure/, and the published copies of the run's counts.
 */
#ifndef VEMT_PIPELINE_PUBLISH_H
#define VEMT_PIPELINE_PUBLISH_H

#include "disclosure/disclosure.h"
#include "pipeline/hotspots.h"
#include "pipeline/job.h"
#include "pipeline/trends.h"

/** The disclosure rules in force for the job: its tier's, with its
 * --suppress-below and --round-to. */
void vemt_job_rules(const vemt_job *job, vemt_tier_rules *rules);

/** Fill in the tier's defaults after parsing: outside the restricted tier
 * published counts are rounded to the tier's base (disclosure/) unless
 * --round-to gave another (--round-to 1: whole numbers). */
void vemt_tier_defaults(vemt_job *job);

/** The suppression threshold in force (0 in the restricted tier). */
double vemt_tier_threshold(const vemt_job *job);

/** The tier's rules on the run's cell size (INFINITY: polygon units; a
 * cell's area, squares or hexagons, against the tier's smallest unit area)
 * and time step: VEMT_OK, or VEMT_E_ARG with the reason in err. */
vemt_status vemt_tier_check_cell(const vemt_job *job, double cell_m,
                                 vemt_error *err);

/** The smallest cell size (a multiple of 50 m) whose cells of the job's
 * grid shape meet the tier's smallest unit area; 0 in a tier without one.
 * The automatic cell size is raised to it. */
double vemt_tier_min_cell(const vemt_job *job);

/** Tier values are floors: --suppress-below and --round-to may only
 * tighten the tier's, and the threshold must be a multiple of the
 * rounding base. VEMT_E_ARG with the reason in err. */
vemt_status vemt_tier_check_options(const vemt_job *job, vemt_error *err);

/** Every polygon unit (--areas) at least the tier's smallest unit area:
 * VEMT_E_OPTION (exit 2) naming the count and the first few otherwise. */
vemt_status vemt_tier_check_units(const vemt_job *job, const vemt_units *units,
                                  vemt_error *err);

/** Published copies of the counts, under the job's tier: the cells'
 * events and subjects and, when trends were made, the cube's bins and unit
 * totals and the trend rows (set in tr->out), with small counts withheld,
 * the dominance rule applied to every unit (vemt_disclosure_dominated),
 * the linked tables audited and protected (vemt_disclosure_protect) and
 * counts rounded; and where Gi* bins, LISA types and patterns are withheld
 * because a count they use is. NaN: withheld. Owned memory goes into pub;
 * free with vemt_published_clear(). Returns VEMT_E_NOMEM or the audit's
 * VEMT_E_DEPENDENCY. */
typedef struct vemt_published {
    double *cells, *cell_subjects;
    double *bins_e, *bins_s, *unit_e, *unit_s;
    uint8_t *unit_hidden;    /* per unit: gi_bin, lisa_type withheld */
    uint8_t *bin_hidden;     /* per cube bin: gi_bin withheld */
    uint8_t *pattern_hidden; /* per cube unit: patterns, share_hot withheld */
} vemt_published;

vemt_status vemt_publish(const vemt_job *job, const vemt_hotspot_result *h,
                         vemt_trend_result *tr, vemt_published *pub);

/** Free what vemt_publish() made and zero pub. */
void vemt_published_clear(vemt_published *pub);

#endif /* VEMT_PIPELINE_PUBLISH_H */
