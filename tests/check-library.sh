#!/bin/sh
# `gocompat check DIR` end to end: the example library over every installed
# release with calls; a second layout (module root + --pkg, a symlinked .go
# file, vendor/); a constant changed in a subpackage reaches the cell (the
# fixture cache key covers the module); the upgrade report's header diff;
# and bad input: one line and exit 2, nothing run.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/check-library
rm -rf "$dir" && mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
problems=0
fail() { echo "FAIL: $*"; problems=$((problems + 1)); }

# expect RC PATTERN CMD...: run CMD, want exit RC and stderr matching PATTERN
expect() {
  want=$1 pat=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err"; rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want ($(tail -c 600 "$dir/err"))"
  grep -Eq -- "$pat" "$dir/err" || fail "$*: stderr lacks /$pat/: $(tail -c 300 "$dir/err")"
}
releases=$("$bin" toolchains --json | python3 -c 'import json,sys; print(" ".join(t["version"] for t in json.load(sys.stdin) if "error" not in t))')
first=${releases%% *} last=${releases##* }
[ -n "$first" ] || { echo "SKIP: no Go toolchain"; exit 77; }

# The example over every installed release: every cell passes, its calls
# and its own C and Python tests (user/api) from its gocompat-check.conf.
expect 0 'records in .*fail 0, xfail 0, xpass 0, skip 0, error 0' "$bin" check "$top/examples/libdemo" -j 2 --no-table \
  -o "$dir/demo.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$dir/demo.json")
want=$(((13 + 5) * $(echo "$releases" | wc -w)))
[ "$n" -eq "$want" ] || fail "example: $n records, want $want"

# The upgrade report between the oldest and newest release.
if [ "$first" != "$last" ]; then
  "$bin" check "$top/examples/libdemo" --from "$first" --to "$last" -q --no-table -o "$dir/up.json" \
    --format json >"$dir/up.out" 2>"$dir/up.err" || fail "upgrade report: exit $? ($(tail -c 300 "$dir/up.err"))"
  python3 - "$dir/up.out" <<'PY' || fail "upgrade report lacks the library section"
import json, sys
d = json.load(open(sys.argv[1]))
lib = d["library"]
assert "header_changed" in lib and isinstance(lib["header_diff"], str), lib.keys()
assert set(lib["signatures"]) == {"added", "removed", "changed"}
if lib["header_changed"]:
    assert lib["header_diff"].startswith("--- "), lib["header_diff"][:80]
# the calls of the example's config, timed from both threads in both releases
calls = {(c["call"], c["thread"]) for c in lib["call_cost"]}
assert ("Add(2,3)=5", "main_thread") in calls and ("Add(2,3)=5", "new_thread") in calls, calls
assert all(c["verdict"] in ("same", "faster", "slower", "REGRESSION") for c in lib["call_cost"]), lib["call_cost"]
PY
fi

# A subpackage's constant changed: the cell sees the new value (the fixture
# cache key once hashed only the package folder's own files).
cp -R "$top/examples/libdemo" "$dir/demo-copy"
: >"$dir/empty.conf"
expect 0 'pass 1,' "$bin" check "$dir/demo-copy" --config "$dir/empty.conf" -t "$last" -m c-shared -c lib/calls \
  --no-table -o "$dir/k1.json" --call 'Scale(1)=3'
sed -i 's/^const Factor = 3$/const Factor = 5/' "$dir/demo-copy/internal/scale/scale.go"
expect 0 'pass 1,' "$bin" check "$dir/demo-copy" --config "$dir/empty.conf" -t "$last" -m c-shared -c lib/calls \
  --no-table -o "$dir/k2.json" --call 'Scale(1)=5'

# A module root with the package in a subfolder, a symlinked .go file and a
# vendored dependency, offline.
m="$dir/lib2"
mkdir -p "$m/cmd/capi" "$m/shared" "$m/vendor/example.com/dep"
printf 'module example.org/lib2\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n' >"$m/go.mod"
printf '# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n' >"$m/vendor/modules.txt"
printf 'package dep\n\nfunc Twice(n int) int { return 2 * n }\n' >"$m/vendor/example.com/dep/dep.go"
printf 'package main\n\nimport "C"\n\nimport "example.com/dep"\n\n//export Double\nfunc Double(n int) int { return dep.Twice(n) }\n\nfunc main() {}\n' >"$m/shared/double.go"
ln -s ../../shared/double.go "$m/cmd/capi/double.go"
printf 'package main\n\nimport "C"\n\n//export Hello\nfunc Hello() int32 { return 42 }\n' >"$m/cmd/capi/hello.go"
expect 0 'fail 0, xfail 0, xpass 0, skip 0, error 0' "$bin" check "$m" --pkg cmd/capi -t "$last" -j 2 --no-table \
  -o "$dir/lib2.json" --call 'Double(21)=42' --call 'Hello()=42'

# The user's own tests that hang, crash or flood their output: each is a
# failed cell with its evidence, and every other record is kept.
mkdir -p "$m/t"
printf 'import time\nimport gocompat_probe as p\np.load()\ntime.sleep(600)\n' >"$m/t/hang.py"
printf '#include <stdlib.h>\n#include "probe.h"\nvoid probe_main(int c, char **v) { (void)c; (void)v; abort(); }\n' >"$m/t/crash.c"
printf 'import sys\nimport gocompat_probe as p\np.load()\nfor _ in range(200000): sys.stdout.write("x" * 99 + "\\n")\np.passed()\np.finish()\n' >"$m/t/flood.py"
printf 'tests: t\ntimeout: 3\nxfail: * * * user/crash https://example.org/known-crash\n' >"$m/gocompat-check.conf"
"$bin" check "$m" --pkg cmd/capi -t "$last" -m c-shared -c 'user/*' -j 2 --no-table -o "$dir/hostile.json" \
  >"$dir/out" 2>"$dir/err" && fail "hanging user test: exit 0"
python3 - "$dir/hostile.json" <<'PY' || fail "user tests: $(tail -c 400 "$dir/err")"
import json, sys
recs = {(r["case"], r["host"]): r for r in json.load(open(sys.argv[1]))["records"]}
assert len(recs) == 5, sorted(recs)
assert recs[("user/hang", "python-ctypes")]["outcome"]["kind"] == "timeout", recs[("user/hang", "python-ctypes")]
crash = [recs[("user/crash", h)] for h in ("c-dlopen", "c-linked", "c-threads")]
assert all(r["outcome"].get("signal") == "SIGABRT" for r in crash), crash
# The host that reported before aborting meets the config's xfail line;
# one that died before reporting anything is an error (never excused).
assert crash[0]["status"] == "xfail" and crash[0]["upstream"] == "https://example.org/known-crash", crash[0]
flood = recs[("user/flood", "python-ctypes")]
assert flood["status"] == "pass" and flood["evidence"]["stdout_bytes"] == 20000000, flood["evidence"]
PY
rm "$m/gocompat-check.conf"

# Bad input: one line, exit 2, no results written.
expect 2 'not a Go package .*--pkg' "$bin" check "$m" -t "$last" -o "$dir/never.json"
expect 2 'No such file' "$bin" check "$dir/absent" -o "$dir/never.json"
mkdir -p "$dir/notmain" "$dir/noexport" "$dir/nocgo"
printf 'package lib\n\nimport "C"\n\n//export F\nfunc F() {}\n' >"$dir/notmain/lib.go"
expect 2 'package lib is not main' "$bin" check "$dir/notmain" -o "$dir/never.json"
printf 'package main\n\nimport "C"\n\nfunc F() {}\n\nfunc main() {}\n' >"$dir/noexport/m.go"
expect 2 'no //export' "$bin" check "$dir/noexport" -o "$dir/never.json"
printf 'package main\n\n//export F\nfunc F() {}\n\nfunc main() {}\n' >"$dir/nocgo/m.go"
expect 2 'no file imports "C"' "$bin" check "$dir/nocgo" -o "$dir/never.json"
expect 2 'CGO_ENABLED=0' env CGO_ENABLED=0 "$bin" check "$m" --pkg cmd/capi -o "$dir/never.json"
rm -rf "$m/vendor"
expect 2 'dependency does not resolve offline.*example.com/dep' "$bin" check "$m" --pkg cmd/capi -t "$last" -o "$dir/never.json"
expect 2 'not c-shared|c-shared and c-archive' "$bin" check "$top/examples/libdemo" -m plugin -o "$dir/never.json"
expect 2 'needs both --from and --to' "$bin" check "$top/examples/libdemo" --from "$first" -o "$dir/never.json"
expect 2 'one folder' "$bin" check "$top/examples/libdemo" "$m" -o "$dir/never.json"
printf 'tests: t\nreleses: 1.22\n' >"$dir/typo.conf"
expect 2 'typo.conf:2: unknown key `releses`' "$bin" check "$top/examples/libdemo" --config "$dir/typo.conf" -o "$dir/never.json"
[ ! -e "$dir/never.json" ] && [ ! -e "$dir/never.json.journal" ] || fail "bad input wrote results"
# A call that cannot be made is a failed cell that says why, never a guess.
"$bin" check "$top/examples/libdemo" -t "$last" -m c-shared -c lib/calls --no-table -o "$dir/bad-call.json" \
  --call 'Sum(1)' --call 'Fill(0,1)' >/dev/null 2>&1 && fail "uncallable exports: exit 0"
python3 - "$dir/bad-call.json" <<'PY' || fail "uncallable exports not explained"
import json, sys
r = json.load(open(sys.argv[1]))["records"][0]
assert r["status"] == "fail", r["status"]
assert "GoSlice: the header does not say the element type" in r["detail"], r["detail"]
assert "pointer" in r["evidence"]["not_callable"]["Fill"], r["evidence"]["not_callable"]
PY

[ "$problems" -eq 0 ] || { echo "$problems problem(s)"; exit 1; }
echo "check-library: ok"
