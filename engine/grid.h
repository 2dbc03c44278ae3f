/** @file grid.h
 * @brief Grid internals shared inside engine/ (private header): the grid
 * struct, read by grid.c (squares) and hexgrid.c (hexagons).
 */
#ifndef VEMT_ENGINE_GRID_H
#define VEMT_ENGINE_GRID_H

#include <stdint.h>

#include "engine/engine.h"

/* A grid larger than this is a mistake (a 1 m cell over a county). */
#define VEMT_GRID_MAX_CELLS 50000000L

struct vemt_grid {
    vemt_cell_shape shape;
    double cell;    /* square side, or hexagon height (flat to flat), metres */
    double x0, y0;  /* square: south-west corner of cell (0, 0);
                       hex: centre of cell (0, 0) of the rectangle */
    int ncol, nrow; /* full rectangle of columns and rows */
    long col0;      /* hex: absolute lattice column of rectangle column 0 */
    long row0;      /* hex: absolute lattice row of rectangle row 0 */
    size_t n;       /* cells kept after the mask */
    int32_t *slot;  /* full index -> kept index, or -1 when masked out */
    size_t *full;   /* kept index -> full index (row * ncol + col) */
    vemt_areas *areas; /* VEMT_CELL_AREA: the polygon units, owned */
};

/** Hexagon grid: centre, ring, bounds and id of kept cell i, and the cell
 * holding (x, y). See hexgrid.c for the lattice and the rule for points on
 * edges. */
void vemt_hexgrid_centre(const vemt_grid *g, size_t i, double *x, double *y);
size_t vemt_hexgrid_ring(const vemt_grid *g, size_t i, double *xy);
vemt_bbox vemt_hexgrid_bbox(const vemt_grid *g, size_t i);
void vemt_hexgrid_id(const vemt_grid *g, size_t i, char *buf, size_t size);
bool vemt_hexgrid_locate(const vemt_grid *g, double x, double y, size_t *i);

/** Polygon-unit grid (areagrid.c): as above for shape VEMT_CELL_AREA. */
void vemt_areagrid_centre(const vemt_grid *g, size_t i, double *x, double *y);
vemt_bbox vemt_areagrid_bbox(const vemt_grid *g, size_t i);

/** Allocate the slot and full arrays for a ncol x nrow rectangle; returns
 * VEMT_E_NOMEM. */
vemt_status vemt_grid_alloc_cells(vemt_grid *g);

#endif /* VEMT_ENGINE_GRID_H */
