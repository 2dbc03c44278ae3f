/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file outline.c
 * @brief Cluster outlines and attributes: a GEOS hull of each cluster's
 * distinct locations, its area and event density, first and last times,
 * and the busiest window of the week.
 *
 * Hulls: GEOS 3.11 GEOSConcaveHull_r, the "concave hull by edge length
 * ratio" of JTS/GEOS (Park & Oh 2012, "A new concave hull algorithm and
 * concaveness measure for n-dimensional datasets", Journal of Information
 * Science and Engineering 28(3):587-600, as GEOS's ConcaveHull cites it:
 * edges of the Delaunay triangulation longer than ratio x (longest -
 * shortest) + shortest are eroded from the outside), or GEOSConvexHull_r.
 * A cluster with fewer than 3 distinct locations, or with all of them on
 * one line, has no area: its convex hull (a point or a segment) is
 * buffered by buffer_m instead. Density is events per square kilometre of
 * the outline. The busiest window is that of vemt_best_windows() (the
 * patrol windows) over the weekday x hour counts of the cluster's events
 * known to the minute or second, in local time of the analysis zone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/points.h"

#define DEFAULT_RATIO 0.5
#define DEFAULT_BUFFER_M 25.0
#define DEFAULT_WINDOW_H 3

/* Members of each cluster in input order: members[start[c]..start[c+1]). */
static vemt_status group(const int32_t *labels, size_t n, size_t k,
                         size_t **start, size_t **members) {
    *start = vemt_calloc(k + 2, sizeof **start);
    *members = vemt_calloc(n ? n : 1, sizeof **members);
    if (!*start || !*members) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (labels[i] >= 0) (*start)[labels[i] + 2]++;
    for (size_t c = 0; c < k; c++) (*start)[c + 2] += (*start)[c + 1];
    for (size_t i = 0; i < n; i++)
        if (labels[i] >= 0) (*members)[(*start)[labels[i] + 1]++] = i;
    return VEMT_OK;
}

/* The distinct locations of m members into xy (sorted); returns how many. */
static size_t distinct(const vemt_points *pts, const size_t *mem, size_t m,
                       double *xy) {
    for (size_t j = 0; j < m; j++) {
        xy[2 * j] = pts->x[mem[j]];
        xy[2 * j + 1] = pts->y[mem[j]];
    }
    return vemt_xy_distinct(xy, m, NULL);
}

/* A MultiPoint of k locations into *mp; VEMT_E_NOMEM or VEMT_E_DEPENDENCY. */
static vemt_status multipoint(GEOSContextHandle_t h, const double *xy, size_t k,
                              GEOSGeometry **mp) {
    *mp = NULL;
    GEOSGeometry **g = vemt_calloc(k, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    size_t made = 0;
    while (made < k) {
        g[made] =
            GEOSGeom_createPointFromXY_r(h, xy[2 * made], xy[2 * made + 1]);
        if (!g[made]) break;
        made++;
    }
    if (made == k)
        *mp =
            GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, g, (unsigned int)k);
    if (!*mp)
        for (size_t j = 0; j < made; j++) GEOSGeom_destroy_r(h, g[j]);
    vemt_free(g);
    return *mp ? VEMT_OK : VEMT_E_DEPENDENCY;
}

/* The outline of k distinct locations (see the file comment) into *out. */
static vemt_status outline(GEOSContextHandle_t h, const double *xy, size_t k,
                           const vemt_outline_opts *o, GEOSGeometry **out) {
    GEOSGeometry *mp;
    vemt_status st = multipoint(h, xy, k, &mp);
    if (st) return st;
    GEOSGeometry *hull = GEOSConvexHull_r(h, mp);
    if (hull && GEOSGeomTypeId_r(h, hull) == GEOS_POLYGON &&
        o->hull == VEMT_HULL_CONCAVE) {
        GEOSGeom_destroy_r(h, hull);
        hull = GEOSConcaveHull_r(h, mp, o->concave_ratio, 0);
    }
    GEOSGeom_destroy_r(h, mp);
    if (hull && GEOSGeomTypeId_r(h, hull) != GEOS_POLYGON) {
        GEOSGeometry *b = GEOSBuffer_r(h, hull, o->buffer_m, 8);
        GEOSGeom_destroy_r(h, hull);
        hull = b;
    }
    *out = hull;
    return hull ? VEMT_OK : VEMT_E_DEPENDENCY;
}

static vemt_status to_wkb(GEOSContextHandle_t h, const GEOSGeometry *g,
                          vemt_cluster *c) {
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    if (!w) return VEMT_E_NOMEM;
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    size_t size = 0;
    unsigned char *buf = GEOSWKBWriter_write_r(h, w, g, &size);
    GEOSWKBWriter_destroy_r(h, w);
    if (!buf) return VEMT_E_DEPENDENCY;
    /* Our allocator, so that vemt_clusters_clear frees every outline. */
    c->wkb = vemt_malloc(size);
    if (c->wkb) memcpy(c->wkb, buf, size);
    c->wkb_size = c->wkb ? size : 0;
    GEOSFree_r(h, buf);
    return c->wkb ? VEMT_OK : VEMT_E_NOMEM;
}

/* Hour of the week (0 = Monday 00:00) of t in local time of zone. */
static int week_hour(const vemt_tz *zone, int64_t t) {
    return vemt_week_hour(vemt_floor_div(vemt_tz_wall(zone, t), 3600));
}

/* Centre, first and last times and the busiest window of the members. */
static void describe(const vemt_points *pts, const size_t *mem, size_t m,
                     const vemt_outline_opts *o, vemt_cluster *c) {
    double profile[7 * 24] = {0}, sx = 0, sy = 0;
    c->first_utc = c->last_utc = INT64_MIN;
    for (size_t j = 0; j < m; j++) {
        size_t i = mem[j];
        sx += pts->x[i];
        sy += pts->y[i];
        if (!pts->t) continue;
        int64_t t = pts->t[i];
        if (c->first_utc == INT64_MIN || t < c->first_utc) c->first_utc = t;
        if (c->last_utc == INT64_MIN || t > c->last_utc) c->last_utc = t;
        if (pts->precision && pts->precision[i] > VEMT_PREC_MINUTE) continue;
        profile[week_hour(o->zone, t)] += 1;
        c->n_timed++;
    }
    c->cx = m ? sx / (double)m : (double)NAN;
    c->cy = m ? sy / (double)m : (double)NAN;
    vemt_window_score best;
    vemt_best_windows(profile, o->window_h, &best, 1);
    c->window_h = o->window_h;
    c->busiest_weekday = best.start_hour >= 0 ? best.start_hour / 24 : -1;
    c->busiest_hour = best.start_hour >= 0 ? best.start_hour % 24 : -1;
    c->busiest_events = best.weight;
}

static vemt_status summarise_one(GEOSContextHandle_t h, const vemt_points *pts,
                                 const size_t *mem, size_t m,
                                 const vemt_outline_opts *o, double *xy,
                                 vemt_cluster *c) {
    c->n_events = m;
    describe(pts, mem, m, o, c);
    if (!m) return VEMT_OK;
    c->n_locations = distinct(pts, mem, m, xy);
    GEOSGeometry *g;
    vemt_status st = outline(h, xy, c->n_locations, o, &g);
    if (st) return st;
    if (!GEOSArea_r(h, g, &c->area_m2)) st = VEMT_E_DEPENDENCY;
    if (!st) st = to_wkb(h, g, c);
    GEOSGeom_destroy_r(h, g);
    c->density_km2 = c->area_m2 > 0 ? (double)m / (c->area_m2 / 1e6) : 0;
    return st;
}

static vemt_status resolve(vemt_ctx *ctx, const vemt_outline_opts *in,
                           vemt_outline_opts *o) {
    *o = in ? *in : (vemt_outline_opts){0};
    if (o->concave_ratio == 0) o->concave_ratio = DEFAULT_RATIO;
    if (o->buffer_m == 0) o->buffer_m = DEFAULT_BUFFER_M;
    if (o->window_h == 0) o->window_h = DEFAULT_WINDOW_H;
    if (!(o->concave_ratio > 0 && o->concave_ratio <= 1) ||
        !(o->buffer_m > 0 && o->buffer_m <= 1e5) || o->window_h < 1 ||
        o->window_h > 7 * 24)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "outline options: ratio in (0, 1], buffer in "
                             "(0, 100 km], window 1 to 168 hours");
    return VEMT_OK;
}

vemt_status vemt_clusters_summarise(vemt_ctx *ctx, const vemt_points *pts,
                                    const int32_t *labels, size_t n_clusters,
                                    const vemt_outline_opts *opts,
                                    vemt_clusters *out) {
    memset(out, 0, sizeof *out);
    vemt_outline_opts o;
    vemt_status st = resolve(ctx, opts, &o);
    if (!st) st = vemt_points_check(ctx, pts, false, "cluster outlines");
    for (size_t i = 0; !st && i < pts->n; i++)
        if (labels[i] >= (int64_t)n_clusters || labels[i] < VEMT_LABEL_EXCLUDED)
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "point %zu has label %d (clusters: %zu)", i,
                               (int)labels[i], n_clusters);
    if (st) return st;
    size_t *start = NULL, *mem = NULL;
    double *xy = vemt_calloc(2 * (pts->n ? pts->n : 1), sizeof *xy);
    out->items = vemt_calloc(n_clusters ? n_clusters : 1, sizeof *out->items);
    st = xy && out->items ? group(labels, pts->n, n_clusters, &start, &mem)
                          : VEMT_E_NOMEM;
    GEOSContextHandle_t h = vemt_ctx_geos(ctx);
    for (size_t c = 0; !st && c < n_clusters; c++) {
        out->items[c].label = (int32_t)c;
        out->n = c + 1;
        st = summarise_one(h, pts, mem + start[c], start[c + 1] - start[c], &o,
                           xy, &out->items[c]);
    }
    vemt_free(start);
    vemt_free(mem);
    vemt_free(xy);
    if (st) vemt_clusters_clear(out);
    return st;
}

void vemt_clusters_clear(vemt_clusters *c) {
    for (size_t i = 0; i < c->n; i++) vemt_free(c->items[i].wkb);
    vemt_free(c->items);
    memset(c, 0, sizeof *c);
}
