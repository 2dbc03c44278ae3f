/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gpkg.c
 * @brief What is particular to the GeoPackage: layer options, the
 * metadata tables (GeoPackage 1.2, Metadata extension) and the kde raster
 * table.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"
#include "outputs/raster.h"
#include "outputs/style.h"

/* Tables of the GeoPackage Metadata extension (OGC 12-128r15, 2.4), one
 * statement per string: GDAL hands SQLite one statement at a time. */
static const char *const metadata_ddl[] = {
    "CREATE TABLE IF NOT EXISTS gpkg_metadata ("
    " id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,"
    " md_scope TEXT NOT NULL DEFAULT 'dataset',"
    " md_standard_uri TEXT NOT NULL,"
    " mime_type TEXT NOT NULL DEFAULT 'text/xml',"
    " metadata TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference ("
    " reference_scope TEXT NOT NULL,"
    " table_name TEXT,"
    " column_name TEXT,"
    " row_id_value INTEGER,"
    " timestamp DATETIME NOT NULL DEFAULT "
    "(strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    " md_file_id INTEGER NOT NULL,"
    " md_parent_id INTEGER,"
    " CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES "
    "gpkg_metadata(id),"
    " CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES "
    "gpkg_metadata(id))",
    "CREATE TABLE IF NOT EXISTS gpkg_extensions ("
    " table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,"
    " definition TEXT NOT NULL, scope TEXT NOT NULL,"
    " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
    "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_metadata', NULL, "
    "'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata',"
    " 'read-write')",
    "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_metadata_reference', "
    "NULL, 'gpkg_metadata', "
    "'http://www.geopackage.org/spec120/#extension_metadata', 'read-write')",
};

/* Run one SQL statement list; GDAL passes non-SELECT SQL to SQLite. */
static vemt_status exec_sql(vemt_ctx *ctx, GDALDatasetH ds, const char *sql) {
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (res) GDALDatasetReleaseResultSet(ds, res);
    if (CPLGetLastErrorType() >= CE_Failure) {
        (void)ctx; /* the handler put GDAL's message in the context */
        return VEMT_E_DEPENDENCY;
    }
    return VEMT_OK;
}

/* SQL string literal of s: single quotes doubled. Caller frees. */
static char *sql_literal(const char *s) {
    size_t n = 3;
    for (const char *p = s; *p; p++) n += *p == '\'' ? 2 : 1;
    char *out = vemt_malloc(n), *q = out;
    if (!out) return NULL;
    *q++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') *q++ = '\'';
        *q++ = *s;
    }
    *q++ = '\'';
    *q = '\0';
    return out;
}

/* One gpkg_metadata row (JSON), referenced from the whole GeoPackage. */
static vemt_status metadata_row(vemt_ctx *ctx, GDALDatasetH ds, const char *uri,
                                char *json) {
    char *lit = json ? sql_literal(json) : NULL, *sql = NULL;
    vemt_status st = VEMT_E_NOMEM;
    size_t n = lit ? strlen(lit) + 256 : 0;
    if (lit && (sql = vemt_malloc(n))) {
        snprintf(sql, n,
                 "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, "
                 "mime_type, metadata) VALUES ('dataset', '%s', "
                 "'application/json', %s)",
                 uri, lit);
        st = exec_sql(ctx, ds, sql);
        if (!st)
            st = exec_sql(ctx, ds,
                          "INSERT INTO gpkg_metadata_reference "
                          "(reference_scope, md_file_id) VALUES "
                          "('geopackage', last_insert_rowid())");
    }
    vemt_free(sql);
    vemt_free(lit);
    vemt_free(json);
    return st;
}

static vemt_status write_metadata(vemt_ctx *ctx, GDALDatasetH ds,
                                  const vemt_output *out) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof metadata_ddl / sizeof *metadata_ddl && !st;
         i++)
        st = exec_sql(ctx, ds, metadata_ddl[i]);
    if (!st)
        st = metadata_row(ctx, ds, "urn:vemt:provenance:1",
                          vemt_outputs_provenance_json(out));
    if (!st)
        st = metadata_row(ctx, ds, "urn:vemt:disclosure-schema:1",
                          vemt_outputs_schema_json(out));
    return st;
}

/* QGIS's layer_styles table (the layout QGIS itself creates in a
 * GeoPackage), registered as attributes as QGIS does. */
static const char *const styles_ddl[] = {
    "CREATE TABLE IF NOT EXISTS layer_styles ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),"
    " f_table_schema TEXT(256), f_table_name TEXT(256),"
    " f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,"
    " styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),"
    " ui TEXT(30), update_time DATETIME DEFAULT "
    "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
    "description, last_change) VALUES ('layer_styles', 'attributes', "
    "'layer_styles', 'QGIS default styles of the layers', "
    "strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
};

/* One row of layer_styles: f_table_schema is '' (QGIS never matches
 * NULL), useAsDefault 1. */
static vemt_status write_style(vemt_ctx *ctx, GDALDatasetH ds,
                               const vemt_style *st) {
    char *qml = vemt_style_qml(st), *sld = vemt_style_sld(st);
    char *lq = qml ? sql_literal(qml) : NULL,
         *ls = sld ? sql_literal(sld) : NULL;
    char *ld = sql_literal(st->description), *sql = NULL;
    vemt_status rc = VEMT_E_NOMEM;
    if (lq && ls && ld) {
        size_t n = strlen(lq) + strlen(ls) + strlen(ld) + 512;
        if ((sql = vemt_malloc(n))) {
            snprintf(sql, n,
                     "INSERT INTO layer_styles (f_table_catalog, "
                     "f_table_schema, f_table_name, f_geometry_column, "
                     "styleName, styleQML, styleSLD, useAsDefault, "
                     "description, owner, ui) VALUES ('', '', '%s', 'geom', "
                     "'vemt default', %s, %s, 1, %s, 'vemt', NULL)",
                     st->layer, lq, ls, ld);
            rc = exec_sql(ctx, ds, sql);
        }
    }
    vemt_free(sql);
    vemt_free(ld);
    vemt_free(lq);
    vemt_free(ls);
    vemt_free(qml);
    vemt_free(sld);
    return rc;
}

static vemt_status write_styles(vemt_ctx *ctx, GDALDatasetH ds,
                                const vemt_output *out) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof styles_ddl / sizeof *styles_ddl && !st; i++)
        st = exec_sql(ctx, ds, styles_ddl[i]);
    for (size_t i = 0; i < vemt_styles_count() && !st; i++) {
        const vemt_style *s = vemt_styles_get(i);
        const vemt_layer_def *def = NULL;
        for (size_t k = 0; k < vemt_layers_count(); k++)
            if (!strcmp(vemt_layers_get(k)->name, s->layer))
                def = vemt_layers_get(k);
        if (def && vemt_layer_is_written(def, out))
            st = write_style(ctx, ds, s);
    }
    return st;
}

static vemt_status write_layers(vemt_ctx *ctx, GDALDatasetH ds,
                                const vemt_output *out) {
    for (size_t i = 0; i < vemt_layers_count(); i++) {
        const vemt_layer_def *def = vemt_layers_get(i);
        if (!vemt_layer_is_written(def, out)) continue;
        char **lco = NULL;
        char desc[1024];
        snprintf(desc, sizeof desc, "%s Output tier: %s.", def->description,
                 out->provenance ? out->provenance->tier : "restricted");
        lco = CSLSetNameValue(lco, "DESCRIPTION", desc);
        lco = CSLSetNameValue(lco, "FID", "fid");
        if (def->geom != wkbNone) {
            lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
            lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
        }
        vemt_ctx_progress(ctx, "write GeoPackage", i, vemt_layers_count());
        vemt_status st = vemt_ogr_write_layer(ctx, ds, def, out, lco);
        CSLDestroy(lco);
        if (st) return st;
    }
    vemt_status st = write_styles(ctx, ds, out);
    return st ? st : write_metadata(ctx, ds, out);
}

vemt_status vemt_outputs_write_gpkg(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out) {
    char tmp[4096];
    vemt_status st = vemt_tmp_path(ctx, path, ".gpkg", tmp, sizeof tmp);
    if (st) return st;
    GDALDatasetH ds = NULL;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    errno = 0;
    /* SQLite's default 2 MB page cache makes the R-tree build of a large
     * events layer re-read pages from the OS all the time: 512 MB (used
     * only as needed) takes a 1M-point layer from 39 s to 15 s. A user's
     * own OGR_SQLITE_CACHE wins. */
    if (!CPLGetConfigOption("OGR_SQLITE_CACHE", NULL))
        CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", "512");
    st = vemt_ogr_create(ctx, "GPKG", tmp, &ds);
    if (!st) st = vemt_output_protect(ctx, out, tmp);
    if (!st) st = write_layers(ctx, ds, out);
    /* GDAL adds a raster table to a closed GeoPackage only. */
    st = vemt_gdal_close(ds, st);
    if (!st && vemt_output_has_density(out))
        st = vemt_raster_write_gpkg(ctx, tmp, out);
    st = vemt_ogr_finish(ctx, out, NULL, tmp, path, VEMT_COMMIT_GPKG, &ge, st);
    CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", NULL);
    vemt_gdal_errors_pop();
    if (st) vemt_ctx_set_source(ctx, path);
    return st;
}
