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
    int64_t days = vemt_floor_div(t, 86400);
    int64_t secs = t - days * 86400;
    int y, m, d;
    vemt_civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

int32_t vemt_event_date(const vemt_tz *zone, const vemt_tz *input_zone,
                        int64_t start_utc, int precision) {
    const vemt_tz *z = precision >= VEMT_PREC_DAY ? input_zone : zone;
    return (int32_t)vemt_tz_date(z, start_utc);
}
