/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file knox.c
 * @brief Knox near-repeat test with Monte Carlo inference, as the Near
 * Repeat Calculator and NearRepeat compute it, visiting only the pairs that
 * are close in space or (whichever are fewer) close in time.
 *
 * The Knox statistic (Knox 1964, "The detection of space-time
 * interactions", J. R. Stat. Soc. C 13(1):25-30, doi:10.2307/2985220)
 * counts the pairs of events close in space and close in time. For bands
 * of both, each cell of the table counts its pairs, and its null
 * distribution comes from permutations that shuffle the times among the
 * events, fixing both margins (Johnson et al. 2007, "Space-time patterns of
 * risk: a cross national assessment of residential burglary victimization",
 * J. Quant. Criminol. 23(3):201-219, doi:10.1007/s10940-007-9025-3;
 * Ratcliffe's Near Repeat Calculator; Steenbeek's R package NearRepeat,
 * R/NearRepeat.R). Shuffling times changes no distance in space and
 * keeps the multiset of time differences, so the pairs within the widest
 * space band are the same in every permutation, and so is the number of
 * pairs of time slots within the widest time band: the test follows
 * whichever set is smaller, as (point, point, space band) or as (time
 * slot, time slot, time band), and measures the other distance anew for
 * each permutation.
 *
 * With calendar dates, two exact times are apart by elapsed time and any
 * pair with a day-precision time by calendar days, as the Near Repeat
 * Calculator counts days between dates: 2022-03-21 and 2022-03-28 are 7
 * days apart although the clocks changed between them. A time slot is all
 * of an event's time (t, date, precision), so the gap of two slots is the
 * same in every permutation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/montecarlo.h"
#include "engine/pindex.h"

/* A pair followed through the permutations: two points (space mode) or
 * two time slots in time order (time mode), and its fixed band. */
typedef struct knox_pair {
    uint32_t a, b;
    uint32_t band;
} knox_pair;

typedef struct knox_run {
    const double *x, *y, *t;
    const int32_t *date; /* calendar dates (NULL: t only) */
    const uint8_t *prec; /* precisions, with date */
    double slack;        /* at most the date gap less the t gap of a pair:
                            twice the largest |date - t| (0 without date) */
    size_t n;
    const vemt_knox_opts *o;
    size_t ns, nt, ncell; /* space bands, time bands, cells */
    bool space_mode;      /* pairs fixed in space, times permuted */
    knox_pair *pairs;
    size_t npairs;
    uint32_t *order; /* points by time (ascending, then index) */
    uint32_t *sim;   /* R x ncell permuted counts */
} knox_run;

typedef struct knox_worker {
    knox_run *run;
    uint32_t *perm;
    double *tp; /* 2n: permuted times by point (space mode), or x then y
                   by time slot (time mode) */
} knox_worker;

/* Band k with e[k] <= d < e[k + 1], or -1 (NearRepeat: cut(breaks,
 * right = FALSE), include.lowest = FALSE). */
static int band_of(const double *e, size_t ne, double d) {
    if (!(d >= e[0]) || !(d < e[ne - 1])) return -1; /* most pairs */
    for (size_t k = 1; k < ne; k++)
        if (d < e[k]) return (int)(k - 1);
    return -1;
}

static double dist_xy(vemt_metric metric, double x0, double y0, double x1,
                      double y1) {
    double dx = fabs(x0 - x1), dy = fabs(y0 - y1);
    return metric == VEMT_METRIC_EUCLIDEAN ? sqrt(dx * dx + dy * dy) : dx + dy;
}

static double dist(const knox_run *r, size_t i, size_t j) {
    return dist_xy(r->o->metric, r->x[i], r->y[i], r->x[j], r->y[j]);
}

/* Time apart of the times of events u and v (time slots): calendar days
 * unless both times are exact (README, Terms: time gap). */
static double gap(const knox_run *r, size_t u, size_t v) {
    if (r->date &&
        (r->prec[u] > VEMT_PREC_MINUTE || r->prec[v] > VEMT_PREC_MINUTE))
        return fabs((double)r->date[u] - (double)r->date[v]);
    return fabs(r->t[u] - r->t[v]);
}

/* Count the cells of one assignment of times to points into counts: perm
 * maps a point to the time slot it takes (space mode) or a time slot to
 * the point that takes it (time mode); NULL is the data. */
static void count_cells(const knox_run *r, const uint32_t *perm, double *tp,
                        uint32_t *counts) {
    memset(counts, 0, r->ncell * sizeof *counts);
    const vemt_knox_opts *o = r->o;
    if (r->space_mode && r->date) {
        /* A point takes every part of its slot's time. */
        for (size_t m = 0; m < r->npairs; m++) {
            const knox_pair *p = &r->pairs[m];
            size_t u = perm ? perm[p->a] : p->a, v = perm ? perm[p->b] : p->b;
            int tb = band_of(o->t_edges, o->n_t_edges, gap(r, u, v));
            if (tb >= 0) counts[p->band * r->nt + (size_t)tb]++;
        }
        return;
    }
    if (r->space_mode) {
        for (size_t i = 0; i < r->n; i++) tp[i] = r->t[perm ? perm[i] : i];
        for (size_t m = 0; m < r->npairs; m++) {
            const knox_pair *p = &r->pairs[m];
            int tb =
                band_of(o->t_edges, o->n_t_edges, fabs(tp[p->a] - tp[p->b]));
            if (tb >= 0) counts[p->band * r->nt + (size_t)tb]++;
        }
        return;
    }
    /* Places by time slot: the two slots of a pair are near each other in
     * time order, so these lookups stay in cache. */
    const uint32_t *who = perm ? perm : r->order;
    double *px = tp, *py = tp + r->n;
    for (size_t k = 0; k < r->n; k++) {
        px[k] = r->x[who[k]];
        py[k] = r->y[who[k]];
    }
    for (size_t m = 0; m < r->npairs; m++) {
        const knox_pair *p = &r->pairs[m];
        double d = dist_xy(o->metric, px[p->a], py[p->a], px[p->b], py[p->b]);
        int sb = band_of(o->s_edges, o->n_s_edges, d);
        if (sb >= 0) counts[(size_t)sb * r->nt + p->band]++;
    }
}

/* Permutation `item`: its own stream shuffles the identity. */
static void knox_item(void *arg, size_t item) {
    knox_worker *wk = arg;
    knox_run *r = wk->run;
    vemt_stream s = vemt_stream_for(r->o->perm.seed, item);
    for (size_t i = 0; i < r->n; i++) wk->perm[i] = (uint32_t)i;
    vemt_stream_shuffle(&s, wk->perm, r->n);
    count_cells(r, wk->perm, wk->tp, r->sim + item * r->ncell);
}

/* ---- Pairs ------------------------------------------------------------- */

/* Merge sort of the points by (time, index), stable and deterministic. */
static void sort_by_time(uint32_t *a, uint32_t *tmp, size_t n,
                         const double *t) {
    if (n < 2) return;
    size_t h = n / 2;
    sort_by_time(a, tmp, h, t);
    sort_by_time(a + h, tmp, n - h, t);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = t[a[j]] < t[a[i]] ? a[j++] : a[i++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Pairs of time slots (k < l in time order) in the time bands; with
 * out NULL only counted, stopping past cap. Slots are in order of t: with
 * calendar dates, a pair within the widest band is less than the slack
 * further apart in t. */
static size_t time_pairs(const knox_run *r, knox_pair *out, size_t cap) {
    const vemt_knox_opts *o = r->o;
    double tmax = o->t_edges[o->n_t_edges - 1], reach = tmax + r->slack;
    size_t m = 0;
    for (size_t k = 0; k < r->n && m <= cap; k++) {
        double tk = r->t[r->order[k]];
        for (size_t l = k + 1; l < r->n; l++) {
            double d = r->t[r->order[l]] - tk;
            if (!(d < reach)) break;
            if (r->date) d = gap(r, r->order[k], r->order[l]);
            int tb = band_of(o->t_edges, o->n_t_edges, d);
            if (tb < 0) continue;
            if (out)
                out[m] = (knox_pair){(uint32_t)k, (uint32_t)l, (uint32_t)tb};
            if (++m > cap) break;
        }
    }
    return m;
}

/* Every pair of points (i < j) in the space bands, for an infinite widest
 * band (only followed when there are fewer of them than time pairs). */
static size_t all_pairs(const knox_run *r, knox_pair *out) {
    const vemt_knox_opts *o = r->o;
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = i + 1; j < r->n; j++) {
            int sb = band_of(o->s_edges, o->n_s_edges, dist(r, i, j));
            if (sb < 0) continue;
            if (out)
                out[m] = (knox_pair){(uint32_t)i, (uint32_t)j, (uint32_t)sb};
            m++;
        }
    return m;
}

/* Pairs of points (i < j) in the space bands, found through buckets as
 * wide as the widest band (a Manhattan distance is at least the Euclidean
 * one); with out NULL only counted, stopping past cap. */
static vemt_status space_pairs(vemt_ctx *ctx, const knox_run *r, knox_pair *out,
                               size_t cap, size_t *count) {
    const vemt_knox_opts *o = r->o;
    double smax = o->s_edges[o->n_s_edges - 1];
    if (isinf(smax)) {
        *count = all_pairs(r, out);
        return VEMT_OK;
    }
    double *xy = vemt_calloc(2 * r->n, sizeof *xy);
    vemt_pindex *ix = NULL;
    vemt_status st = VEMT_E_NOMEM;
    *count = 0;
    if (!xy) goto done;
    for (size_t i = 0; i < r->n; i++) {
        xy[2 * i] = r->x[i];
        xy[2 * i + 1] = r->y[i];
    }
    st = vemt_pindex_create(ctx, xy, r->n, smax, &ix);
    if (st) goto done;
    size_t m = 0, j;
    for (size_t i = 0; i < r->n && m <= cap; i++) {
        vemt_pindex_iter it = vemt_pindex_near(ix, r->x[i], r->y[i], smax);
        while (m <= cap && vemt_pindex_next(&it, &j)) {
            if (j <= i) continue;
            int sb = band_of(o->s_edges, o->n_s_edges, dist(r, i, j));
            if (sb < 0) continue;
            if (out)
                out[m] = (knox_pair){(uint32_t)i, (uint32_t)j, (uint32_t)sb};
            m++;
        }
    }
    *count = m;
done:
    vemt_pindex_destroy(ix);
    vemt_free(xy);
    return st;
}

/* ---- Counting before enumerating -----------------------------------------
 * The limit is decided on two counts: pairs within the widest time band and
 * pairs within the widest space band. Enumerating them to the limit costs
 * about 2^26 pair visits each (seconds at a million events), so each is
 * first bounded from below in linear time, after a sort; a bound past the
 * limit settles that count as "more than the limit", exactly as the
 * enumeration, stopping there, would have found it. */

/* Pairs k < l of the n ascending values v[idx[k]] (idx NULL: v[k]) less
 * than h apart, by two pointers (the difference grows with l, and the first
 * l too far from v_k is at most as far from v_k+1): linear. */
static size_t pairs_below(const double *v, const uint32_t *idx, size_t n,
                          double h) {
    size_t m = 0;
    for (size_t k = 0, l = 0; k < n; k++) {
        double vk = v[idx ? idx[k] : k];
        if (l < k + 1) l = k + 1;
        while (l < n && v[idx ? idx[l] : l] - vk < h) l++;
        m += l - (k + 1);
    }
    return m;
}

/* Pairs of the ascending values whose difference is in [lo, hi). */
static size_t pairs_in(const double *v, const uint32_t *idx, size_t n,
                       double lo, double hi) {
    return pairs_below(v, idx, n, hi) - pairs_below(v, idx, n, lo);
}

static int cmp_double(const void *a, const void *b) {
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Sort n whole days ascending: by counting when their range is at most
 * about 4n (a decade is 3,653 days), else qsort. */
static vemt_status sort_days(double *v, size_t n) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) lo = fmin(lo, v[k]), hi = fmax(hi, v[k]);
    if (!n || !(hi - lo <= 4.0 * (double)n + 1024)) {
        qsort(v, n, sizeof *v, cmp_double);
        return VEMT_OK;
    }
    size_t span = (size_t)(hi - lo) + 1,
           *count = vemt_calloc(span, sizeof *count);
    if (!count) return VEMT_E_NOMEM;
    for (size_t k = 0; k < n; k++) count[(size_t)(v[k] - lo)]++;
    for (size_t d = 0, k = 0; d < span; d++)
        while (count[d]--) v[k++] = lo + (double)d;
    vemt_free(count);
    return VEMT_OK;
}

/* The pairs in the time bands, counted by the rule of gap(): without
 * calendar dates (or with only exact times) every pair by its t; with them,
 * every pair by its dates, less the pairs of two exact times by their
 * dates, plus those by their t. */
static vemt_status time_pairs_count(const knox_run *r, size_t *count) {
    const vemt_knox_opts *o = r->o;
    double lo = o->t_edges[0], hi = o->t_edges[o->n_t_edges - 1];
    size_t nx = 0;
    for (size_t i = 0; r->date && i < r->n; i++)
        nx += r->prec[i] <= VEMT_PREC_MINUTE;
    if (!r->date || nx == r->n) {
        *count = pairs_in(r->t, r->order, r->n, lo, hi);
        return VEMT_OK;
    }
    double *d = vemt_calloc(r->n, sizeof *d);
    double *dx = vemt_calloc(nx + 1, sizeof *dx);
    double *tx = vemt_calloc(nx + 1, sizeof *tx);
    vemt_status st = d && dx && tx ? VEMT_OK : VEMT_E_NOMEM;
    nx = 0;
    for (size_t k = 0; !st && k < r->n; k++) {
        uint32_t i = r->order[k];
        d[k] = r->date[i];
        if (r->prec[i] > VEMT_PREC_MINUTE) continue;
        dx[nx] = r->date[i];
        tx[nx++] = r->t[i]; /* ascending: in time order */
    }
    if (!st) st = sort_days(d, r->n);
    if (!st) st = sort_days(dx, nx);
    if (!st)
        *count = pairs_in(d, NULL, r->n, lo, hi) -
                 pairs_in(dx, NULL, nx, lo, hi) +
                 pairs_in(tx, NULL, nx, lo, hi);
    vemt_free(d), vemt_free(dx), vemt_free(tx);
    return st;
}

/* At most the pairs in the space bands: with a first edge of 0, the pairs
 * of one bucket of side 0.4 of the widest band, at most 0.8 of it apart in
 * either metric (0 when the index widened its buckets, or the first edge is
 * above 0). Linear. */
static vemt_status space_pairs_at_least(vemt_ctx *ctx, const knox_run *r,
                                        size_t *count) {
    const vemt_knox_opts *o = r->o;
    double side = 0.4 * o->s_edges[o->n_s_edges - 1];
    *count = 0;
    if (o->s_edges[0] != 0) return VEMT_OK;
    double *xy = vemt_calloc(2 * r->n, sizeof *xy);
    if (!xy) return VEMT_E_NOMEM;
    for (size_t i = 0; i < r->n; i++) {
        xy[2 * i] = r->x[i];
        xy[2 * i + 1] = r->y[i];
    }
    vemt_pindex *ix = NULL;
    vemt_status st = vemt_pindex_create(ctx, xy, r->n, side, &ix);
    size_t nb = st ? 0 : (size_t)ix->nx * (size_t)ix->ny;
    for (size_t k = 0; !st && ix->side == side && k < nb; k++) {
        size_t c = ix->start[k + 1] - ix->start[k];
        if (c > 1) *count += c * (c - 1) / 2;
    }
    vemt_pindex_destroy(ix);
    vemt_free(xy);
    return st;
}

/* Choose the smaller set of pairs to follow and list it. */
static vemt_status make_pairs(vemt_ctx *ctx, knox_run *r) {
    const vemt_knox_opts *o = r->o;
    size_t cap = o->max_pairs ? o->max_pairs : VEMT_KNOX_MAX_PAIRS;
    size_t nt = 0, ns = 0, bound = 0;
    vemt_status st = time_pairs_count(r, &bound);
    if (st) return st;
    /* Counting the time pairs past the limit stops at cap + 1. */
    nt = bound > cap ? cap + 1 : time_pairs(r, NULL, cap);
    size_t cap_s = nt < cap ? nt : cap;
    if (isinf(o->s_edges[o->n_s_edges - 1]))
        ns = r->n * (r->n - 1) / 2; /* at most: every pair, no search */
    else if ((st = space_pairs_at_least(ctx, r, &bound)))
        return st;
    else if (bound > cap_s)
        ns = cap_s + 1; /* as space_pairs stops */
    else if ((st = space_pairs(ctx, r, NULL, cap_s, &ns)))
        return st;
    r->space_mode = ns < nt;
    r->npairs = r->space_mode ? ns : nt;
    if (r->npairs > cap)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the Knox test would follow more than %zu pairs; "
                             "narrow the widest space or time band",
                             cap);
    r->pairs = vemt_calloc(r->npairs ? r->npairs : 1, sizeof *r->pairs);
    if (!r->pairs) return VEMT_E_NOMEM;
    if (!r->space_mode)
        time_pairs(r, r->pairs, cap);
    else if ((st = space_pairs(ctx, r, r->pairs, cap, &r->npairs)))
        return st;
    return VEMT_OK;
}

/* ---- Checks and the table ------------------------------------------------ */

static vemt_status check_edges(vemt_ctx *ctx, const double *e, size_t ne,
                               const char *what) {
    if (!e || ne < 2)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the Knox test needs at least two %s edges", what);
    for (size_t k = 0; k < ne; k++) {
        bool ok = k + 1 == ne ? !isnan(e[k]) : isfinite(e[k]);
        if (!ok || e[k] < 0 || (k > 0 && !(e[k] > e[k - 1])))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "%s edge %zu must be finite (only the last "
                                 "may be infinite), >= 0 and above the one "
                                 "before",
                                 what, k + 1);
    }
    return VEMT_OK;
}

static vemt_status check_args(vemt_ctx *ctx, const double *x, const double *y,
                              const double *t, size_t n,
                              const vemt_knox_opts *o) {
    if (n < 2 || n >= UINT32_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the Knox test needs 2 to 2^32 - 1 events "
                             "(got %zu)",
                             n);
    if (o->perm.permutations < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the number of permutations must be >= 1");
    vemt_status st = check_edges(ctx, o->s_edges, o->n_s_edges, "space");
    if (!st) st = check_edges(ctx, o->t_edges, o->n_t_edges, "time");
    if (st) return st;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(t[i]))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "event %zu has a non-finite place or time", i);
    if (o->date && !o->precision)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the Knox test's calendar dates need the "
                             "events' precisions");
    return VEMT_OK;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t u = *(const uint32_t *)a, v = *(const uint32_t *)b;
    return (u > v) - (u < v);
}

/* Observed counts, mean, median and p of every cell (NearRepeat's
 * knox_ratio, knox_ratio_median and pvalues). */
static vemt_status fill_cells(const knox_run *r, const uint32_t *obs,
                              vemt_knox_cell *cells) {
    size_t reps = r->o->perm.permutations;
    uint32_t *col = vemt_calloc(reps, sizeof *col);
    if (!col) return VEMT_E_NOMEM;
    for (size_t c = 0; c < r->ncell; c++) {
        size_t sb = c / r->nt, tb = c % r->nt, ge = 0;
        double sum = 0;
        for (size_t k = 0; k < reps; k++) {
            col[k] = r->sim[k * r->ncell + c];
            sum += col[k];
            ge += col[k] >= obs[c];
        }
        qsort(col, reps, sizeof *col, cmp_u32);
        double med =
            reps % 2
                ? col[reps / 2]
                : 0.5 * ((double)col[reps / 2 - 1] + (double)col[reps / 2]);
        vemt_knox_cell *k = &cells[c];
        k->s_from = r->o->s_edges[sb];
        k->s_to = r->o->s_edges[sb + 1];
        k->t_from = r->o->t_edges[tb];
        k->t_to = r->o->t_edges[tb + 1];
        k->observed = obs[c];
        k->expected = sum / (double)reps;
        k->ratio = (double)obs[c] / k->expected;
        k->ratio_median = (double)obs[c] / med;
        /* Monte Carlo p-value counting the data as one of the R + 1
         * arrangements (NearRepeat: (sum(sim >= obs) + 1) / (nrep + 1);
         * Johnson et al. 2007). */
        k->p = (double)(ge + 1) / (double)(reps + 1);
    }
    vemt_free(col);
    return VEMT_OK;
}

vemt_status vemt_knox_compute(vemt_ctx *ctx, const double *x, const double *y,
                              const double *t, size_t n,
                              const vemt_knox_opts *opts,
                              vemt_knox_cell *cells) {
    vemt_status st = check_args(ctx, x, y, t, n, opts);
    if (st) return st;
    knox_run r = {.x = x, .y = y, .t = t, .n = n, .o = opts};
    r.date = opts->date;
    r.prec = opts->precision;
    for (size_t i = 0; r.date && i < n; i++) {
        double off = fabs((double)r.date[i] - t[i]);
        if (2 * off > r.slack) r.slack = 2 * off;
    }
    r.ns = opts->n_s_edges - 1;
    r.nt = opts->n_t_edges - 1;
    r.ncell = r.ns * r.nt;
    size_t reps = opts->perm.permutations;
    unsigned nw = vemt_mc_threads(&opts->perm);
    knox_worker *wk = vemt_calloc(nw, sizeof *wk);
    uint32_t *obs = vemt_calloc(r.ncell, sizeof *obs);
    r.order = vemt_calloc(n, sizeof *r.order);
    r.sim = vemt_calloc(reps * r.ncell, sizeof *r.sim);
    st = VEMT_E_NOMEM;
    if (!wk || !obs || !r.order || !r.sim) goto done;
    for (unsigned k = 0; k < nw; k++) {
        wk[k].run = &r;
        wk[k].perm = vemt_calloc(n, sizeof *wk[k].perm);
        wk[k].tp = vemt_calloc(2 * n, sizeof *wk[k].tp);
        if (!wk[k].perm || !wk[k].tp) goto done;
    }
    for (size_t i = 0; i < n; i++) r.order[i] = (uint32_t)i;
    sort_by_time(r.order, wk[0].perm, n, t);
    if ((st = make_pairs(ctx, &r))) goto done;
    count_cells(&r, NULL, wk[0].tp, obs);
    vemt_mc_run(ctx, "knox permutations", reps, 1, wk, sizeof *wk, nw,
                knox_item);
    st = fill_cells(&r, obs, cells);
done:
    for (unsigned k = 0; wk && k < nw; k++) {
        vemt_free(wk[k].perm);
        vemt_free(wk[k].tp);
    }
    vemt_free(wk);
    vemt_free(obs);
    vemt_free(r.order);
    vemt_free(r.sim);
    vemt_free(r.pairs);
    return st;
}
