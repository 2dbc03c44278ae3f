/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file params.c
 * @brief The run's parameters for the provenance.
 */
#include "pipeline/params.h"

#include <stdio.h>

#include "engine/alloc.h"
#include "pipeline/log.h"

void vemt_params_add(vemt_params *p, const char *name, const char *how,
                     double v) {
    if (p->n >= VEMT_MAX_PARAMS) return;
    vemt_param *q = &p->items[p->n++];
    q->name = name;
    q->how = how;
    snprintf(q->value, sizeof q->value, "%.17g", v);
}

void vemt_params_add_text(vemt_params *p, const char *name, const char *how,
                          const char *text) {
    if (p->n >= VEMT_MAX_PARAMS) return;
    vemt_param *q = &p->items[p->n++];
    q->name = name;
    q->how = how;
    snprintf(q->value, sizeof q->value, "%s", text ? text : "");
}

void vemt_params_add_transform(vemt_params *p, const char *name,
                               const vemt_transform_note *t) {
    char text[sizeof p->items[0].value];
    snprintf(text, sizeof text, "from %.100s: %.400s", t->crs, t->pipeline);
    vemt_params_add_text(p, name, "automatic", text);
}
