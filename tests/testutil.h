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

/* True when needle occurs in the n bytes of hay. */
static inline bool test_contains(const char *hay, size_t n,
                                 const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= n; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, k)) return true;
    return false;
}

#endif /* VEMT_TESTS_TESTUTIL_H */
