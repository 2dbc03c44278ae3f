#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Scale benchmark (issue 19): N synthetic events end to end, vemt beside
# ogr2ogr (and, at 100,000 events, spdep) in the same run.
#
#   tests/bench/bench_scale.sh [N ...]        (default: 1000000 10000000)
#
# For each N (500..10,000,000) it generates the events once with
# vemt-fixtures (seed 1, the same shape at every size) and runs, each under
# /usr/bin/time -v, a memory limit and a timeout:
#   1. vemt ingest --incidents incidents.csv --out v.gpkg --quiet
#   2. ogr2ogr -f GPKG o.gpkg incidents.csv -oo X_POSSIBLE_NAMES=easting
#      -oo Y_POSSIBLE_NAMES=northing -oo AUTODETECT_TYPE=YES
#      -a_srs EPSG:27700 -nln incidents        (as in RESULTS.md's ingest
#      section: a point layer with its R-tree, like vemt's events layer)
#   3. the whole default run: vemt run --incidents incidents.csv
#      --out r.gpkg --timings (the stage table it prints is shown)
#   4. at N = 100000 only: Gi* with 999 permutations on 50 m cells, vemt's
#      whole run (--cell-size 50 --timings) and spdep's localG +
#      localG_perm (bench_gistar_spdep.R, on the same 50 m counts), skipped
#      when Rscript or spdep is missing.
# Then one line per command: wall and CPU (user + system) seconds, peak RSS
# and exit status (124: timed out; 137 or a signal: killed, e.g. by the
# memory limit). On a shared machine compare the CPU seconds.
#
# Environment:
#   VEMT_BIN, VEMT_FIXTURES_BIN  the programs (default: build-rel/ of the
#                                checkout; the bench target sets both)
#   BENCH_DIR                    work folder (default /tmp/vemt-bench-scale);
#                                the generated CSVs are kept for reruns
#   BENCH_MEM_KB                 address-space limit, ulimit -v (16000000)
#   BENCH_TIMEOUT                seconds per command (900)
# Run it in a Release build on a machine doing nothing else, and record in
# RESULTS.md what else was running.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vemt=${VEMT_BIN:-$root/build-rel/vemt}
gen=${VEMT_FIXTURES_BIN:-$root/build-rel/vemt-fixtures}
work=${BENCH_DIR:-/tmp/vemt-bench-scale}
mem_kb=${BENCH_MEM_KB:-16000000}
limit_s=${BENCH_TIMEOUT:-900}
[ $# -gt 0 ] || set -- 1000000 10000000
for p in "$vemt" "$gen"; do
    [ -x "$p" ] || { echo "bench_scale: $p: not built" >&2; exit 2; }
done
command -v ogr2ogr >/dev/null || { echo "bench_scale: ogr2ogr missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_scale: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# measure NAME DIR CMD...: run CMD in DIR under the limits; its stdout and
# stderr go to DIR/NAME.log, /usr/bin/time's report to DIR/NAME.time.
measure() {
    name=$1 dir=$2
    shift 2
    echo "== $(basename "$dir") $name: $*"
    (cd "$dir" && ulimit -v "$mem_kb" &&
        exec /usr/bin/time -v -o "$name.time" timeout "$limit_s" "$@") \
        >"$dir/$name.log" 2>&1
    rc=$?
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$name.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$name.time")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' \
        "$dir/$name.time")
    printf '%-9s %-14s %8s s wall %8s s CPU %7s MB  exit %s\n' \
        "$(basename "$dir")" "$name" "${wall:-?}" "$cpu" \
        "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.0f", k / 1024 }')" \
        "$rc" | tee -a "$summary"
    [ "$rc" = 0 ] || tail -n 5 "$dir/$name.log"
}

# Counts per 50 m cell (col,row,count) for bench_gistar_spdep.R, over the
# rectangle of the located rows (the bad rows skipped as vemt rejects them).
counts_50m() {
    awk -F, 'NR > 1 && $3 ~ /^[0-9]+(\.[0-9]+)?$/ && $4 ~ /^[0-9]+(\.[0-9]+)?$/ && $3 > 0 && $4 > 0 {
        e[NR] = $3; n[NR] = $4
        if (!seen || $3 < e0) e0 = $3; if (!seen || $4 < n0) n0 = $4
        if (!seen || $3 > e1) e1 = $3; if (!seen || $4 > n1) n1 = $4; seen = 1 }
    END {
        x0 = int(e0 / 50) * 50; y0 = int(n0 / 50) * 50
        nc = int((e1 - x0) / 50) + 1; nr = int((n1 - y0) / 50) + 1
        for (i in e) c[int((n[i] - y0) / 50) * nc + int((e[i] - x0) / 50)]++
        print "col,row,count"
        for (r = 0; r < nr; r++) for (k = 0; k < nc; k++)
            printf "%d,%d,%d\n", k, r, c[r * nc + k] + 0 }' "$1"
}

echo "bench_scale: $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "vemt: $vemt ($("$vemt" --version 2>/dev/null | head -1))"
for n in "$@"; do
    d=$work/$n
    mkdir -p "$d" && chmod 700 "$work" "$d" # restricted outputs: private
    if [ ! -s "$d/incidents.csv" ]; then
        echo "== generate $n events"
        "$gen" --out-dir "$d" --incidents "$n" || exit 1
    fi
    rm -f "$d"/v.gpkg "$d"/o.gpkg "$d"/r.gpkg "$d"/g50.gpkg
    measure ingest "$d" "$vemt" ingest --incidents incidents.csv \
        --out v.gpkg --quiet
    measure ogr2ogr "$d" ogr2ogr -f GPKG o.gpkg incidents.csv \
        -oo X_POSSIBLE_NAMES=easting -oo Y_POSSIBLE_NAMES=northing \
        -oo AUTODETECT_TYPE=YES -a_srs EPSG:27700 -nln incidents
    measure run "$d" "$vemt" run --incidents \
        incidents.csv --out r.gpkg --timings
    sed -n '/^timings (--timings)/,/^  total/p' "$d/run.log"
    rm -f "$d"/v.gpkg "$d"/o.gpkg "$d"/r.gpkg
    [ "$n" = 100000 ] || continue
    measure run_cell50 "$d" "$vemt" run --incidents \
        incidents.csv --out g50.gpkg --cell-size 50 --permutations 999 \
        --timings
    sed -n '/^  hot spots/p' "$d/run_cell50.log"
    rm -f "$d"/g50.gpkg
    if command -v Rscript >/dev/null &&
        Rscript -e 'suppressPackageStartupMessages(library(spdep))' 2>/dev/null; then
        counts_50m "$d/incidents.csv" >"$d/counts50.csv"
        measure spdep_cell50 "$d" Rscript \
            "$here/bench_gistar_spdep.R" counts50.csv 50 999
        cat "$d/spdep_cell50.log"
    else
        echo "== spdep: skipped (Rscript or the spdep package missing)"
    fi
done
echo
echo "summary (wall, CPU, peak RSS, exit status):"
cat "$summary"
