/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file calendar.c
 * @brief Proleptic Gregorian day numbers, after H. Hinnant, "chrono-
 * Compatible Low-Level Date Algorithms" (2013), days_from_civil and
 * civil_from_days.
 */
#include <stdio.h>

#include "engine/vemt.h"

int64_t vemt_days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vemt_civil_from_days(int64_t days, int *y, int *m, int *d) {
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void vemt_time_format_utc(int64_t t, char *buf, size_t size) {
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int y, m, d;
    vemt_civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static int days_in(int y, int m) {
    static const char dim[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* UTC instant of 01:00 UTC on the last Sunday of month m of year y: when UK
 * summer time starts (March) and ends (October) under the EU rule the UK
 * has followed since 1996 (Summer Time Order 2002). Earlier years are
 * converted with the same rule. */
static int64_t last_sunday_0100_utc(int y, int m) {
    int64_t days = vemt_days_from_civil(y, m, days_in(y, m));
    int64_t wday = ((days % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday */
    return (days - wday) * 86400 + 3600;
}

bool vemt_uk_summer_time(int64_t t) {
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int y, m, d;
    vemt_civil_from_days(day, &y, &m, &d);
    return t >= last_sunday_0100_utc(y, 3) && t < last_sunday_0100_utc(y, 10);
}
