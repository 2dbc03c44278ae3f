/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pipeline.h
 * @brief The whole analysis from a job: read every input, find hot spots,
 * trends, clusters and the safeguarding statistics, and write the layers.
 * The program, a binding or a service calls the same three functions:
 * vemt_pipeline_run(), vemt_pipeline_write() and vemt_result_destroy().
 *
 * The library registers GDAL's drivers itself and needs no other set-up.
 * It leaves GSL's process-wide error handler as the program has it: no GSL
 * call of the library raises a GSL error on any input, but gsl_rng_alloc()
 * does when memory runs out, and GSL's default handler then aborts; a
 * program that must survive that calls gsl_set_error_handler_off() once,
 * as the vemt program does.
 */
#ifndef VEMT_PIPELINE_PIPELINE_H
#define VEMT_PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "outputs/outputs.h"
#include "pipeline/job.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a log line is. */
typedef enum vemt_log_level {
    VEMT_LOG_INFO = 0, /* choices made and counts: the run's story */
    VEMT_LOG_WARNING   /* rejected rows and things a person must look at */
} vemt_log_level;

/** How the library talks to its caller; every member may be NULL. */
typedef struct vemt_callbacks {
    /** Text for people: whole lines, each ending in '\n' (one call may
     * carry several lines, or the first part of one). */
    void (*log)(void *user, vemt_log_level level, const char *text);
    /** Progress of a long stage: done of total (total 0: unknown). Return
     * false to cancel the run: it stops at the next stage boundary with
     * VEMT_E_CANCELLED. */
    bool (*progress)(void *user, const char *stage, uint64_t done,
                     uint64_t total);
    /** Called with every temporary file the run may create, before it is
     * created, so a program can remove them if it is killed. */
    void (*temp_file)(void *user, const char *path);
    void *user;
} vemt_callbacks;

/** Everything one run made. Opaque; free with vemt_result_destroy(). */
typedef struct vemt_result vemt_result;

/** Run the job (finished with vemt_job_finish()): check its output folders
 * and analysis CRS, read and normalise every input, then (for a run) the
 * whole analysis; GDAL's drivers are registered first (GDALAllRegister(),
 * which does nothing the second time). job is borrowed and must outlive
 * *out; cb is copied.
 * On success the caller owns *out. On failure *out holds what was made so
 * far (the caller still destroys it; NULL only when out of memory at
 * once) and err says why: VEMT_E_OPTION (a setting the data or the tier
 * can't take: a usage error), VEMT_E_CANCELLED, VEMT_E_NOMEM,
 * VEMT_E_DEPENDENCY, VEMT_E_IO or an input status (err->source names the
 * file). A run whose every row was rejected succeeds, with a warning. */
vemt_status vemt_pipeline_run(const vemt_job *job, const vemt_callbacks *cb,
                              vemt_result **out, vemt_error *err);

/** Write the result's outputs: the GeoPackage, and as the job asks the
 * GeoJSON layers, the density GeoTIFF, the QGIS project and the Markdown
 * report; all of them are committed together or none is (a failure
 * replaces nothing: VEMT_E_IO naming the output and the cause for a failed
 * write, VEMT_E_DEPENDENCY for a partner or public file vemt's own checker
 * fails). argv (argc words, may be 0) is recorded as the command line in
 * the provenance. */
vemt_status vemt_pipeline_write(vemt_result *res, int argc, char *const *argv,
                                vemt_error *err);

/** Free a result; NULL is a no-op. */
void vemt_result_destroy(vemt_result *res);

/** The result's sources (one per input, with their row accounting), the
 * number of them through *n. Borrowed; valid until the result is
 * destroyed. */
const vemt_source *vemt_result_sources(const vemt_result *res, size_t *n);

/** The normalised events and the rejected rows. Borrowed. */
const vemt_events *vemt_result_events(const vemt_result *res);
const vemt_rejects *vemt_result_rejects(const vemt_result *res);

/** The analysis units (NULL for an ingest or a run with nothing to
 * analyse) and their Gi* z and bins (unit order). Borrowed. */
const vemt_units *vemt_result_units(const vemt_result *res);
const double *vemt_result_gi_z(const vemt_result *res);
const int8_t *vemt_result_gi_bin(const vemt_result *res);

/** Print err for people: `path:line:column: column 'name': reason` (as
 * much of it as is known, path from err->source or the argument), with
 * `(row N)` when the row differs from the line. */
void vemt_error_print(FILE *out, const char *path, const vemt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_PIPELINE_PIPELINE_H */
