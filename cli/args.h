/** @file args.h
 * @brief Command-line parsing for the vemt program.
 */
#ifndef VEMT_CLI_ARGS_H
#define VEMT_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ingest/ingest.h"

#define VEMT_MAX_INPUTS 128

/** Most entries of the option table (vemt_args_option). */
#define VEMT_MAX_OPTIONS 96

/** Exit statuses of the program. */
enum {
    VEMT_EXIT_OK = 0,
    VEMT_EXIT_INPUT = 1,   /* bad input: file, row, column, reason */
    VEMT_EXIT_USAGE = 2,   /* bad command line */
    VEMT_EXIT_INTERNAL = 3 /* out of memory, dependency failure */
};

typedef enum vemt_command {
    VEMT_CMD_NONE = 0,
    VEMT_CMD_HELP,
    VEMT_CMD_VERSION,
    VEMT_CMD_RUN,
    VEMT_CMD_INGEST,
    VEMT_CMD_CHECK
} vemt_command;

/** One input file and how to read it. Strings borrow from argv or the job
 * file. */
typedef struct vemt_input_arg {
    const char *path;
    vemt_source_kind kind;
    const char *crs; /* NULL: the run's --crs or the defaults */
    int date_order;  /* -1: the run's; 0 day first; 1 month first */
    vemt_column_map columns;
} vemt_input_arg;

/** Options of `vemt run` and `vemt ingest`. */
typedef struct vemt_args {
    vemt_command command;
    bool help; /* --help after the command */
    vemt_input_arg inputs[VEMT_MAX_INPUTS];
    int n_inputs;
    const char *boundary;
    const char *out;
    const char *geojson_dir;
    const char *key_file;
    const char *config;
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
    int time_step;                     /* vemt_step_unit */
    int step_days;                     /* for VEMT_STEP_DAYS */
    const char *time_start, *time_end; /* clip, as given */
    bool time_at_start;                /* --time-weighting start */
    int time_lag;
    int global_window; /* vemt_window */
    bool count_subjects;
    bool fdr; /* --fdr on (default) */
    bool no_trends;
    /* disclosure control */
    int tier;              /* 0 restricted, 1 partner, 2 public */
    double suppress_below; /* 0: the tier's default (5 partner, 10 public) */
    double round_to;       /* 0: no rounding */
    bool allow_world_readable;
    const char *check_path; /* vemt check-disclosure PATH */
    /* safeguarding */
    double place_radius; /* metres (100) */
    long min_children;   /* locations of concern (3) */
    int patrol_hours;    /* window length (3) */
    int patrol_top;      /* rows kept (10) */
    const char *report;  /* Markdown report path, or NULL */
    /* hot spots (cli/args_analysis.c) */
    int grid_shape;         /* vemt_unit_shape: square (0) or hex (1) */
    const char *areas;      /* --areas PATH: polygon units, or NULL */
    const char *area_id;    /* field of the units' ids (NULL: guessed) */
    const char *area_name;  /* field of their names (NULL: guessed) */
    int weights;            /* vemt_weights_kind; -1: the units' default */
    double distance_band_m; /* 0: the default; < 0: auto (scale profile) */
    long knn_k;             /* --k (8) */
    long permutations;      /* conditional permutations (999; 0: none) */
    long threads;           /* worker threads (0: every core) */
    /* clusters and density */
    unsigned cluster_methods; /* bit set of vemt_cluster_method */
    bool clusters_given;      /* --clusters given (HDBSCAN on any size) */
    double eps_m;             /* DBSCAN and ST-DBSCAN distance (200) */
    long min_points;          /* their minimum points, itself included (5) */
    double time_eps_s;        /* ST-DBSCAN time window (14 days) */
    bool dbscan_star;         /* border points are noise */
    long min_cluster_size;    /* HDBSCAN (10) */
    long min_samples;         /* HDBSCAN core distance (0: min cluster size) */
    bool convex;              /* convex hulls instead of concave */
    double concave_ratio;     /* GEOS concave hull ratio (0.5) */
    const char *kde_path;     /* --kde PATH.tif, or NULL */
    bool no_kde;              /* no density surface at all */
    int kde_kernel;           /* vemt_kernel */
    double kde_bandwidth_m;   /* 0: automatic */
    double kde_pixel_m;       /* 0: automatic */
    /* near repeats and co-location */
    const char *nr_space;    /* Knox space edges, metres ("0,1,200,...") */
    const char *nr_time;     /* Knox time edges, days */
    bool nr_euclidean;       /* distance: Euclidean (default Manhattan) */
    bool no_near_repeat;     /* skip the Knox test */
    long clq_k;              /* co-location neighbours (8) */
    long repeat_episodes;    /* a repeat child: this many episodes (3) */
    long repeat_days;        /* ... within this many days (90) */
    const char *flag_places; /* --flag-places PATH, or NULL */
    double flag_radius_m;    /* around flagged points (50) */
    bool include_flagged;    /* keep their missing_from in hot spots */
    bool demo;
    bool quiet;
    bool force; /* overwrite outputs that are not vemt's */
    /* options given, by index in the option table: on the command line,
     * then in the job file for those the command line did not give */
    bool given[VEMT_MAX_OPTIONS];
    void *job; /* the parsed job file and its joined paths (json), owned */
} vemt_args;

/** Bits of vemt_option.flags. */
#define VEMT_OPT_VALUE 1u    /* takes a value (otherwise a flag) */
#define VEMT_OPT_PATH 2u     /* the value is a file or folder path */
#define VEMT_OPT_REPEAT 4u   /* repeatable: each one adds an input */
#define VEMT_OPT_CLI_ONLY 8u /* command line only (--config, --help) */

/** One long option of `vemt run` and `vemt ingest`. */
typedef struct vemt_option {
    char name[24];  /* "--cell-size" */
    unsigned flags; /* VEMT_OPT_* */
} vemt_option;

/** Number of entries in the option table: every long option run and
 * ingest accept, in the order of the help text. */
size_t vemt_args_n_options(void);

/** Entry k of the option table, NULL past the last. Borrowed (static). */
const vemt_option *vemt_args_option(size_t k);

/** Index in the option table of a long option ("--cell-size"), or -1. */
int vemt_args_option_find(const char *name);

/** Give option k of the table with its value (NULL for a flag) exactly as
 * the command line does: same checks, and on a bad value false after the
 * same line and hint on err. Marks the option given. value is borrowed and
 * must outlive *a. */
bool vemt_args_give(vemt_args *a, size_t k, const char *value, FILE *err);

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

/** Defaults of the hot-spot and cluster options (cli/args_analysis.c). */
void vemt_args_analysis_defaults(vemt_args *a);

/** Parse one hot-spot or cluster option with its value. *known is false
 * when opt is not one of them; otherwise returns false after one line and
 * a hint on err for a bad value. */
bool vemt_args_analysis_option(const char *opt, const char *v, vemt_args *a,
                               FILE *err, bool *known);

/** Set a hot-spot or cluster flag (an option without a value); false when
 * opt is not one. */
bool vemt_args_analysis_flag(const char *opt, vemt_args *a);

/** Most edges of a band list (--nr-space, --nr-time). */
#define VEMT_MAX_EDGES 32

/** Parse a band list "0,1,200,...": 2 to max ascending numbers >= 0 into
 * edges; false when it is not one. */
bool vemt_args_edges(const char *list, double *edges, size_t max, size_t *n);

/** Print the help of the hot-spot and cluster options. */
void vemt_args_analysis_usage(FILE *out);

/** One line and a hint on err; returns false. */
bool vemt_args_fail(FILE *err, const char *msg, const char *what);

/** Parse argv into *args, then the job file of --config (vemt_job_apply)
 * for the options the command line did not give. On a usage error writes
 * one line and a hint to err and returns false. Strings borrow from argv
 * and the job file; free with vemt_args_clear() (after a failure too). */
bool vemt_args_parse(int argc, char **argv, vemt_args *args, FILE *err);

/** Free what parsing allocated. */
void vemt_args_clear(vemt_args *args);

/** Add an input; false when there are too many. */
bool vemt_args_add_input(vemt_args *a, const char *path, vemt_source_kind k);

/** Apply a JSON job file (cli/job.c): each key is an option's long name
 * without the dashes ("cell_size" or "cell-size") and is given through
 * vemt_args_give() unless the command line gave that option already;
 * relative paths are relative to the job file's folder. False after one
 * line ("PATH: job file: ...") and a hint on err when the file can't be
 * read, is malformed, names an unknown option or gives a bad value. The
 * parsed file goes into a->job (freed by vemt_args_clear()). */
bool vemt_job_apply(const char *path, vemt_args *a, FILE *err);

/** Print the top-level or a command's help text. */
void vemt_args_usage(FILE *out, vemt_command command);

#endif /* VEMT_CLI_ARGS_H */
