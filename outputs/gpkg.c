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
#include "outputs/gpkg_table.h"
#include "outputs/ogr_writer.h"
#include "outputs/raster.h"
#include "outputs/style.h"

/* Tables of the GeoPackage Metadata extension (OGC 12-128r15, 2.4), one
 * statement per string. */
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

/* One gpkg_metadata row (JSON, consumed), referenced from the whole
 * GeoPackage. */
static vemt_status metadata_row(vemt_ctx *ctx, vemt_gpkg *g, const char *uri,
                                char *json) {
    vemt_status st =
        json ? vemt_gpkg_exec(ctx, g,
                              "INSERT INTO gpkg_metadata (md_scope, "
                              "md_standard_uri, mime_type, metadata) VALUES "
                              "('dataset', ?1, 'application/json', ?2)",
                              uri, json)
             : vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    if (!st)
        st = vemt_gpkg_exec(ctx, g,
                            "INSERT INTO gpkg_metadata_reference "
                            "(reference_scope, md_file_id) VALUES "
                            "('geopackage', last_insert_rowid())",
                            NULL, NULL);
    vemt_free(json);
    return st;
}

static vemt_status write_metadata(vemt_ctx *ctx, vemt_gpkg *g,
                                  const vemt_output *out) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof metadata_ddl / sizeof *metadata_ddl && !st;
         i++)
        st = vemt_gpkg_exec(ctx, g, metadata_ddl[i], NULL, NULL);
    if (!st)
        st = metadata_row(ctx, g, "urn:vemt:provenance:1",
                          vemt_outputs_provenance_json(out));
    if (!st)
        st = metadata_row(ctx, g, "urn:vemt:disclosure-schema:1",
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
static vemt_status write_style(vemt_ctx *ctx, vemt_gpkg *g,
                               const vemt_style *st) {
    char *qml = vemt_style_qml(st), *sld = vemt_style_sld(st);
    char *sql = sqlite3_mprintf(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
        "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
        "useAsDefault, description, owner, ui) VALUES ('', '', %Q, 'geom', "
        "'vemt default', ?1, ?2, 1, %Q, 'vemt', NULL)",
        st->layer, st->description);
    vemt_status rc = qml && sld && sql
                         ? vemt_gpkg_exec(ctx, g, sql, qml, sld)
                         : vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    sqlite3_free(sql);
    vemt_free(qml);
    vemt_free(sld);
    return rc;
}

static vemt_status write_styles(vemt_ctx *ctx, vemt_gpkg *g,
                                const vemt_output *out) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof styles_ddl / sizeof *styles_ddl && !st; i++)
        st = vemt_gpkg_exec(ctx, g, styles_ddl[i], NULL, NULL);
    for (size_t i = 0; i < vemt_styles_count() && !st; i++) {
        const vemt_style *s = vemt_styles_get(i);
        const vemt_layer_def *def = NULL;
        for (size_t k = 0; k < vemt_layers_count(); k++)
            if (!strcmp(vemt_layers_get(k)->name, s->layer))
                def = vemt_layers_get(k);
        if (def && vemt_layer_is_written(def, out)) st = write_style(ctx, g, s);
    }
    return st;
}

static vemt_status write_layers(vemt_ctx *ctx, vemt_gpkg *g,
                                const vemt_output *out) {
    for (size_t i = 0; i < vemt_layers_count(); i++) {
        const vemt_layer_def *def = vemt_layers_get(i);
        if (!vemt_layer_is_written(def, out)) continue;
        char desc[1024];
        snprintf(desc, sizeof desc, "%s Output tier: %s.", def->description,
                 out->provenance ? out->provenance->tier : "restricted");
        vemt_ctx_progress(ctx, "write GeoPackage", i, vemt_layers_count());
        vemt_sink s;
        vemt_status st = vemt_sink_init(ctx, &s, def, out);
        if (st) return st;
        st = vemt_gpkg_table_begin(ctx, g, def->name, desc, &s);
        if (!st) st = def->fill(ctx, &s, out);
        st = vemt_gpkg_table_end(ctx, &s, st);
        if (st) return st;
    }
    vemt_status st = write_styles(ctx, g, out);
    return st ? st : write_metadata(ctx, g, out);
}

vemt_status vemt_outputs_write_gpkg(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out) {
    char tmp[4096];
    vemt_status st = vemt_tmp_path(ctx, path, ".gpkg", tmp, sizeof tmp);
    if (st) return st;
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    errno = 0;
    vemt_remove_with_side_files(tmp);
    vemt_gpkg g;
    st = vemt_gpkg_create(ctx, tmp,
                          out->crs ? out->crs : VEMT_ANALYSIS_CRS_DEFAULT,
                          rules.exact_locations, &g);
    if (!st) st = write_layers(ctx, &g, out);
    int err_no = 0;
    st = vemt_gpkg_close(ctx, &g, st, &err_no);
    if (err_no && !ge.disk_errno) ge.disk_errno = err_no;
    /* GDAL adds the kde raster table to the closed GeoPackage. */
    if (!st && vemt_output_has_density(out))
        st = vemt_raster_write_gpkg(ctx, tmp, out);
    st = vemt_ogr_finish(ctx, out, NULL, tmp, path, VEMT_COMMIT_GPKG, &ge, st);
    vemt_gdal_errors_pop();
    if (st) vemt_ctx_set_source(ctx, path);
    return st;
}
