/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file fuzz_value.c
 * @brief Fuzz target: the bytes as one NUL-terminated field through the
 * number parser and the date parser with every flag combination (0..7),
 * checking what value.h promises about each result.
 */
#include <math.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/value.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_number(const char *s, bool blank) {
    double v = 0;
    const char *why = NULL;
    vemt_status st = vemt_value_number(s, &v, &why);
    FUZZ_CHECK(why != NULL);
    FUZZ_CHECK(st == VEMT_OK || st == VEMT_E_MISSING || st == VEMT_E_NUMBER);
    FUZZ_CHECK((st == VEMT_E_MISSING) == blank);
    if (st == VEMT_OK)
        FUZZ_CHECK(isfinite(v));
    else
        FUZZ_CHECK(why[0] != '\0');
}

static void fuzz_time(const char *s, bool blank, unsigned flags,
                      const vemt_tz *zone) {
    vemt_time t;
    const char *why = NULL;
    vemt_status st = vemt_value_time(s, flags, zone, &t, &why);
    FUZZ_CHECK(why != NULL);
    FUZZ_CHECK(st == VEMT_OK || st == VEMT_E_MISSING || st == VEMT_E_DATE);
    FUZZ_CHECK((st == VEMT_E_MISSING) == blank);
    if (st != VEMT_OK) {
        FUZZ_CHECK(why[0] != '\0');
        return;
    }
    FUZZ_CHECK(t.start_utc <= t.end_utc);
    FUZZ_CHECK(t.precision >= VEMT_PREC_SECOND &&
               t.precision <= VEMT_PREC_MONTH);
    if (flags & VEMT_DATE_MONTH) FUZZ_CHECK(t.precision == VEMT_PREC_MONTH);
    if (t.precision <= VEMT_PREC_MINUTE) FUZZ_CHECK(t.start_utc == t.end_utc);
    /* Years 1900..2100 only, whatever the zone offset (at most 14 h). */
    FUZZ_CHECK(t.start_utc >=
               vemt_days_from_civil(1900, 1, 1) * 86400 - 15 * 3600);
    FUZZ_CHECK(t.end_utc <
               vemt_days_from_civil(2101, 1, 1) * 86400 + 15 * 3600);
}

/* Europe/London (the default input zone), loaded once; kept to the end so
 * that LeakSanitizer sees it reachable. */
static vemt_tz *london;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (vemt_tz_load(NULL, VEMT_TZ_DEFAULT, &london)) {
        fprintf(stderr, "fuzz_value: no time zone %s\n", VEMT_TZ_DEFAULT);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    bool blank = vemt_value_is_blank(s);
    fuzz_number(s, blank);
    for (unsigned flags = 0; flags < 8; flags++) {
        fuzz_time(s, blank, flags, NULL);
        fuzz_time(s, blank, flags, london);
    }
    free(s);
    return 0;
}
