#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The installed interface can't rot: install the build into a fresh prefix,
# compile examples/demo.c against it with nothing but pkg-config's flags,
# run it from the source root and check that its GeoPackage has the hot
# spot layer.
# usage: check_install.sh CMAKE BUILD_DIR SOURCE_DIR LIBDIR WORK_DIR
# CC (default cc) compiles; CFLAGS and LDFLAGS, when set, are added: a
# sanitizer build's libvemt needs its runtime linked into the program too.
set -eu
cmake=$1 build=$2 src=$3 libdir=$4 work=$5
prefix=$work/prefix
fail() { echo "FAIL: $*"; echo "install_example: 0 passed, 1 failed"; exit 1; }

rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" ||
    { cat "$work/install.log"; fail "cmake --install"; }

flags=$(PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig pkg-config --cflags --libs vemt) ||
    fail "pkg-config knows no vemt under $prefix/$libdir/pkgconfig"
# shellcheck disable=SC2086 # the flags are words, as in $(pkg-config ...)
${CC:-cc} ${CFLAGS:-} -o "$work/demo" "$src/examples/demo.c" $flags \
    -Wl,-rpath,"$prefix/$libdir" ${LDFLAGS:-} || fail "examples/demo.c does not build"

(cd "$src" && "$work/demo" "$work/demo.gpkg") || fail "the example failed"
[ -s "$work/demo.gpkg" ] || fail "no $work/demo.gpkg"

# The hot spot layer is there and has rows (sqlite3 of Python's standard
# library; ogrinfo of gdal-bin when there is no Python).
if [ -x /usr/bin/python3 ]; then
    rows=$(/usr/bin/python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
try:
    print(db.execute("SELECT count(*) FROM hotspot_cells").fetchone()[0])
except sqlite3.Error as e:
    print(e, file=sys.stderr)
' "$work/demo.gpkg") || rows=
else
    rows=$(ogrinfo -ro -so "$work/demo.gpkg" hotspot_cells |
           sed -n 's/^Feature Count: //p') || rows=
fi
[ -n "$rows" ] || fail "no hotspot_cells table in $work/demo.gpkg"
[ "$rows" -gt 0 ] || fail "hotspot_cells is empty"
echo "demo.gpkg: hotspot_cells has $rows rows"
echo "install_example: 1 passed, 0 failed"
