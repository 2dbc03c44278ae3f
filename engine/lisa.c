/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file lisa.c
 * @brief Local Moran's I (a LISA) with analytic and conditional-permutation
 * inference, and its cluster and outlier types.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "engine/alloc.h"
#include "engine/engine.h"
#include "engine/permute.h"

/* Row-standardised lag of the deviations z at unit i over its neighbours
 * other than itself (w_ij = 1 / k_i); *k gets their number (0: isolate,
 * lag 0 as spdep's zero.policy gives it). */
static double lag_dev(const vemt_weights *w, const double *z, size_t i,
                      size_t *k) {
    const size_t *nb;
    size_t cnt;
    double s = 0;
    *k = 0;
    vemt_weights_neighbours(w, i, &nb, &cnt);
    for (size_t m = 0; m < cnt; m++)
        if (nb[m] != i) {
            s += z[nb[m]];
            (*k)++;
        }
    return *k ? s / (double)*k : 0;
}

static vemt_status check_units(vemt_ctx *ctx, const vemt_weights *w, size_t n,
                               size_t least) {
    if (n == vemt_weights_n(w) && n >= least) return VEMT_OK;
    return vemt_ctx_fail(ctx, VEMT_E_ARG,
                         "Local Moran's I needs at least %zu units matching "
                         "the weights (got %zu for %zu)",
                         least, n, vemt_weights_n(w));
}

/* Moments of the deviations from the mean: m2 = sum z^2 / n and
 * b2 = (sum z^4 / n) / m2^2 (spdep::localmoran with mlvar = TRUE). */
static double moments(const double *x, size_t n, double *mean, double *b2) {
    double s = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = (x[i] - *mean) * (x[i] - *mean);
        m2 += d;
        m4 += d * d;
    }
    m2 /= (double)n;
    *b2 = (m4 / (double)n) / (m2 * m2);
    return m2;
}

/* Local Moran's I (Anselin 1995, "Local indicators of spatial association -
 * LISA", Geographical Analysis 27(2):93-115, eq. 12,
 * doi:10.1111/j.1538-4632.1995.tb00338.x) as spdep 1.2-7's localmoran
 * scales it: I_i = (z_i / m2) sum_j w_ij z_j, z = x - xbar, m2 = sum z^2 / n,
 * w row-standardised without self. Moments for unit i with W_i = sum_j w_ij
 * (1, or 0 for an isolate) and W2_i = sum_j w_ij^2 = 1 / k_i (Sokal, Oden &
 * Thomson 1998, "Local spatial autocorrelation in a biological model",
 * Geographical Analysis 30(4):331-354, doi:10.1111/j.1538-4632.1998.tb00406.x):
 *  - conditional randomisation (eqs. A7, A8; spdep's default):
 *      E = -z_i^2 W_i / ((n - 1) m2),
 *      V = (z_i / m2)^2 n / (n - 2) (W2_i - W_i^2 / (n - 1))
 *          (m2 - z_i^2 / (n - 1));
 *  - total randomisation (eqs. A3, A4; Anselin 1995 eqs. 13-14):
 *      E = -W_i / (n - 1),
 *      V = W2_i (n - b2) / (n - 1) + (W_i^2 - W2_i) (2 b2 - n)
 *          / ((n - 1)(n - 2)) - E^2.
 * z = (I - E) / sqrt(V), p two-sided normal; NaN where V is not positive
 * (an isolate, or z_i = 0 under the conditional null, as in spdep). */
vemt_status vemt_lisa_compute(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n, vemt_lisa_null null,
                              double *ii, double *z, double *p) {
    vemt_status st = check_units(ctx, w, n, 3);
    if (st) return st;
    double mean, b2, m2 = moments(x, n, &mean, &b2), nn = (double)n;
    double *dev = vemt_malloc(n * sizeof *dev);
    if (!dev) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) dev[i] = x[i] - mean;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        double lag = lag_dev(w, dev, i, &k), zi = dev[i];
        double wi = k ? 1 : 0, w2 = k ? 1 / (double)k : 0, e, v;
        ii[i] = m2 > 0 ? zi / m2 * lag : (double)NAN;
        if (null == VEMT_LISA_TOTAL) {
            e = -wi / (nn - 1);
            v = w2 * (nn - b2) / (nn - 1) +
                (wi * wi - w2) * (2 * b2 - nn) / ((nn - 1) * (nn - 2)) - e * e;
        } else {
            e = -zi * zi * wi / ((nn - 1) * m2);
            v = (zi / m2) * (zi / m2) * (nn / (nn - 2)) *
                (w2 - wi * wi / (nn - 1)) * (m2 - zi * zi / (nn - 1));
        }
        z[i] = v > 0 && isfinite(ii[i]) ? (ii[i] - e) / sqrt(v) : (double)NAN;
        p[i] =
            isnan(z[i]) ? (double)NAN : 2.0 * gsl_cdf_ugaussian_Q(fabs(z[i]));
    }
    vemt_free(dev);
    return VEMT_OK;
}

/* For fixed i, I_i is (z_i / m2) times the mean of the neighbours'
 * deviations: monotone in the neighbours' sum with the sign of z_i, and
 * identically 0 when z_i = 0; undefined when all values are equal. This is
 * lisa_p, the p of the types: the permutation p, as GeoDa, PySAL esda and
 * Esri's Cluster and Outlier Analysis use. It is two-sided, as Esri's and
 * vemt's Gi* p_sim; GeoDa and esda report the folded one-sided
 * (min(M_ge, M_le) + 1) / (R + 1), about half of it, so their map at 0.05
 * corresponds to lisa_p <= 0.10. */
vemt_status vemt_lisa_permute(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n,
                              const vemt_perm_opts *opts, double *p_sim) {
    vemt_status st = check_units(ctx, w, n, 2);
    if (st) return st;
    uint8_t *kind = vemt_malloc(n);
    if (!kind) return VEMT_E_NOMEM;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    double mean = s / (double)n;
    bool constant = true;
    for (size_t i = 1; i < n && constant; i++) constant = x[i] == x[0];
    for (size_t i = 0; i < n; i++)
        kind[i] = constant           ? VEMT_PERM_UNDEFINED
                  : x[i] - mean == 0 ? VEMT_PERM_CONSTANT
                                     : VEMT_PERM_VARIES;
    st = vemt_permute_pseudo_p(ctx, w, x, n, kind, opts, p_sim);
    vemt_free(kind);
    return st;
}

/* The quadrant of the Moran scatter plot (Anselin 1996, "The Moran
 * scatterplot as an ESDA tool to assess local instability in spatial
 * association", in Fischer, Scholten & Unwin (eds.), Spatial Analytical
 * Perspectives on GIS, Taylor & Francis, pp. 111-125): the sign of the
 * unit's deviation against the sign of its neighbours' mean deviation,
 * as GeoDa, PySAL esda (q) and spdep's "pysal" quadrant read it; only where
 * p <= alpha (GeoDa and Esri's Cluster and Outlier Analysis both test
 * p <= the cut-off) and I_i != 0. */
vemt_status vemt_lisa_types(vemt_ctx *ctx, const vemt_weights *w,
                            const double *x, size_t n, const double *p,
                            double alpha, int8_t *type) {
    vemt_status st = check_units(ctx, w, n, 2);
    if (st) return st;
    double *dev = vemt_malloc(n * sizeof *dev), s = 0;
    if (!dev) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) s += x[i];
    for (size_t i = 0; i < n; i++) dev[i] = x[i] - s / (double)n;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        double lag = lag_dev(w, dev, i, &k), zi = dev[i];
        int8_t t = VEMT_LISA_NONE;
        if (p[i] <= alpha && zi != 0 && lag != 0)
            t = zi > 0 ? (lag > 0 ? VEMT_LISA_HH : VEMT_LISA_HL)
                       : (lag > 0 ? VEMT_LISA_LH : VEMT_LISA_LL);
        type[i] = t;
    }
    vemt_free(dev);
    return VEMT_OK;
}

const char *vemt_lisa_type_name(vemt_lisa_type t) {
    static const char names[][16] = {"Not significant", "High-High", "Low-Low",
                                     "Low-High", "High-Low"};
    return (unsigned)t < VEMT_LISA_TYPE_END ? names[t] : "?";
}
