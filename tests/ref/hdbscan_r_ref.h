/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hdbscan_r_ref.h
 * @brief Reference HDBSCAN results of R dbscan::hdbscan() (independent
 * peer): per case the points, minPts, clusters, noise and the stability of
 * each cluster (R's cluster_scores, in R's cluster order); per point R's
 * cluster (0 = noise), membership_prob and outlier_scores (GLOSH) are in
 * fixtures/ref/hdbscan_<case>_r.csv, printed to 17 significant digits.
 *
 * Made by tests/ref/hdbscan_r.R (R version 4.2.2 Patched (2022-11-10 r83330),
 * dbscan 1.1.11) on fixtures/ref/hdbscan_moons.csv (dbscan's moons data), the
 * first 2,000 rows of fixtures/ref/dbscan_points_10k.csv and
 * fixtures/ref/merseyside_2019-05_27700.csv.
 */
#ifndef VEMT_TESTS_REF_HDBSCAN_R_REF_H
#define VEMT_TESTS_REF_HDBSCAN_R_REF_H

typedef struct hdbscan_ref {
    const char *name;
    long n, min_pts, n_clusters, n_noise;
    double stability[64];
} hdbscan_ref;

static const hdbscan_ref HDBSCAN_REFS[] = {
    {"moons",
     100,
     5,
     3,
     0,
     {110.70612643140711, 90.865593141715777, 45.627621797672802}},
    {"gen2k",
     2000,
     15,
     10,
     709,
     {0.0022533511872423343, 0.91777716557638289, 0.0029317335169758668,
      0.0057443219841681967, 0.92310394307195642, 0.42824684960581672,
      0.50710223302222446, 1.8401823845186525, 0.0013781949543854423,
      1.6290460675960585}},
    {"mersey",
     680,
     8,
     17,
     91,
     {0.12188064603384346, 0.028713182548720895, 0.021256481821765962,
      0.007474035181861861, 0.0014580451244522149, 0.076324091960380494,
      0.097654008428930031, 0.046380695700951595, 0.0084532758688740505,
      0.0036313901767065721, 0.012001888077016361, 0.0023109963931859639,
      0.0089463693965147612, 0.034515494129406403, 0.011332288559712796,
      0.0029011289194810601, 0.043057497023147526}},
    {"mersey4",
     680,
     4,
     3,
     0,
     {0.076661258115245878, 0.01935813151891707, 0.20400328929417375}},
};

#endif /* VEMT_TESTS_REF_HDBSCAN_R_REF_H */
