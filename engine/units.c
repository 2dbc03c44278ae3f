/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file units.c
 * @brief Polygon units (shape VEMT_UNIT_POLYGON), so counts, weights, Gi*,
 * the cube and the outputs treat wards or beats as they treat squares and
 * hexagons; and every unit's name, area and outline as WKB, whatever its
 * shape.
 */
#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/grid.h"
#include "engine/polygons.h"

vemt_status vemt_units_create_polygons(vemt_ctx *ctx, vemt_polygons **polys,
                                       vemt_units **out) {
    (void)ctx;
    *out = NULL;
    vemt_units *g = vemt_calloc(1, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    g->shape = VEMT_UNIT_POLYGON;
    g->n = vemt_polygons_count(*polys);
    g->polys = *polys;
    *polys = NULL;
    *out = g;
    return VEMT_OK;
}

const vemt_polygons *vemt_units_polygons(const vemt_units *units) {
    return units->shape == VEMT_UNIT_POLYGON ? units->polys : NULL;
}

const char *vemt_units_name(const vemt_units *units, size_t i) {
    return units->shape == VEMT_UNIT_POLYGON
               ? vemt_polygons_name(units->polys, i)
               : "";
}

double vemt_units_m2(const vemt_units *units, size_t i) {
    if (units->shape == VEMT_UNIT_POLYGON)
        return vemt_polygons_m2(units->polys, i);
    double xy[2 * VEMT_UNIT_RING_MAX];
    size_t m = vemt_units_ring(units, i, xy);
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

vemt_status vemt_units_wkb(const vemt_units *units, size_t i,
                           unsigned char **wkb, size_t *size) {
    if (units->shape == VEMT_UNIT_POLYGON)
        return vemt_polygons_wkb(units->polys, i, wkb, size);
    double xy[2 * VEMT_UNIT_RING_MAX];
    size_t m = vemt_units_ring(units, i, xy);
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
