#!/bin/sh
# `gocompat matrix --shard K/N` over N = 4, merged with `gocompat merge`,
# must give exactly the records of one unsharded run (timings aside), and
# merge must refuse inconsistent inputs.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
dir=${GOCOMPAT_CHECK_DIR:-check-results}/shard
rm -rf "$dir" && mkdir -p "$dir"
tc=$("$bin" toolchains --json | python3 -c 'import json,sys; print([t["version"] for t in json.load(sys.stdin) if "error" not in t][-1])') || exit 99
sel="-t $tc -c abi/add -c panic/unrecovered-* -c symbols/lowercase-export -q --no-table --no-expectations"
"$bin" matrix $sel -o "$dir/single.json" || { echo "single run failed"; exit 1; }
for k in 1 2 3 4; do
  "$bin" matrix $sel --shard $k/4 -o "$dir/shard$k.json" || { echo "shard $k/4 failed"; exit 1; }
done
"$bin" merge -o "$dir/merged.json" "$dir"/shard[1-4].json || { echo "merge failed"; exit 1; }
python3 "$(dirname "$0")/compare_matrices.py" "$dir/single.json" "$dir/merged.json" || exit 1

# A cell that disagrees between inputs is refused, and nothing is written.
python3 - "$dir/shard1.json" "$dir/conflict.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["records"][0]["status"] = "fail" if doc["records"][0]["status"] != "fail" else "pass"
json.dump(doc, open(sys.argv[2], "w"))
PY
if "$bin" merge -o "$dir/bad.json" "$dir/shard1.json" "$dir/conflict.json" 2>"$dir/merge.err"; then
  echo "merge accepted conflicting inputs"; exit 1
fi
grep -q "refusing to merge" "$dir/merge.err" || { echo "no clear refusal:"; cat "$dir/merge.err"; exit 1; }
[ ! -e "$dir/bad.json" ] || { echo "merge wrote output despite the conflict"; exit 1; }
echo "shard-merge: 4 shards merge to the single run; conflicts refused"
