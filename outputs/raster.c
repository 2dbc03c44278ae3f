/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file raster.c
 * @brief The kernel density surface written through GDAL: a Float32
 * GeoTIFF (deflate, floating-point predictor, tiled) and the GeoPackage's
 * kde raster table (OGC 17-066r1 tiled gridded coverage, TIFF tiles).
 */
#include "outputs/raster.h"

#include <cpl_string.h>
#include <errno.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"

#define KDE_UNITS "events per km2"

bool vemt_output_has_density(const vemt_output *out) {
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    return out->density && out->density->raster &&
           out->density->raster->values && out->density->raster->ncol > 0 &&
           out->density->raster->nrow > 0 &&
           vemt_disclosure_layer_allowed(&rules, VEMT_KDE_TABLE);
}

void vemt_raster_range(const vemt_raster *r, double *lo, double *hi) {
    *lo = *hi = 0;
    bool any = false;
    size_t n = (size_t)r->ncol * (size_t)r->nrow;
    for (size_t i = 0; r->values && i < n; i++) {
        double v = r->values[i];
        if (!isfinite(v)) continue;
        if (!any || v < *lo) *lo = v;
        if (!any || v > *hi) *hi = v;
        any = true;
    }
}

static const char *tier_of(const vemt_output *out) {
    return out->provenance && out->provenance->tier ? out->provenance->tier
                                                    : "restricted";
}

/* What the surface is: the caller's description, or a generic one. */
static const char *what_of(const vemt_output *out) {
    const char *d = out->density->description;
    return d && d[0] ? d : "Kernel density of the events in " KDE_UNITS;
}

/* Georeferencing (the analysis CRS), band description, nodata and
 * metadata. */
static CPLErr describe(vemt_ctx *ctx, GDALDatasetH ds, const vemt_output *out) {
    const vemt_raster *r = out->density->raster;
    double gt[6] = {r->x0, r->pixel_m, 0, r->y0, 0, -r->pixel_m};
    OGRSpatialReferenceH srs = NULL;
    CPLErr e = vemt_output_srs(ctx, out, &srs) ? CE_Failure : CE_None;
    if (e == CE_None) e = GDALSetGeoTransform(ds, gt);
    if (e == CE_None) e = GDALSetSpatialRef(ds, srs);
    if (srs) OSRRelease(srs);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    /* GDAL 3.6's GeoPackage driver records the nodata value yet returns
     * CE_Failure: what counts is that the band has it afterwards. */
    int has = 0;
    GDALSetRasterNoDataValue(band, VEMT_KDE_NODATA);
    if (e == CE_None &&
        !(GDALGetRasterNoDataValue(band, &has) == VEMT_KDE_NODATA && has))
        e = CE_Failure;
    if (e == CE_None) e = GDALSetRasterUnitType(band, KDE_UNITS);
    GDALSetDescription(band, KDE_UNITS);
    if (e == CE_None)
        e = GDALSetMetadataItem(ds, "TIFFTAG_IMAGEDESCRIPTION", what_of(out),
                                NULL);
    if (e == CE_None)
        e = GDALSetMetadataItem(ds, "TIFFTAG_SOFTWARE", "vemt " VEMT_VERSION,
                                NULL);
    if (e == CE_None)
        e = GDALSetMetadataItem(ds, "OUTPUT_TIER", tier_of(out), NULL);
    return e;
}

/* The values row by row, non-finite ones as nodata. */
static vemt_status write_values(vemt_ctx *ctx, GDALDatasetH ds,
                                const vemt_raster *r) {
    float *row = vemt_calloc((size_t)r->ncol, sizeof *row);
    if (!row)
        return vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                             "out of memory writing the density raster");
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    vemt_status st = VEMT_OK;
    for (int y = 0; y < r->nrow && !st; y++) {
        const float *src = r->values + (size_t)y * (size_t)r->ncol;
        for (int x = 0; x < r->ncol; x++)
            row[x] = isfinite(src[x]) ? src[x] : (float)VEMT_KDE_NODATA;
        if (GDALRasterIO(band, GF_Write, 0, y, r->ncol, 1, row, r->ncol, 1,
                         GDT_Float32, 0, 0) != CE_None)
            st = VEMT_E_DEPENDENCY;
    }
    vemt_free(row);
    return st;
}

/* Create path with driver and options, describe it, write the values and
 * close it. */
static vemt_status write_raster(vemt_ctx *ctx, const char *driver,
                                const char *path, const vemt_output *out,
                                char **options) {
    const vemt_raster *r = out->density->raster;
    GDALDatasetH ds = NULL;
    vemt_status st = vemt_gdal_create(ctx, driver, path, r->ncol, r->nrow, 1,
                                      GDT_Float32, options, &ds);
    /* A GeoTIFF is new here; a GeoPackage's file was protected when made. */
    if (!st && strcmp(driver, "GPKG")) st = vemt_output_protect(ctx, out, path);
    if (!st && describe(ctx, ds, out) != CE_None) st = VEMT_E_DEPENDENCY;
    if (!st) st = write_values(ctx, ds, r);
    return vemt_gdal_close(ds, st);
}

static vemt_status no_density(vemt_ctx *ctx) {
    return vemt_ctx_fail(ctx, VEMT_E_ARG, "no density surface to write");
}

vemt_status vemt_outputs_write_geotiff(vemt_ctx *ctx, const char *path,
                                       const vemt_output *out) {
    if (!vemt_output_has_density(out)) return no_density(ctx);
    char tmp[4096];
    vemt_status st = vemt_tmp_path(ctx, path, ".tif", tmp, sizeof tmp);
    if (st) return st;
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "COMPRESS", "DEFLATE");
    opt = CSLSetNameValue(opt, "PREDICTOR", "3"); /* floating point */
    opt = CSLSetNameValue(opt, "TILED", "YES");
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    errno = 0;
    st = write_raster(ctx, "GTiff", tmp, out, opt);
    st = vemt_ogr_finish(ctx, out, NULL, tmp, path, VEMT_COMMIT_TIFF, &ge, st);
    vemt_gdal_errors_pop();
    CSLDestroy(opt);
    if (st) vemt_ctx_set_source(ctx, path);
    return st;
}

vemt_status vemt_raster_write_gpkg(vemt_ctx *ctx, const char *path,
                                   const vemt_output *out) {
    if (!vemt_output_has_density(out)) return no_density(ctx);
    /* As the vector layers' descriptions: what it is, then the tier. */
    const char *what = what_of(out);
    size_t n = strlen(what);
    char desc[2048];
    snprintf(desc, sizeof desc, "%s%s Output tier: %s.", what,
             what[n - 1] == '.' ? "" : ".", tier_of(out));
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "APPEND_SUBDATASET", "YES");
    opt = CSLSetNameValue(opt, "RASTER_TABLE", VEMT_KDE_TABLE);
    opt = CSLSetNameValue(opt, "RASTER_IDENTIFIER", VEMT_KDE_TABLE);
    opt = CSLSetNameValue(opt, "RASTER_DESCRIPTION", desc);
    opt = CSLSetNameValue(opt, "TILE_FORMAT", "TIFF");
    opt = CSLSetNameValue(opt, "FIELD_NAME", "density in " KDE_UNITS);
    opt = CSLSetNameValue(opt, "QUANTITY_DEFINITION", KDE_UNITS);
    opt = CSLSetNameValue(opt, "UOM", KDE_UNITS);
    /* The kernel is evaluated at each pixel's centre. */
    opt = CSLSetNameValue(opt, "GRID_CELL_ENCODING", "grid-value-is-center");
    vemt_status st = write_raster(ctx, "GPKG", path, out, opt);
    CSLDestroy(opt);
    return st;
}
