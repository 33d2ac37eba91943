#!/bin/sh
# `make install` (staged under a DESTDIR) gives a gocompat that works from
# any folder: it reads the cases, checks, fixtures and probe SDK it
# installed, not the source tree, unless GOCOMPAT_SRCDIR or --srcdir say
# otherwise; the manual page is installed and names every command of
# --help; `make uninstall` leaves no file behind.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
build=$(cd "$(dirname "$bin")" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${GOCOMPAT_CHECK_DIR:-check-results}/install
rm -rf "$dir" && mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
stage=$dir/stage
inst=$stage${GOCOMPAT_BINDIR:-/usr/local/bin}/gocompat
data=$stage${GOCOMPAT_PKGDATADIR:-/usr/local/share/gocompat}
man=$stage${GOCOMPAT_MANDIR:-/usr/local/share/man}/man1/gocompat.1
fail() { echo "install: $*"; exit 1; }
# The installed program is run with no hint where its data is.
installed() { (cd / && env -u GOCOMPAT_SRCDIR "$inst" "$@"); }

# A make of its own: not the jobserver of the `make check` running this.
stage_make() { (unset MAKEFLAGS MFLAGS MAKELEVEL; ${MAKE:-make} -C "$build" "$@" DESTDIR="$stage") >"$dir/make.log" 2>&1; }
stage_make install || { tail -n 20 "$dir/make.log"; fail "make install failed"; }
[ -x "$inst" ] || fail "no program at $inst"
for f in cases/claims.txt cases/abi/add.case checks/lib gosrc/basic/go.mod probe/probe.h probe/probe_host.c \
  probe/abi.c probe/gocompat_probe.py probe/gocompat_header.py bench/bench_probe.c results/expectations; do
  [ -e "$data/$f" ] || fail "$f was not installed in $data"
done
left=$(find "$data" \( -name '*.o' -o -name .deps -o -name .dirstamp -o -name __pycache__ -o -name '*.pyc' \) | head -n 3)
[ -z "$left" ] || fail "build products installed: $left"

installed --help >"$dir/help" || fail "--help failed"
grep -q "(now: $data)" "$dir/help" || fail "--help does not name $data as the data folder: $(grep now: "$dir/help")"

# The installed cases are the ones read: a descriptor broken in the staged
# copy only is reported by its installed path; the overrides read the
# source tree instead.
echo 'hostz: c-dlopen' >>"$data/cases/abi/add.case"
installed check-cases >"$dir/out" 2>"$dir/err" && fail "a broken installed case passed check-cases"
grep -q "^$data/cases/abi/add.case:.*unknown key" "$dir/err" || fail "check-cases did not read $data: $(head -c 300 "$dir/err")"
(cd / && GOCOMPAT_SRCDIR=$top "$inst" check-cases) >/dev/null 2>&1 || fail "GOCOMPAT_SRCDIR did not override the installed data"
installed check-cases --srcdir "$top" >/dev/null 2>&1 || fail "--srcdir did not override the installed data"
sed -i '$d' "$data/cases/abi/add.case"
cmp -s "$data/cases/abi/add.case" "$top/cases/abi/add.case" || fail "could not restore the staged case"

tc=$("$bin" toolchains --json | python3 -c 'import json,sys; print([t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")][-1])') ||
  { echo "install: no usable Go toolchain; skipped the runs"; exit 77; }
# One cell of the matrix, and a user's library with its own C and Python
# tests (built against the installed probe SDK), both run from /.
installed matrix -t "$tc" -c abi/add --host c-dlopen -j 2 --no-table -o "$dir/m.json" >"$dir/out" 2>"$dir/err" ||
  fail "matrix from /: $(tail -c 400 "$dir/err")"
grep -q '1 records in .*(pass 1,' "$dir/err" || fail "matrix from /: $(tail -n 1 "$dir/err")"
installed check "$top/examples/libdemo" -t "$tc" -m c-shared -c lib/load -c 'user/*' -j 2 --no-table -o "$dir/c.json" \
  >"$dir/out" 2>"$dir/err" || fail "check from /: $(tail -c 400 "$dir/err")"
grep -q ' records in .*fail 0, xfail 0, xpass 0, skip 0, error 0' "$dir/err" || fail "check from /: $(tail -n 1 "$dir/err")"
python3 - "$dir/c.json" <<'PY' || fail "check from /: not the cells asked for"
import json, sys
cells = {(r["case"], r["host"]) for r in json.load(open(sys.argv[1]))["records"]}
assert ("user/api", "python-ctypes") in cells and ("user/api", "c-dlopen") in cells, sorted(cells)
PY

# The manual page lists every command and environment variable of --help.
[ -f "$man" ] || fail "no manual page at $man"
python3 - "$dir/help" "$man" <<'PY' || fail "the manual page does not match --help"
import re, sys
help_text, page = open(sys.argv[1]).read(), open(sys.argv[2]).read().replace("\\-", "-")
commands = re.findall(r"^  (\S+) +(.+)$", help_text.split("Commands:")[1].split("\n\n")[0], re.M)
assert len(commands) > 5, commands
missing = [c for c, summary in commands if ".B %s\n%s\n" % (c, summary) not in page]
env = re.findall(r"^  (GOCOMPAT_\w+)", help_text, re.M)
missing += [v for v in env if ".B %s\n" % v not in page]
assert "@" not in page, "unsubstituted @VARIABLE@"
if missing:
    sys.exit("not in the manual page as in --help: " + ", ".join(missing))
PY

stage_make uninstall || { tail -n 20 "$dir/make.log"; fail "make uninstall failed"; }
left=$(find "$stage" -type f | head -n 3)
[ -z "$left" ] || fail "make uninstall left files: $left"
echo "install: the staged installation runs from / on its own data; overrides, manual page and uninstall work"
