/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_fdr.c
 * @brief gi_bin as Esri's FDR-corrected Gi_Bin (vemt_significance_bins):
 * Benjamini-Hochberg cut-offs computed by hand (ties and the step-up rule
 * included; R's p.adjust(method = "BH") gives the same discoveries), NaN,
 * and the plain thresholds with FDR off.
 *
 * How Esri applies it (ArcGIS Hot Spot Analysis (Getis-Ord Gi*) tool
 * reference; ArcGIS 10.1 Stats.py, fdrTransform): the z-score and p-value
 * fields carry no correction; Gi_Bin is +/-3, 2, 1 for 99, 95 and 90 %
 * confidence; with "Apply False Discovery Rate (FDR) Correction" the p of
 * all n features are sorted and the rank-k p is compared with k / n times
 * 0.10, 0.05 and 0.01 (Benjamini & Hochberg 1995, step-up, over every
 * feature in the layer), the sign coming from the z-score. Without FDR the
 * bins follow the p-value (equivalently |z| > 1.65, 1.96, 2.58).
 */
#include "engine/engine.h"
#include "tests/test.h"

/* Sorted p: 0.0005 0.003 0.003 0.02 0.02 0.04 0.05 0.07 0.3 0.6 0.95 and
 * one NaN, so m = 11 tests. The BH cut-off at q is the largest p_(k) with
 * p_(k) <= k q / 11:
 *  q = 0.10: p_(8) = 0.07 <= 8 x 0.1 / 11 = 0.0727 (p_(9) = 0.3 > 0.0818):
 *            the 8 p <= 0.07 are discoveries;
 *  q = 0.05: p_(5) = 0.02 <= 0.0227, though p_(4) = 0.02 > 0.0182 alone:
 *            step-up keeps both tied 0.02 (p_(6) = 0.04 > 0.0273);
 *  q = 0.01: p_(3) = 0.003 > 0.00273 and p_(2) > 0.00182, so only
 *            p_(1) = 0.0005 <= 0.000909: the tied 0.003 stay at 2. */
static const double p_in[12] = {0.02, 0.95, 0.0005, 0.05,  0.003, NAN,
                                0.07, 0.3,  0.04,   0.003, 0.6,   0.02};
static const double z_in[12] = {2.3,  -0.06, -3.5, 1.96, 3.0, 1.0,
                                -1.8, 1.0,   2.05, -3.0, 0.5, -2.3};

TEST(bh_cutoffs_with_ties) {
    int8_t b[12];
    static const int8_t want[12] = {2, 0, -3, 1, 2, 0, -1, 0, 1, -2, 0, -2};
    CHECK_INT_EQ(vemt_significance_bins(z_in, p_in, 12, true, b), VEMT_OK);
    for (int i = 0; i < 12; i++) CHECK_INT_EQ(b[i], want[i]);
}

TEST(plain_thresholds) {
    int8_t b[12];
    /* p < 0.10, 0.05, 0.01: 0.05 is not under 0.05, so it is a 1. */
    static const int8_t want[12] = {2, 0, -3, 1, 3, 0, -1, 0, 2, -3, 0, -2};
    CHECK_INT_EQ(vemt_significance_bins(z_in, p_in, 12, false, b), VEMT_OK);
    for (int i = 0; i < 12; i++) CHECK_INT_EQ(b[i], want[i]);
}

TEST(nan_and_nothing_significant) {
    double p[4] = {NAN, 0.5, 0.2, 0.03}, z[4] = {1, 1, -1, NAN};
    int8_t b[4];
    /* m = 3: 0.03 > 0.1 x 1/3, so FDR finds nothing; NaN z gives 0 too. */
    CHECK_INT_EQ(vemt_significance_bins(z, p, 4, true, b), VEMT_OK);
    for (int i = 0; i < 4; i++) CHECK_INT_EQ(b[i], 0);
    CHECK_INT_EQ(vemt_significance_bins(z, p, 0, true, b), VEMT_OK);
}

TEST(all_tests_significant) {
    /* Every p <= q: BH rejects them all, the largest cut-off being p_(m). */
    double p[5] = {0.009, 0.008, 0.001, 0.002, 0.004}, z[5] = {1, 1, 1, 1, -1};
    int8_t b[5];
    CHECK_INT_EQ(vemt_significance_bins(z, p, 5, true, b), VEMT_OK);
    for (int i = 0; i < 4; i++) CHECK_INT_EQ(b[i], 3);
    CHECK_INT_EQ(b[4], -3);
}

TEST_SUITE(fdr) {
    RUN(bh_cutoffs_with_ties);
    RUN(plain_thresholds);
    RUN(nan_and_nothing_significant);
    RUN(all_tests_significant);
}
