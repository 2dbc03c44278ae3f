/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file filter.c
 * @brief Category filters: exact names or a POSIX extended regular
 * expression written between slashes.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

typedef struct matcher {
    bool set;   /* a spec was given */
    bool regex; /* re is compiled */
    regex_t re;
    char *names; /* ",a,b,c," for exact matching */
} matcher;

struct vemt_filter {
    matcher include, exclude;
};

static vemt_status compile(vemt_ctx *ctx, const char *spec, matcher *m) {
    if (!spec || !*spec) return VEMT_OK;
    m->set = true;
    size_t n = strlen(spec);
    if (n >= 2 && spec[0] == '/' && spec[n - 1] == '/') {
        char *pat = vemt_malloc(n - 1);
        if (!pat) return VEMT_E_NOMEM;
        memcpy(pat, spec + 1, n - 2);
        pat[n - 2] = '\0';
        int rc = regcomp(&m->re, pat, REG_EXTENDED | REG_NOSUB | REG_ICASE);
        vemt_free(pat);
        if (rc) {
            char why[128];
            regerror(rc, &m->re, why, sizeof why);
            return vemt_ctx_fail(ctx, VEMT_E_ARG, "bad category pattern %s: %s",
                                 spec, why);
        }
        m->regex = true;
        return VEMT_OK;
    }
    if (!(m->names = vemt_malloc(n + 3))) return VEMT_E_NOMEM;
    snprintf(m->names, n + 3, ",%s,", spec);
    return VEMT_OK;
}

static bool matches(const matcher *m, const char *category) {
    if (m->regex) return regexec(&m->re, category, 0, NULL, 0) == 0;
    size_t k = strlen(category);
    for (const char *p = strstr(m->names + 1, category); p && k;
         p = strstr(p + 1, category))
        if (p[-1] == ',' && p[k] == ',') return true;
    return false;
}

vemt_status vemt_filter_create(vemt_ctx *ctx, const char *include,
                               const char *exclude, vemt_filter **out) {
    *out = NULL;
    vemt_filter *f = vemt_calloc(1, sizeof *f);
    if (!f) return VEMT_E_NOMEM;
    vemt_status st = compile(ctx, include, &f->include);
    if (!st) st = compile(ctx, exclude, &f->exclude);
    if (st) {
        vemt_filter_destroy(f);
        return st;
    }
    *out = f;
    return VEMT_OK;
}

static void release(matcher *m) {
    if (m->regex) regfree(&m->re);
    vemt_free(m->names);
}

void vemt_filter_destroy(vemt_filter *f) {
    if (!f) return;
    release(&f->include);
    release(&f->exclude);
    vemt_free(f);
}

bool vemt_filter_keeps(const vemt_filter *f, const char *category) {
    if (!f) return true;
    if (f->include.set && !matches(&f->include, category)) return false;
    return !(f->exclude.set && matches(&f->exclude, category));
}
