#!/usr/bin/env python3
"""Compare two gocompat matrix documents cell by cell, ignoring timings.

Usage: compare_matrices.py A.json B.json
Exit 0 when every cell has the same status, outcome, detail and evidence
(apart from measured times, sizes and cache flags), 1 otherwise (each
difference printed), 2 on unreadable input.
"""
import json
import re
import sys

# Evidence that measures the run rather than the result: named keys, and any
# measured quantity, recognised by its unit (…_ms, …_ns, …_ns_per_call,
# …_per_s) or by being a batch size chosen by timing.
VOLATILE = {"dlopen_ms", "rusage", "time_to_death_ms", "duration_ms", "host_binary",
            "stdout_bytes", "stderr_bytes", "build", "seed", "batch_calls"}
MEASURED = re.compile(r"_(ms|us|ns|ns_per_call|per_s)$")


def normal(rec):
    ev = {k: v for k, v in rec.get("evidence", {}).items() if k not in VOLATILE and not MEASURED.search(k)}
    detail = rec.get("detail", "").replace(" (cached)", "")
    return (rec["status"], json.dumps(rec["outcome"], sort_keys=True), detail, json.dumps(ev, sort_keys=True))


def cells(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for r in doc["records"]:
        out["|".join(r[k] for k in ("go", "goarch", "buildmode", "host", "case"))] = normal(r)
    return out, [ "|".join(r[k] for k in ("go", "goarch", "buildmode", "host", "case")) for r in doc["records"]]


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        (a, order_a), (b, order_b) = cells(sys.argv[1]), cells(sys.argv[2])
    except (OSError, ValueError, KeyError) as e:
        print("compare_matrices: %s" % e, file=sys.stderr)
        return 2
    bad = 0
    for k in sorted(set(a) | set(b)):
        if k not in a or k not in b:
            print("only in %s: %s" % (sys.argv[1] if k in a else sys.argv[2], k))
            bad += 1
        elif a[k] != b[k]:
            print("differs: %s\n  %s\n  %s" % (k, a[k], b[k]))
            bad += 1
    if not bad and order_a != order_b:
        print("same cells, different order")
        bad = 1
    print("%d cells compared, %d differ" % (len(set(a) | set(b)), bad))
    return 1 if bad else 0


sys.exit(main())
