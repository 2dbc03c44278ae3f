/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file sink.h
 * @brief Where a layer's features go, one row at a time (private to
 * outputs/): an OGR layer (GeoJSON) or a GeoPackage table written with
 * SQLite directly (outputs/gpkg_table.c). layers.c fills either through
 * the same calls, so each layer's content is described once.
 *
 * A row: vemt_sink_begin(), the fields by their index among the written
 * fields (vemt_sink_index()) and the geometry, then vemt_sink_add(). A
 * field not set is null. Neither backend allocates per row in the steady
 * state: the OGR feature and the SQLite statement are reused.
 */
#ifndef VEMT_OUTPUTS_SINK_H
#define VEMT_OUTPUTS_SINK_H

#include <ogr_api.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/vemt.h"

/** Most fields a layer writes (its described fields and "suppressed"). */
#define VEMT_SINK_MAX_FIELDS 32

typedef struct vemt_gpkg_table vemt_gpkg_table;

/** A field as written: name, OGR type and subtype. */
typedef struct vemt_sink_field {
    const char *name;
    OGRFieldType type;
    OGRFieldSubType subtype;
} vemt_sink_field;

/** A layer being written. */
typedef struct vemt_sink {
    vemt_sink_field fields[VEMT_SINK_MAX_FIELDS];
    size_t n_fields;
    OGRwkbGeometryType geom; /* wkbNone for a table */
    /* OGR: the layer and the feature reused for every row. */
    OGRLayerH layer;
    OGRFeatureH f;
    /* GeoPackage: the table (OGR members unused). */
    vemt_gpkg_table *gpkg;
    bool failed; /* a row could not be encoded (memory) */
} vemt_sink;

/** Index of the written field called name, or -1. */
int vemt_sink_index(const vemt_sink *s, const char *name);

/** Start a row: every field null, no geometry. */
void vemt_sink_begin(vemt_sink *s);
void vemt_sink_null(vemt_sink *s, int ix);
void vemt_sink_int(vemt_sink *s, int ix, int64_t v);
void vemt_sink_real(vemt_sink *s, int ix, double v);
/** Text (NULL: null); copied before the call returns. */
void vemt_sink_text(vemt_sink *s, int ix, const char *v);
/** Text that stays unchanged until the layer is complete (not copied: a
 * million events' strings are not copied twice). */
void vemt_sink_text_kept(vemt_sink *s, int ix, const char *v);
/** A date-time (utc: UTC, written with a Z; else a date with no time). */
void vemt_sink_datetime(vemt_sink *s, int ix, int y, int m, int d, int hh,
                        int mm, int ss, bool utc);
/** The row's geometry: a point, or g (consumed; NULL: none). */
void vemt_sink_point(vemt_sink *s, double x, double y);
void vemt_sink_geometry(vemt_sink *s, OGRGeometryH g);
/** A polygon of one closed ring of n vertices (x, y pairs), counter-
 * clockwise. */
void vemt_sink_ring(vemt_sink *s, const double *xy, size_t n);
/** Write the row. VEMT_E_NOMEM, VEMT_E_IO (SQLite) or VEMT_E_DEPENDENCY
 * (OGR). */
vemt_status vemt_sink_add(vemt_sink *s);

/** Release the reused OGR feature (the GeoPackage table is released by
 * its writer). */
void vemt_sink_release(vemt_sink *s);

#endif /* VEMT_OUTPUTS_SINK_H */
