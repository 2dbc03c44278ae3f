#!/bin/sh
# Each public header compiles alone as C11 with warnings as errors, and
# includes only standard headers and other vemt public headers.
# usage: check_headers.sh CC SOURCE_DIR [INCLUDE_DIR...]
# (INCLUDE_DIRs: where generated headers such as engine/version.h are)
cc=$1 src=$2 fail=0
shift 2
n=$#  # turn the include folders into -I options, kept as "$@"
for d in "$@"; do set -- "$@" -I "$d"; done
shift "$n"
for h in engine/vemt.h engine/engine.h ingest/ingest.h outputs/outputs.h; do
    if ! printf '#include "%s"\n' "$h" |
        "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
            -I "$src" "$@" -x c - ; then
        echo "FAIL: $h does not compile alone"; fail=1
    fi
    bad=$(grep -E '^#include' "$src/$h" |
          grep -vE '<(stdbool|stddef|stdint|stdio)\.h>|"engine/(vemt|engine|version)\.h"')
    if [ -n "$bad" ]; then echo "FAIL: $h includes: $bad"; fail=1; fi
done
[ $fail = 0 ] && echo "public headers: 4 passed, 0 failed"
exit $fail
