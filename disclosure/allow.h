/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file allow.h
 * @brief Private to disclosure/: the partner and public tiers' allow-list,
 * which tier.c puts into their rules.
 */
#ifndef VEMT_DISCLOSURE_ALLOW_H
#define VEMT_DISCLOSURE_ALLOW_H

#include "disclosure/disclosure.h"

/** Every table and column the shared tiers may publish (NULL name last). */
extern const vemt_allowed_layer vemt_shared_allow[];

/** Every provenance key they may publish (NULL last). */
extern const char *const vemt_shared_metadata[];

#endif /* VEMT_DISCLOSURE_ALLOW_H */
