/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ingest.h
 * @brief Public API of ingest/: read agency exports into normalised events
 * and rejects, pseudonymise identifiers, read study-area boundaries.
 */
#ifndef VEMT_INGEST_INGEST_H
#define VEMT_INGEST_INGEST_H

#include "engine/vemt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Keyed pseudonymiser for child and subject identifiers. */
typedef struct vemt_pseudo vemt_pseudo;

/** Where the pseudonym key came from. */
typedef enum vemt_key_origin {
    VEMT_KEY_FILE = 0, /* --key-file */
    VEMT_KEY_ENV,      /* the VEMT_PSEUDONYM_KEY environment variable */
    VEMT_KEY_RANDOM    /* a fresh random key: keys differ between runs */
} vemt_key_origin;

/** Create a pseudonymiser. The key is read from key_file when given, else
 * taken from env_key when non-empty, else drawn at random; any length of
 * key material is hashed to a 32-byte key. Returns VEMT_E_IO when the key
 * file can't be read, VEMT_E_ARG when it is empty. Caller owns *out; free
 * with vemt_pseudo_destroy(). */
vemt_status vemt_pseudo_create(vemt_ctx *ctx, const char *key_file,
                               const char *env_key, vemt_pseudo **out,
                               vemt_key_origin *origin);

/** Free the pseudonymiser (its key is wiped); NULL is a no-op. */
void vemt_pseudo_destroy(vemt_pseudo *p);

/** Keyed pseudonym of id (keyed BLAKE2b, 80 bits, as 20 hex digits) into
 * out (at least 21 bytes); "" for a blank id. */
void vemt_pseudo_key(const vemt_pseudo *p, const char *id, char *out,
                     size_t size);

/** Check definition (any CRS PROJ accepts: "EPSG:32630", WKT, a PROJ
 * string; NULL: VEMT_ANALYSIS_CRS_DEFAULT) as the analysis CRS: projected,
 * with easting and northing in metres, since cell sizes, distance bands,
 * eps and bandwidths are metres. On success *canonical gets the definition
 * every reader and writer is to use ("AUTH:CODE" when the CRS has an
 * identifier, else its WKT2) and name its name (name_size may be 0).
 * Returns VEMT_E_ARG saying why, with a suggestion, for an unknown,
 * geographic, non-metre or otherwise unusable CRS. Caller owns *canonical;
 * free with vemt_ingest_free(). */
vemt_status vemt_ingest_analysis_crs(vemt_ctx *ctx, const char *definition,
                                     char **canonical, char *name,
                                     size_t name_size);

/** How a file's coordinates reached the analysis CRS, for provenance. */
typedef struct vemt_transform_note {
    char crs[128];      /* the file's CRS ("EPSG:4326"), or its name */
    char pipeline[512]; /* the PROJ operation used */
} vemt_transform_note;

/** A postcode lookup (ONS Postcode Directory layout). */
typedef struct vemt_postcodes vemt_postcodes;

/** Load a postcode lookup from a CSV with columns pcds (or pcd) and either
 * oseast1m/osnrth1m (British National Grid) or lat/long (WGS 84), and
 * transform the places to analysis_crs (NULL: VEMT_ANALYSIS_CRS_DEFAULT).
 * Postcodes are normalised (upper case, one space before the inward code).
 * Returns VEMT_E_IO, VEMT_E_MISSING for a missing column, VEMT_E_ARG for
 * an unknown CRS, VEMT_E_NOMEM. Caller owns *out; free with
 * vemt_postcodes_destroy(). */
vemt_status vemt_postcodes_load(vemt_ctx *ctx, const char *path,
                                const char *analysis_crs, vemt_postcodes **out);

/** The lookup's CRS and the PROJ operation that brought it to the
 * analysis CRS. Borrowed; valid while pc lives. */
const vemt_transform_note *vemt_postcodes_transform(const vemt_postcodes *pc);

/** Free the lookup; NULL is a no-op. */
void vemt_postcodes_destroy(vemt_postcodes *pc);

/** Number of postcodes in the lookup. */
size_t vemt_postcodes_count(const vemt_postcodes *pc);

/** Look a postcode up (any spacing and case); the place is in the
 * analysis CRS. False when unknown. */
bool vemt_postcodes_find(const vemt_postcodes *pc, const char *postcode,
                         double *easting, double *northing);

/** A category filter: exact names (comma-separated) or, between slashes,
 * a POSIX extended regular expression ("/sexual|grooming/"). */
typedef struct vemt_filter vemt_filter;

/** Build a filter keeping (include) or dropping (exclude) the categories
 * matched by spec. Returns VEMT_E_ARG for a bad regular expression.
 * Caller owns *out; free with vemt_filter_destroy(). */
vemt_status vemt_filter_create(vemt_ctx *ctx, const char *include,
                               const char *exclude, vemt_filter **out);

/** Free the filter; NULL is a no-op. */
void vemt_filter_destroy(vemt_filter *f);

/** True when the category is analysed. */
bool vemt_filter_keeps(const vemt_filter *f, const char *category);

/** Explicit column names for one input, from a job file. */
typedef struct vemt_column_map {
    const char *role[24];   /* role name ("occurred_at", "easting", ...) */
    const char *column[24]; /* header name in the file */
    size_t n;
} vemt_column_map;

/** The shared texts (categories, LSOA codes, placing authorities) of one
 * events array, so that every file read into it stores each text once and
 * equal texts have equal offsets, which the analyses compare. */
typedef struct vemt_text_index vemt_text_index;

/** Caller owns *out; free with vemt_text_index_destroy(). */
vemt_status vemt_text_index_create(vemt_text_index **out);

/** Free the index; NULL is a no-op. */
void vemt_text_index_destroy(vemt_text_index *t);

/** How to read inputs. All pointers borrowed; NULL fields take defaults. */
typedef struct vemt_ingest_opts {
    const vemt_pseudo *pseudo;       /* required */
    const vemt_postcodes *postcodes; /* geocode rows without coordinates */
    const vemt_filter *filter;       /* categories analysed */
    const vemt_column_map *columns;  /* explicit column names */
    const char *crs;                 /* coordinates' CRS ("EPSG:27700" for x/y,
                                        "EPSG:4326" for lon/lat when NULL) */
    const char *analysis_crs;        /* CRS of the events (as checked by
                                        vemt_ingest_analysis_crs); NULL:
                                        VEMT_ANALYSIS_CRS_DEFAULT */
    bool month_first;       /* dates as mm/dd/yyyy (--date-order mdy) */
    const vemt_tz *zone;    /* zone of times without an offset and of
                               date and month labels (--input-time-zone);
                               NULL: UTC */
    vemt_text_index *texts; /* of the events read into, shared by all the
                               files read into them (NULL: each file its
                               own, and a text read from two files gets
                               two offsets) */
    int parts;      /* CSV read on 2 threads: 0 automatic (files over 4 MB on
                       three or more processors), 1 never, 2 always */
    bool centroids; /* --centroids: a GIS file's line, polygon or
                       multipoint events are located at their centroid
                       (else rejected with the geometry's type) */
} vemt_ingest_opts;

/** Load the time zone called name (an IANA name such as "Europe/London")
 * from the system's tzdata: the TZif file of that name under the folder
 * $TZDIR names, else /usr/share/zoneinfo. Fails with VEMT_E_ARG naming the
 * zone when there is no such zone (or the name is not a plain relative
 * path), VEMT_E_IO when it can't be read, VEMT_E_NOMEM. "UTC" is always
 * known. Caller frees *out with vemt_tz_destroy(). */
vemt_status vemt_tz_load(vemt_ctx *ctx, const char *name, vemt_tz **out);

/** Read one input (src->path, src->kind): CSV (any delimiter, gzip too),
 * XLSX, ODS, or any vector format GDAL reads (point geometries are the
 * locations). Recognises police.uk street-level and stop-and-search
 * exports by their header. Appends events and rejects, fills src's size,
 * SHA-256, format, schema, CRS, column use and row counts; every data row
 * ends up used, located nowhere, merged (exact duplicate), excluded by the
 * filter or rejected. Returns VEMT_OK even when rows are rejected. Fails,
 * with the location in the context's error, only when the file can't be
 * read (VEMT_E_IO), is empty or lacks a required column (VEMT_E_MISSING),
 * has an ambiguous column or a bad CRS (VEMT_E_ARG), a malformed header, or
 * memory runs out (VEMT_E_NOMEM: the arrays may then hold the rows read so
 * far, to be freed, not used). */
vemt_status vemt_ingest_file(vemt_ctx *ctx, const vemt_ingest_opts *opts,
                             vemt_source *src, int source_index,
                             vemt_events *events, vemt_rejects *rejects,
                             vemt_merges *merges);

/** Merge duplicates across sources: events of the same kind and subject
 * (subject_key set) from different sources within max_m metres and max_s
 * seconds of each other; the later source's row is merged into the
 * earlier and recorded in merges; sources' counts move from used to
 * merged. Events are removed from the array; *merged is the number
 * merged. Returns VEMT_E_NOMEM (then the run can't go on: the sources'
 * counts may be part-way). */
vemt_status vemt_ingest_merge_across(vemt_events *events, vemt_source *sources,
                                     vemt_merges *merges, double max_m,
                                     double max_s, size_t *merged);

/** Read a polygon layer that GDAL can open (any CRS): the features of its
 * first layer that match where (an OGR SQL attribute filter,
 * OGR_L_SetAttributeFilter; NULL: all), each checked with GEOS and repaired
 * when invalid (vemt_polygon_wkb_check), unioned and transformed with PROJ
 * to analysis_crs (NULL: VEMT_ANALYSIS_CRS_DEFAULT). *wkb receives ISO WKB
 * of a Polygon or MultiPolygon; note (may be NULL) the layer's CRS and the
 * operation used; *warnings (may be NULL) one line per repaired feature
 * ("PATH: feature FID (FIELD 'id') is not a valid polygon (GEOS's reason):
 * repaired ...") or NULL when none was. Caller owns *wkb and *warnings;
 * free with vemt_ingest_free(). Returns VEMT_E_IO when the file can't be
 * opened, VEMT_E_ARG when it has no polygon or CRS, when where is not valid
 * or selects no feature, or when a repair leaves no area (naming the
 * feature), VEMT_E_DEPENDENCY when GDAL or PROJ fails. */
vemt_status vemt_boundary_read(vemt_ctx *ctx, const char *path,
                               const char *where, const char *analysis_crs,
                               unsigned char **wkb, size_t *size,
                               vemt_transform_note *note, char **warnings);

/** Polygon units read from GIS files, in the analysis CRS. */
typedef struct vemt_unit_list {
    size_t n;
    unsigned char **wkb; /* ISO WKB Polygon or MultiPolygon per unit */
    size_t *wkb_size;
    char **ids;          /* the id field's value, or the feature's FID */
    char **names;        /* the name field's value, "" without one */
    size_t *file;        /* index of the unit's file among those read */
    char id_field[64];   /* the field(s) used for ids ("" = FID) */
    char name_field[64]; /* the field(s) used for names ("" = none) */
    vemt_transform_note transform; /* the first file's CRS and operation */
    char *warnings;                /* one line per repaired feature, or NULL */
    size_t n_repaired;             /* lines in warnings */
} vemt_unit_list;

/** Read the polygon features of the first layer of each of the n_files
 * paths (any CRS; layers combined in order) as units, transformed to
 * analysis_crs (NULL: VEMT_ANALYSIS_CRS_DEFAULT), keeping the features that
 * match wheres[k] (an OGR SQL attribute filter for file k; wheres or an
 * entry NULL: all). Invalid polygons are repaired as vemt_boundary_read
 * does, one line each in out->warnings. id_field and name_field name the
 * fields (NULL: the first field whose name, without case and punctuation,
 * is area_id, id, code or ends in cd or code, and name or ends in nm or
 * name; ids fall back to the FID). Returns VEMT_E_IO (can't open),
 * VEMT_E_MISSING (a named field is not there), VEMT_E_ARG naming the
 * feature for one without a polygon, an empty id, a repair that leaves no
 * area, for an id used twice (naming both files when they differ), for a
 * where clause that is not valid or selects nothing; the error's source is
 * the file. VEMT_E_DEPENDENCY, VEMT_E_NOMEM. Free with
 * vemt_unit_list_clear(). */
vemt_status vemt_unit_list_read(vemt_ctx *ctx, size_t n_files,
                                const char *const *paths,
                                const char *const *wheres,
                                const char *analysis_crs, const char *id_field,
                                const char *name_field, vemt_unit_list *out);

/** Read reporting places to flag (--flag-places): the polygons and points
 * of the first layer of path (any CRS), in analysis_crs (NULL:
 * VEMT_ANALYSIS_CRS_DEFAULT), points as circles of radius_m; names as
 * vemt_unit_list_read guesses them (ids may repeat). Returns as
 * vemt_unit_list_read, VEMT_E_ARG for radius_m <= 0. */
vemt_status vemt_flag_places_read(vemt_ctx *ctx, const char *path,
                                  const char *analysis_crs, double radius_m,
                                  vemt_unit_list *out);

/** Read the areas that name places (--label-areas): the polygons of the
 * first layer of path (any CRS) in analysis_crs (NULL:
 * VEMT_ANALYSIS_CRS_DEFAULT), repaired as vemt_unit_list_read does, with
 * their names from name_field (NULL: guessed as vemt_unit_list_read
 * guesses; ids may repeat). Returns as vemt_unit_list_read, and
 * VEMT_E_MISSING when no name field is given or found. Free with
 * vemt_unit_list_clear(). */
vemt_status vemt_label_areas_read(vemt_ctx *ctx, const char *path,
                                  const char *analysis_crs,
                                  const char *name_field, vemt_unit_list *out);

/** Free the list's contents and zero it. */
void vemt_unit_list_clear(vemt_unit_list *u);

/** Parse a date or date-time as the inputs' readers do (ISO 8601, whole
 * months and days, UK dates; times without an offset, days and months are
 * local to zone, NULL: UTC): *start_utc and *end_utc get the first and
 * last instant it stands for. False when it is not a date. */
bool vemt_ingest_parse_time(const char *text, const vemt_tz *zone,
                            int64_t *start_utc, int64_t *end_utc);

/** Whether path is something vemt reads: a regular file, "-" (standard
 * input), a folder (GDAL opens shapefile folders) or a GDAL virtual path
 * ("/vsizip/..."). A character or block device, a FIFO or a socket is
 * VEMT_E_IO naming the path and what it is (/dev/zero would never end); a
 * path that does not exist is left for the open to report. */
vemt_status vemt_ingest_check_path(vemt_ctx *ctx, const char *path);

/** SHA-256 (lower-case hex into hex) and size of the file at path, for
 * the provenance of the files that are not record inputs (boundary, areas,
 * postcodes, flagged places). Returns VEMT_E_IO naming the file. */
vemt_status vemt_ingest_file_sha256(vemt_ctx *ctx, const char *path,
                                    char hex[65], uint64_t *bytes);

/** Free memory returned by ingest functions; NULL is a no-op. */
void vemt_ingest_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_INGEST_INGEST_H */
