#!/bin/sh
# SIGINT and SIGTERM during `gocompat matrix` keep every finished record
# (no torn line) and leave the previous results file alone; `--resume`
# finishes the run without redoing those cells, and `--rerun` redoes just
# the cells it names. A file-size limit standing in
# for a full disk gives a clear error, exit 2, and an intact journal.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
here=$(cd "$(dirname "$0")" && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/interrupt
rm -rf "$dir" && mkdir -p "$dir"
tcs=$("$bin" toolchains --json | python3 -c 'import json,sys; v=[t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")]; print(" ".join("-t "+x for x in v[-2:]))') || exit 99
common="--srcdir $here/slow $tcs -j 1 -q --no-table --no-expectations"
"$bin" build $common || { echo "interrupt: warm-up build failed"; exit 1; }
fail() { echo "interrupt: $*"; exit 1; }

valid_lines() { python3 -c '
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1]), 1):
    json.loads(line); n += 1
print(n)' "$1"; }

for sig in INT TERM; do
  out="$dir/m-$sig.json"
  echo previous > "$out"
  "$bin" matrix $common -o "$out" &
  pid=$!
  i=0
  # Up to 10 min for the first two records: the limit bounds a failure only,
  # and on a loaded machine compiling the first hosts alone can take a minute.
  while [ "$(cat "$out.journal" 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 6000 ]; do sleep 0.1; i=$((i+1)); done
  kill -$sig $pid
  wait $pid; rc=$?
  [ $rc -eq 130 ] || fail "SIG$sig: exit $rc, want 130"
  [ "$(cat "$out")" = previous ] || fail "SIG$sig: the previous results file was touched"
  kept=$(valid_lines "$out.journal") || fail "SIG$sig: torn or invalid journal line"
  [ "$kept" -ge 2 ] || fail "SIG$sig: only $kept records kept"
  python3 -c 'import json,sys; json.dump({json.loads(l)["host"]+json.loads(l)["go"]: json.loads(l)["duration_ms"] for l in open(sys.argv[1])}, open(sys.argv[2], "w"))' "$out.journal" "$dir/before-$sig.json"
  "$bin" matrix $common -o "$out" --resume || fail "SIG$sig: --resume failed"
  python3 - "$out" "$dir/before-$sig.json" <<'PY' || fail "SIG$sig: resume redid or lost cells"
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
before = json.load(open(sys.argv[2]))
assert len(recs) == 8, "%d records after resume, want 8" % len(recs)
assert all(r["status"] == "pass" for r in recs), [r["detail"] for r in recs if r["status"] != "pass"]
now = {r["host"] + r["go"]: r["duration_ms"] for r in recs}
for k, d in before.items():
    assert now[k] == d, "cell %s was run again" % k
print("kept %d, ran %d more" % (len(before), len(recs) - len(before)))
PY
  [ ! -e "$out.journal" ] || fail "SIG$sig: journal left behind after a complete run"
done

# --rerun measures the named cases' cells again and keeps the document as it
# was beside the new one; a glob that matches nothing changes nothing.
out="$dir/m-INT.json"
cp "$out" "$dir/rerun-before.json"
"$bin" matrix $common -o "$out" --rerun 'nothing/*' 2>"$dir/rerun.err" && fail "--rerun of no record: exit 0"
cmp -s "$out" "$dir/rerun-before.json" || fail "--rerun of no record touched the document"
one=$(echo "$tcs" | cut -d' ' -f1-2)
"$bin" matrix --srcdir "$here/slow" $one -j 1 -q --no-table --no-expectations -o "$out" --rerun 'slow/*' 2>>"$dir/rerun.err" &&
  fail "--rerun over a narrower selection: exit 0"
cmp -s "$out" "$dir/rerun-before.json" || fail "--rerun over a narrower selection touched the document"
"$bin" matrix $common -o "$out" --rerun 'slow/*' || fail "--rerun failed"
cmp -s "$out.old" "$dir/rerun-before.json" || fail "--rerun did not keep the document as it was"
python3 - "$out" "$dir/rerun-before.json" <<'PY' || fail "--rerun lost or kept cells"
import json, sys
now, before = (json.load(open(p))["records"] for p in sys.argv[1:])
assert len(now) == len(before) == 8, (len(now), len(before))
was = {r["host"] + r["go"]: r["duration_ms"] for r in before}
same = [r["host"] + r["go"] for r in now if was[r["host"] + r["go"]] == r["duration_ms"]]
assert not same, "not measured again: %s" % same
PY

# A full disk: the journal may hold about one record; the run must stop
# with a clear message and exit 2, keeping what it wrote whole.
out="$dir/full.json"
( ulimit -f 3; exec "$bin" matrix $common -o "$out" ) 2>"$dir/full.err"
rc=$?
[ $rc -eq 2 ] || fail "disk full: exit $rc, want 2"
grep -Eq "cannot append to .*journal: (No space left on device|File too large)" "$dir/full.err" || { cat "$dir/full.err"; fail "disk full: no clear message"; }
valid_lines "$out.journal" >/dev/null || fail "disk full: journal has a torn line"
[ ! -e "$out" ] || fail "disk full: a results file was written"
echo "interrupt: SIGINT/SIGTERM keep records and resume; --rerun redoes what it names; disk full is a clean error"
