/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file rank.h
 * @brief The one ranking of units that stdout, the report and the tables
 * (hotspot_cells.rank, emerging_hotspots.rank) share: Gi* bin, then
 * events, then the unit's id.
 */
#ifndef VEMT_PIPELINE_RANK_H
#define VEMT_PIPELINE_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/** How the ranking is said to people (stdout's heading, the report). */
#define VEMT_RANK_RULE "by Gi* bin, then events, then id"

/** Order every unit by the published values only: gi_bin descending (a
 * withheld bin, bin_hidden[i], after every published bin), then the
 * published count descending (NaN, a withheld count, after every published
 * count of the same bin), then the unit's id as text, ascending (bytewise,
 * as SQLite's BINARY collation). So `ORDER BY gi_bin DESC, n_events DESC,
 * cell_id` over hotspot_cells, whose nulls sort last when descending, gives
 * the same order. gi_bin may be NULL (every bin 0); bin_hidden may be NULL
 * (none withheld). On success order[k] is the unit at position k (0-based)
 * and rank[i] unit i's rank (1 = first); either may be NULL; both have
 * vemt_units_count(units) entries, owned by the caller. Returns
 * VEMT_E_NOMEM (order and rank untouched). */
vemt_status vemt_rank_units(const vemt_units *units, const int8_t *gi_bin,
                            const uint8_t *bin_hidden, const double *count,
                            size_t *order, size_t *rank);

/** Whether unit i is a published hot spot: its bin published and above 0. */
bool vemt_rank_is_hot(const int8_t *gi_bin, const uint8_t *bin_hidden,
                      size_t i);

#endif /* VEMT_PIPELINE_RANK_H */
