/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file places.c
 * @brief Places: events grouped within a radius (single linkage over a
 * grid of cells, each pair of events measured at most once, union-find),
 * with the distinct children linked to each; and the weekday x hour
 * profile of a set of events for patrol windows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* ---- Union-find ---------------------------------------------------------
 * Path halving and union by size (Tarjan & van Leeuwen 1984, "Worst-case
 * analysis of set union algorithms", J. ACM 31(2):245-281,
 * doi:10.1145/62.2160): near-constant amortised time a call. */

static uint32_t find(uint32_t *parent, uint32_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

static void join(uint32_t *parent, uint32_t *size, uint32_t a, uint32_t b) {
    a = find(parent, a);
    b = find(parent, b);
    if (a == b) return;
    if (size[a] < size[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
}

/* ---- The grid -------------------------------------------------------------
 * The fixed-radius near-neighbour cell method (Bentley, Stanat & Williams
 * 1977, "The complexity of finding fixed-radius near neighbors", Inf.
 * Process. Lett. 6(6):209-212, doi:10.1016/0020-0190(77)90070-9) as
 * grid-based DBSCAN uses it (Gunawan 2013, "A faster algorithm for DBSCAN",
 * MSc thesis, TU Eindhoven; Gan & Tao 2015, SIGMOD, doi:10.1145/2723372.
 * 2737792): cells of side h a little over r / 2, so that
 *  - two points of one cell are at most h sqrt 2 < 0.72 r apart: a cell's
 *    points are one place without a distance measured ("whole" cells);
 *  - two points within r are at most two cells apart in x and in y, so each
 *    cell meets the 24 around it, and visits the forward 12 (the rest of its
 *    row eastwards, the two rows north) so each pair of cells meets once;
 *  - two cells already in one place are not measured again, and a pair of
 *    cells stops at its first pair of points within r.
 * Cells are found by sorting the points by cell key (a stable radix sort:
 * deterministic, no hashing), so time is linear in the points after a
 * constant number of sorting passes, and memory linear. */

#define CELL_SPAN 1.99      /* r / h: two points within r are < 2 cells apart */
#define CELL_MAX (1u << 30) /* cells across (or up) at most */

typedef struct place_grid {
    double x0, y0, h, r;
    bool whole;       /* h sqrt 2 < r: a cell's points are all within r */
    size_t m, nc;     /* points, occupied cells */
    uint32_t *event;  /* the event of each point, cell by cell */
    double *xy;       /* each point's coordinates */
    uint32_t *parent; /* union-find over points */
    uint32_t *size;
    uint64_t *ckey;   /* nc cells' keys (row << 32 | column), ascending */
    uint32_t *cstart; /* nc + 1: each cell's first point */
} place_grid;

static void grid_clear(place_grid *g) {
    vemt_free(g->event), vemt_free(g->xy), vemt_free(g->parent);
    vemt_free(g->size), vemt_free(g->ckey), vemt_free(g->cstart);
}

static bool counted(const vemt_event *e, unsigned kinds) {
    return e->located && (kinds & (1u << e->kind));
}

/* The extent of the points, and VEMT_E_ARG for a coordinate or extent that
 * is not finite. */
static vemt_status extent(const vemt_events *ev, unsigned kinds, place_grid *g,
                          double *w, double *hgt) {
    double x1 = -INFINITY, y1 = -INFINITY;
    g->x0 = g->y0 = INFINITY;
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (!counted(e, kinds)) continue;
        if (!isfinite(e->x) || !isfinite(e->y)) return VEMT_E_ARG;
        g->x0 = fmin(g->x0, e->x), x1 = fmax(x1, e->x);
        g->y0 = fmin(g->y0, e->y), y1 = fmax(y1, e->y);
        g->m++;
    }
    *w = g->m ? x1 - g->x0 : 0;
    *hgt = g->m ? y1 - g->y0 : 0;
    return isfinite(*w) && isfinite(*hgt) ? VEMT_OK : VEMT_E_ARG;
}

/* A point's position in cell units along one axis, clamped to the grid. */
static double cell_units(double v, double v0, double h) {
    double u = (v - v0) / h;
    return u < 0 ? 0 : u > CELL_MAX ? CELL_MAX : u;
}

static uint64_t cell_key(const place_grid *g, double x, double y) {
    uint64_t cx = (uint64_t)floor(cell_units(x, g->x0, g->h));
    uint64_t cy = (uint64_t)floor(cell_units(y, g->y0, g->h));
    return cy << 32 | cx;
}

/* Stable LSD radix sort of (key, event) by key, 16 bits a pass; passes in
 * which every key has the same digit are skipped. */
static vemt_status sort_by_key(uint64_t **key, uint32_t **event, size_t m) {
    uint64_t *k2 = vemt_calloc(m, sizeof *k2);
    uint32_t *e2 = vemt_calloc(m, sizeof *e2);
    size_t *count = vemt_calloc(1u << 16, sizeof *count);
    vemt_status st = k2 && e2 && count ? VEMT_OK : VEMT_E_NOMEM;
    for (unsigned shift = 0; !st && shift < 64; shift += 16) {
        memset(count, 0, (1u << 16) * sizeof *count);
        for (size_t k = 0; k < m; k++) count[((*key)[k] >> shift) & 0xffff]++;
        if (count[((*key)[0] >> shift) & 0xffff] == m) continue;
        for (size_t d = 0, at = 0; d < (1u << 16); d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t k = 0; k < m; k++) {
            size_t at = count[((*key)[k] >> shift) & 0xffff]++;
            k2[at] = (*key)[k];
            e2[at] = (*event)[k];
        }
        uint64_t *tk = *key;
        uint32_t *te = *event;
        *key = k2, *event = e2;
        k2 = tk, e2 = te;
    }
    vemt_free(k2), vemt_free(e2), vemt_free(count);
    return st;
}

/* The occupied cells of the sorted keys. */
static vemt_status make_cells(place_grid *g, const uint64_t *key) {
    g->nc = 0;
    for (size_t k = 0; k < g->m; k++) g->nc += !k || key[k] != key[k - 1];
    g->ckey = vemt_calloc(g->nc + 1, sizeof *g->ckey);
    g->cstart = vemt_calloc(g->nc + 1, sizeof *g->cstart);
    if (!g->ckey || !g->cstart) return VEMT_E_NOMEM;
    size_t c = 0;
    for (size_t k = 0; k < g->m; k++)
        if (!k || key[k] != key[k - 1]) {
            g->ckey[c] = key[k];
            g->cstart[c++] = (uint32_t)k;
        }
    g->cstart[c] = (uint32_t)g->m;
    return VEMT_OK;
}

/* Collect the counted events as points, sorted by cell when the radius is
 * positive and finite (else in event order), with their coordinates and a
 * union-find of singletons. */
static vemt_status build_grid(const vemt_events *ev, unsigned kinds,
                              place_grid *g) {
    double w, hgt;
    vemt_status st = extent(ev, kinds, g, &w, &hgt);
    if (st || !g->m) return st;
    bool cells = g->r > 0 && isfinite(g->r);
    g->h = cells ? g->r / CELL_SPAN : 0;
    g->whole = cells;
    /* An extent of more than 2^30 cells: wider cells, measured inside. */
    if (cells && fmax(w, hgt) / g->h > CELL_MAX - 2) {
        g->h = fmax(w, hgt) / (CELL_MAX - 2);
        g->whole = false;
    }
    uint64_t *key = cells ? vemt_calloc(g->m, sizeof *key) : NULL;
    g->event = vemt_calloc(g->m, sizeof *g->event);
    if ((cells && !key) || !g->event) st = VEMT_E_NOMEM;
    for (size_t i = 0, k = 0; !st && i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (!counted(e, kinds)) continue;
        if (cells) key[k] = cell_key(g, e->x, e->y);
        g->event[k++] = (uint32_t)i;
    }
    if (!st && cells) st = sort_by_key(&key, &g->event, g->m);
    if (!st && cells) st = make_cells(g, key);
    vemt_free(key);
    g->xy = st ? NULL : vemt_calloc(2 * g->m, sizeof *g->xy);
    g->parent = st ? NULL : vemt_calloc(g->m, sizeof *g->parent);
    g->size = st ? NULL : vemt_calloc(g->m, sizeof *g->size);
    if (!st && (!g->xy || !g->parent || !g->size)) st = VEMT_E_NOMEM;
    for (size_t k = 0; !st && k < g->m; k++) {
        const vemt_event *e = &ev->items[g->event[k]];
        g->xy[2 * k] = e->x, g->xy[2 * k + 1] = e->y;
        g->parent[k] = (uint32_t)k, g->size[k] = 1;
    }
    return st;
}

static bool within(const place_grid *g, uint32_t i, uint32_t j) {
    return hypot(g->xy[2 * i] - g->xy[2 * j],
                 g->xy[2 * i + 1] - g->xy[2 * j + 1]) <= g->r;
}

/* Join the points of cell c that are within r of each other. */
static void link_inside(place_grid *g, size_t c) {
    uint32_t a = g->cstart[c], b = g->cstart[c + 1];
    for (uint32_t i = a + 1; g->whole && i < b; i++)
        join(g->parent, g->size, a, i);
    for (uint32_t i = a; !g->whole && i < b; i++)
        for (uint32_t j = i + 1; j < b; j++)
            if (find(g->parent, i) != find(g->parent, j) && within(g, i, j))
                join(g->parent, g->size, i, j);
}

/* The bounding box of cell d's points. */
static void cell_box(const place_grid *g, size_t d, double box[4]) {
    uint32_t j = g->cstart[d];
    box[0] = box[2] = g->xy[2 * j];
    box[1] = box[3] = g->xy[2 * j + 1];
    for (j++; j < g->cstart[d + 1]; j++) {
        box[0] = fmin(box[0], g->xy[2 * j]),
        box[2] = fmax(box[2], g->xy[2 * j]);
        box[1] = fmin(box[1], g->xy[2 * j + 1]);
        box[3] = fmax(box[3], g->xy[2 * j + 1]);
    }
}

/* Could point i be within r of a point in box? Each difference to the box
 * is at most the difference to any point in it, rounded the same way, so
 * only a point farther than r from every point of the box fails (1e-9 of
 * r spare for hypot's last bit). */
static bool may_reach(const place_grid *g, uint32_t i, const double box[4]) {
    double x = g->xy[2 * i], y = g->xy[2 * i + 1];
    double dx = fmax(fmax(box[0] - x, x - box[2]), 0);
    double dy = fmax(fmax(box[1] - y, y - box[3]), 0);
    return hypot(dx, dy) <= g->r * (1 + 1e-9);
}

/* Join the points of cells c and d (different) within r of each other;
 * whole cells stop at the first such pair. Only c's points near d's
 * points' box are measured (a crowded address beside a street). */
static void link_cells(place_grid *g, size_t c, size_t d) {
    uint32_t a0 = g->cstart[c], a1 = g->cstart[c + 1];
    uint32_t b0 = g->cstart[d], b1 = g->cstart[d + 1];
    if (g->whole && find(g->parent, a0) == find(g->parent, b0)) return;
    double box[4];
    cell_box(g, d, box);
    for (uint32_t i = a0; i < a1; i++) {
        if (!may_reach(g, i, box)) continue;
        for (uint32_t j = b0; j < b1; j++) {
            if (!g->whole && find(g->parent, i) == find(g->parent, j)) continue;
            if (!within(g, i, j)) continue;
            join(g->parent, g->size, i, j);
            if (g->whole) return;
        }
    }
}

/* Each cell with itself and its forward neighbours: east in its row, then
 * the two rows north, columns -2..+2, found by cursors that only move
 * forward (keys ascend). */
static void link_grid(place_grid *g) {
    size_t cursor[3] = {0, 0, 0};
    for (size_t c = 0; c < g->nc; c++) {
        uint64_t k = g->ckey[c], cx = k & 0xffffffffu, cy = k >> 32;
        link_inside(g, c);
        for (size_t d = c + 1; d < g->nc && g->ckey[d] <= k + 2; d++)
            link_cells(g, c, d);
        for (uint64_t dy = 1; dy <= 2; dy++) {
            uint64_t lo = (cy + dy) << 32 | (cx >= 2 ? cx - 2 : 0);
            uint64_t hi = (cy + dy) << 32 | (cx + 2);
            size_t *p = &cursor[dy];
            while (*p < g->nc && g->ckey[*p] < lo) ++*p;
            for (size_t d = *p; d < g->nc && g->ckey[d] <= hi; d++)
                link_cells(g, c, d);
        }
    }
}

typedef struct xy_point {
    double x, y;
    uint32_t k;
} xy_point;

static int by_xy(const void *a, const void *b) {
    const xy_point *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return (p->k > q->k) - (p->k < q->k);
}

/* A radius of 0 joins exactly coincident points (hypot(0, 0) = 0 <= 0,
 * and -0 == 0), an infinite one every pair, a negative or NaN one none. */
static vemt_status link_degenerate(place_grid *g) {
    if (isinf(g->r) && g->r > 0) {
        for (uint32_t k = 1; k < g->m; k++) join(g->parent, g->size, 0, k);
        return VEMT_OK;
    }
    if (g->r != 0) return VEMT_OK;
    xy_point *p = vemt_calloc(g->m, sizeof *p);
    if (!p) return VEMT_E_NOMEM;
    for (uint32_t k = 0; k < g->m; k++)
        p[k] = (xy_point){g->xy[2 * k], g->xy[2 * k + 1], k};
    qsort(p, g->m, sizeof *p, by_xy);
    for (size_t k = 1; k < g->m; k++)
        if (p[k].x == p[k - 1].x && p[k].y == p[k - 1].y)
            join(g->parent, g->size, p[k - 1].k, p[k].k);
    vemt_free(p);
    return VEMT_OK;
}

/* Number the places in order of their first event: place_of[] first holds
 * each event's root point, then its place; size[] becomes each root's
 * place number. */
static size_t number_places(place_grid *g, size_t n_events, size_t *place_of) {
    for (size_t k = 0; k < g->m; k++)
        place_of[g->event[k]] = find(g->parent, (uint32_t)k);
    for (size_t k = 0; k < g->m; k++) g->size[k] = UINT32_MAX;
    size_t places = 0;
    for (size_t i = 0; i < n_events; i++) {
        if (place_of[i] == SIZE_MAX) continue;
        uint32_t *label = &g->size[place_of[i]];
        if (*label == UINT32_MAX) *label = (uint32_t)places++;
        place_of[i] = *label;
    }
    return places;
}

/* Every located event of the kinds is linked to every other within
 * radius_m, <= (so points exactly the radius apart share a place), by
 * hypot: the rule the places have always had, whatever the cells. */
vemt_status vemt_places_group(const vemt_events *ev, unsigned kinds,
                              double radius_m, size_t *place_of,
                              size_t *n_places) {
    *n_places = 0;
    for (size_t i = 0; i < ev->n; i++) place_of[i] = SIZE_MAX;
    if (ev->n >= UINT32_MAX) return VEMT_E_ARG;
    place_grid g = {.r = radius_m};
    vemt_status st = build_grid(ev, kinds, &g);
    if (!st && g.m && g.ckey)
        link_grid(&g);
    else if (!st && g.m)
        st = link_degenerate(&g);
    if (!st && g.m) *n_places = number_places(&g, ev->n, place_of);
    if (st)
        for (size_t i = 0; i < ev->n; i++) place_of[i] = SIZE_MAX;
    grid_clear(&g);
    return st;
}

/* Aoristic weekday x hour profile (Ratcliffe 2002): an event known to the
 * minute or second puts weight 1 in its hour; one known only as a range of
 * at most a week spreads 1 over the hours it overlaps; day- and month-
 * precision events carry no hour and are skipped (counted in *skipped).
 * Hours are local time in zone; weekday 0 is Monday. */
void vemt_week_profile(const vemt_events *ev, const size_t *which, size_t n,
                       const vemt_tz *zone, double profile[7 * 24],
                       size_t *skipped) {
    memset(profile, 0, 7 * 24 * sizeof *profile);
    *skipped = 0;
    for (size_t j = 0; j < n; j++) {
        const vemt_event *e = &ev->items[which[j]];
        int64_t s = e->start_utc, t = e->end_utc >= s ? e->end_utc : s;
        if (e->precision >= VEMT_PREC_DAY || t - s > 7 * 86400) {
            ++*skipped;
            continue;
        }
        /* Patrols are planned in local time: the analysis zone's. */
        s = vemt_tz_wall(zone, s);
        t = vemt_tz_wall(zone, t);
        /* Floor division: times before 1970 are negative. */
        int64_t h0 = vemt_floor_div(s, 3600), h1 = vemt_floor_div(t, 3600);
        double w = 1.0 / (double)(h1 - h0 + 1);
        for (int64_t h = h0; h <= h1; h++) profile[vemt_week_hour(h)] += w;
    }
}

void vemt_best_windows(const double profile[7 * 24], int length_h,
                       vemt_window_score *out, size_t k) {
    double w[7 * 24];
    for (int start = 0; start < 7 * 24; start++) {
        w[start] = 0;
        for (int h = 0; h < length_h; h++)
            w[start] += profile[(start + h) % (7 * 24)];
    }
    /* Greedy: the heaviest window, then the heaviest that overlaps none
     * chosen before (windows wrap past midnight and past Sunday). */
    for (size_t i = 0; i < k; i++) {
        out[i] = (vemt_window_score){-1, -1, 0};
        for (int start = 0; start < 7 * 24; start++) {
            bool overlaps = false;
            for (size_t j = 0; j < i; j++) {
                int d = abs(out[j].start_hour - start);
                overlaps |= out[j].start_hour >= 0 &&
                            (d < length_h || 7 * 24 - d < length_h);
            }
            if (!overlaps && w[start] > out[i].weight)
                out[i] = (vemt_window_score){start / 24, start, w[start]};
        }
    }
}
