/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trend.c
 * @brief Trend statistics of a series: the Mann-Kendall test with Sen's
 * slope (steps without a value left out), the seasonal Kendall test, and
 * the exact test of a change between two rates.
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* A total order on doubles, NaN after every number, so qsort never meets
 * an inconsistent comparison (x < NaN, NaN < x and x == NaN are all false
 * under the usual operators). */
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    int nx = isnan(x), ny = isnan(y);
    if (nx || ny) return nx - ny;
    return (x > y) - (x < y);
}

/* Sort a[0..n) (no NaN) by insertion for the short series of a trend,
 * where it beats qsort's calls through a comparison function, and with
 * qsort beyond 32 values. Tied values end up adjacent either way. */
static void sort_short(double *a, size_t n) {
    if (n > 32) {
        qsort(a, n, sizeof *a, cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        for (; j > 0 && v < a[j - 1]; j--) a[j] = a[j - 1];
        a[j] = v;
    }
}

/* Sum over groups of tied values of t (t - 1) (2t + 5), and of t (t - 1) / 2
 * (for tau-b), from a sorted copy. */
static void tie_sums(double *sorted, size_t n, double *var_term,
                     double *pairs) {
    *var_term = *pairs = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && sorted[j] == sorted[i]) j++;
        double t = (double)(j - i);
        *var_term += t * (t - 1) * (2 * t + 5);
        *pairs += t * (t - 1) / 2;
        i = j;
    }
}

/* Kendall's S of one series and its variance under no trend with the tie
 * correction (Kendall 1975, eq. 4.3):
 *   S = sum_{i<j} sign(x_j - x_i),
 *   Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18,
 * and the tied pairs sum_g t_g(t_g-1)/2. Returns VEMT_E_NOMEM. */
static vemt_status kendall_s(const double *x, size_t n, double *s,
                             double *var_s, double *tied_pairs) {
    *s = *var_s = *tied_pairs = 0;
    if (n < 2) return VEMT_OK;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) *s += (x[j] > x[i]) - (x[j] < x[i]);
    double *sorted = vemt_malloc(n * sizeof *sorted);
    if (!sorted) return VEMT_E_NOMEM;
    memcpy(sorted, x, n * sizeof *sorted);
    sort_short(sorted, n);
    double ties, dn = (double)n;
    tie_sums(sorted, n, &ties, tied_pairs);
    vemt_free(sorted);
    *var_s = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18.0;
    return VEMT_OK;
}

/* The continuity-corrected z of S and its two-sided normal p. */
static void z_and_p(vemt_mk *out) {
    double sd = sqrt(out->var_s), s = out->s;
    out->z = sd > 0 ? (s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0) : 0;
    out->p = 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z));
}

static double median_sorted(const double *s, size_t m) {
    if (m == 0) return (double)NAN;
    return m % 2 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
}

/* The middle one of a, b and c. */
static double median3(double a, double b, double c) {
    if (a < b) return b < c ? b : a < c ? c : a;
    return a < c ? a : b < c ? c : b;
}

/* Moves the values of s[lo..hi) below piv (or, with or_equal, not above
 * it) to the front, returning where the rest begins: Lomuto's partition
 * (Bentley 1984, "Programming pearls: how to sort", Commun. ACM
 * 27(4):287-291, doi:10.1145/358027.358029) with the swap unconditional
 * and only the boundary's step depending on the comparison, so the random
 * order of the slopes costs no branch mispredictions. */
static size_t partition(double *s, size_t lo, size_t hi, double piv,
                        bool or_equal) {
    size_t b = lo;
    for (size_t i = lo; i < hi; i++) {
        double v = s[i];
        s[i] = s[b];
        s[b] = v;
        b += or_equal ? v <= piv : v < piv;
    }
    return b;
}

/* The element of rank r (0-based, ascending) of s[0..m), r < m, no NaN in
 * s, by Hoare's FIND (Hoare 1961, "Algorithm 65: Find", Commun. ACM
 * 4(7):321-322, doi:10.1145/366622.366647) with median-of-three pivots and
 * a three-way split (below, equal to, above the pivot; counts have many
 * tied slopes): O(m) expected. s is reordered so that
 * s[0..r) <= s[r] <= s(r..m). After 64 rounds (inputs that defeat the
 * pivots) the rest is sorted. */
static double select_rank(double *s, size_t m, size_t r) {
    size_t lo = 0, hi = m;
    for (int round = 0; hi - lo > 1; round++) {
        if (round == 64) {
            qsort(s + lo, hi - lo, sizeof *s, cmp_double);
            break;
        }
        /* s[0..lo) <= s[lo..hi) <= s[hi..m), and r is in [lo, hi). The
         * pivot's own value is in s[lo..hi), so each round shrinks it. */
        double piv = median3(s[lo], s[lo + (hi - lo) / 2], s[hi - 1]);
        size_t below = partition(s, lo, hi, piv, false);
        if (r < below) {
            hi = below;
            continue;
        }
        size_t equal = partition(s, below, hi, piv, true);
        if (r < equal) return s[r];
        lo = equal;
    }
    return s[r];
}

/* The median of s[0..m), reordering s: the value median_sorted gives for
 * s sorted by cmp_double (for even m the mean of the two middle ones), by
 * selection instead of a sort. A NaN or a -0 (equal to +0 but not the
 * same, so the sort's order of equal values would decide which one is the
 * median) sends s to the sort as before, so the result is always bit for
 * bit the sort's. */
static double median_of(double *s, size_t m) {
    if (m == 0) return (double)NAN;
    for (size_t i = 0; i < m; i++)
        if (isnan(s[i]) || (s[i] == 0 && signbit(s[i]))) {
            qsort(s, m, sizeof *s, cmp_double);
            return median_sorted(s, m);
        }
    double hi = select_rank(s, m, m / 2);
    if (m % 2) return hi;
    double lo = s[0];
    for (size_t i = 1; i < m / 2; i++)
        if (s[i] > lo) lo = s[i];
    return 0.5 * (lo + hi);
}

/* Null statistics with the reason. */
static void set_null(vemt_mk *out, const char *reason) {
    out->s = out->var_s = out->z = out->p = out->tau = out->sen_slope =
        (double)NAN;
    out->null_reason = reason;
}

/* The values of x[first], x[first + stride], ... that are not NaN, and
 * their positions (in strides): the time index of a kept step stays its
 * own, so a slope spans the true distance. Returns the number kept. */
static size_t kept_values(const double *x, size_t n, size_t first,
                          size_t stride, double *v, double *pos) {
    size_t k = 0;
    for (size_t i = first, step = 0; i < n; i += stride, step++)
        if (!isnan(x[i])) {
            v[k] = x[i];
            pos[k++] = (double)step;
        }
    return k;
}

/* The slopes (v_j - v_i) / (pos_j - pos_i) of the k(k-1)/2 pairs i < j
 * into out; returns how many. */
static size_t pair_slopes(const double *v, const double *pos, size_t k,
                          double *out) {
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            out[m++] = (v[j] - v[i]) / (pos[j] - pos[i]);
    return m;
}

/* Mann-Kendall trend test (Mann 1945, Econometrica 13(3):245-259,
 * doi:10.2307/1907187; Kendall 1975, "Rank Correlation Methods", 4th ed.):
 *   z = (S - 1)/sqrt(Var) if S > 0, (S + 1)/sqrt(Var) if S < 0, else 0
 *       (continuity correction), p = 2 (1 - Phi(|z|)).
 * tau is Kendall's tau-b against time (no ties in time):
 *   S / sqrt(n0 (n0 - n1)), n0 = n(n-1)/2, n1 = sum_g t_g(t_g-1)/2.
 * Sen's slope (Sen 1968, J. Am. Stat. Assoc. 63(324):1379-1389,
 * doi:10.1080/01621459.1968.10480934): the median of the slopes
 * (x_j - x_i) / (t_j - t_i) of all pairs of kept steps. Steps whose value
 * is NaN are left out of both; the steps keep their time index. */
vemt_status vemt_mann_kendall_min(const double *x, size_t n, size_t min_steps,
                                  vemt_mk *out) {
    memset(out, 0, sizeof *out);
    if (min_steps < 3) min_steps = 3;
    double *v = vemt_calloc(n ? n : 1, sizeof *v),
           *pos = vemt_calloc(n ? n : 1, sizeof *pos);
    size_t m = 0;
    double *slopes = NULL;
    vemt_status st = v && pos ? VEMT_OK : VEMT_E_NOMEM;
    size_t k = st ? 0 : kept_values(x, n, 0, 1, v, pos);
    out->n = k;
    if (!st && k < min_steps) {
        /* The trend outputs' minimum is VEMT_MK_MIN_STEPS (10). */
        _Static_assert(VEMT_MK_MIN_STEPS == 10, "the reasons say 10");
        bool outputs = min_steps == VEMT_MK_MIN_STEPS;
        set_null(out,
                 k < n ? (outputs ? "fewer than 10 steps with a value "
                                    "(Gi* z is undefined in a step "
                                    "whose window has no variance)"
                                  : "too few steps with a value")
                       : (outputs ? "fewer than 10 steps" : "too few steps"));
        st = min_steps == 3 ? VEMT_E_ARG : VEMT_OK;
        goto done;
    }
    double tied_pairs;
    if (!st) st = kendall_s(v, k, &out->s, &out->var_s, &tied_pairs);
    if (st) goto done;
    z_and_p(out);
    double dk = (double)k, n0 = dk * (dk - 1) / 2;
    out->tau = n0 - tied_pairs > 0 ? out->s / sqrt(n0 * (n0 - tied_pairs)) : 0;
    if (!(slopes = vemt_calloc(k * (k - 1) / 2, sizeof *slopes))) {
        st = VEMT_E_NOMEM;
        goto done;
    }
    m = pair_slopes(v, pos, k, slopes);
    out->sen_slope = median_of(slopes, m);
done:
    vemt_free(v), vemt_free(pos), vemt_free(slopes);
    return st;
}

vemt_status vemt_mann_kendall(const double *x, size_t n, vemt_mk *out) {
    return vemt_mann_kendall_min(x, n, 3, out);
}

/* The seasonal Kendall test (Hirsch, Slack & Smith 1982, "Techniques of
 * trend analysis for monthly water quality data", Water Resour. Res.
 * 18(1):107-121, doi:10.1029/WR018i001p00107): season g holds the steps
 * g, g + period, ...; each season's Kendall S_g and Var(S_g) (with that
 * season's tie correction) are computed on its own, then
 *   S = sum_g S_g, Var(S) = sum_g Var(S_g),
 *   z = (S - 1)/sqrt(Var) if S > 0, (S + 1)/sqrt(Var) if S < 0, else 0,
 * p = 2 (1 - Phi(|z|)). The seasonal Kendall slope estimator (ibid.) is
 * the median over all seasons of the within-season slopes
 * (x_j - x_i) / (year_j - year_i): change per period (per year for
 * months). tau is S / sum_g n_g(n_g-1)/2. NaN steps are left out. */
vemt_status vemt_seasonal_kendall(const double *x, size_t n, size_t period,
                                  vemt_mk *out) {
    memset(out, 0, sizeof *out);
    if (period < 2 || n < 2 * period) {
        set_null(out, "fewer than two full cycles of seasons");
        return VEMT_E_ARG;
    }
    size_t per = (n + period - 1) / period, m = 0;
    double *v = vemt_calloc(per, sizeof *v),
           *pos = vemt_calloc(per, sizeof *pos);
    double *slopes = vemt_calloc(period * per * per / 2 + 1, sizeof *slopes);
    vemt_status st = v && pos && slopes ? VEMT_OK : VEMT_E_NOMEM;
    double pairs = 0;
    for (size_t g = 0; !st && g < period; g++) {
        size_t k = kept_values(x, n, g, period, v, pos);
        double s, var, tied;
        st = kendall_s(v, k, &s, &var, &tied);
        out->s += s, out->var_s += var, out->n += k;
        pairs += (double)k * (double)(k - 1) / 2;
        m += pair_slopes(v, pos, k, slopes + m);
    }
    if (!st && m == 0) set_null(out, "no season with two values");
    if (!st && m > 0) {
        z_and_p(out);
        out->tau = out->s / pairs;
        out->sen_slope = median_of(slopes, m);
    }
    vemt_free(v), vemt_free(pos), vemt_free(slopes);
    return st;
}

/* Exact conditional test that two Poisson counts a and b, observed over
 * exposures (days) ta and tb, come from the same rate per day
 * (Przyborowski & Wilenski 1940, Biometrika 31:313-323,
 * doi:10.1093/biomet/31.3-4.313; Krishnamoorthy & Thomson 2004, J. Stat.
 * Plan. Inference 119(1):23-35, doi:10.1016/S0378-3758(02)00408-1): given
 * n = a + b, a ~ Binomial(n, q = ta / (ta + tb)) under equal rates. The
 * two-sided p sums the outcomes no more likely than a (Clopper & Pearson's
 * "minimum likelihood" rule, as R's binom.test and so poisson.test compute
 * it, with R's relative tolerance 1e-7): P(X <= a) plus the far tail of
 * the outcomes at most as likely, found by bisection on the far side of
 * the mode, where the probabilities fall monotonically. Counts are
 * rounded. */
double vemt_poisson_rate_p(double a, double ta, double b, double tb) {
    if (!(ta > 0) || !(tb > 0)) return (double)NAN;
    unsigned x = (unsigned)llround(a < 0 ? 0 : a);
    unsigned n = x + (unsigned)llround(b < 0 ? 0 : b);
    if (n == 0) return 1.0;
    double q = ta / (ta + tb), m = n * q;
    double d = gsl_ran_binomial_pdf(x, q, n) * (1 + 1e-7);
    double p;
    if ((double)x == m) return 1.0;
    if ((double)x < m) {
        /* The first k above the mode with P(k) <= d: all from it on. */
        unsigned lo = (unsigned)ceil(m), hi = n + 1;
        while (lo < hi) {
            unsigned mid = lo + (hi - lo) / 2;
            if (gsl_ran_binomial_pdf(mid, q, n) <= d)
                hi = mid;
            else
                lo = mid + 1;
        }
        p = gsl_cdf_binomial_P(x, q, n) +
            (lo <= n ? gsl_cdf_binomial_Q(lo - 1, q, n) : 0);
    } else {
        /* The last k below the mode with P(k) <= d: all up to it. */
        unsigned lo = 0, hi = (unsigned)floor(m) + 1; /* count of them */
        while (lo < hi) {
            unsigned mid = lo + (hi - lo) / 2;
            if (gsl_ran_binomial_pdf(mid, q, n) <= d)
                lo = mid + 1;
            else
                hi = mid;
        }
        p = (lo ? gsl_cdf_binomial_P(lo - 1, q, n) : 0) +
            gsl_cdf_binomial_Q(x - 1, q, n);
    }
    return p > 1 ? 1 : p;
}

double vemt_poisson_change_p(double a, double b) {
    return vemt_poisson_rate_p(a, 1, b, 1);
}
