/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gpkg.c
 * @brief What is particular to the GeoPackage: layer options, the
 * metadata tables (GeoPackage 1.2, Metadata extension) and the kde raster
 * table.
 */
#include <cpl_conv.h>
#include <cpl_string.h>
#include <errno.h>
#include <pthread.h>
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

/* The index of the layer named name, or vemt_layers_count() when none. */
static size_t layer_index(const char *name) {
    size_t i = 0;
    while (i < vemt_layers_count() && strcmp(vemt_layers_get(i)->name, name))
        i++;
    return i;
}

static vemt_status write_styles(vemt_ctx *ctx, vemt_gpkg *g,
                                const vemt_output *out) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < sizeof styles_ddl / sizeof *styles_ddl && !st; i++)
        st = vemt_gpkg_exec(ctx, g, styles_ddl[i], NULL, NULL);
    for (size_t i = 0; i < vemt_styles_count() && !st; i++) {
        const vemt_style *s = vemt_styles_get(i);
        size_t k = layer_index(s->layer);
        if (k < vemt_layers_count() &&
            vemt_layer_is_written(vemt_layers_get(k), out))
            st = write_style(ctx, g, s);
    }
    return st;
}

/* Layer i's table, filled and indexed; listed in the file at its place
 * among vemt_layers_get()'s (i + 1), whenever it is written. */
static vemt_status write_layer(vemt_ctx *ctx, vemt_gpkg *g, size_t i,
                               const vemt_output *out) {
    const vemt_layer_def *def = vemt_layers_get(i);
    char desc[1024];
    snprintf(desc, sizeof desc, "%s Output tier: %s.", def->description,
             out->provenance ? out->provenance->tier : "restricted");
    vemt_sink s;
    vemt_status st = vemt_sink_init(ctx, &s, def, out);
    if (st) return st;
    st = vemt_gpkg_table_begin(ctx, g, def->name, desc, (int)i + 1, &s);
    if (!st) st = def->fill(ctx, &s, out);
    return vemt_gpkg_table_end(ctx, &s, st);
}

/* Every layer out has but layer `done` (written already; none when
 * vemt_layers_count()), the styles and the metadata. */
static vemt_status write_layers(vemt_ctx *ctx, vemt_gpkg *g,
                                const vemt_output *out, size_t done) {
    for (size_t i = 0; i < vemt_layers_count(); i++) {
        if (i == done || !vemt_layer_is_written(vemt_layers_get(i), out))
            continue;
        vemt_ctx_progress(ctx, "write GeoPackage", i, vemt_layers_count());
        vemt_status st = write_layer(ctx, g, i, out);
        if (st) return st;
    }
    vemt_status st = write_styles(ctx, g, out);
    return st ? st : write_metadata(ctx, g, out);
}

/* A new temporary GeoPackage at tmp for out (private when its rules show
 * where events happened). */
static vemt_status create_gpkg(vemt_ctx *ctx, const vemt_output *out,
                               const char *tmp, vemt_gpkg *g) {
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    vemt_remove_with_side_files(tmp);
    return vemt_gpkg_create(ctx, tmp,
                            out->crs ? out->crs : VEMT_ANALYSIS_CRS_DEFAULT,
                            rules.exact_locations, g);
}

/* The events layer written early (vemt_outputs_gpkg_start()): a thread
 * creates the temporary GeoPackage and writes that one layer into it,
 * with a context of its own; vemt_outputs_write_gpkg() joins it and goes
 * on with the same open file and transaction (SQLite's connection passes
 * from thread to thread, used by one at a time). */
struct vemt_gpkg_early {
    pthread_t thread;
    bool running;          /* a thread to join */
    atomic_bool stop;      /* abandoned: the thread stops adding rows */
    bool open;             /* g holds the temporary, not yet taken */
    vemt_ctx *ctx;         /* the thread's */
    vemt_output out;       /* the caller's, its rules copied: */
    vemt_provenance prov;  /* tier, threshold and rounding only */
    vemt_tier_rules rules; /* out.rules, when given */
    size_t done;           /* the layer written (its index) */
    vemt_gpkg g;
    vemt_status st;
    char tmp[4096];
};

static void *early_thread(void *arg) {
    vemt_gpkg_early *e = arg;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, e->ctx, VEMT_E_DEPENDENCY);
    e->st = create_gpkg(e->ctx, &e->out, e->tmp, &e->g);
    e->open = e->g.db != NULL;
    e->g.stop = &e->stop;
    if (!e->st) e->st = write_layer(e->ctx, &e->g, e->done, &e->out);
    vemt_gdal_errors_pop();
    return NULL;
}

vemt_status vemt_outputs_gpkg_start(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out,
                                    vemt_gpkg_early **early) {
    *early = NULL;
    size_t events = layer_index("events");
    if (events == vemt_layers_count() ||
        !vemt_layer_is_written(vemt_layers_get(events), out))
        return VEMT_OK;
    vemt_gpkg_early *e = vemt_calloc(1, sizeof *e);
    if (!e) return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    atomic_init(&e->stop, false);
    vemt_status st = vemt_tmp_path(ctx, path, ".gpkg", e->tmp, sizeof e->tmp);
    if (st) {
        vemt_free(e);
        return st;
    }
    if (vemt_ctx_create(1, &e->ctx)) { /* the layer is written late */
        vemt_free(e);
        return VEMT_OK;
    }
    e->out = *out;
    e->out.early = NULL;
    if (out->provenance)
        e->prov =
            (vemt_provenance){.tier = out->provenance->tier,
                              .suppress_below = out->provenance->suppress_below,
                              .round_to = out->provenance->round_to};
    e->out.provenance = out->provenance ? &e->prov : NULL;
    if (out->rules) e->rules = *out->rules, e->out.rules = &e->rules;
    e->done = events;
    e->running = pthread_create(&e->thread, NULL, early_thread, e) == 0;
    if (!e->running) { /* no thread: the layer is written with the rest */
        vemt_ctx_destroy(e->ctx);
        vemt_free(e);
        return VEMT_OK;
    }
    *early = e;
    return VEMT_OK;
}

/* Wait for the thread; its failure copied to ctx (when not NULL). */
static vemt_status early_join(vemt_gpkg_early *e, vemt_ctx *ctx) {
    if (e->running) pthread_join(e->thread, NULL);
    e->running = false;
    const vemt_error *err = vemt_ctx_error(e->ctx);
    if (e->st && ctx)
        vemt_ctx_fail(ctx, e->st, "%s",
                      err->code == e->st ? err->msg : vemt_status_str(e->st));
    return e->st;
}

void vemt_outputs_gpkg_early_destroy(vemt_gpkg_early *e) {
    if (!e) return;
    atomic_store(&e->stop, true); /* an abandoned run waits for no rows */
    early_join(e, NULL);
    if (e->open) { /* never taken: the run ended before its GeoPackage */
        int err_no;
        vemt_gpkg_close(e->ctx, &e->g, VEMT_E_IO, &err_no);
        vemt_remove_with_side_files(e->tmp);
    }
    vemt_ctx_destroy(e->ctx);
    vemt_free(e);
}

/* The open temporary: the early one's, taken from it, or a new one. */
static vemt_status open_gpkg(vemt_ctx *ctx, const vemt_output *out,
                             const char *tmp, vemt_gpkg *g, size_t *done) {
    vemt_gpkg_early *e = out->early;
    *done = vemt_layers_count(); /* none */
    if (!e || strcmp(e->tmp, tmp)) return create_gpkg(ctx, out, tmp, g);
    vemt_status st = early_join(e, ctx);
    *g = e->g;
    g->stop = NULL;
    e->open = false;
    *done = e->done;
    return st;
}

vemt_status vemt_outputs_write_gpkg(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out) {
    char tmp[4096];
    vemt_status st = vemt_tmp_path(ctx, path, ".gpkg", tmp, sizeof tmp);
    if (st) return st;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    errno = 0;
    vemt_gpkg g;
    size_t done;
    st = open_gpkg(ctx, out, tmp, &g, &done);
    if (!st) st = write_layers(ctx, &g, out, done);
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
