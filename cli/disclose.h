/** @file disclose.h
 * @brief Disclosure control for the partner and public tiers: what may be
 * published, small counts suppressed consistently, file permissions.
 */
#ifndef VEMT_CLI_DISCLOSE_H
#define VEMT_CLI_DISCLOSE_H

#include <stdio.h>

#include "cli/args.h"
#include "pipeline/trends.h"

/** The tier's name ("restricted", "partner", "public"). */
const char *vemt_tier_name(int tier);

/** The base published counts are rounded to outside the restricted tier
 * unless --round-to gives another. */
#define VEMT_TIER_ROUND_TO 5

/** Fill in the tier's defaults after parsing: outside the restricted tier
 * published counts are rounded to a multiple of 5 unless --round-to gave
 * another base (--round-to 1: whole numbers). */
void vemt_tier_defaults(vemt_job *a);

/** The suppression threshold in force (0 in the restricted tier). */
double vemt_tier_threshold(const vemt_job *a);

/** A published count (x already past suppression; NAN stays NAN): rounded
 * to the nearest multiple of to (0: as it is), and never below the
 * threshold, since a published 5 under a threshold of 7 would say
 * "exactly 7" (conventional rounding: Hundepool et al. 2012, "Statistical
 * Disclosure Control", Wiley, section 5.4). The same count always gives the
 * same value, so files that share a count agree on it, and the difference of
 * two published totals is known only to within to - 1 either side. */
double vemt_tier_round(double x, double threshold, double to);

/** Refuse settings a tier does not allow (public: cells under 250 m, steps
 * finer than a month); exit status 0 or 1 after a message. */
int vemt_tier_check(const vemt_job *a, double cell_m);

/** Restricted outputs: created 0600 (umask 077), and refused in a folder
 * others can read unless allowed; exit status 0 or 1 after a message. */
int vemt_tier_protect(const vemt_job *a);

/** Published copies of the counts: cells' events and subjects (n) and, when
 * trends were made, the cube's bins and unit totals and the trend rows,
 * suppressed and rounded for the tier. cells_out has n entries; the trend
 * arrays are set in tr->out. Returns VEMT_E_NOMEM. Owned memory goes into pub;
 * free with vemt_published_clear(). */
typedef struct vemt_published {
    double *cells, *cell_subjects;
    double *bins_e, *bins_s, *unit_e, *unit_s;
} vemt_published;

vemt_status vemt_publish(const vemt_job *a, const double *cells,
                         const double *subjects, size_t n,
                         vemt_trend_result *tr, vemt_published *pub);

void vemt_published_clear(vemt_published *pub);

#endif /* VEMT_CLI_DISCLOSE_H */
