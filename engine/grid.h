/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file grid.h
 * @brief Internals of the analysis units shared inside engine/ (private
 * header): the struct behind vemt_units, read by grid.c (squares and what
 * every shape shares), hexgrid.c (hexagons) and units.c (polygon units).
 */
#ifndef VEMT_ENGINE_GRID_H
#define VEMT_ENGINE_GRID_H

#include <stdint.h>

#include "engine/engine.h"

/* A grid larger than this is a mistake (a 1 m cell over a county). */
#define VEMT_GRID_MAX_CELLS 50000000L

struct vemt_units {
    vemt_unit_shape shape;
    double cell;    /* square side, or hexagon height (flat to flat), metres */
    double x0, y0;  /* square: south-west corner of cell (0, 0);
                       hex: centre of cell (0, 0) of the rectangle */
    int ncol, nrow; /* full rectangle of columns and rows */
    long col0;      /* hex: absolute lattice column of rectangle column 0 */
    long row0;      /* hex: absolute lattice row of rectangle row 0 */
    size_t n;       /* cells kept after the mask */
    int32_t *slot;  /* full index -> kept index, or -1 when masked out */
    size_t *full;   /* kept index -> full index (row * ncol + col) */
    vemt_polygons *polys; /* VEMT_UNIT_POLYGON: the polygon units, owned */
};

/** Hexagon grid: centre, ring, bounds and id of kept cell i, and the cell
 * holding (x, y). See hexgrid.c for the lattice and the rule for points on
 * edges. */
void vemt_hexgrid_centre(const vemt_units *g, size_t i, double *x, double *y);
size_t vemt_hexgrid_ring(const vemt_units *g, size_t i, double *xy);
vemt_bbox vemt_hexgrid_bbox(const vemt_units *g, size_t i);
void vemt_hexgrid_id(const vemt_units *g, size_t i, char *buf, size_t size);
bool vemt_hexgrid_locate(const vemt_units *g, double x, double y, size_t *i);
/** Lattice column and row of the hexagon s m high holding (x, y), on the
 * lattice every hexagon grid of that size shares; false if none. */
bool vemt_hexgrid_lattice_cell(double s, double x, double y, long *c, long *r);

/** Where a point lies among places (units, polygons): false for nowhere. */
typedef bool (*vemt_locate_fn)(const void *where, double x, double y,
                               size_t *i);

/** Count the events vemt_event_counted() keeps for kinds by the place
 * locate gives them among n places: counts (n entries) is overwritten.
 * Returns the number of events counted. */
size_t vemt_count_events_by(const vemt_events *events, unsigned kinds,
                            vemt_locate_fn locate, const void *where,
                            double *counts, size_t n);

/** Allocate the slot and full arrays for a ncol x nrow rectangle; returns
 * VEMT_E_NOMEM. */
vemt_status vemt_units_alloc_lattice(vemt_units *g);

#endif /* VEMT_ENGINE_GRID_H */
