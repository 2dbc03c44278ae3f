/** @file episode.c
 * @brief Normaliser for missing-from-home-or-care episode rows: one episode
 * gives a missing_from event and, when known, a found_at event.
 */
#include <stdio.h>
#include <string.h>

#include "ingest/row.h"

/* Read the episode's times: missing_at required; returned_at optional (an
 * open episode) but never before missing_at. */
static vemt_status episode_times(vemt_row *row, vemt_time *from,
                                 vemt_time *back, bool *returned) {
    vemt_status st = vemt_row_time(row, VEMT_ROLE_MISSING_AT, from);
    if (st) return st;
    *returned = !vemt_value_is_blank(vemt_row_text(row, VEMT_ROLE_RETURNED_AT));
    if (!*returned) return VEMT_OK;
    if ((st = vemt_row_time(row, VEMT_ROLE_RETURNED_AT, back))) return st;
    if (back->end_utc < from->start_utc)
        return vemt_row_fail(row, VEMT_ROLE_RETURNED_AT, VEMT_E_RANGE,
                             "returned before going missing");
    return VEMT_OK;
}

vemt_status vemt_episode_row(vemt_row *row, int source, vemt_events *events,
                             size_t *added) {
    *added = 0;
    const char *id = vemt_row_text(row, VEMT_ROLE_EPISODE_ID);
    if (vemt_value_is_blank(id))
        return vemt_row_fail(row, VEMT_ROLE_EPISODE_ID, VEMT_E_MISSING,
                             "episode id is empty");
    if (vemt_value_is_blank(vemt_row_text(row, VEMT_ROLE_CHILD_ID)))
        return vemt_row_fail(row, VEMT_ROLE_CHILD_ID, VEMT_E_MISSING,
                             "child id is empty");
    vemt_time from, back;
    bool returned, found_located;
    vemt_event ev, found;
    memset(&ev, 0, sizeof ev);
    vemt_status st = episode_times(row, &from, &back, &returned);
    if (st) return st;
    if ((st = vemt_row_point(row, VEMT_ROLE_FROM_EASTING,
                             VEMT_ROLE_FROM_NORTHING, &ev.x, &ev.y,
                             &ev.located)))
        return st;
    if ((st = vemt_row_point(row, VEMT_ROLE_FOUND_EASTING,
                             VEMT_ROLE_FOUND_NORTHING, &found.x, &found.y,
                             &found_located)))
        return st;
    ev.kind = VEMT_KIND_MISSING_FROM;
    ev.source = source;
    ev.source_row = row->rec->row;
    ev.start_utc = from.start_utc;
    ev.end_utc = returned ? back.end_utc : -1; /* -1: still open */
    ev.precision = from.precision;
    ev.in_area = ev.located;
    snprintf(ev.ref, sizeof ev.ref, "%s", id);
    vemt_pseudo_key(row->pseudo, vemt_row_text(row, VEMT_ROLE_CHILD_ID),
                    ev.subject_key, sizeof ev.subject_key);
    if (vemt_events_push(events, &ev)) return VEMT_E_NOMEM;
    *added = 1;
    /* Found where and when: the return time at the found-at place. */
    if (!returned || !found_located) return VEMT_OK;
    double fx = found.x, fy = found.y;
    found = ev;
    found.kind = VEMT_KIND_FOUND_AT;
    found.x = fx;
    found.y = fy;
    found.located = found.in_area = true;
    found.start_utc = back.start_utc;
    found.end_utc = back.end_utc;
    found.precision = back.precision;
    if (vemt_events_push(events, &found)) return VEMT_E_NOMEM;
    *added = 2;
    return VEMT_OK;
}
