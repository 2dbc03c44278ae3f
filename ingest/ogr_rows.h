/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ogr_rows.h
 * @brief Rows of a spreadsheet or GIS layer read through OGR, as text
 * records like the CSV tokenizer's (private to ingest/).
 */
#ifndef VEMT_INGEST_OGR_ROWS_H
#define VEMT_INGEST_OGR_ROWS_H

#include "ingest/csv.h"
#include "ingest/row.h"

typedef struct vemt_ogr_rows vemt_ogr_rows;

/** Open the first layer of a file GDAL reads as vector data (XLSX, ODS,
 * GeoPackage, Shapefile, GeoJSON, ...). The geometry of a layer with a
 * CRS becomes two extra columns, "x"/"y" (projected) or
 * "longitude"/"latitude" (geographic), from point geometries.
 * Returns VEMT_E_IO when GDAL can't open it. Caller owns *out; free with
 * vemt_ogr_rows_destroy(). */
vemt_status vemt_ogr_rows_open(vemt_ctx *ctx, const char *path,
                               vemt_ogr_rows **out);

/** Free the reader; NULL is a no-op. */
void vemt_ogr_rows_destroy(vemt_ogr_rows *r);

/** The header record (field names). Borrowed; valid while r lives. */
const vemt_csv_record *vemt_ogr_rows_header(vemt_ogr_rows *r);

/** GDAL's short driver name ("XLSX", "GPKG"). Borrowed. */
const char *vemt_ogr_rows_format(const vemt_ogr_rows *r);

/** True for spreadsheets (XLSX, ODS, XLS): numbers in date columns are
 * serial dates there. */
bool vemt_ogr_rows_is_spreadsheet(const vemt_ogr_rows *r);

/** The geometry's CRS as "AUTH:CODE" or WKT into buf, "" without one. */
void vemt_ogr_rows_crs(const vemt_ogr_rows *r, char *buf, size_t size);

/** Tell the reader whether the rows' location is the geometry (map uses
 * its x/y columns) and whether a line, polygon or multipoint geometry
 * gives its centroid (--centroids). Otherwise such a row is marked bad
 * (VEMT_E_COORD, "geometry is a LineString, not a point") and so
 * rejected. A MultiPoint of one point is that point. */
void vemt_ogr_rows_use_geometry(vemt_ogr_rows *r, const vemt_colmap *map,
                                bool centroids);

/** True when the layer has neither attribute fields nor features (an
 * empty GeoJSON FeatureCollection): the file is empty. */
bool vemt_ogr_rows_is_empty(const vemt_ogr_rows *r);

/** Rows located at the centroid of their geometry so far. */
long vemt_ogr_rows_centroids(const vemt_ogr_rows *r);

/** Next row as text fields; rec->eof at the end. Row numbers count the
 * header as row 1, as a spreadsheet does. Returns VEMT_E_NOMEM only. */
vemt_status vemt_ogr_rows_next(vemt_ogr_rows *r, vemt_csv_record *rec);

#endif /* VEMT_INGEST_OGR_ROWS_H */
