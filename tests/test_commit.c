/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_commit.c
 * @brief A run commits all its outputs or none, and no write fails
 * silently (issue 16, findings 5, 7, 8 and 9): full disks (a small tmpfs
 * per output folder where mount is permitted), outputs that collide with
 * inputs, each other or device nodes, an interrupted commit rolled forward
 * by the next run, stale GeoJSON layers, and text going into XML.
 */
#define _DEFAULT_SOURCE /* mkdtemp, mkfifo */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "outputs/strbuf.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static char *path_in(const char *name, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

/* The whole of err.txt from the last run. */
static char *err_text(void) {
    char p[256];
    size_t n;
    return test_slurp(path_in("err.txt", p, sizeof p), &n);
}

/* Does any file in dir (recursively one level) hold "vemt-tmp" or
 * "vemt-commit" in its name? */
static bool leftovers_in(const char *dir) {
    char cmd[512];
    snprintf(
        cmd, sizeof cmd,
        "find '%s' -name '*vemt-tmp*' -o -name '*vemt-commit*' | grep -q .",
        dir);
    return system(cmd) == 0;
}

/* Same bytes as before? */
static bool same_bytes(const char *path, const char *before, size_t n0) {
    size_t n1 = 0;
    char *after = test_slurp(path, &n1);
    bool same = before && after && n0 == n1 && !memcmp(before, after, n0);
    free(after);
    return same;
}

/* The last line of err.txt (the error comes after any warnings). */
static void last_err_line(char *buf, size_t size) {
    char *err = err_text();
    buf[0] = '\0';
    if (!err) return;
    size_t n = strlen(err);
    while (n && err[n - 1] == '\n') err[--n] = '\0';
    char *nl = strrchr(err, '\n');
    snprintf(buf, size, "%s", nl ? nl + 1 : err);
    free(err);
}

TEST(outputs_may_not_collide) {
    char line[1024], args[8192], p[256];
    test_write_file(tmpdir, "victim.csv", "not really incidents\n");
    size_t n0;
    char *victim = test_slurp(path_in("victim.csv", p, sizeof p), &n0);
    /* --report X --out X: the GeoPackage would be replaced by Markdown. */
    CHECK_INT_EQ(
        vemt("run --demo --out x.gpkg --report x.gpkg", line, sizeof line), 2);
    CHECK_STR_EQ(line,
                 "vemt: --report x.gpkg: is also --out; each output needs its "
                 "own path");
    CHECK_INT_EQ(
        vemt("run --demo --out x.gpkg --kde x.gpkg --force", line, sizeof line),
        2);
    CHECK_STR_EQ(line,
                 "vemt: --kde x.gpkg: is also --out; each output needs its own "
                 "path");
    CHECK_INT_EQ(vemt("run --demo --out x.gpkg --qgis-project ./x.gpkg", line,
                      sizeof line),
                 2);
    /* An output naming an input: refused with and without --force. */
    for (int force = 0; force < 2; force++) {
        snprintf(args, sizeof args,
                 "run --incidents victim.csv --out x.gpkg --report "
                 "./victim.csv%s",
                 force ? " --force" : "");
        CHECK_INT_EQ(vemt(args, line, sizeof line), 2);
        CHECK_STR_EQ(line,
                     "vemt: --report ./victim.csv: is an input of this run; an "
                     "output may not replace an input (even with --force)");
        CHECK(same_bytes(path_in("victim.csv", p, sizeof p), victim, n0));
    }
    free(victim);
    /* Device nodes and FIFOs are never replaced, even with --force. */
    CHECK_INT_EQ(vemt("run --demo --out /dev/null --force", line, sizeof line),
                 2);
    CHECK_STR_EQ(line,
                 "vemt: --out /dev/null: is a device, not a regular file; not "
                 "replaced (even with --force)");
    CHECK_INT_EQ(
        vemt("run --demo --out x.gpkg --report /dev/full", line, sizeof line),
        2);
    CHECK(mkfifo(path_in("fifo", p, sizeof p), 0600) == 0);
    CHECK_INT_EQ(vemt("run --demo --out x.gpkg --report fifo --force", line,
                      sizeof line),
                 2);
    CHECK_STR_EQ(line,
                 "vemt: --report fifo: is a FIFO, not a regular file; not "
                 "replaced (even with --force)");
    struct stat sb;
    CHECK(stat(p, &sb) == 0 && S_ISFIFO(sb.st_mode));
    /* A folder where a file is expected; a file under a layer's name. */
    CHECK(mkdir(path_in("adir", p, sizeof p), 0700) == 0);
    CHECK_INT_EQ(vemt("run --demo --out adir --force", line, sizeof line), 2);
    CHECK_INT_EQ(vemt("run --demo --out x.gpkg --geojson-dir adir --report "
                      "adir/events.geojson",
                      line, sizeof line),
                 2);
    /* A report path over 4 KB. */
    int k = snprintf(args, sizeof args, "run --demo --out x.gpkg --report ");
    for (int i = 0; i < 4200; i++) args[k++] = 'r';
    args[k] = '\0';
    CHECK_INT_EQ(vemt(args, line, sizeof line), 2);
    CHECK(strstr(line, ": the path is too long") != NULL);
    CHECK(access(path_in("x.gpkg", p, sizeof p), F_OK) != 0);
    CHECK(!leftovers_in(tmpdir));
}

TEST(attribution_must_be_plain_text) {
    char line[512];
    CHECK_INT_EQ(vemt("run --demo --out at.gpkg --qgis-project at.qgs "
                      "--attribution \"$(printf 'Crown\\001copyright')\"",
                      line, sizeof line),
                 2);
    CHECK_STR_EQ(line,
                 "vemt: --attribution: a control character at byte 6 (0x01); "
                 "give plain UTF-8 text");
    CHECK_INT_EQ(vemt("run --demo --out at.gpkg --qgis-project at.qgs "
                      "--attribution \"$(printf 'Crown\\377copyright')\"",
                      line, sizeof line),
                 2);
    CHECK_STR_EQ(line,
                 "vemt: --attribution: invalid UTF-8 at byte 6 (0xFF); give "
                 "plain UTF-8 text");
    /* Tab, newline and real UTF-8 are text. */
    size_t at = 99;
    CHECK(vemt_outputs_text_is_valid("a\tb\n\xC2\xA9 \xF0\x9F\x98\x80", &at));
    CHECK(!vemt_outputs_text_is_valid("ab\r", &at) && at == 2);
    CHECK(!vemt_outputs_text_is_valid("\xC0\xAF", &at) &&
          at == 0); /* overlong */
    CHECK(!vemt_outputs_text_is_valid("x\xED\xA0\x80", &at) && at == 1);
    CHECK(!vemt_outputs_text_is_valid("\xC2\x85", &at)); /* C1 NEL */
    CHECK(!vemt_outputs_text_is_valid("\xE2\x82", &at)); /* cut short */
    /* Any other text bound for XML is made well-formed: U+FFFD. */
    vemt_strbuf b = {0};
    vemt_sb_xml(&b, "a\x01<b\xFF\xC3\xA9&");
    char *s = vemt_sb_take(&b);
    CHECK_STR_EQ(s, "a\xEF\xBF\xBD&lt;b\xEF\xBF\xBD\xC3\xA9&amp;");
    vemt_outputs_free(s);
}

/* Write a manifest and temporaries as a run killed between its writes and
 * its renames (or while writing the manifest) leaves them. */
static void fake_commit(bool complete) {
    char p[256], text[1024];
    test_write_file(tmpdir, ".old.md.vemt-tmp-999999", "rolled forward\n");
    snprintf(text, sizeof text,
             "vemt-commit 1 999999\nR\t%s/.old.md.vemt-tmp-999999\t%s/"
             "old.md\n%s",
             tmpdir, tmpdir, complete ? "end\n" : "");
    test_write_file(tmpdir, ".rf.gpkg.vemt-commit", text);
    (void)p;
}

TEST(killed_commit_rolled_forward_or_undone) {
    char line[512], p[256];
    /* Complete manifest: the next run (failing later, on its input) finishes
     * the renames before anything else. */
    fake_commit(true);
    test_write_file(tmpdir, ".k.tif.vemt-tmp-999999.tif", "stale tiff");
    test_write_file(tmpdir, ".rf.gpkg.vemt-tmp-999999.gpkg-journal", "j");
    CHECK(mkdir(path_in("gjk", p, sizeof p), 0700) == 0);
    test_write_file(tmpdir, "gjk/.events.geojson.vemt-tmp-999999.geojson", "{");
    CHECK_INT_EQ(vemt("run --incidents missing.csv --out rf.gpkg "
                      "--geojson-dir gjk",
                      line, sizeof line),
                 1);
    size_t n;
    char *text = test_slurp(path_in("old.md", p, sizeof p), &n);
    CHECK(text && !strcmp(text, "rolled forward\n"));
    free(text);
    CHECK(!leftovers_in(tmpdir));
    /* Cut short (no "end"): no rename had begun, so it is undone. */
    unlink(path_in("old.md", p, sizeof p));
    fake_commit(false);
    CHECK_INT_EQ(
        vemt("run --incidents missing.csv --out rf.gpkg", line, sizeof line),
        1);
    CHECK(access(path_in("old.md", p, sizeof p), F_OK) != 0);
    CHECK(!leftovers_in(tmpdir));
}

TEST(public_run_removes_stale_restricted_geojson) {
    char line[512], p[256];
    CHECK(mkdir(path_in("gj", p, sizeof p), 0700) == 0);
    CHECK_INT_EQ(vemt("run --demo --no-trends --out r.gpkg --geojson-dir gj "
                      "--quiet",
                      NULL, 0),
                 0);
    CHECK(access(path_in("gj/events.geojson", p, sizeof p), F_OK) == 0);
    test_write_file(tmpdir, "gj/notes.txt", "mine\n");
    test_write_file(tmpdir, "gj/mine.geojson", "{}\n");
    CHECK_INT_EQ(vemt("run --demo --no-trends --tier public --out p.gpkg "
                      "--geojson-dir gj --quiet",
                      line, sizeof line),
                 0);
    static const char *const gone[] = {"events", "rejects", "missing_journeys",
                                       "locations_of_concern"};
    char *err = err_text();
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++) {
        char name[128], msg[256];
        snprintf(name, sizeof name, "gj/%s.geojson", gone[i]);
        CHECK(access(path_in(name, p, sizeof p), F_OK) != 0);
        snprintf(msg, sizeof msg,
                 "vemt: warning: removed gj/%s.geojson: a layer this run does "
                 "not write",
                 gone[i]);
        CHECK(err && strstr(err, msg));
    }
    free(err);
    CHECK(access(path_in("gj/hotspot_cells.geojson", p, sizeof p), F_OK) == 0);
    CHECK(access(path_in("gj/notes.txt", p, sizeof p), F_OK) == 0);
    CHECK(access(path_in("gj/mine.geojson", p, sizeof p), F_OK) == 0);
    CHECK(!leftovers_in(tmpdir));
}

/* A tmpfs of size_kb at dir (made first); false where mounting is not
 * permitted (not root, or in a container without CAP_SYS_ADMIN). */
static bool mount_small(const char *dir, long size_kb) {
    char opts[64];
    snprintf(opts, sizeof opts, "size=%ldk,mode=0700", size_kb);
    return mkdir(dir, 0700) == 0 && mount("tmpfs", dir, "tmpfs", 0, opts) == 0;
}

/* Fill the file system of dir until at most leave_kb is free. */
static void fill(const char *dir, long leave_kb) {
    char p[512];
    snprintf(p, sizeof p, "%s/filler", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0600);
    static char block[4096];
    struct statvfs sv;
    while (fd >= 0 && statvfs(dir, &sv) == 0 &&
           (double)sv.f_bavail * (double)sv.f_frsize > leave_kb * 1024.0)
        if (write(fd, block, sizeof block) <= 0) break;
    if (fd >= 0) close(fd);
}

static void unfill(const char *dir) {
    char p[512];
    snprintf(p, sizeof p, "%s/filler", dir);
    unlink(p);
}

/* Slurp every output of the good run, for comparison after a failure. */
typedef struct snapshot {
    char *bytes[4];
    size_t n[4];
} snapshot;

static const char *const files[] = {"m0/a.gpkg", "m1/gj/hotspot_cells.geojson",
                                    "m1/gj/events.geojson", "m2/r.md"};

static void take(snapshot *s) {
    char p[256];
    for (int i = 0; i < 4; i++)
        s->bytes[i] = test_slurp(path_in(files[i], p, sizeof p), &s->n[i]);
}

static bool unchanged(const snapshot *s) {
    char p[256];
    bool same = true;
    for (int i = 0; i < 4; i++)
        same &=
            same_bytes(path_in(files[i], p, sizeof p), s->bytes[i], s->n[i]);
    return same;
}

TEST(full_disk_fails_and_keeps_previous_outputs) {
    char m[3][128], line[1024], want[512];
    bool mounted = geteuid() == 0;
    for (int i = 0; i < 3 && mounted; i++) {
        snprintf(m[i], sizeof m[i], "%s/m%d", tmpdir, i);
        mounted = mount_small(m[i], i == 2 ? 256 : 65536);
        if (!mounted)
            for (int k = 0; k < i; k++) umount(m[k]);
    }
    if (!mounted) {
        fprintf(stderr, "full_disk: can't mount a tmpfs here (%s): skipped\n",
                strerror(errno));
        return;
    }
    char p[256];
    CHECK(mkdir(path_in("m1/gj", p, sizeof p), 0700) == 0);
    const char *args =
        "run --demo --no-trends --out m0/a.gpkg --geojson-dir m1/gj --report "
        "m2/r.md --quiet";
    CHECK_INT_EQ(vemt(args, line, sizeof line), 0);
    snapshot before;
    take(&before);
    CHECK(before.bytes[0] && before.bytes[2] && before.bytes[3]);
    static const struct {
        int mount;
        long leave_kb;
        const char *path; /* the output the message names */
    } cases[] = {{0, 512, "m0/a.gpkg"}, {1, 512, "m1/gj/"}, {2, 0, "m2/r.md"}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        fill(m[cases[c].mount], cases[c].leave_kb);
        CHECK_INT_EQ(vemt(args, NULL, 0), 1);
        last_err_line(line, sizeof line);
        snprintf(want, sizeof want, "%s", cases[c].path);
        CHECK(!strncmp(line, want, strlen(want)));
        CHECK(strstr(line, "No space left on device") != NULL);
        if (!strstr(line, "No space left on device"))
            fprintf(stderr, "  case %zu said: %s\n", c, line);
        CHECK(unchanged(&before));
        unfill(m[cases[c].mount]);
        CHECK(!leftovers_in(tmpdir));
    }
    for (int i = 0; i < 4; i++) free(before.bytes[i]);
    for (int i = 0; i < 3; i++) CHECK(umount(m[i]) == 0);
}

/* Where no tmpfs can be mounted, a file size limit (RLIMIT_FSIZE, SIGXFSZ
 * ignored) makes the writes fail just the same, for anyone. */
TEST(file_size_limit_fails_the_write) {
    char line[1024], p[256], args[1024];
    CHECK_INT_EQ(vemt("run --demo --no-trends --out lim.gpkg --quiet", NULL, 0),
                 0);
    size_t n0;
    char *before = test_slurp(path_in("lim.gpkg", p, sizeof p), &n0);
    snprintf(args, sizeof args,
             "--version >/dev/null; trap '' XFSZ; ulimit -f 1000; '%s' run "
             "--demo --no-trends --out lim.gpkg --quiet",
             VEMT_BIN);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    last_err_line(line, sizeof line);
    CHECK(!strncmp(line, "lim.gpkg: can't write: ", 23));
    CHECK(same_bytes(p, before, n0));
    CHECK(!leftovers_in(tmpdir));
    free(before);
}

/* A public output that vemt's own checker fails is never committed: a
 * 250 m hexagon (54,127 m2) is under the public tier's 250 m square (issue
 * 16, finding 4). Once the writer refuses such units before writing (exit
 * 2), the audit is the second line of defence; either way nothing is
 * written. */
TEST(output_failing_the_checker_is_not_committed) {
    char line[1024], p[256];
    int rc = vemt(
        "run --demo --no-trends --tier public --grid hex "
        "--cell-size 250 --out hex.gpkg --quiet",
        NULL, 0);
    CHECK(rc == 3 || rc == 2);
    last_err_line(line, sizeof line);
    if (rc == 3)
        CHECK(strstr(line,
                     "hex.gpkg: internal error: the public-tier output "
                     "fails vemt's own disclosure check") == line);
    CHECK(access(path_in("hex.gpkg", p, sizeof p), F_OK) != 0);
    CHECK(!leftovers_in(tmpdir));
}

/* The library's commit by itself: read-back catches a GeoJSON file cut
 * mid-JSON and an ill-formed project; destroy without apply removes every
 * temporary and replaces nothing; apply renames and removes the stale. */
TEST(commit_reads_back_then_renames) {
    char p[256], t[256];
    vemt_ctx *ctx = NULL;
    CHECK_INT_EQ(vemt_ctx_create(1, &ctx), VEMT_OK);
    test_write_file(tmpdir, "u.geojson", "old\n");
    test_write_file(tmpdir, ".u.geojson.vemt-tmp-1.geojson",
                    "{\"type\": \"FeatureCollection\", \"features\": [{\"ty");
    test_write_file(tmpdir, ".u.qgs.vemt-tmp-1.qgs", "<qgis><title>x</qgis>");
    vemt_commit *c = NULL;
    CHECK_INT_EQ(vemt_commit_create(ctx, &c), VEMT_OK);
    CHECK_INT_EQ(
        vemt_commit_add(ctx, c,
                        path_in(".u.geojson.vemt-tmp-1.geojson", t, sizeof t),
                        path_in("u.geojson", p, sizeof p), VEMT_COMMIT_GEOJSON),
        VEMT_OK);
    CHECK_INT_EQ(vemt_commit_verify(ctx, c), VEMT_E_IO);
    CHECK_STR_EQ(vemt_ctx_error(ctx)->msg,
                 "the finished file does not read back whole");
    CHECK_STR_EQ(vemt_ctx_error(ctx)->source, p);
    vemt_commit_destroy(c);
    CHECK(access(t, F_OK) != 0); /* removed */
    size_t n;
    char *old = test_slurp(p, &n);
    CHECK(old && !strcmp(old, "old\n"));
    free(old);
    CHECK_INT_EQ(vemt_commit_create(ctx, &c), VEMT_OK);
    vemt_commit_add(ctx, c, path_in(".u.qgs.vemt-tmp-1.qgs", t, sizeof t),
                    path_in("u.qgs", p, sizeof p), VEMT_COMMIT_PROJECT);
    CHECK_INT_EQ(vemt_commit_verify(ctx, c), VEMT_E_IO);
    vemt_commit_destroy(c);
    CHECK(access(t, F_OK) != 0 && access(p, F_OK) != 0);
    /* A good one: renamed into place, a stale layer file removed, the
     * manifest gone. */
    test_write_file(tmpdir, ".u.md.vemt-tmp-1", "new report\n");
    test_write_file(tmpdir, "events.geojson", "stale\n");
    CHECK_INT_EQ(vemt_commit_create(ctx, &c), VEMT_OK);
    vemt_commit_add(ctx, c, path_in(".u.md.vemt-tmp-1", t, sizeof t),
                    path_in("u.md", p, sizeof p), VEMT_COMMIT_TEXT);
    vemt_commit_remove(ctx, c, path_in("events.geojson", t, sizeof t));
    CHECK_STR_EQ(vemt_commit_removal(c, 0), t);
    CHECK(vemt_commit_removal(c, 1) == NULL);
    char manifest[256];
    CHECK(vemt_commit_manifest_path(path_in("u.gpkg", p, sizeof p), manifest,
                                    sizeof manifest));
    CHECK_STR_EQ(strrchr(manifest, '/'), "/.u.gpkg.vemt-commit");
    CHECK_INT_EQ(vemt_commit_verify(ctx, c), VEMT_OK);
    CHECK_INT_EQ(vemt_commit_apply(ctx, c, manifest), VEMT_OK);
    vemt_commit_destroy(c);
    char *rep = test_slurp(path_in("u.md", p, sizeof p), &n);
    CHECK(rep && !strcmp(rep, "new report\n"));
    free(rep);
    CHECK(access(path_in("events.geojson", p, sizeof p), F_OK) != 0);
    CHECK(access(manifest, F_OK) != 0);
    CHECK(!leftovers_in(tmpdir));
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(commit) {
    strcpy(tmpdir, "/tmp/vemt-test-commit-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(commit_reads_back_then_renames);
    RUN(outputs_may_not_collide);
    RUN(attribution_must_be_plain_text);
    RUN(killed_commit_rolled_forward_or_undone);
    RUN(public_run_removes_stale_restricted_geojson);
    RUN(full_disk_fails_and_keeps_previous_outputs);
    RUN(file_size_limit_fails_the_write);
    RUN(output_failing_the_checker_is_not_committed);
    GDALDestroy();
    test_remove_dir(tmpdir);
}
