/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file job.h
 * @brief A vemt job: every option of a run or an ingest, typed, filled
 * from option names and values (the command line's, a job file's or a
 * binding's) and checked completely before any input is read.
 */
#ifndef VEMT_PIPELINE_JOB_H
#define VEMT_PIPELINE_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "ingest/ingest.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most input files of one job. */
#define VEMT_MAX_INPUTS 128

/** Most entries of the option table (vemt_job_option). */
#define VEMT_MAX_OPTIONS 128

/** Most --areas files of one job. */
#define VEMT_MAX_AREAS 32

/** Most edges of a band list (--nr-space, --nr-time). */
#define VEMT_MAX_EDGES 32

/** What a job does. */
typedef enum vemt_job_command {
    VEMT_JOB_RUN = 0, /* read, analyse, write every layer */
    VEMT_JOB_INGEST   /* read and normalise only: events, rejects, merges */
} vemt_job_command;

/** Kinds of spatial weights (--weights). */
typedef enum vemt_weights_kind {
    VEMT_WEIGHTS_BAND = 0,
    VEMT_WEIGHTS_KNN,
    VEMT_WEIGHTS_QUEEN,
    VEMT_WEIGHTS_ROOK
} vemt_weights_kind;

/** Clustering methods (--clusters), as bits of cluster_methods. */
typedef enum vemt_cluster_method {
    VEMT_CLUSTER_DBSCAN = 0,
    VEMT_CLUSTER_STDBSCAN,
    VEMT_CLUSTER_HDBSCAN,
    VEMT_CLUSTER_METHODS
} vemt_cluster_method;

/** One input file and how to read it. */
typedef struct vemt_job_input {
    const char *path;
    vemt_source_kind kind;
    const char *crs; /* NULL: the run's --crs or the defaults */
    int date_order;  /* -1: the run's; 0 day first; 1 month first */
    vemt_column_map columns;
} vemt_job_input;

/** Every option of a job. Strings are owned by the job (copied when
 * given); read the fields, set them only through vemt_job_give(). */
typedef struct vemt_job {
    vemt_job_command command;
    vemt_job_input inputs[VEMT_MAX_INPUTS];
    int n_inputs;
    const char *boundary;
    const char *boundary_where; /* --boundary-where: OGR SQL filter, or NULL */
    const char *out;
    const char *geojson_dir;
    const char *key_file;
    const char *pseudonym_key; /* key text when no key file (NULL: random) */
    const char *config;        /* the job file read, or NULL */
    const char *postcodes;
    const char *crs;
    const char *analysis_crs; /* NULL: VEMT_ANALYSIS_CRS_DEFAULT */
    const char *categories;
    const char *exclude_categories;
    const char *qgis_project;
    const char *attribution;
    bool month_first;
    double cell_size_m; /* 0: automatic */
    unsigned kinds;     /* bit set of 1u << vemt_kind */
    const char *kind_name;
    uint64_t seed;
    bool seed_given;
    double merge_m;         /* cross-source duplicate distance */
    double merge_s;         /* ... and time */
    double max_reject_rate; /* < 0: no limit */
    /* trends */
    vemt_step_unit time_step;
    int step_days;                     /* for VEMT_STEP_DAYS */
    const char *time_start, *time_end; /* clip, as given */
    int64_t time_start_utc;            /* first second of time_start */
    int64_t time_end_utc;              /* one past the last of time_end */
    bool time_at_start;                /* --time-weighting start */
    const char *time_zone;             /* --time-zone: the analysis calendar
                                          (default Europe/London) */
    const char *input_time_zone;       /* --input-time-zone: offset-less
                                          input times and labels (default
                                          Europe/London) */
    vemt_tz *tz, *input_tz;            /* those zones, loaded by
                                          vemt_job_finish(); never NULL
                                          after it */
    bool spread_months;                /* --spread-months: month-only
                                          events spread evenly over the days
                                          of their month under weekly or
                                          daily steps (else an error) */
    int time_lag;
    int global_window; /* vemt_window */
    bool count_subjects;
    bool fdr; /* --fdr on (default) */
    bool no_trends;
    /* the space-time permutation scan (pipeline/scan.c) */
    bool scan;               /* --scan */
    bool scan_retrospective; /* --scan-retrospective: every window */
    double scan_max_share;   /* --scan-max-share (0.5) */
    long scan_max_steps;     /* --scan-max-steps (0: half the steps) */
    long scan_replicates;    /* --scan-replicates (999) */
    long scan_every;         /* --scan-every: steps between analyses (1) */
    /* forecasts (pipeline/forecast.c) */
    bool forecast; /* --forecast, or --backtest */
    long backtest; /* --backtest N: the last N steps (0: none) */
    /* disclosure control */
    int tier;              /* vemt_tier: 0 restricted, 1 partner, 2 public */
    double suppress_below; /* 0: the tier's default */
    double round_to;       /* 0: no rounding */
    bool allow_world_readable;
    /* safeguarding */
    double place_radius; /* metres (100) */
    long min_children;   /* locations of concern (3) */
    int patrol_hours;    /* window length (3) */
    int patrol_top;      /* rows kept (10) */
    const char *report;  /* Markdown report path, or NULL */
    /* the board pack (outputs/pack.h) */
    const char *board_pack; /* --board-pack DIR, or NULL */
    const char *marking;    /* --marking TEXT (NULL: the tier's default) */
    int palette;            /* --palette: vemt_palette (0: Esri's) */
    /* hot spots */
    int grid_shape;    /* vemt_unit_shape: square (0) or hex (1) */
    const char *areas; /* the first --areas PATH: polygon units, or NULL */
    const char *area_files[VEMT_MAX_AREAS]; /* every --areas PATH, in order */
    const char *area_where[VEMT_MAX_AREAS]; /* a job file's "where" for that
                                               file (NULL: areas_where) */
    int n_areas;
    const char *areas_where; /* --areas-where: OGR SQL filter, or NULL */
    double snap_m;           /* --snap: polygon contiguity tolerance (0.001) */
    const char *area_id;     /* field of the units' ids (NULL: guessed) */
    const char *area_name;   /* field of their names (NULL: guessed) */
    int weights;             /* vemt_weights_kind; -1: the units' default */
    double distance_band_m;  /* 0: the default; < 0: auto (scale profile) */
    long knn_k;              /* --k (8) */
    long permutations;       /* conditional permutations (999; 0: none) */
    long threads;            /* worker threads (0: every core) */
    /* clusters and density */
    unsigned cluster_methods; /* bit set of vemt_cluster_method */
    bool clusters_given;      /* --clusters given (HDBSCAN on any size) */
    double eps_m;             /* DBSCAN and ST-DBSCAN distance (200) */
    long min_points;          /* their minimum points, itself included (5) */
    double time_eps_s;        /* ST-DBSCAN time window (14 days) */
    bool dbscan_star;         /* border points are noise */
    long min_cluster_size;    /* HDBSCAN (10) */
    long min_samples;         /* HDBSCAN core distance (0: min cluster size) */
    unsigned numbers_given;   /* options_analysis.c: which numbers were given
                                 (vemt_job_number_given) */
    bool convex;              /* convex hulls instead of concave */
    double concave_ratio;     /* GEOS concave hull ratio (0.5) */
    const char *kde_path;     /* --kde PATH.tif, or NULL */
    bool no_kde;              /* no density surface at all */
    int kde_kernel;           /* vemt_kernel */
    double kde_bandwidth_m;   /* 0: automatic */
    double kde_pixel_m;       /* 0: automatic */
    /* near repeats and co-location */
    const char *nr_space; /* Knox space edges as given ("0,1,200,...") */
    const char *nr_time;  /* Knox time edges, days, as given */
    double nr_space_m[VEMT_MAX_EDGES], nr_time_days[VEMT_MAX_EDGES];
    size_t n_nr_space, n_nr_time; /* the parsed edges */
    bool nr_euclidean;            /* distance: Euclidean (default Manhattan) */
    bool no_near_repeat;          /* skip the Knox test */
    long clq_k;                   /* co-location neighbours (8) */
    long repeat_episodes;         /* a repeat child: this many episodes (3) */
    long repeat_days;             /* ... within this many days (90) */
    const char *flag_places;      /* --flag-places PATH, or NULL */
    double flag_radius_m;         /* around flagged points (50) */
    bool include_flagged;         /* keep their missing_from in hot spots */
    const char *label_areas;      /* --label-areas PATH: polygons that name the
                                     units, clusters and windows, or NULL */
    const char *label_field;      /* their name field (NULL: guessed) */
    bool demo;
    const char *demo_dir; /* the demo data's folder (NULL: the built-in) */
    bool quiet;
    bool timings;        /* --timings: each stage's time and memory on stderr */
    bool force;          /* overwrite outputs that are not vemt's */
    bool centroids;      /* --centroids: non-point GIS events at their
                            centroid (else rejected) */
    uint64_t max_memory; /* --max-memory bytes; 0: 80 % of physical memory
                            (pipeline/memory.c) */
    /* options given, by index in the option table */
    bool given[VEMT_MAX_OPTIONS];
    /* the strings the job owns */
    char **owned;
    size_t n_owned, cap_owned;
} vemt_job;

/** Bits of vemt_job_option.flags. */
#define VEMT_OPT_VALUE 1u    /* takes a value (otherwise a flag) */
#define VEMT_OPT_PATH 2u     /* the value is a file or folder path */
#define VEMT_OPT_REPEAT 4u   /* repeatable: each one adds an input */
#define VEMT_OPT_CLI_ONLY 8u /* not in job files (--config, --help) */

/** One long option of a job. */
typedef struct vemt_job_option {
    char name[24];  /* "--cell-size" */
    unsigned flags; /* VEMT_OPT_* */
} vemt_job_option;

/** Set every option to its default for command. Free with
 * vemt_job_clear(). */
void vemt_job_init(vemt_job *job, vemt_job_command command);

/** Free the strings the job owns and zero it. */
void vemt_job_clear(vemt_job *job);

/** Number of entries in the option table: every long option a job takes,
 * in the order of the help text. */
size_t vemt_job_n_options(void);

/** Entry k of the option table, NULL past the last. Borrowed (static). */
const vemt_job_option *vemt_job_option_at(size_t k);

/** Index in the option table of a long option ("--cell-size"), or -1. */
int vemt_job_option_find(const char *name);

/** Give option k its value (NULL for a flag): the value is checked and
 * parsed now, copied, and the option marked given. Returns VEMT_E_ARG
 * with the reason in err->msg for a bad value, VEMT_E_NOMEM. */
vemt_status vemt_job_give(vemt_job *job, size_t k, const char *value,
                          vemt_error *err);

/** Add an input file (path copied). VEMT_E_ARG when there are too many. */
vemt_status vemt_job_add_input(vemt_job *job, const char *path,
                               vemt_source_kind kind, vemt_error *err);

/** Read a JSON job file: each key is an option's long name without the
 * dashes ("cell_size" or "cell-size"), given through vemt_job_give()
 * unless already given; relative paths are relative to the job file's
 * folder. On failure VEMT_E_ARG (or VEMT_E_NOMEM) with err->source the
 * path, err->line and err->column set for a syntax error, and err->msg
 * "job file: ...". */
vemt_status vemt_job_read_file(vemt_job *job, const char *path,
                               vemt_error *err);

/** Finish a job after its last option: the demo's inputs with demo, the
 * tier's defaults, and the checks between options (an input and an output
 * are needed; the tier allows the cell size and time step given).
 * VEMT_E_ARG with the reason in err->msg. */
vemt_status vemt_job_finish(vemt_job *job, vemt_error *err);

/** Parse a band list "0,1,200,...": 2 to max ascending numbers >= 0 into
 * edges; false when it is not one. */
bool vemt_job_parse_edges(const char *list, double *edges, size_t max,
                          size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_PIPELINE_JOB_H */
