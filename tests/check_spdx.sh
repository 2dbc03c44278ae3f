#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file says its licence in an SPDX line near its top.
# usage: check_spdx.sh SOURCE_DIR
cd "$1" || exit 1
missing=$(find . -path './build*' -prune -o -path './.git' -prune -o \
    -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \
    -o -name '*.R' -o -name '*.in' -o -name '*.cmake' \
    -o -name CMakeLists.txt -o -path ./.ci/run \) -print |
    while read -r f; do
        head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' ||
            echo "$f"
    done)
if [ -n "$missing" ]; then
    echo "no SPDX line:"; echo "$missing"; echo "spdx: 0 passed, 1 failed"
    exit 1
fi
echo "spdx: 1 passed, 0 failed"
