/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file demo.c
 * @brief Run the bundled demo through the vemt library and write its
 * GeoPackage: what `vemt run --demo --out OUT.gpkg` does, through the
 * pipeline API. Run it from vemt's source root, where the demo data is.
 *
 *     cc demo.c -o demo $(pkg-config --cflags --libs vemt)
 *     ./demo /tmp/demo.gpkg
 */
#include <stdio.h>

#include "pipeline/pipeline.h"

/* Give a job one option by its long name, as the command line would
 * (value NULL for a flag). */
static vemt_status give(vemt_job *job, const char *name, const char *value,
                        vemt_error *err) {
    int k = vemt_job_option_find(name);
    if (k < 0) return vemt_error_set(err, VEMT_E_ARG, "no option %s", name);
    return vemt_job_give(job, (size_t)k, value, err);
}

/* With --quiet the library says only what a person must look at. */
static void on_log(void *user, vemt_log_level level, const char *text) {
    (void)user;
    (void)level;
    fputs(text, stderr);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.gpkg (run from vemt's source root)\n",
                argv[0]);
        return 2;
    }
    vemt_job job;
    vemt_job_init(&job, VEMT_JOB_RUN);
    vemt_error err = {0};
    vemt_status st = give(&job, "--demo", NULL, &err);
    if (!st) st = give(&job, "--out", argv[1], &err);
    if (!st) st = give(&job, "--quiet", NULL, &err);
    /* The demo data from the working directory rather than from the
     * source tree the library was built in. */
    job.demo_dir = "fixtures/demo";
    if (!st) st = vemt_job_finish(&job, &err);

    vemt_callbacks cb = {.log = on_log};
    vemt_result *res = NULL;
    if (!st) st = vemt_pipeline_run(&job, &cb, &res, &err);
    if (!st) st = vemt_pipeline_write(res, argc, argv, &err);
    if (st)
        vemt_error_print(stderr, NULL, &err);
    else
        printf("%s written\n", argv[1]);

    vemt_result_destroy(res);
    vemt_job_clear(&job);
    return st ? 1 : 0;
}
