/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file tz.c
 * @brief Time zones: the offsets of a zone over history from the bytes of
 * its TZif file (RFC 8536, "The Time Zone Information Format", Olson,
 * Eggert & Murchison 2019), then the POSIX TZ rule of the file's footer
 * (IEEE Std 1003.1, "Environment Variables", TZ) for later times. Wall
 * times map back to instants by trying each offset the zone ever uses.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/vemt.h"

/* When a POSIX rule changes the clocks: "Jn" (day 1..365, 29 February
 * never counted), "n" (day 0..365, counted) or "Mm.w.d" (day d of week w
 * of month m, week 5 the last), at local time secs. */
typedef struct tz_when {
    char kind; /* 'J', 'N' or 'M' */
    int m, w, d, n;
    int32_t secs;
} tz_when;

/* A POSIX TZ rule: standard offset, and summer offset with its dates. */
typedef struct tz_rule {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    tz_when start, end;
} tz_rule;

struct vemt_tz {
    char *name;
    size_t n;       /* transitions */
    int64_t *when;  /* ascending instants */
    int32_t *off;   /* offset in force from when[i] on */
    int32_t before; /* offset before the first transition */
    bool has_rule;  /* the footer's rule holds after the last transition */
    tz_rule rule;
    int32_t offsets[64]; /* every offset the zone uses, for wall -> UTC */
    size_t n_offsets;
};

static struct vemt_tz utc_zone = {
    .name = VEMT_TZ_UTC, .offsets = {0}, .n_offsets = 1};

const vemt_tz *vemt_tz_utc(void) { return &utc_zone; }

static const vemt_tz *or_utc(const vemt_tz *tz) { return tz ? tz : &utc_zone; }

void vemt_tz_destroy(vemt_tz *tz) {
    if (!tz || tz == &utc_zone) return;
    vemt_free(tz->name);
    vemt_free(tz->when);
    vemt_free(tz->off);
    vemt_free(tz);
}

const char *vemt_tz_name(const vemt_tz *tz) { return or_utc(tz)->name; }

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* ---- The POSIX rule ------------------------------------------------- */

/* The instant, in year y, of rule date w at local time w->secs of a clock
 * running at offset off. */
static int64_t rule_instant(const tz_when *w, int y, int32_t off) {
    int64_t day;
    if (w->kind == 'J') {
        day = vemt_days_from_civil(y, 1, 1) + w->n - 1;
        if (leap(y) && w->n >= 60) day++;
    } else if (w->kind == 'N') {
        day = vemt_days_from_civil(y, 1, 1) + w->n;
    } else {
        int64_t first = vemt_days_from_civil(y, w->m, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 0 Sunday */
        day = first + ((w->d - wd) % 7 + 7) % 7 + 7 * (w->w - 1);
        static const char dim[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
        int len = w->m == 2 && leap(y) ? 29 : dim[w->m - 1];
        while (day >= first + len) day -= 7; /* week 5: the last */
    }
    return day * 86400 + w->secs - off;
}

static int32_t rule_offset(const tz_rule *r, int64_t t) {
    if (!r->has_dst) return r->std_off;
    int y, m, d;
    vemt_civil_from_days(vemt_floor_div(t + r->std_off, 86400), &y, &m, &d);
    /* Summer time starts on standard time and ends on summer time. */
    int64_t s = rule_instant(&r->start, y, r->std_off);
    int64_t e = rule_instant(&r->end, y, r->dst_off);
    bool dst = s < e ? t >= s && t < e : !(t >= e && t < s);
    return dst ? r->dst_off : r->std_off;
}

/* Parse a zone abbreviation: letters, or anything within <...>. */
static bool parse_abbr(const char **p) {
    const char *s = *p;
    if (*s == '<') {
        while (*s && *s != '>') s++;
        if (*s != '>') return false;
        *p = s + 1;
        return true;
    }
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) s++;
    if (s - *p < 3) return false;
    *p = s;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] as seconds; hours up to max_h. */
static bool parse_hms(const char **p, int max_h, int32_t *out) {
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-') sign = *s++ == '-' ? -1 : 1;
    int part[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k && *s != ':') break;
        if (k) s++;
        if (*s < '0' || *s > '9') return false;
        int v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 3)
            v = v * 10 + (*s++ - '0'), digits++;
        part[k] = v;
    }
    if (part[0] > max_h || part[1] > 59 || part[2] > 59) return false;
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    *p = s;
    return true;
}

static bool parse_int(const char **p, int lo, int hi, int *out) {
    const char *s = *p;
    int v = 0, digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 4)
        v = v * 10 + (*s++ - '0'), digits++;
    if (!digits || v < lo || v > hi) return false;
    *out = v;
    *p = s;
    return true;
}

static bool parse_when(const char **p, tz_when *w) {
    const char *s = *p;
    memset(w, 0, sizeof *w);
    w->secs = 7200; /* 02:00 unless given */
    if (*s == 'M') {
        s++;
        w->kind = 'M';
        if (!parse_int(&s, 1, 12, &w->m) || *s++ != '.' ||
            !parse_int(&s, 1, 5, &w->w) || *s++ != '.' ||
            !parse_int(&s, 0, 6, &w->d))
            return false;
    } else if (*s == 'J') {
        s++;
        w->kind = 'J';
        if (!parse_int(&s, 1, 365, &w->n)) return false;
    } else {
        w->kind = 'N';
        if (!parse_int(&s, 0, 365, &w->n)) return false;
    }
    if (*s == '/') {
        s++;
        if (!parse_hms(&s, 167, &w->secs)) return false; /* RFC 8536 3.3.1 */
    }
    *p = s;
    return true;
}

/* "std offset [dst [offset] ,start[/time],end[/time]]"; POSIX offsets are
 * positive west of Greenwich. */
static bool parse_rule(const char *s, tz_rule *r) {
    memset(r, 0, sizeof *r);
    int32_t off;
    if (!parse_abbr(&s) || !parse_hms(&s, 24, &off)) return false;
    r->std_off = r->dst_off = -off;
    if (!*s) return true;
    if (!parse_abbr(&s)) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!parse_hms(&s, 24, &off)) return false;
        r->dst_off = -off;
    }
    /* zic always writes the dates; POSIX leaves a missing pair to the
     * implementation, and we refuse to guess. */
    if (*s++ != ',' || !parse_when(&s, &r->start) || *s++ != ',' ||
        !parse_when(&s, &r->end))
        return false;
    return *s == '\0';
}

/* ---- TZif ----------------------------------------------------------- */

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static int64_t be64(const unsigned char *p) {
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_head {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_head;

static bool read_head(const unsigned char *p, size_t size, tzif_head *h) {
    if (size < 44 || memcmp(p, "TZif", 4) != 0) return false;
    h->isut = be32(p + 20), h->isstd = be32(p + 24), h->leap = be32(p + 28);
    h->time = be32(p + 32), h->type = be32(p + 36), h->chars = be32(p + 40);
    return h->type >= 1 && h->type <= 256 && h->time < 1000000 &&
           h->chars < 100000 && h->leap < 100000 && h->isut <= h->type &&
           h->isstd <= h->type;
}

/* Bytes of a data block whose times are tsize bytes wide. */
static size_t block_size(const tzif_head *h, size_t tsize) {
    return h->time * tsize + h->time + h->type * 6 + h->chars +
           h->leap * (tsize + 4) + h->isstd + h->isut;
}

static void add_offset(vemt_tz *tz, int32_t off) {
    for (size_t i = 0; i < tz->n_offsets; i++)
        if (tz->offsets[i] == off) return;
    if (tz->n_offsets < sizeof tz->offsets / sizeof *tz->offsets)
        tz->offsets[tz->n_offsets++] = off;
}

/* Fill tz from the data block at p (times tsize bytes wide). */
static vemt_status read_block(vemt_tz *tz, const tzif_head *h,
                              const unsigned char *p, size_t tsize) {
    const unsigned char *idx = p + h->time * tsize, *types = idx + h->time;
    for (uint32_t i = 0; i < h->time; i++)
        if (idx[i] >= h->type) return VEMT_E_ARG;
    tz->when = vemt_calloc(h->time + 1, sizeof *tz->when);
    tz->off = vemt_calloc(h->time + 1, sizeof *tz->off);
    if (!tz->when || !tz->off) return VEMT_E_NOMEM;
    for (uint32_t i = 0; i < h->type; i++)
        add_offset(tz, (int32_t)be32(types + 6 * i));
    tz->before = (int32_t)be32(types); /* RFC 8536 3.2: type 0 */
    for (uint32_t i = 0; i < h->time; i++) {
        int64_t t = tsize == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
        if (i && t <= tz->when[tz->n - 1]) return VEMT_E_ARG;
        tz->when[tz->n] = t;
        tz->off[tz->n++] = (int32_t)be32(types + 6 * idx[i]);
    }
    return VEMT_OK;
}

vemt_status vemt_tz_parse(const char *name, const void *data, size_t size,
                          vemt_tz **out) {
    *out = NULL;
    const unsigned char *p = data;
    tzif_head h;
    if (!read_head(p, size, &h)) return VEMT_E_ARG;
    size_t v1 = block_size(&h, 4);
    if (44 + v1 > size) return VEMT_E_ARG;
    vemt_tz *tz = vemt_calloc(1, sizeof *tz);
    if (!tz) return VEMT_E_NOMEM;
    vemt_status st = VEMT_OK;
    size_t len = strlen(name);
    tz->name = vemt_malloc(len + 1);
    if (!tz->name) st = VEMT_E_NOMEM;
    if (!st) memcpy(tz->name, name, len + 1);
    if (!st && p[4] == 0) { /* version 1: 32-bit times, no footer */
        st = read_block(tz, &h, p + 44, 4);
    } else if (!st) {
        const unsigned char *q = p + 44 + v1;
        tzif_head h2 = {0};
        size_t rest = size - 44 - v1;
        if (!read_head(q, rest, &h2) || 44 + block_size(&h2, 8) > rest)
            st = VEMT_E_ARG;
        if (!st) st = read_block(tz, &h2, q + 44, 8);
        /* Only past the checks above does the footer lie in the bytes. */
        const char *foot =
            st ? NULL : (const char *)q + 44 + block_size(&h2, 8);
        const char *end = (const char *)p + size;
        if (!st && (foot >= end || *foot != '\n')) st = VEMT_E_ARG;
        const char *nl =
            st ? NULL : memchr(foot + 1, '\n', (size_t)(end - foot - 1));
        char rule[128];
        if (!st && (!nl || nl - foot - 1 >= (long)sizeof rule)) st = VEMT_E_ARG;
        if (!st && nl > foot + 1) {
            memcpy(rule, foot + 1, (size_t)(nl - foot - 1));
            rule[nl - foot - 1] = '\0';
            if (!parse_rule(rule, &tz->rule)) st = VEMT_E_ARG;
            tz->has_rule = !st;
            add_offset(tz, tz->rule.std_off);
            add_offset(tz, tz->rule.dst_off);
        }
    }
    if (st) {
        vemt_tz_destroy(tz);
        return st;
    }
    *out = tz;
    return VEMT_OK;
}

/* ---- Conversions ---------------------------------------------------- */

int32_t vemt_tz_offset(const vemt_tz *tz, int64_t t) {
    tz = or_utc(tz);
    if (!tz->n || t < tz->when[0])
        return tz->n || !tz->has_rule ? tz->before : rule_offset(&tz->rule, t);
    if (t >= tz->when[tz->n - 1])
        return tz->has_rule ? rule_offset(&tz->rule, t) : tz->off[tz->n - 1];
    size_t lo = 0, hi = tz->n - 1; /* when[lo] <= t < when[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->when[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->off[lo];
}

vemt_tz_fit vemt_tz_instant(const vemt_tz *tz, int64_t wall, int64_t *utc) {
    tz = or_utc(tz);
    int64_t best = INT64_MAX;
    size_t found = 0;
    int32_t lo = tz->offsets[0], hi = tz->offsets[0];
    for (size_t i = 0; i < tz->n_offsets; i++) {
        int32_t o = tz->offsets[i];
        if (o < lo) lo = o;
        if (o > hi) hi = o;
        int64_t t = wall - o;
        if (vemt_tz_offset(tz, t) != o) continue;
        if (found == 0 || t != best) found++;
        if (t < best) best = t;
    }
    if (found) {
        *utc = best;
        return found > 1 ? VEMT_TZ_REPEATED : VEMT_TZ_UNIQUE;
    }
    /* In a gap: the first instant whose wall time is past wall. The wall
     * clock only moves forward in [wall - hi, wall - lo] here. */
    int64_t a = wall - hi, b = wall - lo + 1;
    while (b - a > 1) {
        int64_t mid = a + (b - a) / 2;
        if (vemt_tz_wall(tz, mid) > wall)
            b = mid;
        else
            a = mid;
    }
    *utc = b;
    return VEMT_TZ_SKIPPED;
}

int64_t vemt_tz_date(const vemt_tz *tz, int64_t t) {
    return vemt_floor_div(vemt_tz_wall(tz, t), 86400);
}

int64_t vemt_tz_day_start(const vemt_tz *tz, int64_t day) {
    int64_t t;
    vemt_tz_instant(tz, day * 86400, &t);
    return t;
}
