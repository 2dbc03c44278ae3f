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

static const vemt_style_class outline_class[] = {
    {NULL, 0, 0, "Study area", "40,40,40"},
};

#define CLASSES(a) a, sizeof a / sizeof a[0]

static const vemt_style styles[] = {
    {"study_area", "Polygon", VEMT_RENDER_OUTLINE, NULL, false,
     CLASSES(outline_class), NULL, NULL, NULL,
     "Study area outline (vemt default)"},
    {"hotspot_cells", "Polygon", VEMT_RENDER_CATEGORISED, "gi_bin", true,
     CLASSES(bin_classes), NULL, NULL, NULL,
     "Getis-Ord Gi* hot and cold spots by confidence (vemt default)"},
    {"emerging_hotspots", "Polygon", VEMT_RENDER_CATEGORISED, "pattern", false,
     CLASSES(pattern_classes), NULL, NULL, NULL,
     "Emerging hot spot patterns, Esri's categories (vemt default)"},
    {"hotspot_cube", "Polygon", VEMT_RENDER_CATEGORISED, "gi_bin", true,
     CLASSES(bin_classes), NULL, "step_start_utc", "step_end_utc",
     "Space-time hot spots by time step, time-enabled (vemt default)"},
    {"missing_journeys", "LineString", VEMT_RENDER_CATEGORISED, "looked_after",
     false, CLASSES(looked_after_classes), NULL, "start_utc", "end_utc",
     "Missing-episode journeys by looked-after status (vemt "
     "default)"},
    {"locations_of_concern", "Point", VEMT_RENDER_GRADUATED, "n_children", true,
     CLASSES(children_classes), NULL, NULL, NULL,
     "Locations of concern by number of children (vemt default)"},
    {"events", "Point", VEMT_RENDER_CATEGORISED, "kind", false,
     CLASSES(kind_classes), NULL, "start_utc", "end_utc",
     "Events by kind, time-enabled (vemt default)"},
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

/* One QGIS symbol: a circle marker or a filled polygon. */
static void qml_symbol(vemt_strbuf *b, const vemt_style *s, size_t i,
                       const char *rgb) {
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
    bool outline = s->renderer == VEMT_RENDER_OUTLINE;
    vemt_sb_printf(b,
                   "<symbol type=\"fill\" name=\"%zu\" alpha=\"0.8\" "
                   "clip_to_extent=\"1\" force_rhr=\"0\">"
                   "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" "
                   "pass=\"0\">"
                   "<prop k=\"color\" v=\"%s,255\"/>"
                   "<prop k=\"outline_color\" v=\"%s,255\"/>"
                   "<prop k=\"outline_width\" v=\"%s\"/>"
                   "<prop k=\"outline_width_unit\" v=\"MM\"/>"
                   "<prop k=\"style\" v=\"%s\"/>"
                   "</layer></symbol>",
                   i, rgb, outline ? rgb : "160,160,160",
                   outline ? "0.6" : "0.1", outline ? "no" : "solid");
}

static void qml_single(vemt_strbuf *b, const vemt_style *s) {
    vemt_sb_printf(b,
                   "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" "
                   "enableorderby=\"0\" forceraster=\"0\"><symbols>");
    qml_symbol(b, s, 0, s->classes[0].rgb);
    vemt_sb_printf(b, "</symbols></renderer-v2>");
}

static void qml_renderer(vemt_strbuf *b, const vemt_style *s) {
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
        if (cat)
            vemt_sb_printf(b,
                           "<category render=\"true\" symbol=\"%zu\" "
                           "value=\"%s\" type=\"%s\" label=\"",
                           i, c->value, s->numeric ? "integer" : "string");
        else
            vemt_sb_printf(b,
                           "<range render=\"true\" symbol=\"%zu\" "
                           "lower=\"%.4f\" upper=\"%.4f\" label=\"",
                           i, c->lo, c->hi);
        vemt_sb_xml(b, c->label);
        vemt_sb_printf(b, "\"/>");
    }
    vemt_sb_printf(b, cat ? "</categories><symbols>" : "</ranges><symbols>");
    for (size_t i = 0; i < s->n_classes; i++)
        qml_symbol(b, s, i, s->classes[i].rgb);
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

char *vemt_style_qml_body(const vemt_style *s) {
    vemt_strbuf b = {0};
    qml_temporal(&b, s);
    qml_renderer(&b, s);
    vemt_sb_printf(&b,
                   "<blendMode>0</blendMode><featureBlendMode>0"
                   "</featureBlendMode><layerOpacity>1</layerOpacity>");
    vemt_sb_printf(&b, "<layerGeometryType>%d</layerGeometryType>",
                   is_point(s)  ? 0
                   : is_line(s) ? 1
                                : 2);
    return vemt_sb_take(&b);
}

char *vemt_style_qml(const vemt_style *s) {
    char *body = vemt_style_qml_body(s);
    if (!body) return NULL;
    vemt_strbuf b = {0};
    vemt_sb_printf(&b,
                   "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
                   "'SYSTEM'>\n<qgis version=\"3.22.16-Białowieża\" "
                   "styleCategories=\"AllStyleCategories\">%s</qgis>\n",
                   body);
    vemt_free(body);
    return vemt_sb_take(&b);
}

/* One SLD rule: a filter on the class and its symbolizer. */
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
    if (s->renderer == VEMT_RENDER_CATEGORISED)
        vemt_sb_printf(b,
                       "<ogc:PropertyIsEqualTo><ogc:PropertyName>%s"
                       "</ogc:PropertyName><ogc:Literal>%s</ogc:Literal>"
                       "</ogc:PropertyIsEqualTo>",
                       s->field, c->value);
    else
        vemt_sb_printf(b,
                       "<ogc:And><ogc:PropertyIsGreaterThan><ogc:"
                       "PropertyName>%s</ogc:PropertyName><ogc:Literal>"
                       "%.4f</ogc:Literal></ogc:PropertyIsGreaterThan>"
                       "<ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>"
                       "%s</ogc:PropertyName><ogc:Literal>%.4f</ogc:Literal>"
                       "</ogc:PropertyIsLessThanOrEqualTo></ogc:And>",
                       s->field, c->lo, s->field, c->hi);
    int r = 0, g = 0, bl = 0;
    sscanf(c->rgb, "%d,%d,%d", &r, &g, &bl);
    if (is_point(s))
        vemt_sb_printf(b,
                       "</ogc:Filter><se:PointSymbolizer><se:Graphic>"
                       "<se:Mark><se:WellKnownName>circle</se:WellKnownName>"
                       "<se:Fill><se:SvgParameter name=\"fill\">#%02x%02x"
                       "%02x</se:SvgParameter></se:Fill></se:Mark><se:Size>7"
                       "</se:Size></se:Graphic></se:PointSymbolizer>"
                       "</se:Rule>",
                       r, g, bl);
    else if (is_line(s))
        vemt_sb_printf(b,
                       "</ogc:Filter><se:LineSymbolizer><se:Stroke>"
                       "<se:SvgParameter name=\"stroke\">#%02x%02x%02x"
                       "</se:SvgParameter></se:Stroke></se:LineSymbolizer>"
                       "</se:Rule>",
                       r, g, bl);
    else
        vemt_sb_printf(b,
                       "</ogc:Filter><se:PolygonSymbolizer><se:Fill>"
                       "<se:SvgParameter name=\"fill\">#%02x%02x%02x"
                       "</se:SvgParameter></se:Fill><se:Stroke>"
                       "<se:SvgParameter name=\"stroke\">#a0a0a0"
                       "</se:SvgParameter></se:Stroke>"
                       "</se:PolygonSymbolizer></se:Rule>",
                       r, g, bl);
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
