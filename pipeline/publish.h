/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file publish.h
 * @brief A job's side of disclosure control: the tier options read into the
 * rules of disclosure/, and the published copies of the run's counts.
 */
#ifndef VEMT_PIPELINE_PUBLISH_H
#define VEMT_PIPELINE_PUBLISH_H

#include "disclosure/disclosure.h"
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

/** The tier's rules on the run's cell size (INFINITY: polygon units) and
 * time step: VEMT_OK, or VEMT_E_ARG with the reason in err. */
vemt_status vemt_tier_check_cell(const vemt_job *job, double cell_m,
                                 vemt_error *err);

/** Published copies of the counts: cells' events and subjects (n) and, when
 * trends were made, the cube's bins and unit totals and the trend rows,
 * suppressed and rounded for the tier. The trend arrays are set in tr->out.
 * Returns VEMT_E_NOMEM. Owned memory goes into pub; free with
 * vemt_published_clear(). */
typedef struct vemt_published {
    double *cells, *cell_subjects;
    double *bins_e, *bins_s, *unit_e, *unit_s;
} vemt_published;

vemt_status vemt_publish(const vemt_job *job, const double *cells,
                         const double *subjects, size_t n,
                         vemt_trend_result *tr, vemt_published *pub);

/** Free what vemt_publish() made and zero pub. */
void vemt_published_clear(vemt_published *pub);

#endif /* VEMT_PIPELINE_PUBLISH_H */
