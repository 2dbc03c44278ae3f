/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trend.c
 * @brief Trend statistics of a series: the Mann-Kendall test with Sen's
 * slope, and the exact test of a change between two counts.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
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

/* Sen's slope (Sen 1968, J. Am. Stat. Assoc. 63(324):1379-1389,
 * doi:10.1080/01621459.1968.10480934): the median of the slopes of all
 * pairs of points of the series. */
static vemt_status sen_slope(const double *x, size_t n, double *slope) {
    size_t m = n * (n - 1) / 2, k = 0;
    double *s = vemt_calloc(m ? m : 1, sizeof *s);
    if (!s) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            s[k++] = (x[j] - x[i]) / (double)(j - i);
    qsort(s, m, sizeof *s, cmp_double);
    *slope = m % 2 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
    vemt_free(s);
    return VEMT_OK;
}

/* Mann-Kendall trend test (Mann 1945, Econometrica 13(3):245-259,
 * doi:10.2307/1907187; Kendall 1975, "Rank Correlation Methods", 4th ed.):
 *   S = sum_{i<j} sign(x_j - x_i)
 *   Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18   (ties)
 *   z = (S - 1)/sqrt(Var) if S > 0, (S + 1)/sqrt(Var) if S < 0, else 0
 *       (continuity correction), p = 2 (1 - Phi(|z|)).
 * tau is Kendall's tau-b against time (no ties in time):
 *   S / sqrt(n0 (n0 - n1)), n0 = n(n-1)/2, n1 = sum_g t_g(t_g-1)/2. */
vemt_status vemt_mann_kendall(const double *x, size_t n, vemt_mk *out) {
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n < 3) return VEMT_E_ARG;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) s += (x[j] > x[i]) - (x[j] < x[i]);
    double *sorted = vemt_malloc(n * sizeof *sorted);
    if (!sorted) return VEMT_E_NOMEM;
    memcpy(sorted, x, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    double ties, tied_pairs, dn = (double)n;
    tie_sums(sorted, n, &ties, &tied_pairs);
    vemt_free(sorted);
    out->s = s;
    out->var_s = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18.0;
    double sd = sqrt(out->var_s);
    out->z = sd > 0 ? (s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0) : 0;
    out->p = 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z));
    double n0 = dn * (dn - 1) / 2;
    out->tau = n0 - tied_pairs > 0 ? s / sqrt(n0 * (n0 - tied_pairs)) : 0;
    return sen_slope(x, n, &out->sen_slope);
}

/* Exact conditional test that two Poisson counts over equal exposure come
 * from the same rate (Przyborowski & Wilenski 1940, Biometrika 31:313-323,
 * doi:10.1093/biomet/31.3-4.313): given a + b, a ~ Binomial(a + b, 1/2);
 * two-sided p = min(1, 2 min(P(X <= a), P(X >= a))). Counts are rounded. */
double vemt_poisson_change_p(double a, double b) {
    unsigned ia = (unsigned)llround(a < 0 ? 0 : a);
    unsigned ib = (unsigned)llround(b < 0 ? 0 : b);
    unsigned n = ia + ib;
    if (n == 0) return 1.0;
    double lo = gsl_cdf_binomial_P(ia, 0.5, n);
    double hi = ia ? gsl_cdf_binomial_Q(ia - 1, 0.5, n) : 1.0;
    double p = 2.0 * fmin(lo, hi);
    return p > 1 ? 1 : p;
}
