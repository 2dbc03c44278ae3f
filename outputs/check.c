/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check.c
 * @brief `vemt check-disclosure`: audit the files a run publishes against
 * a tier's allow-list (disclosure/allow.c), never against what a file says
 * of itself. Problems are gathered by class and printed one line per
 * class, with a count and the first examples. Paths: a GeoPackage, a
 * GeoJSON file or folder, a GeoTIFF, a QGIS project, a Markdown report,
 * and a board pack (check_pack.c: its folder or its board-pack.json, or a
 * folder holding one inside a folder checked).
 */
#include "outputs/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "outputs/check_pack.h"
#include "outputs/pack.h"

const char *vemt_check_tier(const vemt_checker *c) {
    return vemt_tier_name(c->rules->tier);
}

static vemt_check_class *find_class(vemt_checker *c, const char *what) {
    for (size_t i = 0; i < c->n_classes; i++)
        if (!strcmp(c->classes[i].what, what)) return &c->classes[i];
    if (vemt_grow((void **)&c->classes, &c->cap, c->n_classes + 1,
                  sizeof *c->classes))
        return NULL;
    vemt_check_class *k = &c->classes[c->n_classes];
    memset(k, 0, sizeof *k);
    if (!(k->what = vemt_strdup(what))) return NULL;
    c->n_classes++;
    return k;
}

void vemt_check_problem(vemt_checker *c, const char *what, const char *fmt,
                        ...) {
    c->problems++;
    vemt_check_class *k = find_class(c, what);
    if (!k) {
        c->nomem = true;
        return;
    }
    if (k->count++ >= VEMT_CHECK_EXAMPLES) return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(k->first[k->count - 1] = vemt_strdup(buf))) c->nomem = true;
}

/* One line per class: "PATH: COUNT WHAT (first: a; b; c)". */
static void print_classes(const vemt_checker *c, FILE *report) {
    for (size_t i = 0; i < c->n_classes; i++) {
        const vemt_check_class *k = &c->classes[i];
        fprintf(report, "%s: %zu %s", c->path, k->count, k->what);
        for (size_t j = 0; j < VEMT_CHECK_EXAMPLES && k->first[j]; j++)
            fprintf(report, "%s%s", j ? "; " : " (first: ", k->first[j]);
        fputs(k->first[0] ? ")\n" : "\n", report);
    }
}

static void free_classes(vemt_checker *c) {
    for (size_t i = 0; i < c->n_classes; i++) {
        vemt_free(c->classes[i].what);
        for (size_t j = 0; j < VEMT_CHECK_EXAMPLES; j++)
            vemt_free(c->classes[i].first[j]);
    }
    vemt_free(c->classes);
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcasecmp(s + n - k, tail);
}

/* The layer a GeoJSON file's name names: its base name without
 * ".geojson", into buf. */
static void layer_of_file(const char *path, char *buf, size_t size) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (ends_with(base, ".geojson")) n -= strlen(".geojson");
    snprintf(buf, size, "%.*s", (int)n, base);
}

static vemt_status check_gpkg_file(vemt_checker *c) {
    GDALDatasetH ds =
        GDALOpenEx(c->path, GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_READONLY,
                   (const char *const[]){"GPKG", NULL}, NULL, NULL);
    if (!ds) {
        vemt_ctx_fail(c->ctx, VEMT_E_IO, "can't open as a GeoPackage");
        vemt_ctx_set_source(c->ctx, c->path);
        return VEMT_E_IO;
    }
    vemt_check_gpkg(c, ds);
    GDALClose(ds);
    return VEMT_OK;
}

/* The folder of the board pack whose manifest is path, into buf; false
 * when path is not a board-pack.json. */
static bool pack_of_manifest(const char *path, char *buf, size_t size) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strcmp(base, "board-pack.json")) return false;
    if (!slash)
        snprintf(buf, size, ".");
    else
        snprintf(buf, size, "%.*s", (int)(slash == path ? 1 : slash - path),
                 path);
    return true;
}

/* Check path by its kind: a board pack (its folder or its manifest), a
 * folder, or a file by its extension. */
static vemt_status check_path(vemt_checker *c) {
    struct stat st;
    if (stat(c->path, &st) != 0) {
        vemt_ctx_fail(c->ctx, VEMT_E_IO, "no such file or folder");
        vemt_ctx_set_source(c->ctx, c->path);
        return VEMT_E_IO;
    }
    char pack[4096];
    if (S_ISDIR(st.st_mode) && vemt_check_is_pack(c->path)) {
        vemt_check_pack(c, c->path, "");
        return VEMT_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        vemt_check_folder(c);
        return VEMT_OK;
    }
    const char *p = c->path;
    if (pack_of_manifest(p, pack, sizeof pack)) {
        vemt_check_pack(c, pack, "");
        return VEMT_OK;
    }
    if (ends_with(p, ".gpkg")) return check_gpkg_file(c);
    if (ends_with(p, ".geojson")) {
        char layer[256];
        layer_of_file(p, layer, sizeof layer);
        vemt_check_geojson(c, p, layer);
    } else if (ends_with(p, ".tif") || ends_with(p, ".tiff")) {
        vemt_check_geotiff(c);
    } else if (ends_with(p, ".qgs") || ends_with(p, ".qgz")) {
        vemt_check_project(c);
    } else if (ends_with(p, ".md")) {
        vemt_check_markdown(c);
    } else {
        vemt_check_problem(c, "files of a kind vemt does not publish", "%s", p);
    }
    return VEMT_OK;
}

vemt_status vemt_outputs_check_disclosure(vemt_ctx *ctx, const char *path,
                                          const vemt_tier_rules *rules,
                                          FILE *report, size_t *problems) {
    *problems = 0;
    vemt_checker c = {.ctx = ctx, .rules = rules, .path = path};
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_IO);
    vemt_status st = check_path(&c);
    vemt_gdal_errors_pop();
    if (!st && c.nomem)
        st =
            vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory checking %s", path);
    if (!st) print_classes(&c, report);
    free_classes(&c);
    *problems = c.problems;
    return st;
}

vemt_status vemt_outputs_check_pack_commit(vemt_ctx *ctx, const char *dir,
                                           const vemt_commit *commit,
                                           const vemt_tier_rules *rules,
                                           FILE *report, size_t *problems) {
    *problems = 0;
    vemt_checker c = {.ctx = ctx, .rules = rules, .path = dir};
    vemt_check_pack_in(&c, dir, "", commit);
    vemt_status st = c.nomem ? vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                                             "out of memory checking %s", dir)
                             : VEMT_OK;
    if (!st) print_classes(&c, report);
    free_classes(&c);
    *problems = c.problems;
    return st;
}

vemt_status vemt_outputs_check_disclosure_paths(
    vemt_ctx *ctx, const char *const *paths, size_t n,
    const vemt_tier_rules *rules, FILE *report, size_t *problems) {
    *problems = 0;
    size_t failing = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        vemt_status st =
            vemt_outputs_check_disclosure(ctx, paths[i], rules, report, &k);
        if (st) return st;
        *problems += k;
        failing += k > 0;
    }
    fprintf(report,
            "check-disclosure: %zu problem%s in %zu of %zu path%s for the %s "
            "tier (threshold %g, rounding %g, units of at least %g m2)\n",
            *problems, *problems == 1 ? "" : "s", failing, n, n == 1 ? "" : "s",
            vemt_tier_name(rules->tier), rules->threshold, rules->round_to,
            vemt_disclosure_min_area(rules));
    return VEMT_OK;
}
