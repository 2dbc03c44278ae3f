/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ctx.c
 * @brief The per-thread context (PROJ's "context subsystem" in plain view).
 */
#include "engine/ctx.h"

#include <stdio.h>

#include "engine/alloc.h"

struct vemt_ctx {
    GEOSContextHandle_t geos; /* GEOS_init_r(); errors land in err */
    uint64_t seed;
    vemt_error err; /* last failure in this context */
    vemt_progress_fn progress;
    void *progress_data;
    unsigned threads; /* worker threads of the engine's loops; 0 = every CPU */
};

/* GEOS hands each error message to this handler (geos_c.h). */
static void on_geos_error_r(const char *message, void *userdata) {
    vemt_ctx *ctx = userdata;
    vemt_error_set(&ctx->err, VEMT_E_DEPENDENCY, "GEOS: %s", message);
    ctx->err.source = "GEOS";
}

vemt_status vemt_ctx_create(uint64_t seed, vemt_ctx **out) {
    *out = NULL;
    vemt_ctx *ctx = vemt_calloc(1, sizeof *ctx);
    if (!ctx) return VEMT_E_NOMEM;
    ctx->seed = seed;
    ctx->threads = 1;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        vemt_ctx_destroy(ctx);
        return VEMT_E_DEPENDENCY;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, on_geos_error_r, ctx);
    *out = ctx;
    return VEMT_OK;
}

void vemt_ctx_destroy(vemt_ctx *ctx) {
    if (!ctx) return;
    if (ctx->geos) GEOS_finish_r(ctx->geos);
    vemt_free(ctx);
}

const vemt_error *vemt_ctx_error(const vemt_ctx *ctx) { return &ctx->err; }

vemt_status vemt_ctx_fail(vemt_ctx *ctx, vemt_status code, const char *fmt,
                          ...) {
    if (!ctx) return code;
    va_list ap;
    va_start(ap, fmt);
    vemt_error_vset(&ctx->err, code, fmt, ap);
    va_end(ap);
    return code;
}

void vemt_ctx_set_source(vemt_ctx *ctx, const char *source) {
    ctx->err.source = source;
}

void vemt_ctx_set_location(vemt_ctx *ctx, long row, long line, int column,
                           const char *field) {
    ctx->err.row = row;
    ctx->err.line = line;
    ctx->err.column = column;
    snprintf(ctx->err.field, sizeof ctx->err.field, "%s", field ? field : "");
}

uint64_t vemt_ctx_seed(const vemt_ctx *ctx) { return ctx->seed; }

void vemt_ctx_set_progress(vemt_ctx *ctx, vemt_progress_fn fn, void *data) {
    ctx->progress = fn;
    ctx->progress_data = data;
}

void vemt_ctx_progress(const vemt_ctx *ctx, const char *stage, uint64_t done,
                       uint64_t total) {
    if (ctx->progress) ctx->progress(ctx->progress_data, stage, done, total);
}

void vemt_ctx_set_threads(vemt_ctx *ctx, unsigned threads) {
    ctx->threads = threads;
}

unsigned vemt_ctx_threads(const vemt_ctx *ctx) { return ctx->threads; }

GEOSContextHandle_t vemt_ctx_geos(vemt_ctx *ctx) { return ctx->geos; }
