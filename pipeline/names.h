/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file names.h
 * @brief Names of places for people (issue 18): the area that holds a grid
 * cell, a cluster or a patrol window ("cell 460200_524100, Middlesbrough
 * Central"), from --label-areas, or the units' own names with --areas.
 */
#ifndef VEMT_PIPELINE_NAMES_H
#define VEMT_PIPELINE_NAMES_H

#include "engine/engine.h"
#include "pipeline/job.h"

/** The names of a run's places. Owned; free with vemt_names_free(). */
typedef struct vemt_names {
    vemt_polygons *areas; /* --label-areas in the analysis CRS, or NULL */
    char **unit;          /* per unit (n): the name of the label area holding
                             the unit's centre (a polygon unit's point on
                             surface), "" when none; with polygon units
                             (--areas) and no --label-areas the unit's own
                             name */
    size_t n;
    const vemt_polygons *unit_areas; /* the polygon units (--areas), which
                                        name points when there are no label
                                        areas, or NULL. Borrowed from the
                                        units */
} vemt_names;

/** Read a->label_areas (any polygon layer GDAL reads, reprojected to
 * a->analysis_crs, names from a->label_field or the field --area-name
 * would guess) and name each of units' units (units may be NULL: no unit
 * names). Without label areas and polygon units, every name is "". On
 * failure *err holds the reader's error (VEMT_E_IO, VEMT_E_MISSING: no
 * name field, VEMT_E_ARG, VEMT_E_DEPENDENCY, VEMT_E_NOMEM), its source the
 * file, and *out is zeroed. Caller owns *out; free with vemt_names_free().
 * The units must outlive *out. */
vemt_status vemt_names_build(vemt_ctx *ctx, const vemt_job *a,
                             const vemt_units *units, vemt_names *out,
                             vemt_error *err);

/** The name of the label area holding (x, y) (analysis CRS), else of the
 * polygon unit holding it; NULL when none does or its name is empty.
 * Borrowed; valid until vemt_names_free(). */
const char *vemt_names_at(const vemt_names *names, double x, double y);

/** Free the contents and zero the struct; NULL is a no-op. */
void vemt_names_free(vemt_names *names);

#endif /* VEMT_PIPELINE_NAMES_H */
