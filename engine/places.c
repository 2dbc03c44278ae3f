/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file places.c
 * @brief Places: events grouped within a radius (single linkage over the
 * point index), with the distinct children linked to each; and the
 * weekday x hour profile of a set of events for patrol windows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"
#include "engine/pindex.h"

/* Union-find with path halving. */
static size_t find(size_t *parent, size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

/* Join every pair of the n points xy within r of each other, each pair
 * once, through the point index; pairs already in one place are not
 * measured again. */
static void link_pairs(const vemt_pindex *ix, const double *xy, size_t n,
                       double r, size_t *parent) {
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (vemt_pindex_iter it =
                 vemt_pindex_near(ix, xy[2 * i], xy[2 * i + 1], r);
             vemt_pindex_next(&it, &j);) {
            if (j <= i || find(parent, j) == find(parent, i)) continue;
            if (hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]) <=
                r)
                parent[find(parent, j)] = find(parent, i);
        }
    }
}

vemt_status vemt_places_group(const vemt_events *ev, unsigned kinds,
                              double radius_m, size_t *place_of,
                              size_t *n_places) {
    size_t n = 0, *pick = vemt_calloc(ev->n + 1, sizeof *pick);
    double *xy = vemt_calloc(2 * (ev->n + 1), sizeof *xy);
    size_t *parent = vemt_calloc(ev->n + 1, sizeof *parent);
    size_t *label = vemt_calloc(ev->n + 1, sizeof *label);
    vemt_pindex *ix = NULL;
    vemt_status st = pick && xy && parent && label ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        place_of[i] = (size_t)-1;
        if (!e->located || !(kinds & (1u << e->kind))) continue;
        xy[2 * n] = e->x;
        xy[2 * n + 1] = e->y;
        parent[n] = n;
        pick[n++] = i;
    }
    if (!st) st = vemt_pindex_create(NULL, xy, n, radius_m, &ix);
    if (!st) {
        link_pairs(ix, xy, n, radius_m, parent);
        /* Number places in order of their first event. */
        size_t places = 0;
        for (size_t i = 0; i < n; i++) label[i] = (size_t)-1;
        for (size_t i = 0; i < n; i++) {
            size_t root = find(parent, i);
            if (label[root] == (size_t)-1) label[root] = places++;
            place_of[pick[i]] = label[root];
        }
        *n_places = places;
    }
    vemt_pindex_destroy(ix);
    vemt_free(pick);
    vemt_free(xy);
    vemt_free(parent);
    vemt_free(label);
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
