/** @file disclose.h
 * @brief The command line's side of disclosure control: the tier options
 * read into the rules of disclosure/, the published copies of the run's
 * counts, file permissions.
 */
#ifndef VEMT_CLI_DISCLOSE_H
#define VEMT_CLI_DISCLOSE_H

#include <stdio.h>

#include "cli/args.h"
#include "cli/trends.h"
#include "disclosure/disclosure.h"

/** Fill in the tier's defaults after parsing: outside the restricted tier
 * published counts are rounded to the tier's base (disclosure/) unless
 * --round-to gave another (--round-to 1: whole numbers). */
void vemt_tier_defaults(vemt_args *a);

/** The suppression threshold in force (0 in the restricted tier). */
double vemt_tier_threshold(const vemt_args *a);

/** Refuse settings the tier's rules do not allow (public: cells under
 * 250 m, steps finer than a month): an option conflict, exit status 2
 * after a message (else 0). */
int vemt_tier_check(const vemt_args *a, double cell_m);

/** Restricted outputs: created 0600 (umask 077), and refused in a folder
 * others can read unless allowed; exit status 0 or 1 after a message. */
int vemt_tier_protect(const vemt_args *a);

/** Published copies of the counts: cells' events and subjects (n) and, when
 * trends were made, the cube's bins and unit totals and the trend rows,
 * suppressed and rounded for the tier. cells_out has n entries; the trend
 * arrays are set in tr->out. Returns VEMT_E_NOMEM. Owned memory goes into pub;
 * free with vemt_published_clear(). */
typedef struct vemt_published {
    double *cells, *cell_subjects;
    double *bins_e, *bins_s, *unit_e, *unit_s;
} vemt_published;

vemt_status vemt_publish(const vemt_args *a, const double *cells,
                         const double *subjects, size_t n,
                         vemt_trend_result *tr, vemt_published *pub);

void vemt_published_clear(vemt_published *pub);

#endif /* VEMT_CLI_DISCLOSE_H */
