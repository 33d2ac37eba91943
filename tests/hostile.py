#!/usr/bin/env python3
"""Hostile probes against the runner (make check).

Runs the cases in tests/hostile/ (a flood of 2 GiB, orphans escaping the
process group, SIGTERM ignored, a spinning CPU, closed stdio, an allocation
storm under RLIMIT_AS, signals sent to the parent, a probe deleting its own
binary, a probe littering its temp folder) twice, and checks that each got
the right recorded outcome, that no descendant survived, that no temp folder
outlived its probe, that the harness's own memory stayed bounded while
probes ran wild, and that the second run rebuilt what a probe destroyed.
"""
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("GOCOMPAT_BIN", "./gocompat")
OUT = os.path.join(os.environ.get("GOCOMPAT_CHECK_DIR", "check-results"), "hostile")
HARNESS_RSS_LIMIT_KB = 64 * 1024
MARKER = "gocompat-hostile-orphan"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def newest_toolchain():
    out = subprocess.run([BIN, "toolchains", "--json"], capture_output=True, text=True).stdout
    usable = [t["version"] for t in json.loads(out) if "error" not in t and not t.get("emulator")]
    return usable[-1] if usable else None


def harness_peak(root_pid, stop, peak):
    """Poll the peak RSS (VmHWM) of every gocompat process under root_pid."""
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    stat = f.read()
                comm = stat[stat.index("(") + 1:stat.rindex(")")]
                if comm != "gocompat":
                    continue
                with open("/proc/%s/status" % pid) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except (OSError, ValueError):
                pass
        time.sleep(0.05)


def run(tc, out):
    cmd = [BIN, "matrix", "--srcdir", os.path.join(HERE, "hostile"), "-t", tc, "-o", out, "-j", "2", "--no-table",
           "--no-expectations", "-q"]
    stop, peak = threading.Event(), [0]
    p = subprocess.Popen(cmd)
    t = threading.Thread(target=harness_peak, args=(p.pid, stop, peak))
    t.start()
    rc = p.wait()
    stop.set()
    t.join()
    return rc, peak[0]


def survivors():
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if MARKER.encode() in f.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


def main():
    tc = newest_toolchain()
    if not tc:
        print("hostile: no usable toolchain")
        return 77
    os.makedirs(OUT, exist_ok=True)
    for attempt in (1, 2):
        out = os.path.join(OUT, "hostile%d.json" % attempt)
        # Each run writes its own document: one left by an earlier check
        # (another toolchain's cells) would make the harness refuse it.
        for stale in (out, out + ".journal"):
            if os.path.exists(stale):
                os.remove(stale)
        t0 = time.monotonic()
        rc, peak = run(tc, out)
        took = time.monotonic() - t0
        check(rc == 0, "run %d exited %d (want 0: every hostile case as expected)" % (attempt, rc))
        check(0 < peak < HARNESS_RSS_LIMIT_KB, "run %d: harness peak RSS %d KiB (limit %d)" % (attempt, peak, HARNESS_RSS_LIMIT_KB))
        print("run %d: %.1f s, harness peak RSS %d KiB" % (attempt, took, peak))
        if not os.path.exists(out):
            check(False, "run %d wrote no matrix" % attempt)
            continue
        recs = {r["case"]: r for r in json.load(open(out))["records"]}
        for case, r in sorted(recs.items()):
            check(r["status"] == "pass", "%s: %s (%s)" % (case, r["status"], r["detail"]))
        flood = recs.get("hostile/flood", {}).get("evidence", {})
        check(flood.get("stdout_bytes") == 1 << 30 and flood.get("stderr_bytes") == 1 << 30,
              "flood counted %s/%s bytes" % (flood.get("stdout_bytes"), flood.get("stderr_bytes")))
        check(flood.get("probe_stdout_bytes") == 7, "flood's own stdout_bytes fact was %s, want it kept as probe_stdout_bytes"
              % flood.get("probe_stdout_bytes"))
        for case in ("hostile/hang", "hostile/spin"):
            r = recs.get(case, {})
            check(r.get("outcome", {}).get("kind") == "timeout", "%s outcome %s" % (case, r.get("outcome")))
            # The cell's own time, without compiling its host (a minute on a
            # loaded machine the first time a checkout runs).
            ran = r.get("duration_ms", 1e9) - r.get("evidence", {}).get("host_build_ms", 0)
            check(ran < 10000, "%s ran %s ms for a 2 s timeout" % (case, ran))
        litter = recs.get("hostile/litter", {}).get("evidence", {}).get("tmpdir")
        check(litter and not os.path.lexists(litter), "the litter probe's TMPDIR %s outlived it" % litter)
        orphans = recs.get("hostile/orphans", {}).get("evidence", {})
        check(orphans.get("leftover_processes") is True, "orphans not reported as leftovers: %s" % orphans)
        left = survivors()
        check(not left, "descendants still alive after the run: %s" % left)
        for pid in left:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
    print("hostile: %d problems" % len(failures))
    return 1 if failures else 0


sys.exit(main())
