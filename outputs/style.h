/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file style.h
 * @brief Default map styles, described once per layer and rendered as
 * QGIS QML and OGC SLD (private to outputs/).
 */
#ifndef VEMT_OUTPUTS_STYLE_H
#define VEMT_OUTPUTS_STYLE_H

#include <stdbool.h>
#include <stddef.h>

/** One class of a categorised or graduated renderer. */
typedef struct vemt_style_class {
    const char *value; /* categorised: the field's value, as text */
    double lo, hi;     /* graduated: lo < x <= hi */
    const char *label; /* legend text */
    const char *rgb;   /* "r,g,b" */
} vemt_style_class;

typedef enum vemt_renderer {
    VEMT_RENDER_CATEGORISED = 0,
    VEMT_RENDER_GRADUATED,
    VEMT_RENDER_OUTLINE /* one symbol: an unfilled outline */
} vemt_renderer;

/** A layer's default style. */
typedef struct vemt_style {
    const char *layer;
    const char *geometry; /* "Point" or "Polygon" */
    vemt_renderer renderer;
    const char *field; /* classified field */
    bool numeric;      /* categorised on a number */
    bool outlined;     /* polygons: class-coloured outlines, no fill */
    const vemt_style_class *classes;
    size_t n_classes;
    const char *label_field;             /* labels, or NULL */
    const char *start_field, *end_field; /* temporal, or NULL */
    const char *description;             /* style description */
    /* The class whose value is plain: drawn without fill, with a faint
     * grey outline (or none: plain_hidden), so it hides nothing beneath
     * ("Not significant", "No Pattern Detected"); NULL: none. */
    const char *plain;
    bool plain_hidden;
    const char *label_text; /* labels: this expression instead of
                               label_field in QML, or NULL */
} vemt_style;

/** How a project uses a style: which classes its data holds and what it
 * labels. */
typedef struct vemt_style_use {
    const bool *present;     /* per class: in the data (listed in the
                                legend and drawn); NULL: every class */
    const char *label_field; /* labels from this field instead of the
                                style's, or NULL */
    bool withheld;           /* categorised: some values are withheld (written
                                null): drawn hatched grey, "Withheld (disclosure
                                rules)" in the legend */
} vemt_style_use;

/** The style of a layer, or NULL when it has none (tables). Borrowed. */
const vemt_style *vemt_style_for(const char *layer);

/** Number of styled layers, and each of them. */
size_t vemt_styles_count(void);
const vemt_style *vemt_styles_get(size_t i);

/** The style as a QML document. Caller owns the result; free with
 * vemt_free(). NULL when memory runs out. */
char *vemt_style_qml(const vemt_style *s);

/** The style as an OGC SLD 1.1 document (renderer only). Caller owns the
 * result; free with vemt_free(). */
char *vemt_style_sld(const vemt_style *s);

/** The attribute a layer's root element (<qgis> or <maplayer>) carries
 * when the style has labels: " labelsEnabled=\"1\"", else "". Borrowed,
 * static. */
const char *vemt_style_labels_attr(const vemt_style *s);

/** The QML of the density raster's parts for embedding in a project's
 * <maplayer>: a single-band pseudocolor renderer, transparent at 0 and in
 * graduated yellow-orange-red classes of equal width up to hi (the
 * surface's largest value), each labelled with its range and unit (e.g.
 * "events per km²"), and the blend mode. Caller owns the result;
 * free with vemt_free(). NULL when memory runs out. */
char *vemt_style_density_qml_body(double hi, const char *unit);

/** The density surface's colour k (0 lightest) as "#rrggbb", NULL past
 * the last: the classes vemt_style_density_qml_body() writes, class k
 * holding values in (hi * k / n, hi * (k + 1) / n]. Borrowed, static. */
const char *vemt_style_density_hex(size_t k);

/** The QML of a style's parts for embedding in a project's <maplayer>:
 * the renderer (with only the classes use->present marks), labels (from
 * use->label_field when set), temporal element and geometry type, without
 * the <qgis> root. use may be NULL: every class, the style's labels.
 * Caller owns the result; free with vemt_free(). */
char *vemt_style_qml_body(const vemt_style *s, const vemt_style_use *use);

/** The attribute a project's <maplayer> carries for the style as used:
 * " labelsEnabled=\"1\"" when it has labels, else "". Borrowed, static. */
const char *vemt_style_use_labels_attr(const vemt_style *s,
                                       const vemt_style_use *use);

#endif /* VEMT_OUTPUTS_STYLE_H */
