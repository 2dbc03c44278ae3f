/** @file engine.h
 * @brief The engine's public API: study area, grids, weights, Gi*.
 */
#ifndef VEMT_ENGINE_ENGINE_H
#define VEMT_ENGINE_ENGINE_H

#include "engine/vemt.h"

/** An axis-aligned rectangle in the analysis CRS. */
typedef struct vemt_bbox {
    double xmin, ymin, xmax, ymax;
} vemt_bbox;

/** True when the box holds at least one point (xmin <= xmax). */
bool vemt_bbox_is_valid(const vemt_bbox *b);

/** Extent of the located events whose kind is in kinds (a bit set of
 * 1u << vemt_kind) and that are in the study area. Returns false (and an
 * invalid box) when there is none. */
bool vemt_events_bbox(const vemt_events *events, unsigned kinds,
                      vemt_bbox *out);

/* ---- Study area -------------------------------------------------------- */

/** A study-area polygon (GEOS prepared geometry behind an opaque handle). */
typedef struct vemt_area vemt_area;

/** Build the study area from WKB (Polygon or MultiPolygon, analysis CRS).
 * Returns VEMT_E_DEPENDENCY with GEOS's message for invalid WKB or a
 * geometry that is not areal. Caller owns *out; free with
 * vemt_area_destroy(). */
vemt_status vemt_area_create_wkb(vemt_ctx *ctx, const unsigned char *wkb,
                                 size_t size, vemt_area **out);

/** Free the area; NULL is a no-op. */
void vemt_area_destroy(vemt_area *area);

/** Bounding box of the area. */
vemt_bbox vemt_area_bbox(const vemt_area *area);

/** Area in square metres. */
double vemt_area_m2(const vemt_area *area);

/** The area as ISO WKB (little-endian) into *wkb. Caller owns *wkb; free
 * with vemt_engine_free(). Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_area_wkb(const vemt_area *area, unsigned char **wkb,
                          size_t *size);

/** Free memory returned by engine functions; NULL is a no-op. */
void vemt_engine_free(void *p);

/** True when (x, y) lies in the area or on its boundary. */
bool vemt_area_covers_xy(const vemt_area *area, double x, double y);

/** True when the rectangle and the area share any point. */
bool vemt_area_intersects_bbox(const vemt_area *area, const vemt_bbox *b);

/** Set each located event's in_area flag against the area (NULL area: all
 * true). Returns the number of located events inside. */
size_t vemt_area_flag_events(const vemt_area *area, vemt_events *events);

/* ---- Square grid ------------------------------------------------------- */

/** A square grid over the study area; cells outside the mask are left out.
 * Cells are numbered 0..n-1 in row-major order from the south-west. */
typedef struct vemt_grid vemt_grid;

/** Automatic cell size for an extent: the longer side / 100, rounded up to
 * a multiple of 50 m, and at least 50 m (the rule is described in
 * rule_out, which may be NULL). */
double vemt_grid_auto_cell_size_m(const vemt_bbox *extent, char *rule_out,
                                  size_t rule_size);

/** Lay a grid of cell_m squares over extent, with its origin snapped down
 * to a multiple of cell_m (so runs line up with the national grid); with
 * a mask, keep only the cells that intersect it. Returns VEMT_E_ARG for a
 * bad size or extent or too many cells. Caller owns *out; free with
 * vemt_grid_destroy(). */
vemt_status vemt_grid_create(vemt_ctx *ctx, double cell_m,
                             const vemt_bbox *extent, const vemt_area *mask,
                             vemt_grid **out);

/** Free the grid; NULL is a no-op. */
void vemt_grid_destroy(vemt_grid *grid);

/** Number of cells kept (after the mask). */
size_t vemt_grid_ncells(const vemt_grid *grid);

/** Cell size in metres. */
double vemt_grid_cell_m(const vemt_grid *grid);

/** Columns and rows of the full rectangle, and its south-west origin. */
void vemt_grid_shape(const vemt_grid *grid, int *ncol, int *nrow, double *x0,
                     double *y0);

/** Column and row of cell i in the full rectangle. */
void vemt_grid_cell_colrow(const vemt_grid *grid, size_t i, int *col, int *row);

/** Bounds of cell i. */
vemt_bbox vemt_grid_cell_bbox(const vemt_grid *grid, size_t i);

/** Stable id of cell i: "<easting>_<northing>" of its south-west corner in
 * whole metres, so the same cell has the same id in every run. */
void vemt_grid_cell_id(const vemt_grid *grid, size_t i, char *buf, size_t size);

/** The cell holding (x, y) (a point on a west or south edge belongs to that
 * cell). Returns false when the point is off the grid or its cell was
 * masked out. */
bool vemt_grid_locate(const vemt_grid *grid, double x, double y, size_t *i);

/** Count events per cell: located, in-area events whose kind is in kinds
 * (bit set of 1u << vemt_kind). counts has vemt_grid_ncells() entries and
 * is overwritten. Returns the number of events counted. */
size_t vemt_grid_count(const vemt_grid *grid, const vemt_events *events,
                       unsigned kinds, double *counts);

/* ---- Spatial weights ---------------------------------------------------- */

/** Binary spatial weights in compressed rows (neighbour lists). */
typedef struct vemt_weights vemt_weights;

/** Distance-band weights on cell centres: j is a neighbour of i when their
 * centres are at most band_m apart, with a 1e-9 relative tolerance so that
 * diagonal neighbours at cell_m x sqrt(2) are not lost to rounding. With
 * include_self each cell is its own neighbour (Gi*). Caller owns *out; free
 * with vemt_weights_destroy(). */
vemt_status vemt_weights_grid_band(vemt_ctx *ctx, const vemt_grid *grid,
                                   double band_m, bool include_self,
                                   vemt_weights **out);

/** Free the weights; NULL is a no-op. */
void vemt_weights_destroy(vemt_weights *w);

/** Number of units. */
size_t vemt_weights_n(const vemt_weights *w);

/** Neighbours of unit i: *nbrs points at *count indices. Borrowed; valid
 * until the weights are destroyed. */
void vemt_weights_neighbours(const vemt_weights *w, size_t i,
                             const size_t **nbrs, size_t *count);

/* ---- Getis-Ord Gi* ------------------------------------------------------ */

/** Gi* z-scores and two-sided normal p-values for values x[0..n-1] under
 * binary weights w (which should include self). z[i] and p[i] are NaN when
 * the statistic is undefined (all values equal). Returns VEMT_E_ARG when n
 * does not match the weights or n < 2. */
vemt_status vemt_gistar_compute(vemt_ctx *ctx, const vemt_weights *w,
                                const double *x, size_t n, double *z,
                                double *p);

/* ---- Units and weights beyond the square grid (issue 4) ---------------- */

/* ---- Inference: permutations, FDR, Local Moran, scale (issue 4) --------- */

/* ---- Point clusters and density (issue 6) ------------------------------- */

#endif /* VEMT_ENGINE_ENGINE_H */
