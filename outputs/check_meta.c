/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_meta.c
 * @brief The checker's metadata: vemt's provenance walked key by key
 * against the tier's list (disclosure/allow.c), GDAL's own metadata items
 * (in a GeoPackage's gpkg_metadata, a GeoTIFF's tags, a GeoJSON layer),
 * the tables' descriptions, and the GeoTIFF.
 */
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/check.h"

#define PROVENANCE_URI "urn:vemt:provenance:1"
#define SCHEMA_URI "urn:vemt:disclosure-schema:1"

/* A number's digits from p: integer digits (with "21,280" style groups)
 * and fractional digits. Returns the end. */
static const char *scan_number(const char *p, int *int_digits,
                               int *frac_digits) {
    *int_digits = *frac_digits = 0;
    for (;;) {
        while (isdigit((unsigned char)*p)) (*int_digits)++, p++;
        if (*p == ',' && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
            !isdigit((unsigned char)p[4]))
            p++;
        else
            break;
    }
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p); p++) (*frac_digits)++;
    return p;
}

/* A distance unit after a number: " m", "m", " km", "km" not followed by a
 * letter or digit ("m2" is an area, "mm" a word). */
static bool distance_unit(const char *p) {
    if (*p == ' ') p++;
    if (*p == 'k') p++;
    return *p == 'm' && !isalnum((unsigned char)p[1]);
}

/* Just after "n = " or "n=" (a count of the data), looking back from p. */
static bool after_n_equals(const char *text, const char *p) {
    const char *q = p;
    while (q > text && q[-1] == ' ') q--;
    if (q == text || q[-1] != '=') return false;
    q--;
    while (q > text && q[-1] == ' ') q--;
    return q > text && q[-1] == 'n' &&
           (q - 1 == text || !isalnum((unsigned char)q[-2]));
}

/* Just after a parameter's name ("bandwidth 4466 m", "pixel 71 m", "cell
 * 250 m"): a parameter, as the provenance's parameters.cell_size_m, even
 * when chosen automatically; the counts and distances behind it are not
 * (issue 16's decisions: "the chosen cell size is a parameter; the counts
 * and distances behind it are not"). */
static bool after_parameter(const char *text, const char *p) {
    static const char names[][10] = {"bandwidth", "pixel", "cell"};
    const char *q = p;
    while (q > text && q[-1] == ' ') q--;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if ((size_t)(q - text) >= n && !strncmp(q - n, names[i], n) &&
            (q - n == text || !isalpha((unsigned char)q[-(long)n - 1])))
            return true;
    }
    return false;
}

const char *vemt_check_data_number(const char *text, size_t *len) {
    for (const char *p = text; p && *p; p++) {
        if (!isdigit((unsigned char)*p) ||
            (p > text &&
             (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.')))
            continue;
        int whole, frac;
        const char *end = scan_number(p, &whole, &frac);
        if ((frac > 0 || whole >= 5 || distance_unit(end) ||
             after_n_equals(text, p)) &&
            !(frac == 0 && after_parameter(text, p))) {
            *len = (size_t)(end - p);
            return p;
        }
        p = end - 1;
    }
    return NULL;
}

/* Free text that may not carry numbers computed from the data. */
static void check_text(vemt_checker *c, const char *what, const char *where,
                       const char *text) {
    size_t n;
    const char *hit = vemt_check_data_number(text, &n);
    if (hit) vemt_check_problem(c, what, "%s: '%.*s'", where, (int)n, hit);
}

void vemt_check_metadata_item(vemt_checker *c, const char *where,
                              const char *key, const char *value) {
    /* Allowed as they are: the tier the writer stamps (OUTPUT_TIER), the
     * program and version (TIFFTAG_SOFTWARE) and whether pixels are areas
     * or points (AREA_OR_POINT): words fixed by the writer, none computed
     * from the data. TIFFTAG_IMAGEDESCRIPTION is only ever the kde
     * surface's (the one raster a tier may publish), and outside the
     * restricted tier that surface is of the published cell counts: the
     * numbers describing it (bandwidth, its rule's sigma and n) are
     * computed from published values. A DESCRIPTION is text the writer
     * composes, allowed when it carries no number that looks computed
     * from the data. Everything else (statistics, dates, GDAL's band
     * STATISTICS_*, another program's tags) is a problem: the writer has
     * no reason to write it. */
    if (!strcmp(key, "OUTPUT_TIER") || !strcmp(key, "TIFFTAG_SOFTWARE") ||
        !strcmp(key, "AREA_OR_POINT") ||
        !strcmp(key, "TIFFTAG_IMAGEDESCRIPTION"))
        return;
    if (!strcmp(key, "DESCRIPTION")) {
        char at[256];
        snprintf(at, sizeof at, "%s %s", where, key);
        check_text(c, "metadata texts carrying numbers computed from the data",
                   at, value);
        return;
    }
    vemt_check_problem(c,
                       "metadata items other than vemt's provenance, schema, "
                       "tier, software and descriptions",
                       "%s: %s", where, key);
}

/* The provenance walk: every key's dotted path (array elements add no
 * component), each reported once. */
typedef struct walk {
    vemt_checker *c;
    const char *where;
    char **seen;
    size_t n_seen, cap;
} walk;

static void check_key(walk *w, const char *path) {
    if (vemt_disclosure_metadata_allowed(w->c->rules, path)) return;
    for (size_t i = 0; i < w->n_seen; i++)
        if (!strcmp(w->seen[i], path)) return;
    char *copy = vemt_strdup(path);
    if (!copy ||
        vemt_grow((void **)&w->seen, &w->cap, w->n_seen + 1, sizeof *w->seen)) {
        vemt_free(copy);
        w->c->nomem = true;
        return;
    }
    w->seen[w->n_seen++] = copy;
    char what[96];
    snprintf(what, sizeof what, "provenance keys not on the %s tier's list",
             vemt_check_tier(w->c));
    vemt_check_problem(w->c, what, "%s (%s)", path, w->where);
}

static void walk_value(walk *w, json_object *v, const char *path) {
    if (json_object_is_type(v, json_type_object)) {
        /* An empty object or array holds nothing: no key to check. */
        json_object_object_foreach(v, key, child) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
            walk_value(w, child, sub);
        }
    } else if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++)
            walk_value(w, json_object_array_get_idx(v, i), path);
    } else if (path[0]) {
        check_key(w, path);
    } else {
        vemt_check_problem(w->c, "provenances that are not a JSON object", "%s",
                           w->where);
    }
}

void vemt_check_provenance(vemt_checker *c, const char *where,
                           const char *json) {
    json_object *doc = json_tokener_parse(json);
    if (!doc) {
        vemt_check_problem(c, "provenances that are not valid JSON", "%s",
                           where);
        return;
    }
    walk w = {.c = c, .where = where};
    walk_value(&w, doc, "");
    for (size_t i = 0; i < w.n_seen; i++) vemt_free(w.seen[i]);
    vemt_free(w.seen);
    json_object_put(doc);
}

/* True when text is, word for word, one of vemt's own metadata rows. */
static bool is_vemt_row(GDALDatasetH ds, const char *text) {
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri IN "
        "('" PROVENANCE_URI "', '" SCHEMA_URI "')",
        NULL, NULL);
    bool same = false;
    OGRFeatureH f;
    while (r && !same && (f = OGR_L_GetNextFeature(r)) != NULL) {
        same = !strcmp(OGR_F_GetFieldAsString(f, 0), text);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return same;
}

/* GDAL's metadata (GDALMultiDomainMetadata XML): each item; GDAL's copies
 * of vemt's own rows (GPKG_METADATA_ITEM_n, made when it opens the kde
 * raster) are passed when they are one of those rows word for word. */
static void check_gdal_xml(vemt_checker *c, GDALDatasetH ds, const char *where,
                           const char *xml) {
    CPLXMLNode *root = CPLParseXMLString(xml);
    CPLXMLNode *top =
        root ? CPLSearchXMLNode(root, "=GDALMultiDomainMetadata") : NULL;
    if (!top) {
        vemt_check_problem(c, "metadata rows GDAL can't read", "%s", where);
        if (root) CPLDestroyXMLNode(root);
        return;
    }
    for (CPLXMLNode *m = top->psChild; m; m = m->psNext) {
        if (m->eType != CXT_Element || strcmp(m->pszValue, "Metadata"))
            continue;
        for (CPLXMLNode *i = m->psChild; i; i = i->psNext) {
            if (i->eType != CXT_Element) continue;
            const char *key = CPLGetXMLValue(i, "key", "");
            const char *value = CPLGetXMLValue(i, NULL, "");
            if (strcmp(i->pszValue, "MDI")) key = i->pszValue;
            if (!strncmp(key, "GPKG_METADATA_ITEM_", 19) &&
                is_vemt_row(ds, value))
                continue;
            vemt_check_metadata_item(c, where, key, value);
        }
    }
    CPLDestroyXMLNode(root);
}

void vemt_check_gpkg_metadata(vemt_checker *c, GDALDatasetH ds) {
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT id, md_standard_uri, metadata FROM gpkg_metadata WHERE "
        "EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'gpkg_metadata')",
        NULL, NULL);
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        char where[64];
        snprintf(where, sizeof where, "gpkg_metadata id %s",
                 OGR_F_GetFieldAsString(f, 0));
        const char *uri = OGR_F_GetFieldAsString(f, 1);
        const char *text = OGR_F_GetFieldAsString(f, 2);
        if (!strcmp(uri, PROVENANCE_URI))
            vemt_check_provenance(c, where, text);
        else if (!strcmp(uri, "http://gdal.org"))
            check_gdal_xml(c, ds, where, text);
        else if (strcmp(uri, SCHEMA_URI)) /* vemt's schema: not trusted,
                                             not needed, harmless */
            vemt_check_problem(c,
                               "metadata rows of standards other than vemt's "
                               "and GDAL's",
                               "%s: %s", where, uri);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    /* The tables' descriptions are metadata too (but the kde surface's:
     * of published counts, see vemt_check_metadata_item). */
    r = GDALDatasetExecuteSQL(ds,
                              "SELECT table_name, description FROM "
                              "gpkg_contents WHERE table_name != 'kde'",
                              NULL, NULL);
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        char where[300];
        snprintf(where, sizeof where, "gpkg_contents %s description",
                 OGR_F_GetFieldAsString(f, 0));
        check_text(c, "metadata texts carrying numbers computed from the data",
                   where, OGR_F_GetFieldAsString(f, 1));
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

/* Every item of the default domain of o. */
static void check_items(vemt_checker *c, GDALMajorObjectH o,
                        const char *where) {
    char **md = GDALGetMetadata(o, NULL);
    for (size_t i = 0; md && md[i]; i++) {
        char *key = NULL;
        const char *value = CPLParseNameValue(md[i], &key);
        if (key) vemt_check_metadata_item(c, where, key, value ? value : "");
        CPLFree(key);
    }
}

void vemt_check_geotiff(vemt_checker *c) {
    if (c->rules->allow && (!vemt_disclosure_allowed_layer(c->rules, "kde") ||
                            !vemt_disclosure_layer_allowed(c->rules, "kde"))) {
        char what[96];
        snprintf(what, sizeof what, "rasters the %s tier may not publish",
                 vemt_check_tier(c));
        vemt_check_problem(c, what, "%s (the kde surface)", c->path);
        return;
    }
    GDALDatasetH ds =
        GDALOpenEx(c->path, GDAL_OF_RASTER | GDAL_OF_READONLY,
                   (const char *const[]){"GTiff", NULL}, NULL, NULL);
    if (!ds) {
        vemt_check_problem(c, "files that can't be read as a GeoTIFF", "%s",
                           c->path);
        return;
    }
    check_items(c, ds, "GeoTIFF");
    for (int b = 1; b <= GDALGetRasterCount(ds); b++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, b);
        char where[32];
        snprintf(where, sizeof where, "band %d", b);
        check_items(c, band, where);
        check_text(c, "metadata texts carrying numbers computed from the data",
                   where, GDALGetDescription(band));
    }
    if (GDALGetRasterCount(ds) != 1)
        vemt_check_problem(c, "rasters of more than one band", "%s: %d bands",
                           c->path, GDALGetRasterCount(ds));
    GDALClose(ds);
}
