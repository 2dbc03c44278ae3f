/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file study_area.h
 * @brief Study-area internals shared inside engine/ (private header): GEOS
 * helpers used by the study area, the hexagon grid and polygon units.
 */
#ifndef VEMT_ENGINE_STUDY_AREA_H
#define VEMT_ENGINE_STUDY_AREA_H

#include <geos_c.h>

#include "engine/engine.h"

/** True when the closed polygon with the n vertices xy (x, y pairs, first
 * repeated last) and the area share any point. */
bool vemt_study_area_intersects_ring(const vemt_study_area *area,
                                     const double *xy, size_t n);

/** g itself when valid, else its repair by GEOS MakeValid ("structure"
 * method); g is consumed either way. Returns NULL when GEOS fails. Caller
 * owns the result; free with GEOSGeom_destroy_r(). */
GEOSGeometry *vemt_geom_repair(GEOSContextHandle_t h, GEOSGeometry *g);

/** A polygon from the n vertices xy (closed ring), or NULL. Caller owns
 * the result; free with GEOSGeom_destroy_r(). */
GEOSGeometry *vemt_geom_ring_polygon(GEOSContextHandle_t h, const double *xy,
                                     size_t n);

#endif /* VEMT_ENGINE_STUDY_AREA_H */
