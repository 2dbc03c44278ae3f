/** @file ingest.h
 * @brief Public API of ingest/: read agency exports into normalised events
 * and rejects, pseudonymise identifiers, read study-area boundaries.
 */
#ifndef VEMT_INGEST_INGEST_H
#define VEMT_INGEST_INGEST_H

#include "engine/vemt.h"

/** Keyed pseudonymiser for child and subject identifiers. */
typedef struct vemt_pseudo vemt_pseudo;

/** Where the pseudonym key came from. */
typedef enum vemt_key_origin {
    VEMT_KEY_FILE = 0, /* --key-file */
    VEMT_KEY_ENV,      /* the VEMT_PSEUDONYM_KEY environment variable */
    VEMT_KEY_RANDOM    /* a fresh random key: keys differ between runs */
} vemt_key_origin;

/** Create a pseudonymiser. The key is read from key_file when given, else
 * taken from env_key when non-empty, else drawn at random; any length of
 * key material is hashed to a 32-byte key. Returns VEMT_E_IO when the key
 * file can't be read, VEMT_E_ARG when it is empty. Caller owns *out; free
 * with vemt_pseudo_destroy(). */
vemt_status vemt_pseudo_create(vemt_ctx *ctx, const char *key_file,
                               const char *env_key, vemt_pseudo **out,
                               vemt_key_origin *origin);

/** Free the pseudonymiser (its key is wiped); NULL is a no-op. */
void vemt_pseudo_destroy(vemt_pseudo *p);

/** Keyed pseudonym of id (keyed BLAKE2b, 80 bits, as 20 hex digits) into
 * out (at least 21 bytes); "" for a blank id. */
void vemt_pseudo_key(const vemt_pseudo *p, const char *id, char *out,
                     size_t size);

/** Read one input file of the given kind (src->path, src->kind) and append
 * its events and rejects. Fills src's size, SHA-256 and row counts; every
 * data row ends up used, located-nowhere or rejected.
 * Returns VEMT_OK even when rows are rejected. Fails, with the location in
 * the context's error, only when the file can't be read (VEMT_E_IO), is
 * empty or lacks a required column (VEMT_E_MISSING), has an ambiguous
 * column (VEMT_E_ARG), a malformed header, or memory runs out. */
vemt_status vemt_ingest_file(vemt_ctx *ctx, const vemt_pseudo *pseudo,
                             vemt_source *src, int source_index,
                             vemt_events *events, vemt_rejects *rejects);

/** Read a polygon layer that GDAL can open (any CRS), union its features
 * and transform them to EPSG:27700. *wkb receives ISO WKB of a Polygon or
 * MultiPolygon. Caller owns *wkb; free with vemt_ingest_free().
 * Returns VEMT_E_IO when the file can't be opened, VEMT_E_ARG when it has
 * no polygon, VEMT_E_DEPENDENCY when GDAL or PROJ fails. */
vemt_status vemt_boundary_read(vemt_ctx *ctx, const char *path,
                               unsigned char **wkb, size_t *size);

/** Free memory returned by ingest functions; NULL is a no-op. */
void vemt_ingest_free(void *p);

#endif /* VEMT_INGEST_INGEST_H */
