#!/bin/sh
# matrix.md, matrix.csv, junit.xml and matrix.tap of a three-arch matrix,
# cell by cell against the records: see tests/views_cells.py.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
src=${GOCOMPAT_SRCDIR:-.}
work=${GOCOMPAT_CHECK_DIR:-check-results}/views-cells
exec timeout 300 python3 "$src/tests/views_cells.py" "$bin" "$work"
