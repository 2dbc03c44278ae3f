/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file colocation.c
 * @brief Local and global co-location quotients of two categories of
 * points, with an adaptive Gaussian kernel over the k nearest neighbours
 * and permutation inference.
 *
 * The co-location quotient (Leslie & Kronenfeld 2011, "The colocation
 * quotient: a new measure of spatial association between categorical
 * subsets of points", Geographical Analysis 43(3):306-326,
 * doi:10.1111/j.1538-4632.2011.00821.x) is the observed share of category
 * B among a point's neighbours over the share expected when categories are
 * placed at random, N'_B / (N - 1), where N'_B = N_B - 1 when A = B (a
 * point is not its own neighbour; p. 312) and N_B otherwise. Its local,
 * geographically weighted form (Cromley, Hanink & Bentlage 2014,
 * "Geographically weighted colocation quotients: specification and
 * application", The Professional Geographer 66(1):138-148,
 * doi:10.1080/00330124.2013.768130, with the adaptive bandwidth; Wang, Hu,
 * Wang & Li 2017, "Local indicator of colocation quotient with a
 * statistical significance test: examining spatial association of crime
 * and facilities", The Professional Geographer 69(1):22-31,
 * doi:10.1080/00330124.2016.1157498) is, for point i of A,
 *
 *   LCLQ_{A_i->B} = N_{A_i->B} / (N'_B / (N - 1)),
 *   N_{A_i->B} = sum_{j != i} w_ij f_ij / sum_{j != i} w_ij,
 *
 * f_ij = 1 when j is of B, with Gaussian weights w_ij = exp(-0.5 d_ij^2 /
 * h_i^2) over the k nearest other points of i (ties to the lower index),
 * h_i the distance to the k-th of them, as Esri's Colocation Analysis
 * (Gaussian kernel, 8 neighbours by default, i itself excluded) and sfdep's
 * local_colocation with st_kernel_weights(adaptive = TRUE) compute it. The
 * k-th neighbour keeps weight exp(-0.5); with h_i = 0 (k points on top of
 * i) every weight is 1.
 */
#include <math.h>

#include "engine/alloc.h"
#include "engine/montecarlo.h"

typedef struct clq_run {
    const int32_t *cat;
    size_t n, k;
    int32_t a, b;
    uint32_t *nb;          /* n x k neighbour indices */
    double *g;             /* n x k kernel weights, each row summing to 1 */
    double expected_share; /* N'_B / (N - 1) */
    size_t n_a, n_b_other;
    const vemt_perm_opts *perm;
    double *lclq, *p_sim; /* local */
    double *sim;          /* global: R permuted sums */
} clq_run;

typedef struct clq_worker {
    clq_run *run;
    uint8_t *pool;   /* local: is-B by point, permuted and restored */
    uint32_t *swaps; /* local: the k positions drawn */
    uint32_t *perm;  /* global: labels' shuffle */
    int32_t *lab;    /* global: shuffled labels */
} clq_worker;

/* Weighted share of B among i's neighbours under the labels lab. */
static double share_b(const clq_run *r, const int32_t *lab, size_t i) {
    double s = 0;
    for (size_t m = 0; m < r->k; m++)
        s += r->g[i * r->k + m] * (lab[r->nb[i * r->k + m]] == r->b);
    return s;
}

/* The kernel weights of every point's k nearest other points. */
static vemt_status kernel_weights(vemt_ctx *ctx, const double *xy, clq_run *r) {
    vemt_weights *w = NULL;
    vemt_status st = vemt_weights_knn(ctx, xy, r->n, r->k, false, &w);
    if (st) return st;
    for (size_t i = 0; i < r->n; i++) {
        const size_t *nb;
        size_t c;
        vemt_weights_neighbours(w, i, &nb, &c);
        double h2 = 0, sum = 0, *g = r->g + i * r->k;
        for (size_t m = 0; m < r->k; m++) {
            double dx = xy[2 * nb[m]] - xy[2 * i];
            double dy = xy[2 * nb[m] + 1] - xy[2 * i + 1];
            g[m] = dx * dx + dy * dy;
            if (g[m] > h2) h2 = g[m];
            r->nb[i * r->k + m] = (uint32_t)nb[m];
        }
        /* Gaussian kernel, adaptive bandwidth h_i (Cromley et al. 2014;
         * Esri's Colocation Analysis). */
        for (size_t m = 0; m < r->k; m++) {
            g[m] = h2 > 0 ? exp(-0.5 * g[m] / h2) : 1.0;
            sum += g[m];
        }
        for (size_t m = 0; m < r->k; m++) g[m] /= sum;
    }
    vemt_weights_destroy(w);
    return VEMT_OK;
}

/* Local quotient and pseudo p of point `item`. Conditional permutation
 * (Anselin 1995, as vemt_gistar_permute; Wang et al. 2017): i keeps its
 * category, and its k neighbours take categories drawn without replacement
 * from the n - 1 other points (a partial Fisher-Yates shuffle of the pool
 * with i moved out of reach, undone after each draw). */
static void local_item(void *arg, size_t i) {
    clq_worker *wk = arg;
    clq_run *r = wk->run;
    if (r->cat[i] != r->a || r->n_b_other == 0) {
        r->lclq[i] = r->p_sim[i] = NAN;
        return;
    }
    double obs = share_b(r, r->cat, i), tol = 1e-12;
    r->lclq[i] = obs / r->expected_share;
    uint8_t *pool = wk->pool, own = pool[i];
    size_t last = r->n - 1, ge = 0, le = 0;
    pool[i] = pool[last];
    pool[last] = own;
    const double *g = r->g + i * r->k;
    vemt_stream s = vemt_stream_for(r->perm->seed, i);
    for (size_t rep = 0; rep < r->perm->permutations; rep++) {
        double v = 0;
        for (uint32_t j = 0; j < r->k; j++) {
            uint32_t t = j + vemt_stream_below(&s, (uint32_t)(last - j));
            uint8_t u = pool[t];
            pool[t] = pool[j];
            pool[j] = u;
            wk->swaps[j] = t;
            v += g[j] * u;
        }
        for (uint32_t j = (uint32_t)r->k; j-- > 0;) {
            uint8_t u = pool[j];
            pool[j] = pool[wk->swaps[j]];
            pool[wk->swaps[j]] = u;
        }
        ge += v >= obs - tol;
        le += v <= obs + tol;
    }
    pool[last] = pool[i];
    pool[i] = own;
    r->p_sim[i] = vemt_mc_p_two_sided(ge, le, r->perm->permutations);
}

/* Sum of the shares of B around the points labelled A. */
static double global_sum(const clq_run *r, const int32_t *lab) {
    double s = 0;
    for (size_t i = 0; i < r->n; i++)
        if (lab[i] == r->a) s += share_b(r, lab, i);
    return s;
}

/* Permutation `item` of the global quotient: random labelling of all
 * points, category counts kept (Leslie & Kronenfeld 2011, section
 * "Significance testing"). */
static void global_item(void *arg, size_t item) {
    clq_worker *wk = arg;
    clq_run *r = wk->run;
    vemt_stream s = vemt_stream_for(r->perm->seed, item);
    for (size_t j = 0; j < r->n; j++) wk->perm[j] = (uint32_t)j;
    vemt_stream_shuffle(&s, wk->perm, r->n);
    for (size_t j = 0; j < r->n; j++) wk->lab[j] = r->cat[wk->perm[j]];
    r->sim[item] = global_sum(r, wk->lab);
}

static void free_run(clq_run *r, clq_worker *wk, unsigned nw) {
    for (unsigned t = 0; wk && t < nw; t++) {
        vemt_free(wk[t].pool);
        vemt_free(wk[t].swaps);
        vemt_free(wk[t].perm);
        vemt_free(wk[t].lab);
    }
    vemt_free(wk);
    vemt_free(r->nb);
    vemt_free(r->g);
    vemt_free(r->sim);
}

/* Check the arguments, count the categories and weight the neighbours;
 * workers for the local (pools) or global (labels) permutations. */
static vemt_status setup(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                         size_t n, const vemt_clq_opts *opts, bool local,
                         clq_run *r, clq_worker **wk, unsigned *nw) {
    r->k = opts->k ? opts->k : VEMT_CLQ_K_DEFAULT;
    if (n >= UINT32_MAX || r->k >= n)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "co-location needs more points than neighbours "
                             "and fewer than 2^32 (got %zu points, k = %zu)",
                             n, r->k);
    if (opts->perm.permutations < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the number of permutations must be >= 1");
    size_t n_b = 0;
    for (size_t i = 0; i < n; i++) {
        r->n_a += cat[i] == r->a;
        n_b += cat[i] == r->b;
    }
    r->n_b_other = r->a == r->b ? (n_b ? n_b - 1 : 0) : n_b;
    r->expected_share = (double)r->n_b_other / (double)(n - 1);
    r->nb = vemt_calloc(n * r->k, sizeof *r->nb);
    r->g = vemt_calloc(n * r->k, sizeof *r->g);
    *nw = vemt_mc_threads(&opts->perm);
    *wk = vemt_calloc(*nw, sizeof **wk);
    if (!r->nb || !r->g || !*wk) return VEMT_E_NOMEM;
    for (unsigned t = 0; t < *nw; t++) {
        clq_worker *w = &(*wk)[t];
        w->run = r;
        if (local) {
            w->pool = vemt_calloc(n, sizeof *w->pool);
            w->swaps = vemt_calloc(r->k, sizeof *w->swaps);
            if (!w->pool || !w->swaps) return VEMT_E_NOMEM;
            for (size_t i = 0; i < n; i++) w->pool[i] = cat[i] == r->b;
        } else {
            w->perm = vemt_calloc(n, sizeof *w->perm);
            w->lab = vemt_calloc(n, sizeof *w->lab);
            if (!w->perm || !w->lab) return VEMT_E_NOMEM;
        }
    }
    return kernel_weights(ctx, xy, r);
}

vemt_status vemt_clq_local(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                           size_t n, int32_t a, int32_t b,
                           const vemt_clq_opts *opts, double *lclq,
                           double *p_sim) {
    clq_run r = {.cat = cat,
                 .n = n,
                 .a = a,
                 .b = b,
                 .perm = &opts->perm,
                 .lclq = lclq,
                 .p_sim = p_sim};
    clq_worker *wk = NULL;
    unsigned nw = 0;
    vemt_status st = setup(ctx, xy, cat, n, opts, true, &r, &wk, &nw);
    if (!st)
        vemt_mc_run(ctx, "co-location permutations", n, 1, wk, sizeof *wk, nw,
                    local_item);
    free_run(&r, wk, nw);
    return st;
}

vemt_status vemt_clq_global(vemt_ctx *ctx, const double *xy, const int32_t *cat,
                            size_t n, int32_t a, int32_t b,
                            const vemt_clq_opts *opts, double *clq,
                            double *p_sim) {
    clq_run r = {.cat = cat, .n = n, .a = a, .b = b, .perm = &opts->perm};
    clq_worker *wk = NULL;
    unsigned nw = 0;
    size_t reps = opts->perm.permutations;
    *clq = *p_sim = NAN;
    vemt_status st = setup(ctx, xy, cat, n, opts, false, &r, &wk, &nw);
    if (!st && !(r.sim = vemt_calloc(reps, sizeof *r.sim))) st = VEMT_E_NOMEM;
    if (st || r.n_a == 0 || r.n_b_other == 0) goto done;
    /* The mean of the local quotients over A (Cromley et al. 2014's global
     * quotient; with k = 1 and no ties it is Leslie & Kronenfeld's 2011
     * CLQ_{A->B} = (C_{A->B} / N_A) / (N'_B / (N - 1))). */
    double obs = global_sum(&r, cat), tol = 1e-12 * (double)r.n_a;
    *clq = obs / (double)r.n_a / r.expected_share;
    vemt_mc_run(ctx, "co-location permutations", reps, 1, wk, sizeof *wk, nw,
                global_item);
    size_t ge = 0, le = 0;
    for (size_t k = 0; k < reps; k++) {
        ge += r.sim[k] >= obs - tol;
        le += r.sim[k] <= obs + tol;
    }
    *p_sim = vemt_mc_p_two_sided(ge, le, reps);
done:
    free_run(&r, wk, nw);
    return st;
}
