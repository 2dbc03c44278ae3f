/** @file safety.h
 * @brief Safe writing around the outputs: refuse to overwrite files vemt
 * did not write, remove temporary files on SIGINT/SIGTERM and stale ones
 * a hard kill left behind.
 */
#ifndef VEMT_CLI_SAFETY_H
#define VEMT_CLI_SAFETY_H

#include "cli/args.h"

/** Exit status 0, or 1 after a message when an output path exists and is
 * not a vemt file (unless --force). */
int vemt_safety_check(const vemt_args *a);

/** Remove temporary files of earlier runs that died (their process no
 * longer exists) beside each output. */
void vemt_safety_clean_stale(const vemt_args *a);

/** Install handlers that, on SIGINT, SIGTERM or SIGHUP, remove this run's
 * temporary files and end the process with the signal. */
void vemt_safety_arm(const vemt_args *a);

#endif /* VEMT_CLI_SAFETY_H */
