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

void vemt_sink_begin(vemt_sink *s) {
    s->ring_of = -1;
    if (s->gpkg) {
        sqlite3_clear_bindings(s->gpkg->insert);
        s->gpkg->blob_len = 0;
        s->gpkg->row_box = false;
        return;
    }
    if (s->f) OGR_F_Destroy(s->f);
    s->f = OGR_F_Create(OGR_L_GetLayerDefn(s->layer));
    if (!s->f) s->failed = true;
}

void vemt_sink_null(vemt_sink *s, int ix) {
    if (ix < 0) return;
    if (s->gpkg)
        sqlite3_bind_null(s->gpkg->insert, ix + 2);
    else if (s->f)
        OGR_F_SetFieldNull(s->f, ix);
}

void vemt_sink_int(vemt_sink *s, int ix, int64_t v) {
    if (ix < 0) return;
    if (s->gpkg)
        sqlite3_bind_int64(s->gpkg->insert, ix + 2, v);
    else if (s->f)
        OGR_F_SetFieldInteger64(s->f, ix, (GIntBig)v);
}

void vemt_sink_real(vemt_sink *s, int ix, double v) {
    if (ix < 0) return;
    if (s->gpkg)
        sqlite3_bind_double(s->gpkg->insert, ix + 2, v);
    else if (s->f)
        OGR_F_SetFieldDouble(s->f, ix, v);
}

void vemt_sink_text(vemt_sink *s, int ix, const char *v) {
    if (ix < 0) return;
    if (!v)
        vemt_sink_null(s, ix);
    else if (s->gpkg)
        sqlite3_bind_text(s->gpkg->insert, ix + 2, v, -1, SQLITE_TRANSIENT);
    else if (s->f)
        OGR_F_SetFieldString(s->f, ix, v);
}

void vemt_sink_text_kept(vemt_sink *s, int ix, const char *v) {
    if (ix >= 0 && v && s->gpkg)
        sqlite3_bind_text(s->gpkg->insert, ix + 2, v, -1, SQLITE_STATIC);
    else
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
    char *buf = s->gpkg->dt[ix % VEMT_SINK_MAX_FIELDS];
    memcpy(buf, "0000-00-00T00:00:00.000Z", 25);
    if (y < 0 || y > 9999) {
        int n = snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, d,
                         hh, mm, ss);
        sqlite3_bind_text(s->gpkg->insert, ix + 2, buf, utc ? n : n - 14,
                          SQLITE_TRANSIENT);
        return;
    }
    const int v[6] = {y, m, d, hh, mm, ss}, at[6] = {3, 6, 9, 12, 15, 18};
    for (int k = 0; k < 6; k++) {
        int x = v[k] < 0 ? 0 : v[k];
        for (int p = at[k]; x && p >= (k ? at[k] - 1 : 0); p--, x /= 10)
            buf[p] = (char)('0' + x % 10);
    }
    sqlite3_bind_text(s->gpkg->insert, ix + 2, buf, utc ? 24 : 10,
                      SQLITE_STATIC);
}

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64(unsigned char *p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(u >> (8 * i));
}

/* Room for n bytes of blob. */
static bool blob_room(vemt_sink *s, size_t n) {
    vemt_gpkg_table *t = s->gpkg;
    if (n <= t->blob_cap) return true;
    size_t c = n < 256 ? 256 : n * 2;
    unsigned char *p = vemt_realloc(t->blob, c);
    if (!p) {
        s->failed = true;
        return false;
    }
    t->blob = p;
    t->blob_cap = c;
    return true;
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
    if (!blob_room(s, 29)) return;
    vemt_gpkg_table *t = s->gpkg;
    unsigned char *p = t->blob;
    blob_header(p, 0x01, t->g->srs_id);
    p[8] = 1; /* little-endian WKB */
    put_u32(p + 9, 1);
    put_f64(p + 13, x);
    put_f64(p + 21, y);
    t->blob_len = 29;
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
    if (blob_room(s, head + wkb)) {
        unsigned char *p = t->blob;
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
            t->blob_len = head + wkb;
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
    if (!blob_room(s, len)) return;
    vemt_gpkg_table *t = s->gpkg;
    unsigned char *p = t->blob;
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
    t->blob_len = len;
    t->row_box = true;
}

bool vemt_sink_same_ring(vemt_sink *s, long unit) {
    vemt_gpkg_table *t = s->gpkg;
    /* begin() forgot the unit; the blob and box are still the last row's */
    if (!t || unit < 0 || t->blob_unit != unit || !t->blob_len_kept)
        return false;
    t->blob_len = t->blob_len_kept;
    t->row_box = true;
    for (int k = 0; k < 4; k++) t->box[k] = t->box_kept[k];
    return true;
}

vemt_status vemt_sink_add(vemt_sink *s) {
    if (s->failed) return VEMT_E_NOMEM;
    if (s->gpkg) {
        vemt_gpkg_table *t = s->gpkg;
        t->blob_unit = s->ring_of;
        t->blob_len_kept = t->row_box ? t->blob_len : 0;
        for (int k = 0; k < 4; k++) t->box_kept[k] = t->box[k];
        return vemt_gpkg_table_add(t);
    }
    OGRErr e = OGR_L_CreateFeature(s->layer, s->f);
    return e == OGRERR_NONE ? VEMT_OK : VEMT_E_DEPENDENCY;
}

void vemt_sink_release(vemt_sink *s) {
    if (s->f) OGR_F_Destroy(s->f);
    s->f = NULL;
}
