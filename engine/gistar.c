/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gistar.c
 * @brief Getis-Ord Gi* local statistic with analytic inference.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "engine/engine.h"

/* Gi* as a z-score (Getis & Ord 1992, Geographical Analysis 24(3):189-206,
 * doi:10.1111/j.1538-4632.1992.tb00261.x; Ord & Getis 1995, Geographical
 * Analysis 27(4):286-306, eq. 12, doi:10.1111/j.1538-4632.1995.tb00912.x),
 * in the form spdep::localG uses when self is included and ArcGIS's Hot Spot
 * Analysis documents:
 *
 *   G*_i = (sum_j w_ij x_j - xbar W_i) / (s sqrt((n S1_i - W_i^2) / (n - 1)))
 *
 * with xbar the mean of all n values, s^2 = sum_j x_j^2 / n - xbar^2 (the
 * population variance), W_i = sum_j w_ij and S1_i = sum_j w_ij^2. Weights
 * are binary here, so S1_i = W_i. The p-value is two-sided under N(0, 1). */
vemt_status vemt_gistar_compute(vemt_ctx *ctx, const vemt_weights *w,
                                const double *x, size_t n, double *z,
                                double *p) {
    if (n != vemt_weights_n(w) || n < 2)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "Gi* needs at least 2 units matching the "
                             "weights (got %zu for %zu)",
                             n, vemt_weights_n(w));
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    double mean = sum / (double)n, ss = 0;
    /* Two-pass variance: stable where sum x^2 / n - xbar^2 cancels. */
    for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
    double s = sqrt(ss / (double)n);
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        double lag = 0, wi = (double)k, s1 = (double)k;
        for (size_t m = 0; m < k; m++) lag += x[nb[m]];
        double denom = s * sqrt(((double)n * s1 - wi * wi) / (double)(n - 1));
        if (!(denom > 0)) {
            z[i] = p[i] = NAN;
            continue;
        }
        z[i] = (lag - mean * wi) / denom;
        p[i] = 2.0 * gsl_cdf_ugaussian_Q(fabs(z[i]));
    }
    return VEMT_OK;
}
