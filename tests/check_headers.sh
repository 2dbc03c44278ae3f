#!/bin/sh
# Each public header compiles alone as C11 with warnings as errors, and
# includes only standard headers and other vemt public headers.
# usage: check_headers.sh CC SOURCE_DIR
cc=$1 src=$2 fail=0 n=0
for h in engine/vemt.h engine/engine.h ingest/ingest.h outputs/outputs.h \
    disclosure/disclosure.h; do
    n=$((n + 1))
    if ! printf '#include "%s"\n' "$h" |
        "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
            -I "$src" -x c - ; then
        echo "FAIL: $h does not compile alone"; fail=1
    fi
    bad=$(grep -E '^#include' "$src/$h" |
          grep -vE '<(stdbool|stddef|stdint|stdio)\.h>|"engine/(vemt|engine)\.h"|"disclosure/disclosure\.h"')
    if [ -n "$bad" ]; then echo "FAIL: $h includes: $bad"; fail=1; fi
done
[ $fail = 0 ] && echo "public headers: $n passed, 0 failed"
exit $fail
