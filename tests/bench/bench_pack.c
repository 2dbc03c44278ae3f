/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_pack.c
 * @brief Drawing the demo's board pack (issue 18: under 3 s in a Release
 * build). The demo is analysed once in-process; then its outputs are
 * written five times with --board-pack and five times without, and the
 * pack's cost is the difference of the best rounds. The peer: QGIS
 * rendering the same demo's project (hot spots as opened) to one A4
 * landscape-wide PNG, 3508 pixels across (tests/qgis/render_qgis.py), on the
 * same machine in the same run.
 *
 * usage: bench_pack [WORK_DIR]   (default: ./bench-pack)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline/pipeline.h"
#include "tests/bench/bench.h"

/* A finished job from "--name value" words. */
static bool make_job(vemt_job *job, const char *const *words, vemt_error *err) {
    vemt_job_init(job, VEMT_JOB_RUN);
    job->pseudonym_key = "vemt bench key";
    for (size_t i = 0; words[i]; i++) {
        const char *v = words[i + 1] && strncmp(words[i + 1], "--", 2)
                            ? words[i + 1]
                            : NULL;
        int k = vemt_job_option_find(words[i]);
        if (k < 0 || vemt_job_give(job, (size_t)k, v, err)) return false;
        i += v != NULL;
    }
    return vemt_job_finish(job, err) == VEMT_OK;
}

/* Best of five writes of the demo's outputs, with the pack or without. */
static double best_write(const char *dir, bool pack) {
    char out[512], pk[512], qgz[512];
    snprintf(out, sizeof out, "%s/demo.gpkg", dir);
    snprintf(pk, sizeof pk, "%s/pack", dir);
    snprintf(qgz, sizeof qgz, "%s/demo.qgz", dir);
    const char *with[] = {
        "--demo", "--seed",         "7", "--quiet",      "--out",
        out,      "--qgis-project", qgz, "--board-pack", pk,
        NULL};
    const char *without[] = {"--demo",         "--seed", "7",
                             "--quiet",        "--out",  out,
                             "--qgis-project", qgz,      NULL};
    vemt_job job;
    vemt_error err = {0};
    vemt_result *res = NULL;
    double best = -1;
    if (!make_job(&job, pack ? with : without, &err) ||
        vemt_pipeline_run(&job, NULL, &res, &err)) {
        fprintf(stderr, "bench_pack: %s\n", err.msg);
        vemt_result_destroy(res);
        vemt_job_clear(&job);
        return -1;
    }
    BENCH(pack ? "demo outputs with --board-pack" : "demo outputs without", 5,
          best, vemt_pipeline_write(res, 0, NULL, &err));
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    return best;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "bench-pack";
    mkdir(dir, 0700);
    double with = best_write(dir, true), without = best_write(dir, false);
    if (with < 0 || without < 0) return 1;
    printf("%-40s %.3f s (best with - best without)\n", "board pack drawing",
           with - without);
    /* The peer: QGIS draws the same project's opening map at 300 dpi A4. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s/tests/qgis/render_qgis.py %s/demo.qgz "
             "%s/qgis.png 3508",
             VEMT_SOURCE_DIR, dir, dir);
    double t0 = bench_now_s();
    int rc = system(cmd);
    double dt = bench_now_s() - t0;
    if (rc == 0)
        printf("%-40s %.3f s (one map, QGIS start-up included)\n",
               "peer: QGIS renders one A4 300 dpi map", dt);
    else
        printf("peer: QGIS render failed or not installed (%s)\n", cmd);
    return 0;
}
