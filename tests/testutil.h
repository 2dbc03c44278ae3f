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

#endif /* VEMT_TESTS_TESTUTIL_H */
