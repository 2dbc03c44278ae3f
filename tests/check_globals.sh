#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a library defines a writable object (.data or .bss): the house
# style allows no mutable global or file-scope static state.
# usage: check_globals.sh LIB.a...
found=$(objdump -t "$@" | awk '$0 ~ / O \.(data|bss)[ \t]/ {print}')
if [ -n "$found" ]; then
    echo "mutable globals found:"; echo "$found"; exit 1
fi
echo "no mutable globals: 1 passed, 0 failed"
