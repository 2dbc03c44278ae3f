/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file zz_map_stub.c
 * @brief TEMPORARY stand-in for outputs/pack_map.c (wt-maps) so the pack
 * writer links and can be tested before the maps are merged: a frame, the
 * title and a plausible georeferencing. Deleted before the merge.
 */
#include <string.h>

#include "outputs/draw.h"

const char *vemt_pack_map_name(vemt_pack_map_kind kind) {
    static const char names[][10] = {"hotspots", "emerging", "density",
                                     "concern"};
    return kind < VEMT_MAP_COUNT ? names[kind] : NULL;
}

const char *vemt_palette_name(vemt_palette p) {
    return p == VEMT_PALETTE_COLOURBLIND ? "colourblind" : "esri";
}

vemt_status vemt_draw_map(vemt_ctx *ctx, cairo_t *cr, const vemt_output *out,
                          const vemt_pack *pack, vemt_pack_map_kind kind,
                          vemt_map_frame *frame) {
    (void)ctx;
    (void)out;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, 36, 72, VEMT_PAGE_W - 72, VEMT_PAGE_H - 108);
    cairo_stroke(cr);
    vemt_draw_text(cr, 36, 30, 0, pack->maps[kind].title, 16, true,
                   VEMT_ALIGN_LEFT);
    cairo_restore(cr);
    *frame = (vemt_map_frame){450000.0 + 10.0 * kind, 530000.0, 12.5};
    return cairo_status(cr) ? VEMT_E_DEPENDENCY : VEMT_OK;
}
