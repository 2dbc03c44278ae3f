/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file wkb.h
 * @brief Test helper: little-endian WKB MultiPolygon of axis-aligned boxes.
 */
#ifndef VEMT_TESTS_WKB_H
#define VEMT_TESTS_WKB_H

#include <stdint.h>
#include <string.h>

static size_t wkb_put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
    return 4;
}

static size_t wkb_put_f64(unsigned char *p, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(u >> (8 * i));
    return 8;
}

/* boxes[i] = {xmin, ymin, xmax, ymax}; returns bytes written, 0 if the
 * buffer is too small. */
static size_t test_wkb_multipolygon(const double (*boxes)[4], size_t n,
                                    unsigned char *out, size_t size) {
    if (size < 9 + n * (9 + 4 + 5 * 16)) return 0;
    size_t k = 0;
    out[k++] = 1;
    k += wkb_put_u32(out + k, 6);
    k += wkb_put_u32(out + k, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        const double *b = boxes[i];
        const double ring[5][2] = {{b[0], b[1]},
                                   {b[2], b[1]},
                                   {b[2], b[3]},
                                   {b[0], b[3]},
                                   {b[0], b[1]}};
        out[k++] = 1;
        k += wkb_put_u32(out + k, 3);
        k += wkb_put_u32(out + k, 1);
        k += wkb_put_u32(out + k, 5);
        for (int v = 0; v < 5; v++) {
            k += wkb_put_f64(out + k, ring[v][0]);
            k += wkb_put_f64(out + k, ring[v][1]);
        }
    }
    return k;
}

#endif /* VEMT_TESTS_WKB_H */
