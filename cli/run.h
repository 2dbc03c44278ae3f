/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file run.h
 * @brief `vemt run` and `vemt ingest`: the pipeline with the program's
 * printing, signals and exit statuses.
 */
#ifndef VEMT_CLI_RUN_H
#define VEMT_CLI_RUN_H

#include "cli/args.h"

/** Run the parsed command's job; returns the process exit status. */
int vemt_run(const vemt_args *args, int argc, char **argv);

#endif /* VEMT_CLI_RUN_H */
