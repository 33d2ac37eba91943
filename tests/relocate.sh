#!/bin/sh
# Moving or copying the checkout must not rebuild anything: fixtures and C
# hosts are keyed by content, never by the source path. A file a probe
# #includes from its folder is part of its host's key.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
src=${GOCOMPAT_SRCDIR:-.}
dir=${GOCOMPAT_CHECK_DIR:-check-results}/relocate
rm -rf "$dir" && mkdir -p "$dir/a" "$dir/b"
fail() { echo "relocate: $*"; exit 1; }
for t in a b; do cp -R "$src/cases" "$src/gosrc" "$src/probe" "$dir/$t/" || exit 99; done
tc=$("$bin" toolchains --json | python3 -c 'import json,sys; print([t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")][-1])') || exit 99
sel="-t $tc -c abi/add -c abi/shapes-ints-direct --host c-dlopen --host c-linked -q --no-table --no-expectations"
"$bin" matrix --srcdir "$dir/a" $sel -o "$dir/a.json" || fail "run in the first copy failed"
# The second copy differs in one file a probe includes (not in the probe itself).
echo '/* touched */' >> "$dir/b/cases/abi/abi_run.h"
"$bin" matrix --srcdir "$dir/b" $sel -o "$dir/b.json" || fail "run in the second copy failed"
python3 - "$dir/a.json" "$dir/b.json" <<'PY' || exit 1
import json, sys
def hosts(path):
    return {(r["case"], r["host"]): r["evidence"].get("host_binary") for r in json.load(open(path))["records"]}
a, b = hosts(sys.argv[1]), hosts(sys.argv[2])
assert len(a) == 3 and all(a.values()), "want 3 cells with a host binary, got %s" % a
bad = []
for k in sorted(a):
    same = a[k] == b[k]
    if k[0] == "abi/add" and not same:
        bad.append("%s %s: moved checkout rebuilt its host (%s, then %s)" % (k + (a[k], b[k])))
    if k[0] != "abi/add" and same:
        bad.append("%s %s: a changed #include kept the old host %s" % (k + (a[k],)))
for r in json.load(open(sys.argv[2]))["records"]:
    if not r["evidence"].get("build", {}).get("cached"):
        bad.append("%s %s: the moved checkout rebuilt the fixture" % (r["case"], r["host"]))
for line in bad:
    print("relocate: " + line)
sys.exit(1 if bad else 0)
PY
echo "relocate: a moved checkout reuses its hosts; an included file is part of the key"
