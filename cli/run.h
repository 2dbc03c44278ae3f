/** @file run.h
 * @brief The run pipeline: ingest -> engine -> outputs.
 */
#ifndef VEMT_CLI_RUN_H
#define VEMT_CLI_RUN_H

#include "cli/args.h"

/** Run `vemt run` with parsed options; returns the process exit status. */
int vemt_run(const vemt_args *args, int argc, char **argv);

#endif /* VEMT_CLI_RUN_H */
