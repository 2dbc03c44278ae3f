/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file scan.c
 * @brief Space-time permutation scan statistic (Kulldorff, Heffernan,
 * Hartman, Assuncao & Mostashari 2005, "A space-time permutation scan
 * statistic for disease outbreak detection", PLoS Medicine 2(3):e59,
 * doi:10.1371/journal.pmed.0020059), as SaTScan defines it.
 *
 * With N events, N_z of them at location z and N_d in step d, a cylinder A
 * (a set of locations Z times a window of steps D) expects
 * mu_A = sum_{z in Z, d in D} N_z N_d / N = N_Z N_D / N events (the
 * paper's equation for mu_A, summed), and its generalised likelihood ratio
 * is (c_A / mu_A)^c_A ((N - c_A) / (N - mu_A))^(N - c_A) for c_A > mu_A
 * (the paper's GLR, a high rate only); the scan statistic is the largest
 * over every cylinder. Its null distribution comes from replicates that
 * permute the steps among the events, which keeps every N_z and N_d and so
 * every mu_A: only the counts change. The p-value of a cluster is the rank
 * of its LLR among the replicates' largest (Dwass 1957; SaTScan User Guide,
 * "Monte Carlo replications").
 *
 * Circles are SaTScan's: each location is a centre, its neighbours enter
 * nearest first, equidistant ones together, while the circle holds at most
 * max_share of all events (the "maximum spatial cluster size" as a share
 * of the population at risk, which for this model is the events).
 * Every location is a centre; those without events change no count and
 * are left out of the circles' members.
 *
 * Speed. A replicate's counts of a circle grow one location at a time, so
 * each location's window counts are kept per replicate, 16 replicates side
 * by side (one vector addition a location), and a cylinder is evaluated
 * only when its count could beat the weakest of the 16 replicates' largest
 * LLR so far: the LLR falls as mu grows (d LLR / d mu = (N - c) / (N - mu)
 * - c / mu < 0 for c > mu) and rises with c, so the least count that beats
 * a bound B at the grid value of mu just below the cylinder's is a safe
 * threshold for it. The maxima, and so the p-values, are exactly those of
 * evaluating every cylinder (tests/test_scan.c compares both).
 */
#include "engine/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/montecarlo.h"

/* Replicates side by side in one work item. */
#define RB 16

/* The circles and windows, shared read-only by the workers. */
typedef struct scan_run {
    const vemt_scan_opts *o;
    size_t C, L, T, N, R;     /* centres (every location), locations with
                                 events, steps, events, replicates */
    double share_cap;         /* most events a circle may hold */
    uint32_t *loc;            /* per event: its location, compacted */
    uint32_t *step;           /* per event: its step */
    uint32_t *orig;           /* compacted location -> caller's index */
    uint32_t *nz;             /* events per compacted location */
    const double *xy;         /* the caller's coordinates */
    size_t *nb_at;            /* C + 1 offsets into nb */
    uint32_t *nb;             /* per centre: locations with events in its
                                 circles, nearest first */
    size_t *grp_at;           /* C + 1 offsets into grp */
    uint32_t *grp;            /* per centre: where each distinct radius ends in
                                 its nb list (exclusive) */
    size_t F;                 /* window-count rows per location (row 0 is 0) */
    size_t W;                 /* windows */
    uint16_t *wa, *wb;        /* window w's count: row wa[w] less row wb[w] */
    uint32_t *wfirst, *wlast; /* its steps, both included */
    double *nd_n;             /* N_D / N of window w */
    uint32_t key_lo, key_hi;  /* the mu grid (mu_key) */
    double *null_llr;         /* R */
} scan_run;

typedef struct scan_worker {
    scan_run *run;
    uint32_t *perm; /* N: the permuted steps */
    uint32_t *cnt;  /* L x T x RB counts */
    uint32_t *feat; /* L x F x RB window rows */
    uint32_t *cum;  /* F x RB: the circle's rows */
    double *edge;   /* key_hi - key_lo + 2 boundaries (make_thresholds) */
    double *slope;  /* and their least slopes */
    double thr_b;   /* the bound they are for */
} scan_worker;

double vemt_scan_llr(double n, double mu, double total) {
    if (!(n > mu) || !(mu > 0) || !(total > n)) return 0;
    /* Kulldorff et al. 2005, log of the GLR; log1p keeps the second term
     * exact when the cylinder is a small part of the data. */
    return n * log(n / mu) + (total - n) * log1p((mu - n) / (total - mu));
}

/* The grid value of mu: its exponent and first 3 bits of mantissa, so
 * the grid point of a key is at most any mu of that key (mu > 0). */
static inline uint32_t mu_key(double mu) {
    uint64_t b;
    memcpy(&b, &mu, sizeof b);
    return (uint32_t)(b >> 49);
}

static double key_mu(uint32_t key) {
    uint64_t b = (uint64_t)key << 49;
    double mu;
    memcpy(&mu, &b, sizeof mu);
    return mu;
}

/* The count r at which the LLR at mu reaches bound (n > mu; INFINITY when
 * no count below total does), by bisection. */
static double boundary(double mu, double bound, double total) {
    double lo = mu, hi = total - 1;
    if (!(hi > lo) || !(vemt_scan_llr(hi, mu, total) > bound))
        return (double)INFINITY;
    for (int i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (vemt_scan_llr(mid, mu, total) > bound)
            hi = mid;
        else
            lo = mid;
    }
    return lo;
}

/* Thresholds for every grid value mu_g of mu: the boundary r_g there, and
 * the least slope of the boundary up to the next grid value. Along the
 * boundary LLR(r(mu), mu) = bound, dr/dmu = (a - b) / (ln a - ln b) with
 * a = r / mu and b = (N - r) / (N - mu): the logarithmic mean of a > 1 > b,
 * at least b, and b >= (N - r(next)) / (N - mu_g) on the interval (r
 * rises with mu). So every count below r_g + slope (mu - mu_g) has an LLR
 * at most bound; one count of slack covers rounding. */
static void make_thresholds(scan_worker *w, double bound) {
    const scan_run *r = w->run;
    double N = (double)r->N;
    size_t n = r->key_hi - r->key_lo + 2;
    for (size_t k = 0; k < n; k++)
        w->edge[k] = r->o->exhaustive
                         ? -(double)INFINITY
                         : boundary(key_mu(r->key_lo + (uint32_t)k), bound, N);
    for (size_t k = 0; k + 1 < n; k++) {
        double mu_g = key_mu(r->key_lo + (uint32_t)k);
        double next = w->edge[k + 1];
        double b = isfinite(next) ? (N - next) / (N - mu_g) : 0;
        w->slope[k] = b > 0 ? b : 0;
    }
    w->thr_b = bound;
}

/* The least count a cylinder expecting mu must reach to be worth an
 * evaluation (at most the count whose LLR exceeds the bound). */
static inline double threshold(const scan_worker *w, double mu) {
    const scan_run *r = w->run;
    uint32_t key = mu_key(mu);
    if (key < r->key_lo) return -(double)INFINITY;
    if (key > r->key_hi) key = r->key_hi;
    size_t k = key - r->key_lo;
    return w->edge[k] + w->slope[k] * (mu - key_mu(key)) - 1;
}

/* ---- Circles and windows ------------------------------------------------- */

typedef struct dist_idx {
    double d2;
    uint32_t i;
} dist_idx;

static int by_dist(const void *a, const void *b) {
    const dist_idx *p = a, *q = b;
    if (p->d2 != q->d2) return p->d2 < q->d2 ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* Squared distance from centre a (the caller's index) to location b
 * (compacted). */
static double d2_of(const scan_run *r, uint32_t a, uint32_t b) {
    const double *p = r->xy + 2 * (size_t)a;
    const double *q = r->xy + 2 * (size_t)r->orig[b];
    double dx = p[0] - q[0], dy = p[1] - q[1];
    return dx * dx + dy * dy;
}

/* Append v to a growing array. */
static bool push32(uint32_t **a, size_t *n, size_t *cap, uint32_t v) {
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        uint32_t *g = vemt_realloc(*a, c * sizeof *g);
        if (!g) return false;
        *a = g;
        *cap = c;
    }
    (*a)[(*n)++] = v;
    return true;
}

/* Every centre's circles: neighbours by distance (ties by index), grouped
 * by distinct distance (equal to 1e-9 relative: grid centres computed
 * apart), cut before the group that takes the circle past the share. The
 * work of the replicates is counted on the way, so a scan too big for
 * max_work is refused before its lists are. */
static vemt_status make_circles(vemt_ctx *ctx, scan_run *r, double *work) {
    size_t L = r->L, C = r->C, n_nb = 0, cap_nb = 0, n_g = 0, cap_g = 0;
    dist_idx *d = vemt_calloc(L, sizeof *d);
    r->nb_at = vemt_calloc(C + 1, sizeof *r->nb_at);
    r->grp_at = vemt_calloc(C + 1, sizeof *r->grp_at);
    if (!d || !r->nb_at || !r->grp_at) {
        vemt_free(d);
        return VEMT_E_NOMEM;
    }
    double limit = r->o->max_work > 0 ? r->o->max_work : VEMT_SCAN_MAX_WORK;
    vemt_status st = VEMT_OK;
    *work = 0;
    for (size_t c = 0; c < C && !st; c++) {
        r->nb_at[c] = n_nb;
        r->grp_at[c] = n_g;
        for (size_t j = 0; j < L; j++)
            d[j] = (dist_idx){d2_of(r, (uint32_t)c, (uint32_t)j), (uint32_t)j};
        qsort(d, L, sizeof *d, by_dist);
        double held = 0;
        size_t j = 0, members = 0, groups = 0;
        while (j < L) {
            size_t e = j;
            double group = 0;
            while (e < L && d[e].d2 <= d[j].d2 * (1 + 1e-9) + 1e-12)
                group += r->nz[d[e++].i];
            if (held + group > r->share_cap) break;
            held += group;
            for (; j < e; j++)
                if (!push32(&r->nb, &n_nb, &cap_nb, d[j].i)) st = VEMT_E_NOMEM;
            if (!push32(&r->grp, &n_g, &cap_g, (uint32_t)(n_nb - r->nb_at[c])))
                st = VEMT_E_NOMEM;
            members = j;
            groups++;
        }
        *work += (double)r->R * ((double)members * (double)(r->F - 1) +
                                 (double)groups * (double)r->W);
        if (*work > limit && !st)
            st = vemt_ctx_fail(
                ctx, VEMT_E_OPTION,
                "the space-time scan would take more than %.3g steps (%zu "
                "locations with events, %zu windows, %zu replicates); make "
                "it smaller with a larger --cell-size, a smaller "
                "--scan-max-share or --scan-max-steps, or fewer "
                "--scan-replicates",
                limit, L, r->W, r->R);
    }
    r->nb_at[C] = n_nb;
    r->grp_at[C] = n_g;
    vemt_free(d);
    return st;
}

/* The windows and their rows: prospective, row l (1..S) holds the events
 * of the last l steps and window l-1 is row l; retrospective, row t
 * (0..T) the events of steps before t, and window [s, e] is row e + 1 less
 * row s. */
static vemt_status make_windows(scan_run *r, size_t S, const double *nd) {
    size_t T = r->T;
    r->W = 0;
    if (r->o->retrospective)
        for (size_t len = 1; len <= S; len++) r->W += T - len + 1;
    else
        r->W = S;
    r->F = r->o->retrospective ? T + 1 : S + 1;
    r->wa = vemt_calloc(r->W, sizeof *r->wa);
    r->wb = vemt_calloc(r->W, sizeof *r->wb);
    r->wfirst = vemt_calloc(r->W, sizeof *r->wfirst);
    r->wlast = vemt_calloc(r->W, sizeof *r->wlast);
    r->nd_n = vemt_calloc(r->W, sizeof *r->nd_n);
    if (!r->wa || !r->wb || !r->wfirst || !r->wlast || !r->nd_n)
        return VEMT_E_NOMEM;
    size_t w = 0;
    if (r->o->retrospective) {
        for (size_t s = 0; s < T; s++)
            for (size_t e = s; e < T && e - s < S; e++, w++) {
                r->wa[w] = (uint16_t)(e + 1);
                r->wb[w] = (uint16_t)s;
                r->wfirst[w] = (uint32_t)s;
                r->wlast[w] = (uint32_t)e;
            }
    } else {
        for (size_t l = 1; l <= S; l++, w++) {
            r->wa[w] = (uint16_t)l;
            r->wb[w] = 0;
            r->wfirst[w] = (uint32_t)(T - l);
            r->wlast[w] = (uint32_t)(T - 1);
        }
    }
    /* N_D of a window from the steps' running totals. */
    double *run = vemt_calloc(T + 1, sizeof *run);
    if (!run) return VEMT_E_NOMEM;
    for (size_t t = 0; t < T; t++) run[t + 1] = run[t] + nd[t];
    for (w = 0; w < r->W; w++)
        r->nd_n[w] = (run[r->wlast[w] + 1] - run[r->wfirst[w]]) / (double)r->N;
    vemt_free(run);
    return VEMT_OK;
}

/* A location's rows from its step counts cnt (T entries, stride apart),
 * written stride apart into feat (F entries). */
static void rows_of(const scan_run *r, const uint32_t *cnt, size_t stride,
                    uint32_t *feat) {
    size_t T = r->T;
    feat[0] = 0;
    if (r->o->retrospective) {
        uint32_t run = 0;
        for (size_t t = 0; t < T; t++) {
            run += cnt[t * stride];
            feat[(t + 1) * stride] = run;
        }
    } else {
        uint32_t run = 0;
        for (size_t l = 1; l < r->F; l++) {
            run += cnt[(T - l) * stride];
            feat[l * stride] = run;
        }
    }
}

/* ---- The data ------------------------------------------------------------ */

/* Each centre's best cylinder in the data. */
typedef struct best {
    double llr;
    uint32_t centre, group, window;
    double n, mu;
    double r2; /* the circle's squared radius */
} best;

static vemt_status scan_data(scan_run *r, best *top, uint64_t *cylinders) {
    size_t L = r->L, F = r->F, T = r->T;
    uint32_t *cnt = vemt_calloc(L * T, sizeof *cnt);
    uint32_t *feat = vemt_calloc(L * F, sizeof *feat);
    uint32_t *cum = vemt_calloc(F, sizeof *cum);
    if (!cnt || !feat || !cum) {
        vemt_free(cnt), vemt_free(feat), vemt_free(cum);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < r->N; i++) cnt[(size_t)r->loc[i] * T + r->step[i]]++;
    for (size_t z = 0; z < L; z++) rows_of(r, cnt + z * T, 1, feat + z * F);
    *cylinders = 0;
    for (size_t c = 0; c < r->C; c++) {
        top[c] = (best){0, (uint32_t)c, 0, 0, 0, 0, 0};
        memset(cum, 0, F * sizeof *cum);
        double held = 0;
        size_t j = r->nb_at[c];
        for (size_t g = r->grp_at[c]; g < r->grp_at[c + 1]; g++) {
            size_t end = r->nb_at[c] + r->grp[g];
            for (; j < end; j++) {
                const uint32_t *f = feat + (size_t)r->nb[j] * F;
                for (size_t k = 1; k < F; k++) cum[k] += f[k];
                held += r->nz[r->nb[j]];
            }
            for (size_t w = 0; w < r->W; w++) {
                double mu = held * r->nd_n[w];
                double n = (double)(cum[r->wa[w]] - cum[r->wb[w]]);
                double llr = vemt_scan_llr(n, mu, (double)r->N);
                /* The first of equal LLRs: smallest circle, then the
                 * window order. */
                if (llr > top[c].llr)
                    top[c] = (best){llr,
                                    (uint32_t)c,
                                    (uint32_t)(g - r->grp_at[c]),
                                    (uint32_t)w,
                                    n,
                                    mu,
                                    0};
            }
            *cylinders += r->W;
        }
    }
    vemt_free(cnt), vemt_free(feat), vemt_free(cum);
    return VEMT_OK;
}

/* ---- The replicates ------------------------------------------------------ */

/* Replicates item * RB .. + RB: permute, count, scan every cylinder that
 * could raise a replicate's largest LLR. */
static void replicate_item(void *wp, size_t item) {
    scan_worker *w = wp;
    scan_run *r = w->run;
    size_t L = r->L, T = r->T, F = r->F, N = r->N;
    size_t r0 = item * RB, nr = r->R - r0 < RB ? r->R - r0 : RB;
    memset(w->cnt, 0, L * T * RB * sizeof *w->cnt);
    for (size_t k = 0; k < nr; k++) {
        vemt_stream s = vemt_stream_for(r->o->perm.seed, r0 + k);
        memcpy(w->perm, r->step, N * sizeof *w->perm);
        vemt_stream_shuffle(&s, w->perm, N);
        for (size_t i = 0; i < N; i++)
            w->cnt[((size_t)r->loc[i] * T + w->perm[i]) * RB + k]++;
    }
    for (size_t z = 0; z < L; z++)
        for (size_t k = 0; k < RB; k++)
            rows_of(r, w->cnt + z * T * RB + k, RB, w->feat + z * F * RB + k);
    double b[RB] = {0};
    make_thresholds(w, 0);
    for (size_t c = 0; c < r->C; c++) {
        memset(w->cum, 0, F * RB * sizeof *w->cum);
        double held = 0;
        size_t j = r->nb_at[c];
        for (size_t g = r->grp_at[c]; g < r->grp_at[c + 1]; g++) {
            size_t end = r->nb_at[c] + r->grp[g];
            for (; j < end; j++) {
                const uint32_t *f = w->feat + (size_t)r->nb[j] * F * RB;
                uint32_t *cu = w->cum;
                for (size_t k = RB; k < F * RB; k++) cu[k] += f[k];
                held += r->nz[r->nb[j]];
            }
            for (size_t v = 0; v < r->W; v++) {
                double mu = held * r->nd_n[v];
                double t = threshold(w, mu);
                const uint32_t *a = w->cum + (size_t)r->wa[v] * RB;
                const uint32_t *bb = w->cum + (size_t)r->wb[v] * RB;
                for (size_t k = 0; k < RB; k++) {
                    uint32_t n = a[k] - bb[k];
                    if ((double)n < t) continue;
                    double llr = vemt_scan_llr((double)n, mu, (double)N);
                    if (llr > b[k]) b[k] = llr;
                }
            }
        }
        /* A higher bound prunes more; recomputing costs a few hundred
         * searches, so only when it has grown. */
        double lo = b[0];
        for (size_t k = 1; k < nr; k++) lo = b[k] < lo ? b[k] : lo;
        if (lo > w->thr_b * 1.05 + 0.05) make_thresholds(w, lo);
    }
    for (size_t k = 0; k < nr; k++) r->null_llr[r0 + k] = b[k];
}

/* ---- Results ------------------------------------------------------------- */

/* By LLR; of equal ones (the same members round another centre, often
 * an empty cell beside them), the smaller circle, then the centre. */
static int by_llr(const void *a, const void *b) {
    const best *p = a, *q = b;
    if (p->llr != q->llr) return p->llr > q->llr ? -1 : 1;
    if (p->r2 != q->r2) return p->r2 < q->r2 ? -1 : 1;
    return p->centre < q->centre ? -1 : p->centre > q->centre;
}

/* Whether a circle holds a location another cluster's circle holds: any
 * location, events or none, within both (SaTScan's overlap is of the
 * locations of its coordinates file). taken marks every location of the
 * clusters reported. */
static bool overlaps(const scan_run *r, const best *b, const bool *taken) {
    size_t from = r->nb_at[b->centre];
    size_t to = from + r->grp[r->grp_at[b->centre] + b->group];
    for (size_t j = from; j < to; j++)
        if (taken[r->orig[r->nb[j]]]) return true;
    const double *c = r->xy + 2 * (size_t)b->centre;
    double reach = b->r2 * (1 + 1e-9) + 1e-12;
    for (size_t z = 0; z < r->C; z++) {
        double dx = r->xy[2 * z] - c[0], dy = r->xy[2 * z + 1] - c[1];
        if (taken[z] && dx * dx + dy * dy <= reach) return true;
    }
    return false;
}

static void take(const scan_run *r, const best *b, bool *taken) {
    const double *c = r->xy + 2 * (size_t)b->centre;
    double reach = b->r2 * (1 + 1e-9) + 1e-12;
    for (size_t z = 0; z < r->C; z++) {
        double dx = r->xy[2 * z] - c[0], dy = r->xy[2 * z + 1] - c[1];
        if (dx * dx + dy * dy <= reach) taken[z] = true;
    }
}

static int by_double(const void *a, const void *b) {
    double p = *(const double *)a, q = *(const double *)b;
    return p < q ? -1 : p > q;
}

/* The primary cluster, then the best cylinder of each other centre in
 * order of LLR that shares no location with one reported (SaTScan's
 * default "no geographical overlap" for secondary clusters), each with
 * its p from the replicates' largest LLRs. */
static vemt_status report(const scan_run *r, best *top, vemt_scan_result *out) {
    size_t C = r->C, R = r->R;
    size_t cap =
        r->o->max_clusters ? r->o->max_clusters : VEMT_SCAN_CLUSTERS_DEFAULT;
    bool *taken = vemt_calloc(C, sizeof *taken);
    double *sorted = vemt_calloc(R, sizeof *sorted);
    out->clusters = vemt_calloc(cap, sizeof *out->clusters);
    size_t cap_m = 0;
    vemt_status st = VEMT_E_NOMEM;
    if (!taken || !sorted || !out->clusters) goto done;
    memcpy(sorted, r->null_llr, R * sizeof *sorted);
    qsort(sorted, R, sizeof *sorted, by_double);
    for (size_t i = 0; i < C; i++)
        if (top[i].llr > 0) {
            size_t end = r->nb_at[top[i].centre] +
                         r->grp[r->grp_at[top[i].centre] + top[i].group];
            top[i].r2 = d2_of(r, top[i].centre, r->nb[end - 1]);
        }
    qsort(top, C, sizeof *top, by_llr);
    for (size_t i = 0; i < C && out->n_clusters < cap; i++) {
        const best *b = &top[i];
        if (!(b->llr > 0)) break;
        size_t from = r->nb_at[b->centre];
        size_t to = from + r->grp[r->grp_at[b->centre] + b->group];
        if (overlaps(r, b, taken)) continue;
        take(r, b, taken);
        vemt_scan_cluster *k = &out->clusters[out->n_clusters++];
        k->centre = b->centre;
        k->n_members = (uint32_t)(to - from);
        k->first_member = out->n_members;
        for (size_t j = from; j < to; j++) {
            if (!push32(&out->members, &out->n_members, &cap_m,
                        r->orig[r->nb[j]]))
                goto done;
        }
        k->radius = sqrt(b->r2);
        k->first_step = r->wfirst[b->window];
        k->last_step = r->wlast[b->window];
        k->observed = b->n;
        k->expected = b->mu;
        double N = (double)r->N;
        k->relative_risk = (b->n / b->mu) / ((N - b->n) / (N - b->mu));
        k->llr = b->llr;
        /* Replicates at least as extreme, by bisection in the sorted
         * maxima; the data count as one arrangement (Dwass 1957). */
        size_t lo = 0, hi = R;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] >= b->llr)
                hi = mid;
            else
                lo = mid + 1;
        }
        k->p = (double)(R - lo + 1) / (double)(R + 1);
    }
    st = VEMT_OK;
done:
    vemt_free(taken);
    vemt_free(sorted);
    return st;
}

/* ---- Entry --------------------------------------------------------------- */

static vemt_status check(vemt_ctx *ctx, const double *xy, size_t n_locations,
                         size_t n_steps, const uint32_t *location,
                         const uint32_t *step, size_t n_events,
                         const vemt_scan_opts *o, vemt_scan_result *out) {
    if (!out || !o || (!xy && n_locations))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "scan: no data or options");
    if (n_events < 2 || n_steps < 2 || !location || !step)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the space-time scan needs at least 2 events and "
                             "2 steps (%zu events, %zu steps)",
                             n_events, n_steps);
    if (n_events >= UINT32_MAX || n_locations >= UINT32_MAX ||
        n_steps >= UINT16_MAX)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the space-time scan takes fewer than 2^32 "
                             "events and locations and 65535 steps");
    if (o->max_share < 0 || o->max_share > 0.5 || isnan(o->max_share))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the scan's largest circle must hold at most "
                             "half of the events (max share %g)",
                             o->max_share);
    if (o->perm.permutations < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the space-time scan needs at least 1 replicate");
    for (size_t i = 0; i < n_events; i++)
        if (location[i] >= n_locations || step[i] >= n_steps)
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "scan: event %zu at location %u of %zu, step "
                                 "%u of %zu",
                                 i, location[i], n_locations, step[i], n_steps);
    for (size_t z = 0; z < n_locations; z++)
        if (!isfinite(xy[2 * z]) || !isfinite(xy[2 * z + 1]))
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "scan: location %zu has no coordinates", z);
    return VEMT_OK;
}

void vemt_scan_result_clear(vemt_scan_result *r) {
    if (!r) return;
    vemt_free(r->clusters);
    vemt_free(r->members);
    vemt_free(r->null_llr);
    memset(r, 0, sizeof *r);
}

static void run_free(scan_run *r) {
    vemt_free(r->loc), vemt_free(r->step), vemt_free(r->orig);
    vemt_free(r->nz), vemt_free(r->nb_at), vemt_free(r->nb);
    vemt_free(r->grp_at), vemt_free(r->grp), vemt_free(r->wa);
    vemt_free(r->wb), vemt_free(r->wfirst), vemt_free(r->wlast);
    vemt_free(r->nd_n);
}

vemt_status vemt_scan_run(vemt_ctx *ctx, const double *xy, size_t n_locations,
                          size_t n_steps, const uint32_t *location,
                          const uint32_t *step, size_t n_events,
                          const vemt_scan_opts *opts, vemt_scan_result *out) {
    if (out) memset(out, 0, sizeof *out);
    vemt_status st = check(ctx, xy, n_locations, n_steps, location, step,
                           n_events, opts, out);
    if (st) return st;
    scan_run r = {.o = opts, .T = n_steps, .N = n_events, .xy = xy};
    r.R = opts->perm.permutations;
    double share = opts->max_share > 0 ? opts->max_share : 0.5;
    r.share_cap = share * (double)n_events;
    size_t S = opts->max_steps ? opts->max_steps : n_steps / 2;
    if (S < 1) S = 1;
    if (S > n_steps) S = n_steps;
    unsigned nw = vemt_mc_threads(&opts->perm);
    size_t items = (r.R + RB - 1) / RB;
    if (nw > items) nw = (unsigned)items;
    scan_worker *wk = vemt_calloc(nw, sizeof *wk);
    best *top = NULL;
    uint32_t *id = vemt_calloc(n_locations, sizeof *id);
    double *nd = vemt_calloc(n_steps, sizeof *nd);
    r.loc = vemt_calloc(n_events, sizeof *r.loc);
    r.step = vemt_calloc(n_events, sizeof *r.step);
    r.null_llr = out->null_llr = vemt_calloc(r.R, sizeof *out->null_llr);
    st = VEMT_E_NOMEM;
    if (!wk || !id || !nd || !r.loc || !r.step || !r.null_llr) goto done;
    /* Compact the locations that hold events, in the caller's order. */
    for (size_t i = 0; i < n_events; i++) id[location[i]] = 1;
    for (size_t z = 0; z < n_locations; z++)
        id[z] = id[z] ? (uint32_t)++r.L : 0;
    r.orig = vemt_calloc(r.L, sizeof *r.orig);
    r.nz = vemt_calloc(r.L, sizeof *r.nz);
    r.C = n_locations;
    top = vemt_calloc(r.C, sizeof *top);
    if (!r.orig || !r.nz || !top) goto done;
    for (size_t z = 0; z < n_locations; z++)
        if (id[z]) r.orig[id[z] - 1] = (uint32_t)z;
    for (size_t i = 0; i < n_events; i++) {
        r.loc[i] = id[location[i]] - 1;
        r.step[i] = step[i];
        r.nz[r.loc[i]]++;
        nd[step[i]] += 1;
    }
    if ((st = make_windows(&r, S, nd))) goto done;
    if ((st = make_circles(ctx, &r, &out->work))) goto done;
    r.key_lo = mu_key(1.0 / (double)n_events);
    r.key_hi = mu_key((double)n_events);
    st = VEMT_E_NOMEM;
    for (unsigned k = 0; k < nw; k++) {
        wk[k].run = &r;
        wk[k].perm = vemt_calloc(n_events, sizeof *wk[k].perm);
        wk[k].cnt = vemt_calloc(r.L * r.T * RB, sizeof *wk[k].cnt);
        wk[k].feat = vemt_calloc(r.L * r.F * RB, sizeof *wk[k].feat);
        wk[k].cum = vemt_calloc(r.F * RB, sizeof *wk[k].cum);
        wk[k].edge = vemt_calloc(r.key_hi - r.key_lo + 2, sizeof *wk[k].edge);
        wk[k].slope = vemt_calloc(r.key_hi - r.key_lo + 2, sizeof *wk[k].slope);
        if (!wk[k].perm || !wk[k].cnt || !wk[k].feat || !wk[k].cum ||
            !wk[k].edge || !wk[k].slope)
            goto done;
    }
    if ((st = scan_data(&r, top, &out->n_cylinders))) goto done;
    vemt_mc_run(ctx, "space-time scan", items, 1, wk, sizeof *wk, nw,
                replicate_item);
    out->replicates = r.R;
    out->p_floor = 1.0 / (double)(r.R + 1);
    out->n_events = n_events;
    out->n_locations = r.L;
    out->n_windows = r.W;
    st = report(&r, top, out);
done:
    for (unsigned k = 0; wk && k < nw; k++) {
        vemt_free(wk[k].perm), vemt_free(wk[k].cnt), vemt_free(wk[k].feat);
        vemt_free(wk[k].cum), vemt_free(wk[k].edge), vemt_free(wk[k].slope);
    }
    vemt_free(wk);
    vemt_free(top);
    vemt_free(id);
    vemt_free(nd);
    r.null_llr = NULL;
    run_free(&r);
    if (st) vemt_scan_result_clear(out);
    return st;
}
