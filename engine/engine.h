/** @file engine.h
 * @brief The engine's whole public API: includes the topic headers (units,
 * statistics, trends, clusters, safeguarding), and holds the disclosure
 * control declarations until they move to their own module.
 */
#ifndef VEMT_ENGINE_ENGINE_H
#define VEMT_ENGINE_ENGINE_H

#include "engine/clusters.h"
#include "engine/safeguarding.h"
#include "engine/stats.h"
#include "engine/trends.h"
#include "engine/units.h"
#include "engine/vemt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Disclosure control -------------------------------------------------- */

/** Suppress a rows x cols table of counts x (row-major) in place for
 * publication with its row and column totals: counts from 1 to threshold - 1
 * become NaN (primary), then in any row or column holding exactly one NaN
 * the smallest other value (by orig, the unsuppressed table) becomes NaN too
 * (secondary), until no row or column has a single one (Cox 1980, "Suppression
 * methodology and statistical disclosure control", J. Am. Stat. Assoc.
 * 75(370):377-385). A one-column table is a single line. Returns the number
 * of values withheld. */
size_t vemt_suppress_table(double *x, const double *orig, size_t rows,
                           size_t cols, double threshold);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_ENGINE_H */
