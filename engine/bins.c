/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bins.c
 * @brief Confidence bins of local statistics, with the false discovery
 * rate controlled as Esri's Gi_Bin does.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/engine.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Benjamini & Hochberg (1995), J. R. Stat. Soc. B 57(1):289-300,
 * doi:10.1111/j.2517-6161.1995.tb02031.x: with the m p-values sorted, the
 * largest p_(k) <= q k / m is the cut-off; every p at or under it is a
 * discovery. Returns the cut-off (-1: none). */
static double bh_cutoff(const double *sorted, size_t m, double q) {
    for (size_t k = m; k-- > 0;)
        if (sorted[k] <= q * (double)(k + 1) / (double)m) return sorted[k];
    return -1;
}

vemt_status vemt_significance_bins(const double *z, const double *p, size_t n,
                                   bool fdr, int8_t *bins) {
    static const double levels[3] = {0.10, 0.05, 0.01};
    double cut[3] = {0.10, 0.05, 0.01};
    if (fdr) {
        double *sorted = vemt_malloc((n ? n : 1) * sizeof *sorted);
        if (!sorted) return VEMT_E_NOMEM;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(p[i])) sorted[m++] = p[i];
        qsort(sorted, m, sizeof *sorted, cmp_double);
        for (int l = 0; l < 3; l++) cut[l] = bh_cutoff(sorted, m, levels[l]);
        vemt_free(sorted);
    }
    for (size_t i = 0; i < n; i++) {
        int b = 0;
        for (int l = 0; l < 3; l++)
            if (!isnan(p[i]) && (fdr ? p[i] <= cut[l] : p[i] < cut[l]))
                b = l + 1;
        bins[i] = (int8_t)(isnan(z[i]) ? 0 : z[i] > 0 ? b : -b);
    }
    return VEMT_OK;
}
