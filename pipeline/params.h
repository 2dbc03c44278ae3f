/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file params.h
 * @brief The run's parameters as the provenance records them: every
 * option's value and whether it was given, a default or chosen
 * automatically.
 */
#ifndef VEMT_PIPELINE_PARAMS_H
#define VEMT_PIPELINE_PARAMS_H

#include "ingest/ingest.h"
#include "outputs/outputs.h"

#define VEMT_MAX_PARAMS 96

/** The parameters recorded so far. */
typedef struct vemt_params {
    vemt_param items[VEMT_MAX_PARAMS];
    size_t n;
} vemt_params;

/** Record a number (%.17g) or a text; how is "given", "default" or
 * "automatic". Past VEMT_MAX_PARAMS entries are dropped. */
void vemt_params_add(vemt_params *p, const char *name, const char *how,
                     double v);
void vemt_params_add_text(vemt_params *p, const char *name, const char *how,
                          const char *text);

/** Record how a file's coordinates reached the analysis CRS ("from CRS:
 * PROJ operation"), "automatic". */
void vemt_params_add_transform(vemt_params *p, const char *name,
                               const vemt_transform_note *t);

#endif /* VEMT_PIPELINE_PARAMS_H */
