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
vemt_status vemt_cube_create(vemt_ctx *ctx, const vemt_grid *grid,
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

#endif /* VEMT_ENGINE_ENGINE_H */
