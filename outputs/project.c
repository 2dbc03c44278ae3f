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
#include <ogr_srs_api.h>
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

/* Layer tree groups, top to bottom, and the layers each holds. */
static const struct {
    const char *group; /* NULL: at the top level */
    const char *layers[4];
} tree[] = {
    {NULL, {"study_area"}},
    {"Hot spots", {"hotspot_cells", VEMT_KDE_TABLE}},
    {"Trends", {"emerging_hotspots", "hotspot_cube"}},
    {"Clusters", {"clusters"}},
    {"Safeguarding",
     {"locations_of_concern", "colocation", "found_hotspots",
      "missing_journeys"}},
    {"Events", {"events"}},
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

static void tree_layer(vemt_strbuf *b, const char *name, const char *src,
                       const vemt_output *o) {
    /* Under the hot-spot cells the density would be hidden: it starts
     * unticked there, for the reader to switch between the two. */
    bool checked = !is_density(name) || !layer_written("hotspot_cells", o);
    vemt_sb_printf(b,
                   "<layer-tree-layer id=\"%s_vemt\" name=\"%s\" "
                   "providerKey=\"%s\" checked=\"Qt::%s\" expanded=\"1\" "
                   "source=\"",
                   name, name, is_density(name) ? "gdal" : "ogr",
                   checked ? "Checked" : "Unchecked");
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
                           "Qt::Checked\" expanded=\"1\"><customproperties/>",
                           tree[g].group);
        for (int k = 0; k < 4 && tree[g].layers[k]; k++)
            if (layer_written(tree[g].layers[k], o))
                tree_layer(b, tree[g].layers[k], src, o);
        if (tree[g].group) vemt_sb_printf(b, "</layer-tree-group>");
    }
    vemt_sb_printf(b, "</layer-tree-group>");
}

static void map_layer(vemt_strbuf *b, const vemt_style *s, const char *src,
                      const char *crs) {
    char *body = vemt_style_qml_body(s);
    vemt_sb_printf(
        b,
        "<maplayer type=\"vector\" geometry=\"%s\" "
        "wkbType=\"%s\"%s><id>%s_vemt</id><datasource>",
        !strcmp(s->geometry, "LineString") ? "Line" : s->geometry,
        !strcmp(s->layer, "study_area") ? "MultiPolygon" : s->geometry,
        vemt_style_labels_attr(s), s->layer);
    layer_source(b, s->layer, src);
    vemt_sb_printf(b,
                   "</datasource><layername>%s</layername><srs>%s</srs>"
                   "<provider encoding=\"UTF-8\">ogr</provider>%s</maplayer>",
                   s->layer, crs, body ? body : "");
    vemt_free(body);
}

/* The density raster from the GeoPackage, in graduated classes up to its
 * largest value (QGIS 3.22 reads no raster style from layer_styles). */
static void density_layer(vemt_strbuf *b, const char *src, const vemt_output *o,
                          const char *crs) {
    const vemt_raster *r = o->density->raster;
    double lo, hi;
    vemt_raster_range(r, &lo, &hi);
    char *body = vemt_style_density_qml_body(hi);
    vemt_sb_printf(b,
                   "<maplayer type=\"raster\"><extent><xmin>%.3f</xmin>"
                   "<ymin>%.3f</ymin><xmax>%.3f</xmax><ymax>%.3f</ymax>"
                   "</extent><id>%s_vemt</id><datasource>",
                   r->x0, r->y0 - r->pixel_m * r->nrow,
                   r->x0 + r->pixel_m * r->ncol, r->y0, VEMT_KDE_TABLE);
    layer_source(b, VEMT_KDE_TABLE, src);
    vemt_sb_printf(b,
                   "</datasource><layername>%s</layername><srs>%s</srs>"
                   "<provider>gdal</provider><noData><noDataList "
                   "useSrcNoData=\"1\" bandNo=\"1\"/></noData>%s</maplayer>",
                   VEMT_KDE_TABLE, crs, body ? body : "");
    vemt_free(body);
}

/* Project time settings: the temporal controller's range. */
static void time_settings(vemt_strbuf *b, const vemt_output *o) {
    int64_t t0, t1;
    if (!vemt_outputs_published_time_range(o, &t0, &t1)) return;
    char a[32], c[32];
    vemt_time_format_utc(t0, a, sizeof a);
    vemt_time_format_utc(t1, c, sizeof c);
    /* QGIS writes these without milliseconds. */
    strcpy(a + 19, "Z");
    strcpy(c + 19, "Z");
    vemt_sb_printf(b,
                   "<ProjectTimeSettings timeStep=\"1\" "
                   "timeStepUnit=\"mon\" frameRate=\"1\" "
                   "cumulativeTemporalRange=\"0\"><TemporalRange><start>%s"
                   "</start><end>%s</end></TemporalRange>"
                   "</ProjectTimeSettings>",
                   a, c);
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
    vemt_sb_printf(&b, "<projectlayers>");
    for (size_t i = 0; i < vemt_styles_count(); i++)
        if (layer_written(vemt_styles_get(i)->layer, o))
            map_layer(&b, vemt_styles_get(i), src, crs);
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
