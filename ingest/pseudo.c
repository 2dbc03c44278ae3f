/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pseudo.c
 * @brief Keyed pseudonyms for child and subject identifiers (libsodium).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/idset.h"
#include "ingest/ingest.h"
#include "ingest/row.h"
#include "ingest/value.h"

struct vemt_pseudo {
    unsigned char key[crypto_generichash_KEYBYTES];
};

/* Hash key material of any length into the 32-byte key. */
static void derive_key(vemt_pseudo *p, const unsigned char *material,
                       size_t n) {
    crypto_generichash(p->key, sizeof p->key, material, n, NULL, 0);
}

static vemt_status key_from_file(vemt_ctx *ctx, const char *path,
                                 vemt_pseudo *p) {
    unsigned char buf[4096];
    FILE *f = fopen(path, "rb");
    if (!f) {
        vemt_ctx_fail(ctx, VEMT_E_IO, "can't read key file: %s",
                      strerror(errno));
        vemt_ctx_set_source(ctx, path);
        return VEMT_E_IO;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    if (n == 0) {
        vemt_ctx_fail(ctx, VEMT_E_ARG, "key file is empty");
        vemt_ctx_set_source(ctx, path);
        return VEMT_E_ARG;
    }
    derive_key(p, buf, n);
    sodium_memzero(buf, sizeof buf);
    return VEMT_OK;
}

vemt_status vemt_pseudo_create(vemt_ctx *ctx, const char *key_file,
                               const char *env_key, vemt_pseudo **out,
                               vemt_key_origin *origin) {
    *out = NULL;
    if (sodium_init() < 0)
        return vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                             "libsodium failed to initialise");
    vemt_pseudo *p = vemt_calloc(1, sizeof *p);
    if (!p) return VEMT_E_NOMEM;
    if (key_file) {
        vemt_status st = key_from_file(ctx, key_file, p);
        if (st) {
            vemt_pseudo_destroy(p);
            return st;
        }
        *origin = VEMT_KEY_FILE;
    } else if (env_key && *env_key) {
        derive_key(p, (const unsigned char *)env_key, strlen(env_key));
        *origin = VEMT_KEY_ENV;
    } else {
        randombytes_buf(p->key, sizeof p->key);
        *origin = VEMT_KEY_RANDOM;
    }
    *out = p;
    return VEMT_OK;
}

void vemt_pseudo_destroy(vemt_pseudo *p) {
    if (!p) return;
    sodium_memzero(p->key, sizeof p->key);
    vemt_free(p);
}

void vemt_pseudo_key(const vemt_pseudo *p, const char *id, char *out,
                     size_t size) {
    if (size) out[0] = '\0';
    if (vemt_value_is_blank(id) || size < 21) return;
    /* Identifiers are compared trimmed, so " C001" and "C001" agree. */
    while (*id == ' ') id++;
    size_t n = strlen(id);
    while (n && id[n - 1] == ' ') n--;
    /* BLAKE2b's shortest output is 16 bytes; the first 10 (80 bits) keep
     * collisions negligible for any area's caseload. */
    unsigned char h[crypto_generichash_BYTES_MIN];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, n, p->key,
                       sizeof p->key);
    sodium_bin2hex(out, size, h, 10);
}

/* A per-reader memo of pseudonyms: exports repeat the same few thousand
 * children and subjects, and BLAKE2b per row would dominate reading. */
struct vemt_pseudo_cache {
    const vemt_pseudo *pseudo;
    vemt_idset *ids; /* raw id -> index into keys */
    char (*keys)[21];
    size_t n, cap;
};

vemt_status vemt_pseudo_cache_create(const vemt_pseudo *p,
                                     vemt_pseudo_cache **out) {
    *out = NULL;
    vemt_pseudo_cache *c = vemt_calloc(1, sizeof *c);
    if (!c) return VEMT_E_NOMEM;
    c->pseudo = p;
    if (vemt_idset_create(&c->ids)) {
        vemt_free(c);
        return VEMT_E_NOMEM;
    }
    *out = c;
    return VEMT_OK;
}

void vemt_pseudo_cache_destroy(vemt_pseudo_cache *c) {
    if (!c) return;
    vemt_idset_destroy(c->ids);
    vemt_free(c->keys);
    vemt_free(c);
}

void vemt_pseudo_cache_key(vemt_pseudo_cache *c, const char *id, char *out,
                           size_t size) {
    long found;
    if (vemt_value_is_blank(id) || size < 21) {
        vemt_pseudo_key(c->pseudo, id, out, size);
        return;
    }
    if (vemt_idset_find(c->ids, id, &found)) {
        memcpy(out, c->keys[found], 21);
        return;
    }
    vemt_pseudo_key(c->pseudo, id, out, size);
    long first;
    uint64_t tag;
    if (vemt_grow((void **)&c->keys, &c->cap, c->n + 1, sizeof *c->keys) ||
        vemt_idset_add(c->ids, id, (long)c->n, 0, &first, &tag))
        return; /* out of memory: the memo just stops growing */
    memcpy(c->keys[c->n++], out, 21);
}
