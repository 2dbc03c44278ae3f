/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file tz.c
 * @brief Load a time zone from the system's tzdata: the TZif file of its
 * name under $TZDIR or /usr/share/zoneinfo (Debian's tzdata package).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

/* A zone name is a relative path of letters, digits and "_+-", with no
 * "." component: nothing else can name a file outside the zone folder. */
static bool plain_name(const char *name) {
    if (!*name || *name == '/' || strlen(name) > 255) return false;
    for (const char *p = name; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || strchr("_+-/", *p) ||
                  (*p == '.' && p > name && p[-1] != '/' && p[-1] != '.');
        if (!ok) return false;
    }
    return name[strlen(name) - 1] != '/' && !strstr(name, "//");
}

vemt_status vemt_tz_load(vemt_ctx *ctx, const char *name, vemt_tz **out) {
    *out = NULL;
    if (!strcmp(name, VEMT_TZ_UTC)) {
        *out = (vemt_tz *)vemt_tz_utc(); /* static; destroy ignores it */
        return VEMT_OK;
    }
    if (!plain_name(name))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "unknown time zone \"%s\": not a zone name "
                             "such as Europe/London",
                             name);
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f && (errno == ENOENT || errno == ENOTDIR))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "unknown time zone \"%s\": no %s (is the "
                             "tzdata package installed?)",
                             name, path);
    if (!f)
        return vemt_ctx_fail(ctx, VEMT_E_IO, "%s: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    vemt_status st = VEMT_OK;
    for (;;) {
        if (n == cap && vemt_grow((void **)&buf, &cap, n + 4096, 1)) {
            st = VEMT_E_NOMEM;
            break;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n > ((size_t)1 << 22)) break; /* no zone file is this big */
    }
    if (!st && ferror(f))
        st = vemt_ctx_fail(ctx, VEMT_E_IO, "%s: read error", path);
    fclose(f);
    if (!st) {
        st = vemt_tz_parse(name, buf, n, out);
        if (st == VEMT_E_ARG)
            vemt_ctx_fail(ctx, st,
                          "time zone \"%s\": %s is not a TZif file vemt "
                          "can read",
                          name, path);
    }
    vemt_free(buf);
    return st;
}
