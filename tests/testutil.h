/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file testutil.h
 * @brief Small helpers the tests share: whole files, byte searches, the
 * program and other commands run, PDFs and PNGs measured, jobs from words.
 */
#ifndef VEMT_TESTS_TESTUTIL_H
#define VEMT_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipeline/job.h"

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

/* A file of folder dir, whole (NUL-terminated; caller frees), or NULL; *n
 * (n may be NULL) gets its length. */
static inline char *test_slurp_in(const char *dir, const char *name,
                                  size_t *n) {
    char path[4200];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return test_slurp(path, n ? n : &len);
}

/* True when folder dir holds a file (or folder) name. */
static inline bool test_exists_in(const char *dir, const char *name) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* The whole standard output of a shell command (NUL-terminated; caller
 * frees), or NULL when it cannot be run. */
static inline char *test_command_output(const char *cmd) {
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) {
            char *b = realloc(buf, cap *= 2);
            if (!b) break;
            buf = b;
        }
    }
    if (buf) buf[n] = '\0';
    pclose(p);
    return buf;
}

/* The pages of a PDF as poppler's pdfinfo counts them; -1 when it cannot
 * tell. */
static inline long test_pdf_pages(const char *pdf) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", pdf);
    char *info = test_command_output(cmd);
    const char *p = info ? strstr(info, "Pages:") : NULL;
    long n = p ? strtol(p + 6, NULL, 10) : -1;
    free(info);
    return n;
}

/* PNG width and height from the n bytes of a PNG file: its IHDR chunk
 * (PNG spec, 11.2.2); false when they are not a PNG. */
static inline bool test_png_size(const char *data, size_t n, long *w, long *h) {
    const unsigned char *u = (const unsigned char *)data;
    if (!data || n < 24 || memcmp(u, "\x89PNG\r\n\x1a\n", 8) ||
        memcmp(u + 12, "IHDR", 4))
        return false;
    *w = (long)u[16] << 24 | (long)u[17] << 16 | (long)u[18] << 8 | u[19];
    *h = (long)u[20] << 24 | (long)u[21] << 16 | (long)u[22] << 8 | u[23];
    return true;
}

/* A job for command from "--name value" words, NULL-terminated (a word not
 * starting with "--" is the previous option's value), under a fixed
 * pseudonym key and finished (vemt_job_finish); the status of the first
 * call that fails, err set. */
static inline vemt_status test_job_from_words(vemt_job *job,
                                              vemt_job_command command,
                                              const char *const *words,
                                              vemt_error *err) {
    vemt_job_init(job, command);
    job->pseudonym_key = "vemt test key";
    for (size_t i = 0; words[i]; i++) {
        const char *v = words[i + 1] && strncmp(words[i + 1], "--", 2)
                            ? words[i + 1]
                            : NULL;
        int k = vemt_job_option_find(words[i]);
        if (k < 0)
            return vemt_error_set(err, VEMT_E_ARG, "no option %s", words[i]);
        vemt_status st = vemt_job_give(job, (size_t)k, v, err);
        if (st) return st;
        i += v != NULL;
    }
    return vemt_job_finish(job, err);
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
