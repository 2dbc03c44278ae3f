/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.h
 * @brief Temporary files never outlive a run: removed on SIGINT, SIGTERM or
 * SIGHUP, except once the commit has begun.
 */
#ifndef VEMT_CLI_SAFETY_H
#define VEMT_CLI_SAFETY_H

#include "pipeline/job.h"

/** Remember a temporary file of this run (the pipeline's temp_file
 * callback), for the signal handlers. */
void vemt_safety_add_temp(const char *path);

/** Install handlers that, on SIGINT, SIGTERM or SIGHUP, remove this run's
 * temporary files and end the process with the signal. */
void vemt_safety_arm(void);

#endif /* VEMT_CLI_SAFETY_H */
