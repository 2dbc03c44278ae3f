/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_gpkg_rows.c
 * @brief The GeoPackage table writer's rows (outputs/gpkg_table.c): rows
 * go to SQLite VEMT_GPKG_BATCH at a time and the rest when the table ends,
 * so every row count around a batch boundary must come back whole: fids
 * 1..n in order, each row's own values (texts copied from a buffer the
 * caller reuses, kept texts, date-times, numbers, nulls, points), one
 * R-tree entry per located row with that row's box, and the feature count.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/vemt.h"
#include "outputs/gpkg_table.h"
#include "tests/test.h"

static char tmpdir[64];

static const char *const kept[] = {"alpha", "beta", "gamma"};

/* A sink of five fields: the geometry (points; wkbNone for a table). */
static void make_sink(vemt_sink *s, OGRwkbGeometryType geom) {
    memset(s, 0, sizeof *s);
    s->geom = geom;
    s->fields[0] = (vemt_sink_field){"n", OFTInteger64, OFSTNone};
    s->fields[1] = (vemt_sink_field){"copied", OFTString, OFSTNone};
    s->fields[2] = (vemt_sink_field){"kept", OFTString, OFSTNone};
    s->fields[3] = (vemt_sink_field){"at", OFTDateTime, OFSTNone};
    s->fields[4] = (vemt_sink_field){"x", OFTReal, OFSTNone};
    s->n_fields = 5;
}

/* Row i: every seventh row has no geometry, every fifth a null x. */
static vemt_status add_row(vemt_sink *s, long i, char *buf, size_t cap) {
    vemt_sink_begin(s);
    vemt_sink_int(s, 0, i * 3);
    snprintf(buf, cap, "row-%ld", i); /* the same buffer every row */
    vemt_sink_text(s, 1, buf);
    vemt_sink_text_kept(s, 2, kept[i % 3]);
    vemt_sink_datetime(s, 3, 2024, 1 + (int)(i % 12), 1 + (int)(i % 28),
                       (int)(i % 24), 0, 0, true);
    if (i % 5) vemt_sink_real(s, 4, (double)i / 8);
    if (s->geom != wkbNone && i % 7)
        vemt_sink_point(s, 400000.0 + (double)i, 500000.0 - (double)i);
    return vemt_sink_add(s);
}

/* Rows 0..n-1 by add_row. */
static vemt_status add_rows(vemt_sink *s, long n) {
    char buf[32];
    vemt_status st = VEMT_OK;
    for (long i = 0; i < n && !st; i++) st = add_row(s, i, buf, sizeof buf);
    return st;
}

/* One row whose copied text is empty. */
static vemt_status add_empty_text(vemt_sink *s, long n) {
    (void)n;
    vemt_sink_begin(s);
    vemt_sink_text(s, 1, "");
    return vemt_sink_add(s);
}

/* A new GeoPackage at path with table name of make_sink()'s fields, its
 * rows written by rows(s, n). */
static void write_table(test_state *t_, const char *path, const char *name,
                        OGRwkbGeometryType geom,
                        vemt_status (*rows)(vemt_sink *, long), long n) {
    vemt_ctx *ctx = NULL;
    CHECK_INT_EQ(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_gpkg g;
    CHECK_INT_EQ(vemt_gpkg_create(ctx, path, "EPSG:27700", true, &g), VEMT_OK);
    vemt_sink s;
    make_sink(&s, geom);
    vemt_status st = vemt_gpkg_table_begin(ctx, &g, name, "rows", 0, &s);
    if (!st) st = rows(&s, n);
    st = vemt_gpkg_table_end(ctx, &s, st);
    CHECK_INT_EQ(st, VEMT_OK);
    int err_no;
    CHECK_INT_EQ(vemt_gpkg_close(ctx, &g, st, &err_no), VEMT_OK);
    vemt_ctx_destroy(ctx);
}

/* Write a table of n rows, then read every row back and check it. */
static void round_trip(test_state *t_, long n, OGRwkbGeometryType geom) {
    char path[128], name[32];
    snprintf(path, sizeof path, "%s/rows-%ld-%d.gpkg", tmpdir, n, (int)geom);
    snprintf(name, sizeof name, "t%ld", n);
    write_table(t_, path, name, geom, add_rows, n);

    sqlite3 *db = NULL;
    CHECK_INT_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT fid, n, copied, kept, at, x, %s FROM \"%s\" ORDER BY fid",
             geom != wkbNone ? "geom" : "NULL", name);
    sqlite3_stmt *q = NULL;
    CHECK_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    long i = 0, located = 0;
    for (; sqlite3_step(q) == SQLITE_ROW; i++) {
        char want[40];
        CHECK_INT_EQ(sqlite3_column_int64(q, 0), i + 1);
        CHECK_INT_EQ(sqlite3_column_int64(q, 1), i * 3);
        snprintf(want, sizeof want, "row-%ld", i);
        CHECK_STR_EQ((const char *)sqlite3_column_text(q, 2), want);
        CHECK_STR_EQ((const char *)sqlite3_column_text(q, 3), kept[i % 3]);
        snprintf(want, sizeof want, "2024-%02ld-%02ldT%02ld:00:00.000Z",
                 1 + i % 12, 1 + i % 28, i % 24);
        CHECK_STR_EQ((const char *)sqlite3_column_text(q, 4), want);
        if (i % 5)
            CHECK(sqlite3_column_double(q, 5) == (double)i / 8);
        else
            CHECK_INT_EQ(sqlite3_column_type(q, 5), SQLITE_NULL);
        if (geom == wkbNone) continue;
        if (i % 7 == 0) {
            CHECK_INT_EQ(sqlite3_column_type(q, 6), SQLITE_NULL);
            continue;
        }
        located++;
        const unsigned char *b = sqlite3_column_blob(q, 6);
        CHECK_INT_EQ(sqlite3_column_bytes(q, 6), 29);
        double x, y;
        memcpy(&x, b + 13, 8);
        memcpy(&y, b + 21, 8);
        CHECK(x == 400000.0 + (double)i && y == 500000.0 - (double)i);
    }
    CHECK_INT_EQ(i, n);
    sqlite3_finalize(q);
    snprintf(sql, sizeof sql,
             "SELECT feature_count FROM gpkg_ogr_contents WHERE "
             "table_name = '%s'",
             name);
    CHECK_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    CHECK_INT_EQ(sqlite3_step(q), SQLITE_ROW);
    CHECK_INT_EQ(sqlite3_column_int64(q, 0), n);
    sqlite3_finalize(q);
    if (geom != wkbNone) {
        /* Each located row's entry, at its own point (float32 outward). */
        snprintf(sql, sizeof sql,
                 "SELECT count(*), sum(r.id = t.fid AND r.minx <= 400000.0 + "
                 "t.n / 3 AND r.maxx >= 400000.0 + t.n / 3 AND r.miny <= "
                 "500000.0 - t.n / 3 AND r.maxy >= 500000.0 - t.n / 3 AND "
                 "r.maxx - r.minx < 0.1) FROM \"rtree_%s_geom\" r JOIN "
                 "\"%s\" t ON t.fid = r.id",
                 name, name);
        CHECK_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
        CHECK_INT_EQ(sqlite3_step(q), SQLITE_ROW);
        CHECK_INT_EQ(sqlite3_column_int64(q, 0), located);
        CHECK_INT_EQ(sqlite3_column_int64(q, 1), located);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
}

/* Around one and two batches, and a table of none. */
TEST(rows_around_batches) {
    const long n[] = {0,
                      1,
                      VEMT_GPKG_BATCH - 1,
                      VEMT_GPKG_BATCH,
                      VEMT_GPKG_BATCH + 1,
                      2 * VEMT_GPKG_BATCH,
                      2 * VEMT_GPKG_BATCH + 7,
                      1000};
    for (size_t k = 0; k < sizeof n / sizeof *n; k++)
        round_trip(t_, n[k], wkbPoint);
}

/* A table without geometry numbers its rows the same way. */
TEST(attribute_rows) { round_trip(t_, VEMT_GPKG_BATCH + 3, wkbNone); }

/* An empty text is '' (not null), also as a table's first bytes. */
TEST(empty_text_first) {
    char path[128];
    snprintf(path, sizeof path, "%s/empty.gpkg", tmpdir);
    write_table(t_, path, "e", wkbNone, add_empty_text, 1);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    CHECK_INT_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK);
    CHECK_INT_EQ(
        sqlite3_prepare_v2(db, "SELECT typeof(copied) FROM e", -1, &q, NULL),
        SQLITE_OK);
    CHECK_INT_EQ(sqlite3_step(q), SQLITE_ROW);
    CHECK_STR_EQ((const char *)sqlite3_column_text(q, 0), "text");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

TEST_SUITE(gpkg_rows) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-gpkg-rows-XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL);
    RUN(rows_around_batches);
    RUN(attribute_rows);
    RUN(empty_text_first);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
}
