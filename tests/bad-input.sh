#!/bin/sh
# Bad input gets one clear line (file:line where there is one), exit 2, and
# destroys nothing: malformed descriptors, broken results documents, a
# "toolchain" that is not Go or hangs, a fixture that does not compile, an
# unwritable results folder, a corrupt ELF, unknown commands and options.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/bad-input
rm -rf "$dir" && mkdir -p "$dir"
problems=0
fail() { echo "FAIL: $*"; problems=$((problems + 1)); }

# expect RC PATTERN CMD...: run CMD, want exit RC and stderr matching PATTERN
expect() {
  want=$1 pat=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err"; rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want ($(head -c 300 "$dir/err"))"
  grep -Eq -- "$pat" "$dir/err" || fail "$*: stderr lacks /$pat/: $(head -c 300 "$dir/err")"
}

tree() { # a source tree with the real fixtures and hosts, and cases of its own
  mkdir -p "$1/cases" && ln -s "$top/gosrc" "$1/gosrc" && ln -s "$top/probe" "$1/probe"
}

# Malformed descriptors: every one named with its line, nothing run.
t="$dir/badcases"; tree "$t"; mkdir -p "$t/cases/x"
printf 'fixture: basic\nhostz: c-dlopen\n' >"$t/cases/x/typo.case"
printf 'fixture: basic\nhosts: c-dlopen\nprobe: p\nexpect: e\noutcome: exit 999\n' >"$t/cases/x/range.case"
expect 2 'typo.case:2: unknown key `hostz`' "$bin" check-cases --srcdir "$t"
grep -q 'range.case:5: bad outcome' "$dir/err" || fail "second malformed descriptor not reported"
expect 2 'malformed case descriptor' "$bin" matrix --srcdir "$t" -o "$dir/never.json"
[ ! -e "$dir/never.json" ] && [ ! -e "$dir/never.json.journal" ] || fail "matrix wrote output despite bad descriptors"

# Broken results documents.
printf '{"schema": "gocompat.matrix/1", "records": [\n  {"schema": "gocompat.res' >"$dir/trunc.json"
expect 2 'trunc.json:2:' "$bin" merge "$dir/trunc.json"
printf '{"schema": "gocompat.matrix/9", "records": []}\n' >"$dir/future.json"
expect 2 'unknown schema "gocompat.matrix/9"' "$bin" merge "$dir/future.json"
printf '{"schema": "gocompat.matrix/1", "records": [{"schema": "gocompat.result/1", "go": "go1.22"}]}\n' >"$dir/thin.json"
expect 2 'record 0: record lacks' "$bin" merge "$dir/thin.json"
expect 2 'No such file' "$bin" merge "$dir/absent.json"

# Toolchains that are not Go, or hang.
expect 2 '' "$bin" toolchains --no-discover --go /bin/true
grep -q '/bin/true' "$dir/out" || fail "toolchains did not list the broken /bin/true"
expect 2 'no usable Go toolchain' "$bin" matrix --no-discover --go /bin/true -o "$dir/never.json"
printf '#!/bin/sh\nexec sleep 60\n' >"$dir/hang-go" && chmod +x "$dir/hang-go"
start=$(date +%s)
GOCOMPAT_TIMEOUT_MULT=0.1 "$bin" toolchains --no-discover --go "$dir/hang-go" >"$dir/out" 2>&1
[ $(( $(date +%s) - start )) -lt 20 ] || fail "a hanging go env was waited for"
grep -q 'did not answer' "$dir/out" || fail "hanging toolchain not reported: $(cat "$dir/out")"

# A fixture that does not compile is a failed cell, not a stopped run.
tc=$("$bin" toolchains --json | python3 -c 'import json,sys; print([t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")][-1])')
t="$dir/broken"; mkdir -p "$t/cases/build" "$t/gosrc/broken"; ln -s "$top/gosrc/basic" "$t/gosrc/basic"; ln -s "$top/probe" "$t/probe"
printf 'module gocompat/broken\n\ngo 1.19\n' >"$t/gosrc/broken/go.mod"
printf 'package main\n\nimport "C"\n\nfunc main() { undefinedThing() }\n' >"$t/gosrc/broken/main.go"
printf 'kind: build\nfixture: broken\nbuildmodes: c-shared\nexpect: builds\n' >"$t/cases/build/broken.case"
printf 'kind: build\nfixture: basic\nbuildmodes: c-shared\nexpect: builds\n' >"$t/cases/build/basic.case"
"$bin" matrix --srcdir "$t" -t "$tc" -o "$dir/broken.json" -q --no-table --no-expectations 2>"$dir/err"; rc=$?
[ $rc -eq 1 ] || fail "broken fixture: exit $rc, want 1 (an unexpected failure)"
python3 - "$dir/broken.json" <<'PY' || fail "broken fixture not recorded as a build failure beside a passing cell"
import json, sys
recs = {r["case"]: r for r in json.load(open(sys.argv[1]))["records"]}
b = recs["build/broken"]
assert b["status"] == "fail" and b["outcome"]["kind"] == "build-fail", b
assert "undefinedThing" in b["stderr_head"] and "main.go:5" in b["stderr_head"], b["stderr_head"]
assert recs["build/basic"]["status"] == "pass", recs["build/basic"]
PY

# Results that cannot be written: a clear refusal before any work.
if [ "$(id -u)" -eq 0 ]; then ro=/proc/gocompat-readonly; else mkdir -p "$dir/ro" && chmod 555 "$dir/ro"; ro="$dir/ro/sub"; fi
expect 2 'cannot (create|write)' "$bin" matrix -t "$tc" -c build/basic -o "$ro/matrix.json"

# A corrupt ELF, where the elf command exists.
if "$bin" elf --help >/dev/null 2>&1; then
  head -c 100 "$(command -v gcc)" >"$dir/trunc.elf"
  expect 2 'trunc.elf' "$bin" elf "$dir/trunc.elf"
  printf 'not an elf file at all\n' >"$dir/text.elf"
  expect 2 'text.elf' "$bin" elf "$dir/text.elf"
fi

# Unknown words.
expect 2 "unknown command 'frobnicate'" "$bin" frobnicate
expect 2 'unrecognized option|invalid option' "$bin" matrix --frobnicate
expect 2 '--jobs wants' "$bin" matrix -j 0
expect 2 '--shard wants' "$bin" matrix --shard 5/4

echo "bad-input: $problems problems"
[ $problems -eq 0 ]
