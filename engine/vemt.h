/** @file vemt.h
 * @brief Base shared by every layer: status codes, errors, the context,
 * and the record structs that flow ingest -> engine -> outputs.
 */
#ifndef VEMT_ENGINE_VEMT_H
#define VEMT_ENGINE_VEMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VEMT_VERSION "0.1.0"

/** The analysis CRS when none is given (--analysis-crs): British National
 * Grid. Every coordinate is transformed to the run's analysis CRS, which
 * must be projected with axes in metres. */
#define VEMT_ANALYSIS_CRS_DEFAULT "EPSG:27700"

/** Result of every fallible call; 0 is success (h3 H3Error, GSL, SQLite). */
typedef enum vemt_status {
    VEMT_OK = 0,
    VEMT_E_NOMEM,      /* allocation failed */
    VEMT_E_IO,         /* open/read/write failed; message carries strerror */
    VEMT_E_ARG,        /* caller bug or bad option value */
    VEMT_E_DEPENDENCY, /* GEOS, PROJ, GDAL or GSL failed; msg has its text */
    /* Bad-input classes: contiguous, one fixture and one test each. */
    VEMT_E_CSV_QUOTE, /* unterminated or misplaced quote */
    VEMT_E_CSV_WIDTH, /* row has more or fewer fields than the header */
    VEMT_E_ENCODING,  /* not valid UTF-8 */
    VEMT_E_MISSING,   /* required value or column absent */
    VEMT_E_NUMBER,    /* not a number */
    VEMT_E_DATE,      /* not a date, or an impossible one */
    VEMT_E_COORD,     /* coordinate out of range or (0,0) */
    VEMT_E_DUPLICATE, /* identifier seen before in the same file */
    VEMT_E_RANGE,     /* time range ends before it starts */
    VEMT_STATUS_END   /* sentinel: one past the last code, not an error */
} vemt_status;

/** Where and why something failed (liblwgeom parser result, extended). */
typedef struct vemt_error {
    vemt_status code;
    const char *source; /* input path (borrowed) or dependency name */
    long row;           /* 1-based as a spreadsheet counts (header = 1) */
    long line;          /* 1-based physical line where the record starts */
    int column;         /* 1-based field number; 0 = n/a */
    char field[64];     /* header name of that column, "" if n/a */
    char msg[256];      /* one sentence, no trailing newline */
} vemt_error;

/** Short description of a status; never NULL, never to be freed. */
const char *vemt_status_str(vemt_status code);

/** True for the bad-input classes (a reject, not a failed call). */
bool vemt_status_is_input(vemt_status code);

/** Fill err (which may be NULL) and return code, so that callers can write
 * `return vemt_error_set(err, VEMT_E_IO, "...")`. Location fields are reset. */
vemt_status vemt_error_set(vemt_error *err, vemt_status code, const char *fmt,
                           ...) __attribute__((format(printf, 3, 4)));

/** Progress callback: stage name, items done, items total (0 = unknown). */
typedef void (*vemt_progress_fn)(void *data, const char *stage, uint64_t done,
                                 uint64_t total);

/** Per-thread context: GEOS handle, the run's seed, last error. */
typedef struct vemt_ctx vemt_ctx;

/** Create a context whose random streams derive from seed.
 * Returns VEMT_E_NOMEM or VEMT_E_DEPENDENCY on failure.
 * Caller owns *out; free with vemt_ctx_destroy(). */
vemt_status vemt_ctx_create(uint64_t seed, vemt_ctx **out);

/** Free a context and everything it holds; NULL is a no-op. */
void vemt_ctx_destroy(vemt_ctx *ctx);

/** The last failure in this context. Borrowed; valid until the next call. */
const vemt_error *vemt_ctx_error(const vemt_ctx *ctx);

/** Record a failure in the context as vemt_error_set does (location reset)
 * and return code: `return vemt_ctx_fail(ctx, VEMT_E_IO, "...")`. A NULL
 * ctx records nothing. */
vemt_status vemt_ctx_fail(vemt_ctx *ctx, vemt_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Name the source of the last failure (input path or dependency; NULL for
 * none). Borrowed: source must outlive every read of the error. */
void vemt_ctx_set_source(vemt_ctx *ctx, const char *source);

/** Place the last failure in its input: row and line (1-based; 0 = n/a),
 * column (1-based; 0 = n/a) and field (header name; NULL = ""). */
void vemt_ctx_set_location(vemt_ctx *ctx, long row, long line, int column,
                           const char *field);

/** The seed the context was created with. */
uint64_t vemt_ctx_seed(const vemt_ctx *ctx);

/** Install a progress callback (NULL disables progress). */
void vemt_ctx_set_progress(vemt_ctx *ctx, vemt_progress_fn fn, void *data);

/** Report progress through the installed callback, if any. */
void vemt_ctx_progress(const vemt_ctx *ctx, const char *stage, uint64_t done,
                       uint64_t total);

/* ---- Calendar ------------------------------------------------------- */

/** Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t vemt_days_from_civil(int y, int m, int d);

/** The proleptic Gregorian date of a day number since 1970-01-01. */
void vemt_civil_from_days(int64_t days, int *y, int *m, int *d);

/** True when UK summer time (BST, UTC+1) is in force at t: from 01:00 UTC
 * on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
bool vemt_uk_summer_time(int64_t t);

/** Format t (seconds since the epoch) as `YYYY-MM-DDTHH:MM:SS.000Z`, the
 * GeoPackage date-time form, into buf (at least 25 bytes). */
void vemt_time_format_utc(int64_t t, char *buf, size_t size);

/* ---- Records --------------------------------------------------------- */

/** What an event is. Terms as in the README. */
typedef enum vemt_kind {
    VEMT_KIND_INCIDENT = 0, /* a police incident */
    VEMT_KIND_MISSING_FROM, /* where a missing episode started */
    VEMT_KIND_FOUND_AT,     /* where a missing child was found */
    VEMT_KIND_END
} vemt_kind;

/** Name of a kind as written in outputs ("incident", ...); never NULL. */
const char *vemt_kind_str(vemt_kind kind);

/** How precisely an event's time is known. */
typedef enum vemt_precision {
    VEMT_PREC_SECOND = 0,
    VEMT_PREC_MINUTE,
    VEMT_PREC_DAY,
    VEMT_PREC_MONTH
} vemt_precision;

/** Yes, no or not known (looked-after status). */
typedef enum vemt_tristate {
    VEMT_UNKNOWN = 0,
    VEMT_YES,
    VEMT_NO
} vemt_tristate;

/** One normalised event. Times are seconds since 1970-01-01T00:00:00Z.
 * Texts are offsets into the owning vemt_events' text pool (0 = ""); read
 * them with vemt_events_text(). */
typedef struct vemt_event {
    int64_t start_utc;
    int64_t end_utc;      /* == start_utc for a single instant; -1 = open */
    double x, y;          /* analysis CRS, metres */
    int32_t source_row;   /* row in its source file (header = 1) */
    int16_t source;       /* index into the run's source list */
    uint8_t kind;         /* vemt_kind */
    uint8_t precision;    /* vemt_precision */
    bool located;         /* false: no coordinates (counts in trends only) */
    bool in_area;         /* inside the study area (true with no boundary) */
    bool time_ambiguous;  /* local time in the autumn repeat: earlier taken */
    bool flagged;         /* missing_from at a flagged reporting place */
    bool excluded;        /* left out of the spatial analyses (flagged) */
    uint8_t looked_after; /* vemt_tristate; episodes only */
    uint32_t ref;         /* source record id (incident or episode id) */
    uint32_t category;    /* incident category */
    uint32_t placing_authority; /* episodes: authority that placed the child */
    uint32_t lsoa;              /* LSOA code where the source gives one */
    char subject_key[24]; /* keyed pseudonym of child/subject; "" if none */
} vemt_event;

/** True when the event counts in the spatial analyses of the kinds (a bit
 * set of 1u << vemt_kind): located, in the study area, not left out. */
static inline bool vemt_event_counted(const vemt_event *ev, unsigned kinds) {
    return ev->located && ev->in_area && !ev->excluded &&
           (kinds & (1u << ev->kind));
}

/** A growable array of events and the pool of their texts. The struct is
 * plain so that outputs can read it; change it only through the functions
 * below. */
typedef struct vemt_events {
    vemt_event *items;
    size_t n;
    size_t cap;
    char *text; /* NUL-terminated strings back to back; offset 0 is "" */
    size_t text_len;
    size_t text_cap;
} vemt_events;

/** Append a copy of *ev. Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_events_push(vemt_events *events, const vemt_event *ev);

/** Add the first n bytes of s to the text pool; *off gets its offset (0
 * for an empty string). Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_events_add_text(vemt_events *events, const char *s, size_t n,
                                 uint32_t *off);

/** Append src's events and texts to dst, the events' text offsets moved
 * to where their texts now are. Returns VEMT_E_NOMEM on failure (dst is
 * then unchanged). */
vemt_status vemt_events_append(vemt_events *dst, const vemt_events *src);

/** The text at an offset of the pool ("" for 0). Borrowed; valid until the
 * pool grows or is cleared. */
const char *vemt_events_text(const vemt_events *events, uint32_t off);

/** Free the contents and zero the struct. */
void vemt_events_clear(vemt_events *events);

/** An input row that could not be used, with the reason. */
typedef struct vemt_reject {
    vemt_error err; /* code, row, line, column, field, msg (no source) */
    int source;     /* index into the run's source list */
    char *raw;      /* the row text with identifier fields pseudonymised;
                       owned by the array */
} vemt_reject;

/** A growable array of rejects. */
typedef struct vemt_rejects {
    vemt_reject *items;
    size_t n;
    size_t cap;
} vemt_rejects;

/** Append a reject copying err and raw (raw may be NULL).
 * Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_rejects_push(vemt_rejects *rejects, int source,
                              const vemt_error *err, const char *raw);

/** Free the contents and zero the struct. */
void vemt_rejects_clear(vemt_rejects *rejects);

/** A row merged into an earlier one as a duplicate, and the rule used. */
typedef struct vemt_merge {
    int kept_source; /* index into the run's source list */
    long kept_row;
    int merged_source;
    long merged_row;
    const char *rule; /* static text naming the rule */
    double distance_m;
    double seconds;
} vemt_merge;

/** A growable array of merges. */
typedef struct vemt_merges {
    vemt_merge *items;
    size_t n;
    size_t cap;
} vemt_merges;

/** Append a copy of *m. Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_merges_push(vemt_merges *merges, const vemt_merge *m);

/** Free the contents and zero the struct. */
void vemt_merges_clear(vemt_merges *merges);

/** What a source file is. */
typedef enum vemt_source_kind {
    VEMT_SOURCE_INCIDENTS = 0,
    VEMT_SOURCE_MISSING
} vemt_source_kind;

/** One input file and its row accounting: every data row is exactly one of
 * used, located nowhere, merged, excluded or rejected, so
 * n_read == n_used + n_nowhere + n_merged + n_excluded + n_rejected. */
typedef struct vemt_source {
    const char *path; /* borrowed from the run configuration */
    vemt_source_kind kind;
    uint64_t bytes;
    char sha256[65];    /* lower-case hex of the file's bytes */
    long n_read;        /* data rows read (header excluded) */
    long n_used;        /* rows that gave at least one located event */
    long n_nowhere;     /* rows kept as events without a location */
    long n_merged;      /* rows merged into an earlier duplicate */
    long n_excluded;    /* rows left out by a category filter */
    long n_rejected;    /* rows written to rejects */
    long n_events;      /* events produced (an episode may give two) */
    int threads;        /* threads whose reading counted: 1, or 2 when a
                           CSV was read in two parts */
    const char *format; /* static: "csv", or the GDAL driver's short name */
    const char *schema; /* static: "vemt incidents", "police.uk street", ... */
    char crs[32];       /* CRS of the coordinates read, e.g. "EPSG:4326" */
    char columns[512];  /* which column was used for what, for the summary */
    char pipeline[512]; /* the PROJ transformation used, for provenance */
} vemt_source;

/** True when the source's counts reconcile (see vemt_source). */
bool vemt_source_reconciles(const vemt_source *s);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_ENGINE_VEMT_H */
