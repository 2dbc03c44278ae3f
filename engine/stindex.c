/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file stindex.c
 * @brief Space-time index for fixed-radius searches: the "cell method" of
 * Bentley, Stanat & Williams (1977), "The complexity of finding
 * fixed-radius near neighbors", Information Processing Letters 6(6):
 * 209-212, doi:10.1016/0020-0190(77)90070-9, with a hash of the occupied
 * cells so memory follows the points, not the extent. Points are ordered by
 * a stable least-significant-digit radix sort, first on time and then on
 * cell, so each cell lists its points by time and then by id.
 */
#include "engine/stindex.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

/* Stable sort of ids[0..n) by key[0..n) (kept in step), tmp arrays of n. */
static void radix_sort(uint64_t *key, uint32_t *ids, uint64_t *ktmp,
                       uint32_t *itmp, size_t n, size_t *count) {
    uint64_t maxk = 0;
    for (size_t i = 0; i < n; i++) maxk |= key[i];
    for (int shift = 0; shift < 64 && (maxk >> shift); shift += RADIX_BITS) {
        memset(count, 0, (RADIX + 1) * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((key[i] >> shift) & (RADIX - 1)) + 1]++;
        for (size_t d = 0; d < RADIX; d++) count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(key[i] >> shift) & (RADIX - 1)]++;
            ktmp[at] = key[i];
            itmp[at] = ids[i];
        }
        memcpy(key, ktmp, n * sizeof *key);
        memcpy(ids, itmp, n * sizeof *ids);
    }
}

static uint64_t hash_key(uint64_t k) { return k * 0x9E3779B97F4A7C15ull; }

static void hash_put(vemt_stindex *c, size_t cell) {
    size_t h = (size_t)(hash_key(c->key[cell]) >> 20) & c->hmask;
    while (c->slot[h]) h = (h + 1) & c->hmask;
    c->slot[h] = (uint32_t)cell + 1;
}

size_t vemt_stindex_find(const vemt_stindex *c, int64_t col, int64_t row) {
    if (col < 0 || row < 0 || (uint64_t)col >= c->span) return SIZE_MAX;
    uint64_t k = (uint64_t)row * c->span + (uint64_t)col;
    size_t h = (size_t)(hash_key(k) >> 20) & c->hmask;
    for (; c->slot[h]; h = (h + 1) & c->hmask)
        if (c->key[c->slot[h] - 1] == k) return c->slot[h] - 1;
    return SIZE_MAX;
}

/* Column and row of every point; the extent's span in cells. */
static vemt_status place(vemt_ctx *ctx, vemt_stindex *c, const double *x,
                         const double *y, const uint32_t *ids, size_t n,
                         uint64_t *key) {
    double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        xmin = fmin(xmin, x[ids[i]]);
        xmax = fmax(xmax, x[ids[i]]);
        ymin = fmin(ymin, y[ids[i]]);
        ymax = fmax(ymax, y[ids[i]]);
    }
    if (!n) xmin = xmax = ymin = ymax = 0;
    c->x0 = xmin;
    c->y0 = ymin;
    double cols = floor((xmax - xmin) / c->side) + 1;
    double rows = floor((ymax - ymin) / c->side) + 1;
    if (cols * rows > 4.6e18)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a search radius of %g m is too small for an "
                             "extent of %.0f x %.0f m",
                             c->side, xmax - xmin, ymax - ymin);
    c->span = (uint64_t)cols;
    for (size_t i = 0; i < n; i++) {
        uint64_t cx = (uint64_t)floor((x[ids[i]] - xmin) / c->side);
        uint64_t cy = (uint64_t)floor((y[ids[i]] - ymin) / c->side);
        key[i] = cy * c->span + cx;
    }
    return VEMT_OK;
}

/* Runs of equal keys become cells; copy coordinates in cell order. */
static vemt_status fill_cells(vemt_stindex *c, const double *x, const double *y,
                              const int64_t *t, const uint64_t *key) {
    size_t n = c->n, m = 0;
    for (size_t i = 0; i < n; i++) m += i == 0 || key[i] != key[i - 1];
    size_t hcap = 16;
    while (hcap < 2 * m) hcap *= 2;
    c->col = vemt_calloc(m, sizeof *c->col);
    c->row = vemt_calloc(m, sizeof *c->row);
    c->key = vemt_calloc(m, sizeof *c->key);
    c->start = vemt_calloc(m + 1, sizeof *c->start);
    c->slot = vemt_calloc(hcap, sizeof *c->slot);
    c->x = vemt_calloc(n, sizeof *c->x);
    c->y = vemt_calloc(n, sizeof *c->y);
    c->t = vemt_calloc(n, sizeof *c->t);
    if (!c->col || !c->row || !c->key || !c->start || !c->slot || !c->x ||
        !c->y || !c->t)
        return VEMT_E_NOMEM;
    c->hmask = hcap - 1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || key[i] != key[i - 1]) {
            c->key[c->ncells] = key[i];
            c->col[c->ncells] = (int64_t)(key[i] % c->span);
            c->row[c->ncells] = (int64_t)(key[i] / c->span);
            c->start[c->ncells] = i;
            hash_put(c, c->ncells++);
        }
        c->x[i] = x[c->id[i]];
        c->y[i] = y[c->id[i]];
        c->t[i] = t ? t[c->id[i]] : 0;
    }
    c->start[c->ncells] = n;
    return VEMT_OK;
}

/* Order c->id by time (when given), then stably by cell key. */
static vemt_status order_points(vemt_ctx *ctx, vemt_stindex *c, const double *x,
                                const double *y, const int64_t *t,
                                uint64_t **key_out) {
    size_t n = c->n, cap = n ? n : 1;
    uint64_t *key = vemt_calloc(cap, sizeof *key);
    uint64_t *ktmp = vemt_calloc(cap, sizeof *ktmp);
    uint32_t *itmp = vemt_calloc(cap, sizeof *itmp);
    size_t *count = vemt_calloc(RADIX + 1, sizeof *count);
    vemt_status st = key && ktmp && itmp && count ? VEMT_OK : VEMT_E_NOMEM;
    if (!st && t) {
        int64_t tmin = INT64_MAX;
        for (size_t i = 0; i < n; i++)
            if (t[c->id[i]] < tmin) tmin = t[c->id[i]];
        for (size_t i = 0; i < n; i++)
            key[i] = (uint64_t)t[c->id[i]] - (uint64_t)tmin;
        radix_sort(key, c->id, ktmp, itmp, n, count);
    }
    if (!st) st = place(ctx, c, x, y, c->id, n, key);
    if (!st) radix_sort(key, c->id, ktmp, itmp, n, count);
    vemt_free(ktmp);
    vemt_free(itmp);
    vemt_free(count);
    if (st) {
        vemt_free(key);
        key = NULL;
    }
    *key_out = key;
    return st;
}

vemt_status vemt_stindex_create(vemt_ctx *ctx, const double *x, const double *y,
                                const int64_t *t, const uint32_t *ids, size_t n,
                                double side, vemt_stindex **out) {
    *out = NULL;
    vemt_stindex *c = vemt_calloc(1, sizeof *c);
    if (!c) return VEMT_E_NOMEM;
    c->n = n;
    c->side = side;
    c->id = vemt_calloc(n ? n : 1, sizeof *c->id);
    uint64_t *key = NULL;
    vemt_status st = c->id ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) {
        memcpy(c->id, ids, n * sizeof *ids);
        st = order_points(ctx, c, x, y, t, &key);
    }
    if (!st) st = fill_cells(c, x, y, t, key);
    vemt_free(key);
    if (st) {
        vemt_stindex_destroy(c);
        return st;
    }
    *out = c;
    return VEMT_OK;
}

void vemt_stindex_destroy(vemt_stindex *c) {
    if (!c) return;
    vemt_free(c->col);
    vemt_free(c->row);
    vemt_free(c->key);
    vemt_free(c->start);
    vemt_free(c->id);
    vemt_free(c->x);
    vemt_free(c->y);
    vemt_free(c->t);
    vemt_free(c->slot);
    vemt_free(c);
}

size_t vemt_stindex_around(const vemt_stindex *c, size_t k, int reach,
                           size_t *nb) {
    size_t m = 0;
    nb[m++] = k;
    for (int dr = -reach; dr <= reach; dr++)
        for (int dc = -reach; dc <= reach; dc++) {
            if (!dr && !dc) continue;
            size_t j = vemt_stindex_find(c, c->col[k] + dc, c->row[k] + dr);
            if (j != SIZE_MAX) nb[m++] = j;
        }
    return m;
}

size_t vemt_times_lower(const int64_t *t, size_t lo, size_t hi, int64_t t0) {
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid] < t0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t vemt_times_upper(const int64_t *t, size_t lo, size_t hi, int64_t t0) {
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid] <= t0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t vemt_add_sat(int64_t a, int64_t b) {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}
