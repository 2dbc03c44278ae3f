/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_rtree.c
 * @brief The packed R-tree loader (outputs/rtree.c, issue 19): the tree it
 * writes passes SQLite's rtreecheck() at every level boundary, answers box
 * queries exactly as a tree built by inserting row by row (stored float32
 * boxes identical, British National Grid coordinates included), keeps
 * working under the rtree module's own INSERT, UPDATE and DELETE, survives
 * closing and reopening its file, is the same for the same entries in any
 * order, and refuses what SQLite would refuse before writing anything.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/vemt.h"
#include "outputs/rtree.h"
#include "tests/test.h"

static char tmpdir[64];

/* ---- entries --------------------------------------------------------- */

/* splitmix64 (Steele, Lea and Flood 2014, doi:10.1145/2660193.2660195). */
static uint64_t next_u64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) {
    return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

enum { POINTS = 1, BOXES = 2, BNG = 4, SPARSE = 8 };

/* n entries: points (zero-size boxes) or boxes up to 40 units wide, over
 * 0..1000 or British National Grid's 400000..600000 (where float32's step
 * is 1/32 or 1/16 m, so rounding matters); every 7th repeats an earlier
 * location (addresses shared by several events); ids 1..n (GeoPackage
 * fids) or sparse 63-bit, in shuffled order. Caller frees. */
static vemt_rtree_entry *make_entries(size_t n, int kind, uint64_t seed) {
    vemt_rtree_entry *e = calloc(n ? n : 1, sizeof *e);
    uint64_t s = seed;
    double lo = kind & BNG ? 400000 : 0, span = kind & BNG ? 200000 : 1000;
    for (size_t i = 0; i < n; i++) {
        double x = lo + span * uniform(&s), y = lo + span * uniform(&s);
        double w = kind & BOXES ? 40 * uniform(&s) : 0;
        double h = kind & BOXES ? 40 * uniform(&s) : 0;
        if (i % 7 == 6) {
            size_t j = (size_t)(next_u64(&s) % i);
            x = e[j].minx;
            y = e[j].miny;
            w = e[j].maxx - x;
            h = e[j].maxy - y;
        }
        /* Sparse: distinct values below 2^37 times an odd constant, mod
         * 2^62 (a bijection), shifted to take negative ids too. */
        uint64_t u = (uint64_t)i * 1000003u + next_u64(&s) % 1000 + 1;
        int64_t id = kind & SPARSE
                         ? (int64_t)((u * 1000000007u) % (1ull << 62)) -
                               (int64_t)(1ull << 61)
                         : (int64_t)i + 1;
        e[i] = (vemt_rtree_entry){id, x, x + w, y, y + h};
    }
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)(next_u64(&s) % i);
        vemt_rtree_entry t = e[i - 1];
        e[i - 1] = e[j];
        e[j] = t;
    }
    return e;
}

/* ---- SQLite helpers -------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return rc;
}

/* The first column of the first row of sql as text, in buf. */
static const char *text(sqlite3 *db, const char *sql, char *buf, size_t n) {
    sqlite3_stmt *st = NULL;
    snprintf(buf, n, "(error)");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (!st)
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return buf;
}

static long long integer(sqlite3 *db, const char *sql) {
    char buf[64];
    return atoll(text(db, sql, buf, sizeof buf));
}

static const char *rtreecheck(sqlite3 *db, const char *name, char *buf,
                              size_t n) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT rtreecheck('%s')", name);
    return text(db, sql, buf, n);
}

static int create(sqlite3 *db, const char *name) {
    char sql[128];
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE \"%s\" USING rtree(id, minx, maxx, miny, "
             "maxy)",
             name);
    return exec(db, sql);
}

/* Load a copy of e (the loader reorders its input) in one transaction. */
static vemt_status load(sqlite3 *db, const char *name,
                        const vemt_rtree_entry *e, size_t n) {
    vemt_ctx *ctx = NULL;
    if (vemt_ctx_create(1, &ctx)) return VEMT_E_NOMEM;
    vemt_rtree_entry *copy = malloc((n ? n : 1) * sizeof *copy);
    if (n) memcpy(copy, e, n * sizeof *copy);
    exec(db, "BEGIN");
    vemt_status s = vemt_rtree_load(ctx, db, name, copy, n);
    if (s) fprintf(stderr, "load: %s\n", vemt_ctx_error(ctx)->msg);
    exec(db, s ? "ROLLBACK" : "COMMIT");
    free(copy);
    vemt_ctx_destroy(ctx);
    return s;
}

/* The same entries through the rtree module, one INSERT each. */
static int insert_rows(sqlite3 *db, const char *name, const vemt_rtree_entry *e,
                       size_t n) {
    char sql[128];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?, ?, ?, ?)",
             name);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) return -1;
    int bad = exec(db, "BEGIN");
    for (size_t i = 0; i < n && !bad; i++) {
        sqlite3_bind_int64(st, 1, e[i].id);
        sqlite3_bind_double(st, 2, e[i].minx);
        sqlite3_bind_double(st, 3, e[i].maxx);
        sqlite3_bind_double(st, 4, e[i].miny);
        sqlite3_bind_double(st, 5, e[i].maxy);
        bad = sqlite3_step(st) != SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return bad | exec(db, "COMMIT");
}

/* Ids of table name whose box meets the query, ascending; count in *n. */
static int64_t *query(sqlite3 *db, const char *name, const double q[4],
                      size_t *n) {
    char sql[160];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql,
             "SELECT id FROM \"%s\" WHERE minx <= ?1 AND maxx >= ?2 AND "
             "miny <= ?3 AND maxy >= ?4 ORDER BY id",
             name);
    size_t cap = 64;
    int64_t *ids = malloc(cap * sizeof *ids);
    *n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) return ids;
    sqlite3_bind_double(st, 1, q[1]);
    sqlite3_bind_double(st, 2, q[0]);
    sqlite3_bind_double(st, 3, q[3]);
    sqlite3_bind_double(st, 4, q[2]);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) ids = realloc(ids, (cap *= 2) * sizeof *ids);
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return ids;
}

/* One coordinate of a query box: half the time random over the data's
 * range, half the time at or next to an entry's coordinate (where the
 * float32 rounding decides). */
static double query_edge(const vemt_rtree_entry *e, size_t n, int axis,
                         uint64_t *s) {
    double lo = e[0].minx > 1000 ? 400000 : 0;
    double span = e[0].minx > 1000 ? 200000 : 1000;
    if (!n || next_u64(s) % 2) return lo - 20 + (span + 40) * uniform(s);
    const vemt_rtree_entry *x = &e[next_u64(s) % n];
    double v = axis ? (next_u64(s) % 2 ? x->miny : x->maxy)
                    : (next_u64(s) % 2 ? x->minx : x->maxx);
    /* v, its double neighbours, or the float32s around it (between which
     * an outward rounding one step off would answer differently). */
    float f = (float)v;
    switch (next_u64(s) % 6) {
        case 0:
            return v;
        case 1:
            return nextafter(v, -INFINITY);
        case 2:
            return nextafter(v, INFINITY);
        case 3:
            return (double)nextafterf(f, -INFINITY);
        case 4:
            return (double)nextafterf(nextafterf(f, -INFINITY), -INFINITY);
        default:
            return (double)nextafterf(f, INFINITY);
    }
}

/* nq random boxes (x0, x1, y0, y1) of up to a tenth of the range on a side:
 * both tables answer the same ids, and those include every entry whose
 * (double) box meets the query. Returns the number of queries that differ;
 * *hits counts the ids answered. */
static int compare_queries(sqlite3 *db, const char *a, const char *b,
                           const vemt_rtree_entry *e, size_t n, int nq,
                           uint64_t seed, size_t *hits) {
    uint64_t s = seed;
    int differ = 0;
    *hits = 0;
    for (int k = 0; k < nq; k++) {
        double q[4];
        for (int axis = 0; axis < 2; axis++) {
            double u = query_edge(e, n, axis, &s),
                   v = query_edge(e, n, axis, &s);
            double side = (e[0].minx > 1000 ? 20000 : 100) * uniform(&s);
            if (fabs(u - v) > side) v = u + (v > u ? side : -side);
            q[2 * axis] = fmin(u, v);
            q[2 * axis + 1] = fmax(u, v);
        }
        size_t na, nb, need = 0;
        int64_t *ia = query(db, a, q, &na), *ib = query(db, b, q, &nb);
        int bad = na != nb || (na && memcmp(ia, ib, na * sizeof *ia));
        for (size_t i = 0; i < n && !bad; i++) {
            const vemt_rtree_entry *x = &e[i];
            if (x->minx > q[1] || x->maxx < q[0] || x->miny > q[3] ||
                x->maxy < q[2])
                continue;
            need++;
            size_t lo = 0, hi = na; /* binary search in the ascending ids */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (ia[mid] < x->id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            bad = lo == na || ia[lo] != x->id;
        }
        if (bad && differ < 3)
            fprintf(stderr,
                    "query %d [%.17g %.17g] x [%.17g %.17g]: %zu vs %zu\n", k,
                    q[0], q[1], q[2], q[3], na, nb);
        differ += bad;
        *hits += na;
        free(ia);
        free(ib);
    }
    return differ;
}

static sqlite3 *open_db(const char *path) {
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* ---- tests ----------------------------------------------------------- */

static const size_t sizes[] = {0, 1, 50, 51, 52, 2601, 2602, 100000};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Load into db and compare with the row-by-row table, sizes up to max. */
static void check_sizes(test_state *t_, sqlite3 *db, int kind, int nq,
                        size_t max) {
    char buf[512];
    for (size_t k = 0; k < NSIZES && sizes[k] <= max; k++) {
        size_t n = sizes[k];
        char a[32], b[32], sql[128];
        snprintf(a, sizeof a, "a_%d_%zu", kind, n);
        snprintf(b, sizeof b, "b_%d_%zu", kind, n);
        vemt_rtree_entry *e = make_entries(n, kind, 42 + n);
        CHECK_INT_EQ(create(db, a) | create(db, b), SQLITE_OK);
        CHECK_STATUS(load(db, a, e, n), VEMT_OK);
        CHECK_INT_EQ(insert_rows(db, b, e, n), 0);
        CHECK_STR_EQ(rtreecheck(db, a, buf, sizeof buf), "ok");
        snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s_rowid\"", a);
        CHECK_INT_EQ(integer(db, sql), (long long)n);
        size_t hits = 0;
        CHECK_INT_EQ(compare_queries(db, a, b, e, n, nq, 7 + n, &hits), 0);
        if (n >= 2601) CHECK(hits > (size_t)nq); /* the queries find things */
        free(e);
    }
}

TEST(rtreecheck_and_queries_in_memory) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    check_sizes(t_, db, POINTS, 500, SIZE_MAX);
    check_sizes(t_, db, BOXES | SPARSE, 500, 2602);
    check_sizes(t_, db, POINTS | BNG | SPARSE, 500, SIZE_MAX);
    check_sizes(t_, db, BOXES | BNG, 500, 2602);
    sqlite3_close(db);
}

/* The stored boxes are SQLite's own float32 rounding of each coordinate,
 * outward (down for minima, up for maxima). */
TEST(stored_boxes_round_as_sqlite) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    size_t n = 20000;
    vemt_rtree_entry *e = make_entries(n, BOXES | BNG, 3);
    e[0] = (vemt_rtree_entry){e[0].id, -1e-3, 1e-3, -123456.789, -123456.7};
    CHECK_INT_EQ(create(db, "a") | create(db, "b"), SQLITE_OK);
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    CHECK_INT_EQ(insert_rows(db, "b", e, n), 0);
    /* Every box, both ways. */
    CHECK_INT_EQ(integer(db,
                         "SELECT count(*) FROM a JOIN b USING (id) WHERE "
                         "a.minx = b.minx AND a.maxx = b.maxx AND "
                         "a.miny = b.miny AND a.maxy = b.maxy"),
                 (long long)n);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT minx, maxx, miny, maxy FROM a WHERE id = ?",
                       -1, &st, NULL);
    int outward = 0, exact = 0;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, e[i].id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            double v[4];
            for (int k = 0; k < 4; k++) v[k] = sqlite3_column_double(st, k);
            outward += v[0] <= e[i].minx && v[1] >= e[i].maxx &&
                       v[2] <= e[i].miny && v[3] >= e[i].maxy;
            exact += v[0] == e[i].minx && v[1] == e[i].maxx;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    CHECK_INT_EQ(outward, (long long)n);
    CHECK(exact < (int)n / 10); /* BNG doubles rarely are float32s */
    free(e);
    sqlite3_close(db);
}

/* Node counts, the root's depth and fan-out at the boundaries 51 and 51^2
 * (page 4096: node 1228 bytes, 51 cells). */
TEST(tree_shape_at_level_boundaries) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    static const struct {
        size_t n;
        long long depth, root_cells, nodes;
    } want[] = {{1, 0, 1, 1},      {51, 0, 51, 1},   {52, 1, 2, 3},
                {2601, 1, 51, 52}, {2602, 2, 2, 55}, {0, 0, 0, 1}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        char name[16], sql[160];
        snprintf(name, sizeof name, "t%zu", k);
        vemt_rtree_entry *e = make_entries(want[k].n, POINTS, k);
        CHECK_INT_EQ(create(db, name), SQLITE_OK);
        CHECK_STATUS(load(db, name, e, want[k].n), VEMT_OK);
        snprintf(sql, sizeof sql,
                 "SELECT length(data) FROM %s_node WHERE nodeno = 1", name);
        CHECK_INT_EQ(integer(db, sql), 1228);
        char buf[32];
        snprintf(sql, sizeof sql,
                 "SELECT hex(substr(data, 1, 2)) FROM %s_node WHERE nodeno = 1",
                 name);
        CHECK_INT_EQ(strtol(text(db, sql, buf, sizeof buf), NULL, 16),
                     want[k].depth);
        snprintf(sql, sizeof sql,
                 "SELECT hex(substr(data, 3, 2)) FROM %s_node WHERE nodeno = 1",
                 name);
        CHECK_INT_EQ(strtol(text(db, sql, buf, sizeof buf), NULL, 16),
                     want[k].root_cells);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s_node", name);
        CHECK_INT_EQ(integer(db, sql), want[k].nodes);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s_parent", name);
        CHECK_INT_EQ(integer(db, sql), want[k].nodes - 1);
        free(e);
    }
    sqlite3_close(db);
}

/* A 1024-byte page: SQLite chose 960-byte nodes of 39 cells, and so do we. */
TEST(node_size_follows_the_table) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    exec(db, "PRAGMA page_size = 1024");
    size_t n = 3000;
    vemt_rtree_entry *e = make_entries(n, BOXES, 11);
    CHECK_INT_EQ(create(db, "a") | create(db, "b"), SQLITE_OK);
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    CHECK_INT_EQ(insert_rows(db, "b", e, n), 0);
    char buf[512];
    CHECK_STR_EQ(rtreecheck(db, "a", buf, sizeof buf), "ok");
    CHECK_INT_EQ(integer(db,
                         "SELECT min(length(data)) = 960 AND "
                         "max(length(data)) = 960 FROM a_node"),
                 1);
    /* ceil(3000 / 39) = 77 full leaves but one, 2 inner nodes, the root. */
    CHECK_INT_EQ(integer(db, "SELECT count(*) FROM a_node"), 80);
    size_t hits;
    CHECK_INT_EQ(compare_queries(db, "a", "b", e, n, 300, 5, &hits), 0);
    free(e);
    sqlite3_close(db);
}

/* The same SQL changes on the loaded tree and the row-by-row one (the
 * GeoPackage's triggers will make these): rtreecheck stays ok, answers
 * stay the same. Deleting half the entries empties nodes below a third
 * full, which the module condenses and reinserts. */
static void change_both(test_state *t_, sqlite3 *db, vemt_rtree_entry *e,
                        size_t n) {
    static const char *const tables[] = {"a", "b"};
    for (int t = 0; t < 2; t++) {
        char sql[256];
        exec(db, "BEGIN");
        for (size_t i = 0; i < n / 2; i++) { /* delete every other entry */
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = %lld",
                     tables[t], (long long)e[2 * i].id);
            CHECK_INT_EQ(exec(db, sql), SQLITE_OK);
        }
        for (size_t i = 0; i < n / 4; i++) { /* move a quarter */
            const vemt_rtree_entry *x = &e[4 * i + 1];
            snprintf(sql, sizeof sql,
                     "UPDATE %s SET minx = %.17g, maxx = %.17g, miny = %.17g, "
                     "maxy = %.17g WHERE id = %lld",
                     tables[t], x->miny, x->maxy, x->minx, x->maxx,
                     (long long)x->id);
            CHECK_INT_EQ(exec(db, sql), SQLITE_OK);
        }
        for (size_t i = 0; i < n / 2; i++) { /* insert as many new ones */
            const vemt_rtree_entry *x = &e[2 * i];
            snprintf(sql, sizeof sql,
                     "INSERT INTO %s VALUES (%lld, %.17g, %.17g, %.17g, %.17g)",
                     tables[t], (long long)x->id + 10 * (long long)n,
                     x->minx + 1, x->maxx + 1.5, x->miny, x->maxy);
            CHECK_INT_EQ(exec(db, sql), SQLITE_OK);
        }
        exec(db, "COMMIT");
    }
}

TEST(insert_update_delete_after_load) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    size_t n = 6000;
    vemt_rtree_entry *e = make_entries(n, BOXES | BNG, 21);
    CHECK_INT_EQ(create(db, "a") | create(db, "b"), SQLITE_OK);
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    CHECK_INT_EQ(insert_rows(db, "b", e, n), 0);
    change_both(t_, db, e, n);
    char buf[512];
    CHECK_STR_EQ(rtreecheck(db, "a", buf, sizeof buf), "ok");
    CHECK_INT_EQ(integer(db, "SELECT count(*) FROM a"), (long long)n);
    /* The oracle is table b alone now (the changed entries are not e). */
    size_t hits;
    CHECK_INT_EQ(compare_queries(db, "a", "b", e, 0, 500, 9, &hits), 0);
    CHECK(hits > 500);
    free(e);
    sqlite3_close(db);
}

/* On a file: rtreecheck for every size; close, reopen, and the index still
 * answers as the row-by-row one. */
TEST(file_database_reopened) {
    char path[96];
    snprintf(path, sizeof path, "%s/rtree.sqlite", tmpdir);
    sqlite3 *db = open_db(path);
    CHECK(db != NULL);
    if (!db) return;
    exec(db, "PRAGMA synchronous = OFF"); /* the test needs no durability */
    check_sizes(t_, db, BOXES | BNG | SPARSE, 100, SIZE_MAX);
    size_t n = 30000;
    vemt_rtree_entry *e = make_entries(n, POINTS | BNG, 77);
    CHECK_INT_EQ(create(db, "a") | create(db, "b"), SQLITE_OK);
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    CHECK_INT_EQ(insert_rows(db, "b", e, n), 0);
    sqlite3_close(db);
    db = open_db(path);
    CHECK(db != NULL);
    if (!db) return;
    char buf[512];
    CHECK_STR_EQ(rtreecheck(db, "a", buf, sizeof buf), "ok");
    CHECK_STR_EQ(rtreecheck(db, "a_14_100000", buf, sizeof buf), "ok");
    size_t hits;
    CHECK_INT_EQ(compare_queries(db, "a", "b", e, n, 500, 13, &hits), 0);
    CHECK(hits > 500);
    free(e);
    sqlite3_close(db);
    unlink(path);
}

/* Ties (shared locations) are broken by id: the same entries in another
 * order give the same nodes, byte for byte. */
TEST(same_tree_for_any_input_order) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    size_t n = 10000;
    vemt_rtree_entry *e = make_entries(n, POINTS | BNG, 31);
    for (size_t i = 0; i < n; i++) /* many exact ties */
        if (i % 3)
            e[i] = (vemt_rtree_entry){e[i].id, e[i / 3].minx, e[i / 3].maxx,
                                      e[i / 3].miny, e[i / 3].maxy};
    vemt_rtree_entry *r = malloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++) r[i] = e[n - 1 - i];
    CHECK_INT_EQ(create(db, "a") | create(db, "b"), SQLITE_OK);
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    CHECK_STATUS(load(db, "b", r, n), VEMT_OK);
    CHECK_INT_EQ(integer(db, "SELECT count(*) FROM a_node"),
                 integer(db, "SELECT count(*) FROM b_node"));
    CHECK_INT_EQ(integer(db,
                         "SELECT count(*) FROM (SELECT nodeno, data FROM "
                         "a_node EXCEPT SELECT nodeno, data FROM b_node)"),
                 0);
    char buf[512];
    CHECK_STR_EQ(rtreecheck(db, "a", buf, sizeof buf), "ok");
    free(r);
    free(e);
    sqlite3_close(db);
}

/* What SQLite would refuse is refused before anything is written: the
 * table is still empty and valid. */
static void check_refused(test_state *t_, sqlite3 *db, const char *name,
                          vemt_rtree_entry *e, size_t n, vemt_status want,
                          const char *msg_part) {
    vemt_ctx *ctx = NULL;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    exec(db, "BEGIN");
    CHECK_STATUS(vemt_rtree_load(ctx, db, name, e, n), want);
    const char *msg = vemt_ctx_error(ctx)->msg;
    if (!strstr(msg, msg_part))
        TEST_FAIL_AT(t_, "message \"%s\" lacks \"%s\"", msg, msg_part);
    exec(db, "COMMIT");
    vemt_ctx_destroy(ctx);
}

TEST(refusals) {
    sqlite3 *db = open_db(":memory:");
    CHECK(db != NULL);
    if (!db) return;
    size_t n = 200;
    vemt_rtree_entry *e = make_entries(n, BOXES, 8);
    CHECK_INT_EQ(create(db, "a"), SQLITE_OK);
    double keep = e[77].maxy;
    e[77].maxy = NAN;
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "NaN");
    e[77].maxy = INFINITY;
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "infinite");
    e[77].maxy = 1e39;
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "beyond float32");
    e[77].maxy = e[77].miny - 1;
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "minimum above");
    e[77].maxy = keep;
    int64_t id = e[5].id;
    e[5].id = e[6].id; /* dense ids: found before writing */
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "two entries have id");
    e[5].id = id;
    char buf[512];
    CHECK_STR_EQ(rtreecheck(db, "a", buf, sizeof buf), "ok");
    CHECK_INT_EQ(integer(db, "SELECT count(*) FROM a_node"), 1);
    CHECK_INT_EQ(integer(db, "SELECT count(*) FROM a_rowid"), 0);
    check_refused(t_, db, "nosuch", e, n, VEMT_E_IO, "no such table");
    CHECK_STATUS(load(db, "a", e, n), VEMT_OK);
    check_refused(t_, db, "a", e, n, VEMT_E_ARG, "not empty");
    exec(db, "CREATE VIRTUAL TABLE c USING rtree(id, x0, x1)");
    check_refused(t_, db, "c", e, n, VEMT_E_ARG, "not a 2-D rtree");
    /* Sparse ids: the duplicate is found once the ids are sorted, after the
     * nodes are written; the caller's
     * transaction rolls the partial tree back. */
    vemt_rtree_entry *s = make_entries(n, POINTS | SPARSE, 9);
    s[10].id = s[150].id;
    CHECK_INT_EQ(create(db, "d"), SQLITE_OK);
    vemt_ctx *ctx = NULL;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    exec(db, "BEGIN");
    CHECK_STATUS(vemt_rtree_load(ctx, db, "d", s, n), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "two entries have id") != NULL);
    exec(db, "ROLLBACK");
    CHECK_STR_EQ(rtreecheck(db, "d", buf, sizeof buf), "ok");
    vemt_ctx_destroy(ctx);
    free(s);
    free(e);
    sqlite3_close(db);
}

TEST_SUITE(rtree) {
    strcpy(tmpdir, "/tmp/vemt-test-rtree-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(rtreecheck_and_queries_in_memory);
    RUN(stored_boxes_round_as_sqlite);
    RUN(tree_shape_at_level_boundaries);
    RUN(node_size_follows_the_table);
    RUN(insert_update_delete_after_load);
    RUN(file_database_reopened);
    RUN(same_tree_for_any_input_order);
    RUN(refusals);
    rmdir(tmpdir);
}
