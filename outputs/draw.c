/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file draw.c
 * @brief Text and colour for the board pack's drawings (pango on cairo).
 */
#include "outputs/draw.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"

PangoLayout *vemt_text_layout(cairo_t *cr, const char *text, double size,
                              bool bold, double w, vemt_align align) {
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, VEMT_FONT);
    pango_font_description_set_weight(
        fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        static const PangoAlignment by[] = {
            PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT};
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_alignment(l, by[align]);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

static PangoLayout *layout_of(cairo_t *cr, const char *text, double size,
                              bool bold) {
    return vemt_text_layout(cr, text, size, bold, 0, VEMT_ALIGN_LEFT);
}

double vemt_draw_text(cairo_t *cr, double x, double y, double w,
                      const char *text, double size, bool bold,
                      vemt_align align) {
    vemt_drawn_note(cr, text);
    PangoLayout *l = vemt_text_layout(cr, text, size, bold, w, align);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    double tw = (double)pw / PANGO_SCALE;
    if (w <= 0 && align == VEMT_ALIGN_CENTRE) x -= tw / 2;
    if (w <= 0 && align == VEMT_ALIGN_RIGHT) x -= tw;
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

void vemt_text_extent(cairo_t *cr, const char *text, double size, bool bold,
                      double *w, double *h) {
    PangoLayout *l = layout_of(cr, text, size, bold);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    g_object_unref(l);
    *w = (double)pw / PANGO_SCALE;
    *h = (double)ph / PANGO_SCALE;
}

void vemt_draw_set_rgb(cairo_t *cr, const char *rgb, double alpha) {
    int r = 0, g = 0, b = 0;
    if (!rgb || sscanf(rgb, "%d,%d,%d", &r, &g, &b) != 3) r = g = b = 0;
    cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, alpha);
}

void vemt_outputs_release_fonts(void) {
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}

static const cairo_user_data_key_t drawn_key;

void vemt_drawn_attach(cairo_surface_t *s, vemt_drawn *d) {
    cairo_surface_set_user_data(s, &drawn_key, d, NULL);
}

void vemt_drawn_note(cairo_t *cr, const char *text) {
    vemt_drawn *d =
        cairo_surface_get_user_data(cairo_get_target(cr), &drawn_key);
    if (!d || !text || !*text || d->nomem) return;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->text[i], text)) return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        char **p = vemt_realloc(d->text, cap * sizeof *p);
        if (!p) {
            d->nomem = true;
            return;
        }
        d->text = p, d->cap = cap;
    }
    if (!(d->text[d->n] = vemt_strdup(text))) {
        d->nomem = true;
        return;
    }
    d->n++;
}

void vemt_drawn_clear(vemt_drawn *d) {
    for (size_t i = 0; i < d->n; i++) vemt_free(d->text[i]);
    vemt_free(d->text);
    *d = (vemt_drawn){0};
}
