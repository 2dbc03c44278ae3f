/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file load.h
 * @brief Whole-file loading with SHA-256, gzip handled (private to
 * ingest/).
 */
#ifndef VEMT_INGEST_LOAD_H
#define VEMT_INGEST_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "engine/vemt.h"

/** A file's bytes (decompressed when it was gzip) and its identity. */
typedef struct vemt_loaded {
    char *data;      /* the (decompressed) bytes: NUL-terminated, except
                        when mapped (vemt_load_file_async of a regular
                        file): use size */
    size_t size;     /* bytes in data, without the NUL */
    uint64_t bytes;  /* size of the file on disk */
    char sha256[65]; /* of the file on disk, lower-case hex */
    bool gzip;
    char damage[160]; /* "" or why a gzip stream could not be read to its
                         end (vemt_load_file_async only: data then holds
                         the whole lines decompressed before it) */
    bool mapped;      /* data is a read-only mapping of the file */
    void *hasher;     /* a running hash thread of an async load, or NULL */
} vemt_loaded;

/** Load path (a regular file, or "-": standard input). gzip (by its
 * signature) is decompressed; a file named .gz that is not gzip, or a
 * gzip stream that is truncated or corrupt, is VEMT_E_IO. Returns
 * VEMT_E_IO with strerror and the path as source, or VEMT_E_NOMEM. Caller owns
 * out's contents; free with vemt_loaded_clear(). */
vemt_status vemt_load_file(vemt_ctx *ctx, const char *path, vemt_loaded *out);

/** True for "-": standard input. */
bool vemt_load_is_stdin(const char *path);

/** Load path like vemt_load_file() but map a regular file rather than
 * copy it (data is then read-only and not NUL-terminated), and compute its
 * SHA-256 on a second thread: out->sha256 is valid only after
 * vemt_load_join(). A truncated or corrupt gzip stream is not an error
 * here: out->damage says what is wrong, for the caller to fail naming the
 * rows read before it. */
vemt_status vemt_load_file_async(vemt_ctx *ctx, const char *path,
                                 vemt_loaded *out);

/** Wait for the hash of an async load. */
void vemt_load_join(vemt_loaded *l);

/** Hash and size a file without keeping its bytes (for GIS files GDAL
 * reads itself). */
vemt_status vemt_load_identity(vemt_ctx *ctx, const char *path,
                               vemt_loaded *out);

/** Free the contents and zero the struct. */
void vemt_loaded_clear(vemt_loaded *l);

#endif /* VEMT_INGEST_LOAD_H */
