#!/bin/sh
# Each public header compiles alone as C11 with warnings as errors, and
# includes only standard headers and other vemt public headers.
# usage: check_headers.sh CC SOURCE_DIR [INCLUDE_DIR...] -- HEADER...
# (INCLUDE_DIRs: where generated headers such as engine/version.h are;
# HEADERs: the public headers, relative to SOURCE_DIR)
cc=$1 src=$2 fail=0 n=0
shift 2
incs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do incs="$incs -I $1"; shift; done
[ "$1" = "--" ] && shift
public="$* engine/version.h"
for h in "$@"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if ! printf '#include "%s"\n' "$h" |
        "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
            -I "$src" $incs -x c - ; then
        echo "FAIL: $h does not compile alone"; fail=1
    fi
    grep -E '^#include' "$src/$h" | awk '{print $2}' | while read -r inc; do
        case $inc in
            \<stdbool.h\>|\<stddef.h\>|\<stdint.h\>|\<stdio.h\>) continue ;;
        esac
        name=$(echo "$inc" | tr -d '"')
        case " $public " in
            *" $name "*) ;;
            *) echo "FAIL: $h includes $inc"; exit 1 ;;
        esac
    done || fail=1
    lines=$(wc -l <"$src/$h")
    if [ "$lines" -gt 400 ]; then
        echo "FAIL: $h has $lines lines (at most 400)"; fail=1
    fi
done
if [ $fail = 0 ]; then
    echo "public headers: $n passed, 0 failed"
else
    echo "public headers: failed"
fi
exit $fail
