/** @file boundary.c
 * @brief Read a study-area polygon layer with OGR and bring it to the
 * analysis CRS (EPSG:27700) through PROJ.
 */
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

/* GDAL reports through a handler stack; keep its failures in the context
 * instead of printing them (library code never prints). */
static void on_cpl_error(CPLErr cls, CPLErrorNum num, const char *msg) {
    (void)num;
    vemt_ctx *ctx = CPLGetErrorHandlerUserData();
    if (cls >= CE_Failure && ctx)
        vemt_error_set(vemt_ctx_err(ctx), VEMT_E_DEPENDENCY, "GDAL: %s", msg);
}

/* Union every polygon of the layer into one geometry (owned by caller). */
static OGRGeometryH collect_polygons(OGRLayerH layer) {
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
        if (t == wkbPolygon) {
            OGR_G_AddGeometry(all, g);
        } else if (t == wkbMultiPolygon) {
            for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
                OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, i));
        }
        OGR_F_Destroy(f);
    }
    if (OGR_G_GetGeometryCount(all) == 0) {
        OGR_G_DestroyGeometry(all);
        return NULL;
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    OGR_G_DestroyGeometry(all);
    return u;
}

/* Transform g in place from the layer's CRS to EPSG:27700. */
static vemt_status to_bng(vemt_ctx *ctx, OGRLayerH layer, OGRGeometryH g) {
    OGRSpatialReferenceH from = OGR_L_GetSpatialRef(layer);
    if (!from)
        return vemt_error_set(vemt_ctx_err(ctx), VEMT_E_ARG,
                              "boundary layer has no coordinate reference "
                              "system");
    OGRSpatialReferenceH src = OSRClone(from),
                         bng = OSRNewSpatialReference(NULL);
    vemt_status st = VEMT_OK;
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(bng, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = NULL;
    if (OSRImportFromEPSG(bng, 27700) != OGRERR_NONE ||
        !(ct = OCTNewCoordinateTransformation(src, bng)) ||
        OGR_G_Transform(g, ct) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
    if (ct) OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src);
    OSRDestroySpatialReference(bng);
    return st;
}

vemt_status vemt_boundary_read(vemt_ctx *ctx, const char *path,
                               unsigned char **wkb, size_t *size) {
    *wkb = NULL;
    *size = 0;
    vemt_error *err = vemt_ctx_err(ctx);
    vemt_status st = VEMT_OK;
    OGRGeometryH g = NULL;
    CPLPushErrorHandlerEx(on_cpl_error, ctx);
    CPLErrorReset();
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = vemt_error_set(
            err, VEMT_E_IO, "can't open as a vector dataset (%s)",
            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "unknown format");
        goto done;
    }
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    if (!layer || !(g = collect_polygons(layer))) {
        st = vemt_error_set(err, VEMT_E_ARG, "no polygon in the first layer");
        goto done;
    }
    if ((st = to_bng(ctx, layer, g))) goto done;
    *size = (size_t)OGR_G_WkbSize(g);
    if (!(*wkb = vemt_malloc(*size))) {
        st = VEMT_E_NOMEM;
        goto done;
    }
    if (OGR_G_ExportToIsoWkb(g, wkbNDR, *wkb) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
done:
    if (st && err->source == NULL) err->source = path;
    if (st) {
        vemt_free(*wkb);
        *wkb = NULL;
        *size = 0;
    }
    if (g) OGR_G_DestroyGeometry(g);
    if (ds) GDALClose(ds);
    CPLPopErrorHandler();
    return st;
}
