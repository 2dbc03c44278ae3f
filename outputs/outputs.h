/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file outputs.h
 * @brief Public API of outputs/: the run's layers as a GeoPackage and as
 * GeoJSON files, with the run's provenance. */
#ifndef VEMT_OUTPUTS_OUTPUTS_H
#define VEMT_OUTPUTS_OUTPUTS_H

#include <stdio.h>

#include "disclosure/disclosure.h"
#include "engine/engine.h" /* and engine/vemt.h */

#ifdef __cplusplus
extern "C" {
#endif

/** A run's outputs committed together (outputs/commit.c); opaque. */
typedef struct vemt_commit vemt_commit;

/** One run parameter as recorded in the provenance. */
typedef struct vemt_param {
    const char *name; /* e.g. "cell_size_m" */
    char value[512];  /* as text */
    const char *how;  /* "given", "default" or "automatic" */
} vemt_param;

/** How the run was made: recorded in the GeoPackage's metadata. */
typedef struct vemt_provenance {
    int argc;
    char *const *argv; /* the full command line */
    const vemt_param *params;
    size_t n_params;
    int64_t created_utc;     /* when the run started */
    const char *key_origin;  /* where the pseudonym key came from */
    const char *attribution; /* data attribution lines, or NULL */
    const char *job_json;    /* the job file's text, or NULL */
    const char *tier;        /* output tier ("restricted", ...) */
    double suppress_below;   /* smallest count published (0: all) */
    double round_to;         /* published counts rounded to this (0: not) */
    const char *command;     /* "run" or "ingest" */
    const char *const *timing_names; /* stages finished (--timings) */
    const double *timing_s;          /* their wall seconds */
    size_t n_timings;                /* 0: none timed */
} vemt_provenance;

/** One row of the trends table: a series' count in one time step. */
typedef struct vemt_trend_row {
    const char *area;     /* "study area", or an area's id */
    const char *category; /* "all", or one category */
    int64_t step_start_utc, step_end_utc;
    double n_events, n_subjects;
    double change_prev, change_prev_p; /* vs the previous step; NaN: none */
    double change_year, change_year_p; /* vs a year earlier; NaN: none */
    double mk_z, mk_p, sen_slope;      /* of the whole series */
    /* Changes are of events per day: rate_per_day = events wholly inside
     * the step / its calendar days; the p-values test two Poisson rates
     * with those exposures. */
    double days, rate_per_day;
    double mk_n;                 /* steps used by the Mann-Kendall test */
    const char *mk_note;         /* why mk_* are null; NULL: they are not */
    double sk_z, sk_p, sk_slope; /* seasonal Kendall (months, >= 2 years;
                                    slope per year); NaN: not computed */
} vemt_trend_row;

/** The trend analysis: the cube with its space-time Gi*, the pattern of
 * each unit, and the trends table. Per-bin arrays have units x steps
 * entries, per-unit arrays units. All borrowed. */
typedef struct vemt_trends_out {
    const vemt_cube *cube;
    const double *z, *p;
    const int8_t *bins;
    const vemt_ehsa *pattern;
    const vemt_chainey *chainey;
    const vemt_mk *mk;       /* of each unit's Gi* z-series */
    const vemt_mk *count_mk; /* of each unit's counts per step */
    const double *share_hot; /* share of steps hot */
    const double *pub_events, *pub_subjects;   /* per bin, as published: NaN =
                                                  suppressed */
    const double *unit_events, *unit_subjects; /* per unit totals, likewise */
    const uint8_t *bin_hidden;     /* per bin: gi_bin withheld, or NULL */
    const uint8_t *pattern_hidden; /* per unit: patterns and share_hot
                                      withheld, or NULL */
    const vemt_trend_row *rows;
    size_t n_rows;
    size_t n_whole;  /* events of the study area wholly inside one step */
    size_t n_spread; /* ... spread over more than one: not in the rates */
} vemt_trends_out;

/** A location of concern: a place linked to several children. */
typedef struct vemt_place_row {
    double x, y;     /* the place's centre (mean of its events) */
    long n_children; /* distinct known children and subjects */
    long n_events;
    int64_t first_utc, last_utc;
    char kinds[48];       /* e.g. "found_at,incident" */
    char categories[160]; /* incident categories, most frequent first */
} vemt_place_row;

/** A patrol window: when to be at a hot place. */
typedef struct vemt_patrol_row {
    char place_kind[16]; /* "cell" or "dbscan cluster" */
    char place[48];      /* the hot cell's id or the cluster's cluster_id */
    int weekday;         /* 0 = Monday */
    int start_hour;      /* local time, 0..23 */
    int end_hour;        /* exclusive; may wrap past midnight */
    double per_week;     /* expected events per week in the window */
    double share;        /* of the place's timed events: n_window / n_place */
    double n_window;     /* events in the window (aoristic weights) */
    double n_place;      /* the place's events known to the hour */
    int hours;           /* the window's length, of the week's 168 */
} vemt_patrol_row;

/** The Knox near-repeat table. All borrowed. */
typedef struct vemt_near_repeat_out {
    const vemt_knox_cell *cells; /* space bands x time bands, row-major */
    size_t n_space, n_time;
    const char *metric; /* "manhattan" or "euclidean" */
    size_t n_events;    /* events tested (month-precision ones left out) */
} vemt_near_repeat_out;

/** Found-at hot spots at two levels: events and distinct children. Per
 * unit of the output's grid. All borrowed. */
typedef struct vemt_found_out {
    const double *n_found, *n_children;
    const double *gi_z, *gi_p; /* event-level Gi* */
    const int8_t *gi_bin;      /* FDR bins of the event-level Gi* */
    const double *child_z;     /* Gi* of distinct children per unit */
    const double *child_p;     /* its child-level permutation p */
    const double *mean_lclq;   /* mean co-location quotient of incidents
                                  around the unit's found-at places, or
                                  NULL; NaN where none */
} vemt_found_out;

/** Local co-location quotients at found-at places (of incidents around
 * them) and at incidents (of found-at places around them). All borrowed. */
typedef struct vemt_colocation_out {
    size_t n;
    const size_t *event;           /* index into events */
    const double *lclq, *p;        /* quotient and its permutation p */
    double global_fi, global_fi_p; /* found-at -> incident, global */
    double global_if, global_if_p; /* incident -> found-at, global */
} vemt_colocation_out;

/** Missing episodes of one area in one time step. */
typedef struct vemt_missing_row {
    const char *area; /* "study area", or a polygon unit's id */
    int64_t step_start_utc, step_end_utc;
    long episodes;             /* starting in the step */
    long children;             /* distinct known children among them */
    long repeat_children;      /* children with a repeat episode in the step */
    double median_duration_h;  /* of the closed episodes; NaN: none */
    double share_out_of_area;  /* of those found at a known place */
    double share_looked_after; /* of those whose status is known */
} vemt_missing_row;

/** A known reporting place and its flagged missing_from events. */
typedef struct vemt_flagged_row {
    const char *name;            /* its name (or feature id) in the file */
    long n_missing_from;         /* episodes that started there */
    long n_children;             /* distinct children among them */
    int64_t first_utc, last_utc; /* -1: none */
    bool included;               /* kept in the hot spots (--include-flagged) */
} vemt_flagged_row;

/** The safeguarding analyses. All borrowed. */
typedef struct vemt_safeguarding_out {
    const vemt_place_row *places;
    size_t n_places;
    const vemt_patrol_row *patrol;
    size_t n_patrol;
    const vemt_near_repeat_out *near_repeat; /* or NULL */
    const vemt_found_out *found;             /* or NULL */
    const vemt_colocation_out *colocation;   /* or NULL */
    const vemt_missing_row *missing;         /* areas x steps, or NULL */
    size_t n_missing;
    long repeat_episodes, repeat_days; /* the repeat-child rule */
    const vemt_flagged_row *flagged;   /* or NULL */
    size_t n_flagged;
} vemt_safeguarding_out;

/** One clustering method's result. All borrowed. */
typedef struct vemt_cluster_set {
    const char *method;            /* "dbscan", "st-dbscan" or "hdbscan" */
    const vemt_clusters *clusters; /* outlines and attributes, label 0.. */
    const double *n_subjects;      /* per cluster: distinct subjects */
    const int32_t *event_label; /* per event (events->n): cluster, < 0 none */
    const double *event_prob;   /* per event: HDBSCAN membership, or NULL */
} vemt_cluster_set;

/** The kernel density surface. All borrowed. */
typedef struct vemt_density_out {
    const vemt_raster *raster; /* events per km^2, north-up, analysis CRS */
    const char *description;   /* kernel, bandwidth, pixel, what was counted */
} vemt_density_out;

/** One cluster of the space-time permutation scan (pipeline/scan.c). */
typedef struct vemt_scan_row {
    long rank;                  /* 1: the primary (most likely) cluster */
    double x, y;                /* the centre unit's centre */
    double radius_m;            /* to the farthest member unit's centre */
    double drawn_m;             /* the circle drawn: the members' cells
                                   covered, and at least the tier's smallest
                                   unit area */
    char centre_id[48];         /* the centre unit's id */
    const char *place;          /* the name of the area holding the centre, or
                                   NULL */
    long n_units;               /* member units (those with events) */
    int64_t start_utc, end_utc; /* the window of whole steps */
    char first_step[16], last_step[16]; /* its steps' labels */
    double observed, expected, relative_risk, llr, p;
    double recurrence_days; /* prospective: the analysis interval / p, in
                               days; NaN retrospective */
} vemt_scan_row;

/** The space-time permutation scan's clusters. All borrowed. */
typedef struct vemt_scan_out {
    const vemt_scan_row *rows; /* primary first */
    size_t n;
    bool prospective;
} vemt_scan_out;

/** Everything a run writes. All borrowed. Counts arrive as they are to be
 * published (NaN where suppressed; the tier's rules decide which layers and
 * fields are written). grid may be NULL (`vemt ingest`):
 * then no analysis layer is written. The cell arrays have
 * vemt_units_count(grid) entries; gi_z and gi_p may hold NaN (written as
 * null). */
typedef struct vemt_output {
    const vemt_events *events;
    const vemt_rejects *rejects;
    const vemt_merges *merges;
    const vemt_source *sources;
    size_t n_sources;
    const vemt_units *grid;
    const double *n_events;
    const double *n_subjects; /* distinct subjects per unit, or NULL */
    const double *gi_z;
    const double *gi_p;
    const double *gi_p_sim;             /* permutation p, or NULL */
    const int8_t *gi_bin;               /* -3..3, or NULL */
    const uint8_t *bin_hidden;          /* per unit: gi_bin and lisa_type
                                           withheld (their neighbourhood's
                                           counts are), or NULL */
    const double *lisa_i, *lisa_p;      /* Local Moran, or NULL */
    const int8_t *lisa_type;            /* vemt_lisa_type, or NULL */
    const vemt_isa_band *scale_profile; /* incremental Moran, or NULL */
    size_t n_scale_profile;
    size_t scale_first_peak, scale_max_peak;   /* SIZE_MAX: none */
    const vemt_trends_out *trends;             /* or NULL: no trend layers */
    const vemt_safeguarding_out *safeguarding; /* or NULL */
    const vemt_cluster_set *cluster_sets;      /* dbscan, st-dbscan, hdbscan */
    size_t n_cluster_sets;                     /* 0: no cluster layers */
    const vemt_density_out *density;           /* or NULL: no kde raster */
    const vemt_scan_out *scan; /* or NULL: no scan_clusters layer */
    const vemt_provenance *provenance;
    const size_t *rank; /* per unit, 1 = first (pipeline/rank.h), or NULL */
    const vemt_tier_rules *rules; /* the disclosure rules in force; NULL: the
                                     provenance's tier's (disclosure/), with
                                     its suppress_below and round_to */
    const vemt_study_area *area;  /* the study area, or NULL */
    const char *area_name;        /* its source file name */
    const vemt_tz *zone; /* the analysis calendar (--time-zone) that time
                            windows are rounded in; NULL: UTC */
    const char *crs;     /* the analysis CRS, as vemt_ingest_analysis_crs()
                            names it ("EPSG:32630" or WKT); NULL:
                            VEMT_ANALYSIS_CRS_DEFAULT. Every layer, the raster
                            and the project are in it; GeoJSON is WGS 84. */
    vemt_commit *commit; /* NULL: each writer renames its file into place
                            when it is complete; else it registers its
                            finished temporary here and replaces nothing
                            (vemt_commit_apply() does, for all of them) */
} vemt_output;

/** Write a QGIS project (.qgs, or .qgz zipped) at path that opens the
 * GeoPackage gpkg_path's layers in groups (study area on top, Hot spots,
 * Trends, Clusters, Events) with their default styles, the temporal
 * controller set to the events' time range and paths relative to the
 * project, so both files can be moved together. Written to a temporary
 * file and renamed into place. */
vemt_status vemt_outputs_write_project(vemt_ctx *ctx, const char *path,
                                       const char *gpkg_path,
                                       const vemt_output *out);

/** The events' time range (earliest start, latest end); false: none. */
bool vemt_outputs_time_range(const vemt_events *events, int64_t *start,
                             int64_t *end);

/** At exit: free pango's, cairo's and fontconfig's process-wide caches. */
void vemt_outputs_release_fonts(void);

/** Write the GeoPackage at path: layers hotspot_cells, events, rejects and
 * merges, and the provenance in gpkg_metadata. It is written to a temporary
 * file beside path and renamed into place only when complete, so a failed run
 * leaves no partial file and any earlier output untouched. Returns
 * VEMT_E_IO or VEMT_E_DEPENDENCY with GDAL's message on failure. */
vemt_status vemt_outputs_write_gpkg(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out);

/** Write out->density as a single-band Float32 GeoTIFF at path (the
 * analysis CRS, north-up, events per km^2, deflate-compressed, its description
 * in the metadata), to a temporary file renamed into place. Returns VEMT_E_ARG
 * when there is no density, VEMT_E_IO or VEMT_E_DEPENDENCY. */
vemt_status vemt_outputs_write_geotiff(vemt_ctx *ctx, const char *path,
                                       const vemt_output *out);

/** Write one RFC 7946 GeoJSON file per vector layer into dir (which must
 * exist): <layer>.geojson in WGS 84 longitude/latitude, each written to a
 * temporary file and renamed into place. With out->commit, the files of
 * vemt's layers in dir that this output does not write are also
 * registered there for removal (vemt_commit_removal()). */
vemt_status vemt_outputs_write_geojson(vemt_ctx *ctx, const char *dir,
                                       const vemt_output *out);

/** The provenance document (JSON) for out. Caller owns the result; free
 * with vemt_outputs_free(). NULL when memory runs out. */
char *vemt_outputs_provenance_json(const vemt_output *out);

/** The name of output layer i, NULL past the last: every layer vemt can
 * write (a GeoPackage table, or the GeoJSON file "<name>.geojson"), whether
 * or not a run writes it. Borrowed, static. */
const char *vemt_outputs_layer_name(size_t i);

/** The temporary name the writers use for final while writing it:
 * "<dir>/.<name>.vemt-tmp-<pid><ext>" (ext ".gpkg", ".geojson", ".qgs",
 * ".zip"). Returns false when buf is too small. */
bool vemt_outputs_temp_path(const char *final, const char *ext, long pid,
                            char *buf, size_t size);

/** True when path is a GeoPackage, QGIS project or GeoTIFF that vemt
 * wrote (its provenance, title or software tag says so), so a run may
 * replace it without --force. */
bool vemt_outputs_is_vemt_file(const char *path);

/** Audit the output at path (a GeoPackage, GeoJSON file or folder, GeoTIFF,
 * QGIS project, Markdown report, board pack) against rules, never against
 * what the file declares, writing one line per class of problem (count,
 * first examples) to report; *problems gets the number of problems.
 * VEMT_E_IO when path can't be opened, VEMT_E_NOMEM. */
vemt_status vemt_outputs_check_disclosure(vemt_ctx *ctx, const char *path,
                                          const vemt_tier_rules *rules,
                                          FILE *report, size_t *problems);

/** vemt_outputs_check_disclosure() for each of n paths (stopping at one
 * that can't be checked), then a summary line; *problems gets the total. */
vemt_status vemt_outputs_check_disclosure_paths(vemt_ctx *ctx,
                                                const char *const *paths,
                                                size_t n,
                                                const vemt_tier_rules *rules,
                                                FILE *report, size_t *problems);

/** What a temporary holds, for reading it back before the commit. */
typedef enum vemt_commit_kind {
    VEMT_COMMIT_GPKG,    /* GeoPackage: SQLite's quick check */
    VEMT_COMMIT_GEOJSON, /* GeoJSON: every feature parses */
    VEMT_COMMIT_TIFF,    /* GeoTIFF: every tile decodes */
    VEMT_COMMIT_PROJECT, /* .qgs (or the .qgs in a .qgz): well-formed XML */
    VEMT_COMMIT_TEXT,    /* the report: its writer checked every write */
    VEMT_COMMIT_REMOVE,  /* a stale file removed at the commit */
    VEMT_COMMIT_PNG,     /* a board pack's 3508 x 2480 page image */
    VEMT_COMMIT_PDF      /* the board pack's PDF: "%PDF-" ... "%%EOF" */
} vemt_commit_kind;

/** True when text is well-formed UTF-8 of characters XML 1.0 allows and
 * no control character but tab and newline (no CR, DEL or C1); else false with
 * *bad_at (may be NULL) the byte offset of the first offender. */
bool vemt_outputs_text_is_valid(const char *text, size_t *bad_at);

/** An empty commit into *out. VEMT_E_NOMEM. Free with vemt_commit_destroy(). */
vemt_status vemt_commit_create(vemt_ctx *ctx, vemt_commit **out);

/** Free c, removing every temporary it holds that was not renamed into
 * place (so a run that fails before the commit leaves nothing behind),
 * except after a vemt_commit_apply() that failed once its manifest was
 * written: those are the next run's to roll forward. NULL is a no-op. */
void vemt_commit_destroy(vemt_commit *c);

/** Register the finished temporary tmp, to be renamed to final at the
 * commit. VEMT_E_NOMEM (tmp is then removed). Both are copied. */
vemt_status vemt_commit_add(vemt_ctx *ctx, vemt_commit *c, const char *tmp,
                            const char *final, vemt_commit_kind kind);

/** Register final (a stale layer or pack file) for removal. VEMT_E_NOMEM. */
vemt_status vemt_commit_remove(vemt_ctx *ctx, vemt_commit *c,
                               const char *final);

/** The temporary registered for final, or NULL. Borrowed from c. */
const char *vemt_commit_temp_of(const vemt_commit *c, const char *final);

/** The i-th file c removes at the commit, NULL past the last. Borrowed. */
const char *vemt_commit_removal(const vemt_commit *c, size_t i);

/** Read every registered temporary back (see vemt_commit_kind). VEMT_E_IO
 * naming the output (with the cause when the disk is full). */
vemt_status vemt_commit_verify(vemt_ctx *ctx, vemt_commit *c);

/** Commit: write the manifest at manifest_path (tmp -> final pairs) and
 * fsync it, rename every temporary into place and remove the stale files,
 * fsync the folders, delete the manifest. VEMT_E_IO naming the file; a
 * failure after the manifest was written leaves it for the next run's
 * vemt_commit_recover(). */
vemt_status vemt_commit_apply(vemt_ctx *ctx, vemt_commit *c,
                              const char *manifest_path);

/** The manifest path for outputs beside the file beside:
 * "<dir>/.<name>.vemt-commit". False when buf is too small. */
bool vemt_commit_manifest_path(const char *beside, char *buf, size_t size);

/** Finish an earlier run's commit from its manifest (nothing when there
 * is none): a complete manifest is rolled forward (each temporary that
 * still exists renamed into place, *rolled counts them), one cut short is
 * undone (its temporaries removed); then it is deleted. VEMT_E_IO when the
 * process that wrote it is still running. */
vemt_status vemt_commit_recover(vemt_ctx *ctx, const char *manifest_path,
                                size_t *rolled);

/** Remove the temporaries (".*.vemt-tmp-<pid>*", SQLite side files
 * included) that earlier vemt runs, no longer running, left in dir. */
void vemt_commit_clean_stale(const char *dir);

/** Free memory returned by outputs functions; NULL is a no-op. */
void vemt_outputs_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_OUTPUTS_OUTPUTS_H */
