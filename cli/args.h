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
    bool demo;
    bool quiet;
    bool force; /* overwrite outputs that are not vemt's */
    void *job;  /* the parsed job file (json_object), owned */
} vemt_args;

/** Parse argv into *args (reading --config too). On a usage error writes
 * one line and a hint to err and returns false. Free with
 * vemt_args_clear(). */
bool vemt_args_parse(int argc, char **argv, vemt_args *args, FILE *err);

/** Free what parsing allocated. */
void vemt_args_clear(vemt_args *args);

/** Add an input; false when there are too many. */
bool vemt_args_add_input(vemt_args *a, const char *path, vemt_source_kind k);

/** Apply a JSON job file (cli/job.c). False with one line on err when it
 * can't be read or is malformed. */
bool vemt_job_apply(const char *path, vemt_args *a, FILE *err);

/** Print the top-level or a command's help text. */
void vemt_args_usage(FILE *out, vemt_command command);

#endif /* VEMT_CLI_ARGS_H */
