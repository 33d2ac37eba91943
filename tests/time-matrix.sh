#!/bin/sh
# `make time`: what the full native matrix costs cold (fresh Go build
# caches and fixture cache) and warm (the same caches, nothing to rebuild),
# and the anchor, Go's own `go test -count=1 cmd/cgo/internal/testcshared`
# for one release, cold and warm, all in the same run on the same machine.
# Writes a gocompat.timing/1 document (default results/timing.json).
#
# Usage: tests/time-matrix.sh [-o FILE] [--warm-only] [--no-anchor] [--anchor-go GO]
#                             [--keep DIR] [--from DIR] [-- MATRIX-OPTION...]
# --warm-only times one warm run over the usual cache (no cold run);
# --keep DIR keeps the raw measurements (times, matrix documents) in DIR;
# --from DIR writes the document from measurements kept so, running nothing;
# MATRIX-OPTIONs narrow the matrix (e.g. -- -t 1.27) for a quick look.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
out=results/timing.json
cold=1 anchor=1 anchor_go= keep= from=
while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || { echo "time-matrix: -o needs a file" >&2; exit 2; }; out=$2; shift ;;
    --warm-only) cold=0 ;;
    --keep) [ $# -ge 2 ] || { echo "time-matrix: --keep needs a folder" >&2; exit 2; }; keep=$2; shift ;;
    --from) [ $# -ge 2 ] || { echo "time-matrix: --from needs a folder" >&2; exit 2; }; from=$2; shift ;;
    --no-anchor) anchor=0 ;;
    --anchor-go) [ $# -ge 2 ] || { echo "time-matrix: --anchor-go needs a go binary" >&2; exit 2; }; anchor_go=$2; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "time-matrix: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x /usr/bin/time ] || { echo "time-matrix: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
outdir=$(dirname "$out")
mkdir -p "$outdir" && [ -w "$outdir" ] || { echo "time-matrix: cannot write $out" >&2; exit 2; }
if [ -n "$from" ]; then
  [ -f "$from/matrix-warm.time" ] || { echo "time-matrix: $from holds no kept measurements (matrix-warm.time)" >&2; exit 2; }
  tmp=$from cold=0 anchor=0
  # The anchor's go, as its log's first line (the command) names it.
  [ -n "$anchor_go" ] || anchor_go=$(sed -n '1s|.* \(/[^ ]*/go\) test .*|\1|p' "$from/anchor-warm.log" 2>/dev/null)
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/gocompat-time.XXXXXX") || exit 2
  trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM
if [ -z "$anchor_go" ] && [ -z "$from" ]; then
  anchor_go=$("$bin" toolchains --json | python3 -c 'import json,sys; v=[t for t in json.load(sys.stdin) if "error" not in t and not t.get("emulator")]; print(v[-1]["path"] if v else "")') || exit 2
fi

# timed NAME CMD...: runs CMD, keeps its exit status and wall/user/system
# seconds in $tmp/NAME.time.
timed() {
  name=$1; shift
  echo "time-matrix: $name: $*" >&2
  /usr/bin/time -f '%e %U %S' -o "$tmp/$name.time" "$@"
  echo $? >"$tmp/$name.rc"
}

if [ $anchor = 1 ]; then
  [ -x "$anchor_go" ] || { echo "time-matrix: no go toolchain for the anchor" >&2; exit 2; }
  goroot=$("$anchor_go" env GOROOT)
  # Offline and with a build cache of its own: the first run is cold.
  for run in anchor-cold anchor-warm; do
    ( cd "$goroot/src" && timed $run env GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOCACHE="$tmp/anchor-gocache" \
        "$anchor_go" test -count=1 cmd/cgo/internal/testcshared >"$tmp/$run.log" 2>&1 )
  done
fi
if [ $cold = 1 ]; then
  timed matrix-cold env GOCOMPAT_CACHE="$tmp/cache" "$bin" matrix -o "$tmp/cold.json" --no-table -q "$@"
  warm_cache="$tmp/cache"
else
  warm_cache=${GOCOMPAT_CACHE:-$HOME/.cache/gocompat}
fi
[ -n "$from" ] || timed matrix-warm env GOCOMPAT_CACHE="$warm_cache" "$bin" matrix -o "$tmp/warm.json" --no-table "$@"

# The floor under a warm run: one process per cell is the isolation the
# harness keeps, so N cells cost at least N process starts. Measured here,
# in the same run: the median wall time of starting /bin/true, and of
# starting Python with ctypes imported (what every Python-hosted cell pays).
[ -n "$from" ] || python3 - "$tmp/spawn.json" <<'PY'
import json, statistics, subprocess, sys, time
def median_ms(argv, n=40):
    t = []
    for _ in range(n):
        t0 = time.monotonic()
        subprocess.run(argv, check=False)
        t.append((time.monotonic() - t0) * 1e3)
    return round(statistics.median(t), 2)
json.dump({"true_ms": median_ms(["/bin/true"]),
           "python_ctypes_ms": median_ms([sys.executable, "-I", "-S", "-c", "import ctypes"])},
          open(sys.argv[1], "w"))
PY

if [ -n "$keep" ]; then
  mkdir -p "$keep" && cp -p "$tmp"/*.time "$tmp"/*.rc "$tmp"/*.json "$tmp"/*.log "$keep"/ 2>/dev/null
  [ -f "$keep/matrix-warm.time" ] || echo "time-matrix: could not keep the measurements in $keep" >&2
fi
TIME_FROM=$from python3 - "$tmp" "$out" "$anchor_go" "$*" <<'PY'
import json, os, sys, time
tmp, out, anchor_go, args = sys.argv[1:5]

def timing(name):
    p = os.path.join(tmp, name + ".time")
    if not os.path.exists(p):
        return None
    lines = open(p).read().split("\n")
    wall, user, sys_ = (float(x) for x in [l for l in lines if l.strip()][-1].split())
    rc = int(open(os.path.join(tmp, name + ".rc")).read())
    return {"wall_s": wall, "user_s": user, "sys_s": sys_, "exit": rc}

def matrix(name, doc):
    t = timing(name)
    p = os.path.join(tmp, doc)
    if t is None or not os.path.exists(p):
        return t
    d = json.load(open(p))
    t["run"] = d.get("run", {})
    t["cells"] = len(d["records"])
    t["statuses"] = {}
    for r in d["records"]:
        t["statuses"][r["status"]] = t["statuses"].get(r["status"], 0) + 1
    # The floor under a cold run: the go build calls alone, summed (each
    # distinct fixture build once), against the build phase's wall time.
    # The build phase makes every fixture before the cells run, so a cell
    # finds its build cached even in a cold run; the build's own duration
    # is kept with it. In a warm run those are earlier runs' builds.
    builds = {}
    for r in d["records"]:
        b = r["evidence"].get("build", {})
        if b.get("key") and "duration_ms" in b and (name == "matrix-cold" or not b.get("cached")):
            builds[b["key"]] = b["duration_ms"]
    t["fixture_builds"] = {"count": len(builds), "go_build_sum_s": round(sum(builds.values()) / 1e3, 2)}
    # Where the cells' time went: the probes' own time summed, divided by
    # the jobs, against the cells phase's wall time (the rest is the
    # harness), and the process-start floor of the same cells.
    jobs = max(1, int(t["run"].get("jobs", os.cpu_count() or 1)))
    cell_sum = sum(r.get("duration_ms", 0) for r in d["records"]) / 1e3
    py = sum(1 for r in d["records"] if r.get("host", "").startswith("python") or r.get("host") == "inspect")
    floor = (len(d["records"]) - py) * spawn.get("true_ms", 0) / 1e3 + py * spawn.get("python_ctypes_ms", 0) / 1e3
    # A floor that includes loading a Go runtime: every cell costs at least
    # what the quickest cell of its host cost in this run.
    quickest = {}
    for r in d["records"]:
        if r.get("host") != "none" and r.get("status") != "skip" and r.get("duration_ms"):
            quickest[r["host"]] = min(quickest.get(r["host"], 1e12), r["duration_ms"])
    host_floor = sum(quickest.get(r.get("host"), 0) for r in d["records"] if r.get("status") != "skip") / 1e3
    t["cells_time"] = {"jobs": jobs, "summed_s": round(cell_sum, 1), "summed_per_job_s": round(cell_sum / jobs, 1),
                       "process_start_floor_s": round(floor / jobs, 1), "spawn": spawn,
                       "quickest_cell_floor_s": round(host_floor / jobs, 1),
                       "quickest_cell_ms": {h: round(v, 1) for h, v in sorted(quickest.items())}}
    return t

spawn = json.load(open(os.path.join(tmp, "spawn.json"))) if os.path.exists(os.path.join(tmp, "spawn.json")) else {}
doc = {"schema": "gocompat.timing/1", "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
       # Written later from kept measurements, the load now is not the run's.
       "machine": {"cpus": os.cpu_count(),
                   "loadavg_at_end": None if os.environ.get("TIME_FROM") else list(os.getloadavg())},
       "matrix_args": args, "anchor": None, "cold": matrix("matrix-cold", "cold.json"),
       "warm": matrix("matrix-warm", "warm.json")}
a_cold, a_warm = timing("anchor-cold"), timing("anchor-warm")
if a_warm:
    doc["anchor"] = {"command": "go test -count=1 cmd/cgo/internal/testcshared", "go": anchor_go,
                     "cold": a_cold, "warm": a_warm}
    if doc["warm"]:
        doc["ratio_warm_matrix_to_warm_anchor"] = round(doc["warm"]["wall_s"] / a_warm["wall_s"], 2)
    if doc["cold"] and a_cold:
        doc["ratio_cold_matrix_to_cold_anchor"] = round(doc["cold"]["wall_s"] / a_cold["wall_s"], 2)
with open(out + ".tmp", "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
os.replace(out + ".tmp", out)

def line(label, t):
    if t:
        print("time-matrix: %-12s %7.1f s wall, %7.1f s user, %7.1f s system%s" % (
            label, t["wall_s"], t["user_s"], t["sys_s"], "" if t["exit"] == 0 else " (exit %d)" % t["exit"]))
line("anchor cold", a_cold)
line("anchor warm", a_warm)
line("matrix cold", doc["cold"])
line("matrix warm", doc["warm"])
for k in ("ratio_warm_matrix_to_warm_anchor", "ratio_cold_matrix_to_cold_anchor"):
    if k in doc:
        print("time-matrix: %s %.2f" % (k, doc[k]))
if doc["warm"] and "cells_time" in doc["warm"]:
    ct = doc["warm"]["cells_time"]
    print("time-matrix: warm: cells %.1f s summed (%.1f s per job at -j %d); one process start per cell floors it at %.1f s "
          "(/bin/true %.1f ms, python+ctypes %.1f ms); every cell as quick as its host's quickest: %.1f s" % (
          ct["summed_s"], ct["summed_per_job_s"], ct["jobs"], ct["process_start_floor_s"], ct["spawn"].get("true_ms", 0),
          ct["spawn"].get("python_ctypes_ms", 0), ct["quickest_cell_floor_s"]))
if doc["cold"]:
    fb = doc["cold"]["fixture_builds"]
    print("time-matrix: cold: %d fixture builds, go build alone %.1f s summed; build phase %.1f s wall" % (
        fb["count"], fb["go_build_sum_s"], doc["cold"]["run"].get("build_s", 0)))
print("time-matrix: wrote " + out)
bad = [n for n in ("anchor-cold", "anchor-warm", "matrix-cold", "matrix-warm") if timing(n) and timing(n)["exit"] not in (0, 1)]
sys.exit(2 if bad else 0)
PY
