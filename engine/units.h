/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file units.h
 * @brief Public API of the spatial units: the study area, the analysis
 * units (squares, hexagons or polygons), the polygon set and the spatial
 * weights between units.
 */
#ifndef VEMT_ENGINE_UNITS_H
#define VEMT_ENGINE_UNITS_H

#include "engine/vemt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An axis-aligned rectangle in the analysis CRS. */
typedef struct vemt_bbox {
    double xmin, ymin, xmax, ymax;
} vemt_bbox;

/** True when the box holds at least one point (xmin <= xmax). */
bool vemt_bbox_is_valid(const vemt_bbox *b);

/** Extent of the n points xy (x, y pairs); an invalid box when n is 0. */
vemt_bbox vemt_bbox_of_xy(const double *xy, size_t n);

/** Extent of the located events whose kind is in kinds (a bit set of
 * 1u << vemt_kind) and that are in the study area. Returns false (and an
 * invalid box) when there is none. */
bool vemt_events_bbox(const vemt_events *events, unsigned kinds,
                      vemt_bbox *out);

/** Free memory returned by engine functions; NULL is a no-op. */
void vemt_engine_free(void *p);

/* ---- Study area ---------------------------------------------------------- */

/** A study-area polygon (GEOS prepared geometry behind an opaque handle). */
typedef struct vemt_study_area vemt_study_area;

/** Build the study area from WKB (Polygon or MultiPolygon, analysis CRS).
 * Returns VEMT_E_DEPENDENCY with GEOS's message for invalid WKB or a
 * geometry that is not areal. Caller owns *out; free with
 * vemt_study_area_destroy(). */
vemt_status vemt_study_area_create_wkb(vemt_ctx *ctx, const unsigned char *wkb,
                                       size_t size, vemt_study_area **out);

/** Free the area; NULL is a no-op. */
void vemt_study_area_destroy(vemt_study_area *area);

/** Bounding box of the area. */
vemt_bbox vemt_study_area_bbox(const vemt_study_area *area);

/** Area in square metres. */
double vemt_study_area_m2(const vemt_study_area *area);

/** The area as ISO WKB (little-endian) into *wkb. Caller owns *wkb; free
 * with vemt_engine_free(). Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_study_area_wkb(const vemt_study_area *area,
                                unsigned char **wkb, size_t *size);

/** True when (x, y) lies in the area or on its boundary. */
bool vemt_study_area_covers_xy(const vemt_study_area *area, double x, double y);

/** True when the rectangle and the area share any point. */
bool vemt_study_area_intersects_bbox(const vemt_study_area *area,
                                     const vemt_bbox *b);

/** Set each located event's in_area flag against the area (NULL area: all
 * true). Returns the number of located events inside. */
size_t vemt_study_area_flag_events(const vemt_study_area *area,
                                   vemt_events *events);

/* ---- Polygon set --------------------------------------------------------- */

/** Polygons (wards, LSOAs, beats): GEOS prepared polygons with an STRtree
 * for point location, numbered in input order. */
typedef struct vemt_polygons vemt_polygons;

/** Build n polygons from WKB polygons or multipolygons (analysis CRS;
 * invalid ones repaired as the study area is), with their ids and names
 * (names may be NULL). Returns VEMT_E_ARG naming the polygon for WKB that is
 * not areal or empty, VEMT_E_DEPENDENCY, VEMT_E_NOMEM. Caller owns *out;
 * free with vemt_polygons_destroy(). */
vemt_status vemt_polygons_create_wkb(vemt_ctx *ctx, size_t n,
                                     const unsigned char *const *wkb,
                                     const size_t *wkb_size,
                                     const char *const *ids,
                                     const char *const *names,
                                     vemt_polygons **out);

/** Check polygon WKB (any CRS) with GEOS. Valid: *reason "" and *fixed
 * NULL. Invalid: *reason gets GEOS's reason (GEOSisValidReason, with the
 * place) and *fixed the repair (GEOS MakeValid, "structure" method,
 * polygonal parts only) as ISO WKB, or NULL with *fixed_size 0 when no
 * area is left. Caller owns *fixed; free with vemt_engine_free(). Returns
 * VEMT_E_DEPENDENCY (unreadable WKB, GEOS failing), VEMT_E_NOMEM. */
vemt_status vemt_polygon_wkb_check(vemt_ctx *ctx, const unsigned char *wkb,
                                   size_t size, char *reason,
                                   size_t reason_size, unsigned char **fixed,
                                   size_t *fixed_size);

/** Free the polygons; NULL is a no-op. */
void vemt_polygons_destroy(vemt_polygons *polys);

/** Number of polygons. */
size_t vemt_polygons_count(const vemt_polygons *polys);

/** Id and name of polygon i. Borrowed; valid until the polygons are
 * destroyed. */
const char *vemt_polygons_id(const vemt_polygons *polys, size_t i);
const char *vemt_polygons_name(const vemt_polygons *polys, size_t i);

/** Extent of all polygons, and area of polygon i in square metres. */
vemt_bbox vemt_polygons_extent(const vemt_polygons *polys);
double vemt_polygons_m2(const vemt_polygons *polys, size_t i);

/** Which point stands for a polygon in distance weights. */
typedef enum vemt_centre {
    VEMT_CENTRE_CENTROID = 0, /* centroid (may fall outside a concave one) */
    VEMT_CENTRE_SURFACE       /* GEOS point on surface: always inside */
} vemt_centre;

/** Centre of every polygon as x0, y0, x1, y1, ... into xy (2 x n). */
void vemt_polygons_centres(const vemt_polygons *polys, vemt_centre kind,
                           double *xy);

/** The polygon holding (x, y); a point on a shared boundary belongs to the
 * polygon with the lowest index. False when no polygon holds it. */
bool vemt_polygons_locate(const vemt_polygons *polys, double x, double y,
                          size_t *i);

/** Share (0..1) of polygon i's area that lies in the study area (GEOS
 * intersection); NaN when GEOS fails. */
double vemt_polygons_share_in(const vemt_polygons *polys, size_t i,
                              const vemt_study_area *area);

/** Count events per polygon as vemt_units_count_events does; counts has
 * vemt_polygons_count() entries. Returns the number of events counted. */
size_t vemt_polygons_count_events(const vemt_polygons *polys,
                                  const vemt_events *events, unsigned kinds,
                                  double *counts);

/** Polygon i as ISO WKB (little-endian). Caller owns *wkb; free with
 * vemt_engine_free(). Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_polygons_wkb(const vemt_polygons *polys, size_t i,
                              unsigned char **wkb, size_t *size);

/* ---- Analysis units ------------------------------------------------------ */

/** The units of an analysis (the README's "unit"), numbered 0..n-1: the
 * cells of a square or hexagon grid over the study area (cells outside the
 * mask left out; numbered row by row from the south-west), or polygon
 * units in input order. Counts, weights, Gi*, the cube and the outputs
 * take any shape. A square's id is "<easting>_<northing>" of its
 * south-west corner in whole metres, a hexagon's "H<column>_<row>" of its
 * absolute lattice indices (hexgrid.c), so a cell has the same id in every
 * run with that cell size; a polygon unit's id is its own. */
typedef struct vemt_units vemt_units;

/** Shape of the units. */
typedef enum vemt_unit_shape {
    VEMT_UNIT_SQUARE = 0, /* squares of side cell_m */
    VEMT_UNIT_HEX,        /* flat-topped hexagons cell_m high (flat to flat) */
    VEMT_UNIT_POLYGON     /* polygon units (vemt_units_create_polygons) */
} vemt_unit_shape;

/** Vertices of the largest cell ring, closing vertex included. */
#define VEMT_UNIT_RING_MAX 7

/** Automatic cell size for an extent: the longer side / 100, rounded up to
 * a multiple of 50 m, and at least 50 m (the rule is described in
 * rule_out, which may be NULL). */
double vemt_grid_auto_cell_size_m(const vemt_bbox *extent, char *rule_out,
                                  size_t rule_size);

/** The automatic cell size's target: the median count of events per
 * non-empty cell (grid.c says why 3). */
#define VEMT_CELL_SIZE_TARGET 3.0
/** The automatic cell size's rule, by name (what the provenance keeps
 * outside the restricted tier). */
#define VEMT_CELL_SIZE_RULE_NAME                                            \
    "the smallest multiple of 50 m with a median of at least 3 events per " \
    "non-empty cell, between the mean nearest-neighbour distance of the "   \
    "event locations and the extent's longer side / 20"

/** Automatic cell size from the extent and the events: the smallest
 * multiple of 50 m at which the median count of events per non-empty cell
 * of the shape's grid is at least VEMT_CELL_SIZE_TARGET, searched from the
 * mean nearest-neighbour distance of the distinct event locations (at
 * least 50 m, within the grid-size limit) up to the extent's longer side /
 * 20 (grid.c). Counts located, in-area events whose kind is in kinds.
 * rule_out (may be NULL) gets the rule with its numbers: target, median
 * reached, non-empty cells, bounds. Returns VEMT_E_NOMEM. */
vemt_status vemt_grid_auto_cell_size_events_m(
    vemt_ctx *ctx, const vemt_bbox *extent, const vemt_events *events,
    unsigned kinds, vemt_unit_shape shape, double *cell_m, char *rule_out,
    size_t rule_size);

/** Lay a grid of cell_m squares over extent, with its origin snapped down
 * to a multiple of cell_m (so runs line up with the analysis CRS's origin);
 * with a mask, keep only the cells that intersect it. Returns VEMT_E_ARG for a
 * bad size or extent or too many cells. Caller owns *out; free with
 * vemt_units_destroy(). */
vemt_status vemt_units_create_square(vemt_ctx *ctx, double cell_m,
                                     const vemt_bbox *extent,
                                     const vemt_study_area *mask,
                                     vemt_units **out);

/** Lay flat-topped hexagons cell_m high (between opposite edges; Esri's
 * "height" of a hexagon bin) over extent, on a lattice anchored at the
 * CRS origin so runs line up; keep the hexagons that meet the extent and,
 * with a mask, the mask. Returns VEMT_E_ARG for a bad size or extent or
 * too many cells. Caller owns *out; free with vemt_units_destroy(). */
vemt_status vemt_units_create_hex(vemt_ctx *ctx, double cell_m,
                                  const vemt_bbox *extent,
                                  const vemt_study_area *mask,
                                  vemt_units **out);

/** Polygon units (shape VEMT_UNIT_POLYGON): a unit's id and name are the
 * polygon's, its centre the centroid (as spdep takes for polygons),
 * vemt_units_cell_m 0. On success the units own *polys and set it to NULL.
 * Returns VEMT_E_NOMEM. Caller owns *out; free with vemt_units_destroy(). */
vemt_status vemt_units_create_polygons(vemt_ctx *ctx, vemt_polygons **polys,
                                       vemt_units **out);

/** Free the units; NULL is a no-op. */
void vemt_units_destroy(vemt_units *units);

/** Number of units (cells kept after the mask). */
size_t vemt_units_count(const vemt_units *units);

/** Shape of the units. */
vemt_unit_shape vemt_units_shape(const vemt_units *units);

/** Cell size in metres (0 for polygon units). */
double vemt_units_cell_m(const vemt_units *units);

/** Columns and rows of the grid's full rectangle, and its origin: the
 * south-west corner of a square grid, the centre of a hexagon grid's cell
 * (0, 0). */
void vemt_units_lattice(const vemt_units *units, int *ncol, int *nrow,
                        double *x0, double *y0);

/** Column and row of cell i in the full rectangle (-1 for polygon units). */
void vemt_units_colrow(const vemt_units *units, size_t i, int *col, int *row);

/** Bounds of unit i. */
vemt_bbox vemt_units_bbox(const vemt_units *units, size_t i);

/** Stable id of unit i (see vemt_units) into buf. */
void vemt_units_id(const vemt_units *units, size_t i, char *buf, size_t size);

/** Name of unit i: a polygon unit's name, "" for grid cells. Borrowed;
 * valid until the units are destroyed. */
const char *vemt_units_name(const vemt_units *units, size_t i);

/** The unit holding (x, y) (a point on a square's west or south edge
 * belongs to that square). Returns false when the point is off the grid,
 * its cell was masked out or no polygon holds it. */
bool vemt_units_locate(const vemt_units *units, double x, double y, size_t *i);

/** Count events per unit: located, in-area events whose kind is in kinds
 * (bit set of 1u << vemt_kind). counts has vemt_units_count() entries and
 * is overwritten. Returns the number of events counted. */
size_t vemt_units_count_events(const vemt_units *units,
                               const vemt_events *events, unsigned kinds,
                               double *counts);

/** Distinct subjects per unit among the events vemt_units_count_events
 * counts, by vemt_subjects_count()'s rule (events without a subject key
 * are unknown subjects, not counted). subjects has vemt_units_count()
 * entries. Returns VEMT_E_NOMEM. */
vemt_status vemt_units_count_subjects(const vemt_units *units,
                                      const vemt_events *events, unsigned kinds,
                                      double *subjects);

/** A (group, subject) pair for vemt_subjects_count(): group is the
 * caller's index (a unit, a bin, a cluster, a place); key is a
 * vemt_event's subject_key, borrowed. */
typedef struct vemt_subject_pair {
    size_t group;
    const char *key;
} vemt_subject_pair;

/** Add the number of distinct subjects of each group to counts[group]
 * (n_groups entries; the caller zeroes them). The one rule for every
 * analysis: subjects are equal when their keys are equal (strcmp; exact,
 * no hash decides it); a pair whose key is "" (or NULL) is an unknown
 * subject, counted in no group and in *n_unknown (may be NULL). Linear in
 * n and n_groups; pairs are left as they are. Returns VEMT_E_ARG when a
 * group is n_groups or more, VEMT_E_NOMEM (counts untouched then). */
vemt_status vemt_subjects_count(vemt_subject_pair *pairs, size_t n,
                                double *counts, size_t n_groups,
                                size_t *n_unknown);

/** Events whose kind is in kinds (bit set of 1u << vemt_kind) with no
 * subject key: the unknown subjects, for the report. */
size_t vemt_subjects_unknown(const vemt_events *events, unsigned kinds);

/** For the disclosure rules: in each group, the distinct subjects with all
 * the events without a key taken together as one more subject (the
 * conservative reading: they may all be one child) into subjects[group],
 * and the events of the group's largest subject into top[group] (n_groups
 * entries each, overwritten). Keyless pairs get the key "". Returns
 * VEMT_E_ARG when a group is out of range, VEMT_E_NOMEM. */
vemt_status vemt_subjects_top(vemt_subject_pair *pairs, size_t n,
                              size_t n_groups, double *subjects, double *top);

/** vemt_subjects_top() of the events vemt_units_count_events() counts, by
 * unit. Returns VEMT_E_NOMEM. */
vemt_status vemt_units_subjects_top(const vemt_units *units,
                                    const vemt_events *events, unsigned kinds,
                                    double *subjects, double *top);

/** Centre of unit i. */
void vemt_units_centre(const vemt_units *units, size_t i, double *x, double *y);

/** Centres of all units as x0, y0, x1, y1, ... into xy (2 x count). */
void vemt_units_centres(const vemt_units *units, double *xy);

/** Vertices of cell i counter-clockwise from its south-west (square) or
 * east (hexagon) vertex, closed, as x, y pairs into xy (room for
 * VEMT_UNIT_RING_MAX pairs). Returns the number of vertices (5 or 7), 0
 * for polygon units (use vemt_units_wkb). */
size_t vemt_units_ring(const vemt_units *units, size_t i, double *xy);

/** Unit i as ISO WKB (little-endian) Polygon or, for polygon units,
 * Polygon or MultiPolygon. Caller owns *wkb; free with vemt_engine_free().
 * Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_units_wkb(const vemt_units *units, size_t i,
                           unsigned char **wkb, size_t *size);

/** Area of unit i in square metres. */
double vemt_units_m2(const vemt_units *units, size_t i);

/** The polygon set of polygon units, NULL for other shapes. Borrowed;
 * valid until the units are destroyed. */
const vemt_polygons *vemt_units_polygons(const vemt_units *units);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_UNITS_H */
