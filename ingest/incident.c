/** @file incident.c
 * @brief Normaliser for police incident rows.
 */
#include <stdio.h>
#include <string.h>

#include "ingest/row.h"

vemt_status vemt_incident_row(vemt_row *row, int source, vemt_events *events,
                              size_t *added) {
    *added = 0;
    vemt_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = VEMT_KIND_INCIDENT;
    ev.source = source;
    ev.source_row = row->rec->row;
    const char *id = vemt_row_text(row, VEMT_ROLE_ID);
    if (vemt_value_is_blank(id))
        return vemt_row_fail(row, VEMT_ROLE_ID, VEMT_E_MISSING,
                             "incident id is empty");
    vemt_time t;
    vemt_status st = vemt_row_time(row, VEMT_ROLE_OCCURRED_AT, &t);
    if (st) return st;
    st = vemt_row_point(row, VEMT_ROLE_EASTING, VEMT_ROLE_NORTHING, &ev.x,
                        &ev.y, &ev.located);
    if (st) return st;
    ev.start_utc = t.start_utc;
    ev.end_utc = t.end_utc;
    ev.precision = t.precision;
    ev.in_area = ev.located;
    snprintf(ev.ref, sizeof ev.ref, "%s", id);
    snprintf(ev.category, sizeof ev.category, "%s",
             vemt_row_text(row, VEMT_ROLE_CATEGORY));
    vemt_pseudo_key(row->pseudo, vemt_row_text(row, VEMT_ROLE_SUBJECT_ID),
                    ev.subject_key, sizeof ev.subject_key);
    if (vemt_events_push(events, &ev)) return VEMT_E_NOMEM;
    *added = 1;
    return VEMT_OK;
}
