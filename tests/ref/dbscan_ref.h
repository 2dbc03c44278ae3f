/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file dbscan_ref.h
 * @brief Reference DBSCAN / ST-DBSCAN results of scikit-learn 1.2.1 and
 * QGIS 3.22.16-Białowieża (native:dbscanclustering /
 * native:stdbscanclustering, DBSCAN* off) on the points of fixtures/ref
 * (generated and real) and the demo incidents.
 *
 * Made by tests/ref/dbscan_peers.py (Python 3.11.2, pyproj 3.4.1, PROJ 9.1.1;
 * Merseyside lon/lat -> EPSG:27700 by "axis order change (2D) + Inverse of
 * OSGB36 to WGS 84 (6) + British National Grid"). Per-point labels and core
 * flags are in fixtures/ref/dbscan_<case>.csv; hashes are FNV-1a 64 of the
 * labels as little-endian int32 in point order. qgis_same: QGIS's labels
 * equal scikit-learn's, numbering included.
 */
#ifndef VEMT_TESTS_REF_DBSCAN_REF_H
#define VEMT_TESTS_REF_DBSCAN_REF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dbscan_ref {
    const char *name;
    long n;
    double eps_m;
    long min_points;
    double eps_days; /* 0 = DBSCAN */
    long n_clusters, n_noise, n_core;
    uint64_t sklearn_hash, qgis_hash;
    bool qgis_same;
} dbscan_ref;

static const dbscan_ref DBSCAN_REFS[] = {
    {"gen10k", 10000, 250, 10, 0, 20, 4522, 5205, 0x5a6213448379220du,
     0x5a6213448379220du, true},
    {"gen10k_st", 10000, 250, 10, 14, 28, 6611, 2363, 0x3b62a930ad095f24u,
     0x3b62a930ad095f24u, true},
    {"demo", 3998, 200, 10, 0, 15, 1240, 2450, 0x11543abab2086b82u,
     0x11543abab2086b82u, true},
    {"demo_st", 3996, 300, 5, 14, 30, 1924, 1726, 0xb8d5e889484eee97u,
     0xb8d5e889484eee97u, true},
    {"mersey", 680, 300, 8, 0, 16, 405, 268, 0x14cc8a7e4c264712u,
     0x14cc8a7e4c264712u, true},
};

#endif /* VEMT_TESTS_REF_DBSCAN_REF_H */
