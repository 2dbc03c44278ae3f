/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hdbscan.c
 * @brief HDBSCAN*: core distances and the mutual reachability minimum
 * spanning tree, in memory linear in n.
 *
 * Campello, Moulavi & Sander (2013), "Density-based clustering based on
 * hierarchical density estimates", PAKDD 2013, LNCS 7819:160-172,
 * doi:10.1007/978-3-642-37456-2_14. The reference implementation is R's
 * dbscan::hdbscan() 1.1-11 (Hahsler, Piekenbrock & Doran 2019, "dbscan:
 * Fast density-based clustering with R", Journal of Statistical Software
 * 91(1), doi:10.18637/jss.v091.i01); vemt gives the same labels, ties
 * included, by reproducing its steps exactly:
 *
 * 1. Core distance of a point: the distance to its (minPts - 1)-th nearest
 *    other point (R: kNNdist(x, k = minPts - 1)), i.e. to the minPts-th
 *    nearest counting the point itself. R has one minPts for this and for
 *    the smallest cluster; min_samples sets this one apart.
 * 2. R's prims() runs Prim's algorithm (Prim 1957, "Shortest connection
 *    networks and some generalizations", Bell System Technical Journal
 *    36(6):1389-1401, doi:10.1002/j.1538-7305.1957.tb01515.x) over the
 *    full mutual reachability matrix from point 1, taking at each step the
 *    outside point with the least distance to the tree, the lowest index
 *    among equals, and records the edge from that point to the point added
 *    just before it (not to its neighbour in the tree) with that distance.
 *    Those edges form a path in Prim's order with the single-linkage
 *    hierarchy of the minimum spanning tree (Prim takes every point of a
 *    group joined below a level before any edge above it, so each group is
 *    a run of the order), and their order among equal heights decides how
 *    R splits ties. vemt runs the same Prim without the matrix: each tree
 *    point keeps its nearest outside point, found in a k-d tree that knows
 *    which points are still outside; a heap keyed by (distance, index)
 *    gives the next point, stale entries being refreshed when they surface
 *    (a lazy Prim). Distances and ties equal R's because both take
 *    sqrt(dx * dx + dy * dy) in double and the same maxima.
 * 3. hdbtree.c builds R's cluster tree from the path.
 */
#include "engine/hdbscan.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/kdtree.h"
#include "engine/points.h"

/* Lazy Prim: a heap of tree points keyed by (distance, index) of their
 * nearest outside point. An entry whose outside point has since joined the
 * tree is a lower bound of that tree point's new nearest, so it is
 * refreshed when it surfaces; the first valid entry on top is Prim's next
 * point. Each tree point keeps the CACHE nearest outside points of its
 * last query, sorted; the first still outside is its nearest (points only
 * leave), so queries repeat only when all have left. */
#ifndef CACHE
#define CACHE 8
#endif

typedef struct prim {
    vemt_kdtree *t;
    uint32_t *pos;   /* per point index: position in the k-d tree */
    uint32_t *stack; /* for the queries */
    double *cv;      /* per tree position: CACHE distances */
    uint32_t *ci;    /* per tree position: CACHE point indices */
    uint8_t *head;   /* per tree position: first cached entry still used */
    uint8_t *len;    /* per tree position: cached entries */
    double *hv;      /* heap: distance */
    uint32_t *hi;    /* heap: outside point index */
    uint32_t *hq;    /* heap: tree position */
    size_t m;
} prim;

static bool before(const prim *pr, size_t a, size_t b) {
    return pr->hv[a] < pr->hv[b] ||
           (pr->hv[a] == pr->hv[b] && pr->hi[a] < pr->hi[b]);
}

static void heap_move(prim *pr, size_t to, size_t from) {
    pr->hv[to] = pr->hv[from];
    pr->hi[to] = pr->hi[from];
    pr->hq[to] = pr->hq[from];
}

static void heap_push(prim *pr, double v, uint32_t id, uint32_t q) {
    size_t i = pr->m++;
    while (i > 0 && (v < pr->hv[(i - 1) / 2] ||
                     (v == pr->hv[(i - 1) / 2] && id < pr->hi[(i - 1) / 2]))) {
        heap_move(pr, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    pr->hv[i] = v;
    pr->hi[i] = id;
    pr->hq[i] = q;
}

/* Remove the top; the last entry sinks from the root. */
static void heap_pop(prim *pr) {
    size_t last = --pr->m, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= pr->m) break;
        if (c + 1 < pr->m && before(pr, c + 1, c)) c++;
        if (!before(pr, c, last)) break;
        heap_move(pr, i, c);
        i = c;
    }
    heap_move(pr, i, last);
}

/* Queue tree point q's nearest outside point, querying when its cache is
 * used up. */
static void queue_nearest(prim *pr, uint32_t q) {
    size_t at = (size_t)q * CACHE;
    while (pr->head[q] < pr->len[q] &&
           pr->t->gone[pr->pos[pr->ci[at + pr->head[q]]]])
        pr->head[q]++;
    if (pr->head[q] == pr->len[q]) {
        pr->len[q] = (uint8_t)vemt_kdtree_nearest_mr(pr->t, q, CACHE, pr->stack,
                                                     pr->cv + at, pr->ci + at);
        pr->head[q] = 0;
        if (!pr->len[q]) return;
    }
    heap_push(pr, pr->cv[at + pr->head[q]], pr->ci[at + pr->head[q]], q);
}

static void prim_free(prim *pr) {
    vemt_free(pr->pos);
    vemt_free(pr->stack);
    vemt_free(pr->cv);
    vemt_free(pr->ci);
    vemt_free(pr->head);
    vemt_free(pr->len);
    vemt_free(pr->hv);
    vemt_free(pr->hi);
    vemt_free(pr->hq);
}

static vemt_status prim_alloc(prim *pr, vemt_kdtree *t) {
    size_t n = t->n;
    pr->t = t;
    pr->pos = vemt_calloc(n, sizeof *pr->pos);
    pr->stack = vemt_calloc(t->nnodes + 1, sizeof *pr->stack);
    pr->cv = vemt_calloc(n * CACHE, sizeof *pr->cv);
    pr->ci = vemt_calloc(n * CACHE, sizeof *pr->ci);
    pr->head = vemt_calloc(n, 1);
    pr->len = vemt_calloc(n, 1);
    pr->hv = vemt_calloc(n, sizeof *pr->hv);
    pr->hi = vemt_calloc(n, sizeof *pr->hi);
    pr->hq = vemt_calloc(n, sizeof *pr->hq);
    if (!pr->pos || !pr->stack || !pr->cv || !pr->ci || !pr->head || !pr->len ||
        !pr->hv || !pr->hi || !pr->hq)
        return VEMT_E_NOMEM;
    for (size_t p = 0; p < n; p++) pr->pos[t->id[p]] = (uint32_t)p;
    return VEMT_OK;
}

/* Prim's path (see the file comment), n - 1 edges into a, b, w. */
static vemt_status prim_path(vemt_kdtree *t, uint32_t *a, uint32_t *b,
                             double *w) {
    prim pr = {0};
    vemt_status st = prim_alloc(&pr, t);
    uint32_t prev = 0;
    size_t k = 0;
    if (!st) {
        vemt_kdtree_remove(t, pr.pos[0]);
        queue_nearest(&pr, pr.pos[0]);
    }
    while (!st && k + 1 < t->n && pr.m) {
        double v = pr.hv[0];
        uint32_t id = pr.hi[0], q = pr.hq[0];
        heap_pop(&pr);
        if (!t->gone[pr.pos[id]]) {
            a[k] = id;
            b[k] = prev;
            w[k++] = v;
            prev = id;
            vemt_kdtree_remove(t, pr.pos[id]);
            queue_nearest(&pr, pr.pos[id]);
        }
        queue_nearest(&pr, q); /* q's nearest has been taken */
    }
    /* Every point is reachable (finite distances), so the path is whole. */
    if (!st && k + 1 != t->n) st = VEMT_E_ARG;
    prim_free(&pr);
    return st;
}

/* Core distances (step 1): cd[i] for point index i. */
static vemt_status core_distances(const vemt_kdtree *t, size_t ms, double *cd) {
    if (ms < 2) {
        memset(cd, 0, t->n * sizeof *cd);
        return VEMT_OK;
    }
    double *heap = vemt_calloc(ms, sizeof *heap);
    if (!heap) return VEMT_E_NOMEM;
    for (size_t p = 0; p < t->n; p++)
        cd[t->id[p]] = sqrt(vemt_kdtree_kth_d2(t, p, ms - 1, heap));
    vemt_free(heap);
    return VEMT_OK;
}

/* Too few points for a core distance: everything is noise. */
static void all_noise(size_t n, vemt_hdb_out *o) {
    for (size_t i = 0; i < n; i++) {
        o->labels[i] = VEMT_LABEL_NOISE;
        if (o->membership) o->membership[i] = 0;
        if (o->outlier) o->outlier[i] = 0;
    }
}

static vemt_status hdbscan_run(const vemt_points *pts, size_t mcs, size_t ms,
                               vemt_hdb_out *o) {
    size_t n = pts->n;
    vemt_kdtree *t = NULL;
    uint32_t *a = vemt_calloc(n, sizeof *a);
    uint32_t *b = vemt_calloc(n, sizeof *b);
    double *w = vemt_calloc(n, sizeof *w), *cd = vemt_calloc(n, sizeof *cd);
    vemt_status st = a && b && w && cd ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) st = vemt_kdtree_create(NULL, pts->x, pts->y, n, &t);
    if (!st) st = core_distances(t, ms, cd);
    if (!st) st = vemt_kdtree_arm(t, cd);
    if (!st) st = prim_path(t, a, b, w);
    if (!st) st = vemt_hdb_tree(n, a, b, w, cd, mcs, o);
    vemt_kdtree_destroy(t);
    vemt_free(a);
    vemt_free(b);
    vemt_free(w);
    vemt_free(cd);
    return st;
}

vemt_status vemt_hdbscan_compute(vemt_ctx *ctx, const vemt_points *pts,
                                 const vemt_hdbscan_opts *opts, int32_t *labels,
                                 double *membership, double *outlier,
                                 size_t *n_clusters, double **stability) {
    *n_clusters = 0;
    if (stability) *stability = NULL;
    size_t mcs = opts->min_cluster_size;
    size_t ms = opts->min_samples ? opts->min_samples : mcs;
    if (mcs < 2)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "HDBSCAN min_cluster_size must be at least 2");
    vemt_status st = vemt_points_check(ctx, pts, false, "HDBSCAN");
    if (st) return st;
    vemt_hdb_out o = {labels, membership, outlier, 0, NULL};
    if (pts->n < 2 || pts->n < ms)
        all_noise(pts->n, &o);
    else
        st = hdbscan_run(pts, mcs, ms, &o);
    if (st) return st;
    *n_clusters = o.n_clusters;
    if (stability)
        *stability = o.stability;
    else
        vemt_free(o.stability);
    return VEMT_OK;
}
