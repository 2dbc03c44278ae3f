/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gpkg_table.h
 * @brief A GeoPackage written with SQLite directly (private to outputs/):
 * the file, its core tables (OGC 12-128r15, GeoPackage 1.2, as GDAL lays
 * them out so GDAL and QGIS read it as their own), and one feature or
 * attribute table at a time, filled through a vemt_sink and indexed by a
 * packed R-tree (outputs/rtree.h) when it is complete.
 */
#ifndef VEMT_OUTPUTS_GPKG_TABLE_H
#define VEMT_OUTPUTS_GPKG_TABLE_H

#include <sqlite3.h>
#include <stdatomic.h>

#include "outputs/rtree.h"
#include "outputs/sink.h"

/** An open GeoPackage being written, all in one transaction. */
typedef struct vemt_gpkg {
    sqlite3 *db;
    int srs_id;              /* of every feature table */
    const atomic_bool *stop; /* NULL, or set by another thread: the rows
                                added after fail with VEMT_E_CANCELLED */
} vemt_gpkg;

/** Rows sent to SQLite together: one INSERT of this many rows costs
 * about 0.9 us a row against 2.0 us for single rows (3.4M cube rows,
 * measured), as SQLite's per-statement work (AUTOINCREMENT's
 * sqlite_sequence row, halting and resetting the statement) is shared. */
#define VEMT_GPKG_BATCH 32

/** A value of a row waiting in the batch: SQLite's type (0: null), and a
 * text or blob either the caller's (kept) or at off in the table's bytes. */
typedef struct vemt_gpkg_value {
    int type;
    bool kept;
    int len;
    union {
        int64_t i;
        double d;
        const char *p;
        size_t off;
    } v;
} vemt_gpkg_value;

/** A table being filled (the sink's backend). */
struct vemt_gpkg_table {
    vemt_gpkg *g;
    char name[128];
    sqlite3_stmt *insert;  /* batch rows: geometry (or fid) then fields */
    sqlite3_stmt *insert1; /* one row, for the last batch's rest */
    bool has_geom;
    int n_cols, batch;     /* values a row; rows a batch */
    int row;               /* rows waiting; the current one is vals[row] */
    vemt_gpkg_value *vals; /* batch x n_cols */
    unsigned char *bytes;  /* the waiting rows' blobs and copied texts */
    size_t used, cap;
    double box[4]; /* the row's minx, maxx, miny, maxy */
    bool row_box;  /* the row has a non-empty geometry */
    vemt_rtree_entry *boxes;
    size_t n_boxes, cap_boxes;
    double extent[4]; /* over all rows (minx, maxx, miny, maxy) */
    int64_t n_rows;   /* rows added, waiting ones included */
    bool misnumbered; /* SQLite gave the rows other fids than 1..n */
};

/** Create the GeoPackage at path (an existing file is replaced) for
 * features in the CRS def ("EPSG:27700", WKT, ...): application id, core
 * tables and the spatial reference rows, in an open transaction. The file
 * is made private (0600) when private_file is set, before anything is
 * written. VEMT_E_IO (with SQLite's reason), VEMT_E_DEPENDENCY (the CRS),
 * VEMT_E_NOMEM. */
vemt_status vemt_gpkg_create(vemt_ctx *ctx, const char *path, const char *def,
                             bool private_file, vemt_gpkg *g);

/** Run one SQL statement with up to two text parameters (NULL: unused
 * ?1/?2 bound null). VEMT_E_IO with SQLite's message. */
vemt_status vemt_gpkg_exec(vemt_ctx *ctx, vemt_gpkg *g, const char *sql,
                           const char *p1, const char *p2);

/** Create table name (description for gpkg_contents) with s's fields and
 * geometry, and make s write its rows into it. place (1, 2, ...: the rowid
 * of its gpkg_contents row, the order GDAL and QGIS list the layers in)
 * keeps the layers in one order whichever is written first; 0: after the
 * others. */
vemt_status vemt_gpkg_table_begin(vemt_ctx *ctx, vemt_gpkg *g, const char *name,
                                  const char *description, int place,
                                  vemt_sink *s);

/** Finish s's table: its extent and row count recorded, the R-tree packed
 * and loaded, and the GeoPackage's R-tree and feature-count triggers
 * created. Releases the table either way; st is the fill's status (the
 * table is just released when it is not VEMT_OK). */
vemt_status vemt_gpkg_table_end(vemt_ctx *ctx, vemt_sink *s, vemt_status st);

/** Add the current row of s's table (the sink's add); rows reach SQLite a
 * batch at a time, the rest when the table ends. */
vemt_status vemt_gpkg_table_add(vemt_gpkg_table *t);

/** Commit (st == VEMT_OK) or roll back, and close. Returns st, or the
 * failure to commit; *err_no gets the system's errno of SQLite's last
 * failure (ENOSPC for SQLite's "disk full", which has none; 0: none), so
 * a full disk can be named. */
vemt_status vemt_gpkg_close(vemt_ctx *ctx, vemt_gpkg *g, vemt_status st,
                            int *err_no);

#endif /* VEMT_OUTPUTS_GPKG_TABLE_H */
