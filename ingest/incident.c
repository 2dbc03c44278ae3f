/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file incident.c
 * @brief Normaliser for police incident rows (vemt's own layout and the
 * police.uk exports).
 */
#include <stdio.h>
#include <string.h>

#include "ingest/row.h"

/* The incident's time: one instant or range, or "between" two times. */
static vemt_status incident_time(vemt_row *row, vemt_time *t) {
    vemt_status st = vemt_row_time(row, VEMT_ROLE_OCCURRED_AT, t);
    if (st || vemt_value_is_blank(vemt_row_text(row, VEMT_ROLE_OCCURRED_TO)))
        return st;
    vemt_time to;
    if ((st = vemt_row_time(row, VEMT_ROLE_OCCURRED_TO, &to))) return st;
    if (to.end_utc < t->start_utc)
        return vemt_row_fail(row, VEMT_ROLE_OCCURRED_TO, VEMT_E_RANGE,
                             "ends before it starts");
    t->end_utc = to.end_utc;
    t->ambiguous |= to.ambiguous;
    return VEMT_OK;
}

vemt_status vemt_incident_row(vemt_row *row, int source, vemt_events *events,
                              size_t *added) {
    *added = 0;
    vemt_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = VEMT_KIND_INCIDENT;
    ev.source = (int16_t)source;
    ev.source_row = (int32_t)row->rec->row;
    vemt_time t;
    vemt_status st = incident_time(row, &t);
    if (st) return st;
    st = vemt_row_place(row, &vemt_incident_place, &ev.x, &ev.y, &ev.located);
    if (st) return st;
    ev.start_utc = t.start_utc;
    ev.end_utc = t.end_utc;
    ev.precision = (uint8_t)t.precision;
    ev.time_ambiguous = t.ambiguous;
    ev.in_area = ev.located;
    if (vemt_row_keep_text(row, VEMT_ROLE_ID, events, false, &ev.ref) ||
        vemt_row_keep_text(row, VEMT_ROLE_CATEGORY, events, true,
                           &ev.category) ||
        vemt_row_keep_text(row, VEMT_ROLE_LSOA, events, true, &ev.lsoa) ||
        /* Streets repeat: kept once, as categories are. */
        vemt_row_keep_text(row, VEMT_ROLE_LOCATION, events, true, &ev.location))
        return VEMT_E_NOMEM;
    vemt_row_pseudonym(row, VEMT_ROLE_SUBJECT_ID, ev.subject_key,
                       sizeof ev.subject_key);
    if (vemt_events_push(events, &ev)) return VEMT_E_NOMEM;
    *added = 1;
    return VEMT_OK;
}
