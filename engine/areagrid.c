/** @file areagrid.c
 * @brief Polygon units seen as a grid (shape VEMT_CELL_AREA), so counts,
 * weights, Gi*, the cube and the outputs treat wards or beats as cells;
 * and every cell's outline as WKB, whatever its shape.
 */
#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/areas.h"
#include "engine/grid.h"

vemt_status vemt_grid_create_areas(vemt_ctx *ctx, vemt_areas **areas,
                                   vemt_grid **out) {
    (void)ctx;
    *out = NULL;
    vemt_grid *g = vemt_calloc(1, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    g->shape = VEMT_CELL_AREA;
    g->n = vemt_areas_n(*areas);
    g->areas = *areas;
    *areas = NULL;
    *out = g;
    return VEMT_OK;
}

const vemt_areas *vemt_grid_areas(const vemt_grid *grid) {
    return grid->shape == VEMT_CELL_AREA ? grid->areas : NULL;
}

void vemt_areagrid_centre(const vemt_grid *g, size_t i, double *x, double *y) {
    double xy[2];
    /* Centroids, as spdep's distance weights on sf polygons take them. */
    vemt_areas_centre(g->areas, i, VEMT_CENTRE_CENTROID, xy);
    *x = xy[0];
    *y = xy[1];
}

vemt_bbox vemt_areagrid_bbox(const vemt_grid *g, size_t i) {
    return vemt_areas_unit_bbox(g->areas, i);
}

const char *vemt_grid_cell_name(const vemt_grid *grid, size_t i) {
    return grid->shape == VEMT_CELL_AREA ? vemt_areas_name(grid->areas, i) : "";
}

double vemt_grid_cell_m2(const vemt_grid *grid, size_t i) {
    if (grid->shape == VEMT_CELL_AREA) return vemt_areas_m2(grid->areas, i);
    double xy[2 * VEMT_CELL_RING_MAX];
    size_t m = vemt_grid_cell_ring(grid, i, xy);
    double twice = 0; /* shoelace */
    for (size_t v = 0; v + 1 < m; v++)
        twice += xy[2 * v] * xy[2 * v + 3] - xy[2 * v + 2] * xy[2 * v + 1];
    return twice / 2;
}

static unsigned char *put_u32(unsigned char *p, uint32_t v) {
    for (int b = 0; b < 4; b++) *p++ = (unsigned char)(v >> (8 * b));
    return p;
}

static unsigned char *put_f64(unsigned char *p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    for (int b = 0; b < 8; b++) *p++ = (unsigned char)(u >> (8 * b));
    return p;
}

vemt_status vemt_grid_cell_wkb(const vemt_grid *grid, size_t i,
                               unsigned char **wkb, size_t *size) {
    if (grid->shape == VEMT_CELL_AREA)
        return vemt_areas_wkb(grid->areas, i, wkb, size);
    double xy[2 * VEMT_CELL_RING_MAX];
    size_t m = vemt_grid_cell_ring(grid, i, xy);
    /* ISO WKB Polygon, little-endian: order, type 3, one ring, points. */
    *size = 1 + 4 + 4 + 4 + 16 * m;
    unsigned char *p = *wkb = vemt_malloc(*size);
    if (!p) return VEMT_E_NOMEM;
    *p++ = 1;
    p = put_u32(p, 3);
    p = put_u32(p, 1);
    p = put_u32(p, (uint32_t)m);
    for (size_t k = 0; k < 2 * m; k++) p = put_f64(p, xy[k]);
    return VEMT_OK;
}
