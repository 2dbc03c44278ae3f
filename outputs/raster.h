/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file raster.h
 * @brief The kernel density surface as a raster: a GeoTIFF, and the kde
 * raster table of the GeoPackage (private to outputs/).
 */
#ifndef VEMT_OUTPUTS_RASTER_H
#define VEMT_OUTPUTS_RASTER_H

#include "outputs/outputs.h"

/** Name of the density raster table in the GeoPackage. */
#define VEMT_KDE_TABLE "kde"

/** Value written for pixels without a value (non-finite densities). */
#define VEMT_KDE_NODATA (-9999.0)

/** True when out has a density surface to write and its tier's rules allow
 * the kde layer. */
bool vemt_output_has_density(const vemt_output *out);

/** Add out->density's raster to the GeoPackage at path, which must be
 * written and closed, as the raster table kde: Float32 TIFF tiles (tiled
 * gridded coverage extension), the analysis CRS, the description and tier in
 * gpkg_contents and the metadata. Run between vemt_gdal_errors_push() and
 * vemt_gdal_errors_pop(). Returns VEMT_E_ARG when there is no density,
 * VEMT_E_IO, VEMT_E_DEPENDENCY or VEMT_E_NOMEM. */
vemt_status vemt_raster_write_gpkg(vemt_ctx *ctx, const char *path,
                                   const vemt_output *out);

/** The smallest and largest finite values of r into *lo and *hi (both 0
 * when it has none). */
void vemt_raster_range(const vemt_raster *r, double *lo, double *hi);

#endif /* VEMT_OUTPUTS_RASTER_H */
