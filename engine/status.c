/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file status.c
 * @brief Status strings, the error setter, and the record arrays.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/vemt.h"

/* One description per code, in enum order (h3 H3ErrorDescriptions). */
static const char status_strings[][48] = {
    "success",          "out of memory",         "input/output error",
    "invalid argument", "dependency failed",     "option not allowed",
    "cancelled",        "malformed CSV quoting", "wrong number of fields",
    "invalid UTF-8",    "missing value",         "not a number",
    "not a valid date", "invalid coordinate",    "duplicate identifier",
    "end before start",
};

_Static_assert(sizeof status_strings / sizeof status_strings[0] ==
                   VEMT_STATUS_END,
               "one string per status");

const char *vemt_status_str(vemt_status code) {
    if ((unsigned)code >= VEMT_STATUS_END) return "unknown status";
    return status_strings[code];
}

bool vemt_status_is_input(vemt_status code) {
    return code >= VEMT_E_CSV_QUOTE && code < VEMT_STATUS_END;
}

vemt_status vemt_error_vset(vemt_error *err, vemt_status code, const char *fmt,
                            va_list ap) {
    if (!err) return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

vemt_status vemt_error_set(vemt_error *err, vemt_status code, const char *fmt,
                           ...) {
    va_list ap;
    va_start(ap, fmt);
    vemt_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

static const char kind_strings[][16] = {"incident", "missing_from", "found_at"};

const char *vemt_kind_str(vemt_kind kind) {
    if ((unsigned)kind >= VEMT_KIND_END) return "unknown";
    return kind_strings[kind];
}

vemt_status vemt_events_push(vemt_events *events, const vemt_event *ev) {
    if (vemt_grow((void **)&events->items, &events->cap, events->n + 1,
                  sizeof *events->items))
        return VEMT_E_NOMEM;
    events->items[events->n++] = *ev;
    return VEMT_OK;
}

vemt_status vemt_events_add_text(vemt_events *events, const char *s, size_t n,
                                 uint32_t *off) {
    *off = 0;
    if (n == 0) return VEMT_OK;
    if (events->text_len == 0) events->text_len = 1; /* offset 0 is "" */
    if (events->text_len + n + 1 > UINT32_MAX ||
        vemt_grow((void **)&events->text, &events->text_cap,
                  events->text_len + n + 1, 1))
        return VEMT_E_NOMEM;
    events->text[0] = '\0';
    *off = (uint32_t)events->text_len;
    memcpy(events->text + events->text_len, s, n);
    events->text[events->text_len + n] = '\0';
    events->text_len += n + 1;
    return VEMT_OK;
}

vemt_status vemt_events_append(vemt_events *dst, const vemt_events *src) {
    size_t text = src->text_len > 1 ? src->text_len - 1 : 0;
    if (dst->text_len == 0) dst->text_len = 1;
    if (dst->text_len + text > UINT32_MAX ||
        vemt_grow((void **)&dst->text, &dst->text_cap, dst->text_len + text,
                  1) ||
        vemt_grow((void **)&dst->items, &dst->cap, dst->n + src->n,
                  sizeof *dst->items))
        return VEMT_E_NOMEM;
    dst->text[0] = '\0';
    if (text) memcpy(dst->text + dst->text_len, src->text + 1, text);
    /* src's offset k (k >= 1) is now at dst's old length - 1 + k. */
    uint32_t base = (uint32_t)dst->text_len - 1;
    vemt_event *ev = dst->items + dst->n;
    memcpy(ev, src->items, src->n * sizeof *ev);
    for (size_t i = 0; i < src->n; i++, ev++) {
        ev->ref += ev->ref ? base : 0;
        ev->category += ev->category ? base : 0;
        ev->placing_authority += ev->placing_authority ? base : 0;
        ev->lsoa += ev->lsoa ? base : 0;
        ev->location += ev->location ? base : 0;
    }
    dst->text_len += text;
    dst->n += src->n;
    return VEMT_OK;
}

const char *vemt_events_text(const vemt_events *events, uint32_t off) {
    return off && off < events->text_len ? events->text + off : "";
}

void vemt_events_clear(vemt_events *events) {
    if (!events) return;
    vemt_free(events->items);
    vemt_free(events->text);
    memset(events, 0, sizeof *events);
}

vemt_status vemt_rejects_push(vemt_rejects *rejects, int source,
                              const vemt_error *err, const char *raw) {
    if (vemt_grow((void **)&rejects->items, &rejects->cap, rejects->n + 1,
                  sizeof *rejects->items))
        return VEMT_E_NOMEM;
    char *copy = NULL;
    if (raw && !(copy = vemt_strdup(raw))) return VEMT_E_NOMEM;
    vemt_reject *r = &rejects->items[rejects->n++];
    r->err = *err;
    r->err.source = NULL;
    r->source = source;
    r->raw = copy;
    return VEMT_OK;
}

void vemt_rejects_clear(vemt_rejects *rejects) {
    if (!rejects) return;
    for (size_t i = 0; i < rejects->n; i++) vemt_free(rejects->items[i].raw);
    vemt_free(rejects->items);
    memset(rejects, 0, sizeof *rejects);
}

bool vemt_source_reconciles(const vemt_source *s) {
    return s->n_read == s->n_used + s->n_nowhere + s->n_merged + s->n_excluded +
                            s->n_rejected;
}

vemt_status vemt_merges_push(vemt_merges *merges, const vemt_merge *m) {
    if (vemt_grow((void **)&merges->items, &merges->cap, merges->n + 1,
                  sizeof *merges->items))
        return VEMT_E_NOMEM;
    merges->items[merges->n++] = *m;
    return VEMT_OK;
}

void vemt_merges_clear(vemt_merges *merges) {
    if (!merges) return;
    vemt_free(merges->items);
    memset(merges, 0, sizeof *merges);
}
