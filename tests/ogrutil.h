/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ogrutil.h
 * @brief Helpers the tests that read outputs back through OGR share.
 */
#ifndef VEMT_TESTS_OGRUTIL_H
#define VEMT_TESTS_OGRUTIL_H

#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>

/* First value of a one-column SQL query on ds, as text ("" if none). */
static inline void test_query_text(GDALDatasetH ds, const char *sql, char *buf,
                                   size_t n) {
    buf[0] = '\0';
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (!r) return;
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    if (f) {
        snprintf(buf, n, "%s", OGR_F_GetFieldAsString(f, 0));
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, r);
}

#endif /* VEMT_TESTS_OGRUTIL_H */
