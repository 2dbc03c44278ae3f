/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.h
 * @brief Before anything is read: every output's folder exists and is
 * writable (and private, for a restricted output), and no file vemt did not
 * write is overwritten silently.
 */
#ifndef VEMT_PIPELINE_SAFETY_H
#define VEMT_PIPELINE_SAFETY_H

#include "pipeline/job.h"

/** VEMT_OK; VEMT_E_OPTION (a usage error, even with job->force) naming the
 * option and path when an output is also an input or another output, is an
 * existing file that is not a regular one (a folder for --geojson-dir), has
 * a control character or is too long for its temporary, or when
 * --attribution holds a control character or invalid UTF-8; or VEMT_E_IO
 * with err->source the folder (written into dir,
 * size bytes, which must outlive err) or the file: a folder is missing or
 * not writable, an output path exists and is not a vemt file (unless
 * job->force), or a restricted output's folder can be read by others
 * (unless job->allow_world_readable or job->demo). */
vemt_status vemt_pipeline_check_outputs(const vemt_job *job, char *dir,
                                        size_t size, vemt_error *err);

#endif /* VEMT_PIPELINE_SAFETY_H */
