/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file log.c
 * @brief Lines for people through the caller's log callback.
 */
#include "pipeline/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"

void vemt_log_text(const vemt_callbacks *cb, vemt_log_level level,
                   const char *text) {
    if (cb && cb->log && text && *text) cb->log(cb->user, level, text);
}

void vemt_logs(const vemt_callbacks *cb, const char *text) {
    vemt_log_text(cb, VEMT_LOG_INFO, text);
}

void vemt_logf(const vemt_callbacks *cb, const char *fmt, ...) {
    if (!cb || !cb->log) return;
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        cb->log(cb->user, VEMT_LOG_INFO, small);
        return;
    }
    char *big = vemt_malloc((size_t)n + 1);
    if (!big) { /* out of memory: the line's start rather than nothing */
        cb->log(cb->user, VEMT_LOG_INFO, small);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cb->log(cb->user, VEMT_LOG_INFO, big);
    vemt_free(big);
}

FILE *vemt_log_open(const vemt_callbacks *cb, char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    if (!cb || !cb->log) return NULL;
    return open_memstream(buf, len);
}

void vemt_log_flush(const vemt_callbacks *cb, vemt_log_level level, FILE *f,
                    char **buf) {
    if (!f) return;
    if (fclose(f) == 0) vemt_log_text(cb, level, *buf); /* set by fclose */
    free(*buf); /* open_memstream's, not ours */
    *buf = NULL;
}

void vemt_alerts_add(char **alerts, const char *lines) {
    for (const char *p = lines; p && *p;) {
        size_t len = strcspn(p, "\n");
        size_t used = *alerts ? strlen(*alerts) : 0;
        char *more = vemt_realloc(*alerts, used + len + 11);
        if (!more) return;
        *alerts = more;
        snprintf(more + used, len + 11, "warning: %.*s\n", (int)len, p);
        p += len + (p[len] == '\n');
    }
}

struct vemt_log_line {
    vemt_log_level level;
    char *text;
};

/* A line to hold (dropped when memory runs out, as vemt_alerts_add). */
static void hold_line(void *user, vemt_log_level level, const char *text) {
    vemt_log_held *h = user;
    char *copy = vemt_strdup(text);
    if (!copy ||
        vemt_grow((void **)&h->lines, &h->cap, h->n + 1, sizeof *h->lines)) {
        vemt_free(copy);
        return;
    }
    h->lines[h->n++] = (struct vemt_log_line){level, copy};
}

static bool pass_progress(void *user, const char *stage, uint64_t done,
                          uint64_t total) {
    vemt_log_held *h = user;
    return !h->pass || !h->to.progress ||
           h->to.progress(h->to.user, stage, done, total);
}

static void pass_temp_file(void *user, const char *path) {
    vemt_log_held *h = user;
    if (h->pass && h->to.temp_file) h->to.temp_file(h->to.user, path);
}

void vemt_log_hold(vemt_log_held *h, const vemt_callbacks *to, bool pass) {
    *h = (vemt_log_held){.to = to ? *to : (vemt_callbacks){0}, .pass = pass};
    h->cb = (vemt_callbacks){.log = hold_line,
                             .progress = pass_progress,
                             .temp_file = pass_temp_file,
                             .user = h};
}

void vemt_log_release(vemt_log_held *h) {
    for (size_t i = 0; i < h->n; i++) {
        vemt_log_text(&h->to, h->lines[i].level, h->lines[i].text);
        vemt_free(h->lines[i].text);
    }
    vemt_free(h->lines);
    h->lines = NULL;
    h->n = h->cap = 0;
}
