/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file polygons.h
 * @brief Internals of the polygon set shared inside engine/ (private header):
 * the GEOS geometries and the STRtree query used by contiguity.c.
 */
#ifndef VEMT_ENGINE_POLYGONS_H
#define VEMT_ENGINE_POLYGONS_H

#include <geos_c.h>

#include "engine/engine.h"

/** GEOS MakeValid by the "structure" method with collapsed parts (lines,
 * points) dropped: the one repair of every polygon vemt reads (repair.c,
 * study_area.c). g stays the caller's; NULL when GEOS fails. */
GEOSGeometry *vemt_geos_make_valid(GEOSContextHandle_t h,
                                   const GEOSGeometry *g);

/** The GEOS handle the units were built with. Borrowed. */
GEOSContextHandle_t vemt_polygons_geos(const vemt_polygons *polys);

/** Geometry and prepared geometry of unit i. Borrowed; valid until the
 * units are destroyed. */
const GEOSGeometry *vemt_polygons_geom(const vemt_polygons *polys, size_t i);
const GEOSPreparedGeometry *vemt_polygons_prepared(const vemt_polygons *polys,
                                                   size_t i);

/** Centre of unit i into xy[0], xy[1]. */
void vemt_polygons_centre(const vemt_polygons *polys, size_t i,
                          vemt_centre kind, double *xy);

/** Bounding box of unit i. */
vemt_bbox vemt_polygons_bbox(const vemt_polygons *polys, size_t i);

/** Call visit(data, j) for every unit j whose bounding box meets b, in no
 * set order. Returns VEMT_E_DEPENDENCY when GEOS fails to build the query
 * box. */
vemt_status vemt_polygons_query(const vemt_polygons *polys, const vemt_bbox *b,
                                void (*visit)(void *data, size_t j),
                                void *data);

#endif /* VEMT_ENGINE_POLYGONS_H */
