/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file names.c
 * @brief Names of places for people: the label area holding each unit.
 */
#include "pipeline/names.h"

#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

/* Read the label areas into names->areas. */
static vemt_status read_areas(vemt_ctx *ctx, const vemt_job *a,
                              vemt_names *names) {
    vemt_unit_list ul;
    vemt_status st = vemt_label_areas_read(ctx, a->label_areas, a->analysis_crs,
                                           a->label_field, &ul);
    if (st) return st;
    st = vemt_polygons_create_wkb(ctx, ul.n,
                                  (const unsigned char *const *)ul.wkb,
                                  ul.wkb_size, (const char *const *)ul.ids,
                                  (const char *const *)ul.names, &names->areas);
    vemt_unit_list_clear(&ul);
    return st;
}

/* Each unit's name: of the label area holding its centre (a polygon
 * unit's point on surface, which is always inside it: a ward's centroid
 * may not be), else the polygon unit's own. */
static vemt_status name_units(const vemt_units *units, vemt_names *names) {
    size_t n = vemt_units_count(units);
    const vemt_polygons *own = vemt_units_polygons(units);
    double *xy = vemt_calloc(2 * (n ? n : 1), sizeof *xy);
    names->unit = vemt_calloc(n ? n : 1, sizeof *names->unit);
    if (!xy || !names->unit) {
        vemt_free(xy);
        return VEMT_E_NOMEM;
    }
    names->n = n;
    if (own)
        vemt_polygons_centres(own, VEMT_CENTRE_SURFACE, xy);
    else
        vemt_units_centres(units, xy);
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < n && !st; i++) {
        const char *name = "";
        if (names->areas) {
            const char *at = vemt_names_at(names, xy[2 * i], xy[2 * i + 1]);
            name = at ? at : "";
        } else if (own) {
            name = vemt_polygons_name(own, i);
        }
        if (!(names->unit[i] = vemt_strdup(name))) st = VEMT_E_NOMEM;
    }
    vemt_free(xy);
    return st;
}

vemt_status vemt_names_build(vemt_ctx *ctx, const vemt_job *a,
                             const vemt_units *units, vemt_names *out,
                             vemt_error *err) {
    memset(out, 0, sizeof *out);
    out->unit_areas = units ? vemt_units_polygons(units) : NULL;
    vemt_status st = a->label_areas ? read_areas(ctx, a, out) : VEMT_OK;
    if (!st && units) st = name_units(units, out);
    if (!st) return VEMT_OK;
    *err = *vemt_ctx_error(ctx);
    /* A stage that ran out of memory sets no message. */
    if (err->code != st) vemt_error_set(err, st, "%s", vemt_status_str(st));
    if (!err->source) err->source = a->label_areas;
    vemt_names_free(out);
    return st;
}

const char *vemt_names_at(const vemt_names *names, double x, double y) {
    const vemt_polygons *p = names->areas ? names->areas : names->unit_areas;
    size_t i;
    if (!p || !vemt_polygons_locate(p, x, y, &i)) return NULL;
    const char *name = vemt_polygons_name(p, i);
    return name && name[0] ? name : NULL;
}

void vemt_names_free(vemt_names *names) {
    if (!names) return;
    for (size_t i = 0; i < names->n; i++) vemt_free(names->unit[i]);
    vemt_free(names->unit);
    vemt_polygons_destroy(names->areas);
    memset(names, 0, sizeof *names);
}
