#!/bin/sh
# How long `gocompat report` takes, and how much memory, to render every
# view of a large matrix (default 50 000 records; target < 2 s, < 200 MB).
# Not part of `make check` (timings depend on the machine); run it by hand:
#   tests/report_scale.sh [RECORDS] [GOCOMPAT]
set -eu
n=${1:-50000}
bin=${2:-${GOCOMPAT_BIN:-./gocompat}}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gocompat-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_matrix.py" "$n" > "$work/matrix.json"
echo "matrix: $n records, $(du -m "$work/matrix.json" | cut -f1) MB"
/usr/bin/time -f "report: wall %e s, cpu %U s user + %S s sys, peak RSS %M KB" \
  "$bin" report -i "$work/matrix.json" -o "$work/out" --timing
du -sh "$work/out"
