#!/bin/sh
# Attacks on the harness by a hostile but realistic user: each row is a
# command, the exit status it must give and the first line it must print on
# stderr, and then what must still hold (nothing replaced, nothing lost,
# nothing cached). Bad input gets one clear line and exit 2; nothing may
# hang (every attack runs under a deadline) and no record may be lost.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/bad-input
rm -rf "$dir" && mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
problems=0 attacks=0
fail() { echo "FAIL: $*"; problems=$((problems + 1)); }

# attack WANT-EXIT FIRST-LINE-ERE CMD...: CMD must exit WANT-EXIT within
# 60 s, and the first line of its stderr must match the pattern.
attack() {
  want=$1 pat=$2; shift 2
  attacks=$((attacks + 1))
  timeout -s KILL 60 "$@" >"$dir/out" 2>"$dir/err" </dev/null; rc=$?
  first=$(head -n 1 "$dir/err")
  [ "$rc" -eq "$want" ] || fail "#$attacks $*: exit $rc, want $want ($(head -c 300 "$dir/err"))"
  printf '%s\n' "$first" | grep -Eq -- "$pat" || fail "#$attacks $*: first line '$first' does not match /$pat/"
}
# holds WHAT TEST...: a consequence of the attack before it.
holds() { what=$1; shift; "$@" || fail "#$attacks: $what"; }
unchanged() { cmp -s "$1" "$2"; }

tree() { # a source tree with the real fixtures and hosts, and cases of its own
  mkdir -p "$1/cases" && ln -s "$top/gosrc" "$1/gosrc" && ln -s "$top/probe" "$1/probe"
}
# A toolchain built by `toolchains --build` names its column in GOROOT/.gocompat-name,
# which would also name the devel wrapper below: take an installed release.
newest() { "$bin" toolchains --json | python3 -c '
import json, os, sys
def built(t): return os.path.exists(os.path.join(os.path.dirname(os.path.dirname(t["path"])), ".gocompat-name"))
print([t[sys.argv[1]] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator") and not built(t)][-1])' "$1"; }
tc=$(newest version) && go=$(newest path) || { echo "bad-input: no usable toolchain"; exit 77; }
# One toolchain, no discovery: each attack on `matrix` costs a fraction of a second.
m="$bin matrix --no-discover --go $go -q --no-table --no-expectations"

# ---- numbers in options and the environment ----
attack 2 '^gocompat: --jobs wants' $m -j 0
attack 2 '^gocompat: --jobs wants .*out of range' $m -j 4294967297
attack 2 '^gocompat: --jobs wants' $m -j 2x
attack 2 '^gocompat: --jobs wants' $m -j ' 2'
attack 2 '^gocompat: --shard wants' $m --shard 5/4
attack 2 '^gocompat: --shard wants' $m --shard 1/2junk
attack 2 '^gocompat: --shard wants' $m --shard 0/2
attack 2 '^gocompat: --seed wants' $m --seed abc
attack 2 '^gocompat: --seed wants' $m --seed -1
attack 2 '^gocompat: --timeout-mult wants' $m --timeout-mult 0
attack 2 '^gocompat: GOCOMPAT_TIMEOUT_MULT wants' env GOCOMPAT_TIMEOUT_MULT=1e-9 $m
attack 2 '^gocompat: GOCOMPAT_TIMEOUT_MULT wants' env GOCOMPAT_TIMEOUT_MULT=1e308 $m
attack 2 '^gocompat: GOCOMPAT_TIMEOUT_MULT wants' env GOCOMPAT_TIMEOUT_MULT=inf $m
attack 2 '^gocompat: GOCOMPAT_TIMEOUT_MULT wants' env GOCOMPAT_TIMEOUT_MULT=nan $m
attack 2 '^gocompat: GOCOMPAT_EMU_TIMEOUT_MULT wants' env GOCOMPAT_EMU_TIMEOUT_MULT=-1 $m
attack 2 '^gocompat: --ttd-tolerance .*wants' "$bin" diff --ttd-tolerance -5 a.json b.json
attack 2 '^gocompat: --reps wants' "$bin" bench --reps 2.5
attack 2 '^gocompat: --alpha wants' "$bin" bench --alpha inf

# ---- unknown words ----
attack 2 "^gocompat: unknown command 'frobnicate'" "$bin" frobnicate
attack 2 'unrecognized option|invalid option' $m --frobnicate
attack 2 'matrix takes no arguments' $m stray
attack 2 "^gocompat: unknown host 'c-nowhere'" $m --host c-nowhere
attack 2 "^gocompat: unknown build mode 'c-wat'" $m -m c-wat

# ---- outputs: never replaced unless a regular file, checked before work ----
echo previous >"$dir/existing.json"; cp "$dir/existing.json" "$dir/existing.keep"
mkdir -p "$dir/adir"
ln -s "$dir/link-target" "$dir/link.json"
mkfifo "$dir/fifo.json"
attack 2 '^gocompat: -o wants a file name' $m -c abi/add -o ''
attack 2 'is a directory' $m -c abi/add -o "$dir/adir"
attack 2 'names a folder' $m -c abi/add -o "$dir/nosuch/"
attack 2 'symbolic link; refusing' $m -c abi/add -o "$dir/link.json"
holds "the symlink was replaced or its target written" test -L "$dir/link.json" -a ! -e "$dir/link-target"
attack 2 'not a regular file; refusing' $m -c abi/add -o "$dir/fifo.json"
holds "the FIFO was replaced" test -p "$dir/fifo.json"
attack 2 'not a regular file; refusing' $m -c abi/add -o /dev/null
holds "/dev/null is no longer a device" test -c /dev/null
if [ "$(id -u)" -eq 0 ] && mknod "$dir/dev" c 1 3 2>/dev/null; then
  attack 2 'not a regular file; refusing' $m -c abi/add -o "$dir/dev"
  holds "the device node was replaced" test -c "$dir/dev"
fi
if [ "$(id -u)" -eq 0 ]; then ro=/proc/gocompat-readonly; else mkdir -p "$dir/ro" && chmod 555 "$dir/ro"; ro="$dir/ro/sub"; fi
attack 2 'cannot (create|write)' $m -c abi/add -o "$ro/matrix.json"
attack 2 'symbolic link; refusing' "$bin" merge -o "$dir/link.json" "$dir/existing.json"
attack 2 'not a regular file; refusing' "$bin" merge -o /dev/null "$dir/existing.json"
attack 2 'output path is empty' "$bin" merge -o '' "$dir/existing.json"
attack 2 'symbolic link; refusing' "$bin" diff -o "$dir/link.json" "$dir/existing.json" "$dir/existing.json"
attack 2 'not a regular file; refusing' "$bin" diff -o "$dir/fifo.json" "$dir/existing.json" "$dir/existing.json"
attack 2 'symbolic link; refusing' "$bin" upgrade --no-discover --go "$go" --from 1.27 --to 1.27 --diff-out "$dir/link.json"

# ---- a selection that matches nothing writes nothing ----
attack 2 'selection matches no cell' $m -c abi/ad -o "$dir/existing.json"
holds "a typo in -c touched the results" unchanged "$dir/existing.json" "$dir/existing.keep"
attack 2 'selection matches no cell' $m -a nosuch -o "$dir/existing.json"
holds "an unknown area touched the results" unchanged "$dir/existing.json" "$dir/existing.keep"
holds "a journal was started for nothing" test ! -e "$dir/existing.json.journal"
attack 2 'selection matches no cell' "$bin" build --no-discover --go "$go" -c abi/ad
attack 2 'selection matches no case' "$bin" list -c abi/ad
attack 2 'no usable Go toolchain' $m -t 1.99 -o "$dir/existing.json"

# ---- a narrower benchmark run never replaces a wider one ----
b="$bin bench --no-discover --go $go --quick -q --no-plot"
mkdir -p "$dir/bench-bad" && echo '{"schema": 1}' >"$dir/bench-bad/bench.json" && cp "$dir/bench-bad/bench.json" "$dir/bench-bad.keep"
attack 2 'is not a benchmark document' $b -b call/empty -o "$dir/bench-bad"
holds "bench replaced a file it could not read" unchanged "$dir/bench-bad/bench.json" "$dir/bench-bad.keep"
$b -b call/empty -o "$dir/bench" >/dev/null 2>&1 && cp "$dir/bench/bench.json" "$dir/bench.keep" || fail "bench -b call/empty did not run"
attack 2 'benchmarks this run does not plan' $b -b call/add -o "$dir/bench"
holds "a narrower bench run replaced bench.json" unchanged "$dir/bench/bench.json" "$dir/bench.keep"

# ---- a narrower matrix run never replaces a wider document ----
$m -c abi/add -o "$dir/wide.json" >/dev/null 2>&1 && cp "$dir/wide.json" "$dir/wide.keep" || fail "matrix -c abi/add did not run"
attack 2 'holds [0-9]+ records of cells this run does not select' $m -c abi/add --host c-dlopen -o "$dir/wide.json"
holds "a narrower matrix run replaced the document" unchanged "$dir/wide.json" "$dir/wide.keep"

# ---- inputs: regular files only, bounded, UTF-8 without NUL ----
# A real document to corrupt.
$m -c abi/add --host c-dlopen -o "$dir/good.json" || fail "a one-cell run failed"
python3 - "$dir" <<'PY'
import json, os, sys
d = sys.argv[1]
text = open(os.path.join(d, "good.json"), "rb").read()
open(os.path.join(d, "nul.json"), "wb").write(text.replace(b'"detail": "', b'"detail": "\\u0000', 1).replace(b"\n", b"\n\x00", 1))
open(os.path.join(d, "latin1.json"), "wb").write(text.replace(b'"detail": "', b'"detail": "caf\xe9 ', 1))
open(os.path.join(d, "huge-number.json"), "wb").write(text.replace(b'"duration_ms": ', b'"overflow": 1e999, "duration_ms": ', 1))
PY
mkfifo "$dir/in.fifo"
truncate -s 2G "$dir/sparse.json"
attack 2 'in.fifo: not a regular file' "$bin" report -i "$dir/in.fifo" -o "$dir/views"
attack 2 'in.fifo: not a regular file' "$bin" diff "$dir/in.fifo" "$dir/good.json"
attack 2 'in.fifo: not a regular file' "$bin" merge "$dir/in.fifo"
attack 2 'zero: not a regular file' "$bin" merge /dev/zero
attack 2 'zero: not a regular file' "$bin" report -i /dev/zero -o "$dir/views"
attack 2 'adir: Is a directory' "$bin" report -i "$dir/adir" -o "$dir/views"
attack 2 'sparse.json: larger than the 1 GiB input limit' "$bin" merge "$dir/sparse.json"
attack 2 'sparse.json: larger than the 1 GiB input limit' "$bin" report -i "$dir/sparse.json" -o "$dir/views"
attack 2 'nul.json:2: a NUL byte' "$bin" merge "$dir/nul.json"
attack 2 'nul.json:2: a NUL byte' "$bin" report -i "$dir/nul.json" -o "$dir/views"
attack 2 'latin1.json:[0-9]+: not valid UTF-8' "$bin" merge "$dir/latin1.json"
attack 2 'latin1.json:[0-9]+: not valid UTF-8' "$bin" diff "$dir/latin1.json" "$dir/good.json"
attack 2 'huge-number.json:[0-9]+: .*real number overflow' "$bin" merge "$dir/huge-number.json"
attack 2 'huge-number.json:[0-9]+: .*real number overflow' "$bin" report -i "$dir/huge-number.json" -o "$dir/views"
attack 2 'huge-number.json:[0-9]+: .*real number overflow' "$bin" diff "$dir/huge-number.json" "$dir/good.json"
attack 2 'in.fifo: not a regular file' "$bin" report -i "$dir/good.json" --claims "$dir/in.fifo" -o "$dir/views"
me="$bin matrix --no-discover --go $go -q --no-table" # with a baseline
attack 2 'in.fifo: not a regular file' $me -c abi/add --expectations "$dir/in.fifo" -o "$dir/x.json"
printf '1.19 c-shared c-dlopen abi/add https://x\0\n' >"$dir/nul.expect"
attack 2 'nul.expect:1: a NUL byte' $me -c abi/add --expectations "$dir/nul.expect" -o "$dir/x.json"
attack 2 'report -o names the folder|is not a folder' "$bin" report -i "$dir/good.json" -o /dev/null

# Broken results documents.
printf '{"schema": "gocompat.matrix/1", "records": [\n  {"schema": "gocompat.res' >"$dir/trunc.json"
attack 2 'trunc.json:2:' "$bin" merge "$dir/trunc.json"
printf '{"schema": "gocompat.matrix/9", "records": []}\n' >"$dir/future.json"
attack 2 'unknown schema "gocompat.matrix/9"' "$bin" merge "$dir/future.json"
printf '{"schema": "gocompat.matrix/1", "records": [{"schema": "gocompat.result/1", "go": "go1.22"}]}\n' >"$dir/thin.json"
attack 2 'record 0: record lacks' "$bin" merge "$dir/thin.json"
attack 2 'No such file' "$bin" merge "$dir/absent.json"

# ---- case descriptors: every problem named with its line, nothing run ----
t="$dir/badcases"; tree "$t"; mkdir -p "$t/cases/x"
printf 'fixture: basic\nhostz: c-dlopen\n' >"$t/cases/x/typo.case"
printf 'fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\noutcome: exit 999\n' >"$t/cases/x/range.case"
attack 2 'typo.case:2: unknown key `hostz`|range.case:5: bad outcome' "$bin" check-cases --srcdir "$t"
holds "a malformed descriptor not reported" grep -q 'range.case:5: bad outcome' "$dir/err"
holds "a malformed descriptor not reported" grep -q 'typo.case:2: unknown key `hostz`' "$dir/err"
attack 2 'typo.case:2: unknown key|range.case:5: bad outcome' $m --srcdir "$t" -o "$dir/never.json"
holds "matrix wrote output despite bad descriptors" test ! -e "$dir/never.json" -a ! -e "$dir/never.json.journal"
one_case() { # one_case NAME TEXT: a tree whose only case is x/NAME.case
  t="$dir/case-$1"; tree "$t"; mkdir -p "$t/cases/x"; printf "$2" >"$t/cases/x/$1.case"
}
one_case dup 'fixture: basic\nhosts: c-dlopen c-dlopen\nprobe: p\nexpect: e\n'
attack 2 'dup.case:2: host `c-dlopen@c-shared` listed twice' "$bin" check-cases --srcdir "$t"
one_case twice 'fixture: basic\nhosts: c-dlopen\nhosts: c-linked\nprobe: p\nexpect: e\n'
attack 2 'twice.case:3: `hosts:` given twice' "$bin" check-cases --srcdir "$t"
one_case nul 'fixture: basic\nhosts: c-dlopen\0\nprobe: p\nexpect: e\n'
attack 2 'nul.case:2: a NUL byte' "$bin" check-cases --srcdir "$t"
one_case latin1 'fixture: basic\nexpect: caf\351\n'
attack 2 'latin1.case:2: not valid UTF-8' "$bin" check-cases --srcdir "$t"
t="$dir/case-fifo"; tree "$t"; mkdir -p "$t/cases/x"; mkfifo "$t/cases/x/pipe.case"
attack 2 'pipe.case: not a regular file' "$bin" check-cases --srcdir "$t"
t="$dir/case-loop"; tree "$t"; mkdir -p "$t/cases/x"; printf 'fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\n' >"$t/cases/x/ok.case"
ln -s loop "$t/cases/loop"
attack 2 'cases/loop: Too many levels of symbolic links' "$bin" check-cases --srcdir "$t"
attack 2 '' "$bin" list --srcdir "$t"

# ---- toolchains that are not Go, hang, or are built from source ----
attack 2 '' "$bin" toolchains --no-discover --go /bin/true
holds "toolchains did not list the broken /bin/true" grep -q '/bin/true' "$dir/out"
attack 2 'true: go env -json printed no JSON object' "$bin" matrix --no-discover --go /bin/true -o "$dir/never.json"
holds "no one-line verdict for a toolchain that is not Go" grep -q 'no usable Go toolchain' "$dir/err"
printf '#!/bin/sh\nexec sleep 60\n' >"$dir/hang-go" && chmod +x "$dir/hang-go"
attack 2 'did not answer' env GOCOMPAT_TIMEOUT_MULT=0.1 "$bin" matrix --no-discover --go "$dir/hang-go" -o "$dir/never.json"
# A toolchain built from a Go source tree says "devel go1.N-hash".
printf '#!/bin/sh\n[ "$1" = env ] && "%s" env -json | sed "s/\\"GOVERSION\\": \\"go[^\\"]*\\"/\\"GOVERSION\\": \\"devel go1.27-abcdef0 Tue Jan 2 2024\\"/" && exit 0\nexec "%s" "$@"\n' "$go" "$go" >"$dir/devel-go"
chmod +x "$dir/devel-go"
attack 0 '^$' "$bin" toolchains --no-discover --go "$dir/devel-go"
holds "a devel toolchain was not taken as go1.27" grep -q '^go1.27-abcdef0 ' "$dir/out"

# ---- the environment fails, not Go: exit 2, one line, nothing cached ----
attack 2 "C compiler 'gcc' not found" env PATH= $m -c abi/add --host c-dlopen -o "$dir/env.json"
attack 2 "C compiler 'no-such-cc' not found" env CC=no-such-cc $m -c abi/add --host c-dlopen -o "$dir/env.json"
holds "an environment failure left a results file" test ! -e "$dir/env.json"
mkdir -p "$dir/romnt"
if mount -t tmpfs -o ro gocompat-ro "$dir/romnt" 2>/dev/null; then
  attack 2 'cannot write the build cache .*Read-only file system' env GOCOMPAT_CACHE="$dir/romnt" $m -c abi/add -o "$dir/env.json"
  umount "$dir/romnt"
elif [ "$(id -u)" -ne 0 ]; then
  chmod 555 "$dir/romnt"
  attack 2 'cannot write the build cache' env GOCOMPAT_CACHE="$dir/romnt" $m -c abi/add -o "$dir/env.json"
fi
echo not-a-folder >"$dir/cache-file"
attack 2 'cannot write the build cache .*Not a directory' env GOCOMPAT_CACHE="$dir/cache-file" $m -c abi/add -o "$dir/env.json"
# A go whose builds fail as on a full disk: the run stops, and the next run,
# the disk freed, builds instead of believing a cached failure.
printf '#!/bin/sh\nif [ "$1" = build ]; then echo "# gocompat/basic" >&2; echo "write $0: no space left on device" >&2; exit 1; fi\nexec "%s" "$@"\n' "$go" >"$dir/full-go"
chmod +x "$dir/full-go"
attack 2 'failed for a reason outside Go: .*no space left on device' env GOCOMPAT_CACHE="$dir/envcache" \
  "$bin" matrix --no-discover --go "$dir/full-go" -q --no-table --no-expectations -c abi/add --host c-dlopen -o "$dir/env.json"
holds "an environment build failure was cached" sh -c "! grep -rqs build-fail '$dir/envcache/builds'"
holds "an environment build failure became a record" sh -c "! grep -qs abi/add '$dir/env.json.journal'"

# ---- a fixture that does not compile is a failed cell, not a stop ----
t="$dir/broken"; mkdir -p "$t/cases/build" "$t/gosrc/broken"; ln -s "$top/gosrc/basic" "$t/gosrc/basic"; ln -s "$top/probe" "$t/probe"
printf 'module gocompat/broken\n\ngo 1.19\n' >"$t/gosrc/broken/go.mod"
printf 'package main\n\nimport "C"\n\nfunc main() { undefinedThing() }\n' >"$t/gosrc/broken/main.go"
printf 'kind: build\nfixture: broken\nbuildmodes: c-shared\nexpect: builds\n' >"$t/cases/build/broken.case"
printf 'kind: build\nfixture: basic\nbuildmodes: c-shared\nexpect: builds\n' >"$t/cases/build/basic.case"
attack 1 'FAIL .* build/broken' $m --srcdir "$t" -o "$dir/broken.json"
python3 - "$dir/broken.json" <<'PY' || fail "broken fixture not recorded as a build failure beside a passing cell"
import json, sys
recs = {r["case"]: r for r in json.load(open(sys.argv[1]))["records"]}
b = recs["build/broken"]
assert b["status"] == "fail" and b["outcome"]["kind"] == "build-fail", b
assert "undefinedThing" in b["stderr_head"] and "main.go:5" in b["stderr_head"], b["stderr_head"]
assert recs["build/basic"]["status"] == "pass", recs["build/basic"]
PY

# ---- a corrupt ELF ----
head -c 100 "$(command -v gcc)" >"$dir/trunc.elf"
attack 2 'trunc.elf' "$bin" elf "$dir/trunc.elf"
printf 'not an elf file at all\n' >"$dir/text.elf"
attack 2 'text.elf' "$bin" elf "$dir/text.elf"
attack 2 'in.fifo' "$bin" elf "$dir/in.fifo"

# ---- journals: resume never loses a record; one run owns an output ----
# A journal of one real record, for the resume attacks.
rj="$dir/r.json"
python3 - "$dir/good.json" "$rj.journal" <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
with open(sys.argv[2], "w") as f:
    for r in recs:
        f.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
PY
cat "$rj.journal" "$rj.journal" "$rj.journal" >"$dir/r.keep" && cp "$dir/r.keep" "$rj.journal" # > 2 KiB
attack 2 'holds 3 records outside this selection' $m -c abi/gostring -o "$rj" --resume
holds "--resume with another selection touched the journal" unchanged "$rj.journal" "$dir/r.keep"
attack 2 'cannot rewrite .*r.json.journal: File too large; it is unchanged' sh -c "ulimit -f 2; exec $m -c abi/add --host c-dlopen -o '$rj' --resume"
holds "--resume on a full disk touched the journal" unchanged "$rj.journal" "$dir/r.keep"
ln -s "$dir/r.keep" "$dir/l.json.journal"
attack 2 'cannot rewrite .*refusing to replace it' $m -c abi/add --host c-dlopen -o "$dir/l.json" --resume
holds "--resume replaced a journal symlink" test -L "$dir/l.json.journal"
# A line that is no record (torn, or from elsewhere) is dropped by --resume,
# but the journal as it was is kept.
cp "$dir/r.keep" "$dir/t.json.journal" && printf '{"schema": "gocompat.result/1", "go": "go1.2' >>"$dir/t.json.journal"
attack 0 't.json.journal:4: torn last line' $m -c abi/add --host c-dlopen -o "$dir/t.json" --resume
holds "the journal with a torn line was not kept" sh -c "tail -c 20 '$dir/t.json.journal.old' | grep -q 'go1.2'"
mkfifo "$dir/f.json.journal"
attack 2 'f.json.journal: not a regular file' $m -c abi/add --host c-dlopen -o "$dir/f.json" --resume
# The journals of two earlier unfinished runs are both kept.
echo first >"$dir/o.json.journal.old"; echo second >"$dir/o.json.journal"
attack 0 'moved to .*o.json.journal.old.1' $m -c abi/add --host c-dlopen -o "$dir/o.json"
holds ".journal.old was overwritten" grep -qx first "$dir/o.json.journal.old"
holds "the second unfinished journal was lost" grep -qx second "$dir/o.json.journal.old.1"
# A second run on the same output is refused while the first holds it,
# and the first finishes with every record.
flock "$dir/existing.json.lock" sleep 30 & holder=$!
sleep 0.3
attack 2 'another gocompat run is writing .*existing.json' $m -c abi/add -o "$dir/existing.json"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
holds "a refused run touched the results" unchanged "$dir/existing.json" "$dir/existing.keep"
slow="$bin matrix --no-discover --go $go --srcdir $here/slow -q --no-table --no-expectations -j 1"
$slow -o "$dir/two.json" & owner=$!
i=0; while [ ! -s "$dir/two.json.journal" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
attack 2 'another gocompat run is writing' $slow -o "$dir/two.json"
wait $owner; rc=$?
holds "the first of two runs exited $rc" test $rc -eq 0
holds "the first of two runs lost records" python3 -c 'import json,sys; n=len(json.load(open(sys.argv[1]))["records"]); sys.exit(n != 4)' "$dir/two.json"
# A SIGKILLed harness leaves no worker behind to append to its journal.
$slow -o "$dir/killed.json" & victim=$!
i=0; while [ ! -s "$dir/killed.json.journal" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
attacks=$((attacks + 1))
kill -KILL $victim; wait $victim 2>/dev/null
lines=$(wc -l <"$dir/killed.json.journal")
sleep 2.5
holds "workers outlived a SIGKILLed harness and appended to its journal" test "$(wc -l <"$dir/killed.json.journal")" -eq "$lines"
holds "workers outlived a SIGKILLed harness" sh -c "! pgrep -f '[k]illed.json' >/dev/null"
# A report killed mid-write leaves no temporary file behind.
python3 - "$dir/good.json" "$dir/big.json" <<'PY' # 40 000 cells of one record's shape
import json, sys
doc = json.load(open(sys.argv[1]))
r = doc["records"][0]
recs = []
for i in range(40000):
    x = dict(r)
    x["case"] = "abi/add-%05d" % i
    recs.append(x)
doc["records"] = recs
json.dump(doc, open(sys.argv[2], "w"))
PY
"$bin" report -i "$dir/big.json" -o "$dir/bigviews" & rep=$!
i=0; while ! ls "$dir/bigviews" 2>/dev/null | grep -q '\.tmp\.' && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
attacks=$((attacks + 1))
kill -TERM $rep; wait $rep; rc=$?
holds "the report was not killed mid-write (exit $rc)" test $rc -eq 143
holds "a killed report left temporary files: $(ls "$dir/bigviews" 2>/dev/null | grep '\.tmp\.' | head -3)" sh -c "! ls '$dir/bigviews' 2>/dev/null | grep -q '\.tmp\.'"

echo "bad-input: $attacks attacks, $problems problems"
[ $problems -eq 0 ]
