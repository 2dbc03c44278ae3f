/** @file row.h
 * @brief Column roles, header mapping and the typed field readers shared by
 * the normalisers (private to ingest/).
 */
#ifndef VEMT_INGEST_ROW_H
#define VEMT_INGEST_ROW_H

#include "ingest/csv.h"
#include "ingest/ingest.h"
#include "ingest/value.h"

/** What a column means. */
typedef enum vemt_role {
    VEMT_ROLE_ID = 0,
    VEMT_ROLE_OCCURRED_AT,
    VEMT_ROLE_EASTING,
    VEMT_ROLE_NORTHING,
    VEMT_ROLE_CATEGORY,
    VEMT_ROLE_SUBJECT_ID,
    VEMT_ROLE_EPISODE_ID,
    VEMT_ROLE_CHILD_ID,
    VEMT_ROLE_MISSING_AT,
    VEMT_ROLE_RETURNED_AT,
    VEMT_ROLE_FROM_EASTING,
    VEMT_ROLE_FROM_NORTHING,
    VEMT_ROLE_FOUND_EASTING,
    VEMT_ROLE_FOUND_NORTHING,
    VEMT_ROLE_LOOKED_AFTER,
    VEMT_ROLE_PLACING_AUTHORITY,
    VEMT_ROLE_END
} vemt_role;

/** The columns of one file: role -> 0-based column, or -1 when absent. */
typedef struct vemt_colmap {
    int col[VEMT_ROLE_END];
    const char **header; /* owned copies of the header names */
    size_t n;            /* number of header fields */
} vemt_colmap;

/** Map the header fields of a source of the given kind to roles. Names are
 * compared case- and punctuation-insensitively against each role's
 * aliases. Fails with VEMT_E_MISSING naming a required role's expected
 * names, or VEMT_E_ARG when two columns claim one role. map->header is
 * owned; free with vemt_colmap_clear(). */
vemt_status vemt_colmap_build(vemt_ctx *ctx, vemt_source_kind kind,
                              const vemt_csv_record *hdr, vemt_colmap *map);

/** Free the header copies and zero the map. */
void vemt_colmap_clear(vemt_colmap *map);

/** True when the role's column holds identifiers of people. */
bool vemt_role_is_identifier(vemt_role role);

/** The row being normalised, and the reason if it is rejected. */
typedef struct vemt_row {
    const vemt_csv_record *rec;
    const vemt_colmap *map;
    const vemt_pseudo *pseudo;
    vemt_error err; /* code != VEMT_OK: the row is rejected */
} vemt_row;

/** Text of a role's field ("" when the column is absent). Borrowed. */
const char *vemt_row_text(const vemt_row *row, vemt_role role);

/** Reject the row on the role's column: code, column, field name and a
 * message "why" followed by the quoted value (identifiers never quoted).
 * Returns code. */
vemt_status vemt_row_fail(vemt_row *row, vemt_role role, vemt_status code,
                          const char *why);

/** Read a time from the role's column (rejecting the row on failure). */
vemt_status vemt_row_time(vemt_row *row, vemt_role role, vemt_time *t);

/** Read a BNG coordinate pair from two columns: both blank gives
 * *located = false; one blank, a non-number, (0, 0) or a point outside
 * Great Britain's grid (0-700 km E, 0-1300 km N) rejects the row. */
vemt_status vemt_row_point(vemt_row *row, vemt_role rx, vemt_role ry, double *x,
                           double *y, bool *located);

/** Normalise one incident row into events (vemt_ingest internal). */
vemt_status vemt_incident_row(vemt_row *row, int source, vemt_events *events,
                              size_t *added);

/** Normalise one missing-episode row into events. */
vemt_status vemt_episode_row(vemt_row *row, int source, vemt_events *events,
                             size_t *added);

#endif /* VEMT_INGEST_ROW_H */
