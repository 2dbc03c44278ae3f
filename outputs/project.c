/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file project.c
 * @brief A QGIS project (.qgs XML, or .qgz zipped) that opens vemt's
 * GeoPackage styled, grouped and time-enabled, with relative paths.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"
#include "outputs/raster.h"
#include "outputs/strbuf.h"
#include "outputs/style.h"

/* The layer tree, top to bottom, which is also the drawing order (the
 * top drawn last): outlines over points, points over lines, lines over
 * areas, areas over the density, so nothing opaque covers a more specific
 * layer. The time-enabled layers sit above the static hot spots, in their
 * own group. Only the study area and the hot-spot layer are ticked when
 * the project opens; every group starts unticked with its layers ticked
 * inside, so ticking a group shows all of it. */
static const struct {
    const char *group; /* NULL: at the top level */
    const char *layers[4];
} tree[] = {
    {NULL, {"study_area"}},
    {"Clusters", {"clusters"}},
    {"Safeguarding", {"locations_of_concern"}},
    /* A point at every found-at place and incident: its own group, so it
     * never buries the locations of concern. */
    {"Co-location", {"colocation"}},
    {"Over time", {"events", "missing_journeys", "hotspot_cube"}},
    {"Forecast", {"forecast"}},
    {"Trends", {"scan_clusters", "emerging_hotspots"}},
    {NULL, {"hotspot_cells"}},
    {"Where missing children are found", {"found_hotspots"}},
    {NULL, {VEMT_KDE_TABLE}},
};

/* Path of target relative to the folder of from (both made absolute). */
static void relative_path(const char *from, const char *target, char *out,
                          size_t size) {
    char a[PATH_MAX], b[PATH_MAX], dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", from);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(b, sizeof b, "%s", target);
    slash = strrchr(b, '/');
    char tdir[PATH_MAX], name[PATH_MAX];
    snprintf(name, sizeof name, "%s", slash ? slash + 1 : b);
    if (slash) *slash = '\0';
    snprintf(tdir, sizeof tdir, "%s", slash ? b : ".");
    if (!realpath(dir, a) || !realpath(tdir, b)) {
        snprintf(out, size, "%s", target);
        return;
    }
    size_t common = 0, i = 0;
    for (; a[i] && a[i] == b[i]; i++)
        if (a[i] == '/') common = i;
    /* One folder inside the other: they share everything up to here. */
    if ((!a[i] && (b[i] == '/' || !b[i])) || (!b[i] && a[i] == '/')) common = i;
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = a + common; *p; p++)
        if (*p == '/') n += (size_t)snprintf(out + n, size - n, "../");
    if (n == 0) n += (size_t)snprintf(out, size, "./");
    const char *rest = b[common] == '/' ? b + common + 1 : b + common;
    snprintf(out + n, size - n, "%s%s%s", rest, *rest ? "/" : "", name);
}

/* The analysis CRS as QGIS reads it: QGIS 3.22 builds the CRS from the
 * WKT (an authid alone leaves it invalid), and shows authid and
 * description. Caller owns *out; free with vemt_free(). */
static vemt_status spatialrefsys(vemt_ctx *ctx, const vemt_output *o,
                                 char **out) {
    OGRSpatialReferenceH srs;
    *out = NULL;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    vemt_status st = vemt_output_srs(ctx, o, &srs);
    vemt_gdal_errors_pop();
    if (st) return st;
    const char *const wkt2[] = {"FORMAT=WKT2_2019", NULL};
    char *wkt = NULL;
    if (OSRExportToWktEx(srs, &wkt, wkt2) != OGRERR_NONE)
        st = vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                           "GDAL can't write the analysis CRS as WKT");
    vemt_strbuf b = {0};
    vemt_sb_printf(&b, "<spatialrefsys><wkt>");
    vemt_sb_xml(&b, wkt ? wkt : "");
    vemt_sb_printf(&b, "</wkt>");
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        vemt_sb_printf(&b, "<authid>");
        vemt_sb_xml(&b, auth);
        vemt_sb_printf(&b, ":");
        vemt_sb_xml(&b, code);
        vemt_sb_printf(&b, "</authid>");
    }
    vemt_sb_printf(&b, "<description>");
    vemt_sb_xml(&b, OSRGetName(srs) ? OSRGetName(srs) : "");
    vemt_sb_printf(&b, "</description></spatialrefsys>");
    CPLFree(wkt);
    OSRRelease(srs);
    *out = vemt_sb_take(&b);
    if (!st && !*out) st = VEMT_E_NOMEM;
    if (st) {
        vemt_free(*out);
        *out = NULL;
    }
    return st;
}

/* A layer id QGIS 3.22 keeps: "<table>_" and 36 characters shaped as
 * QgsMapLayer::generateId() writes them (a UUID, its dashes as '_'),
 * derived from the table name so a project written twice is the same.
 * QGIS replaced the density's short id "kde_vemt" with a random one when
 * it read the raster layer (measured: a raster id of 10 characters or
 * fewer is dropped, 11 or more kept; vector layers kept theirs), leaving
 * its layer-tree node pointing at nothing. The hash is FNV-1a, 64 bits
 * (Fowler, Noll & Vo, IETF draft-eastlake-fnv), of the name under two
 * offset bases. */
static void layer_id(const char *name, char *out, size_t size) {
    uint64_t h[2] = {0xcbf29ce484222325u, 0x84222325cbf29ce4u};
    for (int k = 0; k < 2; k++)
        for (const char *c = name; *c; c++) {
            h[k] ^= (unsigned char)*c;
            h[k] *= 0x100000001b3u;
        }
    snprintf(out, size, "%s_%08x_%04x_%04x_%04x_%04x%08x", name,
             (unsigned)(h[0] >> 32), (unsigned)(h[0] >> 16) & 0xffffu,
             (unsigned)h[0] & 0xffffu, (unsigned)(h[1] >> 48),
             (unsigned)(h[1] >> 32) & 0xffffu, (unsigned)h[1]);
}

/* A recorded run parameter's value, or NULL. */
static const char *param(const vemt_output *o, const char *name) {
    const vemt_provenance *p = o->provenance;
    for (size_t i = 0; p && i < p->n_params; i++)
        if (!strcmp(p->params[i].name, name)) return p->params[i].value;
    return NULL;
}

/* The name a reader sees for a layer, built from the run's settings: the
 * gi_bin confidence levels, with or without the false discovery rate
 * (--fdr), and the cube's time step. */
static void display_name(const char *name, const vemt_output *o, char *out,
                         size_t size) {
    const char *fdr = param(o, "fdr");
    const char *levels = fdr && !strcmp(fdr, "off") ? "Gi*, p < 0.10/0.05/0.01"
                                                    : "Gi*, FDR at 90/95/99 %";
    const char *step = param(o, "time_step");
    static const struct {
        const char *table, *name;
    } names[] = {
        {"study_area", "Study area"},
        {"emerging_hotspots", "Emerging hot spots"},
        {"scan_clusters", "Space-time scan clusters"},
        {"forecast", "Forecast: next step by recency (rank)"},
        {"missing_journeys", "Missing-episode journeys"},
        {"locations_of_concern", "Locations of concern"},
        {"colocation", "Co-location quotients (found-at and incidents)"},
        {"clusters", "Clusters"},
        {"events", "Events"},
        {VEMT_KDE_TABLE, "Density (events per km²)"},
    };
    if (!strcmp(name, "hotspot_cells"))
        snprintf(out, size, "Hot spots (%s)", levels);
    else if (!strcmp(name, "found_hotspots"))
        snprintf(out, size, "Found-at hot spots (%s)", levels);
    else if (!strcmp(name, "hotspot_cube") &&
             (!step || !strcmp(step, "month") || !strcmp(step, "week")))
        snprintf(out, size, "Hot spots by %s",
                 step && !strcmp(step, "week") ? "week" : "month");
    else if (!strcmp(name, "hotspot_cube") && atoi(step) == 1) /* "1d" */
        snprintf(out, size, "Hot spots by day");
    else if (!strcmp(name, "hotspot_cube")) /* "7d" */
        snprintf(out, size, "Hot spots by %d-day step", atoi(step));
    else {
        snprintf(out, size, "%s", name);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (!strcmp(names[i].table, name))
                snprintf(out, size, "%s", names[i].name);
    }
}

static bool is_density(const char *name) {
    return !strcmp(name, VEMT_KDE_TABLE);
}

static bool layer_written(const char *name, const vemt_output *out) {
    if (is_density(name)) return vemt_output_has_density(out);
    for (size_t k = 0; k < vemt_layers_count(); k++) {
        const vemt_layer_def *d = vemt_layers_get(k);
        if (!strcmp(d->name, name)) return vemt_layer_is_written(d, out);
    }
    return false;
}

/* A layer's data source, XML-escaped: GDAL's GeoPackage raster URI for the
 * density, OGR's path|layername for the vector layers. */
static void layer_source(vemt_strbuf *b, const char *name, const char *src) {
    if (is_density(name)) vemt_sb_printf(b, "GPKG:");
    vemt_sb_xml(b, src);
    if (is_density(name))
        vemt_sb_printf(b, ":%s", name);
    else
        vemt_sb_printf(b, "|layername=%s", name);
}

/* Ticked when the project opens (a top-level layer; others only through
 * their group): the study area and the hot spots, or the density when
 * there are no hot spots to hide it. */
static bool opens_ticked(const char *name, const vemt_output *o) {
    return !strcmp(name, "study_area") || !strcmp(name, "hotspot_cells") ||
           (is_density(name) && !layer_written("hotspot_cells", o));
}

static void tree_layer(vemt_strbuf *b, const char *name, const char *src,
                       const vemt_output *o, bool in_group) {
    bool checked = in_group || opens_ticked(name, o);
    char id[128], shown[128];
    layer_id(name, id, sizeof id);
    display_name(name, o, shown, sizeof shown);
    vemt_sb_printf(b, "<layer-tree-layer id=\"%s\" name=\"", id);
    vemt_sb_xml(b, shown);
    vemt_sb_printf(b,
                   "\" providerKey=\"%s\" checked=\"Qt::%s\" "
                   "expanded=\"%d\" source=\"",
                   is_density(name) ? "gdal" : "ogr",
                   checked ? "Checked" : "Unchecked", checked && !in_group);
    layer_source(b, name, src);
    vemt_sb_printf(b, "\"><customproperties/></layer-tree-layer>");
}

static void layer_tree(vemt_strbuf *b, const char *src, const vemt_output *o) {
    vemt_sb_printf(b, "<layer-tree-group><customproperties/>");
    for (size_t g = 0; g < sizeof tree / sizeof tree[0]; g++) {
        bool any = false;
        for (int k = 0; k < 4 && tree[g].layers[k]; k++)
            any |= layer_written(tree[g].layers[k], o);
        if (!any) continue;
        if (tree[g].group)
            vemt_sb_printf(b,
                           "<layer-tree-group name=\"%s\" checked=\""
                           "Qt::Unchecked\" expanded=\"0\"><customproperties/>",
                           tree[g].group);
        for (int k = 0; k < 4 && tree[g].layers[k]; k++)
            if (layer_written(tree[g].layers[k], o))
                tree_layer(b, tree[g].layers[k], src, o, tree[g].group);
        if (tree[g].group) vemt_sb_printf(b, "</layer-tree-group>");
    }
    vemt_sb_printf(b, "</layer-tree-group>");
}

/* Mark the class of s that value (categorised) or x (graduated) falls
 * in as present. */
static void mark(const vemt_style *s, bool *present, const char *value,
                 double x) {
    for (size_t i = 0; i < s->n_classes; i++) {
        const vemt_style_class *c = &s->classes[i];
        if (value ? c->value && !strcmp(c->value, value)
                  : c->lo < x && x <= c->hi)
            present[i] = true;
    }
}

static void mark_bin(const vemt_style *s, bool *present, int bin) {
    char v[8];
    snprintf(v, sizeof v, "%d", bin);
    mark(s, present, v, 0);
}

/* The classes of s its layer's data holds, as layers.c writes them, so
 * the legend lists only those; *withheld: some bin or pattern is withheld
 * (written null, matching no class). */
static void present_classes(const vemt_style *s, const vemt_output *o,
                            bool *present, bool *withheld) {
    static const char tri[][8] = {"unknown", "yes", "no"};
    const char *n = s->layer;
    const vemt_trends_out *tr = o->trends;
    const vemt_safeguarding_out *sg = o->safeguarding;
    size_t units = o->grid ? vemt_units_count(o->grid) : 0;
    memset(present, 0, s->n_classes * sizeof *present);
    *withheld = false;
    if (s->renderer == VEMT_RENDER_OUTLINE) {
        present[0] = true;
    } else if (!strcmp(n, "hotspot_cells")) {
        for (size_t i = 0; i < units; i++)
            if (!o->bin_hidden || !o->bin_hidden[i])
                mark_bin(s, present, o->gi_bin ? o->gi_bin[i] : 0);
            else
                *withheld = true;
    } else if (!strcmp(n, "hotspot_cube") && tr) {
        size_t nb = vemt_cube_units(tr->cube) * vemt_cube_steps(tr->cube);
        for (size_t b = 0; b < nb; b++)
            if (!tr->bin_hidden || !tr->bin_hidden[b])
                mark_bin(s, present, tr->bins[b]);
            else
                *withheld = true;
    } else if (!strcmp(n, "scan_clusters") && o->scan) {
        for (size_t i = 0; i < o->scan->n; i++)
            mark(s, present, vemt_p_band(o->scan->rows[i].p), 0);
    } else if (!strcmp(n, "emerging_hotspots") && tr) {
        for (size_t u = 0; u < vemt_cube_units(tr->cube); u++)
            if (!isnan(tr->unit_events[u]) &&
                !(tr->pattern_hidden && tr->pattern_hidden[u]))
                mark(s, present, vemt_ehsa_name(tr->pattern[u]), 0);
            else
                *withheld = true;
    } else if (!strcmp(n, "found_hotspots") && sg && sg->found) {
        for (size_t i = 0; i < units; i++)
            mark_bin(s, present, sg->found->gi_bin[i]);
    } else if (!strcmp(n, "events")) {
        for (size_t i = 0; i < o->events->n; i++)
            mark(s, present, vemt_kind_str((vemt_kind)o->events->items[i].kind),
                 0);
    } else if (!strcmp(n, "missing_journeys")) {
        const vemt_events *ev = o->events;
        for (size_t i = 0; i + 1 < ev->n; i++) {
            const vemt_event *a = &ev->items[i], *b = &ev->items[i + 1];
            if (a->kind == VEMT_KIND_MISSING_FROM &&
                b->kind == VEMT_KIND_FOUND_AT && a->source == b->source &&
                a->ref == b->ref && a->located)
                mark(s, present, tri[a->looked_after < 3 ? a->looked_after : 0],
                     0);
        }
    } else if (!strcmp(n, "locations_of_concern") && sg) {
        for (size_t i = 0; i < sg->n_places; i++)
            mark(s, present, NULL, (double)sg->places[i].n_children);
    } else if (!strcmp(n, "colocation") && sg && sg->colocation) {
        for (size_t i = 0; i < sg->colocation->n; i++)
            mark(s, present, NULL, sg->colocation->lclq[i]);
    } else if (!strcmp(n, "clusters")) {
        for (size_t k = 0; k < o->n_cluster_sets; k++)
            if (o->cluster_sets[k].clusters->n > 0)
                mark(s, present, o->cluster_sets[k].method, 0);
    } else {
        for (size_t i = 0; i < s->n_classes; i++) present[i] = true;
    }
}

/* Units with names (--areas with --area-name) are labelled with them. */
static bool units_named(const vemt_output *o) {
    size_t n = o->grid ? vemt_units_count(o->grid) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = vemt_units_name(o->grid, i);
        if (name && name[0]) return true;
    }
    return false;
}

static void map_layer(vemt_strbuf *b, const vemt_style *s, const char *src,
                      const char *crs, const vemt_output *o) {
    bool present[32] = {false}, withheld = false;
    if (s->n_classes <= sizeof present / sizeof present[0])
        present_classes(s, o, present, &withheld);
    vemt_style_use use = {
        s->n_classes <= sizeof present / sizeof present[0] ? present : NULL,
        !strcmp(s->layer, "hotspot_cells") && units_named(o) ? "area_name"
                                                             : NULL,
        withheld};
    char *body = vemt_style_qml_body(s, &use);
    char id[128], shown[128];
    layer_id(s->layer, id, sizeof id);
    display_name(s->layer, o, shown, sizeof shown);
    vemt_sb_printf(
        b,
        "<maplayer type=\"vector\" geometry=\"%s\" "
        "wkbType=\"%s\"%s><id>%s</id><datasource>",
        !strcmp(s->geometry, "LineString") ? "Line" : s->geometry,
        !strcmp(s->layer, "study_area") ? "MultiPolygon" : s->geometry,
        vemt_style_use_labels_attr(s, &use), id);
    layer_source(b, s->layer, src);
    vemt_sb_printf(b, "</datasource><layername>");
    vemt_sb_xml(b, shown);
    vemt_sb_printf(b,
                   "</layername><srs>%s</srs>"
                   "<provider encoding=\"UTF-8\">ogr</provider>%s</maplayer>",
                   crs, body ? body : "");
    vemt_free(body);
}

/* The density raster from the GeoPackage, in graduated classes up to its
 * largest value (QGIS 3.22 reads no raster style from layer_styles). */
static void density_layer(vemt_strbuf *b, const char *src, const vemt_output *o,
                          const char *crs) {
    const vemt_raster *r = o->density->raster;
    double lo, hi;
    vemt_raster_range(r, &lo, &hi);
    char *body = vemt_style_density_qml_body(hi, "events per km²");
    char id[128], shown[128];
    layer_id(VEMT_KDE_TABLE, id, sizeof id);
    display_name(VEMT_KDE_TABLE, o, shown, sizeof shown);
    vemt_sb_printf(b,
                   "<maplayer type=\"raster\"><extent><xmin>%.3f</xmin>"
                   "<ymin>%.3f</ymin><xmax>%.3f</xmax><ymax>%.3f</ymax>"
                   "</extent><id>%s</id><datasource>",
                   r->x0, r->y0 - r->pixel_m * r->nrow,
                   r->x0 + r->pixel_m * r->ncol, r->y0, id);
    layer_source(b, VEMT_KDE_TABLE, src);
    vemt_sb_printf(b, "</datasource><layername>");
    vemt_sb_xml(b, shown);
    vemt_sb_printf(b,
                   "</layername><srs>%s</srs>"
                   "<provider>gdal</provider><noData><noDataList "
                   "useSrcNoData=\"1\" bandNo=\"1\"/></noData>%s</maplayer>",
                   crs, body ? body : "");
    vemt_free(body);
}

/* Project time settings: the temporal controller's range, stepping by
 * the cube's time step (QgsUnitTypes' codes). */
static void time_settings(vemt_strbuf *b, const vemt_output *o) {
    int64_t t0, t1;
    if (!vemt_outputs_published_time_range(o, &t0, &t1)) return;
    const char *step = param(o, "time_step");
    int n = 1;
    const char *unit = "mon";
    if (step && !strcmp(step, "week"))
        unit = "wk";
    else if (step && atoi(step) > 0) {
        unit = "d";
        n = atoi(step);
    }
    char a[32], c[32];
    vemt_time_format_utc(t0, a, sizeof a);
    vemt_time_format_utc(t1, c, sizeof c);
    /* QGIS writes these without milliseconds. */
    strcpy(a + 19, "Z");
    strcpy(c + 19, "Z");
    vemt_sb_printf(b,
                   "<ProjectTimeSettings timeStep=\"%d\" "
                   "timeStepUnit=\"%s\" frameRate=\"1\" "
                   "cumulativeTemporalRange=\"0\"><TemporalRange><start>%s"
                   "</start><end>%s</end></TemporalRange>"
                   "</ProjectTimeSettings>",
                   n, unit, a, c);
}

/* What the map shows when the project opens: the study area, else the
 * units, else the located events, with a 2 % margin. QGIS 3.22 reads the
 * canvas extent from <mapcanvas> and the default view from
 * <ProjectViewSettings>. */
static void view_extent(vemt_strbuf *b, const vemt_output *o, const char *crs) {
    vemt_bbox e = {1, 1, 0, 0};
    if (o->area) {
        e = vemt_study_area_bbox(o->area);
    } else if (o->grid && vemt_units_count(o->grid) > 0) {
        e = vemt_units_bbox(o->grid, 0);
        for (size_t i = 1; i < vemt_units_count(o->grid); i++) {
            vemt_bbox u = vemt_units_bbox(o->grid, i);
            e.xmin = fmin(e.xmin, u.xmin);
            e.ymin = fmin(e.ymin, u.ymin);
            e.xmax = fmax(e.xmax, u.xmax);
            e.ymax = fmax(e.ymax, u.ymax);
        }
    } else if (o->events) {
        /* The events' own extent pins four of them: only where the tier
         * publishes exact locations. */
        vemt_tier_rules rules;
        vemt_output_rules(o, &rules);
        if (rules.exact_locations) vemt_events_bbox(o->events, ~0u, &e);
    }
    if (!vemt_bbox_is_valid(&e)) return;
    double m = 0.02 * fmax(fmax(e.xmax - e.xmin, e.ymax - e.ymin), 100.0);
    e.xmin -= m;
    e.ymin -= m;
    e.xmax += m;
    e.ymax += m;
    vemt_sb_printf(b,
                   "<mapcanvas annotationsVisible=\"1\" name=\"theMapCanvas\">"
                   "<units>meters</units><extent><xmin>%.3f</xmin><ymin>%.3f"
                   "</ymin><xmax>%.3f</xmax><ymax>%.3f</ymax></extent>"
                   "<rotation>0</rotation><destinationsrs>%s</destinationsrs>"
                   "<rendermaptile>0</rendermaptile></mapcanvas>"
                   "<ProjectViewSettings UseProjectScales=\"0\">"
                   "<Scales/><DefaultViewExtent xmin=\"%.3f\" ymin=\"%.3f\" "
                   "xmax=\"%.3f\" ymax=\"%.3f\">%s</DefaultViewExtent>"
                   "</ProjectViewSettings>",
                   e.xmin, e.ymin, e.xmax, e.ymax, crs, e.xmin, e.ymin, e.xmax,
                   e.ymax, crs);
}

static char *project_xml(const char *src, const vemt_output *o,
                         const char *crs) {
    vemt_strbuf b = {0};
    const char *attr = o->provenance && o->provenance->attribution
                           ? o->provenance->attribution
                           : "";
    vemt_sb_printf(&b,
                   "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
                   "'SYSTEM'>\n<qgis projectname=\"vemt\" "
                   "version=\"3.22.16-Białowieża\"><homePath path=\"\"/>"
                   "<title>vemt hot spots</title><projectCrs>%s"
                   "</projectCrs>",
                   crs);
    layer_tree(&b, src, o);
    view_extent(&b, o, crs);
    vemt_sb_printf(&b, "<projectlayers>");
    for (size_t i = 0; i < vemt_styles_count(); i++)
        if (layer_written(vemt_styles_get(i)->layer, o))
            map_layer(&b, vemt_styles_get(i), src, crs, o);
    if (vemt_output_has_density(o)) density_layer(&b, src, o, crs);
    vemt_sb_printf(&b, "</projectlayers>");
    time_settings(&b, o);
    /* QGIS 3.22 reads <projectCrs> only when SpatialRefSys/
     * ProjectionsEnabled is set; without it the project has no CRS. */
    vemt_sb_printf(&b,
                   "<properties><Paths><Absolute type=\"bool\">false"
                   "</Absolute></Paths><SpatialRefSys><ProjectionsEnabled "
                   "type=\"int\">1</ProjectionsEnabled></SpatialRefSys>"
                   "<CopyrightLabel><Enabled "
                   "type=\"bool\">%s</Enabled><Label type=\"QString\">",
                   attr[0] ? "true" : "false");
    vemt_sb_xml(&b, attr);
    vemt_sb_printf(&b,
                   "</Label></CopyrightLabel></properties>"
                   "<projectMetadata><title>vemt hot spots</title>"
                   "<rights>");
    vemt_sb_xml(&b, attr);
    vemt_sb_printf(&b, "</rights></projectMetadata></qgis>\n");
    return vemt_sb_take(&b);
}

/* Write text to path; .qgz is a zip holding the .qgs (through GDAL's
 * /vsizip/). */
static vemt_status write_file(vemt_ctx *ctx, const char *tmp, bool zipped,
                              const char *name, const char *text) {
    char vpath[4400];
    if (zipped)
        snprintf(vpath, sizeof vpath, "/vsizip/%s/%s", tmp, name);
    else
        snprintf(vpath, sizeof vpath, "%s", tmp);
    VSILFILE *f = VSIFOpenL(vpath, "wb");
    size_t n = strlen(text);
    if (!f || VSIFWriteL(text, 1, n, f) != n || VSIFCloseL(f) != 0)
        return vemt_ctx_fail(ctx, VEMT_E_IO, "can't write the QGIS project: %s",
                             strerror(errno));
    return VEMT_OK;
}

vemt_status vemt_outputs_write_project(vemt_ctx *ctx, const char *path,
                                       const char *gpkg_path,
                                       const vemt_output *out) {
    size_t n = strlen(path);
    bool zipped = n > 4 && !strcasecmp(path + n - 4, ".qgz");
    if (!zipped && !(n > 4 && !strcasecmp(path + n - 4, ".qgs")))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a QGIS project must end in .qgs or .qgz: %s",
                             path);
    char src[PATH_MAX], tmp[4096], name[256];
    relative_path(path, gpkg_path, src, sizeof src);
    /* GDAL writes zips only under a name it knows as a zip. */
    vemt_status st =
        vemt_tmp_path(ctx, path, zipped ? ".zip" : ".qgs", tmp, sizeof tmp);
    if (st) return st;
    const char *base = strrchr(path, '/');
    snprintf(name, sizeof name, "%.*s.qgs",
             (int)strlen(base ? base + 1 : path) - 4, base ? base + 1 : path);
    char *crs;
    if ((st = spatialrefsys(ctx, out, &crs))) return st;
    char *xml = project_xml(src, out, crs);
    vemt_free(crs);
    if (!xml) return VEMT_E_NOMEM;
    errno = 0;
    st = write_file(ctx, tmp, zipped, name, xml);
    vemt_free(xml);
    st = vemt_ogr_finish(ctx, out, NULL, tmp, path, VEMT_COMMIT_PROJECT, NULL,
                         st);
    if (st) vemt_ctx_set_source(ctx, path);
    return st;
}
