/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file testutil.h
 * @brief Small helpers the end-to-end tests share: whole files and byte
 * searches.
 */
#ifndef VEMT_TESTS_TESTUTIL_H
#define VEMT_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Load a whole file into memory (NUL-terminated); caller frees. */
static inline char *test_slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    *n = buf ? fread(buf, 1, (size_t)len, f) : 0;
    if (buf) buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* True when needle occurs in the n bytes of hay (memchr finds each
 * candidate first byte quickly). */
static inline bool test_contains(const char *hay, size_t n,
                                 const char *needle) {
    size_t k = strlen(needle);
    if (!k || k > n) return false;
    const char *p = hay, *end = hay + n - k + 1;
    while (p < end && (p = memchr(p, needle[0], (size_t)(end - p))) != NULL) {
        if (!memcmp(p, needle, k)) return true;
        p++;
    }
    return false;
}

/* Run the vemt program (VEMT_BIN) with args, a shell fragment, in dir,
 * stdout to out.txt and stderr to err.txt there; err_line (may be NULL)
 * gets stderr's first line. Returns the exit status (-1: killed). */
static inline int test_vemt(const char *dir, const char *args, char *err_line,
                            size_t n) {
    size_t size = strlen(dir) + strlen(VEMT_BIN) + strlen(args) + 64;
    char *cmd = malloc(size);
    if (!cmd) return -1;
    snprintf(cmd, size, "cd '%s' && '%s' %s 2>err.txt >out.txt", dir, VEMT_BIN,
             args);
    int rc = system(cmd);
    free(cmd);
    if (err_line) {
        char path[4200];
        snprintf(path, sizeof path, "%s/err.txt", dir);
        FILE *f = fopen(path, "r");
        err_line[0] = '\0';
        if (f && fgets(err_line, (int)n, f))
            err_line[strcspn(err_line, "\n")] = 0;
        if (f) fclose(f);
    }
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Write text to the file name in folder dir (nothing on failure: the
 * test's checks of what reads it then fail). */
static inline void test_write_file(const char *dir, const char *name,
                                   const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Remove a scratch folder and everything in it (a test's temporary dir). */
static inline void test_remove_dir(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}

#endif /* VEMT_TESTS_TESTUTIL_H */
