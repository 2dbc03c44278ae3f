/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file options.h
 * @brief What the option parsers of a job share (pipeline/options.c,
 * options_analysis.c, jobfile.c); private to pipeline/.
 */
#ifndef VEMT_PIPELINE_OPTIONS_H
#define VEMT_PIPELINE_OPTIONS_H

#include <stdbool.h>

#include "pipeline/job.h"

/** Set err to VEMT_E_ARG with "msg: what" (or msg); returns false. */
bool vemt_job_fail(vemt_error *err, const char *msg, const char *what);

/** A copy of text owned by the job (freed by vemt_job_clear()), or NULL
 * when out of memory. */
const char *vemt_job_keep(vemt_job *job, const char *text);

/** Defaults of the hot-spot and cluster options. */
void vemt_job_analysis_defaults(vemt_job *job);

/** Parse one hot-spot or cluster option with its value. *known is false
 * when opt is not one of them; otherwise returns false with err set for a
 * bad value. */
bool vemt_job_analysis_option(const char *opt, const char *v, vemt_job *job,
                              vemt_error *err, bool *known);

/** Set a hot-spot or cluster flag (an option without a value); false when
 * opt is not one. */
bool vemt_job_analysis_flag(const char *opt, vemt_job *job);

/** Whether the numeric analysis option opt ("--eps", "--time-eps", ...)
 * was given (on the command line or in the job file), so the provenance
 * can say "given" or "default". */
bool vemt_job_number_given(const vemt_job *job, const char *opt);

#endif /* VEMT_PIPELINE_OPTIONS_H */
