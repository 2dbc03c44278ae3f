/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file log.h
 * @brief Lines for people through the caller's log callback; private to
 * pipeline/.
 */
#ifndef VEMT_PIPELINE_LOG_H
#define VEMT_PIPELINE_LOG_H

#include <stdio.h>

#include "pipeline/pipeline.h"

/** Format and hand to cb->log at VEMT_LOG_INFO; cb NULL or without a log:
 * nothing. */
void vemt_logf(const vemt_callbacks *cb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Hand text to cb->log at level. */
void vemt_log_text(const vemt_callbacks *cb, vemt_log_level level,
                   const char *text);

/** Hand text to cb->log at VEMT_LOG_INFO. */
void vemt_logs(const vemt_callbacks *cb, const char *text);

/** A memory stream for a printer that writes to a FILE *, or NULL when
 * nobody listens at level; close it with vemt_log_flush(). */
FILE *vemt_log_open(const vemt_callbacks *cb, char **buf, size_t *len);

/** Close the stream from vemt_log_open() and hand its text to the log. */
void vemt_log_flush(const vemt_callbacks *cb, vemt_log_level level, FILE *f,
                    char **buf);

/** Lines held back while a stage runs beside another (in another thread),
 * told later in the order a serial run would tell them. Log through cb;
 * with pass, its progress and temporary files go straight to the caller's
 * callbacks (use it from the caller's thread only); without, there is no
 * progress. Must not move while held. */
typedef struct vemt_log_held {
    vemt_callbacks cb;
    vemt_callbacks to; /* the caller's, copied */
    bool pass;
    struct vemt_log_line *lines;
    size_t n, cap;
} vemt_log_held;

/** Start holding lines meant for `to` (NULL: none; they are dropped). */
void vemt_log_hold(vemt_log_held *h, const vemt_callbacks *to, bool pass);

/** Tell the held lines to the callbacks held for, in order, and free
 * them. */
void vemt_log_release(vemt_log_held *h);

/** Append each line of lines (newline-separated) to *alerts as "warning:
 * <line>\n": the warnings a person must see whatever the verbosity, which
 * the caller logs at VEMT_LOG_WARNING. Lines that don't fit in memory are
 * dropped (the provenance still counts what they warn of). */
void vemt_alerts_add(char **alerts, const char *lines);

#endif /* VEMT_PIPELINE_LOG_H */
