/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file outputs.h
 * @brief Public API of outputs/: the run's layers as a GeoPackage and as
 * GeoJSON files, with the run's provenance. */
#ifndef VEMT_OUTPUTS_OUTPUTS_H
#define VEMT_OUTPUTS_OUTPUTS_H

#include <stdio.h>

#include "disclosure/disclosure.h"
#include "engine/engine.h" /* and engine/vemt.h */
#include "outputs/rows.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A run's outputs committed together (outputs/commit.c); opaque. */
typedef struct vemt_commit vemt_commit;

/** A GeoPackage whose events layer a thread is writing while the run goes
 * on (vemt_outputs_gpkg_start()); opaque. */
typedef struct vemt_gpkg_early vemt_gpkg_early;

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
    const vemt_scan_out *scan;         /* or NULL: no scan_clusters layer */
    const vemt_forecast_out *forecast; /* or NULL: no forecast layers */
    const vemt_provenance *provenance;
    const size_t *rank; /* per unit, 1 = first (pipeline/rank.h), or NULL */
    const vemt_tier_rules *rules; /* the disclosure rules in force; NULL: the
                                     provenance's tier's (disclosure/), with
                                     its suppress_below and round_to */
    const vemt_study_area *area;  /* the study area, or NULL */
    const char *area_name;        /* its source file name */
    const vemt_tz *zone;    /* the analysis calendar (--time-zone) that time
                               windows are rounded in; NULL: UTC */
    const char *crs;        /* the analysis CRS, as vemt_ingest_analysis_crs()
                               names it ("EPSG:32630" or WKT); NULL:
                               VEMT_ANALYSIS_CRS_DEFAULT. Every layer, the raster
                               and the project are in it; GeoJSON is WGS 84. */
    vemt_commit *commit;    /* NULL: each writer renames its file into place
                               when it is complete; else it registers its
                               finished temporary here and replaces nothing
                               (vemt_commit_apply() does, for all of them) */
    vemt_gpkg_early *early; /* NULL, or the GeoPackage begun for this
                               output's path by vemt_outputs_gpkg_start() */
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

/** Begin the GeoPackage at path before the rest of the run is known: a
 * thread of its own creates its temporary and writes the events layer,
 * the largest (10 million rows take 24 s), while the caller's analyses go
 * on. Everything out's events layer reads (events, sources, cluster sets;
 * the tier and rules are copied) must stay unchanged until
 * vemt_outputs_write_gpkg() with out->early set to *early has written the
 * rest, or vemt_outputs_gpkg_early_destroy(). *early is NULL when the tier
 * writes no events layer or no thread could start (the layer is then
 * written with the others): not an error. */
vemt_status vemt_outputs_gpkg_start(vemt_ctx *ctx, const char *path,
                                    const vemt_output *out,
                                    vemt_gpkg_early **early);

/** Wait for early's thread and free it, removing its temporary unless
 * vemt_outputs_write_gpkg() took it. NULL is a no-op. */
void vemt_outputs_gpkg_early_destroy(vemt_gpkg_early *early);

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
