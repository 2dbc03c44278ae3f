/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ogr_writer.c
 * @brief The one OGR writer: datasets, layers, temp-then-rename.
 */
#include "outputs/ogr_writer.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <ogr_srs_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdalutil/gdalutil.h"

bool vemt_outputs_temp_path(const char *final, const char *ext, long pid,
                            char *buf, size_t size) {
    const char *slash = strrchr(final, '/');
    int dir_len = slash ? (int)(slash - final + 1) : 0;
    const char *base = slash ? slash + 1 : final;
    int n = snprintf(buf, size, "%.*s.%s.vemt-tmp-%ld%s", dir_len, final, base,
                     pid, ext);
    return n >= 0 && (size_t)n < size;
}

vemt_status vemt_tmp_path(vemt_ctx *ctx, const char *final, const char *ext,
                          char *buf, size_t size) {
    if (!vemt_outputs_temp_path(final, ext, (long)getpid(), buf, size))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "output path too long: %s",
                             final);
    return VEMT_OK;
}

/* A GeoTIFF whose software tag names vemt (outputs/raster.c). */
static bool tiff_is_ours(const char *path) {
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, NULL, VEMT_E_DEPENDENCY);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    const char *sw =
        ds ? GDALGetMetadataItem(ds, "TIFFTAG_SOFTWARE", NULL) : NULL;
    bool ours = sw && !strncmp(sw, "vemt ", 5);
    if (ds) GDALClose(ds);
    vemt_gdal_errors_pop();
    return ours;
}

/* Is this a file vemt wrote? A GeoPackage with vemt's provenance row, a
 * GeoTIFF vemt made, or a QGIS project whose title is vemt's. */
bool vemt_outputs_is_vemt_file(const char *path) {
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f) return false;
    char head[4096];
    size_t n = VSIFReadL(head, 1, sizeof head - 1, f);
    VSIFCloseL(f);
    head[n] = '\0';
    if (strstr(head, "<title>vemt hot spots</title>")) return true;
    if (n >= 2 && head[0] == 'P' && head[1] == 'K') { /* a .qgz */
        char inner[4200];
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        /* Braces make GDAL take any name as the zip archive. */
        snprintf(inner, sizeof inner, "/vsizip/{%s}/%.*s.qgs", path,
                 (int)strlen(base) - 4, base);
        return vemt_outputs_is_vemt_file(inner);
    }
    if (n >= 4 && (!memcmp(head, "II*\0", 4) || !memcmp(head, "MM\0*", 4)))
        return tiff_is_ours(path);
    if (strncmp(head, "SQLite format 3", 15)) return false;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, NULL, VEMT_E_DEPENDENCY);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    bool ours = false;
    if (ds) {
        OGRLayerH r = GDALDatasetExecuteSQL(
            ds,
            "SELECT count(*) FROM gpkg_metadata WHERE md_standard_uri = "
            "'urn:vemt:provenance:1'",
            NULL, NULL);
        OGRFeatureH ft = r ? OGR_L_GetNextFeature(r) : NULL;
        ours = ft && OGR_F_GetFieldAsInteger(ft, 0) > 0;
        if (ft) OGR_F_Destroy(ft);
        if (r) GDALDatasetReleaseResultSet(ds, r);
        GDALClose(ds);
    }
    vemt_gdal_errors_pop();
    return ours;
}

void vemt_remove_with_side_files(const char *path) {
    static const char sides[][10] = {"", "-wal", "-shm", "-journal"};
    char p[4200];
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, sides[i]);
        VSIUnlink(p);
    }
}

vemt_status vemt_gdal_create(vemt_ctx *ctx, const char *driver,
                             const char *path, int ncol, int nrow, int bands,
                             GDALDataType type, char **options,
                             GDALDatasetH *ds) {
    *ds = NULL;
    GDALDriverH drv = GDALGetDriverByName(driver);
    if (!drv)
        return vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY, "GDAL has no %s driver",
                             driver);
    *ds = GDALCreate(drv, path, ncol, nrow, bands, type, options);
    if (!*ds) {
        if (vemt_ctx_error(ctx)->code == VEMT_OK)
            vemt_ctx_fail(ctx, VEMT_E_IO, "can't create output");
        vemt_ctx_set_source(ctx, NULL);
        return VEMT_E_IO;
    }
    return VEMT_OK;
}

vemt_status vemt_output_protect(vemt_ctx *ctx, const vemt_output *out,
                                const char *path) {
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    if (!rules.exact_locations || chmod(path, S_IRUSR | S_IWUSR) == 0)
        return VEMT_OK;
    vemt_ctx_fail(ctx, VEMT_E_IO, "can't make the output private: %s",
                  strerror(errno));
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

vemt_status vemt_ogr_create(vemt_ctx *ctx, const char *driver, const char *path,
                            GDALDatasetH *ds) {
    vemt_remove_with_side_files(path);
    return vemt_gdal_create(ctx, driver, path, 0, 0, 0, GDT_Unknown, NULL, ds);
}

static int create_field(OGRLayerH layer, const vemt_sink_field *f) {
    OGRFieldDefnH fd = OGR_Fld_Create(f->name, f->type);
    OGR_Fld_SetSubType(fd, f->subtype);
    OGRErr e = OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    return e == OGRERR_NONE ? 0 : -1;
}

vemt_status vemt_sink_init(vemt_ctx *ctx, vemt_sink *s,
                           const vemt_layer_def *def, const vemt_output *out) {
    memset(s, 0, sizeof *s);
    s->geom = def->geom == wkbNone ? wkbNone : vemt_layer_geom(def, out);
    bool counts = false;
    for (size_t i = 0; i < def->n_fields; i++) {
        counts |= (def->fields[i].flags & VEMT_FIELD_COUNT) != 0;
        if (!vemt_field_published(def, i, out)) continue;
        if (s->n_fields + 1 >= VEMT_SINK_MAX_FIELDS) /* room for suppressed */
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "layer %s has more than %d fields", def->name,
                                 VEMT_SINK_MAX_FIELDS - 2);
        s->fields[s->n_fields++] = (vemt_sink_field){
            def->fields[i].name, def->fields[i].type, def->fields[i].subtype};
    }
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    if (counts && rules.threshold > 0)
        s->fields[s->n_fields++] =
            (vemt_sink_field){"suppressed", OFTInteger, OFSTBoolean};
    return VEMT_OK;
}

vemt_status vemt_output_srs(vemt_ctx *ctx, const vemt_output *out,
                            OGRSpatialReferenceH *srs) {
    const char *def = out->crs ? out->crs : VEMT_ANALYSIS_CRS_DEFAULT;
    *srs = OSRNewSpatialReference(NULL);
    if (*srs && OSRSetFromUserInput(*srs, def) == OGRERR_NONE) {
        OSRSetAxisMappingStrategy(*srs, OAMS_TRADITIONAL_GIS_ORDER);
        return VEMT_OK;
    }
    if (*srs) OSRRelease(*srs);
    *srs = NULL;
    return vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                         "GDAL can't read the analysis CRS '%.80s'", def);
}

vemt_status vemt_ogr_write_layer(vemt_ctx *ctx, GDALDatasetH ds,
                                 const vemt_layer_def *def,
                                 const vemt_output *out, char **options) {
    vemt_sink s;
    if (vemt_sink_init(ctx, &s, def, out)) return VEMT_E_ARG;
    OGRSpatialReferenceH srs = NULL;
    if (s.geom != wkbNone && vemt_output_srs(ctx, out, &srs))
        return VEMT_E_DEPENDENCY;
    s.layer = GDALDatasetCreateLayer(ds, def->name, srs, s.geom, options);
    if (srs) OSRRelease(srs);
    if (!s.layer) return VEMT_E_DEPENDENCY;
    for (size_t i = 0; i < s.n_fields; i++)
        if (create_field(s.layer, &s.fields[i])) return VEMT_E_DEPENDENCY;
    /* One transaction per layer where the format has them. */
    bool tx = GDALDatasetTestCapability(ds, ODsCTransactions);
    if (tx && GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
        return VEMT_E_DEPENDENCY;
    vemt_status st = def->fill(ctx, &s, out);
    vemt_sink_release(&s);
    if (tx && st)
        GDALDatasetRollbackTransaction(ds);
    else if (tx && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
    return st;
}

vemt_status vemt_gdal_close(GDALDatasetH ds, vemt_status st) {
    if (!ds) return st;
    /* GDAL 3.6's GDALClose returns nothing: a failed flush shows only as
     * the last error. */
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure && st == VEMT_OK)
        st = VEMT_E_DEPENDENCY;
    return st;
}

vemt_status vemt_ogr_finish(vemt_ctx *ctx, const vemt_output *out,
                            GDALDatasetH ds, const char *tmp, const char *final,
                            vemt_commit_kind kind, const vemt_gdal_errors *ge,
                            vemt_status st) {
    st = vemt_gdal_close(ds, st);
    int e = ge && ge->disk_errno ? ge->disk_errno : errno;
    if (st) {
        st = vemt_output_write_failed(ctx, final, tmp, e, st);
        vemt_remove_with_side_files(tmp);
        return st;
    }
    if (out->commit) return vemt_commit_add(ctx, out->commit, tmp, final, kind);
    if (rename(tmp, final) != 0) {
        st = vemt_ctx_fail(ctx, VEMT_E_IO,
                           "can't move the finished output into place: %s",
                           strerror(errno));
        vemt_remove_with_side_files(tmp);
    }
    return st;
}
