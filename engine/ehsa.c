/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ehsa.c
 * @brief Emerging hot spot categories (Esri's definitions) and Chainey's
 * persistent / emerging / former / intermittent categories (as R's
 * sfhotspot::hotspot_classify defines them).
 *
 * Esri, "How Emerging Hot Spot Analysis works" (ArcGIS Pro 2.8 and later),
 * for the bins of one location over T time steps, each hot (Gi* bin > 0),
 * cold (< 0) or not significant, and the Mann-Kendall test of its Gi*
 * z-series. "90 %" is compared in integers: 10 x hot >= 9 x T.
 *
 *   New Hot Spot: hot in the final step, never hot before.
 *   Consecutive Hot Spot: a single uninterrupted run of at least two hot
 *     bins ending at the final step, never hot before that run, and fewer
 *     than 90 % of the steps hot.
 *   Intensifying Hot Spot: hot in at least 90 % of the steps including the
 *     final one, and the z-series rises significantly (Mann-Kendall).
 *   Persistent Hot Spot: hot in at least 90 % of the steps including the
 *     final one, with no significant trend in the z-series.
 *   Diminishing Hot Spot: hot in at least 90 % of the steps including the
 *     final one, and the z-series falls significantly.
 *   Sporadic Hot Spot: hot in the final step, hot on and off before, fewer
 *     than 90 % of the steps hot, and never cold.
 *   Oscillating Hot Spot: hot in the final step, cold in some earlier step,
 *     fewer than 90 % of the steps hot.
 *   Historical Hot Spot: not hot in the final step, but hot in at least 90 %
 *     of the steps.
 *   ...and the same eight for cold spots; otherwise No Pattern Detected.
 *
 * Order of evaluation (documented because the definitions overlap at their
 * edges): if the final step is hot, the 90 % group (Intensifying,
 * Diminishing, Persistent by the trend) is tested first, then New, then
 * Consecutive, then Oscillating (any cold step), else Sporadic; if the final
 * step is not hot, Historical. Cold spots mirror this. A location is hot or
 * cold by its final step; with neither, Historical Hot is tested before
 * Historical Cold (both at once would need 180 % of the steps).
 */
#include <string.h>

#include "engine/engine.h"

static const char ehsa_names[][28] = {
    "No Pattern Detected",   "New Hot Spot",          "Consecutive Hot Spot",
    "Intensifying Hot Spot", "Persistent Hot Spot",   "Diminishing Hot Spot",
    "Sporadic Hot Spot",     "Oscillating Hot Spot",  "Historical Hot Spot",
    "New Cold Spot",         "Consecutive Cold Spot", "Intensifying Cold Spot",
    "Persistent Cold Spot",  "Diminishing Cold Spot", "Sporadic Cold Spot",
    "Oscillating Cold Spot", "Historical Cold Spot",
};

_Static_assert(sizeof ehsa_names / sizeof ehsa_names[0] == VEMT_EHSA_END,
               "one name per category");

const char *vemt_ehsa_name(vemt_ehsa e) {
    return (unsigned)e < VEMT_EHSA_END ? ehsa_names[e] : "";
}

/* The pattern of one side (sign +1 hot, -1 cold) when its final bin is
 * significant on that side, as an offset 1..7 into its eight names. */
static int final_side(const int *bins, size_t t, int sign, const double *z,
                      double mk_alpha) {
    size_t n_same = 0, n_other = 0, run = 0;
    for (size_t i = 0; i < t; i++) {
        n_same += bins[i] * sign > 0;
        n_other += bins[i] * sign < 0;
    }
    while (run < t && bins[t - 1 - run] * sign > 0) run++;
    if (10 * n_same >= 9 * t) {
        vemt_mk mk;
        /* Steps whose z is NaN are left out; with fewer than
         * VEMT_MK_MIN_STEPS left there is no trend (Persistent). */
        if (vemt_mann_kendall_min(z, t, VEMT_MK_MIN_STEPS, &mk) == VEMT_OK &&
            mk.p < mk_alpha && mk.s != 0)
            /* Intensifying: clustering grows on this side (z away from 0). */
            return mk.s * sign > 0 ? 3 : 5;
        return 4;
    }
    if (n_same == 1) return 1;               /* New */
    if (run >= 2 && n_same == run) return 2; /* Consecutive */
    if (n_other > 0) return 7;               /* Oscillating */
    return 6;                                /* Sporadic */
}

vemt_ehsa vemt_ehsa_classify(const int *bins, const double *z, size_t t,
                             double mk_alpha) {
    if (t == 0) return VEMT_EHSA_NONE;
    int last = bins[t - 1];
    if (last > 0)
        return (vemt_ehsa)(VEMT_EHSA_NONE +
                           final_side(bins, t, +1, z, mk_alpha));
    if (last < 0)
        return (vemt_ehsa)(VEMT_EHSA_HISTORICAL_HOT +
                           final_side(bins, t, -1, z, mk_alpha));
    size_t hot = 0, cold = 0;
    for (size_t i = 0; i < t; i++) {
        hot += bins[i] > 0;
        cold += bins[i] < 0;
    }
    if (10 * hot >= 9 * t) return VEMT_EHSA_HISTORICAL_HOT;
    if (10 * cold >= 9 * t) return VEMT_EHSA_HISTORICAL_COLD;
    return VEMT_EHSA_NONE;
}

static const char chainey_names[][24] = {
    "no pattern",          "persistent hot spot",   "emerging hot spot",
    "former hot spot",     "intermittent hot spot", "persistent cold spot",
    "emerging cold spot",  "former cold spot",      "intermittent cold spot",
    "mixed hot/cold spot",
};

_Static_assert(sizeof chainey_names / sizeof chainey_names[0] ==
                   VEMT_CHAINEY_END,
               "one name per category");

const char *vemt_chainey_name(vemt_chainey c) {
    return (unsigned)c < VEMT_CHAINEY_END ? chainey_names[c] : "";
}

/* One side's category offset (0 none, 1 persistent .. 4 intermittent). */
static int chainey_side(const bool *sig, size_t t,
                        const vemt_chainey_params *p) {
    size_t recent = (size_t)(p->recent_prop * (double)t);
    if (recent < 1 || recent >= t) recent = 1;
    size_t all = 0, late = 0;
    for (size_t i = 0; i < t; i++) {
        all += sig[i];
        late += sig[i] && i >= t - recent;
    }
    double prop = (double)all / (double)t;
    double recent_p = (double)late / (double)recent;
    double older_p = (double)(all - late) / (double)(t - recent);
    if (prop >= p->persistent_prop) return 1;
    if (older_p < p->hotspot_prop && recent_p >= p->recent_prop) return 2;
    if (older_p >= p->hotspot_prop && recent_p < p->hotspot_prop) return 3;
    if (prop >= p->hotspot_prop) return 4;
    return 0;
}

vemt_chainey vemt_chainey_classify(const double *z, const double *p, size_t t,
                                   const vemt_chainey_params *prm,
                                   bool *scratch) {
    int side[2];
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < t; i++)
            scratch[i] = p[i] < prm->critical_p && (s ? z[i] < 0 : z[i] > 0);
        side[s] = chainey_side(scratch, t, prm);
    }
    if (side[0] && side[1]) return VEMT_CHAINEY_MIXED;
    if (side[0]) return (vemt_chainey)side[0];
    if (side[1]) return (vemt_chainey)(4 + side[1]);
    return VEMT_CHAINEY_NONE;
}
