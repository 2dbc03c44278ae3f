/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file crs.c
 * @brief PROJ transformations to the analysis CRS, normalised to GIS axis
 * order, and the check that the analysis CRS is projected in metres.
 */
#include "ingest/crs.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

#define LOG_SIZE 256

struct vemt_crs {
    PJ_CONTEXT *pj_ctx;
    char log[LOG_SIZE]; /* PROJ's last message (it never prints) */
    PJ *to_analysis;    /* source -> analysis CRS */
    PJ *to_lonlat;      /* source -> EPSG:4326 (for area checks) */
    bool geographic;
    bool bng;       /* the source is EPSG:27700 */
    bool same;      /* the source is the analysis CRS: PROJ is skipped */
    bool same_bng;  /* ... and both are EPSG:27700 */
    double area[4]; /* west, south, east, north: both areas of use */
    char pipeline[512];
};

/* PROJ's messages land in a buffer of the caller's instead of stderr
 * (library code never prints); the last one explains a failure. */
static void on_proj_log(void *data, int level, const char *msg) {
    if (level <= PJ_LOG_ERROR) snprintf(data, LOG_SIZE, "%s", msg);
}

/* A PROJ context whose messages go to log (LOG_SIZE bytes), or NULL. */
static PJ_CONTEXT *quiet_context(char *log) {
    PJ_CONTEXT *c = proj_context_create();
    log[0] = '\0';
    if (c) proj_log_func(c, log, on_proj_log);
    return c;
}

/* Why PROJ failed: its last message, else its error code's text. */
static const char *proj_reason(PJ_CONTEXT *c, const char *log) {
    int e = c ? proj_context_errno(c) : 0;
    if (log[0]) return log;
    return e ? proj_context_errno_string(c, e) : "no transformation";
}

/* A CRS from any definition PROJ accepts. proj_create_crs_to_crs takes a
 * PROJ string such as "+proj=utm +zone=30" as a CRS; proj_create needs
 * "+type=crs" for that, which is added here. NULL when PROJ can't. */
static PJ *create_crs(PJ_CONTEXT *c, const char *def) {
    if (!strstr(def, "proj=") || strstr(def, "type=crs"))
        return proj_create(c, def);
    size_t n = strlen(def) + 12;
    char *s = vemt_malloc(n);
    if (!s) return NULL;
    snprintf(s, n, "%s +type=crs", def);
    PJ *p = proj_create(c, s);
    vemt_free(s);
    return p;
}

/* A transformation in longitude/latitude or easting/northing order
 * (proj_normalize_for_visualization, PROJ quickstart). */
static PJ *make_transform(PJ_CONTEXT *c, const PJ *from, const PJ *to) {
    PJ *raw = proj_create_crs_to_crs_from_pj(c, from, to, NULL, NULL);
    if (!raw) return NULL;
    PJ *norm = proj_normalize_for_visualization(c, raw);
    proj_destroy(raw);
    return norm;
}

/* Narrow a (west, south, east, north) to p's area of use, if it has one. */
static void clip_to_area_of_use(PJ_CONTEXT *c, const PJ *p, double a[4]) {
    double w, s, e, n;
    if (!proj_get_area_of_use(c, p, &w, &s, &e, &n, NULL) || w <= -1000) return;
    if (w > a[0]) a[0] = w;
    if (s > a[1]) a[1] = s;
    if (e < a[2]) a[2] = e;
    if (n < a[3]) a[3] = n;
}

static bool is_epsg(const PJ *p, const char *code) {
    const char *auth = proj_get_id_auth_name(p, 0);
    const char *c = proj_get_id_code(p, 0);
    return auth && c && !strcmp(auth, "EPSG") && !strcmp(c, code);
}

/* What the source is, and the areas of use of both CRSs intersected. */
static void describe(vemt_crs *crs, const PJ *src, const PJ *dst) {
    double a[4] = {-180, -90, 180, 90};
    clip_to_area_of_use(crs->pj_ctx, src, a);
    clip_to_area_of_use(crs->pj_ctx, dst, a);
    memcpy(crs->area, a, sizeof a);
    PJ_TYPE t = proj_get_type(src);
    crs->geographic =
        t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    crs->bng = is_epsg(src, "27700");
    crs->same = proj_is_equivalent_to_with_ctx(
        crs->pj_ctx, src, dst, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
    crs->same_bng = crs->same && crs->bng && is_epsg(dst, "27700");
    PJ_PROJ_INFO info = proj_pj_info(crs->to_analysis);
    snprintf(crs->pipeline, sizeof crs->pipeline, "%s",
             info.definition ? info.definition : info.description);
}

vemt_status vemt_crs_create(vemt_ctx *ctx, const char *from, const char *to,
                            vemt_crs **out) {
    *out = NULL;
    if (!to) to = VEMT_ANALYSIS_CRS_DEFAULT;
    vemt_crs *crs = vemt_calloc(1, sizeof *crs);
    if (!crs) return VEMT_E_NOMEM;
    PJ *src = NULL, *dst = NULL, *wgs = NULL;
    PJ_CONTEXT *c = crs->pj_ctx = quiet_context(crs->log);
    if (c) {
        src = create_crs(c, from);
        dst = create_crs(c, to);
        wgs = proj_create(c, "EPSG:4326");
    }
    if (src && dst && wgs) {
        crs->to_analysis = make_transform(c, src, dst);
        crs->to_lonlat = make_transform(c, src, wgs);
    }
    vemt_status st = VEMT_OK;
    if (!crs->to_analysis || !crs->to_lonlat)
        st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                           "unknown or unusable CRS '%.80s' (PROJ: %.100s)",
                           src && !dst ? to : from, proj_reason(c, crs->log));
    else
        describe(crs, src, dst);
    proj_destroy(src);
    proj_destroy(dst);
    proj_destroy(wgs);
    if (st) {
        vemt_crs_destroy(crs);
        return st;
    }
    *out = crs;
    return VEMT_OK;
}

void vemt_crs_destroy(vemt_crs *crs) {
    if (!crs) return;
    proj_destroy(crs->to_analysis);
    proj_destroy(crs->to_lonlat);
    if (crs->pj_ctx) proj_context_destroy(crs->pj_ctx);
    vemt_free(crs);
}

bool vemt_crs_is_geographic(const vemt_crs *crs) { return crs->geographic; }

bool vemt_crs_is_bng(const vemt_crs *crs) { return crs->bng; }

bool vemt_crs_is_analysis(const vemt_crs *crs) { return crs->same; }

bool vemt_crs_to_analysis(const vemt_crs *crs, double a, double b, double *x,
                          double *y) {
    if (crs->same) { /* already there: no work for PROJ */
        *x = a;
        *y = b;
        return true;
    }
    PJ_COORD c = proj_coord(a, b, 0, 0);
    PJ_COORD r = proj_trans(crs->to_analysis, PJ_FWD, c);
    if (r.xy.x == HUGE_VAL || r.xy.y == HUGE_VAL) return false;
    *x = r.xy.x;
    *y = r.xy.y;
    return true;
}

bool vemt_crs_to_analysis_n(const vemt_crs *crs, double *x, double *y,
                            size_t stride, size_t n) {
    if (crs->same || n == 0) return true;
    size_t step = stride * sizeof *x;
    proj_trans_generic(crs->to_analysis, PJ_FWD, x, step, n, y, step, n, NULL,
                       0, 0, NULL, 0, 0);
    for (size_t i = 0; i < n; i++)
        if (x[i * stride] == HUGE_VAL || y[i * stride] == HUGE_VAL)
            return false;
    return true;
}

bool vemt_crs_in_area(const vemt_crs *crs, double a, double b) {
    /* The grid's own extent: the caller checks 0-700 km and 0-1300 km. */
    if (crs->same_bng) return true;
    double lon = a, lat = b;
    if (!crs->geographic) {
        PJ_COORD r = proj_trans(crs->to_lonlat, PJ_FWD, proj_coord(a, b, 0, 0));
        if (r.xy.x == HUGE_VAL) return false;
        lon = r.xy.x;
        lat = r.xy.y;
    }
    return lon >= crs->area[0] && lat >= crs->area[1] && lon <= crs->area[2] &&
           lat <= crs->area[3];
}

const char *vemt_crs_pipeline(vemt_crs *crs) {
    /* A transformation made by proj_create_crs_to_crs picks its operation
     * per point: only after proj_trans can PROJ say which one it used
     * (the OSTN15 grid, or the Helmert fallback without it). */
    PJ *op =
        crs->same ? NULL : proj_trans_get_last_used_operation(crs->to_analysis);
    if (op) {
        PJ_PROJ_INFO info = proj_pj_info(op);
        const char *d = info.definition && info.definition[0]
                            ? info.definition
                            : info.description;
        if (d && d[0]) snprintf(crs->pipeline, sizeof crs->pipeline, "%s", d);
        proj_destroy(op);
    }
    return crs->pipeline;
}

/* ---- The analysis CRS ---------------------------------------------------
 * Cell sizes, distance bands, eps, bandwidths and radii are metres, and
 * grids and rasters are north-up: the analysis CRS must be projected, with
 * easting and northing axes in metres. */

#define METRES_HINT                                                     \
    "cell sizes, distances and bandwidths are metres: use a projected " \
    "CRS in metres, e.g. the study area's UTM zone (EPSG:32630 for 6W-0E)"

/* Why crs can't be the analysis CRS, into ctx's error; VEMT_OK if it can. */
static vemt_status check_metric(PJ_CONTEXT *c, const PJ *crs, vemt_ctx *ctx) {
    const char *name = proj_get_name(crs) ? proj_get_name(crs) : "the CRS";
    PJ_TYPE t = proj_get_type(crs);
    if (t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS)
        return vemt_ctx_fail(
            ctx, VEMT_E_ARG,
            "%.60s is a geographic CRS (degrees), but " METRES_HINT, name);
    if (t == PJ_TYPE_COMPOUND_CRS)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "%.60s is a compound CRS: give its horizontal "
                             "part, a projected CRS in metres",
                             name);
    if (t != PJ_TYPE_PROJECTED_CRS)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "%.60s is not a projected CRS, and " METRES_HINT,
                             name);
    PJ *cs = proj_crs_get_coordinate_system(c, crs);
    int n = cs ? proj_cs_get_axis_count(c, cs) : 0;
    vemt_status st = n == 2 ? VEMT_OK
                            : vemt_ctx_fail(ctx, VEMT_E_ARG,
                                            "%.60s does not have two axes, "
                                            "easting and northing",
                                            name);
    bool east = false, north = false;
    for (int i = 0; i < n && !st; i++) {
        const char *dir = NULL, *unit = NULL;
        double to_metres = 0;
        proj_cs_get_axis_info(c, cs, i, NULL, NULL, &dir, &to_metres, &unit,
                              NULL, NULL);
        if (fabs(to_metres - 1) > 1e-12)
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "%.60s has axes in %.30s, but " METRES_HINT,
                               name, unit ? unit : "units other than metres");
        east |= dir && !strcmp(dir, "east");
        north |= dir && !strcmp(dir, "north");
    }
    if (!st && !(east && north))
        st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                           "%.60s does not have axes pointing east and "
                           "north, which grids and rasters need",
                           name);
    proj_destroy(cs);
    return st;
}

/* How every stage is to name crs: "AUTH:CODE", else its WKT2. */
static char *canonical_definition(PJ_CONTEXT *c, const PJ *crs) {
    const char *auth = proj_get_id_auth_name(crs, 0);
    const char *code = proj_get_id_code(crs, 0);
    if (auth && code) {
        size_t n = strlen(auth) + strlen(code) + 2;
        char *s = vemt_malloc(n);
        if (s) snprintf(s, n, "%s:%s", auth, code);
        return s;
    }
    const char *wkt = proj_as_wkt(c, crs, PJ_WKT2_2019, NULL);
    return wkt ? vemt_strdup(wkt) : NULL;
}

vemt_status vemt_ingest_analysis_crs(vemt_ctx *ctx, const char *definition,
                                     char **canonical, char *name,
                                     size_t name_size) {
    *canonical = NULL;
    if (name_size) name[0] = '\0';
    if (!definition) definition = VEMT_ANALYSIS_CRS_DEFAULT;
    char log[LOG_SIZE];
    PJ_CONTEXT *c = quiet_context(log);
    if (!c)
        return vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                             "PROJ: can't create a context");
    PJ *crs = create_crs(c, definition), *base = NULL;
    vemt_status st = VEMT_OK;
    if (!crs || !proj_is_crs(crs)) {
        st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                           "unknown coordinate reference system '%.80s' "
                           "(PROJ: %.100s)",
                           definition, crs ? "not a CRS" : proj_reason(c, log));
        goto done;
    }
    /* A CRS with +towgs84 is a bound CRS: what counts is its base. */
    if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS)
        base = proj_get_source_crs(c, crs);
    if ((st = check_metric(c, base ? base : crs, ctx))) goto done;
    if (!(*canonical = canonical_definition(c, crs))) st = VEMT_E_NOMEM;
    if (name_size)
        snprintf(name, name_size, "%s",
                 proj_get_name(crs) ? proj_get_name(crs) : "");
done:
    proj_destroy(base);
    proj_destroy(crs);
    proj_context_destroy(c);
    return st;
}
