/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ogr_writer.h
 * @brief The one OGR writer behind both export formats, and the layer
 * descriptions it writes (private to outputs/).
 */
#ifndef VEMT_OUTPUTS_OGR_WRITER_H
#define VEMT_OUTPUTS_OGR_WRITER_H

#include <gdal.h>
#include <ogr_api.h>

#include "gdalutil/gdalutil.h"
#include "outputs/outputs.h"
#include "outputs/sink.h"

/** A field of a layer. */
typedef struct vemt_field_def {
    const char *name;
    OGRFieldType type;
    OGRFieldSubType subtype;
    unsigned flags; /* vemt_field_role bits: how disclosure control treats
                       it (disclosure/disclosure.h) */
} vemt_field_def;

/** Fill a created layer with its features, row by row into s. */
typedef vemt_status (*vemt_layer_fill_fn)(vemt_ctx *ctx, vemt_sink *s,
                                          const vemt_output *out);

/** What a layer needs from the run to be written. */
typedef enum vemt_needs {
    VEMT_NEEDS_NOTHING = 0,
    VEMT_NEEDS_GRID,         /* `vemt run`: the hot-spot grid */
    VEMT_NEEDS_AREA,         /* a study area (--boundary) */
    VEMT_NEEDS_TRENDS,       /* the trend analysis */
    VEMT_NEEDS_SAFEGUARDING, /* the safeguarding analyses */
    VEMT_NEEDS_SCALE,        /* the scale profile */
    VEMT_NEEDS_CLUSTERS,     /* the point clusters */
    VEMT_NEEDS_NEAR_REPEAT,  /* the Knox test */
    VEMT_NEEDS_FOUND,        /* the found-at hot spots */
    VEMT_NEEDS_COLOCATION,   /* the co-location quotients */
    VEMT_NEEDS_MISSING,      /* the missing-episode summary */
    VEMT_NEEDS_FLAGGED,      /* flagged reporting places */
    VEMT_NEEDS_SCAN,         /* the space-time permutation scan */
    VEMT_NEEDS_FORECAST,     /* the forecast of the next step */
    VEMT_NEEDS_BACKTEST      /* the forecasts' backtest scores */
} vemt_needs;

/** A layer: name, what it holds, geometry, fields, how to fill it. */
/** The p band a scan cluster is published with: "p < 0.01", "p < 0.05" or
 * "p >= 0.05". Static. */
static inline const char *vemt_p_band(double p) {
    return p < 0.01 ? "p < 0.01" : p < 0.05 ? "p < 0.05" : "p >= 0.05";
}

typedef struct vemt_layer_def {
    const char *name;
    const char *description; /* for gpkg_contents.description */
    OGRwkbGeometryType geom; /* wkbNone for a table */
    const vemt_field_def *fields;
    size_t n_fields;
    vemt_layer_fill_fn fill;
    vemt_needs needs; /* what the run must have for the layer; the tier's
                         rules decide whether it may be written */
} vemt_layer_def;

/** The disclosure schema (JSON) declared in the GeoPackage's metadata.
 * Caller owns the result; free with vemt_free(). */
char *vemt_outputs_schema_json(const vemt_output *out);

/** The time range an output may publish: the events' earliest start and
 * latest end (vemt_outputs_time_range), widened to the rules' finest_date
 * (vemt_disclosure_time_window: whole months outside the restricted tier),
 * so no event's time is given. False when there are no events. */
bool vemt_outputs_published_time_range(const vemt_output *out, int64_t *start,
                                       int64_t *end);

/** The disclosure rules out is written under: out->rules, or the
 * provenance's tier's rules with its suppress_below and round_to (the
 * restricted tier's without a provenance; the public tier's for a tier
 * name that is none of the three). */
void vemt_output_rules(const vemt_output *out, vemt_tier_rules *rules);

/** A file just created for out (before anything is written into it): made
 * readable by its owner only (0600) when out's rules show where events
 * happened (the restricted tier), so that a caller's umask can't leave a
 * child's location readable by others. SQLite gives a GeoPackage's
 * journal and WAL files the database file's mode. VEMT_E_IO on failure. */
vemt_status vemt_output_protect(vemt_ctx *ctx, const vemt_output *out,
                                const char *path);

/** True when field k of def is written for this output's tier. */
bool vemt_field_published(const vemt_layer_def *def, size_t k,
                          const vemt_output *out);

/** The geometry type written for def (multipolygons for polygon units). */
OGRwkbGeometryType vemt_layer_geom(const vemt_layer_def *def,
                                   const vemt_output *out);

/** True when the layer is written for this output. */
bool vemt_layer_is_written(const vemt_layer_def *def, const vemt_output *out);

/** The fields and geometry def writes for out: the published fields in
 * order, then "suppressed" where the tier withholds counts under a
 * threshold (null and flagged, so a reader can tell "suppressed" from "no
 * data"). Zeroes the rest of s. VEMT_E_ARG when def has more fields than
 * a sink holds (a layer description past VEMT_SINK_MAX_FIELDS). */
vemt_status vemt_sink_init(vemt_ctx *ctx, vemt_sink *s,
                           const vemt_layer_def *def, const vemt_output *out);

/** Number of layers vemt writes, and each of them. Borrowed, static. */
size_t vemt_layers_count(void);
const vemt_layer_def *vemt_layers_get(size_t i);

/** Remove a file and the side files SQLite may leave beside it (-wal,
 * -shm, -journal); missing ones are no error. */
void vemt_remove_with_side_files(const char *path);

/** Temporary path beside final: "<dir>/.<name>.vemt-tmp-<pid><ext>".
 * Returns VEMT_E_ARG when buf is too small. */
vemt_status vemt_tmp_path(vemt_ctx *ctx, const char *final, const char *ext,
                          char *buf, size_t size);

/** Create a dataset with the named GDAL driver at path (ncol x nrow, bands
 * of type; 0, 0, 0, GDT_Unknown for vector), passing options; an existing
 * file is the driver's to replace or (APPEND_SUBDATASET) extend. Returns
 * VEMT_E_DEPENDENCY (no driver) or VEMT_E_IO. Caller owns *ds; close with
 * vemt_gdal_close() or vemt_ogr_finish(). */
vemt_status vemt_gdal_create(vemt_ctx *ctx, const char *driver,
                             const char *path, int ncol, int nrow, int bands,
                             GDALDataType type, char **options,
                             GDALDatasetH *ds);

/** Create a dataset with the named OGR driver at path (removing a stale file
 * first). Caller owns *ds; finish with vemt_ogr_finish(). */
vemt_status vemt_ogr_create(vemt_ctx *ctx, const char *driver, const char *path,
                            GDALDatasetH *ds);

/** The analysis CRS of out (out->crs, or VEMT_ANALYSIS_CRS_DEFAULT) as a
 * spatial reference in GIS axis order (easting first), into *srs. Returns
 * VEMT_E_DEPENDENCY, with GDAL's reason in ctx's error when ctx is not
 * NULL, when GDAL can't read it. Caller owns *srs; free with OSRRelease(). */
vemt_status vemt_output_srs(vemt_ctx *ctx, const vemt_output *out,
                            OGRSpatialReferenceH *srs);

/** Create one layer in ds (in the analysis CRS when it has geometry) with
 * the given creation options, and fill it. */
vemt_status vemt_ogr_write_layer(vemt_ctx *ctx, GDALDatasetH ds,
                                 const vemt_layer_def *def,
                                 const vemt_output *out, char **options);

/** Close ds (NULL: nothing to close) and return st, or VEMT_E_DEPENDENCY
 * when st is VEMT_OK and GDAL reports a failure while closing (flushing). */
vemt_status vemt_gdal_close(GDALDatasetH ds, vemt_status st);

/** A failed write (status st, errno err_no just after it) of the output
 * final through its temporary tmp: VEMT_E_IO "can't write: <strerror>"
 * naming final when the cause is the disk (full, I/O error, quota,
 * read-only), else st with final as the error's source. */
vemt_status vemt_output_write_failed(vemt_ctx *ctx, const char *final,
                                     const char *tmp, int err_no,
                                     vemt_status st);

/** Close ds (NULL: already closed); when st is VEMT_OK and the close
 * succeeds, register tmp (holding kind) for final in out->commit, or
 * without one rename it into place at once; else remove tmp (and any
 * SQLite side files) and return the failure as
 * vemt_output_write_failed() words it (ge: the writer's GDAL error
 * handler, which may have seen the disk fill up; or NULL). */
vemt_status vemt_ogr_finish(vemt_ctx *ctx, const vemt_output *out,
                            GDALDatasetH ds, const char *tmp, const char *final,
                            vemt_commit_kind kind, const vemt_gdal_errors *ge,
                            vemt_status st);

#endif /* VEMT_OUTPUTS_OGR_WRITER_H */
