/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ctx.h
 * @brief Context internals shared inside engine/ (private header).
 */
#ifndef VEMT_ENGINE_CTX_H
#define VEMT_ENGINE_CTX_H

#include <geos_c.h>
#include <stdarg.h>

#include "engine/vemt.h"

/** vemt_error_set with a va_list (for vemt_ctx_fail). */
vemt_status vemt_error_vset(vemt_error *err, vemt_status code, const char *fmt,
                            va_list ap) __attribute__((format(printf, 3, 0)));

/** The context's thread setting (vemt_ctx_set_threads; 0 = every online
 * CPU). */
unsigned vemt_ctx_threads(const vemt_ctx *ctx);

/** The GEOS handle of a context. Borrowed; valid for the context's life. */
GEOSContextHandle_t vemt_ctx_geos(vemt_ctx *ctx);

#endif /* VEMT_ENGINE_CTX_H */
