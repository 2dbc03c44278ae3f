/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_ingest.c
 * @brief Parse and normalise a 1,000,000-row incident CSV (the fixture
 * generator's, seed 1) with vemt_ingest_file, and report MB/s.
 *
 * usage: bench_ingest [CSV]   (default: generates bench-ingest/incidents.csv)
 */
#include <gdal.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdlib.h>

#include "ingest/ingest.h"
#include "tests/bench/bench.h"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "bench-ingest/incidents.csv";
    if (argc < 2) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "test -s %s || '%s' --out-dir bench-ingest --incidents "
                 "999999 >/dev/null",
                 path, VEMT_FIXTURES_BIN);
        if (system(cmd) != 0) return 1;
    }
    GDALAllRegister();
    vemt_ctx *ctx;
    vemt_pseudo *p;
    vemt_key_origin o;
    vemt_ctx_create(1, &ctx);
    vemt_pseudo_create(ctx, NULL, "bench key", &p, &o);
    /* One thread (as vemt reads on two processors), then two parts on two
     * threads (as on three or more); SHA-256 on a thread of its own. */
    double best[2] = {0, 0};
    vemt_source s = {0};
    for (int k = 0; k < 2; k++) {
        vemt_ingest_opts opts = {.pseudo = p, .parts = k ? 2 : 1};
        BENCH(k ? "ingest 1M-row CSV, two parts"
                : "ingest 1M-row CSV, one thread",
              5, best[k], {
                  vemt_events ev = {0};
                  vemt_rejects rj = {0};
                  vemt_merges mg = {0};
                  s = (vemt_source){.path = path,
                                    .kind = VEMT_SOURCE_INCIDENTS};
                  if (vemt_ingest_file(ctx, &opts, &s, 0, &ev, &rj, &mg))
                      return 1;
                  vemt_events_clear(&ev);
                  vemt_rejects_clear(&rj);
                  vemt_merges_clear(&mg);
              });
        printf(
            "rows %ld, bytes %llu, used %ld, rejected %ld, threads %d: "
            "%.1f MB/s\n",
            s.n_read, (unsigned long long)s.bytes, s.n_used, s.n_rejected,
            s.threads, (double)s.bytes / best[k] / 1e6);
    }
    /* The peer on the same file: GDAL's CSV driver reading every feature
     * with its coordinates as a point and every field as typed values. */
    const char *const oo[] = {"X_POSSIBLE_NAMES=easting",
                              "Y_POSSIBLE_NAMES=northing",
                              "AUTODETECT_TYPE=YES", NULL};
    double gdal_best = 0;
    long long n_gdal = 0;
    BENCH("GDAL CSV driver, same file", 3, gdal_best, {
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, oo, NULL);
        OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
        OGRFeatureH f;
        n_gdal = 0;
        while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
            for (int i = 0; i < OGR_F_GetFieldCount(f); i++)
                (void)OGR_F_GetFieldAsString(f, i);
            n_gdal++;
            OGR_F_Destroy(f);
        }
        if (ds) GDALClose(ds);
    });
    double vemt_best = best[0] < best[1] ? best[0] : best[1];
    printf("GDAL CSV driver: %lld rows: %.1f MB/s (vemt %.1fx)\n", n_gdal,
           (double)s.bytes / gdal_best / 1e6, gdal_best / vemt_best);
    vemt_pseudo_destroy(p);
    vemt_ctx_destroy(ctx);
    GDALDestroy();
    proj_cleanup();
    return 0;
}
