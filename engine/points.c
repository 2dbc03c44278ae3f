/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file points.c
 * @brief Events as plain point arrays for clustering and density, and the
 * checks those functions share.
 */
#include "engine/points.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"

vemt_status vemt_points_check(vemt_ctx *ctx, const vemt_points *pts,
                              bool need_time, const char *what) {
    if (pts->n > VEMT_POINTS_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "%s: %zu points (at most %zu)",
                             what, pts->n, VEMT_POINTS_MAX);
    if (pts->n && (!pts->x || !pts->y))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "%s: no coordinates", what);
    if (need_time && pts->n && !pts->t)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "%s: no times", what);
    for (size_t i = 0; i < pts->n; i++) {
        double x = pts->x[i], y = pts->y[i];
        if (!(fabs(x) <= VEMT_POINTS_MAX_COORD) ||
            !(fabs(y) <= VEMT_POINTS_MAX_COORD))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "%s: point %zu has no finite projected "
                                 "coordinates",
                                 what, i);
        if (pts->weight && !(pts->weight[i] >= 0 && isfinite(pts->weight[i])))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "%s: point %zu has a negative or "
                                 "non-finite weight",
                                 what, i);
    }
    return VEMT_OK;
}

vemt_status vemt_event_points_fill(const vemt_events *events, unsigned kinds,
                                   bool in_area_only, vemt_event_points *out) {
    memset(out, 0, sizeof *out);
    size_t cap = events->n ? events->n : 1;
    out->x = vemt_calloc(cap, sizeof *out->x);
    out->y = vemt_calloc(cap, sizeof *out->y);
    out->t = vemt_calloc(cap, sizeof *out->t);
    out->precision = vemt_calloc(cap, sizeof *out->precision);
    out->event = vemt_calloc(cap, sizeof *out->event);
    if (!out->x || !out->y || !out->t || !out->precision || !out->event) {
        vemt_event_points_clear(out);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        if (!ev->located || !(kinds & (1u << ev->kind))) continue;
        if ((in_area_only && !ev->in_area) || ev->excluded) continue;
        size_t k = out->n++;
        out->x[k] = ev->x;
        out->y[k] = ev->y;
        out->t[k] = ev->start_utc;
        out->precision[k] = ev->precision;
        out->event[k] = i;
    }
    return VEMT_OK;
}

void vemt_event_points_clear(vemt_event_points *p) {
    vemt_free(p->x);
    vemt_free(p->y);
    vemt_free(p->t);
    vemt_free(p->precision);
    vemt_free(p->event);
    memset(p, 0, sizeof *p);
}

vemt_points vemt_event_points_view(const vemt_event_points *p) {
    vemt_points v = {p->n, p->x, p->y, p->t, p->precision, NULL};
    return v;
}

int32_t *vemt_event_points_dates(const vemt_event_points *p,
                                 const vemt_tz *zone,
                                 const vemt_tz *input_zone) {
    int32_t *date = vemt_calloc(p->n ? p->n : 1, sizeof *date);
    for (size_t i = 0; date && i < p->n; i++)
        date[i] = vemt_event_date(zone, input_zone, p->t[i], p->precision[i]);
    return date;
}

const char *vemt_ordinal_suffix(size_t n) {
    if (n % 100 >= 11 && n % 100 <= 13) return "th";
    return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* Below this many points, qsort; above, a least-significant-digit radix
 * sort (0.03 s a million; qsort's calls were about 3 % of the 10-million
 * event run's CPU) whose 16-bit digits' counts cost 2 MB to clear. */
#define RADIX_MIN 16384
/* Digits of 16 bits: 4 of y, then 4 of x (least significant first). */
#define DIGITS 8

/* A double as an unsigned key in the same order (-0 as +0). */
static uint64_t order_key(double v) {
    v += 0.0;
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static double from_key(uint64_t u) {
    u = u >> 63 ? u & ~((uint64_t)1 << 63) : ~u;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Sort the m pairs of keys (x key, y key) by x then y: least-significant-
 * digit radix sort (stable), digits in which every key agrees skipped;
 * tmp holds 2 m keys, count DIGITS x 65536. */
static void radix_xy(uint64_t *k, uint64_t *tmp, size_t m, uint32_t *count) {
    memset(count, 0, (size_t)DIGITS * 65536 * sizeof *count);
    for (size_t i = 0; i < m; i++)
        for (int d = 0; d < DIGITS; d++)
            count[d * 65536 +
                  ((k[2 * i + (d < 4)] >> (16 * (d % 4))) & 0xffff)]++;
    for (int d = 0; d < DIGITS; d++) {
        uint32_t *c = count + (size_t)d * 65536;
        int word = d < 4, sh = 16 * (d % 4);
        if (c[(k[word] >> sh) & 0xffff] == m) continue; /* all agree */
        uint32_t sum = 0;
        for (size_t b = 0; b < 65536; b++) {
            uint32_t n = c[b];
            c[b] = sum;
            sum += n;
        }
        for (size_t i = 0; i < m; i++) {
            size_t to = c[(k[2 * i + word] >> sh) & 0xffff]++;
            tmp[2 * to] = k[2 * i];
            tmp[2 * to + 1] = k[2 * i + 1];
        }
        memcpy(k, tmp, 2 * m * sizeof *k);
    }
}

/* vemt_xy_distinct by radix sort into *kept; false when out of memory
 * (xy untouched). */
static bool radix_distinct(double *xy, size_t m, double *count, size_t *kept) {
    uint64_t *k = vemt_calloc(4 * m, sizeof *k);
    uint32_t *c = vemt_calloc((size_t)DIGITS * 65536, sizeof *c);
    if (!k || !c) {
        vemt_free(k), vemt_free(c);
        return false;
    }
    for (size_t j = 0; j < 2 * m; j++) k[j] = order_key(xy[j]);
    radix_xy(k, k + 2 * m, m, c);
    size_t n = 0;
    for (size_t j = 0; j < m; j++)
        if (!n || k[2 * j] != k[2 * (n - 1)] ||
            k[2 * j + 1] != k[2 * (n - 1) + 1]) {
            k[2 * n] = k[2 * j], k[2 * n + 1] = k[2 * j + 1];
            if (count) count[n] = 1;
            n++;
        } else if (count) {
            count[n - 1] += 1;
        }
    for (size_t j = 0; j < 2 * n; j++) xy[j] = from_key(k[j]);
    vemt_free(k), vemt_free(c);
    *kept = n;
    return true;
}

static int by_xy(const void *a, const void *b) {
    const double *p = a, *q = b;
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
    if (p[1] != q[1]) return p[1] < q[1] ? -1 : 1;
    return 0;
}

size_t vemt_xy_distinct(double *xy, size_t m, double *count) {
    size_t kept;
    if (m >= RADIX_MIN)
        return radix_distinct(xy, m, count, &kept) ? kept : SIZE_MAX;
    qsort(xy, m, 2 * sizeof *xy, by_xy);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (k == 0 || by_xy(&xy[2 * i], &xy[2 * (k - 1)])) {
            xy[2 * k] = xy[2 * i];
            xy[2 * k + 1] = xy[2 * i + 1];
            if (count) count[k] = 1;
            k++;
        } else if (count) {
            count[k - 1] += 1;
        }
    return k;
}
