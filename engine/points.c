/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file points.c
 * @brief Events as plain point arrays for clustering and density, and the
 * checks those functions share.
 */
#include "engine/points.h"

#include <math.h>
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

static int by_xy(const void *a, const void *b) {
    const double *p = a, *q = b;
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
    if (p[1] != q[1]) return p[1] < q[1] ? -1 : 1;
    return 0;
}

size_t vemt_xy_distinct(double *xy, size_t m, double *count) {
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
