#!/bin/sh
# The layers' edges, read from the libraries' symbol tables:
#  - ingest/ and outputs/ never reference each other's symbols;
#  - disclosure/ references no GDAL, PROJ or json-c symbol and nothing of
#    ingest/ or outputs/ (it depends on the engine only);
#  - the engine references nothing of disclosure/ (it knows no tier).
# usage: check_layering.sh libvemt_ingest.a libvemt_outputs.a
#                          libvemt_disclosure.a libvemt_engine.a
ingest=$1 outputs=$2 disclosure=$3 engine=$4 fail=0 n=0
defined() { nm -g --defined-only "$1" | awk 'NF==3 {print $3}' | sort -u; }
undefined() { nm -u "$1" | awk '{print $NF}' | sort -u; }
dir=$(mktemp -d)
for lib in ingest outputs disclosure engine; do
    eval "path=\$$lib"
    defined "$path" >"$dir/$lib.def"
    undefined "$path" >"$dir/$lib.undef"
done
# uses A B: A's objects must reference no symbol B defines.
uses() {
    n=$((n + 1))
    both=$(comm -12 "$dir/$1.undef" "$dir/$2.def")
    if [ -n "$both" ]; then echo "$1 uses $2:"; echo "$both"; fail=1; fi
}
uses ingest outputs
uses outputs ingest
uses disclosure ingest
uses disclosure outputs
uses engine disclosure
n=$((n + 1))
deps=$(grep -E '^(GDAL|OGR|OSR|CPL|VSI|proj_|json_)' "$dir/disclosure.undef")
if [ -n "$deps" ]; then echo "disclosure uses GDAL, PROJ or json-c:"; echo "$deps"; fail=1; fi
rm -rf "$dir"
[ $fail = 0 ] && echo "layering: $n passed, 0 failed"
exit $fail
