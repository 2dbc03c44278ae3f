/** @file disclose.h
 * @brief The program's side of the restricted tier: file permissions.
 */
#ifndef VEMT_CLI_DISCLOSE_H
#define VEMT_CLI_DISCLOSE_H

#include "cli/args.h"

/** Restricted outputs: created 0600 (umask 077), and refused in a folder
 * others can read unless allowed; exit status 0 or 1 after a message. */
int vemt_tier_protect(const vemt_job *job);

#endif /* VEMT_CLI_DISCLOSE_H */
