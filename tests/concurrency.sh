#!/bin/sh
# Parallelism changes nothing but time: -j 1 and -j 4 give the same
# records, and two gocompat processes sharing one fresh cache both succeed,
# build each fixture once, and agree.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
here=$(cd "$(dirname "$0")" && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/concurrency
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "concurrency: $*"; exit 1; }
tcs=$("$bin" toolchains --json | python3 -c 'import json,sys; v=[t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")]; print(" ".join("-t "+x for x in v[-2:]))') || exit 99
common="--srcdir $here/slow -q --no-table --no-expectations"

"$bin" matrix $common $tcs -j 1 -o "$dir/j1.json" || fail "-j 1 run failed"
"$bin" matrix $common $tcs -j 4 -o "$dir/j4.json" || fail "-j 4 run failed"
python3 "$here/compare_matrices.py" "$dir/j1.json" "$dir/j4.json" || fail "-j 4 differs from -j 1"

# Two processes, one empty cache: the builds race for the same keys.
one=$(echo $tcs | awk '{print $1, $2}')
export GOCOMPAT_CACHE="$dir/cache"
"$bin" matrix $common $one -j 2 -o "$dir/a.json" & a=$!
"$bin" matrix $common $one -j 2 -o "$dir/b.json" & b=$!
wait $a; ra=$?
wait $b; rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ] || fail "concurrent runs exited $ra and $rb"
python3 "$here/compare_matrices.py" "$dir/a.json" "$dir/b.json" || fail "concurrent runs disagree"
python3 - "$GOCOMPAT_CACHE/builds" <<'PY' || fail "the shared cache is inconsistent"
import json, os, sys
root = sys.argv[1]
entries = [e for e in os.listdir(root) if not e.endswith(".lock")]
assert entries, "no builds cached"
for e in entries:
    assert ".tmp" not in e, "temporary left in the cache: " + e
    info = json.load(open(os.path.join(root, e, "build.json")))
    assert info["status"] == "ok", (e, info["status"])
# c-shared and c-archive of one fixture for one toolchain: exactly two builds.
assert len(entries) == 2, entries
PY
echo "concurrency: -j 1 == -j 4; two processes share a cache safely"
