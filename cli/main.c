/** @file main.c
 * @brief The vemt program: parse the command line, run, clean up.
 */
#include <gdal.h>
#include <gsl/gsl_errno.h>
#include <proj.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/run.h"
#include "engine/vemt.h"

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
        return VEMT_EXIT_OK;
    }
    /* GSL's default handler aborts; the GSL manual advises turning it off
     * in production code and checking every status instead. */
    gsl_set_error_handler_off();
    GDALAllRegister();
    int rc = vemt_run(&args, argc, argv);
    vemt_args_clear(&args);
    GDALDestroy();
    proj_cleanup();
    return rc;
}
