#!/bin/sh
# Replays each fuzz target's corpus (seeds and every input fuzzing kept)
# through a sanitizer build of the target, so what fuzzing once found stays
# fixed.
set -u
bindir=$(dirname "${GOCOMPAT_BIN:-./gocompat}")
corpus=$(cd "$(dirname "$0")" && pwd)/corpus
rc=0
for t in casefile results elf options; do
  printf '%s: ' "$t"
  "$bindir/tests/fuzz/replay-$t" "$corpus/$t" || rc=1
done
exit $rc
