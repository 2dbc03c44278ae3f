#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Each public header compiles alone as C11 with warnings as errors (and as
# C++ when a C++ compiler is at hand), has extern "C" guards, is at most
# 400 lines, and includes only standard headers and other vemt public
# headers.
# usage: check_headers.sh CC SOURCE_DIR [INCLUDE_DIR...] -- HEADER...
# (INCLUDE_DIRs: where generated headers such as engine/version.h are;
# HEADERs: the public headers, relative to SOURCE_DIR)
cc=$1 src=$2 fail=0 n=0
shift 2
incs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do incs="$incs -I $1"; shift; done
[ "$1" = "--" ] && shift
public=" $* engine/version.h "
cxx=$(command -v c++ || true)
for h in "$@"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if ! printf '#include "%s"\n' "$h" |
        "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
            -I "$src" $incs -x c - ; then
        echo "FAIL: $h does not compile alone"; fail=$((fail + 1)); continue
    fi
    # shellcheck disable=SC2086
    if [ -n "$cxx" ] && ! printf '#include "%s"\n' "$h" |
        "$cxx" -std=c++11 -Wall -Werror -fsyntax-only -I "$src" $incs \
            -x c++ - ; then
        echo "FAIL: $h does not compile as C++"; fail=$((fail + 1)); continue
    fi
    if [ "$h" != engine/engine.h ] && ! grep -q '^extern "C" {' "$src/$h"
    then
        echo "FAIL: $h has no extern \"C\" guard"; fail=$((fail + 1)); continue
    fi
    bad=""
    for inc in $(grep -E '^#include' "$src/$h" | awk '{print $2}'); do
        case $inc in
            \<stdbool.h\>|\<stddef.h\>|\<stdint.h\>|\<stdio.h\>) continue ;;
        esac
        case $public in
            *" $(echo "$inc" | tr -d '"') "*) ;;
            *) bad="$bad $inc" ;;
        esac
    done
    if [ -n "$bad" ]; then
        echo "FAIL: $h includes:$bad"; fail=$((fail + 1)); continue
    fi
    lines=$(wc -l <"$src/$h")
    if [ "$lines" -gt 400 ]; then
        echo "FAIL: $h has $lines lines (at most 400)"; fail=$((fail + 1))
    fi
done
echo "public headers: $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
