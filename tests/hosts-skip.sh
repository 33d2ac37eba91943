#!/bin/sh
# The interpreted hosts (node-koffi, python313-ctypes, python313-cffi,
# python-cffi-api) and java-ffm end as `skip` with the reason when what they
# run on is missing: an interpreter named by an override that is not there,
# no koffi in the node_modules folder, a JDK older than 22 or none at all.
# Never `error` or `fail`.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
dir=${GOCOMPAT_CHECK_DIR:-check-results}/hosts-skip
rm -rf "$dir" && mkdir -p "$dir/empty"
dir=$(cd "$dir" && pwd)
tc=$("$bin" toolchains --json | python3 -c 'import json,sys; v=[t["version"] for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")]; print(v[-1])') || exit 99
fail() { echo "hosts-skip: $*"; exit 1; }

# run NAME HOST CASE VAR=VALUE…: one cell with the overrides; prints its status and detail.
run() {
  name=$1 host=$2 kase=$3
  shift 3
  env "$@" "$bin" matrix -t "$tc" --host "$host" -c "$kase" -j 1 -q --no-table --no-expectations \
      -o "$dir/$name.json" || fail "$name: matrix exit $?"
  python3 - "$dir/$name.json" <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
if len(recs) != 1:
    sys.exit("want one record, got %d" % len(recs))
print(recs[0]["status"], recs[0]["detail"])
PY
}

expect() {  # expect NAME GOT WANT-STATUS WANT-DETAIL-SUBSTRING
  case "$2" in
    "$3 "*"$4"*) ;;
    *) fail "$1: got '$2', want $3 with '$4'" ;;
  esac
}

got=$(run no-koffi node-koffi abi/hosts-calls GOCOMPAT_NODE_MODULES="$dir/empty") || exit 1
expect no-koffi "$got" skip "no koffi module in $dir/empty"
got=$(run no-node node-koffi abi/add GOCOMPAT_NODE="$dir/nonode") || exit 1
expect no-node "$got" skip "GOCOMPAT_NODE=$dir/nonode is not an executable"
got=$(run no-python313 python313-ctypes abi/add GOCOMPAT_PYTHON313="$dir/nopython") || exit 1
expect no-python313 "$got" skip "GOCOMPAT_PYTHON313=$dir/nopython is not an executable"
got=$(run no-python313-cffi python313-cffi abi/hosts-calls GOCOMPAT_PYTHON313="$dir/nopython") || exit 1
expect no-python313-cffi "$got" skip "GOCOMPAT_PYTHON313=$dir/nopython is not an executable"
# A Python without cffi (an empty interpreter: -S and no site-packages is
# what `python3 -I -S` gives; a wrapper stands in for one) cannot build an
# API-mode extension.
cat > "$dir/bare-python" <<SH
#!/bin/sh
exec python3 -S -c 'import sys; sys.modules["cffi"] = None; exec(sys.argv[1])' "\$2"
SH
chmod +x "$dir/bare-python"
got=$(run no-cffi-api python-cffi-api abi/hosts-calls GOCOMPAT_PYTHON="$dir/bare-python") || exit 1
expect no-cffi-api "$got" skip "cannot compile a cffi extension: no cffi module"
# java-ffm needs java.lang.foreign, final since JDK 22: a JDK 17 (a stand-in
# with its release file; nothing of it is run) or a folder that is no JDK.
mkdir -p "$dir/jdk17/bin"
for tool in javac java; do printf '#!/bin/sh\nexit 1\n' > "$dir/jdk17/bin/$tool" && chmod +x "$dir/jdk17/bin/$tool"; done
echo 'JAVA_VERSION="17.0.15"' > "$dir/jdk17/release"
got=$(run old-jdk java-ffm abi/hosts-calls GOCOMPAT_JAVA_FFM_HOME="$dir/jdk17") || exit 1
expect old-jdk "$got" skip "is JDK 17.0.15; java-ffm needs 22 or later (java.lang.foreign is final since JDK 22)"
got=$(run no-jdk java-ffm abi/hosts-calls GOCOMPAT_JAVA_FFM_HOME="$dir/empty") || exit 1
expect no-jdk "$got" skip "$dir/empty is not a JDK: no bin/javac"
echo "hosts-skip: 7 cells skipped with their reasons"
