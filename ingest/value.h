/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file value.h
 * @brief The ONLY parsers for numbers and dates in vemt (private to ingest/;
 * tests include it).
 */
#ifndef VEMT_INGEST_VALUE_H
#define VEMT_INGEST_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/vemt.h"

/** True when s is empty or only white space. */
bool vemt_value_is_blank(const char *s);

/** Parse a decimal number (leading/trailing spaces allowed). Returns
 * VEMT_E_MISSING for a blank string, VEMT_E_NUMBER for anything else that
 * is not a finite number, with a reason in why. */
vemt_status vemt_value_number(const char *s, double *out, const char **why);

/** A parsed time: the instant or the range it stands for. */
typedef struct vemt_time {
    int64_t start_utc; /* first instant, seconds since the epoch */
    int64_t end_utc;   /* last instant (== start for a full timestamp) */
    vemt_precision precision;
    bool ambiguous; /* local time in the autumn repeat: earlier one taken */
} vemt_time;

/** Date parsing options (bit set). */
enum {
    VEMT_DATE_MDY = 1,    /* slashed dates are mm/dd/yyyy (--date-order mdy) */
    VEMT_DATE_SERIAL = 2, /* a bare number is an Excel serial date (local) */
    VEMT_DATE_MONTH = 4   /* the column holds months: any date in it stands
                             for its whole month (police.uk "Month") */
};

/** Parse a date or date-time. Accepted: ISO 8601 `YYYY-MM-DD[(T| )hh:mm
 * [:ss[.fff]]][Z|+hh:mm|-hh:mm|+hhmm]`, `YYYY-MM` (the whole month),
 * `YYYY/MM/DD[ hh:mm[:ss]]` (as GDAL prints dates), UK
 * `dd/mm/yyyy[ hh:mm[:ss]]` (mm/dd/yyyy with VEMT_DATE_MDY) and, with
 * VEMT_DATE_SERIAL, Excel serial day numbers (1900 date system). Times without
 * an offset are local time in zone (--input-time-zone; NULL: UTC): a local
 * time in a spring gap does not exist (VEMT_E_DATE), one in an autumn repeat
 * takes the earlier instant and sets ambiguous. A date alone stands for its
 * whole local day in zone, a month for its whole local month. An explicit
 * offset or Z wins over zone. Returns VEMT_E_MISSING for blank, VEMT_E_DATE
 * otherwise, reason in why (a static string). */
vemt_status vemt_value_time(const char *s, unsigned flags, const vemt_tz *zone,
                            vemt_time *out, const char **why);

#endif /* VEMT_INGEST_VALUE_H */
