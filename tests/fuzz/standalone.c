/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file standalone.c
 * @brief A main that replays files through LLVMFuzzerTestOneInput, so
 * that every fuzz target also builds with gcc and CTest can replay the
 * seed corpus (PostGIS fuzzers/fuzzingengine.c, h3 aflHarness.h).
 *
 * Usage: replay_<target> PATH...   where each PATH is a file or a
 * directory whose regular files are replayed in name order. Fails when a
 * path can't be read or when nothing was replayed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

#pragma weak LLVMFuzzerInitialize

/* Read a whole file into an exact-size heap buffer and run it. */
static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    bool failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: read failed\n", path);
        free(buf);
        return -1;
    }
    /* Shrink to the exact size, so that ASan flags any read past it. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    if (n) memcpy(exact, buf, n);
    free(buf);
    fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int visible(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Replay a file, or the regular files of a directory; returns the number
 * replayed, or -1 on failure. */
static long replay_path(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) return replay_file(path) ? -1 : 1;
    struct dirent **names = NULL;
    int k = scandir(path, &names, visible, alphasort);
    if (k < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    long done = 0;
    for (int i = 0; i < k; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        if (done >= 0 && stat(file, &sb) == 0 && S_ISREG(sb.st_mode))
            done = replay_file(file) ? -1 : done + 1;
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay_path(argv[i]);
        if (n < 0) return 1;
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    return total > 0 ? 0 : 1;
}
