/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_map.h
 * @brief Private to outputs/: the parts of a board-pack map. pack_map.c
 * draws the map's layers; pack_legend.c the legend, the labels, the scale
 * bar, the north arrow and the page's text around the map.
 */
#ifndef VEMT_OUTPUTS_PACK_MAP_H
#define VEMT_OUTPUTS_PACK_MAP_H

#include "outputs/draw.h"

/* The page's layout (points, y down): the map's frame, with the legend at
 * its right, the title above and the attribution and marking below. */
#define VEMT_MAP_X0 28.0
#define VEMT_MAP_Y0 76.0
#define VEMT_MAP_X1 (VEMT_PAGE_W - 218.0)
#define VEMT_MAP_Y1 (VEMT_PAGE_H - 56.0)
#define VEMT_LEGEND_X (VEMT_MAP_X1 + 16.0)
#define VEMT_LEGEND_W (VEMT_PAGE_W - 28.0 - VEMT_LEGEND_X)

/** A rectangle of the page, in points. */
typedef struct vemt_box {
    double x0, y0, x1, y1;
} vemt_box;

/** Boxes already taken on the page (labels, scale bar, north arrow). */
typedef struct vemt_boxes {
    vemt_box *b;
    size_t n, cap;
} vemt_boxes;

/** Free the boxes' memory and zero the struct. */
void vemt_boxes_clear(vemt_boxes *bs);

/** How a legend entry's symbol is drawn. */
typedef enum vemt_swatch {
    VEMT_SWATCH_FILL = 0, /* filled in rgb, with a grey outline */
    VEMT_SWATCH_PLAIN,    /* no fill, a faint grey outline */
    VEMT_SWATCH_HATCH,    /* grey hatching: withheld */
    VEMT_SWATCH_OUTLINE,  /* an outline in rgb, width points wide */
    VEMT_SWATCH_DASHED,   /* a dashed outline in rgb */
    VEMT_SWATCH_POINT     /* a circle in rgb of radius width */
} vemt_swatch;

typedef struct vemt_legend_item {
    vemt_swatch swatch;
    char rgb[16];
    double width;
    char label[112];
} vemt_legend_item;

#define VEMT_LEGEND_MAX 40

/** The legend of a map: its entries in order. */
typedef struct vemt_legend {
    vemt_legend_item items[VEMT_LEGEND_MAX];
    size_t n;
} vemt_legend;

/** Append an entry (ignored when the legend is full). */
void vemt_legend_add(vemt_legend *l, vemt_swatch s, const char *rgb,
                     double width, const char *label);

/** The grey hatching of values withheld by the disclosure rules (as the
 * QGIS style's "Withheld (disclosure rules)"): fills the current path with
 * light grey crossed by diagonal lines, and clears the path. */
void vemt_draw_hatch(cairo_t *cr);

/** Draw text with its top-left at (x, y) in rgb on a white halo, so it
 * reads over any fill. */
void vemt_draw_halo_text(cairo_t *cr, double x, double y, const char *text,
                         double size, bool bold, const char *rgb);

/** Place a label centred on (u, v) when its box lies inside within and
 * overlaps no box in taken; then draw it (on a white halo) and take its box.
 * *placed says whether it was. Returns VEMT_E_NOMEM or VEMT_OK. */
vemt_status vemt_label_place(cairo_t *cr, vemt_boxes *taken,
                             const vemt_box *within, double u, double v,
                             const char *text, double size, bool *placed);

/** Reserve the boxes of the scale bar and the north arrow in taken, so
 * labels keep clear of them. Returns VEMT_E_NOMEM or VEMT_OK. */
vemt_status vemt_map_furniture_reserve(vemt_boxes *taken);

/** Draw the scale bar (a round length: 1, 2 or 5 x 10^n m or km) at the
 * bottom left of the map's frame and the north arrow at its top right. */
void vemt_map_furniture(cairo_t *cr, const vemt_map_frame *frame);

/** The page around the map: the frame's border, the marking top and
 * bottom, the title, the period and categories, the legend with the units,
 * tier and palette, and the attribution. */
void vemt_map_page_text(cairo_t *cr, const vemt_pack *pack,
                        vemt_pack_map_kind kind, const vemt_legend *legend);

#endif /* VEMT_OUTPUTS_PACK_MAP_H */
