/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hdbtree.c
 * @brief HDBSCAN* cluster tree, excess-of-mass selection, labels,
 * membership and GLOSH scores, exactly as R dbscan 1.1-11 computes them
 * (src/hdbscan.cpp: computeStability, fosc, extractUnsupervised,
 * getSalientAssignments; src/prims_mst.cpp: hclustMergeOrder; R/hdbscan.R),
 * in memory linear in n.
 *
 * Method: Campello, Moulavi & Sander (2013), doi:10.1007/978-3-642-37456-
 * 2_14: stability of a cluster = sum over its points of (1/eps_p -
 * 1/eps_birth), where eps_p is the level at which the point leaves it;
 * select the set of clusters of greatest total stability, bottom up (their
 * "excess of mass"). GLOSH: Campello, Moulavi, Zimek & Sander (2015),
 * "Hierarchical density estimates for data clustering, visualization, and
 * outlier detection", ACM TKDD 10(1):5, doi:10.1145/2733381, score =
 * 1 - eps_max / eps_p.
 *
 * R's details that decide labels, all reproduced here:
 * - Merges are the path edges sorted by height, ties kept in Prim's order
 *   (R's order() is stable); merge i joins the groups holding the edge's
 *   new point (left) and previous point (right).
 * - Walking the merges from the top, a cluster splits only when both
 *   sides have at least min_cluster_size points (left child numbered
 *   first); otherwise both sides stay in the cluster, so points of a small
 *   side leave it one by one where each becomes a singleton, not all at
 *   the split. A point leaving a cluster that has split already leaves at
 *   the split's height.
 * - A cluster's stability adds n_children * (1/eps_death - 1/eps_birth)
 *   for the points it passes to its children.
 * - Selection keeps the children when their summed score is strictly
 *   greater than the parent's stability; the root is never selected
 *   unless it has no children (then all points are noise).
 * - Selected clusters are numbered in the order R's list ends up in:
 *   leaves as met depth first (left first), a parent appended when it
 *   replaces its descendants.
 * - Membership: (max core distance in the cluster - the point's) / that
 *   max (R/hdbscan.R), 1 when the max is 0 (R gives 0/0 = NaN); noise 0.
 * - GLOSH: eps_max is the cluster's death if it is a leaf, else the least
 *   death among its leaf descendants; a NaN score (0/0) becomes 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/hdbscan.h"
#include "engine/points.h"

typedef struct merges {
    size_t rows;    /* n - 1 */
    int32_t *l, *r; /* R's merge matrix: -(point + 1) or row + 1 */
    double *h;      /* heights, ascending */
    uint32_t *size; /* points below each merge */
} merges;

typedef struct ctree {
    size_t n; /* clusters so far; 0 is the root */
    double *birth, *death;
    double *sum; /* sum of (1/eps_p - 1/birth), in R's order */
    double *stab, *score, *minleaf;
    uint32_t *nkid; /* points passed to the children (R n_children) */
    uint8_t *processed, *chosen, *covered;
    int32_t *kid; /* first child (second is kid + 1); -1 = leaf */
    int32_t *parent;
    uint32_t *seq;   /* when appended to R's selection list */
    int32_t *number; /* label of a chosen cluster, else -1 */
} ctree;

typedef struct hedge {
    double w;
    size_t k;
} hedge;

static int by_height(const void *pa, const void *pb) {
    const hedge *a = pa, *b = pb;
    if (a->w != b->w) return a->w < b->w ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

/* R's hclustMergeOrder(): union-find with the group's current label. */
static vemt_status build_merges(size_t n, const uint32_t *a, const uint32_t *b,
                                const double *w, merges *m) {
    m->rows = n - 1;
    hedge *ord = vemt_calloc(n, sizeof *ord);
    uint32_t *parent = vemt_calloc(n, sizeof *parent);
    int32_t *lab = vemt_calloc(n, sizeof *lab);
    m->l = vemt_calloc(n, sizeof *m->l);
    m->r = vemt_calloc(n, sizeof *m->r);
    m->h = vemt_calloc(n, sizeof *m->h);
    m->size = vemt_calloc(n, sizeof *m->size);
    vemt_status st = ord && parent && lab && m->l && m->r && m->h && m->size
                         ? VEMT_OK
                         : VEMT_E_NOMEM;
    for (size_t k = 0; !st && k < m->rows; k++) ord[k] = (hedge){w[k], k};
    if (!st) qsort(ord, m->rows, sizeof *ord, by_height);
    for (size_t i = 0; !st && i < n; i++) {
        parent[i] = (uint32_t)i;
        lab[i] = -(int32_t)i - 1;
    }
    for (size_t i = 0; !st && i < m->rows; i++) {
        size_t k = ord[i].k;
        uint32_t ra = vemt_uf_find(parent, a[k]),
                 rb = vemt_uf_find(parent, b[k]);
        m->l[i] = lab[ra];
        m->r[i] = lab[rb];
        m->h[i] = ord[i].w;
        vemt_uf_union(parent, ra, rb);
        lab[vemt_uf_find(parent, ra)] = (int32_t)i + 1;
        m->size[i] = (m->l[i] < 0 ? 1 : m->size[m->l[i] - 1]) +
                     (m->r[i] < 0 ? 1 : m->size[m->r[i] - 1]);
    }
    vemt_free(ord);
    vemt_free(parent);
    vemt_free(lab);
    return st;
}

static void merges_free(merges *m) {
    vemt_free(m->l);
    vemt_free(m->r);
    vemt_free(m->h);
    vemt_free(m->size);
}

static vemt_status ctree_alloc(ctree *c, size_t cap) {
    c->birth = vemt_calloc(cap, sizeof *c->birth);
    c->death = vemt_calloc(cap, sizeof *c->death);
    c->sum = vemt_calloc(cap, sizeof *c->sum);
    c->stab = vemt_calloc(cap, sizeof *c->stab);
    c->score = vemt_calloc(cap, sizeof *c->score);
    c->minleaf = vemt_calloc(cap, sizeof *c->minleaf);
    c->nkid = vemt_calloc(cap, sizeof *c->nkid);
    c->processed = vemt_calloc(cap, sizeof *c->processed);
    c->chosen = vemt_calloc(cap, sizeof *c->chosen);
    c->covered = vemt_calloc(cap, sizeof *c->covered);
    c->kid = vemt_calloc(cap, sizeof *c->kid);
    c->parent = vemt_calloc(cap, sizeof *c->parent);
    c->seq = vemt_calloc(cap, sizeof *c->seq);
    c->number = vemt_calloc(cap, sizeof *c->number);
    return c->birth && c->death && c->sum && c->stab && c->score &&
                   c->minleaf && c->nkid && c->processed && c->chosen &&
                   c->covered && c->kid && c->parent && c->seq && c->number
               ? VEMT_OK
               : VEMT_E_NOMEM;
}

static void ctree_free(ctree *c) {
    vemt_free(c->birth);
    vemt_free(c->death);
    vemt_free(c->sum);
    vemt_free(c->stab);
    vemt_free(c->score);
    vemt_free(c->minleaf);
    vemt_free(c->nkid);
    vemt_free(c->processed);
    vemt_free(c->chosen);
    vemt_free(c->covered);
    vemt_free(c->kid);
    vemt_free(c->parent);
    vemt_free(c->seq);
    vemt_free(c->number);
}

static size_t new_cluster(ctree *c, int32_t parent, double birth,
                          double death) {
    size_t i = c->n++;
    c->birth[i] = birth;
    c->death[i] = death;
    c->kid[i] = -1;
    c->parent[i] = parent;
    c->number[i] = -1;
    return i;
}

/* Record that point p leaves cluster k at eps (R's contains / eps). */
static void leave(ctree *c, int32_t *cl_of, double *eps, size_t k, int32_t p,
                  double e) {
    cl_of[p] = (int32_t)k;
    eps[p] = e;
    c->sum[k] += 1.0 / e - 1.0 / c->birth[k];
}

/* R's computeStability(): walk the merges from the top. */
static void split_down(const merges *m, size_t mcs, ctree *c, int32_t *track,
                       int32_t *cl_of, double *eps) {
    new_cluster(c, -1, m->h[m->rows - 1], 0.0);
    for (size_t k = m->rows; k-- > 0;) {
        int32_t lm = m->l[k], rm = m->r[k];
        size_t cid = (size_t)track[k];
        double e = c->processed[cid] ? c->death[cid] : m->h[k];
        if (lm < 0 && rm < 0) {
            leave(c, cl_of, eps, cid, -lm - 1, e);
            leave(c, cl_of, eps, cid, -rm - 1, e);
            /* std::min(h, death): death when it is smaller, else h. */
            if (!c->processed[cid] && !(c->death[cid] < m->h[k]))
                c->death[cid] = m->h[k];
        } else if (lm < 0 || rm < 0) {
            leave(c, cl_of, eps, cid, lm < 0 ? -lm - 1 : -rm - 1, e);
            track[(lm < 0 ? rm : lm) - 1] = (int32_t)cid;
        } else if (m->size[lm - 1] >= mcs && m->size[rm - 1] >= mcs) {
            c->death[cid] = m->h[k];
            c->processed[cid] = 1;
            c->nkid[cid] = m->size[lm - 1] + m->size[rm - 1];
            size_t L = new_cluster(c, (int32_t)cid, m->h[k], m->h[lm - 1]);
            size_t R = new_cluster(c, (int32_t)cid, m->h[k], m->h[rm - 1]);
            c->kid[cid] = (int32_t)L;
            track[lm - 1] = (int32_t)L;
            track[rm - 1] = (int32_t)R;
        } else {
            track[lm - 1] = track[rm - 1] = (int32_t)cid;
        }
    }
    for (size_t k = 0; k < c->n; k++) {
        double nc = (double)c->nkid[k];
        c->stab[k] = c->sum[k] + (nc / c->death[k] - nc / c->birth[k]);
    }
}

/* R's fosc(): depth first, left child first, post-order; children are
 * numbered after their parent, so an explicit stack of ids suffices. */
static vemt_status select_clusters(ctree *c) {
    int32_t *stack = vemt_calloc(2 * c->n + 1, sizeof *stack);
    if (!stack) return VEMT_E_NOMEM;
    uint32_t seq = 0;
    size_t top = 0;
    stack[top++] = 0;
    while (top) {
        int32_t v = stack[--top];
        size_t k = (size_t)(v < 0 ? -v - 1 : v);
        if (c->kid[k] < 0) { /* leaf: assume it is chosen */
            c->chosen[k] = 1;
            c->seq[k] = seq++;
            c->score[k] = c->stab[k];
        } else if (v >= 0) { /* first visit: children, then k again */
            stack[top++] = -(int32_t)k - 1;
            stack[top++] = c->kid[k] + 1;
            stack[top++] = c->kid[k];
        } else {
            double kids = 0.0 + c->score[c->kid[k]] + c->score[c->kid[k] + 1];
            bool keep = c->stab[k] < kids;
            c->score[k] = keep ? kids : c->stab[k];
            if (!keep && k != 0) {
                c->chosen[k] = 1; /* its descendants drop out below */
                c->seq[k] = seq++;
            }
        }
    }
    /* R removes a chosen cluster's descendants from its list; every one
     * of them was chosen before it (post-order), so the clusters left are
     * those chosen with no chosen ancestor. Parents precede children. */
    for (size_t k = 1; k < c->n; k++) {
        size_t p = (size_t)c->parent[k];
        c->covered[k] = c->covered[p] || (c->chosen[p] && p != 0);
        if (c->covered[k]) c->chosen[k] = 0;
    }
    vemt_free(stack);
    return VEMT_OK;
}

static int by_seq(const void *pa, const void *pb) {
    const uint64_t *a = pa, *b = pb;
    return (*a > *b) - (*a < *b);
}

/* Labels in R's order of the selection list, and per-cluster stability. */
static vemt_status number_chosen(ctree *c, vemt_hdb_out *o) {
    size_t m = 0;
    for (size_t k = 1; k < c->n; k++) m += c->chosen[k];
    o->n_clusters = m;
    if (!m) return VEMT_OK;
    uint64_t *ord = vemt_calloc(m, sizeof *ord); /* seq << 32 | cluster */
    o->stability = vemt_calloc(m, sizeof *o->stability);
    if (!ord || !o->stability) {
        vemt_free(ord);
        return VEMT_E_NOMEM;
    }
    m = 0;
    for (size_t k = 1; k < c->n; k++)
        if (c->chosen[k]) ord[m++] = (uint64_t)c->seq[k] << 32 | k;
    qsort(ord, m, sizeof *ord, by_seq);
    for (size_t j = 0; j < m; j++) {
        size_t k = (size_t)(ord[j] & 0xffffffffu);
        c->number[k] = (int32_t)j;
        o->stability[j] = c->stab[k];
    }
    vemt_free(ord);
    return VEMT_OK;
}

/* Labels, membership and GLOSH of every point (R/hdbscan.R and the
 * compute_glosh part of computeStability). */
static vemt_status score_points(ctree *c, const int32_t *cl_of,
                                const double *eps, const double *cd, size_t n,
                                vemt_hdb_out *o) {
    int32_t *sel = vemt_calloc(c->n, sizeof *sel);
    double *maxcd = vemt_calloc(o->n_clusters + 1, sizeof *maxcd);
    if (!sel || !maxcd) {
        vemt_free(sel);
        vemt_free(maxcd);
        return VEMT_E_NOMEM;
    }
    sel[0] = VEMT_LABEL_NOISE; /* a chosen root (no split) means all noise */
    for (size_t k = 1; k < c->n; k++)
        sel[k] = c->chosen[k] ? c->number[k] : sel[c->parent[k]];
    for (size_t k = c->n; k-- > 0;) {
        int32_t a = c->kid[k];
        c->minleaf[k] = a < 0                               ? c->death[k]
                        : c->minleaf[a + 1] < c->minleaf[a] ? c->minleaf[a + 1]
                                                            : c->minleaf[a];
    }
    for (size_t p = 0; p < n; p++) {
        int32_t l = sel[cl_of[p]];
        o->labels[p] = l;
        if (l >= 0 && cd[p] > maxcd[l]) maxcd[l] = cd[p];
    }
    for (size_t p = 0; p < n; p++) {
        int32_t l = o->labels[p];
        if (o->membership)
            o->membership[p] = l < 0           ? 0.0
                               : maxcd[l] == 0 ? 1.0
                                               : (maxcd[l] - cd[p]) / maxcd[l];
        if (o->outlier) {
            double g = 1.0 - c->minleaf[cl_of[p]] / eps[p];
            o->outlier[p] = isnan(g) ? 0.0 : g;
        }
    }
    vemt_free(sel);
    vemt_free(maxcd);
    return VEMT_OK;
}

vemt_status vemt_hdb_tree(size_t n, const uint32_t *a, const uint32_t *b,
                          const double *w, const double *cd, size_t mcs,
                          vemt_hdb_out *out) {
    merges m = {0};
    ctree c = {0};
    int32_t *track = vemt_calloc(n, sizeof *track);
    int32_t *cl_of = vemt_calloc(n, sizeof *cl_of);
    double *eps = vemt_calloc(n, sizeof *eps);
    vemt_status st = track && cl_of && eps ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) st = build_merges(n, a, b, w, &m);
    if (!st) st = ctree_alloc(&c, 2 * (n / mcs) + 3);
    if (!st) {
        split_down(&m, mcs, &c, track, cl_of, eps);
        st = select_clusters(&c);
    }
    if (!st) st = number_chosen(&c, out);
    if (!st) st = score_points(&c, cl_of, eps, cd, n, out);
    if (st) {
        vemt_free(out->stability);
        out->stability = NULL;
        out->n_clusters = 0;
    }
    merges_free(&m);
    ctree_free(&c);
    vemt_free(track);
    vemt_free(cl_of);
    vemt_free(eps);
    return st;
}
