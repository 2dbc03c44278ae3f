#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The committed demo data is exactly what the generator makes (seed 1).
# usage: check_fixtures.sh VEMT_FIXTURES_BIN FIXTURES_DIR
gen=$1 fixtures=$2 fail=0
out=$(mktemp -d)
"$gen" --out-dir "$out" >/dev/null || { echo "generator failed"; exit 1; }
for f in incidents.csv missing.csv truth.json postcodes.csv; do
    if ! cmp -s "$out/$f" "$fixtures/demo/$f"; then
        echo "FAIL: $f differs from the generator's output"; fail=1
    fi
done
rm -rf "$out"
[ $fail = 0 ] && echo "fixtures reproducible: 1 passed, 0 failed"
exit $fail
