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
 *
 * Bounded hulls (issue 19): a cluster of up to OUTLINE_MAX_POINTS distinct
 * locations is outlined from all of them. A bigger one is outlined from a
 * deterministic subset S of its distinct locations, so that the hull's
 * time and memory stay bounded (GEOS's Delaunay triangulation of a million
 * points took 30 s and 1 GB):
 *  - the vertices of its convex hull (Andrew 1979, "Another efficient
 *    algorithm for convex hulls in two dimensions", Information Processing
 *    Letters 9(5):216-219, doi:10.1016/0020-0190(79)90072-3), so the convex
 *    hull of S is the convex hull of every location: the convex outline is
 *    exact at any size, and is made from these vertices alone;
 *  - for the concave outline, the locations reduced on a square grid over
 *    the cluster's bounding box (side: the longer bounding-box side /
 *    65,536 x 2^j, the finest with at most OUTLINE_MAX_CELLS occupied
 *    cells, found from one sort by Morton code (Morton 1966, "A computer
 *    oriented geodetic data base and a new technique in file sequencing",
 *    IBM)): per cell at the cluster's edge (a neighbour of its 8 empty) the
 *    locations of least and greatest x and y, per inner cell the location
 *    nearest its centre.
 * The bound: every location is in a cell with a point of S, so within the
 * cell's diagonal (vemt_cluster.outline_tol_m) of S and so of the outline,
 * which holds S; and the outline lies inside the convex hull of every
 * location. S depends only on the set of locations (sorted, ties by
 * position), never on input order, threads or addresses. Time per cluster
 * of m events: the sort of its locations (vemt_xy_distinct: a radix sort
 * for large clusters), linear passes, and GEOS on at most 4 x 8,192 points plus
 * the hull's; memory O(m), no GEOS geometry per event.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/points.h"

#define DEFAULT_RATIO 0.5
#define DEFAULT_BUFFER_M 25.0
#define DEFAULT_WINDOW_H 3

/* Up to this many distinct locations, the outline is made from all of them
 * (GEOS's concave hull of 10,000 points: 0.08 s); above, from the bounded
 * subset of the file comment, on a grid of at most OUTLINE_MAX_CELLS
 * occupied cells (so at most 4 x that many points plus the hull's). */
#define OUTLINE_MAX_POINTS 10000
#define OUTLINE_MAX_CELLS 8192
/* Grid cells per side of the finest level, 2^16: Morton codes of 32 bits. */
#define FINE_BITS 16

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

/* The distinct locations of m members into xy (sorted by x, then y);
 * returns how many, or SIZE_MAX when out of memory. */
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

/* Cross product of (b - a) x (c - a): > 0 when a, b, c turn left. */
static double cross(const double *xy, size_t a, size_t b, size_t c) {
    return (xy[2 * b] - xy[2 * a]) * (xy[2 * c + 1] - xy[2 * a + 1]) -
           (xy[2 * b + 1] - xy[2 * a + 1]) * (xy[2 * c] - xy[2 * a]);
}

/* Mark in keep the convex hull's vertices of the k distinct locations xy,
 * sorted by x then y: Andrew's monotone chain (1979), points on the hull's
 * edges left out (so locations all on one line keep their two ends), stack:
 * k + 1 entries. */
static void mark_hull(const double *xy, size_t k, size_t *stack,
                      uint8_t *keep) {
    for (int pass = 0; pass < 2; pass++) {
        size_t top = 0;
        for (size_t j = 0; j < k; j++) {
            size_t i = pass ? k - 1 - j : j;
            while (top >= 2 &&
                   cross(xy, stack[top - 2], stack[top - 1], i) <= 0)
                top--;
            stack[top++] = i;
        }
        for (size_t j = 0; j < top; j++) keep[stack[j]] = 1;
    }
}

typedef struct keyed {
    uint64_t key; /* Morton code of the finest cell */
    size_t i;     /* index into the sorted distinct locations */
} keyed;

/* Sort kc[0..k) by key (32 bits), ties in input order (i increasing):
 * two passes of a stable radix sort through tmp (k entries). */
static void sort_keyed(keyed *kc, keyed *tmp, size_t k, uint32_t *count) {
    for (int pass = 0; pass < 2; pass++) {
        int sh = 16 * pass;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t r = 0; r < k; r++) count[(kc[r].key >> sh) & 0xffff]++;
        uint32_t sum = 0;
        for (size_t b = 0; b < 65536; b++) {
            uint32_t n = count[b];
            count[b] = sum;
            sum += n;
        }
        for (size_t r = 0; r < k; r++)
            tmp[count[(kc[r].key >> sh) & 0xffff]++] = kc[r];
        memcpy(kc, tmp, k * sizeof *kc);
    }
}

/* The 16 low bits of v spread to the even bits. */
static uint64_t spread(uint32_t v) {
    uint64_t x = v & 0xffffu;
    x = (x | x << 8) & 0x00ff00ffu;
    x = (x | x << 4) & 0x0f0f0f0fu;
    x = (x | x << 2) & 0x33333333u;
    x = (x | x << 1) & 0x55555555u;
    return x;
}

static uint64_t morton(uint32_t ix, uint32_t iy) {
    return spread(ix) | spread(iy) << 1;
}

/* The finest cell of a location (FINE_BITS per axis) over the box from
 * (x0, y0) of side d. */
static uint32_t fine(double v, double v0, double d) {
    double f = floor((v - v0) / d * (double)(1u << FINE_BITS));
    return f < 0 ? 0 : f >= 65535 ? 65535 : (uint32_t)f;
}

static bool occupied(const uint64_t *cells, size_t nc, uint64_t code) {
    size_t lo = 0, hi = nc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cells[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nc && cells[lo] == code;
}

/* Is cell (cx, cy) of a grid of side cells an inner one (its 8 neighbours
 * occupied)? */
static bool inner(const uint64_t *cells, size_t nc, uint32_t cx, uint32_t cy,
                  uint32_t side) {
    if (cx == 0 || cy == 0 || cx + 1 >= side || cy + 1 >= side) return false;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if ((dx || dy) &&
                !occupied(cells, nc,
                          morton(cx + (uint32_t)dx, cy + (uint32_t)dy)))
                return false;
    return true;
}

/* Keep the points of one cell kc[a..b) (see the file comment). */
static void keep_cell(const double *xy, const keyed *kc, size_t a, size_t b,
                      bool is_inner, double mx, double my, uint8_t *keep) {
    size_t lx = kc[a].i, gx = lx, ly = lx, gy = lx, mid = lx;
    double best = INFINITY;
    for (size_t r = a; r < b; r++) {
        size_t i = kc[r].i;
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (x < xy[2 * lx] || (x == xy[2 * lx] && i < lx)) lx = i;
        if (x > xy[2 * gx] || (x == xy[2 * gx] && i < gx)) gx = i;
        if (y < xy[2 * ly + 1] || (y == xy[2 * ly + 1] && i < ly)) ly = i;
        if (y > xy[2 * gy + 1] || (y == xy[2 * gy + 1] && i < gy)) gy = i;
        double d = (x - mx) * (x - mx) + (y - my) * (y - my);
        if (d < best) best = d, mid = i; /* ties: the first, lowest i */
    }
    if (is_inner) {
        keep[mid] = 1;
        return;
    }
    keep[lx] = keep[gx] = keep[ly] = keep[gy] = 1;
}

/* The grid reduction of the file comment over the k sorted distinct
 * locations xy, marked in keep; *tol_m gets the cell diagonal. */
static vemt_status mark_grid(const double *xy, size_t k, uint8_t *keep,
                             double *tol_m) {
    double x0 = xy[0], x1 = xy[2 * (k - 1)], y0 = xy[1], y1 = xy[1];
    for (size_t i = 1; i < k; i++)
        y0 = fmin(y0, xy[2 * i + 1]), y1 = fmax(y1, xy[2 * i + 1]);
    double d = fmax(x1 - x0, y1 - y0);
    keyed *kc = vemt_calloc(2 * k, sizeof *kc);
    uint64_t *cells = vemt_calloc(k, sizeof *cells);
    uint32_t *radix = vemt_calloc(65536, sizeof *radix);
    if (!kc || !cells || !radix) {
        vemt_free(kc), vemt_free(cells), vemt_free(radix);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < k; i++)
        kc[i] = (keyed){
            morton(fine(xy[2 * i], x0, d), fine(xy[2 * i + 1], y0, d)), i};
    sort_keyed(kc, kc + k, k, radix);
    /* Occupied cells per level j (cells of 2^j finest cells a side): a
     * location starts a new cell at every level below the highest bit in
     * which its code differs from the one before. */
    size_t count[FINE_BITS + 1] = {0};
    for (int j = 0; j <= FINE_BITS; j++) count[j] = 1;
    for (size_t r = 1; r < k; r++) {
        uint64_t diff = kc[r].key ^ kc[r - 1].key;
        if (!diff) continue;
        int high = 63 - __builtin_clzll(diff);
        for (int j = 0; 2 * j <= high && j <= FINE_BITS; j++) count[j]++;
    }
    int lev = 0;
    while (lev < FINE_BITS && count[lev] > OUTLINE_MAX_CELLS) lev++;
    int shift = 2 * lev;
    size_t nc = 0;
    for (size_t r = 0; r < k; r++)
        if (!nc || cells[nc - 1] != kc[r].key >> shift)
            cells[nc++] = kc[r].key >> shift;
    double g = d / (double)(1u << (FINE_BITS - lev));
    uint32_t side = 1u << (FINE_BITS - lev);
    for (size_t a = 0; a < k;) {
        size_t b = a + 1;
        while (b < k && kc[b].key >> shift == kc[a].key >> shift) b++;
        uint32_t cx = fine(xy[2 * kc[a].i], x0, d) >> lev;
        uint32_t cy = fine(xy[2 * kc[a].i + 1], y0, d) >> lev;
        keep_cell(xy, kc, a, b, inner(cells, nc, cx, cy, side),
                  x0 + ((double)cx + 0.5) * g, y0 + ((double)cy + 0.5) * g,
                  keep);
        a = b;
    }
    *tol_m = g * sqrt(2.0);
    vemt_free(kc);
    vemt_free(cells);
    vemt_free(radix);
    return VEMT_OK;
}

/* Reduce the k sorted distinct locations xy in place to the bounded subset
 * of the file comment (hull vertices alone for the convex outline); *k gets
 * how many, *tol_m the bound (0 when all are kept). */
static vemt_status reduce(double *xy, size_t *k, vemt_hull hull,
                          double *tol_m) {
    *tol_m = 0;
    size_t n = *k;
    if (n <= OUTLINE_MAX_POINTS) return VEMT_OK;
    uint8_t *keep = vemt_calloc(n, 1);
    size_t *stack = vemt_calloc(n + 1, sizeof *stack);
    vemt_status st = keep && stack ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) mark_hull(xy, n, stack, keep);
    if (!st && hull == VEMT_HULL_CONCAVE) st = mark_grid(xy, n, keep, tol_m);
    size_t m = 0;
    for (size_t i = 0; !st && i < n; i++)
        if (keep[i]) {
            xy[2 * m] = xy[2 * i];
            xy[2 * m + 1] = xy[2 * i + 1];
            m++;
        }
    if (!st) *k = m;
    vemt_free(keep);
    vemt_free(stack);
    return st;
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
    size_t kept = distinct(pts, mem, m, xy);
    if (kept == SIZE_MAX) return VEMT_E_NOMEM;
    c->n_locations = kept;
    size_t k = c->n_locations;
    vemt_status st = reduce(xy, &k, o->hull, &c->outline_tol_m);
    if (st) return st;
    GEOSGeometry *g;
    st = outline(h, xy, k, o, &g);
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
