/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file childperm.c
 * @brief Child-level (repeat-aware) Gi*: Gi* on the number of distinct
 * children found in each unit, with a permutation null that moves whole
 * children, so that one child found again and again cannot make a
 * significant hot spot alone.
 *
 * The null. Event counts break the independence that Gi*'s normal p-value
 * and a permutation of unit values both assume: one child found 50 times
 * in a unit is one source, not 50. Counting distinct children per unit
 * makes each child count once per place. The units where a child is found
 * are still not independent of each other (a child found near home is
 * found nearby again), so the permutation moves each child's whole set of
 * units as a block: a rigid translation that takes the child's anchor (its
 * first unit) to a unit drawn uniformly at random and every other unit of
 * the set by the same offset, snapped to the unit whose centre is within
 * half its nearest-neighbour spacing (on square and hexagon grids the
 * translation maps centres onto centres exactly). Children move
 * independently of each other, and Gi* is recomputed on the moved
 * children's distinct counts. This is the random-relocation null of
 * cluster tests that condition on each case's pattern (Besag & Newell
 * 1991, "The detection of clusters in rare diseases", J. R. Stat. Soc. A
 * 154(1):143-155, doi:10.2307/2982708, which count cases rather than
 * events); the block keeps the child's own spatial pattern, so only where
 * children are found relative to each other is tested.
 * A block that does not fit in the study area is drawn again, up to
 * BLOCK_TRIES times; after that the units that do not fit are dropped for
 * that permutation. Unit i's p-value compares its observed Gi* z with the
 * R permuted ones, two-sided, with vemt_gistar_permute's formula.
 */
#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/montecarlo.h"
#include "engine/pindex.h"

#define BLOCK_TRIES 32

typedef struct child_run {
    vemt_ctx *ctx; /* only for vemt_gistar_compute, which cannot fail here */
    const vemt_weights *w;
    const double *xy;
    size_t n;
    const vemt_child_units *ch;
    const vemt_perm_opts *perm;
    double *snap_r;  /* per unit: half the distance to its nearest unit */
    double snap_max; /* the largest of them */
    vemt_pindex *ix;
    const double *z_obs;
    size_t max_set;
} child_run;

typedef struct child_worker {
    child_run *run;
    double *x, *z, *p; /* the moved children's counts and their Gi* */
    uint32_t *stamp;   /* per unit: last child counted there */
    size_t *target;    /* the current child's moved units */
    size_t *ge, *le;   /* per unit: permuted z >= and <= observed */
} child_worker;

/* The unit whose centre is nearest to (px, py) among those within their
 * snapping radius of it; false when there is none. */
static bool snap(const child_run *r, double px, double py, size_t *out) {
    double best = HUGE_VAL;
    size_t j;
    for (vemt_pindex_iter it = vemt_pindex_near(r->ix, px, py, r->snap_max);
         vemt_pindex_next(&it, &j);) {
        double dx = r->xy[2 * j] - px, dy = r->xy[2 * j + 1] - py;
        double d = sqrt(dx * dx + dy * dy);
        if (d <= r->snap_r[j] * (1 + 1e-9) && d < best) {
            best = d;
            *out = j;
        }
    }
    return best < HUGE_VAL;
}

/* Move child c's units so its anchor lands on a random unit; returns how
 * many of them landed (into wk->target). */
static size_t move_child(const child_run *r, child_worker *wk, size_t c,
                         vemt_stream *s) {
    const size_t *set = r->ch->units + r->ch->start[c];
    size_t k = r->ch->start[c + 1] - r->ch->start[c], m = 0;
    for (int attempt = 0; attempt < BLOCK_TRIES; attempt++) {
        size_t a = vemt_stream_below(s, (uint32_t)r->n);
        double vx = r->xy[2 * a] - r->xy[2 * set[0]];
        double vy = r->xy[2 * a + 1] - r->xy[2 * set[0]];
        wk->target[0] = a;
        m = 1;
        for (size_t j = 1; j < k; j++)
            if (snap(r, r->xy[2 * set[j]] + vx, r->xy[2 * set[j] + 1] + vy,
                     &wk->target[m]))
                m++;
        if (m == k) break;
    }
    return m;
}

/* Permutation `item`: move every child, recompute Gi*, compare. */
static void child_item(void *arg, size_t item) {
    child_worker *wk = arg;
    const child_run *r = wk->run;
    vemt_stream s = vemt_stream_for(r->perm->seed, item);
    memset(wk->x, 0, r->n * sizeof *wk->x);
    memset(wk->stamp, 0xff, r->n * sizeof *wk->stamp);
    for (size_t c = 0; c < r->ch->n_children; c++) {
        if (r->ch->start[c + 1] == r->ch->start[c]) continue;
        size_t m = move_child(r, wk, c, &s);
        for (size_t j = 0; j < m; j++)
            if (wk->stamp[wk->target[j]] != (uint32_t)c) {
                wk->stamp[wk->target[j]] = (uint32_t)c;
                wk->x[wk->target[j]] += 1;
            }
    }
    vemt_gistar_compute(r->ctx, r->w, wk->x, r->n, wk->z, wk->p);
    for (size_t i = 0; i < r->n; i++) {
        /* A permutation where Gi* is undefined counts against the unit. */
        bool undefined = isnan(wk->z[i]);
        wk->ge[i] += undefined || wk->z[i] >= r->z_obs[i] - 1e-9;
        wk->le[i] += undefined || wk->z[i] <= r->z_obs[i] + 1e-9;
    }
}

/* Children's lists in range and distinct; the largest set. */
static vemt_status check_children(vemt_ctx *ctx, const vemt_child_units *ch,
                                  size_t n, uint32_t *stamp, size_t *max_set) {
    if (ch->n_children >= UINT32_MAX || !ch->start || ch->start[0] != 0)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "children's units must start at offset 0, "
                             "fewer than 2^32 children");
    memset(stamp, 0xff, n * sizeof *stamp);
    *max_set = 1;
    for (size_t c = 0; c < ch->n_children; c++) {
        if (ch->start[c + 1] < ch->start[c])
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "child %zu's unit offsets go backwards", c);
        size_t k = ch->start[c + 1] - ch->start[c];
        if (k > *max_set) *max_set = k;
        for (size_t j = ch->start[c]; j < ch->start[c + 1]; j++) {
            size_t u = ch->units[j];
            if (u >= n || stamp[u] == (uint32_t)c)
                return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                     "child %zu lists unit %zu, out of range "
                                     "or twice",
                                     c, u);
            stamp[u] = (uint32_t)c;
        }
    }
    return VEMT_OK;
}

/* Snapping radii (half the nearest-neighbour distance) and the index. */
static vemt_status snapping(vemt_ctx *ctx, child_run *r) {
    vemt_weights *nn = NULL;
    vemt_status st = vemt_weights_knn(ctx, r->xy, r->n, 1, false, &nn);
    if (st) return st;
    double side = 0;
    for (size_t i = 0; i < r->n; i++) {
        const size_t *nb;
        size_t c;
        vemt_weights_neighbours(nn, i, &nb, &c);
        double dx = r->xy[2 * nb[0]] - r->xy[2 * i];
        double dy = r->xy[2 * nb[0] + 1] - r->xy[2 * i + 1];
        r->snap_r[i] = 0.5 * sqrt(dx * dx + dy * dy);
        if (r->snap_r[i] > side) side = r->snap_r[i];
    }
    vemt_weights_destroy(nn);
    r->snap_max = side;
    return vemt_pindex_create(ctx, r->xy, r->n, side > 0 ? side : 1, &r->ix);
}

static void free_workers(child_worker *wk, unsigned nw) {
    for (unsigned t = 0; wk && t < nw; t++) {
        vemt_free(wk[t].x);
        vemt_free(wk[t].z);
        vemt_free(wk[t].p);
        vemt_free(wk[t].stamp);
        vemt_free(wk[t].target);
        vemt_free(wk[t].ge);
        vemt_free(wk[t].le);
    }
    vemt_free(wk);
}

static child_worker *make_workers(child_run *r, unsigned nw) {
    child_worker *wk = vemt_calloc(nw, sizeof *wk);
    for (unsigned t = 0; wk && t < nw; t++) {
        child_worker *w = &wk[t];
        w->run = r;
        w->x = vemt_calloc(r->n, sizeof *w->x);
        w->z = vemt_calloc(r->n, sizeof *w->z);
        w->p = vemt_calloc(r->n, sizeof *w->p);
        w->stamp = vemt_calloc(r->n, sizeof *w->stamp);
        w->target = vemt_calloc(r->max_set, sizeof *w->target);
        w->ge = vemt_calloc(r->n, sizeof *w->ge);
        w->le = vemt_calloc(r->n, sizeof *w->le);
        if (!w->x || !w->z || !w->p || !w->stamp || !w->target || !w->ge ||
            !w->le) {
            free_workers(wk, nw);
            return NULL;
        }
    }
    return wk;
}

/* Observed distinct children per unit into x and their Gi* into z. */
static vemt_status observe(child_run *r, child_worker *wk, double *x,
                           double *z) {
    const vemt_child_units *ch = r->ch;
    memset(x, 0, r->n * sizeof *x);
    for (size_t j = 0; j < ch->start[ch->n_children]; j++) x[ch->units[j]]++;
    return vemt_gistar_compute(r->ctx, r->w, x, r->n, z, wk->p);
}

vemt_status vemt_gistar_child_permute(vemt_ctx *ctx, const vemt_weights *w,
                                      const double *xy, size_t n,
                                      const vemt_child_units *children,
                                      const vemt_perm_opts *opts, double *x,
                                      double *z, double *p_sim) {
    if (n != vemt_weights_n(w) || n < 2 || n >= UINT32_MAX ||
        opts->permutations < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the child-level test needs 2 to 2^32 - 1 units "
                             "matching the weights (got %zu for %zu) and "
                             "R >= 1",
                             n, vemt_weights_n(w));
    child_run r = {.ctx = ctx,
                   .w = w,
                   .xy = xy,
                   .n = n,
                   .ch = children,
                   .perm = opts,
                   .z_obs = z};
    unsigned nw = vemt_mc_threads(opts);
    child_worker *wk = NULL;
    double *xo = x ? x : vemt_calloc(n, sizeof *xo);
    r.snap_r = vemt_calloc(n, sizeof *r.snap_r);
    uint32_t *stamp = vemt_calloc(n, sizeof *stamp);
    vemt_status st = VEMT_E_NOMEM;
    if (!xo || !r.snap_r || !stamp) goto done;
    if ((st = check_children(ctx, children, n, stamp, &r.max_set)) ||
        (st = snapping(ctx, &r)))
        goto done;
    st = VEMT_E_NOMEM;
    if (!(wk = make_workers(&r, nw))) goto done;
    if ((st = observe(&r, wk, xo, z))) goto done;
    vemt_mc_run(ctx, "child permutations", opts->permutations, 1, wk,
                sizeof *wk, nw, child_item);
    for (size_t i = 0; i < n; i++) {
        size_t ge = 0, le = 0;
        for (unsigned t = 0; t < nw; t++) {
            ge += wk[t].ge[i];
            le += wk[t].le[i];
        }
        p_sim[i] = isnan(z[i])
                       ? (double)NAN
                       : vemt_mc_p_two_sided(ge, le, opts->permutations);
    }
done:
    free_workers(wk, nw);
    vemt_pindex_destroy(r.ix);
    vemt_free(r.snap_r);
    vemt_free(stamp);
    if (xo != x) vemt_free(xo);
    return st;
}
