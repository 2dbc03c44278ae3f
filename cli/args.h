/** @file args.h
 * @brief Command-line parsing for the vemt program.
 */
#ifndef VEMT_CLI_ARGS_H
#define VEMT_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VEMT_MAX_INPUTS 64

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
    VEMT_CMD_RUN
} vemt_command;

/** Options of `vemt run`. Strings borrow from argv. */
typedef struct vemt_args {
    vemt_command command;
    bool help; /* --help after the command */
    const char *incidents[VEMT_MAX_INPUTS];
    int n_incidents;
    const char *missing[VEMT_MAX_INPUTS];
    int n_missing;
    const char *boundary;
    const char *out;
    const char *geojson_dir;
    const char *key_file;
    double cell_size_m; /* 0: automatic */
    unsigned kinds;     /* bit set of 1u << vemt_kind */
    const char *kind_name;
    uint64_t seed;
    bool seed_given;
    bool demo;
    bool quiet;
} vemt_args;

/** Parse argv into *args. On a usage error writes one line and a hint to
 * err and returns false. */
bool vemt_args_parse(int argc, char **argv, vemt_args *args, FILE *err);

/** Print the top-level or `run` help text. */
void vemt_args_usage(FILE *out, vemt_command command);

#endif /* VEMT_CLI_ARGS_H */
