/** @file places.c
 * @brief Places: events grouped within a radius (single linkage over a
 * grid hash), with the distinct children linked to each; and the
 * weekday x hour profile of a set of events for patrol windows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* Union-find with path halving. */
static size_t find(size_t *parent, size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

typedef struct cellkey {
    int64_t cx, cy;
    size_t idx; /* index into the chosen events */
} cellkey;

static int by_cell(const void *a, const void *b) {
    const cellkey *p = a, *q = b;
    if (p->cx != q->cx) return p->cx < q->cx ? -1 : 1;
    if (p->cy != q->cy) return p->cy < q->cy ? -1 : 1;
    return (p->idx > q->idx) - (p->idx < q->idx);
}

/* First entry of cell (cx, cy) in the sorted keys, or n. */
static size_t first_in(const cellkey *k, size_t n, int64_t cx, int64_t cy) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (k[mid].cx < cx || (k[mid].cx == cx && k[mid].cy < cy))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && k[lo].cx == cx && k[lo].cy == cy ? lo : n;
}

/* Join every pair of chosen events within r. Hash cells have side
 * r / sqrt(2), so all events of one cell are within r of each other and
 * join at once; two cells can only hold a linked pair when at most two
 * cells apart, and once their events share a root no pair of them is
 * measured again. Keys are sorted by cell. */
static void link_pairs(const vemt_events *ev, const size_t *pick,
                       const cellkey *k, size_t n, double r, size_t *parent) {
    for (size_t a = 0; a < n;) {
        size_t end = a;
        while (end < n && k[end].cx == k[a].cx && k[end].cy == k[a].cy) end++;
        for (size_t i = a + 1; i < end; i++)
            parent[find(parent, k[i].idx)] = find(parent, k[a].idx);
        for (int64_t dx = 0; dx <= 2; dx++)
            for (int64_t dy = -2; dy <= 2; dy++) {
                if (dx == 0 && dy <= 0) continue; /* each pair of cells once */
                size_t b = first_in(k, n, k[a].cx + dx, k[a].cy + dy);
                for (size_t q = b; q < n && k[q].cx == k[a].cx + dx &&
                                   k[q].cy == k[a].cy + dy;
                     q++) {
                    if (find(parent, k[q].idx) == find(parent, k[a].idx))
                        continue;
                    const vemt_event *eq = &ev->items[pick[k[q].idx]];
                    for (size_t i = a; i < end; i++) {
                        const vemt_event *ei = &ev->items[pick[k[i].idx]];
                        if (hypot(ei->x - eq->x, ei->y - eq->y) <= r) {
                            parent[find(parent, k[q].idx)] =
                                find(parent, k[a].idx);
                            break;
                        }
                    }
                }
            }
        a = end;
    }
}

vemt_status vemt_places_group(const vemt_events *ev, unsigned kinds,
                              double radius_m, size_t *place_of,
                              size_t *n_places) {
    size_t n = 0, *pick = vemt_calloc(ev->n + 1, sizeof *pick);
    cellkey *k = vemt_calloc(ev->n + 1, sizeof *k);
    size_t *parent = vemt_calloc(ev->n + 1, sizeof *parent);
    size_t *label = vemt_calloc(ev->n + 1, sizeof *label);
    vemt_status st = pick && k && parent && label ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        place_of[i] = (size_t)-1;
        if (!e->located || !(kinds & (1u << e->kind))) continue;
        double side = radius_m / 1.4142135623730951;
        k[n] = (cellkey){(int64_t)floor(e->x / side),
                         (int64_t)floor(e->y / side), n};
        parent[n] = n;
        pick[n++] = i;
    }
    if (!st) {
        qsort(k, n, sizeof *k, by_cell);
        link_pairs(ev, pick, k, n, radius_m, parent);
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
    vemt_free(pick);
    vemt_free(k);
    vemt_free(parent);
    vemt_free(label);
    return st;
}

/* Aoristic weekday x hour profile (Ratcliffe 2002): an event known to the
 * minute or second puts weight 1 in its hour; one known only as a range of
 * at most a week spreads 1 over the hours it overlaps; day- and month-
 * precision events carry no hour and are skipped (counted in *skipped).
 * Hours are Europe/London local time; weekday 0 is Monday. */
void vemt_week_profile(const vemt_events *ev, const size_t *which, size_t n,
                       double profile[7 * 24], size_t *skipped) {
    memset(profile, 0, 7 * 24 * sizeof *profile);
    *skipped = 0;
    for (size_t j = 0; j < n; j++) {
        const vemt_event *e = &ev->items[which[j]];
        int64_t s = e->start_utc, t = e->end_utc >= s ? e->end_utc : s;
        if (e->precision >= VEMT_PREC_DAY || t - s > 7 * 86400) {
            ++*skipped;
            continue;
        }
        /* Patrols are planned in local time: Europe/London. */
        s += vemt_uk_summer_time(s) ? 3600 : 0;
        t += vemt_uk_summer_time(t) ? 3600 : 0;
        int64_t h0 = s / 3600, h1 = t / 3600;
        double w = 1.0 / (double)(h1 - h0 + 1);
        for (int64_t h = h0; h <= h1; h++) {
            int64_t day = h / 24, hour = h % 24;
            int wd = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01: Thu */
            profile[wd * 24 + hour] += w;
        }
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
