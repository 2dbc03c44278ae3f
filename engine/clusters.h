/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file clusters.h
 * @brief Public API of point clusters and density: events as points,
 * DBSCAN, ST-DBSCAN, HDBSCAN, cluster outlines and kernel density.
 */
#ifndef VEMT_ENGINE_CLUSTERS_H
#define VEMT_ENGINE_CLUSTERS_H

#include "engine/units.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Points -------------------------------------------------------------- */

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

/** The calendar dates of p's points for time gaps (vemt_event_date with
 * the analysis zone and the input zone), or NULL when out of memory.
 * Caller frees the array with vemt_free(). */
int32_t *vemt_event_points_dates(const vemt_event_points *p,
                                 const vemt_tz *zone,
                                 const vemt_tz *input_zone);

/* ---- DBSCAN, ST-DBSCAN, HDBSCAN ------------------------------------------ */

/** DBSCAN and ST-DBSCAN parameters. */
typedef struct vemt_dbscan_opts {
    double eps_m;        /* neighbours are at most eps_m apart (>= 0.001) */
    size_t min_points;   /* a core point has at least this many neighbours,
                            itself included (>= 1) */
    bool space_time;     /* ST-DBSCAN: neighbours also at most eps_s apart in
                            time (pts->t required); points with month
                            precision are left out (VEMT_LABEL_EXCLUDED) */
    int64_t eps_s;       /* ST-DBSCAN time window in seconds (>= 0) */
    bool border_noise;   /* DBSCAN*: border points are noise too */
    const int32_t *date; /* ST-DBSCAN calendar time (README, Terms: time gap;
                            NULL: elapsed time only): per point its date,
                            days since 1970-01-01 (vemt_event_date). Two
                            exact times (pts->precision second or minute)
                            are apart by elapsed time, any other pair by
                            calendar days x 86400 s */
    bool split_small;    /* false (the default): a cluster left with fewer
                            than min_points points by its border points'
                            going to lower-numbered clusters is joined with
                            those clusters (dbscan.c, Ester et al.'s lemma
                            2); true: kept, as scikit-learn and QGIS label
                            it. Not with border_noise. */
} vemt_dbscan_opts;

/** DBSCAN (Ester et al. 1996) or ST-DBSCAN (Birant & Kut 2007, as QGIS's
 * native:stdbscanclustering): labels[i] (n entries) gets point i's cluster,
 * clusters numbered 0.. in input order of their first core point; a border
 * point joins the lowest-numbered cluster with a core point within reach
 * (the labels of scikit-learn and QGIS), and a cluster left below
 * min_points by that is joined with the clusters that took its core
 * points' neighbours (unless opts->split_small). core (n entries, may be NULL)
 * gets whether each point is a core point; *n_clusters the number of clusters.
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

/* ---- Outlines ------------------------------------------------------------ */

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
    const vemt_tz *zone;  /* its weekdays and hours are local time in this
                             zone, the analysis zone (NULL: UTC) */
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
    int busiest_hour;      /* local hour (opts->zone) the window starts */
    int window_h;          /* its length in hours */
    double busiest_events; /* events in that window */
    unsigned char *wkb;    /* outline: ISO WKB (little-endian) Polygon */
    size_t wkb_size;
    double outline_tol_m; /* 0: the outline is made from every distinct
                             location; else (a concave outline of a cluster
                             of over 10,000 locations, outline.c) from a
                             bounded subset, and every location is within
                             this distance of the outline */
} vemt_cluster;

/** A cluster summary per label. */
typedef struct vemt_clusters {
    vemt_cluster *items;
    size_t n;
} vemt_clusters;

/** Outline and describe clusters 0..n_clusters-1 of labels (n entries, as
 * vemt_dbscan_compute or vemt_hdbscan_compute wrote them): the outline
 * from the cluster's distinct locations (over 10,000 of them: from a
 * bounded, deterministic subset that keeps the convex hull exact and every
 * location within outline_tol_m of the outline; time O(n log n), memory
 * O(n), independent of input order), its area and density, first and
 * last times, and the busiest window of window_h hours of the week
 * (local time in opts->zone; events known to the minute or second). Returns
 * VEMT_E_ARG, VEMT_E_DEPENDENCY (GEOS), VEMT_E_NOMEM. Caller owns the
 * contents of *out; free with vemt_clusters_clear(). */
vemt_status vemt_clusters_summarise(vemt_ctx *ctx, const vemt_points *pts,
                                    const int32_t *labels, size_t n_clusters,
                                    const vemt_outline_opts *opts,
                                    vemt_clusters *out);

/** Free the contents and zero the struct. */
void vemt_clusters_clear(vemt_clusters *c);

/* ---- Kernel density ------------------------------------------------------ */

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

/** Order of the nearest neighbour of the automatic bandwidth. */
#define VEMT_KDE_KNN_K 5

/** Automatic bandwidth (the default) for the points into *h_m: the mean
 * distance from each distinct place (points of weight > 0, coincident ones
 * once) to its VEMT_KDE_KNN_K-th nearest other place, after Williamson et
 * al. (1998) (engine/kde.c); 0 for fewer than 2 distinct places. rule_out
 * (may be NULL) gets the rule with its numbers. The distances run on the
 * context's threads (vemt_ctx_set_threads); the result does not depend on
 * them. Returns VEMT_E_NOMEM. */
vemt_status vemt_kde_auto_bandwidth(vemt_ctx *ctx, const vemt_points *pts,
                                    double *h_m, char *rule_out,
                                    size_t rule_size);

/** Silverman's normal reference rule for two dimensions with the kernel's
 * canonical factor (engine/kde.c), the documented alternative (it
 * over-smooths clustered data); 0 for fewer than 2 points or no spread.
 * Returns VEMT_E_NOMEM. */
vemt_status vemt_kde_silverman_bandwidth(const vemt_points *pts,
                                         vemt_kernel kernel, double *h_m,
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

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_CLUSTERS_H */
