/** @file crs.c
 * @brief PROJ transformations to EPSG:27700, normalised to GIS axis order.
 */
#include "ingest/crs.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"

struct vemt_crs {
    PJ_CONTEXT *pj_ctx;
    PJ *to_bng;    /* source -> EPSG:27700 */
    PJ *to_lonlat; /* source -> EPSG:4326 (for area checks) */
    bool geographic;
    bool bng;
    double area[4]; /* west, south, east, north: both areas of use */
    char pipeline[512];
};

/* A transformation in longitude/latitude or easting/northing order
 * (proj_normalize_for_visualization, PROJ quickstart). */
static PJ *make_transform(PJ_CONTEXT *c, const char *from, const char *to) {
    PJ *raw = proj_create_crs_to_crs(c, from, to, NULL);
    if (!raw) return NULL;
    PJ *norm = proj_normalize_for_visualization(c, raw);
    proj_destroy(raw);
    return norm;
}

/* Intersect the areas of use of the source CRS and of EPSG:27700. */
static void areas_of_use(vemt_crs *crs, const char *from) {
    double a[4] = {-180, -90, 180, 90};
    const char *defs[2] = {from, "EPSG:27700"};
    for (int k = 0; k < 2; k++) {
        PJ *p = proj_create(crs->pj_ctx, defs[k]);
        double w, s, e, n;
        if (p && proj_get_area_of_use(crs->pj_ctx, p, &w, &s, &e, &n, NULL) &&
            w > -1000) {
            if (w > a[0]) a[0] = w;
            if (s > a[1]) a[1] = s;
            if (e < a[2]) a[2] = e;
            if (n < a[3]) a[3] = n;
        }
        if (p && k == 0) {
            PJ_TYPE t = proj_get_type(p);
            crs->geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
                              t == PJ_TYPE_GEOGRAPHIC_3D_CRS;
        }
        proj_destroy(p);
    }
    memcpy(crs->area, a, sizeof a);
}

vemt_status vemt_crs_create(vemt_ctx *ctx, const char *from, vemt_crs **out) {
    *out = NULL;
    vemt_crs *crs = vemt_calloc(1, sizeof *crs);
    if (!crs) return VEMT_E_NOMEM;
    crs->pj_ctx = proj_context_create();
    if (crs->pj_ctx) {
        crs->to_bng = make_transform(crs->pj_ctx, from, "EPSG:27700");
        crs->to_lonlat = make_transform(crs->pj_ctx, from, "EPSG:4326");
    }
    if (!crs->to_bng || !crs->to_lonlat) {
        int e = crs->pj_ctx ? proj_context_errno(crs->pj_ctx) : 0;
        vemt_error_set(vemt_ctx_err(ctx), VEMT_E_ARG,
                       "unknown or unusable CRS '%s' (PROJ: %s)", from,
                       e ? proj_context_errno_string(crs->pj_ctx, e)
                         : "no transformation");
        vemt_crs_destroy(crs);
        return VEMT_E_ARG;
    }
    areas_of_use(crs, from);
    PJ *src = proj_create(crs->pj_ctx, from);
    const char *auth = src ? proj_get_id_auth_name(src, 0) : NULL;
    const char *code = src ? proj_get_id_code(src, 0) : NULL;
    crs->bng = auth && code && !strcmp(auth, "EPSG") && !strcmp(code, "27700");
    proj_destroy(src);
    PJ_PROJ_INFO info = proj_pj_info(crs->to_bng);
    snprintf(crs->pipeline, sizeof crs->pipeline, "%s",
             info.definition ? info.definition : info.description);
    *out = crs;
    return VEMT_OK;
}

void vemt_crs_destroy(vemt_crs *crs) {
    if (!crs) return;
    proj_destroy(crs->to_bng);
    proj_destroy(crs->to_lonlat);
    if (crs->pj_ctx) proj_context_destroy(crs->pj_ctx);
    vemt_free(crs);
}

bool vemt_crs_is_geographic(const vemt_crs *crs) { return crs->geographic; }

bool vemt_crs_is_bng(const vemt_crs *crs) { return crs->bng; }

bool vemt_crs_to_bng(const vemt_crs *crs, double a, double b, double *e,
                     double *n) {
    if (crs->bng) { /* already there: no work for PROJ */
        *e = a;
        *n = b;
        return true;
    }
    PJ_COORD c = proj_coord(a, b, 0, 0);
    PJ_COORD r = proj_trans(crs->to_bng, PJ_FWD, c);
    if (r.xy.x == HUGE_VAL || r.xy.y == HUGE_VAL) return false;
    *e = r.xy.x;
    *n = r.xy.y;
    return true;
}

bool vemt_crs_in_area(const vemt_crs *crs, double a, double b) {
    /* The grid's own extent: the caller checks 0-700 km and 0-1300 km. */
    if (crs->bng) return true;
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
    PJ *op = crs->bng ? NULL : proj_trans_get_last_used_operation(crs->to_bng);
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
