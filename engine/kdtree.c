/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file kdtree.c
 * @brief Two-dimensional k-d tree (Bentley 1975, "Multidimensional binary
 * search trees used for associative searching", Communications of the ACM
 * 18(9):509-517, doi:10.1145/361002.361007): median splits on the wider
 * side of each node's bounding box, buckets of at most LEAF points;
 * nearest-neighbour search depth first, nearer child first, pruned by box
 * distance (Friedman, Bentley & Finkel 1977, doi:10.1145/355744.355745).
 * For Prim's algorithm each node also keeps, over its points not yet
 * removed, their number, least core distance and least index, which bound
 * the mutual reachability distance and the tie-break from below.
 */
#include "engine/kdtree.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/montecarlo.h"

#define LEAF 8

static void swap_pos(vemt_kdtree *t, size_t a, size_t b) {
    uint32_t i = t->id[a];
    double x = t->x[a], y = t->y[a];
    t->id[a] = t->id[b];
    t->x[a] = t->x[b];
    t->y[a] = t->y[b];
    t->id[b] = i;
    t->x[b] = x;
    t->y[b] = y;
}

/* Put the k-th smallest of positions [lo, hi) by axis (0 = x) at k, the
 * smaller ones before it and the larger after (Hoare's FIND, 1961,
 * Communications of the ACM 4(7):321-322, doi:10.1145/366622.366647). */
static void select_kth(vemt_kdtree *t, size_t lo_, size_t hi_, size_t k_,
                       int axis) {
    const double *v = axis ? t->y : t->x;
    long lo = (long)lo_, hi = (long)hi_ - 1, k = (long)k_;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) swap_pos(t, (size_t)mid, (size_t)lo);
        if (v[hi] < v[lo]) swap_pos(t, (size_t)hi, (size_t)lo);
        if (v[hi] < v[mid]) swap_pos(t, (size_t)hi, (size_t)mid);
        double pivot = v[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) swap_pos(t, (size_t)i++, (size_t)j--);
        }
        /* Now [lo, j] <= pivot <= [i, hi], and anything between equals it. */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

static void node_box(vemt_kdtree *t, size_t nd) {
    double *b = &t->box[4 * nd];
    b[0] = b[2] = INFINITY;
    b[1] = b[3] = -INFINITY;
    for (size_t p = t->lo[nd]; p < t->hi[nd]; p++) {
        b[0] = fmin(b[0], t->x[p]);
        b[1] = fmax(b[1], t->x[p]);
        b[2] = fmin(b[2], t->y[p]);
        b[3] = fmax(b[3], t->y[p]);
    }
}

/* Node nd's own work: its box, and then either its points' leaf or (its
 * children already numbered) the median split of its positions on the
 * wider side of its box. Nodes of one level own disjoint positions. */
static void split_node(vemt_kdtree *t, size_t nd) {
    node_box(t, nd);
    size_t lo = t->lo[nd], hi = t->hi[nd];
    if (!t->kid[nd]) {
        for (size_t p = lo; p < hi; p++) t->leaf[p] = (uint32_t)nd;
        return;
    }
    const double *b = &t->box[4 * nd];
    int axis = b[3] - b[2] > b[1] - b[0];
    select_kth(t, lo, hi, t->hi[t->kid[nd]], axis);
}

/* One level of the build for vemt_mc_run: item i is node first + i. */
typedef struct level_job {
    vemt_kdtree *t;
    size_t first;
} level_job;

static void level_item(void *worker, size_t i) {
    const level_job *job = worker;
    split_node(job->t, job->first + i);
}

/* Breadth first, a level at a time: a level's nodes are numbered, and
 * their children numbered in their order (children always come after
 * their parent), before any of them is split; then its nodes are split
 * on the context's threads. Each node's split depends only on its own
 * positions, so the tree is the same for any number of threads. */
static void build(const vemt_ctx *ctx, vemt_kdtree *t) {
    t->nnodes = 1;
    t->lo[0] = 0;
    t->hi[0] = (uint32_t)t->n;
    t->up[0] = 0;
    vemt_perm_opts o = {.threads = ctx ? vemt_ctx_threads(ctx) : 1};
    unsigned nt = vemt_mc_threads(&o);
    for (size_t a = 0, b = 1; a < b; a = b, b = t->nnodes) {
        for (size_t nd = a; nd < b; nd++) {
            size_t lo = t->lo[nd], hi = t->hi[nd];
            t->kid[nd] = 0;
            if (hi - lo <= LEAF) continue;
            size_t mid = lo + (hi - lo) / 2, k = t->nnodes;
            t->nnodes += 2;
            t->kid[nd] = (uint32_t)k;
            t->lo[k] = (uint32_t)lo;
            t->hi[k] = (uint32_t)mid;
            t->lo[k + 1] = (uint32_t)mid;
            t->hi[k + 1] = (uint32_t)hi;
            t->up[k] = t->up[k + 1] = (uint32_t)nd;
        }
        level_job job = {t, a};
        if (ctx && nt > 1)
            vemt_mc_run(ctx, "k-d tree", b - a, (b - a) / 64 + 1, &job, 0, nt,
                        level_item);
        else
            for (size_t nd = a; nd < b; nd++) split_node(t, nd);
    }
}

vemt_status vemt_kdtree_create(const vemt_ctx *ctx, const double *x,
                               const double *y, size_t n, vemt_kdtree **out) {
    *out = NULL;
    vemt_kdtree *t = vemt_calloc(1, sizeof *t);
    if (!t) return VEMT_E_NOMEM;
    size_t cap = n ? n : 1, ncap = 4 * (n / LEAF) + 4;
    t->n = n;
    t->box = vemt_calloc(4 * ncap, sizeof *t->box);
    t->lo = vemt_calloc(ncap, sizeof *t->lo);
    t->hi = vemt_calloc(ncap, sizeof *t->hi);
    t->kid = vemt_calloc(ncap, sizeof *t->kid);
    t->up = vemt_calloc(ncap, sizeof *t->up);
    t->id = vemt_calloc(cap, sizeof *t->id);
    t->leaf = vemt_calloc(cap, sizeof *t->leaf);
    t->x = vemt_calloc(cap, sizeof *t->x);
    t->y = vemt_calloc(cap, sizeof *t->y);
    if (!t->box || !t->lo || !t->hi || !t->kid || !t->up || !t->id ||
        !t->leaf || !t->x || !t->y) {
        vemt_kdtree_destroy(t);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        t->id[i] = (uint32_t)i;
        t->x[i] = x[i];
        t->y[i] = y[i];
    }
    build(ctx, t);
    *out = t;
    return VEMT_OK;
}

void vemt_kdtree_destroy(vemt_kdtree *t) {
    if (!t) return;
    vemt_free(t->box);
    vemt_free(t->lo);
    vemt_free(t->hi);
    vemt_free(t->kid);
    vemt_free(t->up);
    vemt_free(t->id);
    vemt_free(t->leaf);
    vemt_free(t->x);
    vemt_free(t->y);
    vemt_free(t->cd);
    vemt_free(t->gone);
    vemt_free(t->left);
    vemt_free(t->mincd);
    vemt_free(t->minid);
    vemt_free(t);
}

/* Squared distance from (x, y) to node nd's box. Rounding is monotone, so
 * this never exceeds the computed distance to a point in the box. */
static double box_d2(const vemt_kdtree *t, size_t nd, double x, double y) {
    const double *b = &t->box[4 * nd];
    double gx = x < b[0] ? b[0] - x : x > b[1] ? x - b[1] : 0;
    double gy = y < b[2] ? b[2] - y : y > b[3] ? y - b[3] : 0;
    return gx * gx + gy * gy;
}

/* Max-heap of the k smallest squared distances seen. */
static void heap_offer(double *h, size_t *m, size_t k, double d2) {
    size_t i;
    if (*m < k) {
        i = (*m)++;
        while (i > 0 && h[(i - 1) / 2] < d2) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = d2;
        return;
    }
    if (d2 >= h[0]) return;
    i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= k) break;
        if (c + 1 < k && h[c + 1] > h[c]) c++;
        if (h[c] <= d2) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = d2;
}

/* Push node nd's children, the nearer to (qx, qy) last, so it is searched
 * first. */
static inline void push_kids(const vemt_kdtree *t, uint32_t nd, double qx,
                             double qy, uint32_t *stack, size_t *top) {
    uint32_t a = t->kid[nd], b = a + 1;
    if (box_d2(t, a, qx, qy) < box_d2(t, b, qx, qy)) {
        a = b;
        b = t->kid[nd];
    }
    stack[(*top)++] = a;
    stack[(*top)++] = b;
}

double vemt_kdtree_kth_d2(const vemt_kdtree *t, size_t p, size_t k,
                          double *heap) {
    /* Depth first with an explicit stack; the tree is balanced, so 64
     * levels are far more than 2^32 points need. */
    uint32_t stack[128];
    size_t top = 0, m = 0;
    double qx = t->x[p], qy = t->y[p];
    stack[top++] = 0;
    while (top) {
        uint32_t nd = stack[--top];
        if (m == k && box_d2(t, nd, qx, qy) > heap[0]) continue;
        if (t->kid[nd]) {
            push_kids(t, nd, qx, qy, stack, &top);
            continue;
        }
        for (size_t q = t->lo[nd]; q < t->hi[nd]; q++) {
            if (q == p) continue;
            double dx = qx - t->x[q], dy = qy - t->y[q];
            heap_offer(heap, &m, k, dx * dx + dy * dy);
        }
    }
    return heap[0];
}

/* One of the k best so far, ranked by (squared distance, point index). */
typedef struct ranked {
    double d2;
    uint32_t id, pos;
} ranked;

static bool ranked_less(const ranked *a, double d2, uint32_t id) {
    return a->d2 < d2 || (a->d2 == d2 && a->id < id);
}

/* Offer position q at squared distance d2 to the max-heap h of m of the k
 * best. */
static void ranked_offer(const vemt_kdtree *t, ranked *h, size_t *m, size_t k,
                         double d2, uint32_t q) {
    uint32_t id = t->id[q];
    size_t i;
    if (*m < k) {
        i = (*m)++;
        while (i > 0 && ranked_less(&h[(i - 1) / 2], d2, id)) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
    } else {
        if (ranked_less(&h[0], d2, id)) return; /* ids differ: no ties */
        i = 0;
        for (;;) {
            size_t c = 2 * i + 1;
            if (c >= k) break;
            if (c + 1 < k && ranked_less(&h[c], h[c + 1].d2, h[c + 1].id)) c++;
            if (ranked_less(&h[c], d2, id)) break;
            h[i] = h[c];
            i = c;
        }
    }
    h[i] = (ranked){d2, id, q};
}

/* Position of the k-th nearest other point of position p, by (squared
 * distance, point index); h holds k entries. As vemt_kdtree_kth_d2, but a
 * node is skipped only when it is strictly farther than the k-th best, as
 * it may hold a point at the same distance with a lower index. */
static uint32_t kth_ranked(const vemt_kdtree *t, size_t p, size_t k,
                           ranked *h) {
    uint32_t stack[128];
    size_t top = 0, m = 0;
    double qx = t->x[p], qy = t->y[p];
    stack[top++] = 0;
    while (top) {
        uint32_t nd = stack[--top];
        if (m == k && box_d2(t, nd, qx, qy) > h[0].d2) continue;
        if (t->kid[nd]) {
            push_kids(t, nd, qx, qy, stack, &top);
            continue;
        }
        for (size_t q = t->lo[nd]; q < t->hi[nd]; q++) {
            if (q == p) continue;
            double dx = qx - t->x[q], dy = qy - t->y[q];
            ranked_offer(t, h, &m, k, dx * dx + dy * dy, (uint32_t)q);
        }
    }
    return h[0].pos;
}

/* The shared, read-only job of vemt_kdtree_kth_all (one for all threads:
 * the heaps are on each item's stack). */
typedef struct kth_job {
    const vemt_kdtree *t;
    size_t k;
    vemt_kth_dist how;
    double *d;
    const uint32_t *pos; /* a sample: per point index, its position */
    size_t stride;       /* the sample's item i is point i x stride */
} kth_job;

/* Item i: the point at position i (consecutive positions are near each
 * other, so a chunk walks one part of the tree), its distance into d by
 * point index; of a sample, point i x stride, its distance into d[i]. */
static void kth_item(void *worker, size_t i) {
    const kth_job *job = worker;
    const vemt_kdtree *t = job->t;
    size_t p = job->pos ? job->pos[i * job->stride] : i;
    double v;
    if (job->how == VEMT_KTH_HYPOT) {
        ranked h[VEMT_KDTREE_KTH_MAX];
        uint32_t q = kth_ranked(t, p, job->k, h);
        /* As the bucket index's caller measured it: this point less its
         * neighbour. */
        v = hypot(t->x[p] - t->x[q], t->y[p] - t->y[q]);
    } else {
        double heap[VEMT_KDTREE_KTH_MAX];
        v = sqrt(vemt_kdtree_kth_d2(t, p, job->k, heap));
    }
    job->d[job->pos ? i : t->id[p]] = v;
}

/* kth_all's checks, and its job on the context's threads. */
static vemt_status kth_run(vemt_ctx *ctx, const kth_job *job, size_t items,
                           const char *stage) {
    const vemt_kdtree *t = job->t;
    size_t k = job->k;
    if (k < 1 || k >= t->n || k > VEMT_KDTREE_KTH_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "k-th nearest neighbour distances need 1 <= k < "
                             "number of points and k <= %d, got k = %zu for "
                             "%zu points",
                             VEMT_KDTREE_KTH_MAX, k, t->n);
    vemt_perm_opts o = {.threads = vemt_ctx_threads(ctx)};
    /* Chunks of 4,096 points: a few hundred per million for the shared
     * counter and the progress reports. */
    vemt_mc_run(ctx, stage, items, 4096, (void *)job, 0, vemt_mc_threads(&o),
                kth_item);
    return VEMT_OK;
}

vemt_status vemt_kdtree_kth_all(vemt_ctx *ctx, const vemt_kdtree *t, size_t k,
                                vemt_kth_dist how, const char *stage,
                                double *d) {
    kth_job job = {t, k, how, d, NULL, 1};
    return kth_run(ctx, &job, t->n, stage);
}

static void refresh(vemt_kdtree *t, size_t nd) {
    uint32_t left = 0, minid = UINT32_MAX;
    double mincd = INFINITY;
    if (t->kid[nd]) {
        for (uint32_t c = t->kid[nd]; c <= t->kid[nd] + 1; c++) {
            left += t->left[c];
            mincd = fmin(mincd, t->mincd[c]);
            if (t->minid[c] < minid) minid = t->minid[c];
        }
    } else {
        for (size_t p = t->lo[nd]; p < t->hi[nd]; p++) {
            if (t->gone[p]) continue;
            left++;
            mincd = fmin(mincd, t->cd[p]);
            if (t->id[p] < minid) minid = t->id[p];
        }
    }
    t->left[nd] = left;
    t->mincd[nd] = mincd;
    t->minid[nd] = minid;
}

vemt_status vemt_kdtree_kth_mean(vemt_ctx *ctx, const double *xy, size_t n,
                                 size_t k, vemt_kth_dist how, bool tree_order,
                                 size_t most, const char *stage, double *mean,
                                 size_t *stride) {
    *mean = 0;
    *stride = most && n > most ? (n + most - 1) / most : 1;
    size_t m = (n + *stride - 1) / *stride; /* the points measured */
    double *x = vemt_calloc(n ? n : 1, sizeof *x);
    double *y = vemt_calloc(n ? n : 1, sizeof *y), *d = NULL;
    uint32_t *pos = NULL;
    vemt_kdtree *t = NULL;
    vemt_status st = x && y ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < n; i++)
        x[i] = xy[2 * i], y[i] = xy[2 * i + 1];
    if (!st) st = vemt_kdtree_create(ctx, x, y, n, &t);
    vemt_free(x), vemt_free(y);
    if (!st && !(d = vemt_calloc(*stride > 1 ? m : n, sizeof *d)))
        st = VEMT_E_NOMEM;
    if (!st && *stride > 1 && !(pos = vemt_calloc(n, sizeof *pos)))
        st = VEMT_E_NOMEM;
    for (size_t p = 0; !st && pos && p < n; p++) pos[t->id[p]] = (uint32_t)p;
    kth_job job = {t, k, how, d, pos, *stride};
    if (!st) st = kth_run(ctx, &job, pos ? m : n, stage);
    double sum = 0;
    if (pos)
        for (size_t i = 0; !st && i < m; i++) sum += d[i];
    else
        for (size_t p = 0; !st && p < n; p++)
            sum += d[tree_order ? t->id[p] : p];
    vemt_kdtree_destroy(t);
    vemt_free(d);
    vemt_free(pos);
    if (!st) *mean = sum / (double)m;
    return st;
}

vemt_status vemt_kdtree_arm(vemt_kdtree *t, const double *cd) {
    size_t cap = t->n ? t->n : 1;
    t->cd = vemt_calloc(cap, sizeof *t->cd);
    t->gone = vemt_calloc(cap, sizeof *t->gone);
    t->left = vemt_calloc(t->nnodes, sizeof *t->left);
    t->mincd = vemt_calloc(t->nnodes, sizeof *t->mincd);
    t->minid = vemt_calloc(t->nnodes, sizeof *t->minid);
    if (!t->cd || !t->gone || !t->left || !t->mincd || !t->minid)
        return VEMT_E_NOMEM;
    for (size_t p = 0; p < t->n; p++) t->cd[p] = cd[t->id[p]];
    for (size_t nd = t->nnodes; nd-- > 0;) refresh(t, nd);
    return VEMT_OK;
}

void vemt_kdtree_remove(vemt_kdtree *t, size_t p) {
    t->gone[p] = 1;
    size_t nd = t->leaf[p];
    for (;;) {
        refresh(t, nd);
        if (nd == 0) break;
        nd = t->up[nd];
    }
}

/* (v, i) comes before (w, j): by distance, then by index. */
static bool mr_less(double v, uint32_t i, double w, uint32_t j) {
    return v < w || (v == w && i < j);
}

/* Offer (v, i) to the k best so far, kept as a max-heap of m entries. */
static void mr_offer(double *hv, uint32_t *hi, size_t *m, size_t k, double v,
                     uint32_t i) {
    size_t at;
    if (*m < k) {
        at = (*m)++;
        while (at > 0 && mr_less(hv[(at - 1) / 2], hi[(at - 1) / 2], v, i)) {
            hv[at] = hv[(at - 1) / 2];
            hi[at] = hi[(at - 1) / 2];
            at = (at - 1) / 2;
        }
    } else {
        if (!mr_less(v, i, hv[0], hi[0])) return;
        at = 0;
        for (;;) {
            size_t c = 2 * at + 1;
            if (c >= k) break;
            if (c + 1 < k && mr_less(hv[c], hi[c], hv[c + 1], hi[c + 1])) c++;
            if (!mr_less(v, i, hv[c], hi[c])) break;
            hv[at] = hv[c];
            hi[at] = hi[c];
            at = c;
        }
    }
    hv[at] = v;
    hi[at] = i;
}

/* Sort the heap into ascending order in place (heap sort's second half). */
static void mr_sort(double *hv, uint32_t *hi, size_t m) {
    for (size_t end = m; end > 1; end--) {
        double v = hv[end - 1];
        uint32_t i = hi[end - 1];
        hv[end - 1] = hv[0];
        hi[end - 1] = hi[0];
        size_t at = 0;
        for (;;) {
            size_t c = 2 * at + 1;
            if (c >= end - 1) break;
            if (c + 1 < end - 1 && mr_less(hv[c], hi[c], hv[c + 1], hi[c + 1]))
                c++;
            if (!mr_less(v, i, hv[c], hi[c])) break;
            hv[at] = hv[c];
            hi[at] = hi[c];
            at = c;
        }
        hv[at] = v;
        hi[at] = i;
    }
}

static double max2(double a, double b) { return a > b ? a : b; }

size_t vemt_kdtree_nearest_mr(const vemt_kdtree *t, size_t p, size_t k,
                              uint32_t *stack, double *value, uint32_t *best) {
    double qx = t->x[p], qy = t->y[p], cdp = t->cd[p];
    size_t top = 0, m = 0;
    stack[top++] = 0;
    while (top) {
        uint32_t nd = stack[--top];
        if (!t->left[nd]) continue;
        double lb = max2(max2(cdp, t->mincd[nd]), sqrt(box_d2(t, nd, qx, qy)));
        if (m == k && !mr_less(lb, t->minid[nd], value[0], best[0])) continue;
        if (t->kid[nd]) {
            push_kids(t, nd, qx, qy, stack, &top);
            continue;
        }
        for (size_t q = t->lo[nd]; q < t->hi[nd]; q++) {
            if (t->gone[q]) continue;
            double dx = qx - t->x[q], dy = qy - t->y[q];
            double v = max2(sqrt(dx * dx + dy * dy), max2(cdp, t->cd[q]));
            if (m < k || mr_less(v, t->id[q], value[0], best[0]))
                mr_offer(value, best, &m, k, v, t->id[q]);
        }
    }
    mr_sort(value, best, m);
    return m;
}
