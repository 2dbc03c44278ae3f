/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file errors.c
 * @brief GDAL's failures kept in the context (see gdalutil.h).
 */
#include <cpl_error.h>
#include <errno.h>
#include <string.h>

#include "gdalutil/gdalutil.h"

/* The one handler: warnings and debug messages are dropped, failures are
 * recorded with the code the caller chose. */
static void on_cpl_error(CPLErr cls, CPLErrorNum num, const char *msg) {
    (void)num;
    vemt_gdal_errors *e = CPLGetErrorHandlerUserData();
    if (cls >= CE_Failure && e && !e->disk_errno) {
        if (strstr(msg, "disk is full") || strstr(msg, strerror(ENOSPC)))
            e->disk_errno = ENOSPC;
        else if (strstr(msg, "disk I/O error") || strstr(msg, strerror(EIO)))
            e->disk_errno = EIO;
    }
    if (cls >= CE_Failure && e && e->ctx)
        vemt_ctx_fail(e->ctx, e->code, "GDAL: %s", msg);
}

void vemt_gdal_errors_push(vemt_gdal_errors *e, vemt_ctx *ctx,
                           vemt_status code) {
    e->ctx = ctx;
    e->code = code;
    e->disk_errno = 0;
    CPLPushErrorHandlerEx(on_cpl_error, e);
    CPLErrorReset();
}

void vemt_gdal_errors_pop(void) { CPLPopErrorHandler(); }
