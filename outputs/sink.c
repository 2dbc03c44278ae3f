/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file sink.c
 * @brief A layer's rows into an OGR layer or a GeoPackage table.
 *
 * The GeoPackage geometry blob (GeoPackage 1.2, clause 2.1.3): "GP",
 * version 0, a flags byte (bit 0 little-endian, bits 1-3 the envelope:
 * 0 none, 1 minx maxx miny maxy; bit 4 empty), the srs_id, the envelope,
 * then the geometry as ISO WKB. Points carry no envelope, as GDAL writes
 * them.
 */
#include "outputs/sink.h"

#include <string.h>

#include "engine/alloc.h"
#include "outputs/gpkg_table.h"

int vemt_sink_index(const vemt_sink *s, const char *name) {
    for (size_t i = 0; i < s->n_fields; i++)
        if (!strcmp(s->fields[i].name, name)) return (int)i;
    return -1;
}

/* The current row's value of field ix (ix + 1: the geometry is first),
 * or NULL (and the sink failed) for a field the table lacks. */
static vemt_gpkg_value *slot(vemt_sink *s, int ix) {
    vemt_gpkg_table *t = s->gpkg;
    if (ix + 1 >= t->n_cols) {
        s->failed = true;
        return NULL;
    }
    return &t->vals[(size_t)t->row * (size_t)t->n_cols + (size_t)ix + 1];
}

/* Room for n more bytes of the waiting rows' blobs and texts: where they
 * go, or NULL (the sink failed). */
static unsigned char *room(vemt_sink *s, size_t n) {
    vemt_gpkg_table *t = s->gpkg;
    if (!t->bytes || t->used + n > t->cap) { /* room(0) too: never NULL */
        size_t c = t->used + n < 4096 ? 4096 : 2 * (t->used + n);
        unsigned char *p = vemt_realloc(t->bytes, c);
        if (!p) {
            s->failed = true;
            return NULL;
        }
        t->bytes = p;
        t->cap = c;
    }
    return t->bytes + t->used;
}

/* The len bytes just written at room() are v's text or blob. */
static void take_bytes(vemt_gpkg_table *t, vemt_gpkg_value *v, int type,
                       size_t len) {
    v->type = type;
    v->kept = false;
    v->v.off = t->used;
    v->len = (int)len;
    t->used += len;
}

void vemt_sink_begin(vemt_sink *s) {
    if (s->gpkg) {
        vemt_gpkg_table *t = s->gpkg;
        memset(t->vals + (size_t)t->row * (size_t)t->n_cols, 0,
               (size_t)t->n_cols * sizeof *t->vals);
        t->row_box = false;
        return;
    }
    if (s->f) OGR_F_Destroy(s->f);
    s->f = OGR_F_Create(OGR_L_GetLayerDefn(s->layer));
    if (!s->f) s->failed = true;
}

void vemt_sink_null(vemt_sink *s, int ix) {
    if (ix < 0) return;
    if (s->gpkg) {
        vemt_gpkg_value *v = slot(s, ix);
        if (v) v->type = 0;
    } else if (s->f)
        OGR_F_SetFieldNull(s->f, ix);
}

void vemt_sink_int(vemt_sink *s, int ix, int64_t v) {
    if (ix < 0) return;
    if (s->gpkg) {
        vemt_gpkg_value *x = slot(s, ix);
        if (x) *x = (vemt_gpkg_value){.type = SQLITE_INTEGER, .v.i = v};
    } else if (s->f)
        OGR_F_SetFieldInteger64(s->f, ix, (GIntBig)v);
}

void vemt_sink_real(vemt_sink *s, int ix, double v) {
    if (ix < 0) return;
    if (s->gpkg) {
        vemt_gpkg_value *x = slot(s, ix);
        if (x) *x = (vemt_gpkg_value){.type = SQLITE_FLOAT, .v.d = v};
    } else if (s->f)
        OGR_F_SetFieldDouble(s->f, ix, v);
}

void vemt_sink_text(vemt_sink *s, int ix, const char *v) {
    if (ix < 0) return;
    if (!v)
        vemt_sink_null(s, ix);
    else if (s->gpkg) {
        vemt_gpkg_value *x = slot(s, ix);
        size_t n = strlen(v);
        unsigned char *p = x ? room(s, n) : NULL;
        if (!p) return;
        memcpy(p, v, n);
        take_bytes(s->gpkg, x, SQLITE_TEXT, n);
    } else if (s->f)
        OGR_F_SetFieldString(s->f, ix, v);
}

void vemt_sink_text_kept(vemt_sink *s, int ix, const char *v) {
    if (ix >= 0 && v && s->gpkg) {
        vemt_gpkg_value *x = slot(s, ix);
        if (x)
            *x = (vemt_gpkg_value){
                .type = SQLITE_TEXT, .kept = true, .len = -1, .v.p = v};
    } else
        vemt_sink_text(s, ix, v);
}

void vemt_sink_datetime(vemt_sink *s, int ix, int y, int m, int d, int hh,
                        int mm, int ss, bool utc) {
    if (ix < 0) return;
    if (!s->gpkg) {
        if (s->f)
            OGR_F_SetFieldDateTimeEx(s->f, ix, y, m, d, hh, mm, (float)ss,
                                     utc ? 100 : 0);
        return;
    }
    /* GDAL's text forms: DATE "YYYY-MM-DD", DATETIME
     * "YYYY-MM-DDTHH:MM:SS.000Z"; by hand, as snprintf is a tenth of the
     * time of a million-event write (snprintf for a year outside
     * 0-9999). */
    vemt_gpkg_value *x = slot(s, ix);
    char *buf = x ? (char *)room(s, 40) : NULL;
    if (!buf) return;
    memcpy(buf, "0000-00-00T00:00:00.000Z", 25);
    if (y < 0 || y > 9999) {
        int n = snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, d,
                         hh, mm, ss);
        n = n < 0 ? 0 : n > 39 ? 39 : n;
        take_bytes(s->gpkg, x, SQLITE_TEXT,
                   (size_t)(utc      ? n
                            : n > 14 ? n - 14
                                     : n));
        return;
    }
    const int v[6] = {y, m, d, hh, mm, ss}, at[6] = {3, 6, 9, 12, 15, 18};
    for (int k = 0; k < 6; k++) {
        int z = v[k] < 0 ? 0 : v[k];
        for (int p = at[k]; z && p >= (k ? at[k] - 1 : 0); p--, z /= 10)
            buf[p] = (char)('0' + z % 10);
    }
    take_bytes(s->gpkg, x, SQLITE_TEXT, utc ? 24 : 10);
}

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64(unsigned char *p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(u >> (8 * i));
}

/* The current row's geometry. */
static vemt_gpkg_value *geom_slot(vemt_gpkg_table *t) {
    return &t->vals[(size_t)t->row * (size_t)t->n_cols];
}

/* The blob's header: magic, version, flags, srs_id. */
static void blob_header(unsigned char *p, unsigned flags, int srs_id) {
    p[0] = 'G';
    p[1] = 'P';
    p[2] = 0;
    p[3] = (unsigned char)flags;
    put_u32(p + 4, (uint32_t)srs_id);
}

void vemt_sink_point(vemt_sink *s, double x, double y) {
    if (!s->gpkg) {
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, x, y);
        vemt_sink_geometry(s, pt);
        return;
    }
    unsigned char *p = room(s, 29);
    if (!p) return;
    vemt_gpkg_table *t = s->gpkg;
    blob_header(p, 0x01, t->g->srs_id);
    p[8] = 1; /* little-endian WKB */
    put_u32(p + 9, 1);
    put_f64(p + 13, x);
    put_f64(p + 21, y);
    take_bytes(t, geom_slot(t), SQLITE_BLOB, 29);
    t->box[0] = t->box[1] = x;
    t->box[2] = t->box[3] = y;
    t->row_box = true;
}

void vemt_sink_geometry(vemt_sink *s, OGRGeometryH g) {
    if (!g) return;
    if (!s->gpkg) {
        if (s->f)
            OGR_F_SetGeometryDirectly(s->f, g);
        else
            OGR_G_DestroyGeometry(g);
        return;
    }
    vemt_gpkg_table *t = s->gpkg;
    bool empty = OGR_G_IsEmpty(g);
    size_t head = empty ? 8 : 40, wkb = (size_t)OGR_G_WkbSizeEx(g);
    unsigned char *p = room(s, head + wkb);
    if (p) {
        blob_header(p, empty ? 0x11 : 0x03, t->g->srs_id);
        if (!empty) {
            OGREnvelope env;
            OGR_G_GetEnvelope(g, &env);
            t->box[0] = env.MinX;
            t->box[1] = env.MaxX;
            t->box[2] = env.MinY;
            t->box[3] = env.MaxY;
            for (int k = 0; k < 4; k++) put_f64(p + 8 + 8 * k, t->box[k]);
            t->row_box = true;
        }
        if (OGR_G_ExportToIsoWkb(g, wkbNDR, p + head) == OGRERR_NONE)
            take_bytes(t, geom_slot(t), SQLITE_BLOB, head + wkb);
        else
            s->failed = true;
    }
    OGR_G_DestroyGeometry(g);
}

void vemt_sink_ring(vemt_sink *s, const double *xy, size_t n) {
    if (!s->gpkg) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
        for (size_t k = 0; k < n; k++)
            OGR_G_AddPoint_2D(ring, xy[2 * k], xy[2 * k + 1]);
        OGR_G_AddGeometryDirectly(poly, ring);
        vemt_sink_geometry(s, poly);
        return;
    }
    /* header 8, envelope 32, WKB: order 1, type 4, rings 4, points 4 */
    size_t head = 40 + 13, len = head + 16 * n;
    unsigned char *p = room(s, len);
    if (!p) return;
    vemt_gpkg_table *t = s->gpkg;
    double box[4] = {xy[0], xy[0], xy[1], xy[1]};
    for (size_t k = 0; k < n; k++) {
        double x = xy[2 * k], y = xy[2 * k + 1];
        box[0] = x < box[0] ? x : box[0];
        box[1] = x > box[1] ? x : box[1];
        box[2] = y < box[2] ? y : box[2];
        box[3] = y > box[3] ? y : box[3];
        put_f64(p + head + 16 * k, x);
        put_f64(p + head + 16 * k + 8, y);
    }
    blob_header(p, 0x03, t->g->srs_id);
    for (int k = 0; k < 4; k++) {
        t->box[k] = box[k];
        put_f64(p + 8 + 8 * k, box[k]);
    }
    p[40] = 1;
    put_u32(p + 41, 3);
    put_u32(p + 45, 1);
    put_u32(p + 49, (uint32_t)n);
    take_bytes(t, geom_slot(t), SQLITE_BLOB, len);
    t->row_box = true;
}

vemt_status vemt_sink_add(vemt_sink *s) {
    if (s->failed) return VEMT_E_NOMEM;
    if (s->gpkg) return vemt_gpkg_table_add(s->gpkg);
    OGRErr e = OGR_L_CreateFeature(s->layer, s->f);
    return e == OGRERR_NONE ? VEMT_OK : VEMT_E_DEPENDENCY;
}

void vemt_sink_release(vemt_sink *s) {
    if (s->f) OGR_F_Destroy(s->f);
    s->f = NULL;
}
