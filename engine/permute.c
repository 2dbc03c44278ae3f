/** @file permute.c
 * @brief Conditional permutation inference for local statistics (Gi* here,
 * Local Moran in lisa.c): each unit's value held fixed, its neighbours'
 * values drawn without replacement from the other units, one random stream
 * per unit, units shared among threads.
 */
#include "engine/permute.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "engine/alloc.h"

/* ---- Random streams ----------------------------------------------------- */

/* The splitmix64 output function (Steele, Lea & Flood 2014, "Fast splittable
 * pseudorandom number generators", OOPSLA, doi:10.1145/2660193.2660195). */
static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* xoshiro256** 1.0 (Blackman & Vigna 2021, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47(4):36, doi:10.1145/3460772). Not a GSL
 * generator: gsl_rng_set() takes one unsigned long (taus2 keeps only 32 bits
 * of it, so 100,000 unit streams would collide) and reseeding mt19937 per
 * unit costs more than the unit's draws. */
typedef struct rng {
    uint64_t s[4];
    uint64_t spare; /* the low half of the last output, not yet used */
    bool has_spare;
} rng;

static inline uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r) {
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* The stream of unit `unit` in the run seeded `seed`: splitmix64 from a key
 * mixing both fills the state, as Blackman & Vigna advise seeding xoshiro. */
static void rng_seed(rng *r, uint64_t seed, uint64_t unit) {
    uint64_t key = mix64(mix64(seed) ^ unit);
    for (int j = 0; j < 4; j++) {
        key += 0x9e3779b97f4a7c15u;
        r->s[j] = mix64(key);
    }
    r->spare = 0;
    r->has_spare = false;
}

/* 32 random bits: the high, then the low half of each 64-bit output. */
static inline uint64_t rng_next32(rng *r) {
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    uint64_t v = rng_next(r);
    r->spare = v & 0xffffffffu;
    r->has_spare = true;
    return v >> 32;
}

/* Uniform integer in [0, range), range >= 1, by Lemire's nearly divisionless
 * method (Lemire 2019, "Fast random integer generation in an interval", ACM
 * TOMACS 29(1):3, doi:10.1145/3230636): unbiased, a division only on the
 * rare rejection path. */
static inline uint32_t rng_below(rng *r, uint32_t range) {
    uint64_t m = rng_next32(r) * (uint64_t)range;
    uint32_t low = (uint32_t)m;
    if (low < range) {
        uint32_t floor = (uint32_t)(-range) % range;
        while (low < floor) {
            m = rng_next32(r) * (uint64_t)range;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* ---- The permutation loop ----------------------------------------------- */

typedef struct perm_run {
    const vemt_weights *w;
    const double *x;
    const uint8_t *kind;
    size_t n, permutations;
    uint64_t seed;
    double tol; /* sums this close to the observed one are ties */
    double *p;
    atomic_size_t next; /* first unit not yet handed out */
} perm_run;

typedef struct perm_worker {
    perm_run *run;
    double *pool;    /* the n values, permuted in place and restored */
    uint32_t *swaps; /* positions swapped by the current draw */
    pthread_t thread;
    bool started;
} perm_worker;

#define PERM_CHUNK 32

/* One draw: a partial Fisher-Yates shuffle (Knuth, TAOCP vol. 2, 3rd ed.,
 * 3.4.2 Algorithm P) puts k values taken without replacement from
 * pool[0..cand) into pool[0..k); the swaps are undone in reverse, so the
 * pool is back in its original order and the next unit's draws do not
 * depend on which units this thread handled before. */
static inline double draw_sum(double *pool, uint32_t cand, uint32_t k,
                              uint32_t *swaps, rng *r) {
    double s = 0;
    for (uint32_t j = 0; j < k; j++) {
        uint32_t t = j + rng_below(r, cand - j);
        double v = pool[t];
        pool[t] = pool[j];
        pool[j] = v;
        swaps[j] = t;
        s += v;
    }
    for (uint32_t j = k; j-- > 0;) {
        double v = pool[j];
        pool[j] = pool[swaps[j]];
        pool[swaps[j]] = v;
    }
    return s;
}

/* Pseudo p-value of unit i. Its own value is moved out of reach (to the end
 * of the pool) while its neighbours are drawn. The statistic is monotone in
 * the lag sum for fixed i, so sums are compared directly, and the two-sided
 * p takes the smaller tail, which is the same whichever way the statistic
 * moves (Esri's pseudo p-value for permutation tests, ArcGIS Stats.py;
 * conditional randomisation: Anselin 1995, Geographical Analysis
 * 27(2):93-115, section 5, doi:10.1111/j.1538-4632.1995.tb00338.x). */
static double unit_p(const perm_run *run, perm_worker *wk, size_t i) {
    const size_t *nb;
    size_t k, drawn = 0;
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
    size_t last = run->n - 1, ge = 0, le = 0;
    double *pool = wk->pool, tol = run->tol * (double)drawn, v = pool[i];
    pool[i] = pool[last];
    pool[last] = v;
    rng r;
    rng_seed(&r, run->seed, i);
    for (size_t rep = 0; rep < run->permutations; rep++) {
        double s =
            draw_sum(pool, (uint32_t)last, (uint32_t)drawn, wk->swaps, &r);
        ge += s >= obs - tol;
        le += s <= obs + tol;
    }
    pool[last] = pool[i];
    pool[i] = v;
    double p = 2.0 * (double)((ge < le ? ge : le) + 1) /
               (double)(run->permutations + 1);
    return p < 1 ? p : 1;
}

/* Take chunks of units until none is left; returns the units handed out so
 * far when this thread's chunk is done (for progress). */
static size_t work_chunk(perm_worker *wk, bool *more) {
    perm_run *run = wk->run;
    size_t a = atomic_fetch_add(&run->next, PERM_CHUNK);
    *more = a < run->n;
    if (!*more) return run->n;
    size_t b = a + PERM_CHUNK < run->n ? a + PERM_CHUNK : run->n;
    for (size_t i = a; i < b; i++) run->p[i] = unit_p(run, wk, i);
    return b;
}

static void *worker_main(void *arg) {
    bool more = true;
    while (more) work_chunk(arg, &more);
    return NULL;
}

unsigned vemt_permute_threads(const vemt_perm_opts *opts) {
    long t = opts->threads;
    if (t == 0) t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1) t = 1;
    return t > (long)VEMT_PERM_MAX_THREADS ? VEMT_PERM_MAX_THREADS
                                           : (unsigned)t;
}

static void free_workers(perm_worker *wk, unsigned nt) {
    for (unsigned t = 0; wk && t < nt; t++) {
        vemt_free(wk[t].pool);
        vemt_free(wk[t].swaps);
    }
    vemt_free(wk);
}

/* Workers with their own copy of the values and room for the largest
 * neighbourhood; NULL when out of memory. */
static perm_worker *make_workers(perm_run *run, unsigned nt) {
    size_t maxk = 1;
    for (size_t i = 0; i < run->n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(run->w, i, &nb, &k);
        if (k > maxk) maxk = k;
    }
    perm_worker *wk = vemt_calloc(nt, sizeof *wk);
    for (unsigned t = 0; wk && t < nt; t++) {
        wk[t].run = run;
        wk[t].pool = vemt_calloc(run->n, sizeof *wk[t].pool);
        wk[t].swaps = vemt_calloc(maxk, sizeof *wk[t].swaps);
        if (!wk[t].pool || !wk[t].swaps) {
            free_workers(wk, nt);
            return NULL;
        }
        for (size_t i = 0; i < run->n; i++) wk[t].pool[i] = run->x[i];
    }
    return wk;
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

vemt_status vemt_permute_pseudo_p(vemt_ctx *ctx, const vemt_weights *w,
                                  const double *x, size_t n,
                                  const uint8_t *kind,
                                  const vemt_perm_opts *opts, double *p_sim) {
    double maxabs = 0;
    vemt_status st = check_args(ctx, w, x, n, opts, &maxabs);
    if (st) return st;
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
                    .p = p_sim};
    atomic_init(&run.next, 0);
    unsigned nt = vemt_permute_threads(opts);
    if ((size_t)nt > (n + PERM_CHUNK - 1) / PERM_CHUNK)
        nt = (unsigned)((n + PERM_CHUNK - 1) / PERM_CHUNK);
    perm_worker *wk = make_workers(&run, nt);
    if (!wk) return VEMT_E_NOMEM;
    /* A thread that cannot start leaves its share to the others. */
    for (unsigned t = 1; t < nt; t++)
        wk[t].started =
            pthread_create(&wk[t].thread, NULL, worker_main, &wk[t]) == 0;
    bool more = true;
    while (more) {
        size_t done = work_chunk(&wk[0], &more);
        vemt_ctx_progress(ctx, "permutations", done, n);
    }
    for (unsigned t = 1; t < nt; t++)
        if (wk[t].started) pthread_join(wk[t].thread, NULL);
    free_workers(wk, nt);
    return VEMT_OK;
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
