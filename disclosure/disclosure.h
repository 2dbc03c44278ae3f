/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file disclosure.h
 * @brief Public API of disclosure/: the output tiers, each tier's rules in
 * one table, and the one way a table of counts is prepared for publication
 * (small counts withheld, complementary suppression, rounding). The run,
 * the writers and the checker all read their rules from here. No GDAL: the
 * library depends on the engine only, and the engine knows no tier.
 */
#ifndef VEMT_DISCLOSURE_DISCLOSURE_H
#define VEMT_DISCLOSURE_DISCLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who a file is for. The values are those the command line stores. */
typedef enum vemt_tier {
    VEMT_TIER_RESTRICTED = 0, /* the analyst's working copy: everything */
    VEMT_TIER_PARTNER = 1,    /* partners: areas only, small counts withheld */
    VEMT_TIER_PUBLIC = 2      /* anyone: as partner, larger cells, months */
} vemt_tier;

/** The tier's name ("restricted", "partner", "public"); "restricted" for a
 * value out of range. Borrowed, static. */
const char *vemt_tier_name(vemt_tier tier);

/** The tier named name into *tier; false (and *tier untouched) when name
 * is none of the three. */
bool vemt_tier_parse(const char *name, vemt_tier *tier);

/** How finely time may be published, coarsest last. */
typedef enum vemt_grain {
    VEMT_GRAIN_ANY = 0, /* to the second */
    VEMT_GRAIN_DAY,     /* whole days (steps of any number of days) */
    VEMT_GRAIN_WEEK,    /* ISO weeks, Monday 00:00 UTC */
    VEMT_GRAIN_MONTH    /* calendar months (UTC) */
} vemt_grain;

/** The grain's name ("second", "day", "week", "month"). Borrowed, static. */
const char *vemt_grain_name(vemt_grain grain);

/** What a field of an output layer is, for disclosure control (a bit set:
 * the writers declare each field's roles, the checker reads them back). */
typedef enum vemt_field_role {
    VEMT_FIELD_COUNT = 1,      /* a count: withheld below the threshold */
    VEMT_FIELD_STATISTIC = 2,  /* can be solved back to counts */
    VEMT_FIELD_IDENTIFIER = 4, /* identifies a record or a person */
    VEMT_FIELD_TIME = 8        /* a date-time */
} vemt_field_role;

/** A tier's rules. The library's table holds one per tier
 * (vemt_tier_rules_get); a caller may copy one and change it (a stricter
 * local policy, or a test) and pass the copy wherever rules are taken. */
typedef struct vemt_tier_rules {
    vemt_tier tier;
    double threshold;          /* counts 1 .. threshold - 1 withheld; 0: none */
    double round_to;           /* published counts rounded to a multiple of
                                  this (never below threshold); 0: exact */
    double min_cell_m;         /* smallest grid cell published (a unit's area
                                  at least its square); 0: any */
    vemt_grain finest_step;    /* time steps no finer than this */
    vemt_grain finest_date;    /* dates and time windows widened to this */
    bool exact_locations;      /* may show where events happened: points,
                                  lines, clusters, places, density of events */
    double density_min_cell_m; /* without exact locations, the density surface
                                  is of published counts of cells at least
                                  this wide */
    unsigned withheld_roles;   /* vemt_field_role bits of fields not written */
    const char *const *layers; /* layers it may carry, NULL-terminated; NULL:
                                  every layer */
    double dominance;          /* a unit or bin where one subject gives more
                                  than this share of the events publishes no
                                  count, bin or pattern; 0: no rule */
    const struct vemt_allowed_layer *allow; /* the allow-list: every table and
                                  column it may publish, terminated by a
                                  NULL name; NULL: everything */
    const char *const *metadata; /* provenance keys it may publish ("a" top
                                  level, "parameters.x" a parameter),
                                  NULL-terminated; NULL: every key */
} vemt_tier_rules;

/** What geometry an allowed table may hold. */
typedef enum vemt_allowed_geom {
    VEMT_ALLOW_NONE = 0, /* no geometry: an attribute table */
    VEMT_ALLOW_UNITS,    /* polygons of analysis units, each at least the
                            tier's smallest unit area */
    VEMT_ALLOW_AREA,     /* the study area's outline (any size) */
    VEMT_ALLOW_RASTER    /* a raster (the density surface) */
} vemt_allowed_geom;

/** One table a tier may publish, with every column it may hold. */
typedef struct vemt_allowed_layer {
    const char *name;
    vemt_allowed_geom geom;
    const char *const *columns; /* NULL-terminated; the geometry and fid
                                   columns are not listed */
    const char *const *counts;  /* the columns among them that are counts
                                   (withheld below the threshold), or NULL */
} vemt_allowed_layer;

/** The library's rules for tier (restricted for a value out of range).
 * Borrowed, static: never freed. */
const vemt_tier_rules *vemt_tier_rules_get(vemt_tier tier);

/** The rules in force for a run in tier: the table's, with the options a
 * user may give. The tier's values are floors: suppress_below raises the
 * threshold of a tier that withholds counts (a tier with threshold 0 keeps
 * 0), round_to raises its rounding base, and neither lowers them (in the
 * restricted tier round_to > 0 sets the base). Fills *out. */
void vemt_tier_rules_for(vemt_tier tier, double suppress_below, double round_to,
                         vemt_tier_rules *out);

/** True when rules allow the named layer ("events", "hotspot_cells", the
 * "kde" raster, ...). */
bool vemt_disclosure_layer_allowed(const vemt_tier_rules *rules,
                                   const char *layer);

/** The allow-list entry of layer under rules, or NULL when the tier may not
 * publish it. For rules without an allow-list (restricted) NULL too: test
 * rules->allow first. */
const vemt_allowed_layer *vemt_disclosure_allowed_layer(
    const vemt_tier_rules *rules, const char *layer);

/** True when rules allow column of layer: always without an allow-list,
 * else when the column is on the layer's list. */
bool vemt_disclosure_column_allowed(const vemt_tier_rules *rules,
                                    const char *layer, const char *column);

/** True when column of layer is a count under rules' allow-list (false
 * without one). */
bool vemt_disclosure_column_is_count(const vemt_tier_rules *rules,
                                     const char *layer, const char *column);

/** True when rules allow the provenance key: a top-level key ("tier"), or
 * "parameters.NAME" for a parameter. Always true without a list. */
bool vemt_disclosure_metadata_allowed(const vemt_tier_rules *rules,
                                      const char *key);

/** True when some key under key ("inputs" for "inputs.kind") is allowed:
 * a writer pruning its provenance descends into key rather than drop it.
 * Always true without a list. */
bool vemt_disclosure_metadata_below(const vemt_tier_rules *rules,
                                    const char *key);

/** The smallest unit area rules publish, in square metres (0: any). */
double vemt_disclosure_min_area(const vemt_tier_rules *rules);

/** True when rules allow a field with these vemt_field_role bits. */
bool vemt_disclosure_field_allowed(const vemt_tier_rules *rules,
                                   unsigned roles);

/** The vemt_field_role bits of a field judged by its name alone (vemt's
 * naming conventions: n_* and *count* are counts, gi_z, mk_*, change_* ...
 * statistics, subject_key, event_id, raw ... identifiers), for files that
 * do not declare their fields' roles. */
unsigned vemt_disclosure_role_by_name(const char *field);

/** True when rules allow grid cells cell_m wide (INFINITY: polygon units,
 * which have no cell size). */
bool vemt_disclosure_cell_allowed(const vemt_tier_rules *rules, double cell_m);

/** True when rules allow a unit of area_m2 square metres: at least the
 * square of the smallest cell, less a relative 1e-9 for coordinates read
 * back from a file. */
bool vemt_disclosure_area_allowed(const vemt_tier_rules *rules, double area_m2);

/** True when rules allow time steps of this unit (month, week, days). */
bool vemt_disclosure_step_allowed(const vemt_tier_rules *rules,
                                  vemt_step_unit unit);

/** True when rules allow a time step covering days calendar days (from its
 * first day to its last, both counted): at least the shortest length of
 * the finest step allowed (28 days for a month, 7 for a week). */
bool vemt_disclosure_span_allowed(const vemt_tier_rules *rules, double days);

/** Widen the time window [*start, *end] (UTC seconds) to whole units of
 * rules->finest_date in the calendar of zone (the analysis zone; NULL:
 * UTC): from the local midnight that starts the unit holding *start to the
 * last second of the unit holding *end, so no event's time is given. */
void vemt_disclosure_time_window(const vemt_tier_rules *rules,
                                 const vemt_tz *zone, int64_t *start,
                                 int64_t *end);

/** A published count (x already past suppression; NaN stays NaN): rounded
 * to the nearest multiple of to (0: as it is), and never below the
 * threshold, since a published 5 under a threshold of 7 would say
 * "exactly 7" (conventional rounding: Hundepool et al. 2012, "Statistical
 * Disclosure Control", Wiley, section 5.4). The same count always gives the
 * same value, so files that share a count agree on it, and the difference of
 * two published totals is known only to within to - 1 either side. */
double vemt_disclosure_round(double x, double threshold, double to);

/** The dominance rule (Hundepool et al. 2012, section 4.2, the (1, k)
 * rule with k = rules->dominance): true when a group of n_events events of
 * n_subjects distinct subjects, the largest of which gave top events,
 * publishes no count, bin or pattern: fewer distinct subjects than the
 * threshold, or top / n_events over the share. Events without a subject
 * key count, all of them together, as one subject of the group (the
 * conservative reading). Always false without a threshold. */
bool vemt_disclosure_dominated(const vemt_tier_rules *rules, double n_events,
                               double n_subjects, double top);

/** One table for the disclosure audit: rows x cols published cells with
 * the published row totals, column totals and grand total. A published
 * value v rounded to a base r > 1 means the true value lies in
 * [v - r/2, v + r/2]; NaN means withheld (the true value is then any
 * count >= 0). Margins not published at all are NULL (rows, cols) or NaN
 * (total) and are still known to be the sums. */
typedef struct vemt_audit_table {
    size_t rows, cols;
    const double *cells;   /* rows x cols, row-major */
    const double *row_tot; /* rows, or NULL */
    const double *col_tot; /* cols, or NULL */
    double total;          /* NaN: withheld */
    double round_to;       /* 0 or 1: published values are exact */
} vemt_audit_table;

/** The audit (as tau-ARGUS's, Hundepool et al. 2012, section 5.5; de Wolf
 * 2002): for every withheld cell of t, the range of values it can take
 * given everything t publishes, into lo and hi (rows x cols each; published
 * cells get their own interval). A cell that feasible moves of withheld
 * cells (alone, in pairs, around rectangles) already show to range at least
 * protect wide gets such a range (one it certainly reaches); every other
 * cell gets its exact smallest and largest values by linear programming
 * (GLPK, the simplex warm-started from one cell's bound to the next), so
 * every unprotected cell's range is exact. *unprotected gets the number of
 * withheld cells whose range hi - lo is narrower than protect (the tier's
 * threshold). Returns VEMT_E_NOMEM, VEMT_E_ARG for values no table can
 * have, or VEMT_E_DEPENDENCY when GLPK fails. */
vemt_status vemt_disclosure_audit(const vemt_audit_table *t, double protect,
                                  double *lo, double *hi, size_t *unprotected);

/** The writer's side of the audit: given the true counts x (rows x cols)
 * and pub, their published copy from vemt_disclosure_publish_table() (NaN
 * withheld, others rounded), with row and column totals and the grand
 * total published (rounded, or withheld where they are under the
 * threshold), withhold more published cells of pub (the smallest first,
 * in the rows and columns of the unprotected cells) until the audit finds
 * every withheld cell protected. row_pub, col_pub and total_pub are the
 * published margins (in and out: a margin is withheld too when needed).
 * *added gets the number of cells withheld here. */
vemt_status vemt_disclosure_protect(const vemt_tier_rules *rules,
                                    const double *x, size_t rows, size_t cols,
                                    double *pub, double *row_pub,
                                    double *col_pub, double *total_pub,
                                    size_t *added);

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

/** Prepare a rows x cols table of counts x (row-major) for publication under
 * rules, into out (rows x cols entries, not x itself). With a threshold: a
 * row (a unit's or a series' steps, cols > 1) whose total is under it is
 * withheld whole, zeros included; counts from 1 to threshold - 1 are
 * withheld; and when the table's row and column totals are published
 * (margins), no row or column is left with a single withheld value
 * (vemt_suppress_table). Then every published count is rounded
 * (vemt_disclosure_round with rules->round_to). Withheld values are NaN.
 * Returns the number withheld. */
size_t vemt_disclosure_publish_table(const vemt_tier_rules *rules,
                                     const double *x, size_t rows, size_t cols,
                                     bool margins, double *out);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_DISCLOSURE_DISCLOSURE_H */
