/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file permute.c
 * @brief Conditional permutation inference for local statistics (Gi* here,
 * Local Moran in lisa.c): each unit's value held fixed, its neighbours'
 * values drawn without replacement from the other units, one random stream
 * per unit, units shared among threads.
 */
#include "engine/permute.h"

#include <float.h>
#include <math.h>

#include "engine/alloc.h"
#include "engine/montecarlo.h"

/* ---- The permutation loop ----------------------------------------------- */

typedef struct perm_run {
    const vemt_weights *w;
    const double *x;
    const uint8_t *kind;
    size_t n, permutations;
    uint64_t seed;
    double tol; /* sums this close to the observed one are ties */
    vemt_perm_pool pool;
    double *p;
} perm_run;

typedef struct perm_worker {
    perm_run *run;
    void *pool;      /* the n values, permuted in place and restored */
    uint32_t *swaps; /* positions swapped by the current draw */
    double *vals;    /* the values it drew (room for any pool type) */
} perm_worker;

#define PERM_CHUNK 32

/* Bytes of one value in each pool. */
static const uint8_t pool_size[] = {1, 2, 4, 8};

/* tails_T counts the draws of one unit whose sum is >= lo (*ge) and <= hi
 * (*le) from a pool of element type T, summed in S. Unit i's own value is
 * moved out of reach (to the end of the pool) while its neighbours are
 * drawn. One draw is a partial Fisher-Yates shuffle (Knuth, TAOCP vol. 2,
 * 3rd ed., 3.4.2 Algorithm P) taking k values without replacement from
 * pool[0..last): step j swaps pool[j] with a random pool[t], t >= j. No
 * later step reads pool[j], so only pool[t] is written, and the draw is
 * undone by writing the values drawn back to their places in reverse: the
 * pool is back in its original order, and the next unit's draws do not
 * depend on which units this thread handled before. Every pool type makes
 * the same picks from the same stream, so only the element size differs:
 * an integer pool is a half, a quarter or an eighth of the doubles' bytes,
 * and its random accesses stay in cache. */
#define DEFINE_TAILS(T, S)                                                    \
    static void tails_##T(T *pool, const perm_run *run, size_t i, uint32_t k, \
                          S lo, S hi, uint32_t *swaps, void *scratch,         \
                          size_t *ge, size_t *le) {                           \
        uint32_t last = (uint32_t)(run->n - 1);                               \
        T *vals = scratch;                                                    \
        T own = pool[i];                                                      \
        pool[i] = pool[last];                                                 \
        pool[last] = own;                                                     \
        vemt_stream r = vemt_stream_for(run->seed, i);                        \
        size_t g = 0, l = 0;                                                  \
        for (size_t rep = 0; rep < run->permutations; rep++) {                \
            S s = 0;                                                          \
            for (uint32_t j = 0; j < k; j++) {                                \
                uint32_t t = j + vemt_stream_pick(&r, last - j);              \
                T v = pool[t];                                                \
                pool[t] = pool[j];                                            \
                swaps[j] = t;                                                 \
                vals[j] = v;                                                  \
                s += v;                                                       \
            }                                                                 \
            for (uint32_t j = k; j-- > 0;) pool[swaps[j]] = vals[j];          \
            g += s >= lo;                                                     \
            l += s <= hi;                                                     \
        }                                                                     \
        pool[last] = pool[i];                                                 \
        pool[i] = own;                                                        \
        *ge = g;                                                              \
        *le = l;                                                              \
    }

DEFINE_TAILS(uint8_t, uint64_t)
DEFINE_TAILS(uint16_t, uint64_t)
DEFINE_TAILS(uint32_t, uint64_t)
DEFINE_TAILS(double, double)

/* Pseudo p-value of unit i. The statistic is monotone in the lag sum for
 * fixed i, so sums are compared directly, and the two-sided p takes the
 * smaller tail, which is the same whichever way the statistic moves (Esri's
 * pseudo p-value for permutation tests, ArcGIS Stats.py; conditional
 * randomisation: Anselin 1995, Geographical Analysis 27(2):93-115, section
 * 5, doi:10.1111/j.1538-4632.1995.tb00338.x). Integer pools sum exactly and
 * compare with the observed sum exactly: vemt_permute_pool_for admits them
 * only where the double pool's sums are exact too and its tolerance under
 * a half, so both count the same draws. */
static double unit_p(const perm_run *run, perm_worker *wk, size_t i) {
    const size_t *nb;
    size_t k, drawn = 0, ge = 0, le = 0;
    double obs = 0;
    vemt_weights_neighbours(run->w, i, &nb, &k);
    for (size_t m = 0; m < k; m++)
        if (nb[m] != i) {
            obs += run->x[nb[m]];
            drawn++;
        }
    uint8_t kind = run->kind ? run->kind[i] : VEMT_PERM_VARIES;
    if (kind == VEMT_PERM_UNDEFINED || drawn == 0) return NAN;
    if (kind == VEMT_PERM_CONSTANT) return 1.0;
    double tol = run->tol * (double)drawn;
    uint64_t iobs = run->pool == VEMT_PERM_POOL_DOUBLE ? 0 : (uint64_t)obs;
    uint32_t d = (uint32_t)drawn;
    switch (run->pool) {
        case VEMT_PERM_POOL_U8:
            tails_uint8_t(wk->pool, run, i, d, iobs, iobs, wk->swaps, wk->vals,
                          &ge, &le);
            break;
        case VEMT_PERM_POOL_U16:
            tails_uint16_t(wk->pool, run, i, d, iobs, iobs, wk->swaps, wk->vals,
                           &ge, &le);
            break;
        case VEMT_PERM_POOL_U32:
            tails_uint32_t(wk->pool, run, i, d, iobs, iobs, wk->swaps, wk->vals,
                           &ge, &le);
            break;
        case VEMT_PERM_POOL_DOUBLE:
            tails_double(wk->pool, run, i, d, obs - tol, obs + tol, wk->swaps,
                         wk->vals, &ge, &le);
            break;
    }
    return vemt_mc_p_two_sided(ge, le, run->permutations);
}

/* Unit `i` with a worker's copy of the values (vemt_mc_run). */
static void unit_item(void *worker, size_t i) {
    perm_worker *wk = worker;
    wk->run->p[i] = unit_p(wk->run, wk, i);
}

static void free_workers(perm_worker *wk, unsigned nt) {
    for (unsigned t = 0; wk && t < nt; t++) {
        vemt_free(wk[t].pool);
        vemt_free(wk[t].swaps);
        vemt_free(wk[t].vals);
    }
    vemt_free(wk);
}

/* The values as elements of the run's pool. */
static void fill_pool(const perm_run *run, void *pool) {
    for (size_t i = 0; i < run->n; i++) switch (run->pool) {
            case VEMT_PERM_POOL_U8:
                ((uint8_t *)pool)[i] = (uint8_t)run->x[i];
                break;
            case VEMT_PERM_POOL_U16:
                ((uint16_t *)pool)[i] = (uint16_t)run->x[i];
                break;
            case VEMT_PERM_POOL_U32:
                ((uint32_t *)pool)[i] = (uint32_t)run->x[i];
                break;
            case VEMT_PERM_POOL_DOUBLE:
                ((double *)pool)[i] = run->x[i];
                break;
        }
}

/* Workers with their own copy of the values and room for the largest
 * neighbourhood (maxk); NULL when out of memory. */
static perm_worker *make_workers(perm_run *run, unsigned nt, size_t maxk) {
    perm_worker *wk = vemt_calloc(nt, sizeof *wk);
    for (unsigned t = 0; wk && t < nt; t++) {
        wk[t].run = run;
        wk[t].pool = vemt_calloc(run->n, pool_size[run->pool]);
        wk[t].swaps = vemt_calloc(maxk, sizeof *wk[t].swaps);
        wk[t].vals = vemt_calloc(maxk, sizeof *wk[t].vals);
        if (!wk[t].pool || !wk[t].swaps || !wk[t].vals) {
            free_workers(wk, nt);
            return NULL;
        }
        fill_pool(run, wk[t].pool);
    }
    return wk;
}

/* The most neighbours of any unit (at least 1). */
static size_t max_neighbours(const vemt_weights *w, size_t n) {
    size_t maxk = 1;
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        if (k > maxk) maxk = k;
    }
    return maxk;
}

vemt_perm_pool vemt_permute_pool_for(const double *x, size_t n,
                                     size_t max_drawn) {
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] >= 0 && x[i] <= UINT32_MAX && x[i] == trunc(x[i])))
            return VEMT_PERM_POOL_DOUBLE;
        if (x[i] > top) top = x[i];
    }
    /* A sum of at most max_drawn values under 2^44 is exact in a double,
     * and the double pool's tolerance, 64 eps x max|x| x drawn, is at most
     * 2^-2 there: integer sums a whole unit apart are never ties in it. */
    if (top * (double)(max_drawn ? max_drawn : 1) >= 0x1p44)
        return VEMT_PERM_POOL_DOUBLE;
    return top <= UINT8_MAX    ? VEMT_PERM_POOL_U8
           : top <= UINT16_MAX ? VEMT_PERM_POOL_U16
                               : VEMT_PERM_POOL_U32;
}

static vemt_status check_args(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n,
                              const vemt_perm_opts *opts, double *maxabs) {
    if (n != vemt_weights_n(w) || n < 2 || n >= UINT32_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "permutations need 2 to 2^32 - 1 units "
                             "matching the weights (got %zu for %zu)",
                             n, vemt_weights_n(w));
    if (opts->permutations < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the number of permutations must be >= 1");
    *maxabs = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "value of unit %zu is not finite", i);
        if (fabs(x[i]) > *maxabs) *maxabs = fabs(x[i]);
    }
    return VEMT_OK;
}

/* The permutation loop on `pool`, or on the narrowest pool that holds x
 * when force is NULL. */
static vemt_status permute(vemt_ctx *ctx, const vemt_weights *w,
                           const double *x, size_t n, const uint8_t *kind,
                           const vemt_perm_opts *opts,
                           const vemt_perm_pool *force, double *p_sim) {
    double maxabs = 0;
    vemt_status st = check_args(ctx, w, x, n, opts, &maxabs);
    if (st) return st;
    size_t maxk = max_neighbours(w, n);
    vemt_perm_pool fits = vemt_permute_pool_for(x, n, maxk);
    vemt_perm_pool pool = force ? *force : fits;
    if ((unsigned)pool > VEMT_PERM_POOL_DOUBLE || pool < fits)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "permutation pool %d cannot hold the values "
                             "(they need pool %d or wider)",
                             (int)pool, (int)fits);
    /* Sums of the same values added in another order differ by rounding
     * only: a relative 64 epsilon per value drawn separates that from a
     * real difference (integer counts are summed exactly anyway). */
    perm_run run = {.w = w,
                    .x = x,
                    .kind = kind,
                    .n = n,
                    .permutations = opts->permutations,
                    .seed = opts->seed,
                    .tol = 64 * DBL_EPSILON * maxabs,
                    .pool = pool,
                    .p = p_sim};
    /* No more workers (each with a copy of the values) than chunks. */
    unsigned nt = vemt_mc_threads(opts);
    if ((size_t)nt > (n + PERM_CHUNK - 1) / PERM_CHUNK)
        nt = (unsigned)((n + PERM_CHUNK - 1) / PERM_CHUNK);
    perm_worker *wk = make_workers(&run, nt, maxk);
    if (!wk) return VEMT_E_NOMEM;
    vemt_mc_run(ctx, "permutations", n, PERM_CHUNK, wk, sizeof *wk, nt,
                unit_item);
    free_workers(wk, nt);
    return VEMT_OK;
}

vemt_status vemt_permute_pseudo_p(vemt_ctx *ctx, const vemt_weights *w,
                                  const double *x, size_t n,
                                  const uint8_t *kind,
                                  const vemt_perm_opts *opts, double *p_sim) {
    return permute(ctx, w, x, n, kind, opts, NULL, p_sim);
}

vemt_status vemt_permute_pseudo_p_pool(vemt_ctx *ctx, const vemt_weights *w,
                                       const double *x, size_t n,
                                       const uint8_t *kind,
                                       const vemt_perm_opts *opts,
                                       vemt_perm_pool pool, double *p_sim) {
    return permute(ctx, w, x, n, kind, opts, &pool, p_sim);
}

/* ---- Gi* ---------------------------------------------------------------- */

/* Gi* (Ord & Getis 1995, eq. 12, doi:10.1111/j.1538-4632.1995.tb00912.x)
 * with binary weights is (lag - xbar W_i) / denom_i, where denom_i does not
 * depend on which values the neighbours hold: for fixed i it increases with
 * the lag sum, so the permutation loop compares lag sums. The statistic is
 * undefined (every p NaN) when all values are equal, as in
 * vemt_gistar_compute. */
vemt_status vemt_gistar_permute(vemt_ctx *ctx, const vemt_weights *w,
                                const double *x, size_t n,
                                const vemt_perm_opts *opts, double *p_sim) {
    bool constant = true;
    for (size_t i = 1; i < n && constant; i++) constant = x[i] == x[0];
    if (!constant || n != vemt_weights_n(w) || n < 2)
        return vemt_permute_pseudo_p(ctx, w, x, n, NULL, opts, p_sim);
    for (size_t i = 0; i < n; i++) p_sim[i] = NAN;
    return VEMT_OK;
}
