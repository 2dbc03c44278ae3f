/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_inputs_hardening.c
 * @brief End to end: inputs are never read wrongly without a word (issue
 * 16, findings 10 and 11). A truncated or corrupt .csv.gz, or plain text
 * named .gz, is an error naming the file and the rows read before the
 * damage; duplicate or same-folded header names are an error naming the
 * columns; line, polygon and multipoint events from a GIS file are
 * rejected with their type unless --centroids; a job file's duplicate key
 * or text after a NUL is an error naming the key and line; devices and
 * FIFOs are refused; a cube that would not fit stops with exit 2 saying
 * what to change; a boundary at 1e308 or without area, and an empty
 * GeoJSON, say so naming the file; a 1950 date reads to its time.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pipeline/memory.h"
#include "tests/ogrutil.h"
#include "tests/provutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static void write_file(const char *name, const char *text) {
    test_write_file(tmpdir, name, text);
}

/* True when the run's stderr holds needle (and never "success"). */
static bool err_has(const char *needle) {
    char *e = test_slurp_in(tmpdir, "err.txt", NULL);
    bool ok = e && strstr(e, needle) && !strstr(e, "success");
    if (!ok) fprintf(stderr, "  stderr: %s\n", e ? e : "(none)");
    free(e);
    return ok;
}

static bool out_has(const char *needle) {
    char *o = test_slurp_in(tmpdir, "out.txt", NULL);
    bool ok = o && strstr(o, needle);
    if (!ok) fprintf(stderr, "  stdout: %s\n", o ? o : "(none)");
    free(o);
    return ok;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

/* 30,000 incidents as CSV text (caller frees). */
static char *big_csv(size_t *len) {
    size_t cap = 30000 * 64 + 64, n = 0;
    char *t = malloc(cap);
    if (!t) return NULL;
    n += (size_t)snprintf(t, cap, "id,occurred_at,easting,northing,category\n");
    for (int i = 0; i < 30000; i++)
        n += (size_t)snprintf(
            t + n, cap - n, "I%05d,2024-%02d-%02dT10:00:00Z,%d,%d,drugs\n", i,
            1 + i % 12, 1 + i % 28, 460000 + i % 997, 520000 + i % 991);
    *len = n;
    return t;
}

/* Write bytes to a file of the test's folder. */
static void write_bytes(const char *name, const void *data, size_t n) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

/* gzip of text (zlib's gzip wrapper), into *out (caller frees). */
static size_t gzip_of(const char *text, size_t n, unsigned char **out) {
    z_stream z;
    memset(&z, 0, sizeof z);
    size_t cap = compressBound((uLong)n) + 64;
    *out = malloc(cap);
    if (!*out ||
        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = (uInt)n;
    z.next_out = *out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t got = z.total_out;
    deflateEnd(&z);
    return got;
}

/* Whole data rows (lines after the header) zlib gives back from the first
 * k bytes of the gzip data: the count the error must name, found
 * independently of vemt (inflate without the end check). */
static long rows_in_prefix(const unsigned char *gz, size_t k) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) return -1;
    unsigned char buf[65536];
    long lines = 0;
    z.next_in = (Bytef *)(uintptr_t)gz;
    z.avail_in = (uInt)k;
    int rc;
    do {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        for (size_t i = 0; i < sizeof buf - z.avail_out; i++)
            lines += buf[i] == '\n';
    } while (rc == Z_OK);
    inflateEnd(&z);
    return lines - 1; /* the header */
}

TEST(truncated_or_corrupt_gzip_is_an_error) {
    size_t n = 0;
    char *csv = big_csv(&n);
    unsigned char *gz = NULL;
    size_t g = csv ? gzip_of(csv, n, &gz) : 0;
    CHECK(g > 1000);
    if (g <= 1000) {
        free(csv), free(gz);
        return;
    }
    /* Whole: all 30,000 rows. */
    write_bytes("whole.csv.gz", gz, g);
    CHECK_INT_EQ(
        vemt("ingest --incidents whole.csv.gz --out whole.gpkg", NULL, 0), 0);
    CHECK(out_has("read 30000, used 30000"));
    /* Cut at half: exit 1, the file and the whole rows before the cut. */
    write_bytes("cut.csv.gz", gz, g / 2);
    long rows = rows_in_prefix(gz, g / 2);
    CHECK(rows > 1000 && rows < 29000);
    CHECK_INT_EQ(vemt("ingest --incidents cut.csv.gz --out cut.gpkg", NULL, 0),
                 1);
    char want[160];
    snprintf(want, sizeof want,
             "cut.csv.gz: the gzip data is truncated: it ends before the end "
             "of its compressed stream; %ld rows were read before it",
             rows);
    CHECK(err_has(want));
    CHECK(access("cut.gpkg", F_OK) != 0);
    /* The CRC-32 in the trailer (RFC 1952 2.3.1) changed: corrupt. */
    gz[g - 6] ^= 0xff;
    write_bytes("crc.csv.gz", gz, g);
    CHECK_INT_EQ(vemt("ingest --incidents crc.csv.gz --out crc.gpkg", NULL, 0),
                 1);
    CHECK(
        err_has("crc.csv.gz: the gzip data is corrupt (incorrect data "
                "check); 30000 rows were read before it"));
    /* Other bytes after the stream. */
    gz[g - 6] ^= 0xff;
    unsigned char *more = malloc(g + 5);
    if (more) {
        memcpy(more, gz, g);
        memcpy(more + g, "junk\n", 5);
        write_bytes("junk.csv.gz", more, g + 5);
        free(more);
    }
    CHECK_INT_EQ(vemt("ingest --incidents junk.csv.gz --out j.gpkg", NULL, 0),
                 1);
    CHECK(err_has("junk.csv.gz: 5 bytes that are not gzip follow"));
    /* Plain text named .gz. */
    write_bytes("fake.csv.gz", csv, n);
    CHECK_INT_EQ(vemt("ingest --incidents fake.csv.gz --out f.gpkg", NULL, 0),
                 1);
    CHECK(err_has("fake.csv.gz: not gzip: the name ends in .gz"));
    free(csv);
    free(gz);
}

static const char rows[] = "I1,2024-01-15T08:00:00Z,460000,520000,drugs\n";

/* Run an ingest of header + rows; the exit status. */
static int ingest_header(const char *header) {
    char text[512];
    snprintf(text, sizeof text, "%s\n%s", header, rows);
    write_file("h.csv", text);
    return vemt("ingest --incidents h.csv --out h.gpkg --force", NULL, 0);
}

TEST(duplicate_header_names_are_an_error) {
    /* Before: the first of two easting columns was used without a word. */
    CHECK_INT_EQ(ingest_header("id,occurred_at,easting,easting,category"), 1);
    CHECK(
        err_has("h.csv:1:4: column 'easting': columns 3 ('easting') and 4 "
                "('easting') have the same name: rename one"));
    CHECK_INT_EQ(ingest_header("id,id,easting,northing,category"), 1);
    CHECK(err_has("columns 1 ('id') and 2 ('id') have the same name"));
    /* Equal once folded as the matcher folds, and a role would use them. */
    CHECK_INT_EQ(
        ingest_header("id,occurred_at,Easting,east-ing,northing,category"), 1);
    CHECK(
        err_has("columns 3 ('Easting') and 4 ('east-ing') have the same "
                "name once case and punctuation are ignored, and either "
                "could be easting"));
    /* A name the job file gives for a role, with a namesake. */
    write_file("h.csv", "id,when,When,easting,northing\n");
    write_file("h.json",
               "{\"incidents\": [{\"path\": \"h.csv\", "
               "\"columns\": {\"occurred_at\": \"when\"}}]}");
    CHECK_INT_EQ(vemt("ingest --config h.json --out h.gpkg --force", NULL, 0),
                 1);
    CHECK(
        err_has("columns 2 ('when') and 3 ('When') have the same name once "
                "case and punctuation are ignored, and either could be "
                "occurred_at"));
    /* Folded namesakes no role uses are left alone. */
    CHECK_INT_EQ(ingest_header("id,occurred_at,easting,northing,notes,Notes"),
                 0);
}

/* A GeoJSON of six incidents in British National Grid: a point, a line,
 * a polygon, a multipoint of two, a multipoint of one, a null geometry. */
static const char shapes[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
    "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"P\",\"occurred_at\":"
    "\"2024-01-01T10:00:00Z\"},\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[460000,520000]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"L\",\"occurred_at\":"
    "\"2024-01-02T10:00:00Z\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[460000,520000],[460100,520000]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"occurred_at\":"
    "\"2024-01-03T10:00:00Z\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[460000,520000],[460100,520000],[460100,520100],"
    "[460000,520100],[460000,520000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"M\",\"occurred_at\":"
    "\"2024-01-04T10:00:00Z\"},\"geometry\":{\"type\":\"MultiPoint\","
    "\"coordinates\":[[460000,520000],[460200,520000]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"O\",\"occurred_at\":"
    "\"2024-01-05T10:00:00Z\"},\"geometry\":{\"type\":\"MultiPoint\","
    "\"coordinates\":[[460300,520300]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"N\",\"occurred_at\":"
    "\"2024-01-06T10:00:00Z\"},\"geometry\":null}]}";

TEST(non_point_events_are_rejected_with_their_type) {
    write_file("shapes.geojson", shapes);
    CHECK_INT_EQ(
        vemt("ingest --incidents shapes.geojson --out s.gpkg", NULL, 0), 0);
    /* Before: all but the point became "located nowhere". */
    CHECK(
        out_has("read 6, used 2, located nowhere 1, merged 0, excluded 0, "
                "rejected 3"));
    GDALDatasetH ds = open_out("s.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char v[256];
    test_query_text(ds, "SELECT reason FROM rejects WHERE source_row = 3", v,
                    sizeof v);
    CHECK(strstr(v, "geometry is a LineString, not a point") != NULL);
    test_query_text(ds, "SELECT reason FROM rejects WHERE source_row = 4", v,
                    sizeof v);
    CHECK(strstr(v, "geometry is a Polygon, not a point") != NULL);
    test_query_text(ds, "SELECT reason FROM rejects WHERE source_row = 5", v,
                    sizeof v);
    CHECK(strstr(v, "geometry is a MultiPoint of several points") != NULL);
    /* The multipoint of one point is that point. */
    test_query_text(ds, "SELECT ST_MinX(geom) FROM events WHERE source_row = 6",
                    v, sizeof v);
    CHECK_NEAR(atof(v), 460300, 1e-6);
    GDALClose(ds);
    /* --centroids: all located, said in the summary and the provenance. */
    CHECK_INT_EQ(vemt("ingest --incidents shapes.geojson --centroids --out "
                      "c.gpkg",
                      NULL, 0),
                 0);
    CHECK(
        out_has("read 6, used 5, located nowhere 1, merged 0, excluded 0, "
                "rejected 0"));
    CHECK(
        out_has("3 line, polygon or multipoint geometries located at their "
                "centroid (--centroids)"));
    ds = open_out("c.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    /* The centroids: the line's midpoint, the square's centre, the two
     * points' mean. */
    test_query_text(ds, "SELECT ST_MinX(geom) FROM events WHERE source_row = 3",
                    v, sizeof v);
    CHECK_NEAR(atof(v), 460050, 1e-6);
    test_query_text(ds, "SELECT ST_MinY(geom) FROM events WHERE source_row = 4",
                    v, sizeof v);
    CHECK_NEAR(atof(v), 520050, 1e-6);
    test_query_text(ds, "SELECT ST_MinX(geom) FROM events WHERE source_row = 5",
                    v, sizeof v);
    CHECK_NEAR(atof(v), 460100, 1e-6);
    GDALClose(ds);
    char path[256];
    snprintf(path, sizeof path, "%s/c.gpkg", tmpdir);
    json_object *prov = test_provenance(path);
    const char *text = prov ? json_object_to_json_string(prov) : "";
    CHECK(strstr(text, "\"centroids\"") != NULL);
    CHECK(strstr(text, "located at their centroid") != NULL);
    json_object_put(prov);
}

TEST(job_file_duplicate_keys_and_trailing_text) {
    write_file("dup.json",
               "{\"demo\": true,\n \"cell_size\": 500,\n"
               " \"cell-size\": 600}\n");
    CHECK_INT_EQ(vemt("run --config dup.json --out d.gpkg", NULL, 0), 2);
    CHECK(
        err_has("dup.json:3: job file: \"cell-size\": given twice in one "
                "object, as \"cell_size\" at line 2 and \"cell-size\" at line "
                "3: keep one"));
    /* The same key twice (json-c keeps the last without a word). */
    write_file("dup2.json",
               "{\"demo\": true,\n \"permutations\": 99,\n"
               " \"permutations\": 999}\n");
    CHECK_INT_EQ(vemt("run --config dup2.json --out d.gpkg", NULL, 0), 2);
    CHECK(err_has("\"permutations\": given twice in one object"));
    /* Inside an input's settings too. */
    write_file("dup3.json",
               "{\"incidents\": [{\"path\": \"a.csv\",\n \"crs\": "
               "\"EPSG:27700\", \"crs\": \"EPSG:4326\"}]}\n");
    CHECK_INT_EQ(vemt("run --config dup3.json --out d.gpkg", NULL, 0), 2);
    CHECK(err_has("\"crs\": given twice in one object"));
    /* Text after a NUL byte, and plain trailing text. */
    write_bytes("nul.json", "{\"demo\": true}\n\0{\"cell_size\": 1}", 32);
    CHECK_INT_EQ(vemt("run --config nul.json --out d.gpkg", NULL, 0), 2);
    CHECK(
        err_has("nul.json:2:1: job file: a NUL byte after the end of the "
                "JSON object"));
    write_file("tail.json", "{\"demo\": true} x");
    CHECK_INT_EQ(vemt("run --config tail.json --out d.gpkg", NULL, 0), 2);
    CHECK(
        err_has("tail.json:1:16: job file: text after the end of the JSON "
                "object"));
}

TEST(devices_and_fifos_are_refused) {
    /* Before: --incidents /dev/zero never ended. */
    CHECK_INT_EQ(vemt("ingest --incidents /dev/zero --out z.gpkg", NULL, 0), 1);
    CHECK(
        err_has("/dev/zero: is a character device: vemt reads regular "
                "files, - (standard input)"));
    char args[512];
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --boundary /dev/urandom "
             "--out z.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    CHECK(err_has("/dev/urandom: is a character device"));
    char fifo[256];
    snprintf(fifo, sizeof fifo, "%s/pipe.csv", tmpdir);
    CHECK_INT_EQ(mkfifo(fifo, 0600), 0);
    CHECK_INT_EQ(vemt("ingest --incidents pipe.csv --out p.gpkg", NULL, 0), 1);
    CHECK(err_has("pipe.csv: is a FIFO (named pipe)"));
    CHECK_INT_EQ(vemt("run --config /dev/zero --out p.gpkg", NULL, 0), 2);
    CHECK(err_has("/dev/zero: job file: not a regular file"));
    /* - is standard input (a pipe here), read as CSV. */
    write_file("in.csv",
               "id,occurred_at,easting,northing,category\n"
               "I1,2024-01-15T08:00:00Z,460000,520000,drugs\n");
    CHECK_INT_EQ(vemt("ingest --incidents - --out s.gpkg < in.csv", NULL, 0),
                 0);
    CHECK(out_has("read 1, used 1"));
}

TEST(memory_estimate_stops_before_the_cube) {
    uint64_t b = 0;
    CHECK(vemt_memory_parse_size("512M", &b));
    CHECK(b == 512ull << 20);
    CHECK(vemt_memory_parse_size("4G", &b));
    CHECK(b == 4ull << 30);
    CHECK(vemt_memory_parse_size("1.5GiB", &b));
    CHECK(b == 3ull << 29);
    CHECK(vemt_memory_parse_size("1000000", &b));
    CHECK(b == 1000000);
    CHECK(!vemt_memory_parse_size("0", &b));
    CHECK(!vemt_memory_parse_size("-1G", &b));
    CHECK(!vemt_memory_parse_size("4X", &b));
    CHECK(!vemt_memory_parse_size("G", &b));
    CHECK(!vemt_memory_parse_size("1.5", &b));
    /* 2,916 units of 300 m (given: the automatic size is 400 m on the
     * demo) x 73,417 days: 57 bytes a bin of analysis arrays alone
     * is 12.2 GB; with the writer's share, about 55 GB. On a machine
     * where 80 % of memory is more, the test names a limit itself. */
    const char *cap =
        vemt_memory_default_limit() > (40ull << 30) ? " --max-memory 40G" : "";
    char args[256];
    snprintf(args, sizeof args,
             "run --demo --time-start 1900-01-01 --time-end 2100-12-31 "
             "--time-step day --cell-size 300 --out m.gpkg%s",
             cap);
    /* Before: it grew to 24 GB and was killed by the kernel. */
    CHECK_INT_EQ(vemt(args, NULL, 0), 2);
    CHECK(
        err_has("vemt: the space-time cube (2916 units x 73417 steps) "
                "needs about "));
    CHECK(
        err_has("use a longer --time-step, a shorter "
                "--time-start/--time-end, a larger --cell-size or raise "
                "--max-memory"));
    CHECK(access("m.gpkg", F_OK) != 0);
    /* Few units over many steps: the bins' arrays fit 8 GB (about 6 GB),
     * but Sen's slope sorts the slopes of all pairs of one unit's 73,417
     * steps, 21.6 GB, which the estimate counts too. */
    CHECK_INT_EQ(vemt("run --demo --time-start 1900-01-01 --time-end "
                      "2100-12-31 --time-step day --cell-size 900 "
                      "--max-memory 8G --out m.gpkg",
                      NULL, 0),
                 2);
    CHECK(err_has("(358 units x 73417 steps) needs about 26."));
    CHECK(access("m.gpkg", F_OK) != 0);
    /* A small limit stops the demo itself, before its grid. */
    CHECK_INT_EQ(vemt("run --demo --max-memory 1M --out m.gpkg", NULL, 0), 2);
    CHECK(err_has("vemt: a grid of "));
    CHECK(
        err_has("over the 1.0 MB limit (--max-memory): use a larger "
                "--cell-size or raise --max-memory"));
    CHECK_INT_EQ(vemt("run --demo --max-memory lots --out m.gpkg", NULL, 0), 2);
    CHECK(err_has("--max-memory needs a size"));
    /* The limit is in the provenance's parameters. */
    CHECK_INT_EQ(vemt("run --demo --max-memory 16G --no-trends --clusters "
                      "none --no-kde --permutations 0 --out ok.gpkg --quiet",
                      NULL, 0),
                 0);
    char path[256];
    snprintf(path, sizeof path, "%s/ok.gpkg", tmpdir);
    json_object *prov = test_provenance(path);
    const char *text = prov ? json_object_to_json_string(prov) : "";
    CHECK(strstr(text, "max_memory_bytes") != NULL);
    CHECK(strstr(text, "17179869184") != NULL);
    json_object_put(prov);
}

/* A boundary GeoJSON in British National Grid with one ring. */
static void boundary(const char *name, const char *ring) {
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
             "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
             "\"features\":[{\"type\":\"Feature\",\"properties\":{},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[%s]]}}]}",
             ring);
    write_file(name, text);
}

TEST(messages_name_the_file_and_the_cause) {
    char demo[256];
    snprintf(demo, sizeof demo,
             "--incidents '%s/demo/incidents.csv' --no-trends --clusters "
             "none --no-kde --permutations 0 --out b.gpkg",
             VEMT_FIXTURES);
    char args[512];
    /* Before: "distance bands need a start > 0", no file named. */
    boundary("far.geojson",
             "[455000,510000],[1e308,510000],[475000,530000],"
             "[455000,530000],[455000,510000]");
    snprintf(args, sizeof args, "run --boundary far.geojson %s", demo);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    CHECK(
        err_has("far.geojson: a vertex lies outside any projected CRS in "
                "metres"));
    /* Before: exit 3 and "success" for a polygon with no area. */
    boundary("flat.geojson",
             "[455000,510000],[455000.0000001,510000],"
             "[455000.0000001,510000.0000001],[455000,510000]");
    snprintf(args, sizeof args, "run --boundary flat.geojson %s", demo);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    CHECK(err_has("flat.geojson: the study area has no area"));
    /* Before: "required column 'occurred_at' not found". */
    write_file("empty.geojson",
               "{\"type\":\"FeatureCollection\","
               "\"features\":[]}");
    CHECK_INT_EQ(vemt("ingest --incidents empty.geojson --out e.gpkg", NULL, 0),
                 1);
    CHECK(
        err_has("empty.geojson: file is empty: its layer has no features "
                "and no fields"));
}

TEST(a_1950_date_reads_to_its_time) {
    write_file("old.csv",
               "id,occurred_at,easting,northing,category\n"
               "I1,1950-06-15T10:30:00Z,460000,520000,drugs\n"
               "I2,1969-12-31 23:59,460010,520000,drugs\n");
    CHECK_INT_EQ(vemt("ingest --incidents old.csv --input-time-zone UTC --out "
                      "old.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("old.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char v[64];
    test_query_text(ds, "SELECT start_utc FROM events WHERE source_row = 2", v,
                    sizeof v);
    CHECK_STR_EQ(v, "1950/06/15 10:30:00+00");
    test_query_text(ds, "SELECT start_utc FROM events WHERE source_row = 3", v,
                    sizeof v);
    CHECK_STR_EQ(v, "1969/12/31 23:59:00+00");
    GDALClose(ds);
}

TEST_SUITE(inputs_hardening) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-inputs-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    if (chdir(tmpdir) != 0) return;
    GDALAllRegister();
    RUN(truncated_or_corrupt_gzip_is_an_error);
    RUN(duplicate_header_names_are_an_error);
    RUN(non_point_events_are_rejected_with_their_type);
    RUN(job_file_duplicate_keys_and_trailing_text);
    RUN(devices_and_fifos_are_refused);
    RUN(memory_estimate_stops_before_the_cube);
    RUN(messages_name_the_file_and_the_cause);
    RUN(a_1950_date_reads_to_its_time);
    if (!t_->only) test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
