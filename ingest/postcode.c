/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file postcode.c
 * @brief Postcode lookup in the ONS Postcode Directory's column layout.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/crs.h"
#include "ingest/csv.h"
#include "ingest/idset.h"
#include "ingest/ingest.h"
#include "ingest/load.h"
#include "ingest/value.h"

struct vemt_postcodes {
    vemt_idset *index; /* normalised postcode -> index into xy */
    double *xy;        /* in the analysis CRS */
    size_t n, cap;
    vemt_transform_note transform;
};

/* Upper case, no spaces, then one space before the 3-character inward
 * code ("ts101aa" -> "TS10 1AA"). Returns false when too short or long. */
static bool normalise(const char *pc, char *out, size_t size) {
    char raw[16];
    size_t n = 0;
    for (; *pc; pc++) {
        if (isspace((unsigned char)*pc)) continue;
        if (n + 1 >= sizeof raw || !isalnum((unsigned char)*pc)) return false;
        raw[n++] = (char)toupper((unsigned char)*pc);
    }
    if (n < 5 || n > 7 || size < n + 2) return false;
    /* Both parts bounded: raw is not NUL-terminated. */
    snprintf(out, size, "%.*s %.3s", (int)(n - 3), raw, raw + n - 3);
    return true;
}

static int column(const vemt_csv_record *hdr, const char *a, const char *b) {
    for (size_t c = 0; c < hdr->n; c++)
        if (!strcmp(hdr->fields[c], a) || (b && !strcmp(hdr->fields[c], b)))
            return (int)c;
    return -1;
}

static vemt_status add(vemt_postcodes *pc, const char *code, double e,
                       double n) {
    char key[16];
    long first;
    uint64_t tag;
    if (!normalise(code, key, sizeof key)) return VEMT_OK;
    if (vemt_grow((void **)&pc->xy, &pc->cap, 2 * pc->n + 2, sizeof *pc->xy) ||
        vemt_idset_add(pc->index, key, (long)pc->n, 0, &first, &tag))
        return VEMT_E_NOMEM;
    if (first) return VEMT_OK; /* first entry wins */
    pc->xy[2 * pc->n] = e;
    pc->xy[2 * pc->n + 1] = n;
    pc->n++;
    return VEMT_OK;
}

/* Read rows: pcds, and BNG or lat/long, transformed with PROJ to the
 * analysis CRS. */
static vemt_status read_rows(vemt_ctx *ctx, vemt_csv *csv,
                             const vemt_csv_record *hdr,
                             const char *analysis_crs, vemt_postcodes *pc) {
    int cp = column(hdr, "pcds", "pcd"), ce = column(hdr, "oseast1m", NULL),
        cn = column(hdr, "osnrth1m", NULL), clat = column(hdr, "lat", NULL),
        clon = column(hdr, "long", NULL);
    bool bng = ce >= 0 && cn >= 0;
    if (cp < 0 || (!bng && (clat < 0 || clon < 0)))
        return vemt_ctx_fail(ctx, VEMT_E_MISSING,
                             "postcode lookup needs columns pcds and "
                             "oseast1m/osnrth1m or lat/long");
    /* The ONS Postcode Directory's grid references are British National
     * Grid, its lat/long WGS 84. */
    const char *from = bng ? "EPSG:27700" : "EPSG:4326";
    vemt_crs *crs = NULL;
    vemt_status st = vemt_crs_create(ctx, from, analysis_crs, &crs);
    vemt_csv_record r;
    while (!st && !(st = vemt_csv_next(csv, &r)) && !r.eof) {
        double a, b, e, n;
        const char *why;
        int ca = bng ? ce : clon, cb = bng ? cn : clat;
        if (r.bad || r.n != hdr->n ||
            vemt_value_number(r.fields[ca], &a, &why) ||
            vemt_value_number(r.fields[cb], &b, &why))
            continue; /* terminated postcodes have no grid reference */
        if (!vemt_crs_to_analysis(crs, a, b, &e, &n)) continue;
        st = add(pc, r.fields[cp], e, n);
    }
    if (crs) {
        snprintf(pc->transform.crs, sizeof pc->transform.crs, "%s", from);
        snprintf(pc->transform.pipeline, sizeof pc->transform.pipeline, "%s",
                 vemt_crs_pipeline(crs));
    }
    vemt_crs_destroy(crs);
    return st;
}

vemt_status vemt_postcodes_load(vemt_ctx *ctx, const char *path,
                                const char *analysis_crs,
                                vemt_postcodes **out) {
    *out = NULL;
    vemt_loaded file;
    vemt_status st = vemt_load_file(ctx, path, &file);
    if (st) return st;
    vemt_postcodes *pc = vemt_calloc(1, sizeof *pc);
    vemt_csv *csv = NULL;
    vemt_csv_record hdr;
    if (!pc || vemt_idset_create(&pc->index) ||
        vemt_csv_create(file.data, file.size, 0, &csv) ||
        vemt_csv_next(csv, &hdr)) {
        st = VEMT_E_NOMEM;
        goto done;
    }
    /* The header's fields live in the tokenizer's buffer: copy the
     * record before reading on. */
    vemt_csv_record keep = hdr;
    const char *names[128];
    char store[128][32];
    keep.n = hdr.n < 128 ? hdr.n : 128;
    for (size_t c = 0; c < keep.n; c++) {
        snprintf(store[c], sizeof store[c], "%s", hdr.fields[c]);
        names[c] = store[c];
    }
    keep.fields = names;
    st = read_rows(ctx, csv, &keep, analysis_crs, pc);
done:
    vemt_csv_destroy(csv);
    vemt_loaded_clear(&file);
    if (st) {
        if (!vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, path);
        vemt_postcodes_destroy(pc);
        return st;
    }
    *out = pc;
    return VEMT_OK;
}

void vemt_postcodes_destroy(vemt_postcodes *pc) {
    if (!pc) return;
    vemt_idset_destroy(pc->index);
    vemt_free(pc->xy);
    vemt_free(pc);
}

size_t vemt_postcodes_count(const vemt_postcodes *pc) { return pc->n; }

const vemt_transform_note *vemt_postcodes_transform(const vemt_postcodes *pc) {
    return &pc->transform;
}

bool vemt_postcodes_find(const vemt_postcodes *pc, const char *postcode,
                         double *easting, double *northing) {
    char key[16];
    long i;
    if (!normalise(postcode, key, sizeof key) ||
        !vemt_idset_find(pc->index, key, &i))
        return false;
    *easting = pc->xy[2 * i];
    *northing = pc->xy[2 * i + 1];
    return true;
}
