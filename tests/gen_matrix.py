#!/usr/bin/env python3
"""Write a synthetic gocompat.matrix/1 document of N records to stdout.

The records have the shape real runs produce (build evidence, rusage,
probe facts, occasional stderr) so that renderer timings and memory use
measured on it carry over. Used by tests/report_scale.sh and the HTML test.
Deterministic for a given N and --seed."""
import argparse
import json
import random
import sys

GOS = ["go1.19.8", "go1.21.13", "go1.22.12", "go1.23.5", "go1.24.4", "go1.26.10", "go1.27.3"]
RUNS = [("c-dlopen", "c-shared"), ("c-linked", "c-shared"), ("c-threads", "c-shared"),
        ("python-ctypes", "c-shared"), ("c-archive", "c-archive"), ("go-plugin", "plugin"),
        ("go-linkshared", "shared"), ("none", "exe"), ("none", "pie"), ("inspect", "c-shared")]
AREAS = ["abi", "symbols", "tls", "threads", "lifecycle", "panic", "signals", "build"]
STATUSES = ["pass"] * 40 + ["fail"] * 3 + ["xfail", "xpass", "skip", "error"]


def record(rng, go, case, area, host, mode, claims, goarch="amd64"):
    status = rng.choice(STATUSES)
    sig = status in ("fail", "xfail") and rng.random() < 0.5
    outcome = {"kind": "signal", "signal": "SIGSEGV"} if sig else {"kind": "exit", "code": 0 if status == "pass" else 1}
    key = "%s-%s-%016x" % (go, mode, rng.getrandbits(64))
    ev = {
        "build": {"key": key, "cached": True, "duration_ms": rng.uniform(200, 20000),
                  "artifact": "/root/.cache/gocompat/builds/%s/libfixture.so" % key,
                  "commands": ["/usr/lib/go-%s/bin/go build -buildmode=%s -o /root/.cache/gocompat/builds/%s/libfixture.so ."
                               % (go[2:6], mode, key)]},
        "rusage": {"maxrss_kb": rng.randint(2000, 9000), "utime_ms": rng.uniform(0, 30), "stime_ms": rng.uniform(0, 30)},
        "seed": 20261123, "stdout_bytes": 0, "stderr_bytes": 0,
        "exports": ["Add", "Mul", "Hello%d" % rng.randint(0, 3)],
        "dlopen_ms": rng.uniform(1, 4),
    }
    if status in ("fail", "xfail"):
        ev["time_to_death_ms"] = rng.uniform(2, 20)
    return {
        "schema": "gocompat.result/1", "go": go, "goos": "linux", "goarch": goarch, "buildmode": mode,
        "host": host, "case": case, "area": area, "status": status, "outcome": outcome,
        "expect": "the exported functions answer as the C oracle does [exit 0]",
        "detail": "exit 0" if status == "pass" else "Add(2,3) = 6, want 5 <&> \"quoted\"",
        "evidence": ev,
        "stderr_head": "" if status == "pass" else "panic: boom\n\ngoroutine 17 [running, locked to thread]:\nmain.Panicky()\n",
        "duration_ms": rng.uniform(5, 400), "claims": claims,
        "upstream": "https://github.com/golang/go/issues/12345" if status in ("xfail", "xpass") else None,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--arches", default="amd64",
                    help="comma-separated GOARCHes; the first is native, the others carry an emulator")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    arches = a.arches.split(",")
    recs = []
    ncase = max(1, a.n // (len(GOS) * len(RUNS) * len(arches)) + 1)
    for i in range(ncase):
        area = AREAS[i % len(AREAS)]
        case = "%s/case-%04d" % (area, i)
        claims = ["C%02d" % (1 + i % 36)] if i % 3 else ["!C%02d" % (1 + i % 36)]
        for arch in arches:
            for host, mode in RUNS:
                for go in GOS:
                    if len(recs) == a.n:
                        break
                    recs.append(record(rng, go, case, area, host, mode, claims, arch))
    tcs = []
    for k, arch in enumerate(arches):
        for g in GOS:
            t = {"path": "/usr/lib/go-%s/bin/go" % g[2:6], "version": g, "goos": "linux", "goarch": arch,
                 "cc": "gcc", "cgo_enabled": True}
            if k:
                t["emulator"] = "qemu-" + arch
            tcs.append(t)
    json.dump({"schema": "gocompat.matrix/1", "generated": "2026-11-23T00:00:00Z", "toolchains": tcs,
               "records": recs}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
