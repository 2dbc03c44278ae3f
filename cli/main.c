/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file main.c
 * @brief The vemt program: parse the command line, run, clean up.
 */
#include <gdal.h>
#include <gsl/gsl_errno.h>
#include <malloc.h>
#include <proj.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/run.h"
#include "outputs/outputs.h"
#include "pipeline/pipeline.h"

/* vemt check-disclosure PATH... [--tier public|partner]: the tier's rules
 * as the table has them, nothing from the command line or the files. */
static int check_disclosure(const vemt_args *a) {
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return VEMT_EXIT_INTERNAL;
    size_t problems = 0;
    const vemt_tier_rules *rules =
        vemt_tier_rules_get((vemt_tier)a->check_tier);
    vemt_status st = vemt_outputs_check_disclosure_paths(
        ctx, a->check_paths, a->n_check_paths, rules, stdout, &problems);
    if (st) vemt_error_print(stderr, NULL, vemt_ctx_error(ctx));
    vemt_ctx_destroy(ctx);
    if (st == VEMT_E_NOMEM || st == VEMT_E_DEPENDENCY)
        return VEMT_EXIT_INTERNAL;
    return st || problems ? VEMT_EXIT_INPUT : VEMT_EXIT_OK;
}

int main(int argc, char **argv) {
    vemt_args args;
    if (!vemt_args_parse(argc, argv, &args, stderr)) {
        vemt_args_clear(&args);
        return VEMT_EXIT_USAGE;
    }
    if (args.command == VEMT_CMD_HELP || args.help) {
        vemt_args_usage(stdout, args.command);
        vemt_args_clear(&args);
        return VEMT_EXIT_OK;
    }
    if (args.command == VEMT_CMD_VERSION) {
        printf("vemt %s\n", VEMT_VERSION);
        vemt_args_clear(&args);
        return VEMT_EXIT_OK;
    }
    /* GSL's default handler aborts; the GSL manual advises turning it off
     * in production code and checking every status instead. */
    gsl_set_error_handler_off();
    /* Memory freed by one stage is kept for the next: glibc otherwise maps
     * every large array afresh and unmaps it when freed, and on a virtual
     * machine the kernel's zeroing of fresh pages is dear. On 10 million
     * events this took the run from 95 s to 85 s and its peak from 2.5 to
     * 3.5 GB (tests/bench/RESULTS.md, issue 19). A process-wide choice, so
     * the program's, not the library's. */
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
    GDALAllRegister();
    int rc = args.command == VEMT_CMD_CHECK ? check_disclosure(&args)
                                            : vemt_run(&args, argc, argv);
    vemt_args_clear(&args);
    vemt_outputs_release_fonts();
    GDALDestroy();
    proj_cleanup();
    return rc;
}
