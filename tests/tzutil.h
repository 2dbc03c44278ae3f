/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file tzutil.h
 * @brief Time zones for engine tests: the system's TZif file of a zone
 * (under $TZDIR, else /usr/share/zoneinfo) through vemt_tz_parse(), so the
 * test needs no ingest library.
 */
#ifndef VEMT_TESTS_TZUTIL_H
#define VEMT_TESTS_TZUTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "engine/vemt.h"

/** The zone called name, or NULL when its file can't be read or parsed.
 * Caller frees it with vemt_tz_destroy(). */
static inline vemt_tz *test_zone(const char *name) {
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s",
             dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static const size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    vemt_tz *tz = NULL;
    if (buf && vemt_tz_parse(name, buf, n, &tz)) tz = NULL;
    free(buf);
    return tz;
}

#endif /* VEMT_TESTS_TZUTIL_H */
