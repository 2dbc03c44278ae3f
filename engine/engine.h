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

/** Free memory returned by engine functions; NULL is a no-op. */
void vemt_engine_free(void *p);

/** True when (x, y) lies in the area or on its boundary. */
bool vemt_study_area_covers_xy(const vemt_study_area *area, double x, double y);

/** True when the rectangle and the area share any point. */
bool vemt_study_area_intersects_bbox(const vemt_study_area *area,
                                     const vemt_bbox *b);

/** Set each located event's in_area flag against the area (NULL area: all
 * true). Returns the number of located events inside. */
size_t vemt_study_area_flag_events(const vemt_study_area *area,
                                   vemt_events *events);

/* ---- Square grid ------------------------------------------------------- */

/** A square grid over the study area; cells outside the mask are left out.
 * Cells are numbered 0..n-1 in row-major order from the south-west. */
typedef struct vemt_units vemt_units;

/** Automatic cell size for an extent: the longer side / 100, rounded up to
 * a multiple of 50 m, and at least 50 m (the rule is described in
 * rule_out, which may be NULL). */
double vemt_grid_auto_cell_size_m(const vemt_bbox *extent, char *rule_out,
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

/** Free the grid; NULL is a no-op. */
void vemt_units_destroy(vemt_units *grid);

/** Number of cells kept (after the mask). */
size_t vemt_units_count(const vemt_units *grid);

/** Cell size in metres. */
double vemt_units_cell_m(const vemt_units *grid);

/** Columns and rows of the full rectangle, and its south-west origin. */
void vemt_units_lattice(const vemt_units *grid, int *ncol, int *nrow,
                        double *x0, double *y0);

/** Column and row of cell i in the full rectangle. */
void vemt_units_colrow(const vemt_units *grid, size_t i, int *col, int *row);

/** Bounds of cell i. */
vemt_bbox vemt_units_bbox(const vemt_units *grid, size_t i);

/** Stable id of cell i: "<easting>_<northing>" of its south-west corner in
 * whole metres, so the same cell has the same id in every run. */
void vemt_units_id(const vemt_units *grid, size_t i, char *buf, size_t size);

/** The cell holding (x, y) (a point on a west or south edge belongs to that
 * cell). Returns false when the point is off the grid or its cell was
 * masked out. */
bool vemt_units_locate(const vemt_units *grid, double x, double y, size_t *i);

/** Count events per cell: located, in-area events whose kind is in kinds
 * (bit set of 1u << vemt_kind). counts has vemt_units_count() entries and
 * is overwritten. Returns the number of events counted. */
size_t vemt_units_count_events(const vemt_units *grid,
                               const vemt_events *events, unsigned kinds,
                               double *counts);

/** Distinct subjects per cell among the events vemt_units_count_events counts:
 * an event without a subject key is a subject of its own (an incident with no
 * known child still happened to someone). subjects has vemt_units_count()
 * entries. Returns VEMT_E_NOMEM. */
vemt_status vemt_units_count_subjects(const vemt_units *grid,
                                      const vemt_events *events, unsigned kinds,
                                      double *subjects);

/* ---- Spatial weights ---------------------------------------------------- */

/** Binary spatial weights in compressed rows (neighbour lists). */
typedef struct vemt_weights vemt_weights;

/** Distance-band weights on cell centres: j is a neighbour of i when their
 * centres are at most band_m apart, with a 1e-9 relative tolerance so that
 * diagonal neighbours at cell_m x sqrt(2) are not lost to rounding. With
 * include_self each cell is its own neighbour (Gi*). Caller owns *out; free
 * with vemt_weights_destroy(). */
vemt_status vemt_weights_units_band(vemt_ctx *ctx, const vemt_units *grid,
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

/* Grids of either shape. vemt_units_count_events, _locate, _cell_bbox (the
 * cell's bounds), _cell_id, _cell_colrow and _shape work for both; a hexagon's
 * id is "H<column>_<row>" of its absolute lattice indices (hexgrid.c), so the
 * same hexagon has the same id in every run with that cell size, and a
 * hexagon grid's origin (vemt_units_lattice) is the centre of its cell (0, 0).
 * Weights on any grid come from vemt_weights_units_band or _contiguity. */

/** Shape of a grid's cells. */
typedef enum vemt_unit_shape {
    VEMT_UNIT_SQUARE = 0, /* squares of side cell_m */
    VEMT_UNIT_HEX,        /* flat-topped hexagons cell_m high (flat to flat) */
    VEMT_UNIT_POLYGON     /* polygon units (vemt_units_create_polygons) */
} vemt_unit_shape;

/** Vertices of the largest cell ring, closing vertex included. */
#define VEMT_UNIT_RING_MAX 7

/** Lay flat-topped hexagons cell_m high (between opposite edges; Esri's
 * "height" of a hexagon bin) over extent, on a lattice anchored at the
 * CRS origin so runs line up; keep the hexagons that meet the extent and,
 * with a mask, the mask. Returns VEMT_E_ARG for a bad size or extent or
 * too many cells. Caller owns *out; free with vemt_units_destroy(). */
vemt_status vemt_units_create_hex(vemt_ctx *ctx, double cell_m,
                                  const vemt_bbox *extent,
                                  const vemt_study_area *mask,
                                  vemt_units **out);

/** Shape of the grid's cells. */
vemt_unit_shape vemt_units_shape(const vemt_units *grid);

/** Centre of cell i. */
void vemt_units_centre(const vemt_units *grid, size_t i, double *x, double *y);

/** Centres of all cells as x0, y0, x1, y1, ... into xy (2 x ncells). */
void vemt_units_centres(const vemt_units *grid, double *xy);

/** Vertices of cell i counter-clockwise from its south-west (square) or
 * east (hexagon) vertex, closed, as x, y pairs into xy (room for
 * VEMT_UNIT_RING_MAX pairs). Returns the number of vertices (5 or 7), 0
 * for polygon units (use vemt_units_wkb). */
size_t vemt_units_ring(const vemt_units *grid, size_t i, double *xy);

/** Cell i as ISO WKB (little-endian) Polygon or, for polygon units,
 * Polygon or MultiPolygon. Caller owns *wkb; free with vemt_engine_free().
 * Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_units_wkb(const vemt_units *grid, size_t i,
                           unsigned char **wkb, size_t *size);

/** Name of cell i: a polygon unit's name, "" for grid cells. Borrowed. */
const char *vemt_units_name(const vemt_units *grid, size_t i);

/** Area of cell i in square metres. */
double vemt_units_m2(const vemt_units *grid, size_t i);

/** Automatic cell size from the extent and the events, after Esri's
 * Optimized Hot Spot Analysis: the larger of the extent's longer side / 100
 * and the mean distance from each distinct event location to its nearest
 * neighbour, rounded up to a multiple of 50 m, at least 50 m (grid.c).
 * Counts located, in-area events whose kind is in kinds. rule_out (may be
 * NULL) gets the rule with its numbers. Returns VEMT_E_NOMEM. */
vemt_status vemt_grid_auto_cell_size_events_m(vemt_ctx *ctx,
                                              const vemt_bbox *extent,
                                              const vemt_events *events,
                                              unsigned kinds, double *cell_m,
                                              char *rule_out, size_t rule_size);

/** Polygon units (wards, LSOAs, beats): GEOS prepared polygons with an
 * STRtree for point location. Units are numbered in input order. */
typedef struct vemt_polygons vemt_polygons;

/** Build n units from WKB polygons or multipolygons (analysis CRS; invalid
 * ones repaired as the study area is), with their ids and names (names may
 * be NULL). Returns VEMT_E_ARG naming the unit for WKB that is not areal
 * or empty, VEMT_E_DEPENDENCY, VEMT_E_NOMEM. Caller owns *out; free with
 * vemt_polygons_destroy(). */
vemt_status vemt_polygons_create_wkb(vemt_ctx *ctx, size_t n,
                                     const unsigned char *const *wkb,
                                     const size_t *wkb_size,
                                     const char *const *ids,
                                     const char *const *names,
                                     vemt_polygons **out);

/** Free the units; NULL is a no-op. */
void vemt_polygons_destroy(vemt_polygons *areas);

/** Number of units. */
size_t vemt_polygons_count(const vemt_polygons *areas);

/** Id and name of unit i. Borrowed; valid until the units are destroyed. */
const char *vemt_polygons_id(const vemt_polygons *areas, size_t i);
const char *vemt_polygons_name(const vemt_polygons *areas, size_t i);

/** Extent of all units, and area of unit i in square metres. */
vemt_bbox vemt_polygons_extent(const vemt_polygons *areas);
double vemt_polygons_m2(const vemt_polygons *areas, size_t i);

/** Which point stands for a unit in distance weights. */
typedef enum vemt_centre {
    VEMT_CENTRE_CENTROID = 0, /* centroid (may fall outside a concave unit) */
    VEMT_CENTRE_SURFACE       /* GEOS point on surface: always inside */
} vemt_centre;

/** Centre of every unit as x0, y0, x1, y1, ... into xy (2 x n doubles). */
void vemt_polygons_centres(const vemt_polygons *areas, vemt_centre kind,
                           double *xy);

/** The unit holding (x, y); a point on a shared boundary belongs to the
 * unit with the lowest index. False when no unit holds it. */
bool vemt_polygons_locate(const vemt_polygons *areas, double x, double y,
                          size_t *i);

/** Share (0..1) of unit i's area that lies in the study area (GEOS
 * intersection); NaN when GEOS fails. */
double vemt_polygons_share_in(const vemt_polygons *areas, size_t i,
                              const vemt_study_area *area);

/** Count events per unit as vemt_units_count_events does; counts has
 * vemt_polygons_count() entries. Returns the number of events counted. */
size_t vemt_polygons_count_events(const vemt_polygons *areas,
                                  const vemt_events *events, unsigned kinds,
                                  double *counts);

/** Unit i as ISO WKB (little-endian). Caller owns *wkb; free with
 * vemt_engine_free(). Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
vemt_status vemt_polygons_wkb(const vemt_polygons *areas, size_t i,
                              unsigned char **wkb, size_t *size);

/** The units as a grid (shape VEMT_UNIT_POLYGON), so every analysis of
 * cells runs on them: a cell is a unit, its id and name the unit's, its
 * centre the centroid (as spdep takes for polygons), vemt_units_cell_m 0.
 * On success the grid owns *areas and sets it to NULL. Returns
 * VEMT_E_NOMEM. Free with vemt_units_destroy(). */
vemt_status vemt_units_create_polygons(vemt_ctx *ctx, vemt_polygons **areas,
                                       vemt_units **out);

/** The polygon units of an area grid, NULL for other shapes. Borrowed. */
const vemt_polygons *vemt_units_polygons(const vemt_units *grid);

/** Distance band on points xy (x0, y0, x1, y1, ...): j neighbours i when
 * they are at most band_m apart (1e-9 relative tolerance); with
 * include_self each unit is its own neighbour. Returns VEMT_E_ARG for a
 * bad band, non-finite coordinates or more than 2^27 links.
 * Caller owns *out; free with vemt_weights_destroy(). */
vemt_status vemt_weights_band(vemt_ctx *ctx, const double *xy, size_t n,
                              double band_m, bool include_self,
                              vemt_weights **out);

/** The k nearest other points of each point, as spdep's knearneigh (not
 * symmetrised); ties in distance go to the lower index. With include_self
 * each unit is also its own neighbour. Returns VEMT_E_ARG unless
 * 1 <= k < n. Caller owns *out; free with vemt_weights_destroy(). */
vemt_status vemt_weights_knn(vemt_ctx *ctx, const double *xy, size_t n,
                             size_t k, bool include_self, vemt_weights **out);

/** Contiguity: queen shares at least a point, rook a line. */
typedef enum vemt_contiguity {
    VEMT_CONTIGUITY_QUEEN = 0,
    VEMT_CONTIGUITY_ROOK
} vemt_contiguity;

/** Contiguity of grid cells: squares have 4 rook or 8 queen neighbours,
 * hexagons 6 of either. Caller owns *out; free with vemt_weights_destroy().
 */
vemt_status vemt_weights_units_contiguity(vemt_ctx *ctx, const vemt_units *grid,
                                          vemt_contiguity kind,
                                          bool include_self,
                                          vemt_weights **out);

/** Contiguity of polygon units computed with GEOS: queen when the units
 * are within snap_m of each other (0: they intersect), rook when, after
 * snapping one to the other within snap_m, their boundaries share a line
 * or their interiors overlap (contiguity.c compares this with spdep's
 * poly2nb). Returns VEMT_E_ARG for a negative snap, VEMT_E_DEPENDENCY,
 * VEMT_E_NOMEM. Caller owns *out; free with vemt_weights_destroy(). */
vemt_status vemt_weights_polygons_contiguity(vemt_ctx *ctx,
                                             const vemt_polygons *areas,
                                             vemt_contiguity kind,
                                             double snap_m, bool include_self,
                                             vemt_weights **out);

/** Total number of neighbour entries over all units. */
size_t vemt_weights_links(const vemt_weights *w);

/* ---- Inference: permutations, FDR, Local Moran, scale (issue 4) --------- */

/* Permutation tests, Local Moran and the scale of clustering. Weights are
 * the binary neighbour lists above; entries of a unit for itself are
 * ignored by Local and Global Moran, so Gi* weights can be passed. */

/** Permutations of a conditional permutation test by default. */
#define VEMT_PERMUTATIONS_DEFAULT 999

/** A conditional permutation test (PySAL esda's conditional randomisation,
 * after Anselin 1995): each unit keeps its value and its neighbours' values
 * are drawn without replacement from the other n - 1 units. Unit i draws
 * from its own random stream, derived from seed and i, so results are
 * identical for every number of threads. */
typedef struct vemt_perm_opts {
    size_t permutations; /* R >= 1, e.g. VEMT_PERMUTATIONS_DEFAULT */
    uint64_t seed;       /* the run's seed */
    unsigned threads;    /* worker threads; 0 = the number of online CPUs */
} vemt_perm_opts;

/** Gi* pseudo p-values under conditional permutation (weights with self, as
 * for vemt_gistar_compute): p_sim[i] = min(1, 2 (min(M_ge, M_le) + 1) /
 * (R + 1)), M_ge and M_le the permuted Gi* >= and <= the observed one, so
 * p_sim >= 2 / (R + 1). NaN where Gi* is undefined (all values equal) or the
 * unit has no neighbour but itself. p_sim (n entries) is the caller's.
 * Returns VEMT_E_ARG (n does not match the weights, n < 2 or >= 2^32,
 * R = 0, a non-finite value), VEMT_E_NOMEM. */
vemt_status vemt_gistar_permute(vemt_ctx *ctx, const vemt_weights *w,
                                const double *x, size_t n,
                                const vemt_perm_opts *opts, double *p_sim);

/** Null hypothesis of Local Moran's analytic moments. */
typedef enum vemt_lisa_null {
    VEMT_LISA_CONDITIONAL = 0, /* conditional randomisation (spdep default) */
    VEMT_LISA_TOTAL            /* total randomisation (Anselin 1995) */
} vemt_lisa_null;

/** Local Moran's I of x[0..n-1] with the weights row-standardised (self
 * excluded), as spdep::localmoran: ii[i], the z-score under null and its
 * two-sided normal p (NaN for isolates and where the variance is 0); ii, z
 * and p (n entries each) are the caller's. Returns VEMT_E_ARG (n does not
 * match, n < 3), VEMT_E_NOMEM. */
vemt_status vemt_lisa_compute(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n, vemt_lisa_null null,
                              double *ii, double *z, double *p);

/** Local Moran's conditional-permutation pseudo p-values, defined as for
 * vemt_gistar_permute (1 where x[i] is the mean, NaN for isolates). This is
 * the p of the cluster and outlier types (`lisa_p`), as GeoDa, PySAL and
 * Esri use the permutation p. Returns as vemt_gistar_permute. */
vemt_status vemt_lisa_permute(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n,
                              const vemt_perm_opts *opts, double *p_sim);

/** Cluster and outlier types (GeoDa's LISA cluster map codes). */
typedef enum vemt_lisa_type {
    VEMT_LISA_NONE = 0, /* not significant (or I_i = 0) */
    VEMT_LISA_HH,       /* High-High: high value, high neighbours */
    VEMT_LISA_LL,       /* Low-Low */
    VEMT_LISA_LH,       /* Low-High: low value among high neighbours */
    VEMT_LISA_HL,       /* High-Low */
    VEMT_LISA_TYPE_END
} vemt_lisa_type;

/** Significance level of the types by default (on the two-sided p). */
#define VEMT_LISA_ALPHA 0.05

/** type[i] (a vemt_lisa_type) from the signs of x[i] - mean and of its
 * neighbours' mean deviation, where p[i] <= alpha; type (n entries) is the
 * caller's. Returns VEMT_E_ARG, VEMT_E_NOMEM. */
vemt_status vemt_lisa_types(vemt_ctx *ctx, const vemt_weights *w,
                            const double *x, size_t n, const double *p,
                            double alpha, int8_t *type);

/** Name of a type ("High-High"); never NULL, never to be freed. */
const char *vemt_lisa_type_name(vemt_lisa_type t);

/** Global Moran's I with its test under randomisation. */
typedef struct vemt_moran {
    double i, expected, variance; /* I, E(I), Var(I) */
    double z, p;                  /* z-score, two-sided normal p */
    size_t n;                     /* units with at least one neighbour */
} vemt_moran;

/** Global Moran's I of x[0..n-1] under w, binary or row-standardised, as
 * spdep::moran.test(randomisation = TRUE) (units without neighbours leave
 * n). z and p are NaN when undefined (all values equal, no links). Returns
 * VEMT_E_ARG (n does not match, n < 4), VEMT_E_NOMEM. */
vemt_status vemt_moran_global(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n, bool row_standardise,
                              vemt_moran *out);

/** Builds the weights of one distance band (self excluded) for incremental
 * spatial autocorrelation; vemt_moran_incremental takes ownership of *out
 * and frees it with vemt_weights_destroy(). */
typedef vemt_status (*vemt_band_weights_fn)(void *data, double band_m,
                                            vemt_weights **out);

/** Distance bands: start_m, start_m + increment_m, ... (count bands). */
typedef struct vemt_isa_opts {
    double start_m, increment_m;
    size_t count;
    bool row_standardise; /* Esri's default: true */
} vemt_isa_opts;

/** Bands by default (Esri's Number of Distance Bands; it allows 2..30). */
#define VEMT_ISA_BANDS_DEFAULT 10
/** A peak's z must exceed this (90 % confidence, as Esri's tool). */
#define VEMT_ISA_PEAK_Z 1.65

/** One band of an incremental spatial autocorrelation profile. */
typedef struct vemt_isa_band {
    double band_m;
    vemt_moran moran;
} vemt_isa_band;

/** Esri's default bands for points xy (x0, y0, x1, y1, ...; see moran.c):
 * start at the largest nearest-neighbour distance, step by the mean one,
 * 10 bands, capped by the standard distance; row standardisation on.
 * Returns VEMT_E_ARG (n < 2), VEMT_E_NOMEM. */
vemt_status vemt_moran_isa_defaults(vemt_ctx *ctx, const double *xy, size_t n,
                                    vemt_isa_opts *out);

/** First and highest peak of a z-score series z[0..m-1], as Esri's
 * Incremental Spatial Autocorrelation finds them: bands above min_z that a
 * rise leads to and a fall leaves. SIZE_MAX when there is none; returns
 * whether there is a peak. */
bool vemt_moran_peaks(const double *z, size_t m, double min_z, size_t *first,
                      size_t *max);

/** Incremental spatial autocorrelation: Global Moran's I at each band of
 * opts, with weights from fn(data, band), into profile (opts->count
 * entries, the caller's), and the indices of its first and maximum z peaks
 * (SIZE_MAX: none). Returns VEMT_E_ARG for bad bands, fn's failure (the
 * bands after it are not computed), VEMT_E_NOMEM. */
vemt_status vemt_moran_incremental(vemt_ctx *ctx, vemt_band_weights_fn fn,
                                   void *data, const double *x, size_t n,
                                   const vemt_isa_opts *opts,
                                   vemt_isa_band *profile, size_t *first_peak,
                                   size_t *max_peak);

/** vemt_moran_incremental with distance-band weights on unit centres xy
 * (x0, y0, x1, y1, ...) from vemt_weights_band. */
vemt_status vemt_moran_incremental_xy(vemt_ctx *ctx, const double *xy,
                                      const double *x, size_t n,
                                      const vemt_isa_opts *opts,
                                      vemt_isa_band *profile,
                                      size_t *first_peak, size_t *max_peak);

/* ---- Space-time cube and trends (issue 5) ------------------------------ */

/** A Mann-Kendall trend test and Sen's slope. */
typedef struct vemt_mk {
    double s, var_s;  /* Kendall's S and its variance with the tie correction */
    double z, p;      /* continuity-corrected z, two-sided normal p */
    double tau;       /* Kendall's tau-b against time */
    double sen_slope; /* Sen's median pairwise slope, per step */
    size_t n;
} vemt_mk;

/** Mann-Kendall test of x[0..n-1] in time order. Returns VEMT_E_ARG for
 * n < 3, VEMT_E_NOMEM. */
vemt_status vemt_mann_kendall(const double *x, size_t n, vemt_mk *out);

/** Two-sided exact p-value that counts a and b over equal exposure come
 * from one Poisson rate (conditional binomial test). */
double vemt_poisson_change_p(double a, double b);

/** Emerging hot spot categories, Esri's wording (vemt_ehsa_name()). */
typedef enum vemt_ehsa {
    VEMT_EHSA_NONE = 0,
    VEMT_EHSA_NEW_HOT,
    VEMT_EHSA_CONSECUTIVE_HOT,
    VEMT_EHSA_INTENSIFYING_HOT,
    VEMT_EHSA_PERSISTENT_HOT,
    VEMT_EHSA_DIMINISHING_HOT,
    VEMT_EHSA_SPORADIC_HOT,
    VEMT_EHSA_OSCILLATING_HOT,
    VEMT_EHSA_HISTORICAL_HOT,
    VEMT_EHSA_NEW_COLD,
    VEMT_EHSA_CONSECUTIVE_COLD,
    VEMT_EHSA_INTENSIFYING_COLD,
    VEMT_EHSA_PERSISTENT_COLD,
    VEMT_EHSA_DIMINISHING_COLD,
    VEMT_EHSA_SPORADIC_COLD,
    VEMT_EHSA_OSCILLATING_COLD,
    VEMT_EHSA_HISTORICAL_COLD,
    VEMT_EHSA_END
} vemt_ehsa;

/** Category name ("New Hot Spot"); never NULL. */
const char *vemt_ehsa_name(vemt_ehsa e);

/** Classify one location from its bins (-3..3 per step, 0 = not
 * significant) and Gi* z-series over t steps; the trend is significant at
 * mk_alpha. Definitions and order in engine/ehsa.c. */
vemt_ehsa vemt_ehsa_classify(const int *bins, const double *z, size_t t,
                             double mk_alpha);

/** Chainey's categories as sfhotspot names them. */
typedef enum vemt_chainey {
    VEMT_CHAINEY_NONE = 0,
    VEMT_CHAINEY_PERSISTENT_HOT,
    VEMT_CHAINEY_EMERGING_HOT,
    VEMT_CHAINEY_FORMER_HOT,
    VEMT_CHAINEY_INTERMITTENT_HOT,
    VEMT_CHAINEY_PERSISTENT_COLD,
    VEMT_CHAINEY_EMERGING_COLD,
    VEMT_CHAINEY_FORMER_COLD,
    VEMT_CHAINEY_INTERMITTENT_COLD,
    VEMT_CHAINEY_MIXED,
    VEMT_CHAINEY_END
} vemt_chainey;

/** sfhotspot::hotspot_classify_params(): 0.1, 0.8, 0.2, 0.05. */
typedef struct vemt_chainey_params {
    double hotspot_prop, persistent_prop, recent_prop, critical_p;
} vemt_chainey_params;

/** Category name ("persistent hot spot"); never NULL. */
const char *vemt_chainey_name(vemt_chainey c);

/** Classify one location from its Gi* z and p over t steps; scratch holds
 * t booleans. */
vemt_chainey vemt_chainey_classify(const double *z, const double *p, size_t t,
                                   const vemt_chainey_params *prm,
                                   bool *scratch);

/** Benjamini-Hochberg (1995) bins as Esri's FDR-corrected Gi_Bin: with fdr,
 * |bin| = 1, 2, 3 when p is under the BH cut-off at q = 0.10, 0.05, 0.01
 * over all n tests; without, under 0.10, 0.05, 0.01 themselves; signed by
 * z; NaN p gives 0. Returns VEMT_E_NOMEM. */
vemt_status vemt_significance_bins(const double *z, const double *p, size_t n,
                                   bool fdr, int8_t *bins);

/** Length of a time step. */
typedef enum vemt_step_unit {
    VEMT_STEP_MONTH = 0, /* calendar months (UTC) */
    VEMT_STEP_WEEK,      /* ISO weeks, Monday 00:00 UTC */
    VEMT_STEP_DAYS       /* n_days-day steps from the first day */
} vemt_step_unit;

/** Where Gi*'s mean and variance come from (Esri's global window). */
typedef enum vemt_window {
    VEMT_WINDOW_CUBE = 0,      /* every bin of the cube */
    VEMT_WINDOW_NEIGHBOURHOOD, /* the bins of steps t-k..t */
    VEMT_WINDOW_INDIVIDUAL     /* step t alone; no neighbours in time */
} vemt_window;

/** How to build a cube. */
typedef struct vemt_cube_opts {
    vemt_step_unit unit;
    int n_days;        /* VEMT_STEP_DAYS */
    int64_t start_utc; /* clip; 0 = from the data */
    int64_t end_utc;   /* clip; 0 = to the data */
    bool at_start;     /* count spanning events at their start, not
                          spread over their steps (aoristic) */
    unsigned kinds;    /* bit set of 1u << vemt_kind */
    bool subjects;     /* analyse distinct subjects instead of events */
    int time_lag;      /* k: neighbours in steps t-k..t */
    vemt_window window;
} vemt_cube_opts;

/** Units x time steps: counts, distinct subjects, Gi* per bin. */
typedef struct vemt_cube vemt_cube;

/** Count events of the grid's cells per time step. Fails with VEMT_E_ARG
 * naming the reason when fewer than 60 events or 10 steps fall in the
 * cube. Caller owns *out; free with vemt_cube_destroy(). */
vemt_status vemt_cube_create(vemt_ctx *ctx, const vemt_units *grid,
                             const vemt_events *events,
                             const vemt_cube_opts *opts, vemt_cube **out);

/** Free the cube; NULL is a no-op. */
void vemt_cube_destroy(vemt_cube *cube);

/** Units and steps. Bins are numbered unit * steps + step. */
size_t vemt_cube_units(const vemt_cube *cube);
size_t vemt_cube_steps(const vemt_cube *cube);

/** First instant of step t, and first instant after it. */
int64_t vemt_cube_step_start(const vemt_cube *cube, size_t t);
int64_t vemt_cube_step_end(const vemt_cube *cube, size_t t);

/** Events (aoristic weights) and distinct subjects per bin; borrowed. */
const double *vemt_cube_events(const vemt_cube *cube);
const double *vemt_cube_subjects(const vemt_cube *cube);

/** Events counted, and the share of bins that are zero. */
double vemt_cube_total(const vemt_cube *cube);
double vemt_cube_zero_share(const vemt_cube *cube);

/** Counts per step of the whole study area (events located inside it or
 * nowhere), of one category (a text offset of events; 0 = all), with the
 * cube's steps, kinds and weighting: n_events and n_subjects get one value
 * per step. Returns VEMT_E_NOMEM. */
vemt_status vemt_cube_series(const vemt_cube *cube, const vemt_events *events,
                             uint32_t category, double *n_events,
                             double *n_subjects);

/** Space-time Gi* of every bin under the unit weights w (self included)
 * with the cube's time lag and window; z, p and bins (FDR across all bins
 * when fdr) have units x steps entries. */
vemt_status vemt_cube_gistar(vemt_ctx *ctx, const vemt_cube *cube,
                             const vemt_weights *w, bool fdr, double *z,
                             double *p, int8_t *bins);

/* ---- Disclosure control (issue 9) --------------------------------------- */

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

/* ---- Places and patrol windows (issue 8) -------------------------------- */

/** Group the located events whose kind is in kinds into places: events
 * within radius_m of each other (single linkage) share a place.
 * place_of[i] gets event i's place number (0.., by first event), or
 * SIZE_MAX for events not grouped; *n_places the number of places. */
vemt_status vemt_places_group(const vemt_events *events, unsigned kinds,
                              double radius_m, size_t *place_of,
                              size_t *n_places);

/** Weekday x hour (Europe/London local time; weekday 0 = Monday) profile of
 * events which[0..n): aoristic weights over the hours of each event's time
 * range; day- and month-precision events and ranges over a week are skipped and
 * counted. */
void vemt_week_profile(const vemt_events *events, const size_t *which, size_t n,
                       double profile[7 * 24], size_t *skipped);

/** A patrol window: weekday, hour of the week it starts, its weight. */
typedef struct vemt_window_score {
    int weekday;
    int start_hour; /* 0..167 from Monday 00:00; -1 = none */
    double weight;
} vemt_window_score;

/** The k heaviest non-overlapping windows of length_h hours of a profile
 * (wrapping past midnight and Sunday), heaviest first. */
void vemt_best_windows(const double profile[7 * 24], int length_h,
                       vemt_window_score *out, size_t k);

/* ---- Point clusters and density (issue 6) ------------------------------- */

/* Events as points for clustering and density: plain arrays in the
 * analysis CRS (metres), borrowed for the duration of a call.
 * Cluster labels are int32: 0, 1, ... for clusters, VEMT_LABEL_NOISE for
 * noise and VEMT_LABEL_EXCLUDED for a point a method left out. */

#define VEMT_LABEL_NOISE (-1)
#define VEMT_LABEL_EXCLUDED (-2)

/** n points. x and y are required (finite, |value| <= 1e9 m); the other
 * arrays may be NULL. A point's time t is seconds since the epoch (UTC);
 * precision (vemt_precision values; NULL = every t to the second) says how
 * well t is known; weight (>= 0; NULL = 1) is used by the density only. */
typedef struct vemt_points {
    size_t n;
    const double *x, *y;
    const int64_t *t;
    const uint8_t *precision;
    const double *weight;
} vemt_points;

/** Arrays of the located events of chosen kinds, for vemt_points. */
typedef struct vemt_event_points {
    size_t n;
    double *x, *y;
    int64_t *t;         /* start_utc */
    uint8_t *precision; /* vemt_precision */
    size_t *event;      /* index of the point's event in events->items */
} vemt_event_points;

/** Fill out with the located events whose kind is in kinds (a bit set of
 * 1u << vemt_kind), in event order; with in_area_only, only those in the
 * study area. Returns VEMT_E_NOMEM. Caller owns the contents; free with
 * vemt_event_points_clear(). */
vemt_status vemt_event_points_fill(const vemt_events *events, unsigned kinds,
                                   bool in_area_only, vemt_event_points *out);

/** Free the contents and zero the struct. */
void vemt_event_points_clear(vemt_event_points *p);

/** A view of p as vemt_points (no weights). Borrowed; valid until p is
 * cleared. */
vemt_points vemt_event_points_view(const vemt_event_points *p);

/** DBSCAN and ST-DBSCAN parameters. */
typedef struct vemt_dbscan_opts {
    double eps_m;      /* neighbours are at most eps_m apart (>= 0.001) */
    size_t min_points; /* a core point has at least this many neighbours,
                          itself included (>= 1) */
    bool space_time;   /* ST-DBSCAN: neighbours also at most eps_s apart in
                          time (pts->t required); points with month
                          precision are left out (VEMT_LABEL_EXCLUDED) */
    int64_t eps_s;     /* ST-DBSCAN time window in seconds (>= 0) */
    bool border_noise; /* DBSCAN*: border points are noise too */
} vemt_dbscan_opts;

/** DBSCAN (Ester et al. 1996) or ST-DBSCAN (Birant & Kut 2007, as QGIS's
 * native:stdbscanclustering): labels[i] (n entries) gets point i's cluster,
 * clusters numbered 0.. in input order of their first core point; a border
 * point joins the lowest-numbered cluster with a core point within reach
 * (the labels of scikit-learn and QGIS). core (n entries, may be NULL) gets
 * whether each point is a core point; *n_clusters the number of clusters.
 * Returns VEMT_E_ARG for bad options, coordinates or missing times,
 * VEMT_E_NOMEM. */
vemt_status vemt_dbscan_compute(vemt_ctx *ctx, const vemt_points *pts,
                                const vemt_dbscan_opts *opts, int32_t *labels,
                                bool *core, size_t *n_clusters);

/** HDBSCAN parameters. */
typedef struct vemt_hdbscan_opts {
    size_t min_cluster_size; /* smallest cluster (>= 2) */
    size_t min_samples;      /* core distance: to the min_samples-th nearest
                                point, itself included (0 = min_cluster_size,
                                R dbscan's single minPts) */
} vemt_hdbscan_opts;

/** HDBSCAN* (Campello, Moulavi & Sander 2013) as R dbscan::hdbscan() 1.1-11
 * computes it (ties included; engine/hdbscan.c): labels[i] (n entries) gets
 * point i's cluster (numbered as R numbers them, minus 1) or
 * VEMT_LABEL_NOISE; membership (may be NULL) R's membership_prob; outlier
 * (may be NULL) the GLOSH score (Campello et al. 2015); *n_clusters the
 * number of clusters; *stability (may be NULL) one stability per cluster.
 * Memory is linear in n (no distance matrix). Fewer than min_samples points
 * are all noise. Returns VEMT_E_ARG, VEMT_E_NOMEM. Caller owns *stability;
 * free with vemt_engine_free(). */
vemt_status vemt_hdbscan_compute(vemt_ctx *ctx, const vemt_points *pts,
                                 const vemt_hdbscan_opts *opts, int32_t *labels,
                                 double *membership, double *outlier,
                                 size_t *n_clusters, double **stability);

/** Shape of a cluster's outline. */
typedef enum vemt_hull {
    VEMT_HULL_CONCAVE = 0, /* GEOS concave hull (GEOSConcaveHull_r) */
    VEMT_HULL_CONVEX       /* GEOS convex hull */
} vemt_hull;

/** How to outline and describe clusters; zero fields take the defaults. */
typedef struct vemt_outline_opts {
    vemt_hull hull;
    double concave_ratio; /* GEOS ratio in (0, 1], 1 = convex (default 0.5) */
    double buffer_m;      /* radius around fewer than 3 distinct locations,
                             or collinear ones (default 25 m) */
    int window_h;         /* length of the busiest window, hours (default 3) */
} vemt_outline_opts;

/** One cluster: its outline and attributes. */
typedef struct vemt_cluster {
    int32_t label;
    size_t n_events;
    size_t n_locations;    /* distinct (x, y) */
    double area_m2;        /* of the outline */
    double density_km2;    /* n_events per square kilometre of outline */
    double cx, cy;         /* mean centre */
    int64_t first_utc;     /* earliest t (INT64_MIN when no times) */
    int64_t last_utc;      /* latest t (INT64_MIN when no times) */
    size_t n_timed;        /* events known to the minute, in the profile */
    int busiest_weekday;   /* 0 = Monday; -1 when none are timed */
    int busiest_hour;      /* local hour (Europe/London) the window starts */
    int window_h;          /* its length in hours */
    double busiest_events; /* events in that window */
    unsigned char *wkb;    /* outline: ISO WKB (little-endian) Polygon */
    size_t wkb_size;
} vemt_cluster;

/** A cluster summary per label. */
typedef struct vemt_clusters {
    vemt_cluster *items;
    size_t n;
} vemt_clusters;

/** Outline and describe clusters 0..n_clusters-1 of labels (n entries, as
 * vemt_dbscan_compute or vemt_hdbscan_compute wrote them): the outline
 * from the cluster's distinct locations, its area and density, first and
 * last times, and the busiest window of window_h hours of the week
 * (Europe/London; events known to the minute or second). Returns
 * VEMT_E_ARG, VEMT_E_DEPENDENCY (GEOS), VEMT_E_NOMEM. Caller owns the
 * contents of *out; free with vemt_clusters_clear(). */
vemt_status vemt_clusters_summarise(vemt_ctx *ctx, const vemt_points *pts,
                                    const int32_t *labels, size_t n_clusters,
                                    const vemt_outline_opts *opts,
                                    vemt_clusters *out);

/** Free the contents and zero the struct. */
void vemt_clusters_clear(vemt_clusters *c);

/** Kernels of the density surface. */
typedef enum vemt_kernel {
    VEMT_KERNEL_QUARTIC = 0, /* (biweight) the default */
    VEMT_KERNEL_EPANECHNIKOV,
    VEMT_KERNEL_TRIANGULAR,
    VEMT_KERNEL_UNIFORM,
    VEMT_KERNEL_GAUSSIAN /* bandwidth = sigma, cut at 4 sigma */
} vemt_kernel;

/** Density surface parameters; zero fields take the defaults. */
typedef struct vemt_kde_opts {
    vemt_kernel kernel;
    double bandwidth_m;      /* radius (sigma for Gaussian); 0 = automatic */
    double pixel_m;          /* 0 = automatic */
    const vemt_bbox *extent; /* NULL = the points grown by the kernel reach */
} vemt_kde_opts;

/** A north-up raster: row 0 is the northernmost, column 0 the westernmost;
 * (x0, y0) is the north-west corner of pixel (0, 0), so pixel (c, r) spans
 * x0 + c * pixel_m .. + pixel_m and y0 - r * pixel_m .. - pixel_m (the GDAL
 * geotransform x0, pixel_m, 0, y0, 0, -pixel_m). */
typedef struct vemt_raster {
    double x0, y0;
    double pixel_m;
    int ncol, nrow;
    float *values; /* nrow * ncol, row by row */
} vemt_raster;

/** Free the contents and zero the struct. */
void vemt_raster_clear(vemt_raster *r);

/** Automatic bandwidth of a kernel for the points: Silverman's normal
 * reference rule for two dimensions with the kernel's canonical factor
 * (engine/kde.c). rule_out (may be NULL) gets the rule with its numbers.
 * Returns 0 for fewer than 2 points or no spread. */
double vemt_kde_auto_bandwidth_m(const vemt_points *pts, vemt_kernel kernel,
                                 char *rule_out, size_t rule_size);

/** Kernel density of the (weighted) points in events per square kilometre
 * at each pixel centre; each kernel integrates to its point's weight, so
 * the surface integrates to the total weight. *bandwidth_m gets the
 * bandwidth used; rule_out (may be NULL) the automatic choices made.
 * Returns VEMT_E_ARG (bad options or points, raster over 50 million
 * pixels), VEMT_E_NOMEM. Caller owns the contents of *out; free with
 * vemt_raster_clear(). */
vemt_status vemt_kde_compute(vemt_ctx *ctx, const vemt_points *pts,
                             const vemt_kde_opts *opts, vemt_raster *out,
                             double *bandwidth_m, char *rule_out,
                             size_t rule_size);

/* ---- Safeguarding statistics (issue 8) ---- */

/* Near repeats (Knox test), co-location quotients and the child-level Gi*
 * permutation test. Points are plain arrays in the analysis CRS (metres),
 * borrowed for the call; permutation options are vemt_perm_opts (R, seed,
 * threads), and results do not depend on the number of threads. */

/** Distance between two points of a Knox test. */
typedef enum vemt_metric {
    VEMT_METRIC_MANHATTAN = 0, /* |dx| + |dy| (NearRepeat's default) */
    VEMT_METRIC_EUCLIDEAN      /* straight line */
} vemt_metric;

/** Knox test bands: band k of edges e is the half-open interval
 * [e[k], e[k + 1]); edges are ascending, e[0] >= 0, and only the last may
 * be INFINITY, as NearRepeat's default cut(right = FALSE). Pairs below the
 * first edge or at or past the last are not counted. The first band is
 * [0, s1) when e[0] = 0; "same location" is a band [0, eps) (NearRepeat's
 * c(0, 0.001, ...) or c(0, 1, ...) metres), and with times in whole days
 * "same day" is [0, 1), "the next day" [1, 2). */
typedef struct vemt_knox_opts {
    const double *s_edges; /* spatial edges, in the units of x and y */
    size_t n_s_edges;      /* >= 2: n_s_edges - 1 space bands */
    const double *t_edges; /* temporal edges, in the units of t */
    size_t n_t_edges;      /* >= 2 */
    vemt_metric metric;
    vemt_perm_opts perm; /* R (VEMT_PERMUTATIONS_DEFAULT), seed, threads */
} vemt_knox_opts;

/** One cell of a Knox table: pairs whose distance is in the space band
 * [s_from, s_to) and whose time apart is in [t_from, t_to). */
typedef struct vemt_knox_cell {
    double s_from, s_to, t_from, t_to;
    uint64_t observed;   /* pairs in the data */
    double expected;     /* mean count over the permutations */
    double ratio;        /* Knox ratio observed / expected (NaN: 0 / 0;
                            INFINITY when only expected is 0) */
    double ratio_median; /* observed / median count (NearRepeat) */
    double p;            /* (1 + #{permutations >= observed}) / (R + 1) */
} vemt_knox_cell;

/** Largest number of pairs close in both the widest space band and the
 * widest time band that one Knox test may hold. */
#define VEMT_KNOX_MAX_PAIRS ((size_t)1 << 26)

/** Knox near-repeat test with Monte Carlo inference as NearRepeat
 * (Steenbeek) and the Near Repeat Calculator (Ratcliffe) compute it: each
 * permutation shuffles the times t among the n points (x, y), and every
 * (space band, time band) cell counts the unordered pairs in it. cells
 * gets (n_s_edges - 1) x (n_t_edges - 1) entries, row-major by space band;
 * it is the caller's. Only pairs within the widest bands are visited.
 * Returns VEMT_E_ARG (n < 2 or >= 2^32, bad edges, R = 0, non-finite
 * values, more than VEMT_KNOX_MAX_PAIRS pairs to follow), VEMT_E_NOMEM. */
vemt_status vemt_knox_compute(vemt_ctx *ctx, const double *x, const double *y,
                              const double *t, size_t n,
                              const vemt_knox_opts *opts,
                              vemt_knox_cell *cells);

/** Neighbours of the local co-location quotient by default (Esri). */
#define VEMT_CLQ_K_DEFAULT 8

/** Co-location quotient options; k = 0 takes VEMT_CLQ_K_DEFAULT. */
typedef struct vemt_clq_opts {
    size_t k;            /* neighbours; the bandwidth is the k-th distance */
    vemt_perm_opts perm; /* R, seed, threads */
} vemt_clq_opts;

/** Local co-location quotient LCLQ_{A->B} (Cromley, Hanink & Bentlage
 * 2014; engine/colocation.c) at every point i of category a among the n
 * points xy (x0, y0, x1, y1, ...) with categories cat: the Gaussian-kernel
 * weighted share of category b among the k nearest other points (bandwidth
 * the k-th distance), over N'_b / (N - 1), N'_b the points of b other than
 * i. p_sim[i] is the two-sided conditional-permutation pseudo p-value
 * (as vemt_gistar_permute's): the other points' categories are shuffled
 * among them. lclq and p_sim (n entries each, the caller's) are NaN at
 * points not of category a, and where no other point is of b. Returns
 * VEMT_E_ARG (k >= n, n >= 2^32, R = 0, non-finite coordinates),
 * VEMT_E_NOMEM. */
vemt_status vemt_clq_local(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                           size_t n, int32_t a, int32_t b,
                           const vemt_clq_opts *opts, double *lclq,
                           double *p_sim);

/** Global co-location quotient CLQ_{A->B}: the mean of the local quotients
 * over the points of a (which, with k = 1 and no ties, is Leslie &
 * Kronenfeld's 2011 CLQ), into *clq; *p_sim its two-sided pseudo p-value
 * under random labelling of all n points (category counts kept). NaN when
 * no point is of a or none other of b. Returns as vemt_clq_local. */
vemt_status vemt_clq_global(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                            size_t n, int32_t a, int32_t b,
                            const vemt_clq_opts *opts, double *clq,
                            double *p_sim);

/** The units where each child was found: child c's distinct units are
 * units[start[c] .. start[c + 1]), start has n_children + 1 entries. Its
 * first unit is the child's anchor when it is moved. Borrowed. */
typedef struct vemt_child_units {
    size_t n_children;
    const size_t *start;
    const size_t *units;
} vemt_child_units;

/** Child-level (repeat-aware) Gi*: x (n entries, may be NULL) gets the
 * distinct children found in each unit, z their Gi* z-score under w (with
 * self, as vemt_gistar_compute), and p_sim a two-sided pseudo p-value
 * (formula of vemt_gistar_permute) from permutations that move whole
 * children: each child's set of units is translated, as a rigid block, so
 * that its anchor lands on a unit drawn at random, and Gi* is recomputed
 * on the moved children (engine/childperm.c). xy holds the n unit centres
 * (vemt_units_centres). z and p_sim (n entries) are the caller's; NaN where
 * Gi* is undefined. Returns VEMT_E_ARG (sizes, a unit out of range or
 * listed twice for a child, n < 2, R = 0, non-finite centres),
 * VEMT_E_NOMEM. */
vemt_status vemt_gistar_child_permute(vemt_ctx *ctx, const vemt_weights *w,
                                      const double *xy, size_t n,
                                      const vemt_child_units *children,
                                      const vemt_perm_opts *opts, double *x,
                                      double *z, double *p_sim);

#endif /* VEMT_ENGINE_ENGINE_H */
