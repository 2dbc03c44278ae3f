/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file value.c
 * @brief Number and date parsers; local times to UTC through a time zone.
 */
#include "ingest/value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool vemt_value_is_blank(const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    return *s == '\0';
}

/* A plain decimal ("-454933.60", " 7 ") of at most 15 significant digits
 * without an exponent, read exactly: its digits m and decimals f give
 * m / 10^f with m < 2^53 and 10^f exact for f <= 22, so the one division,
 * correctly rounded in IEEE arithmetic, is the correctly rounded value of
 * the decimal, the same double strtod returns (Clinger 1990, "How to read
 * floating point numbers accurately", the fast path). False when s is not
 * of that shape: the caller then uses strtod. */
static bool plain_decimal(const char *s, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
                                   1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15};
    bool neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    uint64_t m = 0;
    int digits = 0, decimals = -1;
    for (;; s++) {
        if (*s >= '0' && *s <= '9') {
            m = m * 10 + (uint64_t)(*s - '0');
            digits++;
            decimals += decimals >= 0;
        } else if (*s == '.' && decimals < 0) {
            decimals = 0;
        } else {
            break;
        }
    }
    while (*s == ' ' || *s == '\t') s++;
    if (*s || digits == 0 || digits > 15) return false;
    double v = decimals > 0 ? (double)m / pow10[decimals] : (double)m;
    *out = neg ? -v : v;
    return true;
}

vemt_status vemt_value_number(const char *s, double *out, const char **why) {
    *why = "";
    while (*s == ' ') s++;
    if (plain_decimal(s, out)) return VEMT_OK;
    if (vemt_value_is_blank(s)) {
        *why = "empty";
        return VEMT_E_MISSING;
    }
    while (isspace((unsigned char)*s)) s++;
    /* strtod accepts hex, "inf" and "nan": exports never mean those. */
    for (const char *p = s; *p && !isspace((unsigned char)*p); p++) {
        if (!strchr("0123456789+-.eE", *p)) {
            *why = "not a number";
            return VEMT_E_NUMBER;
        }
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end)) end++;
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        *why = "not a number";
        return VEMT_E_NUMBER;
    }
    *out = v;
    return VEMT_OK;
}

static bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
    static const char dim[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Read exactly n digits at *p into *v. */
static bool digits(const char **p, int n, int *v) {
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

typedef struct fields {
    int y, mo, d, h, mi, s;
    int has_time; /* 0 date only, 1 to the minute, 2 to the second */
    int zone;     /* 0 local, 1 explicit offset */
    int offset_s; /* seconds east of UTC */
} fields;

/* Time of day "hh:mm[:ss[.fff]]" then an optional zone. */
static bool parse_clock(const char *p, fields *f) {
    if (!digits(&p, 2, &f->h) || *p++ != ':' || !digits(&p, 2, &f->mi))
        return false;
    f->has_time = 1;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &f->s)) return false;
        f->has_time = 2;
        if (*p == '.' || *p == ',') {
            p++;
            if (!isdigit((unsigned char)*p)) return false;
            while (isdigit((unsigned char)*p)) p++; /* fraction truncated */
        }
    }
    if (*p == 'Z' || *p == 'z') {
        f->zone = 1;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (!digits(&p, 2, &oh)) return false;
        if (*p == ':') p++;
        if (*p && !digits(&p, 2, &om)) return false;
        if (oh > 14 || om > 59) return false;
        f->zone = 1;
        f->offset_s = sign * (oh * 3600 + om * 60);
    }
    while (isspace((unsigned char)*p)) p++;
    return *p == '\0';
}

/* Split s into fields; returns false when the shape is not recognised. */
static bool parse_shape(const char *s, unsigned flags, fields *f,
                        vemt_precision *prec) {
    const char *p = s;
    memset(f, 0, sizeof *f);
    f->d = 1;
    if (digits(&p, 4, &f->y) && (*p == '-' || *p == '/')) {
        char sep = *p++;
        if (!digits(&p, 2, &f->mo)) return false;
        if (*p == '\0' && sep == '-') {
            *prec = VEMT_PREC_MONTH;
            return true;
        }
        if (*p++ != sep || !digits(&p, 2, &f->d)) return false;
    } else {
        p = s;
        int a, b;
        if (!digits(&p, 2, &a) || *p++ != '/' || !digits(&p, 2, &b) ||
            *p++ != '/' || !digits(&p, 4, &f->y))
            return false;
        f->d = flags & VEMT_DATE_MDY ? b : a;
        f->mo = flags & VEMT_DATE_MDY ? a : b;
    }
    *prec = VEMT_PREC_DAY;
    if (*p == '\0') return true;
    if (*p != 'T' && *p != ' ') return false;
    if (!parse_clock(p + 1, f)) return false;
    *prec = f->has_time == 2 ? VEMT_PREC_SECOND : VEMT_PREC_MINUTE;
    return true;
}

/* Local wall time in zone -> UTC, or explicit offset; sets *why on
 * failure. */
static bool to_utc(const fields *f, const vemt_tz *zone, int64_t wall,
                   int64_t *utc, bool *ambiguous, const char **why) {
    *ambiguous = false;
    if (f->zone) {
        *utc = wall - f->offset_s;
        return true;
    }
    vemt_tz_fit fit = vemt_tz_instant(zone, wall, utc);
    if (fit == VEMT_TZ_SKIPPED) {
        *why = "local time does not exist (clocks went forward)";
        return false;
    }
    *ambiguous = fit == VEMT_TZ_REPEATED; /* the earlier instant is taken */
    return true;
}

/* Excel's 1900 date system: serial 1 is 1900-01-01, with the fictitious
 * 1900-02-29 (serial 60) that Lotus 1-2-3 introduced, so from serial 61 on
 * day 0 is 1899-12-30 (Microsoft, "Date systems in Excel"). The fraction is
 * the local time of day. */
static bool excel_serial(const char *s, fields *f, vemt_precision *prec) {
    double v;
    const char *why;
    if (vemt_value_number(s, &v, &why) || v < 61 || v > 80000) return false;
    int64_t days = (int64_t)floor(v);
    int64_t secs = (int64_t)llround((v - (double)days) * 86400.0);
    if (secs >= 86400) days++, secs -= 86400;
    vemt_civil_from_days(days + vemt_days_from_civil(1899, 12, 30), &f->y,
                         &f->mo, &f->d);
    f->h = (int)(secs / 3600);
    f->mi = (int)(secs / 60 % 60);
    f->s = (int)(secs % 60);
    f->has_time = secs ? 2 : 0;
    *prec = secs ? VEMT_PREC_SECOND : VEMT_PREC_DAY;
    return true;
}

vemt_status vemt_value_time(const char *s, unsigned flags, const vemt_tz *zone,
                            vemt_time *out, const char **why) {
    *why = "";
    memset(out, 0, sizeof *out);
    if (vemt_value_is_blank(s)) {
        *why = "empty";
        return VEMT_E_MISSING;
    }
    while (isspace((unsigned char)*s)) s++;
    fields f;
    vemt_precision prec;
    memset(&f, 0, sizeof f);
    if (!parse_shape(s, flags, &f, &prec) &&
        !(flags & VEMT_DATE_SERIAL && excel_serial(s, &f, &prec))) {
        *why = "not a date";
        return VEMT_E_DATE;
    }
    if (f.y < 1900 || f.y > 2100 || f.mo < 1 || f.mo > 12 || f.d < 1 ||
        f.d > days_in_month(f.y, f.mo) || f.h > 23 || f.mi > 59 || f.s > 59) {
        *why = "impossible date or time";
        return VEMT_E_DATE;
    }
    if (flags & VEMT_DATE_MONTH) {
        prec = VEMT_PREC_MONTH;
        f.d = 1;
        f.h = f.mi = f.s = 0;
    }
    int64_t day = vemt_days_from_civil(f.y, f.mo, f.d);
    out->precision = prec;
    if (prec >= VEMT_PREC_DAY) {
        /* A day or a month stands for its whole local span: from its first
         * local midnight to one second before the next span's. */
        int64_t next =
            day + (prec == VEMT_PREC_MONTH ? days_in_month(f.y, f.mo) : 1);
        out->start_utc = vemt_tz_day_start(zone, day);
        out->end_utc = vemt_tz_day_start(zone, next) - 1;
        return VEMT_OK;
    }
    int64_t wall = day * 86400 + f.h * 3600 + f.mi * 60 + f.s;
    if (!to_utc(&f, zone, wall, &out->start_utc, &out->ambiguous, why))
        return VEMT_E_DATE;
    out->end_utc = out->start_utc;
    return VEMT_OK;
}
