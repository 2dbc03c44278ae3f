/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file episode.c
 * @brief Normaliser for missing-from-home-or-care episode rows: one episode
 * gives a missing_from event and, when known, a found_at event.
 */
#include <ctype.h>
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

/* yes/y/true/1 and no/n/false/0, any case; anything else is unknown. */
static vemt_tristate tristate(const char *v) {
    char w[8];
    size_t n = 0;
    for (; *v && n + 1 < sizeof w; v++)
        if (!isspace((unsigned char)*v))
            w[n++] = (char)tolower((unsigned char)*v);
    w[n] = '\0';
    if (!strcmp(w, "yes") || !strcmp(w, "y") || !strcmp(w, "true") ||
        !strcmp(w, "1"))
        return VEMT_YES;
    if (!strcmp(w, "no") || !strcmp(w, "n") || !strcmp(w, "false") ||
        !strcmp(w, "0"))
        return VEMT_NO;
    return VEMT_UNKNOWN;
}

static vemt_status check_ids(vemt_row *row) {
    if (vemt_value_is_blank(vemt_row_text(row, VEMT_ROLE_EPISODE_ID)))
        return vemt_row_fail(row, VEMT_ROLE_EPISODE_ID, VEMT_E_MISSING,
                             "episode id is empty");
    if (vemt_value_is_blank(vemt_row_text(row, VEMT_ROLE_CHILD_ID)))
        return vemt_row_fail(row, VEMT_ROLE_CHILD_ID, VEMT_E_MISSING,
                             "child id is empty");
    return VEMT_OK;
}

vemt_status vemt_episode_row(vemt_row *row, int source, vemt_events *events,
                             size_t *added) {
    *added = 0;
    vemt_time from, back;
    bool returned, found_located;
    double fx = 0, fy = 0;
    vemt_event ev;
    memset(&ev, 0, sizeof ev);
    vemt_status st = check_ids(row);
    if (!st) st = episode_times(row, &from, &back, &returned);
    if (!st)
        st = vemt_row_place(row, &vemt_from_place, &ev.x, &ev.y, &ev.located);
    if (!st)
        st = vemt_row_place(row, &vemt_found_place, &fx, &fy, &found_located);
    if (st) return st;
    ev.kind = VEMT_KIND_MISSING_FROM;
    ev.source = (int16_t)source;
    ev.source_row = (int32_t)row->rec->row;
    ev.start_utc = from.start_utc;
    ev.end_utc = returned ? back.end_utc : VEMT_TIME_NONE; /* still open */
    ev.precision = (uint8_t)from.precision;
    ev.time_ambiguous = from.ambiguous;
    ev.in_area = ev.located;
    ev.looked_after =
        (uint8_t)tristate(vemt_row_text(row, VEMT_ROLE_LOOKED_AFTER));
    if (vemt_row_keep_text(row, VEMT_ROLE_PLACING_AUTHORITY, events, true,
                           &ev.placing_authority) ||
        vemt_row_keep_text(row, VEMT_ROLE_EPISODE_ID, events, false, &ev.ref))
        return VEMT_E_NOMEM;
    vemt_row_pseudonym(row, VEMT_ROLE_CHILD_ID, ev.subject_key,
                       sizeof ev.subject_key);
    if (vemt_events_push(events, &ev)) return VEMT_E_NOMEM;
    *added = 1;
    /* Found where and when: the return time at the found-at place. A found
     * place without a return time (still open) has no time to carry. */
    if (!returned || !found_located) return VEMT_OK;
    vemt_event found = ev;
    found.kind = VEMT_KIND_FOUND_AT;
    found.x = fx;
    found.y = fy;
    found.located = found.in_area = true;
    found.start_utc = back.start_utc;
    found.end_utc = back.end_utc;
    found.precision = (uint8_t)back.precision;
    found.time_ambiguous = back.ambiguous;
    if (vemt_events_push(events, &found)) return VEMT_E_NOMEM;
    *added = 2;
    return VEMT_OK;
}
