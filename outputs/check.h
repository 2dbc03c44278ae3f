/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check.h
 * @brief The disclosure checker's parts (private to outputs/): the
 * problem classes every part reports into, and one function per kind of
 * file. The rules come from the caller (vemt_tier_rules_get for the
 * command), never from the file checked.
 */
#ifndef VEMT_OUTPUTS_CHECK_H
#define VEMT_OUTPUTS_CHECK_H

#include <gdal.h>
#include <ogr_api.h>
#include <stdbool.h>
#include <stddef.h>

#include "outputs/outputs.h"

/** How many examples a problem class keeps. */
#define VEMT_CHECK_EXAMPLES 3

/** One kind of problem ("units smaller than 62500 m2"), how often it was
 * found and its first examples. */
typedef struct vemt_check_class {
    char *what;
    size_t count;
    char *first[VEMT_CHECK_EXAMPLES];
} vemt_check_class;

/** The checker of one path. */
typedef struct vemt_checker {
    vemt_ctx *ctx;
    const vemt_tier_rules *rules;
    const char *path;
    vemt_check_class *classes;
    size_t n_classes, cap;
    size_t problems;
    bool nomem; /* an allocation failed: the result is incomplete */
} vemt_checker;

/** Record one problem of class what (a fixed text, the same for every
 * problem of the class), with an example given by fmt (printf). */
void vemt_check_problem(vemt_checker *c, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** The tier's name, for messages ("public"). */
const char *vemt_check_tier(const vemt_checker *c);

/** Check every row of an OGR layer published as table name: the allow-list
 * entry's geometry (each feature's own), counts and time steps. columns
 * (n) are the table's real columns, exempt[] flags those that are not data
 * (the registered geometry and fid columns). Reports a table not on the
 * allow-list once and returns. */
void vemt_check_table(vemt_checker *c, const char *name, OGRLayerH layer,
                      const char *const *columns, const bool *exempt, size_t n);

/** True when v may be published as a count under rules: 0, or at least
 * the threshold and a multiple of the rounding base (an integer when
 * counts are exact). NaN and negative values are not. */
bool vemt_check_count_ok(const vemt_tier_rules *rules, double v);

/** The rule vemt_check_count_ok() applies, as a problem's heading in buf:
 * "<counts> neither 0 nor at least 10 and a multiple of 5"; with blank, the
 * text that stands for a withheld count where one may ("null"): "<counts>
 * neither null nor 0 or at least ...". Returns buf. */
const char *vemt_check_count_rule(const vemt_tier_rules *rules,
                                  const char *counts, const char *blank,
                                  char *buf, size_t size);

/** True when folder holds a board pack (its manifest, board-pack.json). */
bool vemt_check_is_pack(const char *folder);

/** Check the board pack in folder (outputs/pack.h): the manifest's keys
 * and tier, its tables against the allow-list (pack_units, pack_trends,
 * pack_missing), the CSV files against the manifest, stale files, and at
 * the partner and public tiers every count (tables, series, and counts in
 * its words and the PDF's text), street text, and every number of the PDF
 * against the manifest's. label ("" or "NAME/") prefixes the examples'
 * file names. */
void vemt_check_pack(vemt_checker *c, const char *folder, const char *label);

/** Check a GeoPackage: every table (gpkg_contents and sqlite_master),
 * column and row, the metadata, and the linked-table audit. */
void vemt_check_gpkg(vemt_checker *c, GDALDatasetH ds);

/** Check the gpkg_metadata rows and the tables' descriptions. */
void vemt_check_gpkg_metadata(vemt_checker *c, GDALDatasetH ds);

/** Walk a vemt provenance (JSON text): every key path must be allowed. */
void vemt_check_provenance(vemt_checker *c, const char *where,
                           const char *json);

/** Check one GDAL metadata item (key=value) found at where. */
void vemt_check_metadata_item(vemt_checker *c, const char *where,
                              const char *key, const char *value);

/** The first number in text that looks computed from the data (a
 * decimal, an integer of 5 digits or more, a distance such as "4466 m" or
 * a count such as "n = 63"), its length in *len; NULL when there is none. */
const char *vemt_check_data_number(const char *text, size_t *len);

/** Check a GeoTIFF (the kde raster). */
void vemt_check_geotiff(vemt_checker *c);

/** Check a QGIS project (.qgs or .qgz). */
void vemt_check_project(vemt_checker *c);

/** Check a Markdown report: no coordinates, no pseudonyms. */
void vemt_check_markdown(vemt_checker *c);

/** Check a folder of GeoJSON layers (and anything else in it). */
void vemt_check_folder(vemt_checker *c);

/** Check one GeoJSON file as the layer its file name names. */
void vemt_check_geojson(vemt_checker *c, const char *file, const char *layer);

/** The linked-table audit: hotspot_cube's withheld counts against its
 * margins (units: hotspot_cells' n_events, else emerging_hotspots'; steps:
 * trends' study area, all), and trends' categories against the 'all'
 * series. Any layer may be NULL. */
void vemt_check_audit(vemt_checker *c, OGRLayerH cube, OGRLayerH cells,
                      OGRLayerH emerging, OGRLayerH trends);

#endif /* VEMT_OUTPUTS_CHECK_H */
