/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file row.h
 * @brief Column roles, header mapping and the typed field readers shared by
 * the normalisers (private to ingest/).
 */
#ifndef VEMT_INGEST_ROW_H
#define VEMT_INGEST_ROW_H

#include "ingest/crs.h"
#include "ingest/csv.h"
#include "ingest/idset.h"
#include "ingest/ingest.h"
#include "ingest/value.h"

/** What a column means. */
typedef enum vemt_role {
    VEMT_ROLE_ID = 0,
    VEMT_ROLE_OCCURRED_AT,
    VEMT_ROLE_OCCURRED_TO,
    VEMT_ROLE_EASTING,
    VEMT_ROLE_NORTHING,
    VEMT_ROLE_LONGITUDE,
    VEMT_ROLE_LATITUDE,
    VEMT_ROLE_POSTCODE,
    VEMT_ROLE_CATEGORY,
    VEMT_ROLE_SUBJECT_ID,
    VEMT_ROLE_LSOA,
    VEMT_ROLE_LOCATION,
    VEMT_ROLE_EPISODE_ID,
    VEMT_ROLE_CHILD_ID,
    VEMT_ROLE_MISSING_AT,
    VEMT_ROLE_RETURNED_AT,
    VEMT_ROLE_FROM_EASTING,
    VEMT_ROLE_FROM_NORTHING,
    VEMT_ROLE_FROM_LONGITUDE,
    VEMT_ROLE_FROM_LATITUDE,
    VEMT_ROLE_FROM_POSTCODE,
    VEMT_ROLE_FOUND_EASTING,
    VEMT_ROLE_FOUND_NORTHING,
    VEMT_ROLE_FOUND_LONGITUDE,
    VEMT_ROLE_FOUND_LATITUDE,
    VEMT_ROLE_FOUND_POSTCODE,
    VEMT_ROLE_LOOKED_AFTER,
    VEMT_ROLE_PLACING_AUTHORITY,
    VEMT_ROLE_END
} vemt_role;

/** The location columns of one place: projected x/y, lon/lat, postcode. */
typedef struct vemt_place_roles {
    vemt_role x, y, lon, lat, postcode;
} vemt_place_roles;

/** The places of each record kind. */
extern const vemt_place_roles vemt_incident_place;
extern const vemt_place_roles vemt_from_place;
extern const vemt_place_roles vemt_found_place;

/** Known layouts, detected from the header. */
typedef enum vemt_schema {
    VEMT_SCHEMA_VEMT = 0,      /* vemt's own column names or aliases */
    VEMT_SCHEMA_POLICE_STREET, /* police.uk street-level crime */
    VEMT_SCHEMA_POLICE_SEARCH  /* police.uk stop and search */
} vemt_schema;

/** The columns of one file: role -> 0-based column, or -1 when absent. */
typedef struct vemt_colmap {
    int col[VEMT_ROLE_END];
    const char **header; /* owned copies of the header names */
    size_t n;            /* number of header fields */
    vemt_schema schema;
    bool month[VEMT_ROLE_END]; /* the role's column is named "Month" */
} vemt_colmap;

/** Map the header fields of a source of the given kind to roles. Names are
 * compared case- and punctuation-insensitively against each role's
 * aliases; explicit names in cols (may be NULL) win. Fails with
 * VEMT_E_MISSING naming a required role's accepted names, or VEMT_E_ARG
 * when two columns could both be one role or an explicit name is absent.
 * map->header is owned; free with vemt_colmap_clear(). */
vemt_status vemt_colmap_build(vemt_ctx *ctx, vemt_source_kind kind,
                              const vemt_csv_record *hdr,
                              const vemt_column_map *cols, vemt_colmap *map);

/** Free the header copies and zero the map. */
void vemt_colmap_clear(vemt_colmap *map);

/** Describe which column serves which role ("id=Crime ID, ...") into buf. */
void vemt_colmap_describe(const vemt_colmap *map, char *buf, size_t size);

/** Canonical name of a role ("occurred_at"). */
const char *vemt_role_name(vemt_role role);

/** True when the role's column holds identifiers of people. */
bool vemt_role_is_identifier(vemt_role role);

/** A memo of pseudonyms for one reader. */
typedef struct vemt_pseudo_cache vemt_pseudo_cache;

/** Caller owns *out; free with vemt_pseudo_cache_destroy(). */
vemt_status vemt_pseudo_cache_create(const vemt_pseudo *p,
                                     vemt_pseudo_cache **out);

/** Free the memo; NULL is a no-op. */
void vemt_pseudo_cache_destroy(vemt_pseudo_cache *c);

/** vemt_pseudo_key() through the memo. */
void vemt_pseudo_cache_key(vemt_pseudo_cache *c, const char *id, char *out,
                           size_t size);

/** The row being normalised, and the reason if it is rejected. */
typedef struct vemt_row {
    const vemt_csv_record *rec;
    const vemt_colmap *map;
    const vemt_ingest_opts *opts;
    const vemt_crs *xy_crs;        /* projected -> analysis CRS */
    const vemt_crs *geo_crs;       /* longitude/latitude -> analysis CRS */
    unsigned date_flags;           /* VEMT_DATE_* */
    vemt_pseudo_cache *pseudonyms; /* memo of the reader */
    vemt_idset *texts; /* shared texts already in the pool -> offset */
    vemt_error err;    /* code != VEMT_OK: the row is rejected */
} vemt_row;

/** Put the role's text in the events' text pool; *off gets its offset.
 * Shared texts (categories, authorities, LSOA codes, streets) are stored
 * once.
 * Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_row_keep_text(vemt_row *row, vemt_role role,
                               vemt_events *events, bool shared, uint32_t *off);

/** The pseudonym of the identifier in the role's column into out. */
void vemt_row_pseudonym(vemt_row *row, vemt_role role, char *out, size_t size);

/** Text of a role's field ("" when absent; R's "NA" reads as empty
 * except in category columns). Borrowed. */
const char *vemt_row_text(const vemt_row *row, vemt_role role);

/** Reject the row on the role's column: code, column, field name and a
 * message "why" followed by the quoted value (identifiers never quoted).
 * Returns code. */
vemt_status vemt_row_fail(vemt_row *row, vemt_role role, vemt_status code,
                          const char *why);

/** Read a time from the role's column (rejecting the row on failure). */
vemt_status vemt_row_time(vemt_row *row, vemt_role role, vemt_time *t);

/** Read a place: projected x/y, else longitude/latitude, else a postcode;
 * all blank gives *located = false. A half-given pair, a non-number, (0, 0),
 * swapped latitude/longitude, a point outside the CRS's area of use or an
 * unknown postcode rejects the row. Output in the analysis CRS. */
vemt_status vemt_row_place(vemt_row *row, const vemt_place_roles *place,
                           double *x, double *y, bool *located);

/** Normalise one incident row into events (vemt_ingest internal). */
vemt_status vemt_incident_row(vemt_row *row, int source, vemt_events *events,
                              size_t *added);

/** Normalise one missing-episode row into events. */
vemt_status vemt_episode_row(vemt_row *row, int source, vemt_events *events,
                             size_t *added);

#endif /* VEMT_INGEST_ROW_H */
