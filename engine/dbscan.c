/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file dbscan.c
 * @brief DBSCAN and ST-DBSCAN over the space-time index (stindex.c).
 *
 * DBSCAN: Ester, Kriegel, Sander & Xu (1996), "A density-based algorithm
 * for discovering clusters in large spatial databases with noise", Proc.
 * KDD-96, 226-231 (AAAI, ISBN 1-57735-004-9; no DOI). ST-DBSCAN: Birant &
 * Kut (2007), "ST-DBSCAN: An algorithm for clustering spatial-temporal
 * data", Data & Knowledge Engineering 60(1):208-221,
 * doi:10.1016/j.datak.2006.01.013, with the neighbourhood QGIS's
 * native:stdbscanclustering uses (distance <= eps and time difference <=
 * eps2, no cluster-average filter Delta-epsilon). DBSCAN* (border points
 * are noise): Campello, Moulavi & Sander (2013), doi:10.1007/978-3-642-
 * 37456-2_14.
 *
 * The labels are fixed by sets, not by a search order: core points are
 * those with at least min_points neighbours (itself included); clusters
 * are the connected components of core points, numbered in input order of
 * their first core point; a border point takes the lowest number among the
 * clusters of its core neighbours. This is what scikit-learn's
 * dbscan_inner and QGIS's expansion produce (both expand clusters in input
 * order and give a border point to the first cluster that reaches it).
 *
 * Speed follows the grid algorithm of Gunawan (2013), "A faster algorithm
 * for DBSCAN", MSc thesis, TU Eindhoven, and de Berg, Gunawan & Roeloffzen
 * (2019), "Faster DB-scan and HDB-scan in low-dimensional Euclidean
 * spaces", Int. J. Comput. Geom. Appl. 29(1):21-47,
 * doi:10.1142/S0218195919400028: cells of side just under eps / sqrt 2, so
 * two points of a cell are always neighbours; counting stops at
 * min_points; two cells' clusters are joined by the first pair of core
 * points found within eps. Times (ST-DBSCAN) are sorted within each cell,
 * so only the points inside the time window are visited.
 *
 * Time gaps are elapsed time between exact times and calendar days when
 * either time is known only to the day (README, Terms: time gap): with dates,
 * the window searched in the index is wider by a slack that bounds the
 * difference of the two measures, and each pair is checked exactly.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/points.h"
#include "engine/stindex.h"

#define REACH 2 /* cells within eps of a cell of side < eps / sqrt 2 */
#define AROUND ((2 * REACH + 1) * (2 * REACH + 1))

typedef struct scan {
    const vemt_stindex *c;
    double eps2;
    int64_t tau; /* time window (0 without times: all t are 0) */
    bool timed;  /* ST-DBSCAN: search the time window of each cell */
    /* Calendar time (README, Terms: time gap): a pair with a day-precision time
     * is apart by calendar days, so the index is searched by t over a window
     * wider by the slack and each pair is checked. */
    bool dated;
    int64_t reach;  /* half-width of the window searched: tau (+ slack) */
    int64_t *cal;   /* per position: its date's midnight, date * 86400 */
    uint8_t *exact; /* per position: an exact (second or minute) time */
    size_t min_pts;
    uint8_t *core; /* per position in cell order */
    size_t ncore;
    size_t *cstart;   /* ncells + 1 offsets into the core list */
    uint32_t *cpos;   /* core list: positions, cell by cell, by time */
    double *cx, *cy;  /* core list: coordinates */
    int64_t *ct;      /* core list: times */
    uint32_t *run;    /* core list: one past the end of its time run */
    uint32_t *parent; /* core list: union-find */
    int32_t *label;   /* core list: cluster */
} scan;

static void scan_free(scan *s) {
    vemt_free(s->cal);
    vemt_free(s->exact);
    vemt_free(s->core);
    vemt_free(s->cstart);
    vemt_free(s->cpos);
    vemt_free(s->cx);
    vemt_free(s->cy);
    vemt_free(s->ct);
    vemt_free(s->run);
    vemt_free(s->parent);
    vemt_free(s->label);
}

/* The run [*a, *b) of the ascending times t[lo..hi) within [t0, t1]
 * (all of it without times). */
static void window(const scan *s, const int64_t *t, size_t lo, size_t hi,
                   int64_t t0, int64_t t1, size_t *a, size_t *b) {
    if (!s->timed) {
        *a = lo;
        *b = hi;
        return;
    }
    *a = vemt_times_lower(t, lo, hi, t0);
    *b = vemt_times_upper(t, *a, hi, t1);
}

/* Are the points at positions p and q within the time window? Elapsed
 * time when both times are exact, else calendar days (dated only). */
static bool near_in_time(const scan *s, size_t p, size_t q) {
    const vemt_stindex *c = s->c;
    int64_t d =
        s->exact[p] && s->exact[q] ? c->t[p] - c->t[q] : s->cal[p] - s->cal[q];
    return (d < 0 ? -d : d) <= s->tau;
}

/* Points of positions [a, b) within the time window of position p, counted
 * up to the one that makes need. */
static size_t count_in_time(const scan *s, size_t p, size_t a, size_t b,
                            size_t need) {
    if (!s->dated) return b - a;
    size_t cnt = 0;
    for (size_t q = a; q < b && cnt < need; q++) cnt += near_in_time(s, p, q);
    return cnt;
}

/* Core flags of the points of cell k (nb: its m cells around, k first). */
static void find_core(scan *s, size_t k, const size_t *nb, size_t m) {
    const vemt_stindex *c = s->c;
    for (size_t p = c->start[k]; p < c->start[k + 1]; p++) {
        int64_t lo = vemt_add_sat(c->t[p], -s->reach);
        int64_t hi = vemt_add_sat(c->t[p], s->reach);
        /* Points of the same cell are within eps: count the time window. */
        size_t a, b;
        window(s, c->t, c->start[k], c->start[k + 1], lo, hi, &a, &b);
        size_t cnt = count_in_time(s, p, a, b, s->min_pts);
        for (size_t j = 1; j < m && cnt < s->min_pts; j++) {
            size_t d = nb[j];
            double near2, far2;
            vemt_stindex_bounds(c, d, c->x[p], c->y[p], &near2, &far2);
            if (near2 > s->eps2) continue;
            window(s, c->t, c->start[d], c->start[d + 1], lo, hi, &a, &b);
            if (far2 <= s->eps2) { /* the whole cell is within eps */
                cnt += count_in_time(s, p, a, b, s->min_pts - cnt);
                continue;
            }
            for (size_t q = a; q < b && cnt < s->min_pts; q++) {
                double dx = c->x[p] - c->x[q], dy = c->y[p] - c->y[q];
                cnt += dx * dx + dy * dy <= s->eps2 &&
                       (!s->dated || near_in_time(s, p, q));
            }
        }
        s->core[p] = cnt >= s->min_pts;
    }
}

/* The core list, and the runs of core points of one cell whose successive
 * times differ by at most tau: each run is connected, so it starts as one
 * union-find set (every member points at the run's first entry). */
static vemt_status build_core_list(scan *s) {
    const vemt_stindex *c = s->c;
    size_t nc = s->ncore ? s->ncore : 1;
    s->cstart = vemt_calloc(c->ncells + 1, sizeof *s->cstart);
    s->cpos = vemt_calloc(nc, sizeof *s->cpos);
    s->cx = vemt_calloc(nc, sizeof *s->cx);
    s->cy = vemt_calloc(nc, sizeof *s->cy);
    s->ct = vemt_calloc(nc, sizeof *s->ct);
    s->run = vemt_calloc(nc, sizeof *s->run);
    s->parent = vemt_calloc(nc, sizeof *s->parent);
    s->label = vemt_calloc(nc, sizeof *s->label);
    if (!s->cstart || !s->cpos || !s->cx || !s->cy || !s->ct || !s->run ||
        !s->parent || !s->label)
        return VEMT_E_NOMEM;
    size_t j = 0;
    for (size_t k = 0; k < c->ncells; k++) {
        s->cstart[k] = j;
        size_t first = j;
        for (size_t p = c->start[k]; p < c->start[k + 1]; p++) {
            if (!s->core[p]) continue;
            /* A run ends where the next core point is out of the time
             * window of the one before it. */
            bool apart =
                j > first &&
                (s->dated ? !near_in_time(s, s->cpos[j - 1], p)
                          : c->t[p] > vemt_add_sat(s->ct[j - 1], s->tau));
            if (apart) {
                for (size_t r = first; r < j; r++) s->run[r] = (uint32_t)j;
                first = j;
            }
            s->cpos[j] = (uint32_t)p;
            s->cx[j] = c->x[p];
            s->cy[j] = c->y[p];
            s->ct[j] = c->t[p];
            s->parent[j] = (uint32_t)first;
            j++;
        }
        for (size_t r = first; r < j; r++) s->run[r] = (uint32_t)j;
    }
    s->cstart[c->ncells] = j;
    return VEMT_OK;
}

/* Join the clusters of core points of cells k and d that are neighbours,
 * visiting each run of d once it is known to be joined. */
static void connect_cells(scan *s, size_t k, size_t d) {
    for (size_t a = s->cstart[k]; a < s->cstart[k + 1]; a++) {
        double near2, far2;
        vemt_stindex_bounds(s->c, d, s->cx[a], s->cy[a], &near2, &far2);
        if (near2 > s->eps2) continue;
        int64_t lo = vemt_add_sat(s->ct[a], -s->reach);
        int64_t hi = vemt_add_sat(s->ct[a], s->reach);
        size_t j, end;
        window(s, s->ct, s->cstart[d], s->cstart[d + 1], lo, hi, &j, &end);
        uint32_t ra = vemt_uf_find(s->parent, (uint32_t)a);
        while (j < end) {
            if (vemt_uf_find(s->parent, (uint32_t)j) == ra) {
                j = s->run[j];
                continue;
            }
            double dx = s->cx[a] - s->cx[j], dy = s->cy[a] - s->cy[j];
            if (dx * dx + dy * dy <= s->eps2 &&
                (!s->dated || near_in_time(s, s->cpos[a], s->cpos[j]))) {
                vemt_uf_union(s->parent, (uint32_t)a, (uint32_t)j);
                ra = vemt_uf_find(s->parent, (uint32_t)a);
                j = s->run[j];
                continue;
            }
            j++;
        }
    }
}

/* Lowest cluster among the core neighbours of the point at position p of
 * cell k, or VEMT_LABEL_NOISE. */
static int32_t border_label(const scan *s, size_t p, const size_t *nb,
                            size_t m) {
    const vemt_stindex *c = s->c;
    int32_t best = INT32_MAX;
    int64_t lo = vemt_add_sat(c->t[p], -s->reach);
    int64_t hi = vemt_add_sat(c->t[p], s->reach);
    for (size_t i = 0; i < m; i++) {
        size_t d = nb[i];
        double near2, far2;
        vemt_stindex_bounds(c, d, c->x[p], c->y[p], &near2, &far2);
        if (near2 > s->eps2) continue;
        size_t j, end;
        window(s, s->ct, s->cstart[d], s->cstart[d + 1], lo, hi, &j, &end);
        for (; j < end; j++) {
            if (s->label[j] >= best) continue;
            double dx = c->x[p] - s->cx[j], dy = c->y[p] - s->cy[j];
            if (dx * dx + dy * dy <= s->eps2 &&
                (!s->dated || near_in_time(s, p, s->cpos[j])))
                best = s->label[j];
        }
    }
    return best == INT32_MAX ? VEMT_LABEL_NOISE : best;
}

/* Does cluster small's core point at position p (cell k, nb: its m cells
 * around) have neighbours in other clusters? Join their clusters to small's
 * in uf (by label). */
static void join_neighbours(const scan *s, size_t p, const size_t *nb, size_t m,
                            const uint32_t *act, const int32_t *labels,
                            int32_t small, uint32_t *uf) {
    const vemt_stindex *c = s->c;
    int64_t lo = vemt_add_sat(c->t[p], -s->reach);
    int64_t hi = vemt_add_sat(c->t[p], s->reach);
    for (size_t i = 0; i < m; i++) {
        size_t d = nb[i];
        double near2, far2;
        vemt_stindex_bounds(c, d, c->x[p], c->y[p], &near2, &far2);
        if (near2 > s->eps2) continue;
        size_t a, b;
        window(s, c->t, c->start[d], c->start[d + 1], lo, hi, &a, &b);
        for (size_t q = a; q < b; q++) {
            int32_t l = labels[act[c->id[q]]];
            if (l < 0 || l == small) continue;
            double dx = c->x[p] - c->x[q], dy = c->y[p] - c->y[q];
            if (dx * dx + dy * dy <= s->eps2 &&
                (!s->dated || near_in_time(s, p, q)))
                vemt_uf_union(uf, (uint32_t)small, (uint32_t)l);
        }
    }
}

/* Ester et al. (1996), lemma 2: a cluster holds at least min_points
 * points, a core point's whole neighbourhood. A border point within eps of
 * core points of several clusters takes one label (the lowest), so a
 * cluster whose core points' neighbours were all taken can be left with
 * fewer (police.uk Nottingham burglary: a DBSCAN "cluster" of one event,
 * a core point whose four neighbours went to an earlier cluster). Such a
 * cluster is joined with every cluster holding a neighbour of one of its
 * core points: the joined cluster holds that core point's whole
 * neighbourhood, so at least min_points points, and no other cluster
 * loses a point. Numbers are then made contiguous again, in the order of
 * the lowest number joined (input order of the first core point). */
static vemt_status join_small(const scan *s, const uint32_t *act,
                              int32_t *labels, size_t *n_clusters) {
    const vemt_stindex *c = s->c;
    size_t k_all = *n_clusters;
    if (!k_all) return VEMT_OK;
    size_t *size = vemt_calloc(k_all, sizeof *size);
    uint32_t *uf = vemt_calloc(k_all, sizeof *uf);
    int32_t *renum = vemt_calloc(k_all, sizeof *renum);
    vemt_status st = size && uf && renum ? VEMT_OK : VEMT_E_NOMEM;
    bool any = false;
    for (size_t p = 0; !st && p < c->n; p++) {
        int32_t l = labels[act[c->id[p]]];
        if (l >= 0) size[l]++;
    }
    for (size_t l = 0; !st && l < k_all; l++) {
        uf[l] = (uint32_t)l;
        any |= size[l] < s->min_pts;
    }
    size_t nb[AROUND];
    for (size_t k = 0; !st && any && k < c->ncells; k++) {
        size_t m = 0;
        for (size_t p = c->start[k]; p < c->start[k + 1]; p++) {
            int32_t l = labels[act[c->id[p]]];
            if (!s->core[p] || l < 0 || size[l] >= s->min_pts) continue;
            if (!m) m = vemt_stindex_around(c, k, REACH, nb);
            join_neighbours(s, p, nb, m, act, labels, l, uf);
        }
    }
    if (!st && any) {
        /* vemt_uf_union keeps the lower root, so each set's root is its
         * lowest number, met first in this loop. */
        int32_t next = 0;
        for (size_t l = 0; l < k_all; l++) {
            uint32_t r = vemt_uf_find(uf, (uint32_t)l);
            assert(r <= l); /* vemt_uf_union keeps the lowest root */
            renum[l] = r == l ? next++ : renum[r];
        }
        for (size_t p = 0; p < c->n; p++) {
            int32_t *lab = &labels[act[c->id[p]]];
            if (*lab >= 0) *lab = renum[*lab];
        }
        *n_clusters = (size_t)next;
    }
    vemt_free(size);
    vemt_free(uf);
    vemt_free(renum);
    return st;
}

/* Number the clusters in input order of their first core point; write the
 * labels of all indexed points (ids are increasing input indices). */
static vemt_status number_clusters(scan *s, const uint32_t *act,
                                   bool border_noise, int32_t *labels,
                                   bool *core, size_t *n_clusters) {
    const vemt_stindex *c = s->c;
    uint32_t *inv = vemt_calloc(c->n ? c->n : 1, sizeof *inv);
    uint32_t *cidx = vemt_calloc(c->n ? c->n : 1, sizeof *cidx);
    int32_t *root_label = vemt_calloc(s->ncore ? s->ncore : 1, sizeof(int32_t));
    vemt_status st = inv && cidx && root_label ? VEMT_OK : VEMT_E_NOMEM;
    size_t nb[AROUND];
    int32_t next = 0;
    for (size_t p = 0; !st && p < c->n; p++) {
        inv[c->id[p]] = (uint32_t)p;
        cidx[p] = UINT32_MAX;
    }
    for (size_t j = 0; !st && j < s->ncore; j++) {
        cidx[s->cpos[j]] = (uint32_t)j;
        root_label[j] = -1;
    }
    for (size_t i = 0; !st && i < c->n; i++) {
        uint32_t j = cidx[inv[i]];
        if (j == UINT32_MAX) continue;
        uint32_t r = vemt_uf_find(s->parent, j);
        if (root_label[r] < 0) root_label[r] = next++;
    }
    for (size_t j = 0; !st && j < s->ncore; j++)
        s->label[j] = root_label[vemt_uf_find(s->parent, (uint32_t)j)];
    for (size_t k = 0; !st && k < c->ncells; k++) {
        size_t m = vemt_stindex_around(c, k, REACH, nb);
        for (size_t p = c->start[k]; p < c->start[k + 1]; p++) {
            size_t out = act[c->id[p]];
            if (core) core[out] = s->core[p];
            if (s->core[p])
                labels[out] = s->label[cidx[p]];
            else if (border_noise)
                labels[out] = VEMT_LABEL_NOISE;
            else
                labels[out] = border_label(s, p, nb, m);
        }
    }
    *n_clusters = (size_t)next;
    vemt_free(inv);
    vemt_free(cidx);
    vemt_free(root_label);
    return st;
}

/* With calendar dates (opts->date) and a time known only to the day among
 * the points: every position's date and exactness, and the window searched
 * widened by the slack, twice the largest |date * 86400 - t|, since a pair
 * within tau in calendar days is at most that further apart in t. */
static vemt_status date_positions(scan *s, const vemt_points *pts,
                                  const int32_t *date) {
    const vemt_stindex *c = s->c;
    bool any_day = false;
    for (size_t i = 0; date && pts->precision && i < c->n; i++)
        any_day |= pts->precision[i] > VEMT_PREC_MINUTE;
    s->reach = s->tau;
    if (!s->timed || !any_day) return VEMT_OK;
    s->dated = true;
    s->cal = vemt_calloc(c->n, sizeof *s->cal);
    s->exact = vemt_calloc(c->n, sizeof *s->exact);
    if (!s->cal || !s->exact) return VEMT_E_NOMEM;
    int64_t slack = 0;
    for (size_t p = 0; p < c->n; p++) {
        uint32_t i = c->id[p];
        s->cal[p] = (int64_t)date[i] * 86400;
        s->exact[p] = pts->precision[i] <= VEMT_PREC_MINUTE;
        int64_t off = s->cal[p] - c->t[p];
        off = off < 0 ? -off : off;
        if (off > slack) slack = off;
    }
    s->reach = vemt_add_sat(s->tau, vemt_add_sat(slack, slack));
    return VEMT_OK;
}

static vemt_status scan_points(vemt_ctx *ctx, const vemt_points *pts,
                               const int32_t *date, const vemt_dbscan_opts *o,
                               const uint32_t *act, const uint32_t *ids,
                               size_t m, int32_t *labels, bool *core,
                               size_t *n_clusters) {
    scan s = {0};
    vemt_stindex *c = NULL;
    /* Just under eps / sqrt 2, so rounding can never put two points more
     * than eps apart into one cell (coordinates resolve 1e-7 m at 1e9). */
    double side = o->eps_m / sqrt(2.0) - (1e-6 + 1e-9 * o->eps_m);
    vemt_status st = vemt_stindex_create(
        ctx, pts->x, pts->y, o->space_time ? pts->t : NULL, ids, m, side, &c);
    if (st) return st;
    s.c = c;
    s.eps2 = o->eps_m * o->eps_m;
    s.tau = o->space_time ? o->eps_s : 0;
    s.timed = o->space_time;
    s.min_pts = o->min_points;
    s.core = vemt_calloc(m ? m : 1, 1);
    size_t nb[AROUND];
    if (!s.core) st = VEMT_E_NOMEM;
    if (!st) st = date_positions(&s, pts, date);
    for (size_t k = 0; !st && k < c->ncells; k++) {
        size_t cnt = vemt_stindex_around(c, k, REACH, nb);
        find_core(&s, k, nb, cnt);
    }
    for (size_t p = 0; !st && p < m; p++) s.ncore += s.core[p];
    if (!st) st = build_core_list(&s);
    for (size_t k = 0; !st && k < c->ncells; k++) {
        if (s.cstart[k] == s.cstart[k + 1]) continue;
        size_t cnt = vemt_stindex_around(c, k, REACH, nb);
        for (size_t j = 1; j < cnt; j++)
            if (nb[j] > k && s.cstart[nb[j]] < s.cstart[nb[j] + 1])
                connect_cells(&s, k, nb[j]);
    }
    if (!st)
        st =
            number_clusters(&s, act, o->border_noise, labels, core, n_clusters);
    if (!st && !o->border_noise && !o->split_small)
        st = join_small(&s, act, labels, n_clusters);
    scan_free(&s);
    vemt_stindex_destroy(c);
    return st;
}

static vemt_status check_dbscan_opts(vemt_ctx *ctx, const vemt_dbscan_opts *o) {
    if (!(o->eps_m >= 0.001) || !(o->eps_m <= 1e7))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "DBSCAN eps must be from 0.001 m to 10,000 km, "
                             "got %g",
                             o->eps_m);
    if (o->min_points < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "DBSCAN min_points must be at least 1");
    if (o->space_time && o->eps_s < 0)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "ST-DBSCAN time window must not be negative");
    return VEMT_OK;
}

vemt_status vemt_dbscan_compute(vemt_ctx *ctx, const vemt_points *pts,
                                const vemt_dbscan_opts *opts, int32_t *labels,
                                bool *core, size_t *n_clusters) {
    *n_clusters = 0;
    vemt_status st = check_dbscan_opts(ctx, opts);
    if (!st) st = vemt_points_check(ctx, pts, opts->space_time, "DBSCAN");
    if (st) return st;
    size_t n = pts->n;
    /* act: input index of each taking part; ids: 0..m-1 in that order. */
    uint32_t *act = vemt_calloc(n ? n : 1, sizeof *act);
    uint32_t *ids = vemt_calloc(n ? n : 1, sizeof *ids);
    if (!act || !ids) st = VEMT_E_NOMEM;
    size_t m = 0;
    for (size_t i = 0; !st && i < n; i++) {
        bool month = pts->precision && pts->precision[i] == VEMT_PREC_MONTH;
        labels[i] = VEMT_LABEL_EXCLUDED;
        if (core) core[i] = false;
        if (opts->space_time && month) continue;
        act[m] = (uint32_t)i;
        ids[m] = (uint32_t)m;
        m++;
    }
    if (!st && m == n) {
        st = scan_points(ctx, pts, opts->date, opts, act, ids, m, labels, core,
                         n_clusters);
    } else if (!st) {
        /* Pack the taking-part points so that ids index them. */
        size_t cap = m ? m : 1;
        double *x = vemt_calloc(cap, sizeof *x);
        double *y = vemt_calloc(cap, sizeof *y);
        int64_t *t = vemt_calloc(cap, sizeof *t);
        uint8_t *prec = pts->precision ? vemt_calloc(cap, 1) : NULL;
        int32_t *date = opts->date ? vemt_calloc(cap, sizeof *date) : NULL;
        if (!x || !y || !t || (pts->precision && !prec) ||
            (opts->date && !date))
            st = VEMT_E_NOMEM;
        for (size_t j = 0; !st && j < m; j++) {
            x[j] = pts->x[act[j]];
            y[j] = pts->y[act[j]];
            t[j] = pts->t ? pts->t[act[j]] : 0;
            if (prec) prec[j] = pts->precision[act[j]];
            if (date) date[j] = opts->date[act[j]];
        }
        vemt_points packed = {m, x, y, t, prec, NULL};
        if (!st)
            st = scan_points(ctx, &packed, date, opts, act, ids, m, labels,
                             core, n_clusters);
        vemt_free(x);
        vemt_free(y);
        vemt_free(t);
        vemt_free(prec);
        vemt_free(date);
    }
    vemt_free(act);
    vemt_free(ids);
    return st;
}
