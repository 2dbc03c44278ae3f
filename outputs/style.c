/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file style.c
 * @brief The default styles of vemt's layers, from one table, written as
 * QGIS QML (renderer-v2, labeling, temporal) and OGC SLD 1.1.
 */
#include "outputs/style.h"

#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/strbuf.h"

/* Gi_Bin classes (-3..3) in Esri's Hot Spot Analysis colours and wording. */
static const vemt_style_class bin_classes[] = {
    {"-3", 0, 0, "Cold spot, 99 % confidence", "69,117,181"},
    {"-2", 0, 0, "Cold spot, 95 % confidence", "132,158,186"},
    {"-1", 0, 0, "Cold spot, 90 % confidence", "192,204,190"},
    {"0", 0, 0, "Not significant", "247,247,242"},
    {"1", 0, 0, "Hot spot, 90 % confidence", "250,185,132"},
    {"2", 0, 0, "Hot spot, 95 % confidence", "237,117,81"},
    {"3", 0, 0, "Hot spot, 99 % confidence", "214,47,39"},
};

/* Emerging hot spot patterns: hot in reds and oranges, cold in blues. */
static const vemt_style_class pattern_classes[] = {
    {"New Hot Spot", 0, 0, "New Hot Spot", "255,190,190"},
    {"Consecutive Hot Spot", 0, 0, "Consecutive Hot Spot", "255,127,127"},
    {"Intensifying Hot Spot", 0, 0, "Intensifying Hot Spot", "168,0,0"},
    {"Persistent Hot Spot", 0, 0, "Persistent Hot Spot", "230,0,0"},
    {"Diminishing Hot Spot", 0, 0, "Diminishing Hot Spot", "255,170,0"},
    {"Sporadic Hot Spot", 0, 0, "Sporadic Hot Spot", "255,211,127"},
    {"Oscillating Hot Spot", 0, 0, "Oscillating Hot Spot", "205,102,153"},
    {"Historical Hot Spot", 0, 0, "Historical Hot Spot", "137,90,68"},
    {"New Cold Spot", 0, 0, "New Cold Spot", "190,210,255"},
    {"Consecutive Cold Spot", 0, 0, "Consecutive Cold Spot", "127,170,255"},
    {"Intensifying Cold Spot", 0, 0, "Intensifying Cold Spot", "0,38,115"},
    {"Persistent Cold Spot", 0, 0, "Persistent Cold Spot", "0,92,230"},
    {"Diminishing Cold Spot", 0, 0, "Diminishing Cold Spot", "0,168,132"},
    {"Sporadic Cold Spot", 0, 0, "Sporadic Cold Spot", "163,255,115"},
    {"Oscillating Cold Spot", 0, 0, "Oscillating Cold Spot", "115,178,255"},
    {"Historical Cold Spot", 0, 0, "Historical Cold Spot", "104,104,104"},
    {"No Pattern Detected", 0, 0, "No Pattern Detected", "245,245,245"},
};

static const vemt_style_class kind_classes[] = {
    {"incident", 0, 0, "Incident", "215,48,39"},
    {"missing_from", 0, 0, "Went missing from", "69,117,180"},
    {"found_at", 0, 0, "Found at", "26,152,80"},
};

static const vemt_style_class looked_after_classes[] = {
    {"yes", 0, 0, "Looked-after child", "118,42,131"},
    {"no", 0, 0, "Not looked after", "27,120,55"},
    {"unknown", 0, 0, "Not known", "150,150,150"},
};

static const vemt_style_class children_classes[] = {
    {NULL, 0, 4.5, "3-4 children", "253,174,97"},
    {NULL, 4.5, 9.5, "5-9 children", "244,109,67"},
    {NULL, 9.5, 100000, "10 or more children", "165,0,38"},
};

/* Local co-location quotients around 1 (the overall mix), RdBu. */
static const vemt_style_class lclq_classes[] = {
    {NULL, -1, 0.5, "Under half the overall mix", "67,147,195"},
    {NULL, 0.5, 1, "Less than the overall mix", "146,197,222"},
    {NULL, 1, 2, "More than the overall mix", "244,165,130"},
    {NULL, 2, 1e9, "Over twice the overall mix", "202,0,32"},
};

/* Clustering methods, in the Okabe-Ito colours (distinct for colour-blind
 * readers): outlines, so overlapping methods' clusters stay visible. */
static const vemt_style_class method_classes[] = {
    {"dbscan", 0, 0, "DBSCAN", "0,114,178"},
    {"st-dbscan", 0, 0, "ST-DBSCAN", "230,159,0"},
    {"hdbscan", 0, 0, "HDBSCAN", "204,121,167"},
};

/* Space-time scan clusters by p band: significant ones in strong colours,
 * the rest a grey outline. */
static const vemt_style_class scan_classes[] = {
    {"p < 0.01", 0, 0, "Cluster, p < 0.01", "202,0,32"},
    {"p < 0.05", 0, 0, "Cluster, p < 0.05", "244,109,67"},
    {"p >= 0.05", 0, 0, "Not significant", "150,150,150"},
};

/* Forecast ranks: the top of the next step's map, darker first; units
 * ranked lower are not drawn. */
static const vemt_style_class forecast_classes[] = {
    {NULL, 0, 5, "Top 5 units", "165,0,38"},
    {NULL, 5, 20, "Ranks 6-20", "244,109,67"},
    {NULL, 20, 50, "Ranks 21-50", "254,224,144"},
};

static const vemt_style_class outline_class[] = {
    {NULL, 0, 0, "Study area", "40,40,40"},
};

#define CLASSES(a) a, sizeof a / sizeof a[0]

static const vemt_style styles[] = {
    {"study_area", "Polygon", VEMT_RENDER_OUTLINE, NULL, false, false,
     CLASSES(outline_class), NULL, NULL, NULL,
     "Study area outline (vemt default)", NULL, false, NULL},
    {"hotspot_cells", "Polygon", VEMT_RENDER_CATEGORISED, "gi_bin", true, false,
     CLASSES(bin_classes), NULL, NULL, NULL,
     "Getis-Ord Gi* hot and cold spots by confidence (vemt default)", "0",
     false, NULL},
    {"emerging_hotspots", "Polygon", VEMT_RENDER_CATEGORISED, "pattern", false,
     false, CLASSES(pattern_classes), NULL, NULL, NULL,
     "Emerging hot spot patterns, Esri's categories (vemt default)",
     "No Pattern Detected", false, NULL},
    {"hotspot_cube", "Polygon", VEMT_RENDER_CATEGORISED, "gi_bin", true, false,
     CLASSES(bin_classes), NULL, "step_start_utc", "step_end_utc",
     "Space-time hot spots by time step, time-enabled (vemt default)", "0",
     true, NULL},
    {"missing_journeys", "LineString", VEMT_RENDER_CATEGORISED, "looked_after",
     false, false, CLASSES(looked_after_classes), NULL, "start_utc", "end_utc",
     "Missing-episode journeys by looked-after status (vemt "
     "default)",
     NULL, false, NULL},
    {"locations_of_concern", "Point", VEMT_RENDER_GRADUATED, "n_children", true,
     false, CLASSES(children_classes), NULL, NULL, NULL,
     "Locations of concern by number of children (vemt default)", NULL, false,
     NULL},
    {"found_hotspots", "Polygon", VEMT_RENDER_CATEGORISED, "gi_bin", true,
     false, CLASSES(bin_classes), NULL, NULL, NULL,
     "Where missing children are found: Gi* hot and cold spots by "
     "confidence (vemt default)",
     "0", false, NULL},
    {"colocation", "Point", VEMT_RENDER_GRADUATED, "lclq", true, false,
     CLASSES(lclq_classes), NULL, NULL, NULL,
     "Local co-location quotients against the overall mix (vemt default)", NULL,
     false, NULL},
    {"clusters", "Polygon", VEMT_RENDER_CATEGORISED, "method", false, true,
     CLASSES(method_classes), "n_events", NULL, NULL,
     "Cluster outlines by method, labelled with their events (vemt "
     "default)",
     NULL, false, "format_number(\"n_events\", 0) || ' events'"},
    {"scan_clusters", "Polygon", VEMT_RENDER_CATEGORISED, "p_band", false, true,
     CLASSES(scan_classes), "rank", NULL, NULL,
     "Space-time scan clusters by p band, the significant ones labelled "
     "with their rank and window (vemt default)",
     NULL, false,
     "CASE WHEN \"p_band\" <> 'p >= 0.05' THEN '#' || \"rank\" || ' ' || "
     "\"first_step\" || ' to ' || \"last_step\" END"},
    {"forecast", "Polygon", VEMT_RENDER_GRADUATED, "recency_rank", true, false,
     CLASSES(forecast_classes), NULL, NULL, NULL,
     "Forecast of the next step: the top units by recency rank (vemt "
     "default)",
     NULL, false, NULL},
    {"events", "Point", VEMT_RENDER_CATEGORISED, "kind", false, false,
     CLASSES(kind_classes), NULL, "start_utc", "end_utc",
     "Events by kind, time-enabled (vemt default)", NULL, false, NULL},
};

size_t vemt_styles_count(void) { return sizeof styles / sizeof styles[0]; }

const vemt_style *vemt_styles_get(size_t i) { return &styles[i]; }

const vemt_style *vemt_style_for(const char *layer) {
    for (size_t i = 0; i < vemt_styles_count(); i++)
        if (!strcmp(styles[i].layer, layer)) return &styles[i];
    return NULL;
}

static bool is_point(const vemt_style *s) {
    return !strcmp(s->geometry, "Point");
}

static bool is_line(const vemt_style *s) {
    return !strcmp(s->geometry, "LineString");
}

/* How a polygon class is drawn. */
typedef enum fill_kind {
    FILL_SOLID = 0, /* filled in its colour, grey outline */
    FILL_PLAIN,     /* no fill, a faint grey outline */
    FILL_HIDDEN     /* nothing: transparent */
} fill_kind;

static fill_kind class_fill(const vemt_style *s, const vemt_style_class *c) {
    if (!s->plain || !c->value || strcmp(c->value, s->plain)) return FILL_SOLID;
    return s->plain_hidden ? FILL_HIDDEN : FILL_PLAIN;
}

/* One QGIS symbol: a circle marker, a line, or a polygon (filled, or
 * an outline). */
static void qml_symbol(vemt_strbuf *b, const vemt_style *s, size_t i,
                       const char *rgb, fill_kind fill) {
    if (is_point(s)) {
        vemt_sb_printf(b,
                       "<symbol type=\"marker\" name=\"%zu\" alpha=\"1\" "
                       "clip_to_extent=\"1\" force_rhr=\"0\">"
                       "<layer class=\"SimpleMarker\" enabled=\"1\" "
                       "locked=\"0\" pass=\"0\">"
                       "<prop k=\"name\" v=\"circle\"/>"
                       "<prop k=\"color\" v=\"%s,255\"/>"
                       "<prop k=\"outline_color\" v=\"255,255,255,255\"/>"
                       "<prop k=\"outline_width\" v=\"0.2\"/>"
                       "<prop k=\"size\" v=\"2\"/>"
                       "<prop k=\"size_unit\" v=\"MM\"/>"
                       "</layer></symbol>",
                       i, rgb);
        return;
    }
    if (is_line(s)) {
        vemt_sb_printf(b,
                       "<symbol type=\"line\" name=\"%zu\" alpha=\"0.8\" "
                       "clip_to_extent=\"1\" force_rhr=\"0\">"
                       "<layer class=\"SimpleLine\" enabled=\"1\" "
                       "locked=\"0\" pass=\"0\">"
                       "<prop k=\"line_color\" v=\"%s,255\"/>"
                       "<prop k=\"line_width\" v=\"0.5\"/>"
                       "<prop k=\"line_width_unit\" v=\"MM\"/>"
                       "</layer></symbol>",
                       i, rgb);
        return;
    }
    /* Outlines in the class colour with nothing inside (study area,
     * clusters), so whatever lies beneath stays visible; plain classes
     * without fill, their outline faint or none. */
    bool outline = s->renderer == VEMT_RENDER_OUTLINE || s->outlined;
    vemt_sb_printf(b,
                   "<symbol type=\"fill\" name=\"%zu\" alpha=\"%s\" "
                   "clip_to_extent=\"1\" force_rhr=\"0\">"
                   "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" "
                   "pass=\"0\">"
                   "<prop k=\"color\" v=\"%s,255\"/>"
                   "<prop k=\"outline_color\" v=\"%s,255\"/>"
                   "<prop k=\"outline_style\" v=\"%s\"/>"
                   "<prop k=\"outline_width\" v=\"%s\"/>"
                   "<prop k=\"outline_width_unit\" v=\"MM\"/>"
                   "<prop k=\"style\" v=\"%s\"/>"
                   "</layer></symbol>",
                   i,
                   outline              ? "1"
                   : fill == FILL_PLAIN ? "0.5"
                                        : "0.8",
                   rgb, outline ? rgb : "150,150,150",
                   fill == FILL_HIDDEN ? "no" : "solid",
                   outline ? "0.7" : "0.1",
                   outline || fill != FILL_SOLID ? "no" : "solid");
}

static void qml_single(vemt_strbuf *b, const vemt_style *s) {
    vemt_sb_printf(b,
                   "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" "
                   "enableorderby=\"0\" forceraster=\"0\"><symbols>");
    qml_symbol(b, s, 0, s->classes[0].rgb, FILL_SOLID);
    vemt_sb_printf(b, "</symbols></renderer-v2>");
}

/* The symbol of values withheld by the tier's disclosure rules (written
 * null): grey hatching, so a reader sees the unit is there and why it
 * shows no class. */
static void qml_withheld_symbol(vemt_strbuf *b, size_t i) {
    vemt_sb_printf(b,
                   "<symbol type=\"fill\" name=\"%zu\" alpha=\"0.6\" "
                   "clip_to_extent=\"1\" force_rhr=\"0\">"
                   "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" "
                   "pass=\"0\"><prop k=\"color\" v=\"150,150,150,255\"/>"
                   "<prop k=\"outline_color\" v=\"150,150,150,255\"/>"
                   "<prop k=\"outline_style\" v=\"solid\"/>"
                   "<prop k=\"outline_width\" v=\"0.1\"/>"
                   "<prop k=\"outline_width_unit\" v=\"MM\"/>"
                   "<prop k=\"style\" v=\"b_diagonal\"/>"
                   "</layer></symbol>",
                   i);
}

static void qml_renderer(vemt_strbuf *b, const vemt_style *s,
                         const bool *present, bool withheld) {
    if (s->renderer == VEMT_RENDER_OUTLINE) {
        qml_single(b, s);
        return;
    }
    bool cat = s->renderer == VEMT_RENDER_CATEGORISED;
    vemt_sb_printf(b, "<renderer-v2 type=\"%s\" attr=\"",
                   cat ? "categorizedSymbol" : "graduatedSymbol");
    vemt_sb_xml(b, s->field);
    vemt_sb_printf(b,
                   "\" symbollevels=\"0\" enableorderby=\"0\" "
                   "forceraster=\"0\"%s>",
                   cat ? "" : " graduatedMethod=\"GraduatedColor\"");
    vemt_sb_printf(b, cat ? "<categories>" : "<ranges>");
    for (size_t i = 0; i < s->n_classes; i++) {
        const vemt_style_class *c = &s->classes[i];
        if (present && !present[i]) continue;
        if (cat) {
            /* values escaped: a p band's "p < 0.01" */
            vemt_sb_printf(
                b, "<category render=\"true\" symbol=\"%zu\" value=\"", i);
            vemt_sb_xml(b, c->value);
            vemt_sb_printf(b, "\" type=\"%s\" label=\"",
                           s->numeric ? "integer" : "string");
        } else
            vemt_sb_printf(b,
                           "<range render=\"true\" symbol=\"%zu\" "
                           "lower=\"%.4f\" upper=\"%.4f\" label=\"",
                           i, c->lo, c->hi);
        vemt_sb_xml(b, c->label);
        vemt_sb_printf(b, "\"/>");
    }
    /* QGIS's "all other values" category (an empty value) draws the
     * nulls. */
    withheld = withheld && cat;
    if (withheld)
        vemt_sb_printf(b,
                       "<category render=\"true\" symbol=\"%zu\" value=\"\" "
                       "label=\"Withheld (disclosure rules)\"/>",
                       s->n_classes);
    vemt_sb_printf(b, cat ? "</categories><symbols>" : "</ranges><symbols>");
    for (size_t i = 0; i < s->n_classes; i++)
        if (!present || present[i])
            qml_symbol(b, s, i, s->classes[i].rgb,
                       class_fill(s, &s->classes[i]));
    if (withheld) qml_withheld_symbol(b, s->n_classes);
    vemt_sb_printf(b, "</symbols></renderer-v2>");
}

/* The temporal element QGIS 3.22 reads (QgsVectorLayerTemporalProperties:
 * mode 2 = start and end date-times from fields). */
static void qml_temporal(vemt_strbuf *b, const vemt_style *s) {
    if (!s->start_field) return;
    vemt_sb_printf(b,
                   "<temporal enabled=\"1\" mode=\"2\" limitMode=\"0\" "
                   "accumulate=\"0\" fixedDuration=\"0\" durationUnit=\"min\" "
                   "durationField=\"\" startExpression=\"\" endExpression=\"\" "
                   "startField=\"%s\" endField=\"%s\">"
                   "<fixedRange><start></start><end></end></fixedRange>"
                   "</temporal>",
                   s->start_field, s->end_field);
}

/* Labels from a field (or an expression), horizontal over each feature's
 * centroid (inside polygons), with a white halo: the QgsPalLayerSettings
 * that differ from QGIS 3.22's defaults. The layer also needs
 * labelsEnabled="1". */
static void qml_labeling(vemt_strbuf *b, const char *text, bool expression) {
    if (!text) return;
    vemt_sb_printf(b,
                   "<labeling type=\"simple\"><settings calloutType=\"simple\">"
                   "<text-style fieldName=\"");
    vemt_sb_xml(b, text);
    vemt_sb_printf(b,
                   "\" isExpression=\"%d\" "
                   "fontFamily=\"Sans Serif\" namedStyle=\"Bold\" "
                   "fontWeight=\"75\" fontSize=\"9\" fontSizeUnit=\"Point\" "
                   "textColor=\"40,40,40,255\" textOpacity=\"1\">"
                   "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" "
                   "bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" "
                   "bufferOpacity=\"0.8\" bufferNoFill=\"1\"/></text-style>"
                   "<placement placement=\"1\" centroidInside=\"1\" "
                   "centroidWhole=\"0\" fitInPolygonOnly=\"0\" "
                   "priority=\"5\"/>"
                   "<rendering drawLabels=\"1\" obstacle=\"1\" "
                   "displayAll=\"0\" upsidedownLabels=\"0\"/>"
                   "</settings></labeling>",
                   expression);
}

const char *vemt_style_labels_attr(const vemt_style *s) {
    return s->label_field ? " labelsEnabled=\"1\"" : "";
}

const char *vemt_style_use_labels_attr(const vemt_style *s,
                                       const vemt_style_use *use) {
    return use && use->label_field ? " labelsEnabled=\"1\""
                                   : vemt_style_labels_attr(s);
}

char *vemt_style_qml_body(const vemt_style *s, const vemt_style_use *use) {
    vemt_strbuf b = {0};
    qml_temporal(&b, s);
    qml_renderer(&b, s, use ? use->present : NULL, use && use->withheld);
    if (use && use->label_field)
        qml_labeling(&b, use->label_field, false);
    else if (s->label_text)
        qml_labeling(&b, s->label_text, true);
    else
        qml_labeling(&b, s->label_field, false);
    vemt_sb_printf(&b,
                   "<blendMode>0</blendMode><featureBlendMode>0"
                   "</featureBlendMode><layerOpacity>1</layerOpacity>");
    vemt_sb_printf(&b, "<layerGeometryType>%d</layerGeometryType>",
                   is_point(s)  ? 0
                   : is_line(s) ? 1
                                : 2);
    return vemt_sb_take(&b);
}

/* The density surface's classes, light to dark: ColorBrewer's 5-class
 * YlOrRd (Brewer, Hatchard & Harrower 2003, Cartography and Geographic
 * Information Science 30(1), https://doi.org/10.1559/152304003100010929). */
static const char density_ramp[][8] = {"#ffffb2", "#fecc5c", "#fd8d3c",
                                       "#f03b20", "#bd0026"};

const char *vemt_style_density_hex(size_t k) {
    return k < sizeof density_ramp / sizeof density_ramp[0] ? density_ramp[k]
                                                            : NULL;
}

char *vemt_style_density_qml_body(double hi, const char *unit) {
    if (!(hi > 0)) hi = 1; /* an empty surface still gets valid classes */
    size_t n = sizeof density_ramp / sizeof density_ramp[0];
    vemt_strbuf b = {0};
    vemt_sb_printf(
        &b,
        "<pipe><rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" "
        "opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\" "
        "classificationMin=\"0\" classificationMax=\"%.17g\">"
        "<rasterTransparency/><minMaxOrigin><limits>None</limits><extent>"
        "WholeRaster</extent><statAccuracy>Estimated</statAccuracy>"
        "<cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>"
        "0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor>"
        "</minMaxOrigin><rastershader><colorrampshader "
        "colorRampType=\"DISCRETE\" classificationMode=\"2\" clip=\"0\" "
        "labelPrecision=\"1\" minimumValue=\"0\" maximumValue=\"%.17g\">",
        hi, hi);
    /* Discrete: a pixel takes the first class whose value it does not
     * exceed, so 0 (no event within a bandwidth) is transparent; then
     * classes of equal width up to the largest value. */
    vemt_sb_printf(&b,
                   "<item value=\"0\" color=\"%s\" alpha=\"0\" "
                   "label=\"0 ",
                   density_ramp[0]);
    vemt_sb_xml(&b, unit);
    vemt_sb_printf(&b, " (none within a bandwidth)\"/>");
    for (size_t k = 1; k <= n; k++) {
        vemt_sb_printf(&b,
                       "<item value=\"%.17g\" color=\"%s\" alpha=\"255\" "
                       "label=\"%.1f – %.1f ",
                       k == n ? hi : hi * (double)k / (double)n,
                       density_ramp[k - 1], hi * (double)(k - 1) / (double)n,
                       hi * (double)k / (double)n);
        vemt_sb_xml(&b, unit);
        vemt_sb_printf(&b, "\"/>");
    }
    vemt_sb_printf(
        &b,
        "</colorrampshader></rastershader></rasterrenderer>"
        "<brightnesscontrast gamma=\"1\" brightness=\"0\" contrast=\"0\"/>"
        "<huesaturation saturation=\"0\" grayscaleMode=\"0\" "
        "colorizeOn=\"0\" invertColors=\"0\" colorizeRed=\"255\" "
        "colorizeGreen=\"128\" colorizeBlue=\"128\" "
        "colorizeStrength=\"100\"/><rasterresampler maxOversampling=\"2\"/>"
        "<resamplingStage>resamplingFilter</resamplingStage></pipe>"
        "<blendMode>0</blendMode>");
    return vemt_sb_take(&b);
}

char *vemt_style_qml(const vemt_style *s) {
    char *body = vemt_style_qml_body(s, NULL);
    if (!body) return NULL;
    vemt_strbuf b = {0};
    vemt_sb_printf(&b,
                   "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
                   "'SYSTEM'>\n<qgis version=\"3.22.16-Białowieża\" "
                   "styleCategories=\"AllStyleCategories\"%s>%s</qgis>\n",
                   vemt_style_labels_attr(s), body);
    vemt_free(body);
    return vemt_sb_take(&b);
}

/* The symbolizer of an SLD rule in colour #rrggbb. */
static void sld_symbolizer(vemt_strbuf *b, const vemt_style *s,
                           const char *hex) {
    if (is_point(s))
        vemt_sb_printf(b,
                       "<se:PointSymbolizer><se:Graphic><se:Mark>"
                       "<se:WellKnownName>circle</se:WellKnownName><se:Fill>"
                       "<se:SvgParameter name=\"fill\">%s</se:SvgParameter>"
                       "</se:Fill></se:Mark><se:Size>7</se:Size></se:Graphic>"
                       "</se:PointSymbolizer>",
                       hex);
    else if (is_line(s))
        vemt_sb_printf(b,
                       "<se:LineSymbolizer><se:Stroke><se:SvgParameter "
                       "name=\"stroke\">%s</se:SvgParameter></se:Stroke>"
                       "</se:LineSymbolizer>",
                       hex);
    else if (s->outlined)
        vemt_sb_printf(b,
                       "<se:PolygonSymbolizer><se:Stroke><se:SvgParameter "
                       "name=\"stroke\">%s</se:SvgParameter><se:SvgParameter "
                       "name=\"stroke-width\">2</se:SvgParameter></se:Stroke>"
                       "</se:PolygonSymbolizer>",
                       hex);
    else
        vemt_sb_printf(b,
                       "<se:PolygonSymbolizer><se:Fill><se:SvgParameter "
                       "name=\"fill\">%s</se:SvgParameter></se:Fill>"
                       "<se:Stroke><se:SvgParameter name=\"stroke\">#a0a0a0"
                       "</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>",
                       hex);
}

/* One SLD rule: a filter on the class, its symbolizer and the labels. */
static void sld_rule(vemt_strbuf *b, const vemt_style *s,
                     const vemt_style_class *c) {
    vemt_sb_printf(b, "<se:Rule><se:Name>");
    vemt_sb_xml(b, c->label);
    vemt_sb_printf(b, "</se:Name>");
    if (s->renderer == VEMT_RENDER_OUTLINE) {
        vemt_sb_printf(b,
                       "<se:PolygonSymbolizer><se:Stroke><se:SvgParameter "
                       "name=\"stroke\">#282828</se:SvgParameter>"
                       "<se:SvgParameter name=\"stroke-width\">2"
                       "</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>"
                       "</se:Rule>");
        return;
    }
    vemt_sb_printf(b, "<ogc:Filter>");
    if (s->renderer == VEMT_RENDER_CATEGORISED) {
        vemt_sb_printf(b,
                       "<ogc:PropertyIsEqualTo><ogc:PropertyName>%s"
                       "</ogc:PropertyName><ogc:Literal>",
                       s->field);
        vemt_sb_xml(b, c->value);
        vemt_sb_printf(b, "</ogc:Literal></ogc:PropertyIsEqualTo>");
    } else
        vemt_sb_printf(b,
                       "<ogc:And><ogc:PropertyIsGreaterThan><ogc:"
                       "PropertyName>%s</ogc:PropertyName><ogc:Literal>"
                       "%.4f</ogc:Literal></ogc:PropertyIsGreaterThan>"
                       "<ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>"
                       "%s</ogc:PropertyName><ogc:Literal>%.4f</ogc:Literal>"
                       "</ogc:PropertyIsLessThanOrEqualTo></ogc:And>",
                       s->field, c->lo, s->field, c->hi);
    vemt_sb_printf(b, "</ogc:Filter>");
    int r = 0, g = 0, bl = 0;
    char hex[8];
    sscanf(c->rgb, "%d,%d,%d", &r, &g, &bl);
    snprintf(hex, sizeof hex, "#%02x%02x%02x", r & 255, g & 255, bl & 255);
    fill_kind fill = class_fill(s, c);
    if (fill == FILL_SOLID)
        sld_symbolizer(b, s, hex);
    else /* plain: a faint outline, or an invisible one */
        vemt_sb_printf(b,
                       "<se:PolygonSymbolizer><se:Stroke><se:SvgParameter "
                       "name=\"stroke\">#969696</se:SvgParameter>"
                       "<se:SvgParameter name=\"stroke-opacity\">%s"
                       "</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>",
                       fill == FILL_PLAIN ? "0.5" : "0");
    if (s->label_field)
        vemt_sb_printf(b,
                       "<se:TextSymbolizer><se:Label><ogc:PropertyName>%s"
                       "</ogc:PropertyName></se:Label><se:Font>"
                       "<se:SvgParameter name=\"font-size\">12"
                       "</se:SvgParameter></se:Font><se:Halo><se:Radius>2"
                       "</se:Radius></se:Halo><se:Fill><se:SvgParameter "
                       "name=\"fill\">#282828</se:SvgParameter></se:Fill>"
                       "</se:TextSymbolizer>",
                       s->label_field);
    vemt_sb_printf(b, "</se:Rule>");
}

char *vemt_style_sld(const vemt_style *s) {
    vemt_strbuf b = {0};
    vemt_sb_printf(&b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<StyledLayerDescriptor version=\"1.1.0\" "
                   "xmlns=\"http://www.opengis.net/sld\" "
                   "xmlns:ogc=\"http://www.opengis.net/ogc\" "
                   "xmlns:se=\"http://www.opengis.net/se\">"
                   "<NamedLayer><se:Name>%s</se:Name><UserStyle><se:Name>%s"
                   "</se:Name><se:FeatureTypeStyle>",
                   s->layer, s->layer);
    for (size_t i = 0; i < s->n_classes; i++) sld_rule(&b, s, &s->classes[i]);
    vemt_sb_printf(&b,
                   "</se:FeatureTypeStyle></UserStyle></NamedLayer>"
                   "</StyledLayerDescriptor>\n");
    return vemt_sb_take(&b);
}
