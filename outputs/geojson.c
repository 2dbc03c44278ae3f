/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file geojson.c
 * @brief What is particular to GeoJSON: one RFC 7946 file per layer.
 */
#include <cpl_string.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"

static vemt_status write_one(vemt_ctx *ctx, const char *dir,
                             const vemt_layer_def *def, const vemt_output *out,
                             const vemt_gdal_errors *ge) {
    char path[4096], tmp[4200];
    int n = snprintf(path, sizeof path, "%s/%s.geojson", dir, def->name);
    if (n < 0 || (size_t)n >= sizeof path)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "GeoJSON folder path too long");
    vemt_status st = vemt_tmp_path(ctx, path, ".geojson", tmp, sizeof tmp);
    if (st) return st;
    GDALDatasetH ds = NULL;
    /* RFC7946=YES makes GDAL reproject to WGS 84 longitude/latitude, wind
     * polygons by the right-hand rule and leave out the crs member. */
    char **lco = NULL;
    lco = CSLSetNameValue(lco, "RFC7946", "YES");
    lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", "7");
    errno = 0;
    st = vemt_ogr_create(ctx, "GeoJSON", tmp, &ds);
    if (!st) st = vemt_output_protect(ctx, out, tmp);
    if (!st) st = vemt_ogr_write_layer(ctx, ds, def, out, lco);
    CSLDestroy(lco);
    st = vemt_ogr_finish(ctx, out, ds, tmp, path, VEMT_COMMIT_GEOJSON, ge, st);
    if (st) { /* path dies here: the folder names the file, the message
                 the layer */
        char msg[sizeof vemt_ctx_error(ctx)->msg];
        snprintf(msg, sizeof msg, "%s", vemt_ctx_error(ctx)->msg);
        vemt_ctx_fail(ctx, st, "%s.geojson: %s", def->name, msg);
        vemt_ctx_set_source(ctx, dir);
    }
    return st;
}

/* The files of vemt's layers in dir that this run does not write (an
 * earlier run's, perhaps at a more revealing tier): removed at the commit,
 * so the folder holds one run's layers. Other files are left alone. */
static vemt_status stale_layers(vemt_ctx *ctx, const char *dir,
                                const vemt_output *out) {
    const char *name;
    for (size_t i = 0; (name = vemt_outputs_layer_name(i)) != NULL; i++) {
        bool written = false;
        for (size_t k = 0; k < vemt_layers_count(); k++) {
            const vemt_layer_def *def = vemt_layers_get(k);
            if (!strcmp(def->name, name))
                written = vemt_layer_is_written(def, out);
        }
        char path[4200];
        int n = snprintf(path, sizeof path, "%s/%s.geojson", dir, name);
        if (written || n < 0 || (size_t)n >= sizeof path) continue;
        struct stat sb;
        if (lstat(path, &sb) != 0) continue;
        vemt_status st = vemt_commit_remove(ctx, out->commit, path);
        if (st) return st;
    }
    return VEMT_OK;
}

vemt_status vemt_outputs_write_geojson(vemt_ctx *ctx, const char *dir,
                                       const vemt_output *out) {
    vemt_status st = VEMT_OK;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    for (size_t i = 0; i < vemt_layers_count() && !st; i++) {
        const vemt_layer_def *def = vemt_layers_get(i);
        if (!vemt_layer_is_written(def, out)) continue;
        vemt_ctx_progress(ctx, "write GeoJSON", i, vemt_layers_count());
        st = write_one(ctx, dir, def, out, &ge);
    }
    if (!st && out->commit) st = stale_layers(ctx, dir, out);
    vemt_gdal_errors_pop();
    return st;
}
