/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file args.h
 * @brief Command-line parsing for the vemt program: argv into a job
 * (pipeline/job.h), and the help text.
 */
#ifndef VEMT_CLI_ARGS_H
#define VEMT_CLI_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "pipeline/pipeline.h"

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

/** The command line: a command and, for run and ingest, the job. */
typedef struct vemt_args {
    vemt_command command;
    bool help;                /* --help after the command */
    const char **check_paths; /* vemt check-disclosure PATH...: argv's */
    size_t n_check_paths;
    int check_tier; /* its --tier: VEMT_TIER_PARTNER or _PUBLIC */
    vemt_job job;   /* every option, owned */
} vemt_args;

/** Parse argv into *args, then the job file of --config for the options
 * the command line did not give, then finish the job (every check between
 * options). On a usage error writes one line and a hint to err and returns
 * false. Free with vemt_args_clear() (after a failure too). */
bool vemt_args_parse(int argc, char **argv, vemt_args *args, FILE *err);

/** Free what parsing allocated. */
void vemt_args_clear(vemt_args *args);

/** One line ("vemt: msg: what") and a hint on err; returns false. */
bool vemt_args_fail(FILE *err, const char *msg, const char *what);

/** Print the top-level or a command's help text. */
void vemt_args_usage(FILE *out, vemt_command command);

#endif /* VEMT_CLI_ARGS_H */
