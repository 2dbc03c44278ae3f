/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_files.c
 * @brief The checker's other paths: a GeoJSON layer, a folder of them
 * (a board pack's folder in it is checked as one, anything else in it is a
 * problem: a restricted run's events.geojson left behind), a QGIS project
 * and a Markdown report.
 */
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "engine/alloc.h"
#include "outputs/check.h"

/* The largest project or report read (a report is a page of text). */
#define MAX_TEXT_BYTES (64 << 20)

static bool allowed_layer(const vemt_checker *c, const char *layer,
                          vemt_allowed_geom *geom) {
    if (!c->rules->allow) {
        *geom = VEMT_ALLOW_UNITS;
        return true;
    }
    const vemt_allowed_layer *e =
        vemt_disclosure_allowed_layer(c->rules, layer);
    if (e) *geom = e->geom;
    return e != NULL;
}

static GDALDatasetH open_geojson(const char *file) {
    return GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                      (const char *const[]){"GeoJSON", NULL}, NULL, NULL);
}

/* Every item of a GeoJSON layer's metadata (its "description"). */
static void check_layer_items(vemt_checker *c, OGRLayerH l, const char *layer) {
    char **md = GDALGetMetadata(l, NULL);
    for (size_t i = 0; md && md[i]; i++) {
        char *key = NULL;
        const char *value = CPLParseNameValue(md[i], &key);
        if (key) vemt_check_metadata_item(c, layer, key, value ? value : "");
        CPLFree(key);
    }
}

void vemt_check_geojson(vemt_checker *c, const char *file, const char *layer) {
    GDALDatasetH ds = open_geojson(file);
    if (!ds || GDALDatasetGetLayerCount(ds) != 1) {
        vemt_check_problem(c, "files that can't be read as one GeoJSON layer",
                           "%s", file);
        if (ds) GDALClose(ds);
        return;
    }
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    size_t n = (size_t)OGR_FD_GetFieldCount(d);
    const char **cols = vemt_calloc(n + 1, sizeof *cols);
    bool *exempt = vemt_calloc(n + 1, sizeof *exempt);
    if (cols && exempt) {
        for (size_t i = 0; i < n; i++)
            cols[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, (int)i));
        vemt_check_table(c, layer, l, cols, exempt, n);
        check_layer_items(c, l, layer);
    } else {
        c->nomem = true;
    }
    vemt_free(cols);
    vemt_free(exempt);
    GDALClose(ds);
}

/* folder/name.geojson opened, or NULL when the folder has none. */
static GDALDatasetH open_layer(const char *folder, const char *name) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.geojson", folder, name);
    return stat(path, &st) == 0 ? open_geojson(path) : NULL;
}

static OGRLayerH first_layer(GDALDatasetH ds) {
    return ds ? GDALDatasetGetLayer(ds, 0) : NULL;
}

void vemt_check_folder(vemt_checker *c) {
    DIR *dir = opendir(c->path);
    if (!dir) {
        vemt_check_problem(c, "folders that can't be read", "%s", c->path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char path[4096], layer[256];
        snprintf(path, sizeof path, "%s/%s", c->path, e->d_name);
        size_t n = strlen(e->d_name), k = strlen(".geojson");
        snprintf(layer, sizeof layer, "%.*s", (int)(n > k ? n - k : n),
                 e->d_name);
        struct stat st;
        vemt_allowed_geom geom = VEMT_ALLOW_NONE;
        bool geojson = n > k && !strcmp(e->d_name + n - k, ".geojson") &&
                       stat(path, &st) == 0 && S_ISREG(st.st_mode);
        if (!geojson && stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
            vemt_check_is_pack(path)) {
            char label[300]; /* a board pack inside: its files by its name */
            snprintf(label, sizeof label, "%.256s/", e->d_name);
            vemt_check_pack(c, path, label);
            continue;
        }
        if (geojson && allowed_layer(c, layer, &geom) &&
            geom != VEMT_ALLOW_RASTER) {
            vemt_check_geojson(c, path, layer);
        } else {
            char what[128];
            snprintf(what, sizeof what,
                     "files in the folder that are not the GeoJSON of a layer "
                     "the %s tier may publish",
                     vemt_check_tier(c));
            vemt_check_problem(c, what, "%s", e->d_name);
        }
    }
    closedir(dir);
    GDALDatasetH cube = open_layer(c->path, "hotspot_cube");
    GDALDatasetH cells = open_layer(c->path, "hotspot_cells");
    GDALDatasetH emerging = open_layer(c->path, "emerging_hotspots");
    GDALDatasetH trends = open_layer(c->path, "trends");
    vemt_check_audit(c, first_layer(cube), first_layer(cells),
                     first_layer(emerging), first_layer(trends));
    GDALDatasetH opened[] = {cube, cells, emerging, trends};
    for (size_t i = 0; i < 4; i++)
        if (opened[i]) GDALClose(opened[i]);
}

/* The whole of path (a file, or a /vsizip/ member) as a string, or NULL. */
static char *slurp(const char *path) {
    GByte *buf = NULL;
    if (!VSIIngestFile(NULL, path, &buf, NULL, MAX_TEXT_BYTES)) return NULL;
    return (char *)buf; /* free with VSIFree */
}

/* The layer a QGIS data source names: "x.gpkg|layername=L", "GPKG:x:L",
 * else the file's base name without its extension (a .tif is the kde
 * surface). Into buf. */
static void source_layer(const char *src, char *buf, size_t size) {
    const char *ln = strstr(src, "layername=");
    if (ln) {
        ln += strlen("layername=");
        snprintf(buf, size, "%.*s", (int)strcspn(ln, "|"), ln);
        return;
    }
    if (!strncmp(src, "GPKG:", 5) && strrchr(src, ':') > src + 4) {
        snprintf(buf, size, "%s", strrchr(src, ':') + 1);
        return;
    }
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    size_t n = strcspn(base, "|?");
    const char *dot = memchr(base, '.', n);
    if (dot && (!strncasecmp(dot, ".tif", 4))) {
        snprintf(buf, size, "kde");
        return;
    }
    snprintf(buf, size, "%.*s", (int)(dot ? (size_t)(dot - base) : n), base);
}

static void check_source(vemt_checker *c, const char *src) {
    char layer[256];
    vemt_allowed_geom geom;
    source_layer(src, layer, sizeof layer);
    if (allowed_layer(c, layer, &geom)) return;
    char what[96];
    snprintf(what, sizeof what, "project layers the %s tier may not publish",
             vemt_check_tier(c));
    vemt_check_problem(c, what, "%s (%s)", layer, src);
}

/* Every <datasource> and every source="..." in the tree. */
static void check_sources(vemt_checker *c, const CPLXMLNode *n) {
    for (; n; n = n->psNext) {
        if (n->eType == CXT_Element && !strcmp(n->pszValue, "datasource"))
            check_source(c, CPLGetXMLValue(n, NULL, ""));
        if (n->eType == CXT_Attribute && !strcmp(n->pszValue, "source") &&
            n->psChild)
            check_source(c, n->psChild->pszValue);
        if (n->eType == CXT_Element || n->eType == CXT_Attribute)
            check_sources(c, n->psChild);
    }
}

/* XML 1.0 (section 2.2) allows no control character but tab, line feed
 * and carriage return; the text must be UTF-8. */
static const char *bad_char(const char *text) {
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return p;
    return CPLIsUTF8(text, -1) ? NULL : text;
}

void vemt_check_project(vemt_checker *c) {
    char path[4096];
    snprintf(path, sizeof path, "%s", c->path);
    size_t n = strlen(path);
    if (n > 4 && !strcasecmp(path + n - 4, ".qgz")) {
        /* A .qgz is a zip holding the .qgs. */
        char zip[4096];
        snprintf(zip, sizeof zip, "/vsizip/{%s}", c->path);
        char **files = VSIReadDir(zip);
        path[0] = '\0';
        for (size_t i = 0; files && files[i]; i++) {
            size_t k = strlen(files[i]);
            if (k > 4 && !strcasecmp(files[i] + k - 4, ".qgs") &&
                strlen(zip) + k + 2 <= sizeof path)
                snprintf(path, sizeof path, "%.2048s/%.2000s", zip, files[i]);
        }
        CSLDestroy(files);
    }
    char *text = path[0] ? slurp(path) : NULL;
    if (!text) {
        vemt_check_problem(c, "projects that can't be read", "%s", c->path);
        return;
    }
    CPLXMLNode *root = NULL;
    const char *bad = bad_char(text);
    if (!bad) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        root = CPLParseXMLString(text);
        CPLPopErrorHandler();
    }
    if (!root)
        vemt_check_problem(
            c, "projects that are not well-formed XML", "%s: %s", c->path,
            bad ? "a control character or invalid UTF-8" : "does not parse");
    else
        check_sources(c, root);
    if (root) CPLDestroyXMLNode(root);
    VSIFree(text);
}

/* A number's extent from p: sign, integer digits, fractional digits. */
static const char *number_at(const char *p, int *whole, int *frac) {
    *whole = *frac = 0;
    if (*p == '-') p++;
    for (; isdigit((unsigned char)*p); p++) (*whole)++;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p); p++) (*frac)++;
    return p;
}

/* A coordinate pair from p: two eastings/northings of 5 to 7 digits, or
 * two decimal degrees with at least 3 decimals, separated by a comma,
 * space or semicolon ("460123, 520456", "54.5712 -1.1621"). Not a cell id
 * ("465900_520800" names a published cell). Returns the pair's end, or
 * NULL. */
static const char *coordinate_pair(const char *p) {
    int w1, f1, w2, f2;
    const char *e1 = number_at(p, &w1, &f1);
    const char *q = e1;
    while (*q == ',' || *q == ' ' || *q == ';') q++;
    if (q == e1 || q - e1 > 3) return NULL;
    const char *e2 = number_at(q, &w2, &f2);
    bool grid = w1 >= 5 && w1 <= 7 && w2 >= 5 && w2 <= 7;
    bool degrees =
        f1 >= 3 && f2 >= 3 && w1 >= 1 && w1 <= 3 && w2 >= 1 && w2 <= 3;
    return grid || degrees ? e2 : NULL;
}

/* A pseudonym: 20 hex digits on their own (vemt's keyed BLAKE2b, 80 bits). */
static bool pseudonym_at(const char *p) {
    int k = 0;
    while (isxdigit((unsigned char)p[k])) k++;
    return k == 20 && !isalnum((unsigned char)p[k]) && p[k] != '_';
}

void vemt_check_markdown(vemt_checker *c) {
    char *text = slurp(c->path);
    if (!text) {
        vemt_check_problem(c, "reports that can't be read", "%s", c->path);
        return;
    }
    int line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') line++;
        bool start =
            p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
                           p[-1] == '.' || p[-1] == '-');
        if (!start) continue;
        const char *end;
        if ((isdigit((unsigned char)*p) || *p == '-') &&
            (end = coordinate_pair(p)) != NULL) {
            vemt_check_problem(c, "coordinates in the report",
                               "line %d: '%.*s'", line, (int)(end - p), p);
            p = end - 1;
        } else if (isxdigit((unsigned char)*p) && pseudonym_at(p)) {
            vemt_check_problem(c, "pseudonyms in the report",
                               "line %d: '%.20s'", line, p);
            p += 19;
        }
    }
    VSIFree(text);
}
