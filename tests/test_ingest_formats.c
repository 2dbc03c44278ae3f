/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_ingest_formats.c
 * @brief Ingest of real police.uk exports, spreadsheets, GIS files, CRSs,
 * postcodes, time edges, duplicates, filters and job-file columns.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/test.h"

static char tmpdir[64];

typedef struct loaded {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_postcodes *postcodes;
    vemt_filter *filter;
    vemt_tz *zone;
    vemt_ingest_opts opts;
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_status st;
} loaded;

static void begin(loaded *l) {
    memset(l, 0, sizeof *l);
    vemt_key_origin o;
    vemt_ctx_create(1, &l->ctx);
    vemt_pseudo_create(l->ctx, NULL, "test key", &l->pseudo, &o);
    l->opts.pseudo = l->pseudo;
    vemt_tz_load(l->ctx, VEMT_TZ_DEFAULT, &l->zone); /* as a run's default */
    l->opts.zone = l->zone;
}

static vemt_status read_file(loaded *l, const char *path, vemt_source_kind k,
                             int index) {
    memset(&l->src, 0, sizeof l->src);
    l->src.path = path;
    l->src.kind = k;
    return l->st = vemt_ingest_file(l->ctx, &l->opts, &l->src, index,
                                    &l->events, &l->rejects, &l->merges);
}

static void end(loaded *l) {
    vemt_events_clear(&l->events);
    vemt_rejects_clear(&l->rejects);
    vemt_merges_clear(&l->merges);
    vemt_filter_destroy(l->filter);
    vemt_postcodes_destroy(l->postcodes);
    vemt_tz_destroy(l->zone);
    vemt_pseudo_destroy(l->pseudo);
    vemt_ctx_destroy(l->ctx);
}

/* Write text to a file in the test's folder; returns its path (static). */
static const char *write_tmp(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* Read a one-file text input. */
static vemt_status read_text(loaded *l, const char *text) {
    begin(l);
    return read_file(l, write_tmp("in.csv", text), VEMT_SOURCE_INCIDENTS, 0);
}

TEST(policeuk_real_exports) {
    static const struct {
        const char *file;
        long rows, nowhere;
        const char *schema;
        vemt_precision prec;
    } cases[] = {
        {"2016-11-cleveland-stop-and-search.csv", 53, 6,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"2016-12-cleveland-stop-and-search.csv", 74, 16,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"2017-01-cleveland-stop-and-search.csv", 72, 18,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"2017-02-cleveland-stop-and-search.csv", 68, 9,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"2017-03-cleveland-stop-and-search.csv", 69, 25,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"2017-04-cleveland-stop-and-search.csv", 65, 16,
         "police.uk stop and search", VEMT_PREC_SECOND},
        {"nottingham_burglary.csv.gz", 1795, 0, "incidents", VEMT_PREC_MONTH},
        {"merseyside_shoplifting_r_export_head300.csv", 300, 0,
         "police.uk street-level crime", VEMT_PREC_MONTH},
        {"merseyside_shoplifting_policeuk_head300.csv", 300, 0,
         "police.uk street-level crime", VEMT_PREC_MONTH},
        {"lancashire_asb_head300.tab", 300, 0, "incidents", VEMT_PREC_MONTH},
        {"policeuk_street_with_gaps.csv", 40, 5, "police.uk street-level crime",
         VEMT_PREC_MONTH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l;
        char path[512];
        begin(&l);
        snprintf(path, sizeof path, "%s/policeuk/%s", VEMT_FIXTURES,
                 cases[i].file);
        CHECK_INT_EQ(read_file(&l, path, VEMT_SOURCE_INCIDENTS, 0), VEMT_OK);
        CHECK_INT_EQ(l.src.n_read, cases[i].rows);
        CHECK_INT_EQ(l.src.n_rejected, 0);
        CHECK_INT_EQ(l.src.n_nowhere, cases[i].nowhere);
        CHECK_INT_EQ(l.src.n_merged, 0); /* blank ASB ids are never merged */
        CHECK(vemt_source_reconciles(&l.src));
        CHECK_STR_EQ(l.src.schema, cases[i].schema);
        CHECK_INT_EQ(l.events.n, (size_t)cases[i].rows);
        if (l.events.n)
            CHECK_INT_EQ(l.events.items[0].precision, cases[i].prec);
        /* The operation PROJ used, once it has transformed: the OSTN15
         * grid or, without it, the Helmert fallback (never "unavailable"). */
        if (strstr(cases[i].schema, "police.uk"))
            CHECK(strstr(l.src.pipeline, "OSTN15") ||
                  strstr(l.src.pipeline, "helmert"));
        end(&l);
    }
}

TEST(police_month_is_whole_month) {
    loaded l;
    char path[512];
    begin(&l);
    snprintf(path, sizeof path, "%s/policeuk/policeuk_street_with_gaps.csv",
             VEMT_FIXTURES);
    read_file(&l, path, VEMT_SOURCE_INCIDENTS, 0);
    const vemt_event *ev = &l.events.items[0];
    /* 2019-05 in Europe/London: 2019-04-30T23:00Z to 2019-05-31T22:59:59Z */
    CHECK_INT_EQ(ev->start_utc,
                 vemt_days_from_civil(2019, 4, 30) * 86400 + 82800);
    CHECK_INT_EQ(ev->end_utc,
                 vemt_days_from_civil(2019, 5, 31) * 86400 + 82799);
    CHECK_STR_EQ(vemt_events_text(&l.events, ev->lsoa), "E01006493");
    CHECK_STR_EQ(vemt_events_text(&l.events, l.events.items[9].ref), "");
    CHECK_STR_EQ(vemt_events_text(&l.events, l.events.items[9].category),
                 "Anti-social behaviour");
    CHECK(!l.events.items[7].located);
    end(&l);
}

TEST(coordinates) {
    /* Bad coordinates (swapped, out of range, not numbers) are classes of
     * tests/test_ingest.c; here the transformation of a good point. */
    loaded l;
    read_text(&l,
              "id,date,longitude,latitude\n"
              "A,2024-01-01,-1.0667,54.6167\n");
    CHECK_INT_EQ(l.rejects.n, 0);
    CHECK_INT_EQ(l.src.n_used, 1);
    CHECK(vemt_source_reconciles(&l.src));
    CHECK_STR_EQ(l.src.crs, "EPSG:4326");
    /* Independent reference, computed by hand with the Ordnance Survey's
     * "A guide to coordinate systems in Great Britain" (2020): the 7-
     * parameter Helmert WGS 84 -> OSGB36 (section 6.6) and the transverse
     * Mercator formulas of Annex C on the Airy 1830 ellipsoid. PROJ uses
     * the same Helmert when the OSTN15 grid is not installed, so they agree
     * to centimetres; OSTN15 would move the point by up to ~2 m. */
    CHECK_NEAR(l.events.items[0].x, 460368.43, 0.5);
    CHECK_NEAR(l.events.items[0].y, 525016.41, 0.5);
    end(&l);
}

TEST(postcodes) {
    loaded l;
    char lookup[512];
    begin(&l);
    snprintf(lookup, sizeof lookup, "%s/demo/postcodes.csv", VEMT_FIXTURES);
    CHECK_INT_EQ(vemt_postcodes_load(l.ctx, lookup, NULL, &l.postcodes),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_postcodes_count(l.postcodes), 40);
    l.opts.postcodes = l.postcodes;
    read_file(&l,
              write_tmp("pc.csv",
                        "id,date,easting,northing,postcode\n"
                        "A,2024-01-01,,,zz11aa\n"
                        "B,2024-01-01,,,ZZ9 9ZZ\n"
                        "C,2024-01-01,,,QQ1 1QQ\n"
                        "D,2024-01-01,461000,520000,ZZ11AA\n"
                        "E,2024-01-01,,,\n"),
              VEMT_SOURCE_INCIDENTS, 0);
    CHECK_INT_EQ(l.src.n_used, 2);
    CHECK_INT_EQ(l.src.n_nowhere, 1);
    CHECK_INT_EQ(l.src.n_rejected, 2); /* terminated and unknown */
    CHECK_NEAR(l.events.items[0].x, 460300, 0);
    CHECK_NEAR(l.events.items[1].x, 461000, 0); /* coordinates win */
    CHECK_INT_EQ(l.src.n_read, 5);
    CHECK(vemt_source_reconciles(&l.src));
    CHECK_STR_EQ(l.rejects.items[0].err.msg, "unknown postcode: \"ZZ9 9ZZ\"");
    CHECK_STR_EQ(l.rejects.items[0].err.field, "postcode");
    CHECK_INT_EQ(l.rejects.items[0].err.row, 3);
    CHECK_INT_EQ(l.rejects.items[0].err.column, 5);
    end(&l);
}

TEST(times) {
    /* Bad times (impossible, in the spring gap, ends before it starts) are
     * classes of tests/test_ingest.c; here what good ones become. */
    loaded l;
    read_text(&l, "id,date,x,y\nA,27/10/2024 01:30,461000,520000\n");
    CHECK(l.events.n == 1 && l.events.items[0].time_ambiguous);
    /* The earlier of the two 01:30s: 00:30 UTC, still summer time. */
    if (l.events.n == 1)
        CHECK_INT_EQ(l.events.items[0].start_utc,
                     vemt_days_from_civil(2024, 10, 27) * 86400 + 1800);
    CHECK(vemt_source_reconciles(&l.src) && l.src.n_used == 1);
    end(&l);
    read_text(&l,
              "id,from,to,x,y\nA,2024-05-01 22:00,2024-05-02 06:00,"
              "461000,520000\n");
    CHECK_INT_EQ(l.events.items[0].end_utc - l.events.items[0].start_utc,
                 8 * 3600);
    end(&l);
    begin(&l);
    l.opts.month_first = true;
    read_file(&l,
              write_tmp("mdy.csv",
                        "id,date,x,y\nA,02/13/2024,461000,"
                        "520000\n"),
              VEMT_SOURCE_INCIDENTS, 0);
    CHECK_INT_EQ(l.src.n_used, 1);
    CHECK(vemt_source_reconciles(&l.src));
    end(&l);
}

TEST(duplicates_and_merges) {
    loaded l;
    begin(&l);
    read_file(&l,
              write_tmp("d1.csv",
                        "id,date,x,y,subject_id\n"
                        "A,2024-01-01T10:00Z,461000,520000,C1\n"
                        "A,2024-01-01T10:00Z,461000,520000,C1\n"
                        "A,2024-01-02T10:00Z,461000,520000,C1\n"
                        "B,2024-01-03T10:00Z,462000,520000,C2\n"),
              VEMT_SOURCE_INCIDENTS, 0);
    CHECK_INT_EQ(l.src.n_used, 2);
    CHECK_INT_EQ(l.src.n_merged, 1);
    CHECK_INT_EQ(l.src.n_rejected, 1);
    CHECK(vemt_source_reconciles(&l.src));
    CHECK_STR_EQ(l.rejects.items[0].err.msg,
                 "id already used at row 2 with different content: \"A\"");
    CHECK_INT_EQ(l.rejects.items[0].err.row, 4);
    CHECK_INT_EQ(l.rejects.items[0].err.column, 1);
    CHECK_INT_EQ(l.merges.n, 1);
    CHECK_INT_EQ(l.merges.items[0].kept_row, 2);
    CHECK_INT_EQ(l.merges.items[0].merged_row, 3);
    vemt_source first = l.src;
    /* Another agency's export of B (same subject, 20 m and 10 min away). */
    read_file(&l,
              write_tmp("d2.csv",
                        "ref,date,x,y,child_id\n"
                        "X9,2024-01-03T10:10Z,462020,520000,C2\n"
                        "X10,2024-01-03T10:10Z,462020,520000,C3\n"),
              VEMT_SOURCE_INCIDENTS, 1);
    vemt_source both[2] = {first, l.src};
    size_t merged = 0;
    CHECK_STATUS(
        vemt_ingest_merge_across(&l.events, both, &l.merges, 50, 3600, &merged),
        VEMT_OK);
    CHECK_INT_EQ(merged, 1);
    CHECK_INT_EQ(both[1].n_merged, 1);
    CHECK_INT_EQ(both[1].n_used, 1);
    CHECK(vemt_source_reconciles(&both[1]));
    CHECK_INT_EQ(l.events.n, 3);
    CHECK_NEAR(l.merges.items[1].distance_m, 20, 1e-9);
    CHECK_NEAR(l.merges.items[1].seconds, 600, 0);
    end(&l);
}

TEST(category_filters) {
    loaded l;
    const char *text =
        "id,date,x,y,category\n"
        "1,2024-01-01,461000,520000,child-sexual-exploitation\n"
        "2,2024-01-01,461000,520000,drugs\n"
        "3,2024-01-01,461000,520000,sexual-offence\n"
        "4,2024-01-01,461000,520000,violence\n";
    begin(&l);
    CHECK_INT_EQ(
        vemt_filter_create(l.ctx, "/sexual/", "sexual-offence", &l.filter),
        VEMT_OK);
    l.opts.filter = l.filter;
    read_file(&l, write_tmp("f.csv", text), VEMT_SOURCE_INCIDENTS, 0);
    CHECK_INT_EQ(l.src.n_used, 1);
    CHECK_INT_EQ(l.src.n_excluded, 3);
    CHECK_STR_EQ(vemt_events_text(&l.events, l.events.items[0].category),
                 "child-sexual-exploitation");
    vemt_filter *bad;
    CHECK_INT_EQ(vemt_filter_create(l.ctx, "/([/", NULL, &bad), VEMT_E_ARG);
    end(&l);
}

TEST(job_file_columns) {
    loaded l;
    begin(&l);
    vemt_column_map m = {{"occurred_at", "easting", "northing", "id"},
                         {"When Reported", "E", "N", "Ref"},
                         4};
    l.opts.columns = &m;
    read_file(&l,
              write_tmp("j.csv",
                        "Ref,When Reported,E,N\n"
                        "A,2024-01-01,461000,520000\n"),
              VEMT_SOURCE_INCIDENTS, 0);
    CHECK_INT_EQ(l.src.n_used, 1);
    CHECK(strstr(l.src.columns, "occurred_at='When Reported'") != NULL);
    vemt_column_map bad = {{"easting"}, {"Nope"}, 1};
    l.opts.columns = &bad;
    CHECK_INT_EQ(read_file(&l, write_tmp("j.csv", "id,date,x,y\n"),
                           VEMT_SOURCE_INCIDENTS, 0),
                 VEMT_E_ARG);
    end(&l);
}

/* Write a spreadsheet or GIS file with GDAL: id, when (a DateTime, or the
 * serial number given when not 0), category, and points in EPSG:4326 or
 * x/y fields. */
static const char *write_ogr(const char *driver, const char *name,
                             double serial, bool points) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName(driver), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs, 4326);
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "incidents", points ? wgs : NULL,
                                           points ? wkbPoint : wkbNone, NULL);
    OSRRelease(wgs);
    const char *names[] = {"id", "occurred_at", "category", "easting",
                           "northing"};
    OGRFieldType types[] = {OFTString, serial != 0 ? OFTReal : OFTDateTime,
                            OFTString, OFTReal, OFTReal};
    for (int i = 0; i < (points ? 3 : 5); i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        OGR_L_CreateField(lyr, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    OGR_F_SetFieldString(f, 0, "S1");
    if (serial != 0)
        OGR_F_SetFieldDouble(f, 1, serial);
    else
        OGR_F_SetFieldDateTimeEx(f, 1, 2024, 4, 1, 18, 0, 0, 100);
    OGR_F_SetFieldString(f, 2, "drugs");
    if (points) {
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, -1.0667, 54.6167);
        OGR_F_SetGeometryDirectly(f, g);
    } else {
        OGR_F_SetFieldDouble(f, 3, 461000);
        OGR_F_SetFieldDouble(f, 4, 520000);
    }
    if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE) path[0] = 0;
    OGR_F_Destroy(f);
    GDALClose(ds);
    return path;
}

TEST(spreadsheets_and_gis_files) {
    /* 2024-04-01 18:00 BST = 17:00 UTC. */
    int64_t want = vemt_days_from_civil(2024, 4, 1) * 86400 + 17 * 3600;
    const struct {
        const char *driver, *name;
        double serial; /* 45383.75: 2024-04-01 18:00 */
        bool points;
        int64_t start;
    } cases[] = {
        {"XLSX", "s.xlsx", 45383.75, false, want},
        {"ODS", "s.ods", 45383.75, false, want},
        /* XLSX keeps no time zone: 18:00 reads back as London time. */
        {"XLSX", "d.xlsx", 0, false, want},
        /* GeoPackage and GeoJSON keep the UTC written: 18:00Z. */
        {"GPKG", "p.gpkg", 0, true, want + 3600},
        {"GeoJSON", "p.geojson", 0, true, want + 3600},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l;
        begin(&l);
        const char *p = write_ogr(cases[i].driver, cases[i].name,
                                  cases[i].serial, cases[i].points);
        CHECK_INT_EQ(read_file(&l, p, VEMT_SOURCE_INCIDENTS, 0), VEMT_OK);
        CHECK_INT_EQ(l.src.n_used, 1);
        CHECK(vemt_source_reconciles(&l.src));
        CHECK_STR_EQ(l.src.format, cases[i].driver);
        if (l.events.n) {
            CHECK_INT_EQ(l.events.items[0].start_utc, cases[i].start);
            if (cases[i].points)
                CHECK_NEAR(l.events.items[0].x, 460368.43, 0.5);
        }
        end(&l);
    }
}

/* Excel serial dates that are not times vemt can use: before 1900-03-01
 * (where Excel's fictitious 29 February makes them ambiguous), past 2119,
 * and 2024-03-31 01:30, a London time that never happened. */
TEST(bad_serial_dates) {
    const struct {
        double serial;
        const char *msg;
    } cases[] = {
        {30, "not a date: \"30\""},
        {90000, "not a date: \"90000\""},
        {45382.0625,
         "local time does not exist (clocks went forward): \"45382.0625\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l;
        begin(&l);
        const char *p = write_ogr("XLSX", "bad.xlsx", cases[i].serial, false);
        CHECK_INT_EQ(read_file(&l, p, VEMT_SOURCE_INCIDENTS, 0), VEMT_OK);
        CHECK(vemt_source_reconciles(&l.src));
        CHECK_INT_EQ(l.src.n_read, 1);
        CHECK_INT_EQ(l.src.n_rejected, 1);
        CHECK_INT_EQ(l.rejects.n, 1);
        if (l.rejects.n == 1) {
            const vemt_error *e = &l.rejects.items[0].err;
            CHECK_STR_EQ(vemt_status_str(e->code),
                         vemt_status_str(VEMT_E_DATE));
            CHECK_STR_EQ(e->msg, cases[i].msg);
            CHECK_INT_EQ(e->row, 2);
            CHECK_INT_EQ(e->column, 2);
            CHECK_STR_EQ(e->field, "occurred_at");
        }
        end(&l);
    }
}

TEST_SUITE(ingest_formats) {
    strcpy(tmpdir, "/tmp/vemt-test-formats-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(policeuk_real_exports);
    RUN(police_month_is_whole_month);
    RUN(coordinates);
    RUN(postcodes);
    RUN(times);
    RUN(duplicates_and_merges);
    RUN(category_filters);
    RUN(job_file_columns);
    RUN(spreadsheets_and_gis_files);
    RUN(bad_serial_dates);
    GDALDestroy();
    proj_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
