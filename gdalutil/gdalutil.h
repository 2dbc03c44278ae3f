/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file gdalutil.h
 * @brief What ingest/ and outputs/ share of GDAL: the one handler that
 * keeps GDAL's failures in the context instead of printing them (library
 * code never prints). Private to the libraries; not installed.
 */
#ifndef VEMT_GDALUTIL_GDALUTIL_H
#define VEMT_GDALUTIL_GDALUTIL_H

#include "engine/vemt.h"

/** Where GDAL's failures go between vemt_gdal_errors_push() and
 * vemt_gdal_errors_pop(). */
typedef struct vemt_gdal_errors {
    vemt_ctx *ctx;    /* NULL: GDAL's failures are dropped (expected ones) */
    vemt_status code; /* recorded as: VEMT_E_IO for a user's file that GDAL
                         can't read, VEMT_E_DEPENDENCY for GDAL failing at
                         its own work */
    int disk_errno;   /* ENOSPC or EIO once a failure's message said the disk
                         was full or failed (SQLite's "database or disk is
                         full"): GDAL's later messages hide the cause */
} vemt_gdal_errors;

/** Route GDAL's failures (CE_Failure and worse) on this thread into ctx as
 * code, "GDAL: <its message>", and reset GDAL's last error. e is filled and
 * must outlive the matching vemt_gdal_errors_pop(); pushes nest (GDAL's
 * handler stack is thread-local). */
void vemt_gdal_errors_push(vemt_gdal_errors *e, vemt_ctx *ctx,
                           vemt_status code);

/** Restore the handler that was in force before the matching push. */
void vemt_gdal_errors_pop(void);

#endif /* VEMT_GDALUTIL_GDALUTIL_H */
