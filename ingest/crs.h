/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file crs.h
 * @brief Coordinate transformation into the analysis CRS with PROJ, and
 * area-of-use checks (private to ingest/).
 */
#ifndef VEMT_INGEST_CRS_H
#define VEMT_INGEST_CRS_H

#include <stdbool.h>

#include "engine/vemt.h"

/** A transformation from one CRS to the analysis CRS, with its own PROJ
 * context (one per reader, so readers can run on separate threads). */
typedef struct vemt_crs vemt_crs;

/** Create a transformation from the CRS named by from ("EPSG:4326", any
 * definition PROJ accepts) to the analysis CRS to (NULL:
 * VEMT_ANALYSIS_CRS_DEFAULT). Returns VEMT_E_ARG naming PROJ's reason when
 * either CRS is unknown. Caller owns *out; free with vemt_crs_destroy(). */
vemt_status vemt_crs_create(vemt_ctx *ctx, const char *from, const char *to,
                            vemt_crs **out);

/** Free the transformation; NULL is a no-op. */
void vemt_crs_destroy(vemt_crs *crs);

/** True for a geographic (longitude/latitude) source CRS. */
bool vemt_crs_is_geographic(const vemt_crs *crs);

/** True when the source CRS is EPSG:27700 (British National Grid), whose
 * 0-700 km east and 0-1300 km north the callers check. */
bool vemt_crs_is_bng(const vemt_crs *crs);

/** True when the source CRS is the analysis CRS (proj_is_equivalent_to):
 * coordinates pass through without PROJ. */
bool vemt_crs_is_analysis(const vemt_crs *crs);

/** Transform (a, b) in the source CRS's GIS order (easting/northing or
 * longitude/latitude) to the analysis CRS's easting/northing. Returns
 * false when PROJ can't. */
bool vemt_crs_to_analysis(const vemt_crs *crs, double a, double b, double *x,
                          double *y);

/** Transform n points in place, x[i * stride] and y[i * stride], as
 * vemt_crs_to_analysis(). Returns false when any point fails. */
bool vemt_crs_to_analysis_n(const vemt_crs *crs, double *x, double *y,
                            size_t stride, size_t n);

/** True when (a, b) lies inside the area of use of both the source CRS and
 * the analysis CRS (checked in longitude/latitude). Always true when both
 * are EPSG:27700: its callers check the grid's 0-700 km and 0-1300 km. */
bool vemt_crs_in_area(const vemt_crs *crs, double a, double b);

/** The PROJ pipeline used, for provenance: after a transform, the
 * operation PROJ last used. Borrowed; valid until the next call. */
const char *vemt_crs_pipeline(vemt_crs *crs);

#endif /* VEMT_INGEST_CRS_H */
