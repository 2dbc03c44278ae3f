/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gpkg_table.c
 * @brief The GeoPackage written with SQLite directly: the file, its core
 * tables, and each layer's table filled row by row through one prepared
 * statement and indexed by a packed R-tree once complete.
 *
 * The layout is GeoPackage 1.2 (OGC 12-128r15) as GDAL 3.6 writes it (the
 * same core tables, column types and triggers), so GDAL, QGIS and
 * validate_gpkg.py read the file as one of GDAL's. Writing the rows first
 * and the index after, in one transaction with no journal (the file is a
 * temporary renamed into place only once complete), is what makes it fast:
 * SQLite's R*Tree inserts one entry at a time otherwise.
 */
#include "outputs/gpkg_table.h"

#include <cpl_conv.h>
#include <errno.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/alloc.h"

/* The core tables of a new GeoPackage (GeoPackage 1.2, clauses 1.1.2,
 * 1.1.3, 2.1.5, 2.2.6-2.2.7, 2.3), GDAL's gpkg_ogr_contents, and the tile
 * matrix triggers (Annex F.1), in GDAL's words. */
static const char *const core_ddl[] = {
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,srs_id INTEGER "
    "NOT NULL PRIMARY KEY,organization TEXT NOT NULL,organization_coordsys_id "
    "INTEGER NOT NULL,definition  TEXT NOT NULL,description TEXT)",
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY "
    "KEY,data_type TEXT NOT NULL,identifier TEXT UNIQUE,description TEXT "
    "DEFAULT '',last_change DATETIME NOT NULL DEFAULT "
    "(strftime('%Y-%m-%dT%H:%M:%fZ','now')),min_x DOUBLE, min_y DOUBLE,max_x "
    "DOUBLE, max_y DOUBLE,srs_id INTEGER,CONSTRAINT fk_gc_r_srs_id FOREIGN "
    "KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE gpkg_ogr_contents(table_name TEXT NOT NULL PRIMARY "
    "KEY,feature_count INTEGER DEFAULT NULL)",
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,column_name "
    "TEXT NOT NULL,geometry_type_name TEXT NOT NULL,srs_id INTEGER NOT NULL,z "
    "TINYINT NOT NULL,m TINYINT NOT NULL,CONSTRAINT pk_geom_cols PRIMARY KEY "
    "(table_name, column_name),CONSTRAINT uk_gc_table_name UNIQUE "
    "(table_name),CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES "
    "gpkg_contents(table_name),CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) "
    "REFERENCES gpkg_spatial_ref_sys (srs_id))",
    "CREATE TABLE gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY "
    "KEY,srs_id INTEGER NOT NULL,min_x DOUBLE NOT NULL,min_y DOUBLE NOT "
    "NULL,max_x DOUBLE NOT NULL,max_y DOUBLE NOT NULL,CONSTRAINT "
    "fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES "
    "gpkg_contents(table_name),CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) "
    "REFERENCES gpkg_spatial_ref_sys (srs_id))",
    "CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL,zoom_level "
    "INTEGER NOT NULL,matrix_width INTEGER NOT NULL,matrix_height INTEGER NOT "
    "NULL,tile_width INTEGER NOT NULL,tile_height INTEGER NOT "
    "NULL,pixel_x_size DOUBLE NOT NULL,pixel_y_size DOUBLE NOT "
    "NULL,CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),CONSTRAINT "
    "fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES "
    "gpkg_contents(table_name))",
    "CREATE TABLE gpkg_extensions (table_name TEXT,column_name "
    "TEXT,extension_name TEXT NOT NULL,definition TEXT NOT NULL,scope TEXT NOT "
    "NULL,CONSTRAINT ge_tce UNIQUE (table_name, column_name, "
    "extension_name))",
};

/* The tile matrix checks: column, operator and the words of the rule. */
static const struct {
    const char *column, *test, *rule;
} tile_checks[] = {
    {"zoom_level", "(NEW.zoom_level < 0)", "zoom_level cannot be less than 0"},
    {"matrix_width", "(NEW.matrix_width < 1)",
     "matrix_width cannot be less than 1"},
    {"matrix_height", "(NEW.matrix_height < 1)",
     "matrix_height cannot be less than 1"},
    {"pixel_x_size", "NOT (NEW.pixel_x_size > 0)",
     "pixel_x_size must be greater than 0"},
    {"pixel_y_size", "NOT (NEW.pixel_y_size > 0)",
     "pixel_y_size must be greater than 0"},
};

/* The R-tree triggers of a feature table (GeoPackage 1.2, F.3), "%1" the
 * table, "%2" the R-tree; and GDAL's feature-count triggers. */
static const char *const rtree_triggers[] = {
    "CREATE TRIGGER \"%2_insert\" AFTER INSERT ON \"%1\" WHEN (new.\"geom\" "
    "NOT NULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN INSERT OR REPLACE INTO "
    "\"%2\" VALUES (NEW.\"fid\",ST_MinX(NEW.\"geom\"), "
    "ST_MaxX(NEW.\"geom\"),ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); "
    "END",
    "CREATE TRIGGER \"%2_update1\" AFTER UPDATE OF \"geom\" ON \"%1\" WHEN "
    "OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT "
    "ST_IsEmpty(NEW.\"geom\")) BEGIN INSERT OR REPLACE INTO \"%2\" VALUES "
    "(NEW.\"fid\",ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"),"
    "ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); END",
    "CREATE TRIGGER \"%2_update2\" AFTER UPDATE OF \"geom\" ON \"%1\" WHEN "
    "OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR "
    "ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM \"%2\" WHERE id = "
    "OLD.\"fid\"; END",
    "CREATE TRIGGER \"%2_update3\" AFTER UPDATE ON \"%1\" WHEN OLD.\"fid\" "
    "!= NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT "
    "ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM \"%2\" WHERE id = "
    "OLD.\"fid\"; INSERT OR REPLACE INTO \"%2\" VALUES "
    "(NEW.\"fid\",ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"),"
    "ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); END",
    "CREATE TRIGGER \"%2_update4\" AFTER UPDATE ON \"%1\" WHEN OLD.\"fid\" "
    "!= NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) "
    "BEGIN DELETE FROM \"%2\" WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END",
    "CREATE TRIGGER \"%2_delete\" AFTER DELETE ON \"%1\" WHEN old.\"geom\" "
    "NOT NULL BEGIN DELETE FROM \"%2\" WHERE id = OLD.\"fid\"; END",
};
static const char *const count_triggers[] = {
    "CREATE TRIGGER \"trigger_insert_feature_count_%1\" AFTER INSERT ON "
    "\"%1\" BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count "
    "+ 1 WHERE lower(table_name) = lower('%1'); END",
    "CREATE TRIGGER \"trigger_delete_feature_count_%1\" AFTER DELETE ON "
    "\"%1\" BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count "
    "- 1 WHERE lower(table_name) = lower('%1'); END",
};

static vemt_status sql_fail(vemt_ctx *ctx, sqlite3 *db) {
    return vemt_ctx_fail(ctx, VEMT_E_IO, "SQLite: %s",
                         db ? sqlite3_errmsg(db) : "out of memory");
}

vemt_status vemt_gpkg_exec(vemt_ctx *ctx, vemt_gpkg *g, const char *sql,
                           const char *p1, const char *p2) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(g->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 1)
        rc = sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
        rc = sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    vemt_status s =
        rc == SQLITE_DONE || rc == SQLITE_ROW ? VEMT_OK : sql_fail(ctx, g->db);
    sqlite3_finalize(st);
    return s;
}

/* sql with every "%1" replaced by a and "%2" by b (names vemt chose: no
 * quotes in them). NULL when memory runs out; free with vemt_free(). */
static char *fill_names(const char *sql, const char *a, const char *b) {
    size_t n = strlen(sql) + 1, la = strlen(a), lb = strlen(b);
    for (const char *p = sql; (p = strchr(p, '%')) != NULL; p++) n += la + lb;
    char *out = vemt_malloc(n), *q = out;
    if (!out) return NULL;
    for (const char *p = sql; *p; p++) {
        if (p[0] == '%' && (p[1] == '1' || p[1] == '2')) {
            const char *s = p[1] == '1' ? a : b;
            size_t l = p[1] == '1' ? la : lb;
            memcpy(q, s, l);
            q += l;
            p++;
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return out;
}

static vemt_status exec_names(vemt_ctx *ctx, vemt_gpkg *g, const char *sql,
                              const char *a, const char *b) {
    char *s = fill_names(sql, a, b);
    if (!s) return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    vemt_status st = vemt_gpkg_exec(ctx, g, s, NULL, NULL);
    vemt_free(s);
    return st;
}

static vemt_status tile_triggers(vemt_ctx *ctx, vemt_gpkg *g) {
    static const char form[] =
        "CREATE TRIGGER 'gpkg_tile_matrix_%s_%s' BEFORE %s%s ON "
        "'gpkg_tile_matrix' FOR EACH ROW BEGIN SELECT RAISE(ABORT, '%s on "
        "table ''gpkg_tile_matrix'' violates constraint: %s') WHERE %s; END";
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof tile_checks / sizeof *tile_checks; i++)
        for (int upd = 0; upd < 2 && !st; upd++) {
            char col[64], sql[600];
            /* GDAL's zoom_level update trigger says "of", the others "OF" */
            snprintf(col, sizeof col, " %s %s", i == 0 ? "of" : "OF",
                     tile_checks[i].column);
            snprintf(sql, sizeof sql, form, tile_checks[i].column,
                     upd ? "update" : "insert", upd ? "UPDATE" : "INSERT",
                     upd ? col : "", upd ? "update" : "insert",
                     tile_checks[i].rule, tile_checks[i].test);
            st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
        }
    return st;
}

/* The rows GDAL puts in every new GeoPackage's gpkg_spatial_ref_sys
 * (clause 1.1.2.1.2), then the features' CRS. */
static vemt_status srs_rows(vemt_ctx *ctx, vemt_gpkg *g, const char *def) {
    static const char ins[] =
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, "
        "organization, organization_coordsys_id, definition, description) "
        "VALUES (?1, %d, '%s', %d, ?2, %s)";
    char sql[512];
    vemt_status st = VEMT_OK;
    snprintf(sql, sizeof sql, ins, -1, "NONE", -1,
             "'undefined Cartesian coordinate reference system'");
    st = vemt_gpkg_exec(ctx, g, sql, "Undefined Cartesian SRS", "undefined");
    snprintf(sql, sizeof sql, ins, 0, "NONE", 0,
             "'undefined geographic coordinate reference system'");
    if (!st)
        st = vemt_gpkg_exec(ctx, g, sql, "Undefined geographic SRS",
                            "undefined");
    OGRSpatialReferenceH srs[2] = {OSRNewSpatialReference(NULL),
                                   OSRNewSpatialReference(NULL)};
    const char *defs[2] = {"EPSG:4326", def};
    for (int k = 0; k < 2 && !st; k++) {
        char *wkt = NULL;
        if (!srs[k] || OSRSetFromUserInput(srs[k], defs[k]) != OGRERR_NONE ||
            OSRExportToWkt(srs[k], &wkt) != OGRERR_NONE) {
            CPLFree(wkt);
            st = vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                               "GDAL can't read the analysis CRS '%.80s'",
                               defs[k]);
            break;
        }
        const char *auth = OSRGetAuthorityName(srs[k], NULL);
        const char *code = OSRGetAuthorityCode(srs[k], NULL);
        /* The CRS's own authority and code (EPSG, ESRI, ...) as GDAL
         * writes them; its code as srs_id unless that is one of the rows
         * above; no authority: GDAL's first free user id. */
        bool known = auth && code && atoi(code) > 0 && !strchr(auth, '\'');
        int id = known ? atoi(code) : 100000;
        if (known && k == 1 && strcmp(auth, "EPSG") && id == 4326) id = 100000;
        const char *name = OSRGetName(srs[k]);
        snprintf(sql, sizeof sql, ins, id, known ? auth : "NONE", id,
                 k == 0 ? "'longitude/latitude coordinates in decimal degrees "
                          "on the WGS 84 spheroid'"
                        : "NULL");
        st = vemt_gpkg_exec(
            ctx, g, sql, k == 0 ? "WGS 84 geodetic" : (name ? name : "Unnamed"),
            wkt);
        if (k == 1) g->srs_id = id;
        CPLFree(wkt);
    }
    for (int k = 0; k < 2; k++)
        if (srs[k]) OSRRelease(srs[k]);
    return st;
}

vemt_status vemt_gpkg_create(vemt_ctx *ctx, const char *path, const char *def,
                             bool private_file, vemt_gpkg *g) {
    memset(g, 0, sizeof *g);
    remove(path);
    int rc = sqlite3_open_v2(
        path, &g->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        vemt_status st = sql_fail(ctx, g->db);
        sqlite3_close(g->db);
        g->db = NULL;
        return st;
    }
    if (private_file && chmod(path, S_IRUSR | S_IWUSR) != 0)
        return vemt_ctx_fail(ctx, VEMT_E_IO,
                             "can't make the output private: %s",
                             strerror(errno));
    /* No journal and no syncs: the file is a temporary, renamed into place
     * only once it is complete and read back; a failed write discards it.
     * A 256 MB page cache (used only as needed) keeps the R-tree pages and
     * the table's last pages in memory. GeoPackage 1.2: application_id
     * 'GPKG', user_version 10200. */
    static const char *const pragmas[] = {
        "PRAGMA page_size = 4096",
        "PRAGMA journal_mode = OFF",
        "PRAGMA synchronous = OFF",
        "PRAGMA locking_mode = EXCLUSIVE",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA cache_size = -262144",
        "PRAGMA application_id = 1196444487",
        "PRAGMA user_version = 10200",
        "BEGIN",
    };
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas && !st; i++)
        st = vemt_gpkg_exec(ctx, g, pragmas[i], NULL, NULL);
    for (size_t i = 0; i < sizeof core_ddl / sizeof *core_ddl && !st; i++)
        st = vemt_gpkg_exec(ctx, g, core_ddl[i], NULL, NULL);
    if (!st) st = tile_triggers(ctx, g);
    if (!st) st = srs_rows(ctx, g, def);
    return st;
}

/* The SQL type GDAL gives an OGR field type (so GDAL reads it back as the
 * same type). */
static const char *sql_type(const vemt_sink_field *f) {
    switch (f->type) {
        case OFTInteger:
            return f->subtype == OFSTBoolean ? "BOOLEAN"
                   : f->subtype == OFSTInt16 ? "SMALLINT"
                                             : "MEDIUMINT";
        case OFTInteger64:
            return "INTEGER";
        case OFTReal:
            return f->subtype == OFSTFloat32 ? "FLOAT" : "REAL";
        case OFTDate:
            return "DATE";
        case OFTDateTime:
            return "DATETIME";
        default:
            return "TEXT";
    }
}

static const char *geom_type_name(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint:
            return "POINT";
        case wkbLineString:
            return "LINESTRING";
        case wkbPolygon:
            return "POLYGON";
        case wkbMultiPoint:
            return "MULTIPOINT";
        case wkbMultiLineString:
            return "MULTILINESTRING";
        case wkbMultiPolygon:
            return "MULTIPOLYGON";
        default:
            return "GEOMETRY";
    }
}

/* CREATE TABLE of s's table (SQLite's string: free with sqlite3_free()). */
static char *create_sql(const char *name, const vemt_sink *s) {
    sqlite3_str *c = sqlite3_str_new(NULL);
    sqlite3_str_appendf(c,
                        "CREATE TABLE \"%w\" ( \"fid\" INTEGER PRIMARY KEY "
                        "AUTOINCREMENT NOT NULL",
                        name);
    if (s->geom != wkbNone)
        sqlite3_str_appendf(c, ", \"geom\" %s", geom_type_name(s->geom));
    for (size_t k = 0; k < s->n_fields; k++)
        sqlite3_str_appendf(c, ", \"%w\" %s", s->fields[k].name,
                            sql_type(&s->fields[k]));
    sqlite3_str_appendall(c, ")");
    return sqlite3_str_finish(c);
}

/* Prepare the INSERT of `rows` rows into s's table: the geometry (fid,
 * bound null, in a table without one) then the fields. */
static vemt_status prepare_insert(vemt_ctx *ctx, vemt_gpkg *g, const char *name,
                                  const vemt_sink *s, int rows,
                                  sqlite3_stmt **stmt) {
    sqlite3_str *i = sqlite3_str_new(NULL);
    sqlite3_str_appendf(i, "INSERT INTO \"%w\" (%s", name,
                        s->geom != wkbNone ? "\"geom\"" : "\"fid\"");
    for (size_t k = 0; k < s->n_fields; k++)
        sqlite3_str_appendf(i, ", \"%w\"", s->fields[k].name);
    sqlite3_str_appendall(i, ") VALUES ");
    for (int r = 0; r < rows; r++) {
        sqlite3_str_appendall(i, r ? ", (?" : "(?");
        for (size_t k = 0; k < s->n_fields; k++)
            sqlite3_str_appendall(i, ", ?");
        sqlite3_str_appendall(i, ")");
    }
    char *sql = sqlite3_str_finish(i);
    if (!sql) return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    int rc = sqlite3_prepare_v2(g->db, sql, -1, stmt, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? VEMT_OK : sql_fail(ctx, g->db);
}

vemt_status vemt_gpkg_table_begin(vemt_ctx *ctx, vemt_gpkg *g, const char *name,
                                  const char *description, int place,
                                  vemt_sink *s) {
    vemt_gpkg_table *t = vemt_calloc(1, sizeof *t);
    if (!t) return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    t->g = g;
    snprintf(t->name, sizeof t->name, "%s", name);
    t->has_geom = s->geom != wkbNone;
    t->n_cols = (int)s->n_fields + 1;
    /* As many rows as SQLite takes parameters for (32,766 by default). */
    int most = sqlite3_limit(g->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    t->batch =
        most / t->n_cols < VEMT_GPKG_BATCH ? most / t->n_cols : VEMT_GPKG_BATCH;
    if (t->batch < 1) t->batch = 1;
    t->extent[0] = t->extent[2] = INFINITY;
    t->extent[1] = t->extent[3] = -INFINITY;
    s->gpkg = t;
    t->vals =
        vemt_calloc((size_t)t->batch * (size_t)t->n_cols, sizeof *t->vals);
    if (!t->vals) return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    char *create = create_sql(name, s);
    vemt_status st = create ? vemt_gpkg_exec(ctx, g, create, NULL, NULL)
                            : vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    sqlite3_free(create);
    char sql[512];
    char rowid[24] = "NULL";
    if (place > 0) snprintf(rowid, sizeof rowid, "%d", place);
    snprintf(sql, sizeof sql,
             "INSERT INTO gpkg_contents (rowid, table_name, data_type, "
             "identifier, description, last_change, srs_id) VALUES (%s, '%s', "
             "'%s', '%s', ?1, strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'), %d)",
             rowid, name, t->has_geom ? "features" : "attributes", name,
             t->has_geom ? g->srs_id : 0);
    if (!st) st = vemt_gpkg_exec(ctx, g, sql, description, NULL);
    if (!st && t->has_geom) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                 "geometry_type_name, srs_id, z, m) VALUES ('%s', 'geom', "
                 "'%s', %d, 0, 0)",
                 name, geom_type_name(s->geom), g->srs_id);
        st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
    }
    if (!st) st = prepare_insert(ctx, g, name, s, t->batch, &t->insert);
    if (!st) st = prepare_insert(ctx, g, name, s, 1, &t->insert1);
    return st;
}

/* Where a text or blob value's bytes are. */
static const void *value_bytes(const vemt_gpkg_table *t,
                               const vemt_gpkg_value *v) {
    return v->kept ? (const void *)v->v.p : (const void *)(t->bytes + v->v.off);
}

/* Bind row r's values to stmt from parameter `first` on. */
static void bind_row(vemt_gpkg_table *t, sqlite3_stmt *stmt, int r, int first) {
    const vemt_gpkg_value *v = t->vals + (size_t)r * (size_t)t->n_cols;
    for (int c = 0; c < t->n_cols; c++, v++) {
        int at = first + c;
        switch (v->type) {
            case SQLITE_INTEGER:
                sqlite3_bind_int64(stmt, at, v->v.i);
                break;
            case SQLITE_FLOAT:
                sqlite3_bind_double(stmt, at, v->v.d);
                break;
            case SQLITE_TEXT:
                sqlite3_bind_text(stmt, at, value_bytes(t, v), v->len,
                                  SQLITE_STATIC);
                break;
            case SQLITE_BLOB:
                sqlite3_bind_blob(stmt, at, value_bytes(t, v), v->len,
                                  SQLITE_STATIC);
                break;
            default:
                sqlite3_bind_null(stmt, at);
        }
    }
}

static int step(sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc;
}

/* Insert the waiting rows: a whole batch in one statement, a rest row by
 * row. Their fids are n_rows - row + 1 ... n_rows: the table is new, so
 * AUTOINCREMENT numbers them in order from 1 (checked). */
static vemt_status flush(vemt_gpkg_table *t) {
    if (t->g->stop && atomic_load(t->g->stop)) return VEMT_E_CANCELLED;
    int rc = SQLITE_DONE;
    if (t->row == t->batch) {
        for (int r = 0; r < t->row; r++)
            bind_row(t, t->insert, r, 1 + r * t->n_cols);
        rc = step(t->insert);
    } else
        for (int r = 0; r < t->row && rc == SQLITE_DONE; r++) {
            bind_row(t, t->insert1, r, 1);
            rc = step(t->insert1);
        }
    t->row = 0;
    t->used = 0;
    if (rc != SQLITE_DONE) return VEMT_E_IO;
    if (sqlite3_last_insert_rowid(t->g->db) == t->n_rows) return VEMT_OK;
    t->misnumbered = true; /* SQLite failed us, with no message of its own */
    return VEMT_E_DEPENDENCY;
}

vemt_status vemt_gpkg_table_add(vemt_gpkg_table *t) {
    t->n_rows++;
    if (t->row_box) {
        if (t->n_boxes == t->cap_boxes) {
            size_t c = t->cap_boxes ? t->cap_boxes * 2 : 1024;
            vemt_rtree_entry *p = vemt_realloc(t->boxes, c * sizeof *p);
            if (!p) return VEMT_E_NOMEM;
            t->boxes = p;
            t->cap_boxes = c;
        }
        vemt_rtree_entry *e = &t->boxes[t->n_boxes++];
        e->id = t->n_rows;
        e->minx = t->box[0];
        e->maxx = t->box[1];
        e->miny = t->box[2];
        e->maxy = t->box[3];
        for (int k = 0; k < 4; k++) {
            bool low = k % 2 == 0;
            if (low ? t->box[k] < t->extent[k] : t->box[k] > t->extent[k])
                t->extent[k] = t->box[k];
        }
    }
    return ++t->row == t->batch ? flush(t) : VEMT_OK;
}

/* The extent, the R-tree and the triggers of a complete table. */
static vemt_status finish_table(vemt_ctx *ctx, vemt_gpkg_table *t) {
    vemt_gpkg *g = t->g;
    char sql[512], rtree[160], count[32];
    vemt_status st = VEMT_OK;
    snprintf(count, sizeof count, "%lld", (long long)t->n_rows);
    snprintf(sql, sizeof sql,
             "INSERT INTO gpkg_ogr_contents (table_name, feature_count) "
             "VALUES ('%s', %s)",
             t->name, count);
    st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
    if (!st && t->has_geom && t->n_boxes > 0) {
        snprintf(sql, sizeof sql,
                 "UPDATE gpkg_contents SET min_x = %.17g, min_y = %.17g, "
                 "max_x = %.17g, max_y = %.17g WHERE table_name = '%s'",
                 t->extent[0], t->extent[2], t->extent[1], t->extent[3],
                 t->name);
        st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
    }
    if (!st && t->has_geom) {
        snprintf(rtree, sizeof rtree, "rtree_%s_geom", t->name);
        snprintf(sql, sizeof sql,
                 "CREATE VIRTUAL TABLE \"%s\" USING rtree(id, minx, maxx, "
                 "miny, maxy)",
                 rtree);
        st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
        if (!st) st = vemt_rtree_load(ctx, g->db, rtree, t->boxes, t->n_boxes);
        snprintf(sql, sizeof sql,
                 "INSERT INTO gpkg_extensions (table_name, column_name, "
                 "extension_name, definition, scope) VALUES ('%s', 'geom', "
                 "'gpkg_rtree_index', "
                 "'http://www.geopackage.org/spec120/#extension_rtree', "
                 "'write-only')",
                 t->name);
        if (!st) st = vemt_gpkg_exec(ctx, g, sql, NULL, NULL);
        /* The triggers come after the load, so it fired none of them. */
        for (size_t i = 0;
             i < sizeof rtree_triggers / sizeof *rtree_triggers && !st; i++)
            st = exec_names(ctx, g, rtree_triggers[i], t->name, rtree);
    }
    for (size_t i = 0;
         i < sizeof count_triggers / sizeof *count_triggers && !st; i++)
        st = exec_names(ctx, g, count_triggers[i], t->name, "");
    return st;
}

vemt_status vemt_gpkg_table_end(vemt_ctx *ctx, vemt_sink *s, vemt_status st) {
    vemt_gpkg_table *t = s->gpkg;
    if (!t) return st;
    if (!st && t->row) st = flush(t);
    if (t->misnumbered)
        st = vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                           "%s: SQLite numbered the rows of %s out of order",
                           sqlite3_db_filename(t->g->db, "main"), t->name);
    if (st == VEMT_E_IO && t->insert && vemt_ctx_error(ctx)->code == VEMT_OK)
        st = sql_fail(ctx, t->g->db);
    sqlite3_finalize(t->insert);
    sqlite3_finalize(t->insert1);
    t->insert = t->insert1 = NULL;
    if (!st) st = finish_table(ctx, t);
    vemt_free(t->boxes);
    vemt_free(t->vals);
    vemt_free(t->bytes);
    vemt_free(t);
    s->gpkg = NULL;
    return st;
}

vemt_status vemt_gpkg_close(vemt_ctx *ctx, vemt_gpkg *g, vemt_status st,
                            int *err_no) {
    *err_no = 0;
    if (!g->db) return st;
    if (!st) st = vemt_gpkg_exec(ctx, g, "COMMIT", NULL, NULL);
    if (st) {
        /* SQLite gives no system errno for a full disk. */
        *err_no = sqlite3_errcode(g->db) == SQLITE_FULL
                      ? ENOSPC
                      : sqlite3_system_errno(g->db);
        sqlite3_exec(g->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (sqlite3_close_v2(g->db) != SQLITE_OK && !st) st = sql_fail(ctx, g->db);
    g->db = NULL;
    return st;
}
