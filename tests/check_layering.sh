#!/bin/sh
# ingest/ must not reference outputs/ symbols and vice versa.
# usage: check_layering.sh libvemt_ingest.a libvemt_outputs.a
ingest=$1 outputs=$2 fail=0
defined() { nm -g --defined-only "$1" | awk 'NF==3 {print $3}' | sort -u; }
undefined() { nm -u "$1" | awk '{print $NF}' | sort -u; }
a=$(mktemp) b=$(mktemp) c=$(mktemp) d=$(mktemp)
defined "$ingest" >"$a"; defined "$outputs" >"$b"
undefined "$ingest" >"$c"; undefined "$outputs" >"$d"
if [ -n "$(comm -12 "$c" "$b")" ]; then
    echo "ingest uses outputs:"; comm -12 "$c" "$b"; fail=1
fi
if [ -n "$(comm -12 "$d" "$a")" ]; then
    echo "outputs uses ingest:"; comm -12 "$d" "$a"; fail=1
fi
rm -f "$a" "$b" "$c" "$d"
[ $fail = 0 ] && echo "layering: 1 passed, 0 failed"
exit $fail
