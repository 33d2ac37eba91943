#!/bin/sh
# Moving or copying the checkout must not rebuild anything: fixtures and C
# hosts are keyed by content, never by the source path. A file a probe
# #includes from its folder is part of its host's key, for a C++ probe too
# (when g++ is here). The run's timing
# report names its phases, host compiles and slowest cells; its progress
# lines and table are shown unless -q and --no-table say otherwise.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
case $bin in */*) abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; *) abs_bin=$(command -v "$bin") ;; esac
src=${GOCOMPAT_SRCDIR:-.}
dir=${GOCOMPAT_CHECK_DIR:-check-results}/relocate
rm -rf "$dir" && mkdir -p "$dir/a" "$dir/b"
fail() { echo "relocate: $*"; exit 1; }
for t in a b; do cp -R "$src/cases" "$src/gosrc" "$src/probe" "$dir/$t/" || exit 99; done
tc=$("$bin" toolchains --json | python3 -c 'import json,sys; print([t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")][-1])') || exit 99
sel="-t $tc -c abi/add -c abi/shapes-ints-direct --host c-dlopen --host c-linked --no-expectations"
n=3
if command -v "${GOCOMPAT_CXX:-g++}" >/dev/null; then sel="$sel -c panic/hosts-recovered --host cxx-linked"; n=4; fi
"$bin" matrix --srcdir "$dir/a" $sel -q --no-table -o "$dir/a.json" >"$dir/a.out" 2>"$dir/a.err" ||
  { cat "$dir/a.err"; fail "run in the first copy failed"; }
[ ! -s "$dir/a.out" ] && ! grep -q '\[run ' "$dir/a.err" || { cat "$dir/a.out" "$dir/a.err"; fail "-q --no-table printed a table or progress"; }
# The second copy differs in files probes include (not in the probes themselves).
for h in abi/abi_run.h panic/recovered_kinds.h; do echo "/* touched $$ $(date +%s%N) */" >> "$dir/b/cases/$h"; done
"$bin" matrix --srcdir "$dir/b" $sel -o "$dir/b.json" >"$dir/b.out" 2>"$dir/b.err" || { cat "$dir/b.err"; fail "run in the second copy failed"; }
grep -q "^gocompat: \\[run $n/$n\\] go.*: pass\$" "$dir/b.err" || { cat "$dir/b.err"; fail "no progress line for the last cell"; }
[ "$(grep -c '^abi/.* c-\(dlopen\|linked\) \[c-shared\] *ok$' "$dir/b.out")" -eq 3 ] || { cat "$dir/b.out"; fail "no table of the 3 cells"; }
grep -q '^gocompat: time: toolchain discovery .* s, fixture builds .* s, cells .* s (-j [0-9]*); total .* s$' "$dir/b.err" ||
  { cat "$dir/b.err"; fail "no phase times at the end of the run"; }
[ "$(grep -c '^ *[0-9.]* s  go.* abi/' "$dir/b.err")" -eq 3 ] || { cat "$dir/b.err"; fail "the slowest cells are not listed"; }
python3 - "$dir/a.json" "$dir/b.json" "$n" <<'PY' || exit 1
import json, sys
def hosts(path):
    return {(r["case"], r["host"]): r["evidence"].get("host_binary") for r in json.load(open(path))["records"]}
a, b = hosts(sys.argv[1]), hosts(sys.argv[2])
n = int(sys.argv[3])
assert len(a) == n and all(a.values()), "want %d cells with a host binary, got %s" % (n, a)
bad = []
for k in sorted(a):
    same = a[k] == b[k]
    if k[0] == "abi/add" and not same:
        bad.append("%s %s: moved checkout rebuilt its host (%s, then %s)" % (k + (a[k], b[k])))
    if k[0] != "abi/add" and same:
        bad.append("%s %s: a changed #include kept the old host %s" % (k + (a[k],)))
doc = json.load(open(sys.argv[2]))
for r in doc["records"]:
    if not r["evidence"].get("build", {}).get("cached"):
        bad.append("%s %s: the moved checkout rebuilt the fixture" % (r["case"], r["host"]))
    if ("host_build_ms" in r["evidence"]) != (r["case"] != "abi/add"):
        bad.append("%s %s: host_build_ms %s" % (r["case"], r["host"], r["evidence"].get("host_build_ms")))
run = doc.get("run", {})
compiled = sum(r["evidence"].get("host_build_ms", 0) for r in doc["records"]) / 1e3
if not (run.get("cells_run") == n and abs(run.get("host_compile_s", -1) - compiled) < 1e-6
        and all(run.get(k, -1) >= 0 for k in ("discovery_s", "build_s", "cells_s", "cell_sum_s"))):
    bad.append("run timing %s" % run)
for line in bad:
    print("relocate: " + line)
sys.exit(1 if bad else 0)
PY
# A relative --srcdir and cache work from the probes' own folders (a Python
# probe was once looked up relative to its case folder).
(cd "$dir/a" && "$abs_bin" matrix --srcdir . -t "$tc" -c abi/add --host python-ctypes \
  --no-expectations -q --no-table -o rel.json) >"$dir/rel.err" 2>&1 || { cat "$dir/rel.err"; fail "a run with --srcdir . failed"; }
grep -q '"status": "pass"' "$dir/a/rel.json" || { cat "$dir/rel.err"; fail "python-ctypes did not pass with --srcdir ."; }
echo "relocate: a moved checkout reuses its hosts; an included file is part of the key; a relative --srcdir works"
