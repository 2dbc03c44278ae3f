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

#include "outputs/rtree.h"
#include "outputs/sink.h"

/** An open GeoPackage being written, all in one transaction. */
typedef struct vemt_gpkg {
    sqlite3 *db;
    int srs_id; /* of every feature table */
} vemt_gpkg;

/** A table being filled (the sink's backend). */
struct vemt_gpkg_table {
    vemt_gpkg *g;
    char name[128];
    sqlite3_stmt *insert; /* geometry at 1, field i at i + 2 */
    bool has_geom;
    unsigned char *blob; /* the row's geometry, reused */
    size_t blob_len, blob_cap;
    char dt[VEMT_SINK_MAX_FIELDS][40]; /* the row's date-times as text */
    double box[4];                     /* the row's minx, maxx, miny, maxy */
    bool row_box;                      /* the row has a non-empty geometry */
    long blob_unit;       /* the unit whose ring the blob holds, or -1 */
    size_t blob_len_kept; /* the blob's length after that row */
    double box_kept[4];   /* and its box */
    vemt_rtree_entry *boxes;
    size_t n_boxes, cap_boxes;
    double extent[4]; /* over all rows (minx, maxx, miny, maxy) */
    int64_t n_rows;
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
 * geometry, and make s write its rows into it. */
vemt_status vemt_gpkg_table_begin(vemt_ctx *ctx, vemt_gpkg *g, const char *name,
                                  const char *description, vemt_sink *s);

/** Finish s's table: its extent and row count recorded, the R-tree packed
 * and loaded, and the GeoPackage's R-tree and feature-count triggers
 * created. Releases the table either way; st is the fill's status (the
 * table is just released when it is not VEMT_OK). */
vemt_status vemt_gpkg_table_end(vemt_ctx *ctx, vemt_sink *s, vemt_status st);

/** Write a row of s's table (the sink's add). */
vemt_status vemt_gpkg_table_add(vemt_gpkg_table *t);

/** Commit (st == VEMT_OK) or roll back, and close. Returns st, or the
 * failure to commit; *err_no gets the system's errno of SQLite's last
 * failure (ENOSPC for SQLite's "disk full", which has none; 0: none), so
 * a full disk can be named. */
vemt_status vemt_gpkg_close(vemt_ctx *ctx, vemt_gpkg *g, vemt_status st,
                            int *err_no);

#endif /* VEMT_OUTPUTS_GPKG_TABLE_H */
