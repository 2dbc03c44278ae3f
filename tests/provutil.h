/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file provutil.h
 * @brief Test helper: the provenance document vemt writes into a
 * GeoPackage's metadata, parsed.
 */
#ifndef VEMT_TESTS_PROVUTIL_H
#define VEMT_TESTS_PROVUTIL_H

#include <gdal.h>
#include <json-c/json.h>
#include <string.h>

/* The provenance document of the GeoPackage at path (the metadata item
 * with "parameters"), or NULL; the caller puts it. */
static inline json_object *test_provenance(const char *path) {
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds) return NULL;
    char **md = GDALGetMetadata(ds, NULL);
    const char *text = NULL;
    for (char **m = md; m && *m; m++)
        if (!strncmp(*m, "GPKG_METADATA_ITEM_", 19) &&
            strstr(*m, "\"parameters\""))
            text = strchr(*m, '=') + 1;
    json_object *doc = text ? json_tokener_parse(text) : NULL;
    GDALClose(ds);
    return doc;
}

#endif /* VEMT_TESTS_PROVUTIL_H */
