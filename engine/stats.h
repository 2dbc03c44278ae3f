/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file stats.h
 * @brief Public API of the local and global statistics on units: spatial
 * weights, Getis-Ord Gi*, conditional permutation tests, Local and Global
 * Moran's I and the scale of clustering, FDR-corrected significance bins.
 */
#ifndef VEMT_ENGINE_STATS_H
#define VEMT_ENGINE_STATS_H

#include "engine/units.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Spatial weights ----------------------------------------------------- */

/** Binary spatial weights in compressed rows (neighbour lists). */
typedef struct vemt_weights vemt_weights;

/** Distance band on points xy (x0, y0, x1, y1, ...): j neighbours i when
 * they are at most band_m apart (1e-9 relative tolerance); with
 * include_self each unit is its own neighbour. Returns VEMT_E_ARG for a
 * bad band, non-finite coordinates or more than 2^27 links.
 * Caller owns *out; free with vemt_weights_destroy(). */
vemt_status vemt_weights_band(vemt_ctx *ctx, const double *xy, size_t n,
                              double band_m, bool include_self,
                              vemt_weights **out);

/** Distance-band weights on unit centres: j is a neighbour of i when their
 * centres are at most band_m apart, with a 1e-9 relative tolerance so that
 * diagonal neighbours at cell_m x sqrt(2) are not lost to rounding. With
 * include_self each unit is its own neighbour (Gi*). Caller owns *out; free
 * with vemt_weights_destroy(). */
vemt_status vemt_weights_units_band(vemt_ctx *ctx, const vemt_units *units,
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

/** Contiguity of units: squares have 4 rook or 8 queen neighbours,
 * hexagons 6 of either (snap_m plays no part), polygon units as
 * vemt_weights_polygons_contiguity with snap_m. Caller owns *out; free with
 * vemt_weights_destroy(). */
vemt_status vemt_weights_units_contiguity(vemt_ctx *ctx,
                                          const vemt_units *units,
                                          vemt_contiguity kind, double snap_m,
                                          bool include_self,
                                          vemt_weights **out);

/** Contiguity of polygons by spdep's poly2nb rule (contiguity.c): queen
 * when at least one pair of boundary vertices, one of each polygon, lies
 * within snap_m (Euclidean, <=), rook when at least two pairs do; a
 * polygon's vertices are those of all its rings and parts, less the first.
 * Returns VEMT_E_ARG for a negative snap, VEMT_E_DEPENDENCY, VEMT_E_NOMEM.
 * Caller owns *out; free with vemt_weights_destroy(). */
vemt_status vemt_weights_polygons_contiguity(vemt_ctx *ctx,
                                             const vemt_polygons *polys,
                                             vemt_contiguity kind,
                                             double snap_m, bool include_self,
                                             vemt_weights **out);

/** Free the weights; NULL is a no-op. */
void vemt_weights_destroy(vemt_weights *w);

/** Number of units. */
size_t vemt_weights_n(const vemt_weights *w);

/** Total number of neighbour entries over all units. */
size_t vemt_weights_links(const vemt_weights *w);

/** Neighbours of unit i: *nbrs points at *count indices. Borrowed; valid
 * until the weights are destroyed. */
void vemt_weights_neighbours(const vemt_weights *w, size_t i,
                             const size_t **nbrs, size_t *count);

/* ---- Getis-Ord Gi* ------------------------------------------------------- */

/** Gi* z-scores and two-sided normal p-values for values x[0..n-1] under
 * binary weights w (which should include self). z[i] and p[i] are NaN when
 * the statistic is undefined (all values equal). Returns VEMT_E_ARG when n
 * does not match the weights or n < 2. */
vemt_status vemt_gistar_compute(vemt_ctx *ctx, const vemt_weights *w,
                                const double *x, size_t n, double *z,
                                double *p);

/* ---- Permutations, Local Moran, scale ------------------------------------ */

/* Permutation tests, Local Moran and the scale of clustering. Weights are
 * the binary neighbour lists of vemt_weights; entries of a unit for itself are
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

/* ---- Significance bins --------------------------------------------------- */

/** Benjamini-Hochberg (1995) bins as Esri's FDR-corrected Gi_Bin: with fdr,
 * |bin| = 1, 2, 3 when p is under the BH cut-off at q = 0.10, 0.05, 0.01
 * over all n tests; without, under 0.10, 0.05, 0.01 themselves; signed by
 * z; NaN p gives 0. Returns VEMT_E_NOMEM. */
vemt_status vemt_significance_bins(const double *z, const double *p, size_t n,
                                   bool fdr, int8_t *bins);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_STATS_H */
