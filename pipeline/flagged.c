/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file flagged.c
 * @brief Known reporting places: flag the missing_from events in them,
 * count them per place, and leave them out of the analyses.
 */
#include "pipeline/flagged.h"

#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"
#include "pipeline/log.h"

void vemt_flagged_clear(vemt_flagged_result *r) {
    for (size_t i = 0; i < r->n; i++) vemt_free(r->names[i]);
    vemt_free(r->names);
    vemt_free(r->rows);
    memset(r, 0, sizeof *r);
}

static int by_place_key(const void *p, const void *q) {
    const size_t *a = p, *b = q; /* (place, event) */
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Distinct children of place rows: pairs (place, event) sorted by place,
 * keys compared within each place. */
static void count_children(const vemt_events *ev, size_t (*pairs)[2], size_t m,
                           vemt_flagged_row *rows) {
    qsort(pairs, m, sizeof *pairs, by_place_key);
    for (size_t i = 0; i < m;) {
        size_t p = pairs[i][0], j = i;
        while (j < m && pairs[j][0] == p) j++;
        for (size_t k = i; k < j; k++) {
            const char *key = ev->items[pairs[k][1]].subject_key;
            bool seen = false;
            for (size_t l = i; key[0] && l < k && !seen; l++)
                seen = !strcmp(key, ev->items[pairs[l][1]].subject_key);
            rows[p].n_children += !seen;
        }
        i = j;
    }
}

vemt_status vemt_flagged_run(vemt_ctx *ctx, const vemt_job *a,
                             vemt_events *events, const vemt_callbacks *info,
                             vemt_params *params, vemt_flagged_result *r) {
    memset(r, 0, sizeof *r);
    if (!a->flag_places) return VEMT_OK;
    vemt_unit_list ul;
    vemt_polygons *places = NULL;
    vemt_status st = vemt_flag_places_read(ctx, a->flag_places, a->analysis_crs,
                                           a->flag_radius_m, &ul);
    if (!st)
        st = vemt_polygons_create_wkb(ctx, ul.n,
                                      (const unsigned char *const *)ul.wkb,
                                      ul.wkb_size, (const char *const *)ul.ids,
                                      (const char *const *)ul.names, &places);
    size_t n = st ? 0 : ul.n, m = 0, flagged = 0;
    r->rows = st ? NULL : vemt_calloc(n + 1, sizeof *r->rows);
    r->names = st ? NULL : vemt_calloc(n + 1, sizeof *r->names);
    size_t(*pairs)[2] = st ? NULL : vemt_calloc(events->n + 1, sizeof *pairs);
    if (!st && (!r->rows || !r->names || !pairs)) st = VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < n; i++) {
        r->names[i] = vemt_strdup(ul.names[i][0] ? ul.names[i] : ul.ids[i]);
        if (!r->names[i]) st = VEMT_E_NOMEM;
        r->rows[i] =
            (vemt_flagged_row){r->names[i], 0, 0, -1, -1, a->include_flagged};
        r->n++;
    }
    for (size_t e = 0; !st && e < events->n; e++) {
        vemt_event *ev = &events->items[e];
        size_t p;
        if (ev->kind != VEMT_KIND_MISSING_FROM || !ev->located ||
            !vemt_polygons_locate(places, ev->x, ev->y, &p))
            continue;
        ev->flagged = true;
        ev->excluded = !a->include_flagged;
        vemt_flagged_row *row = &r->rows[p];
        row->n_missing_from++;
        if (row->first_utc < 0 || ev->start_utc < row->first_utc)
            row->first_utc = ev->start_utc;
        if (ev->start_utc > row->last_utc) row->last_utc = ev->start_utc;
        pairs[m][0] = p, pairs[m++][1] = e;
        flagged++;
    }
    if (!st) count_children(events, pairs, m, r->rows);
    if (!st)
        vemt_params_add_transform(params, "flag_places_transformation",
                                  &ul.transform);
    vemt_free(pairs);
    vemt_polygons_destroy(places);
    vemt_unit_list_clear(&ul);
    if (st) {
        if (!vemt_ctx_error(ctx)->source)
            vemt_ctx_set_source(ctx, a->flag_places);
        return st;
    }
    vemt_params_add_text(params, "flag_places", "given", a->flag_places);
    vemt_params_add(params, "flag_radius_m",
                    a->flag_radius_m == 50 ? "default" : "given",
                    a->flag_radius_m);
    vemt_params_add_text(params, "flagged_events",
                         a->include_flagged ? "given" : "default",
                         a->include_flagged ? "kept in the analyses"
                                            : "left out of the analyses");
    if (info)
        vemt_logf(info,
                  "flagged places: %zu in %s, %zu missing-from events at them "
                  "(%s)\n",
                  n, a->flag_places, flagged,
                  a->include_flagged ? "kept in the hot spots"
                                     : "left out of the hot spots");
    return VEMT_OK;
}
