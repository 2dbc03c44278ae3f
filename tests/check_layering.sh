#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers, each depending only on those after it:
#   pipeline -> outputs | ingest -> gdalutil -> disclosure -> engine
# ingest and outputs never call each other; the engine knows no file format
# (no GDAL, OGR, SQLite or json-c symbol) and no tier (no disclosure symbol);
# disclosure knows no file format either.
# usage: check_layering.sh NAME=LIB.a ... (top layer first)
fail=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=""
for arg in "$@"; do
    name=${arg%%=*} lib=${arg#*=}
    names="$names $name"
    nm -g --defined-only "$lib" | awk 'NF==3 {print $3}' | sort -u >"$tmp/$name.def"
    nm -u "$lib" | awk '{print $NF}' | sort -u >"$tmp/$name.undef"
done

# A lower layer (or a sibling) must not use a higher one's symbols.
above=""
for name in $names; do
    for higher in $above; do
        checks=$((checks + 1))
        used=$(comm -12 "$tmp/$name.undef" "$tmp/$higher.def")
        if [ -n "$used" ]; then
            echo "$name uses $higher:"; echo "$used" | sed 's/^/  /'; fail=1
        fi
    done
    above="$above $name"
done
# outputs is listed above ingest, so ingest using outputs is checked above;
# the other direction: outputs never uses ingest.
if [ -f "$tmp/ingest.def" ] && [ -f "$tmp/outputs.def" ]; then
    checks=$((checks + 1))
    used=$(comm -12 "$tmp/outputs.undef" "$tmp/ingest.def")
    if [ -n "$used" ]; then
        echo "outputs uses ingest:"; echo "$used" | sed 's/^/  /'; fail=1
    fi
fi
# No file format below the readers and writers.
for name in engine disclosure; do
    [ -f "$tmp/$name.undef" ] || continue
    checks=$((checks + 1))
    used=$(grep -E '^(GDAL|OGR|OSR|CPL|VSI|sqlite3_|json_|proj_)' "$tmp/$name.undef")
    if [ -n "$used" ]; then
        echo "$name uses a file-format library:"; echo "$used" | sed 's/^/  /'; fail=1
    fi
done

if [ $fail = 0 ]; then
    echo "layering: $checks passed, 0 failed"
else
    echo "layering: failed"
fi
exit $fail
