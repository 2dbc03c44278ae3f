#!/bin/sh
# Each public header compiles alone as C11 with warnings as errors (and as
# C++ when a C++ compiler is at hand), has extern "C" guards (the engine's),
# and includes only standard headers and other vemt public headers.
# usage: check_headers.sh CC SOURCE_DIR
cc=$1 src=$2 fail=0 n=0
engine="vemt engine units stats trends clusters safeguarding"
headers="$(for h in $engine; do printf 'engine/%s.h ' "$h"; done)"
headers="$headers ingest/ingest.h outputs/outputs.h"
public=$(echo "$engine" | tr ' ' '|')
cxx=$(command -v c++ || true)
for h in $headers; do
    n=$((n + 1))
    if ! printf '#include "%s"\n' "$h" |
        "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
            -I "$src" -x c - ; then
        echo "FAIL: $h does not compile alone"; fail=$((fail + 1)); continue
    fi
    if [ -n "$cxx" ] && ! printf '#include "%s"\n' "$h" |
        "$cxx" -std=c++11 -Wall -Werror -fsyntax-only -I "$src" -x c++ - ; then
        echo "FAIL: $h does not compile as C++"; fail=$((fail + 1)); continue
    fi
    case $h in engine/*)
        if ! grep -q '^extern "C" {' "$src/$h"; then
            echo "FAIL: $h has no extern \"C\" guard"; fail=$((fail + 1))
            continue
        fi
    esac
    bad=$(grep -E '^#include' "$src/$h" |
          grep -vE "<(stdbool|stddef|stdint|stdio)\.h>|\"engine/($public)\.h\"")
    if [ -n "$bad" ]; then echo "FAIL: $h includes: $bad"; fail=$((fail + 1)); fi
done
echo "public headers: $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
