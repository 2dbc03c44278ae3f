/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_gpkg.c
 * @brief The checker's GeoPackage: every table SQLite holds (sqlite_master,
 * so a table left out of gpkg_contents is found too), each with its real
 * columns (pragma_table_info), its rows read through GDAL's SQL, then the
 * metadata and the linked-table audit.
 */
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/check.h"

/* The GeoPackage's own tables (OGC 12-128r18 and its extensions, and
 * GDAL's gpkg_ogr_contents): skipped. Any other gpkg_* table is checked
 * like a user's table. */
static const char *const system_tables[] = {
    "gpkg_contents",
    "gpkg_spatial_ref_sys",
    "gpkg_geometry_columns",
    "gpkg_tile_matrix_set",
    "gpkg_tile_matrix",
    "gpkg_extensions",
    "gpkg_metadata",
    "gpkg_metadata_reference",
    "gpkg_ogr_contents",
    "gpkg_data_columns",
    "gpkg_data_column_constraints",
    "gpkg_2d_gridded_coverage_ancillary",
    "gpkg_2d_gridded_tile_ancillary",
    NULL};

/* The columns of a tile pyramid table (OGC 12-128r18, 2.2.8), which a
 * raster on the allow-list (the kde surface) is stored in. */
static const char *const tile_columns[] = {
    "id", "zoom_level", "tile_column", "tile_row", "tile_data", NULL};

static bool listed(const char *const *list, const char *s) {
    for (; *list; list++)
        if (!strcmp(*list, s)) return true;
    return false;
}

/* An identifier as an SQL string literal ('...' with quotes doubled) or a
 * quoted name ("..."), into buf. */
static void quoted(const char *s, char q, char *buf, size_t size) {
    size_t k = 0;
    if (size < 3) return;
    buf[k++] = q;
    for (; *s && k + 3 < size; s++) {
        if (*s == q) buf[k++] = q;
        buf[k++] = *s;
    }
    buf[k++] = q;
    buf[k] = '\0';
}

/* The first column of the first row of sql, into buf ("" when none). */
static void query_text(GDALDatasetH ds, const char *sql, char *buf,
                       size_t size) {
    buf[0] = '\0';
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    if (f && OGR_F_IsFieldSetAndNotNull(f, 0))
        snprintf(buf, size, "%s", OGR_F_GetFieldAsString(f, 0));
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

/* An rtree_<table>_<geometry column>[_node|_rowid|_parent] table of a
 * registered feature table: GDAL's spatial index. */
static bool spatial_index(GDALDatasetH ds, const char *name) {
    char lit[600], sql[1024], hit[16];
    quoted(name, '\'', lit, sizeof lit);
    snprintf(sql, sizeof sql,
             "SELECT 1 FROM gpkg_geometry_columns WHERE %s IN "
             "('rtree_' || table_name || '_' || column_name, "
             "'rtree_' || table_name || '_' || column_name || '_node', "
             "'rtree_' || table_name || '_' || column_name || '_rowid', "
             "'rtree_' || table_name || '_' || column_name || '_parent')",
             lit);
    query_text(ds, sql, hit, sizeof hit);
    return hit[0] == '1';
}

typedef struct columns {
    char **name;
    bool *exempt;
    size_t n;
} columns;

static void columns_free(columns *cols) {
    for (size_t i = 0; i < cols->n; i++) vemt_free(cols->name[i]);
    vemt_free(cols->name);
    vemt_free(cols->exempt);
    memset(cols, 0, sizeof *cols);
}

/* The real columns of table name, with those that are not data marked:
 * the registered geometry column, an INTEGER PRIMARY KEY named fid, and a
 * raster's tile columns. */
static bool read_columns(GDALDatasetH ds, const char *name, bool raster,
                         columns *cols) {
    char lit[600], sql[1024], geom[256];
    quoted(name, '\'', lit, sizeof lit);
    snprintf(sql, sizeof sql,
             "SELECT column_name FROM gpkg_geometry_columns WHERE "
             "table_name = %s",
             lit);
    query_text(ds, sql, geom, sizeof geom);
    snprintf(sql, sizeof sql,
             "SELECT name, upper(type), pk FROM pragma_table_info(%s)", lit);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    GIntBig n = r ? OGR_L_GetFeatureCount(r, 1) : 0;
    bool ok = r != NULL;
    if (n > 0) {
        cols->name = vemt_calloc((size_t)n, sizeof *cols->name);
        cols->exempt = vemt_calloc((size_t)n, sizeof *cols->exempt);
        ok = cols->name && cols->exempt;
    }
    OGRFeatureH f;
    while (ok && r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        const char *col = OGR_F_GetFieldAsString(f, 0);
        bool fid = OGR_F_GetFieldAsInteger(f, 2) == 1 &&
                   !strcmp(OGR_F_GetFieldAsString(f, 1), "INTEGER") &&
                   !strcmp(col, "fid");
        if ((size_t)cols->n < (size_t)n) {
            cols->exempt[cols->n] = fid || (geom[0] && !strcmp(col, geom)) ||
                                    (raster && listed(tile_columns, col));
            ok = (cols->name[cols->n++] = vemt_strdup(col)) != NULL;
        }
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return ok;
}

/* One table: its kind (gpkg_contents.data_type) against the allow-list's,
 * its columns and its rows. */
static void check_one(vemt_checker *c, GDALDatasetH ds, const char *name) {
    char lit[600], sql[1024], kind[64];
    quoted(name, '\'', lit, sizeof lit);
    snprintf(sql, sizeof sql,
             "SELECT data_type FROM gpkg_contents WHERE table_name = %s", lit);
    query_text(ds, sql, kind, sizeof kind);
    bool raster =
        !strcmp(kind, "2d-gridded-coverage") || !strcmp(kind, "tiles");
    columns cols = {0};
    if (!read_columns(ds, name, raster, &cols)) {
        c->nomem = true;
        columns_free(&cols);
        return;
    }
    const vemt_allowed_layer *entry =
        c->rules->allow ? vemt_disclosure_allowed_layer(c->rules, name) : NULL;
    if (entry && (entry->geom == VEMT_ALLOW_RASTER) != raster)
        vemt_check_problem(c,
                           "tables of another kind than the allow-list's "
                           "(a raster stored as rows, or rows as a raster)",
                           "%s: %s", name, kind[0] ? kind : "not registered");
    OGRLayerH rows = NULL;
    if (!raster) {
        char ident[600];
        quoted(name, '"', ident, sizeof ident);
        snprintf(sql, sizeof sql, "SELECT * FROM %s", ident);
        rows = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    }
    vemt_check_table(c, name, rows, (const char *const *)cols.name, cols.exempt,
                     cols.n);
    if (rows) GDALDatasetReleaseResultSet(ds, rows);
    columns_free(&cols);
}

/* The names of every table and view, and every name gpkg_contents
 * registers, but the GeoPackage's own. */
static void check_tables(vemt_checker *c, GDALDatasetH ds) {
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "UNION SELECT table_name FROM gpkg_contents ORDER BY 1",
        NULL, NULL);
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        const char *name = OGR_F_GetFieldAsString(f, 0);
        if (!listed(system_tables, name) &&
            !(!strncmp(name, "rtree_", 6) && spatial_index(ds, name)))
            check_one(c, ds, name);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

/* A table's rank column must follow from hotspot_cells' published columns
 * alone, by the rule of pipeline/rank.h: ORDER BY gi_bin DESC, n_events
 * DESC, cell_id (SQLite sorts nulls last when descending). A rank computed
 * from a withheld bin or count would tell it; a null rank tells nothing. */
static void check_rank(vemt_checker *c, GDALDatasetH ds, const char *table) {
    OGRLayerH t = GDALDatasetGetLayerByName(ds, table);
    OGRLayerH cells = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    if (!c->rules->allow || !t ||
        OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(t), "rank") < 0)
        return;
    static const char *const need[] = {"cell_id", "gi_bin", "n_events"};
    bool ok =
        cells && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(t), "cell_id") >= 0;
    for (size_t i = 0; ok && i < 3; i++)
        ok = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(cells), need[i]) >= 0;
    char sql[512], first[64] = "", n[32] = "";
    if (ok) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*), min(t.cell_id) FROM (SELECT cell_id, "
                 "row_number() OVER (ORDER BY gi_bin DESC, n_events DESC, "
                 "cell_id) AS k FROM hotspot_cells) o JOIN \"%s\" t ON "
                 "t.cell_id = o.cell_id WHERE t.rank != o.k",
                 table);
        OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
        OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
        ok = f != NULL;
        if (f) {
            snprintf(n, sizeof n, "%s", OGR_F_GetFieldAsString(f, 0));
            snprintf(first, sizeof first, "%s", OGR_F_GetFieldAsString(f, 1));
            OGR_F_Destroy(f);
        }
        if (r) GDALDatasetReleaseResultSet(ds, r);
    }
    if (!ok)
        vemt_check_problem(c,
                           "ranks that can't be checked against "
                           "hotspot_cells' gi_bin, n_events and cell_id",
                           "%s.rank", table);
    else if (strcmp(n, "0"))
        vemt_check_problem(c,
                           "ranks not in the order of the published gi_bin, "
                           "n_events and cell_id (a rank must tell nothing "
                           "they do not)",
                           "%s: %s units, first cell_id %s", table, n, first);
}

void vemt_check_gpkg(vemt_checker *c, GDALDatasetH ds) {
    check_tables(c, ds);
    check_rank(c, ds, "hotspot_cells");
    check_rank(c, ds, "emerging_hotspots");
    vemt_check_gpkg_metadata(c, ds);
    vemt_check_audit(c, GDALDatasetGetLayerByName(ds, "hotspot_cube"),
                     GDALDatasetGetLayerByName(ds, "hotspot_cells"),
                     GDALDatasetGetLayerByName(ds, "emerging_hotspots"),
                     GDALDatasetGetLayerByName(ds, "trends"));
}
