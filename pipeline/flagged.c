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
    vemt_free(r->alerts);
    memset(r, 0, sizeof *r);
}

/* Distinct children of each place from the (place, subject) pairs, by
 * the engine's one rule (vemt_subjects_count: exact keys, O(n log n);
 * episodes of unknown children, without a key, are not counted). */
static vemt_status count_children(vemt_subject_pair *pairs, size_t m,
                                  vemt_flagged_row *rows, size_t n) {
    double *c = vemt_calloc(n + 1, sizeof *c);
    if (!c) return VEMT_E_NOMEM;
    vemt_status st = vemt_subjects_count(pairs, m, c, n, NULL);
    for (size_t p = 0; !st && p < n; p++) rows[p].n_children = (long)c[p];
    vemt_free(c);
    return st;
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
    /* A repaired place is a warning a person must see, as for areas: the
     * caller logs r->alerts whatever the verbosity. */
    if (!st) vemt_alerts_add(&r->alerts, ul.warnings);
    if (!st)
        st = vemt_polygons_create_wkb(ctx, ul.n,
                                      (const unsigned char *const *)ul.wkb,
                                      ul.wkb_size, (const char *const *)ul.ids,
                                      (const char *const *)ul.names, &places);
    size_t n = st ? 0 : ul.n, m = 0, flagged = 0;
    r->rows = st ? NULL : vemt_calloc(n + 1, sizeof *r->rows);
    r->names = st ? NULL : vemt_calloc(n + 1, sizeof *r->names);
    vemt_subject_pair *pairs =
        st ? NULL : vemt_calloc(events->n + 1, sizeof *pairs);
    if (!st && (!r->rows || !r->names || !pairs)) st = VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < n; i++) {
        r->names[i] = vemt_strdup(ul.names[i][0] ? ul.names[i] : ul.ids[i]);
        if (!r->names[i]) st = VEMT_E_NOMEM;
        r->rows[i] = (vemt_flagged_row){
            r->names[i],       0, 0, VEMT_TIME_NONE, VEMT_TIME_NONE,
            a->include_flagged};
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
        if (row->first_utc == VEMT_TIME_NONE || ev->start_utc < row->first_utc)
            row->first_utc = ev->start_utc;
        if (ev->start_utc > row->last_utc) row->last_utc = ev->start_utc;
        pairs[m++] = (vemt_subject_pair){p, ev->subject_key};
        flagged++;
    }
    if (!st) st = count_children(pairs, m, r->rows, n);
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
