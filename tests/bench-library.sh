#!/bin/sh
# `gocompat bench` end to end with one release and two short repetitions
# (the shape of the results, never their speed): a -b filter that leaves
# every baseline out still measures the C->C baseline; --lib on the example
# library times each call of its config from the main thread, a pthread and
# ctypes, lists the exports it does not call with the reason, and a wrong
# expected result fails those benchmarks; a call the header rules out, or
# no call at all, is one line and exit 2.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${GOCOMPAT_CHECK_DIR:-check-results}
mkdir -p "$out" && dir=$(cd "$out" && pwd)/bench-library && rm -rf "$dir" && mkdir "$dir" || exit 99
problems=0

# run WANT NAME ARGS...: gocompat ARGS must exit WANT; its output is kept
# as NAME.out and NAME.err.
run() {
  want=$1 name=$2
  shift 2
  "$bin" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $name: exit $got, want $want ($(tail -c 600 "$dir/$name.err"))"
    problems=$((problems + 1))
  fi
}
fail() { echo "FAIL: $*"; problems=$((problems + 1)); }

last=$("$bin" toolchains --json | python3 -c 'import json,sys
ok = [t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator") and t.get("cgo_enabled", True)]
print(ok[-1] if ok else "")')
[ -n "$last" ] || { echo "SKIP: no Go toolchain with cgo"; exit 77; }
fast="-t $last --reps 2 --batch-ms 2 --no-plot"
demo=$top/examples/libdemo

# The filter selects no baseline: the one the ratios divide by is measured.
run 0 filtered bench $fast -b call/empty -o "$dir/filtered"
grep -Eq '^C->C indirect call baseline: [0-9.]+ ns' "$dir/filtered.out" ||
  fail "filtered: no baseline figure: $(grep baseline "$dir/filtered.out")"
python3 - "$dir/filtered/bench.json" <<'PY' || fail "filtered: the baseline is not in the document"
import json, math, sys
d = json.load(open(sys.argv[1]))
base = d["baseline"]["median_ns"]
assert isinstance(base, float) and math.isfinite(base) and base > 0, d["baseline"]
benches = [r["bench"] for r in d["results"]]
assert benches.count("base/c_indirect") == 1 and set(benches) == {"base/c_indirect", "call/empty"}, benches
for r in d["results"]:
    assert r["status"] == "ok", r["id"]
    if r["bench"] == "call/empty":
        assert math.isfinite(r["ratio_to_c"]) and r["ratio_to_c"] > 0, r["id"]
PY

# The example library: its config's calls, per export, from three places.
run 0 lib bench --lib "$demo" $fast -o "$dir/lib"
python3 - "$dir/lib/bench.json" "$demo/gocompat-check.conf" "$last" <<'PY' || fail "lib: the document is not as expected"
import json, math, sys
d = json.load(open(sys.argv[1]))
calls = [l.split(":", 1)[1].strip() for l in open(sys.argv[2]) if l.startswith("call:")]
lib = d["library"]
assert [c["call"] for c in lib["calls"]] == calls, lib["calls"]
skipped = lib["not_benchmarked"]
assert "GoSlice" in skipped["Sum"] and "pointer" in skipped["Fill"], skipped
assert "--call" in skipped["Noop"] and "--call" in skipped["Counter"], skipped
assert set(skipped) == {"Sum", "Fill", "Noop", "Counter"}, skipped
base = d["baseline"]["median_ns"]
assert math.isfinite(base) and base > 0, d["baseline"]
for c in lib["calls"]:
    got = {(r["host"], r["thread"]): r for r in d["results"] if r["bench"] == c["bench"]}
    assert set(got) == {("c-dlopen", "main"), ("c-dlopen", "pthread"), ("python-ctypes", "main")}, (c, list(got))
    for r in got.values():
        assert r["status"] == "ok" and r["go"] == sys.argv[3] and r["call"] == c["call"], r["id"]
        assert len(r["samples_ns"]) == 2 and all(math.isfinite(x) and x > 0 for x in r["samples_ns"]), r["id"]
        for k in ("median_ns", "min_ns", "mean_ns", "ratio_to_c"):
            assert math.isfinite(r[k]) and r[k] > 0, (r["id"], k, r[k])
PY
grep -q '^Add(2,3), main thread ' "$dir/lib.out" || fail "lib: no summary row for Add(2,3)"
python3 - "$dir/lib/bench.csv" <<'PY' || fail "lib: bench.csv lacks the calls"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["bench"] == "lib/Add(2,3)"]
assert len(rows) == 3 and all(float(r["median_ns"]) > 0 for r in rows), rows
PY

# A wrong expected result: the call fails from all three places, naming
# the value it returned.
run 1 wrong bench --lib "$demo" $fast -b 'lib/*' --call 'Add(2,3)=6' -o "$dir/wrong"
python3 - "$dir/wrong/bench.json" <<'PY' || fail "wrong: the failures are not recorded"
import json, sys
d = json.load(open(sys.argv[1]))
rs = [r for r in d["results"] if r["bench"] == "lib/Add(2,3)"]
assert len(rs) == 3 and all(r["status"] == "fail" and "returned 5" in r["detail"] for r in rs), rs
PY

# Bad input: one line, exit 2, nothing measured.
run 2 slice bench -q --lib "$demo" $fast --call 'Sum(1)' -o "$dir/bad"
grep -q 'Sum cannot be called: argument 1 is GoSlice' "$dir/slice.err" || fail "slice: $(cat "$dir/slice.err")"
: >"$dir/empty.conf"
run 2 nocall bench -q --lib "$demo" $fast --config "$dir/empty.conf" -o "$dir/bad"
grep -q 'no call to time' "$dir/nocall.err" || fail "nocall: $(cat "$dir/nocall.err")"
run 2 nolib bench -q $fast --call 'Add(2,3)' -o "$dir/bad"
grep -q 'go with --lib' "$dir/nolib.err" || fail "nolib: $(cat "$dir/nolib.err")"
[ ! -e "$dir/bad/bench.json" ] || fail "bad input wrote $dir/bad/bench.json"
for f in slice nocall nolib; do
  [ "$(wc -l <"$dir/$f.err")" -eq 1 ] || fail "$f: not one line of error: $(cat "$dir/$f.err")"
done

[ "$problems" -eq 0 ] && echo "bench-library: all checks passed"
[ "$problems" -eq 0 ]
