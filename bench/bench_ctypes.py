"""Python ctypes benchmark probe for `gocompat bench`.

Usage: python3 bench_ctypes.py LIBRARY BENCH BATCH_MS REPS CPU [ITERS]

BENCH is one of
  py/loop          the bare Python loop the other figures run in (baseline)
  py/ctypes_c      ctypes call of a plain C function (gcb_noop, int -> int)
  py/ctypes_empty  ctypes call of the Go export BenchEmpty()
  py/ctypes_add    ctypes call of the Go export BenchAdd(int, int)

ITERS skips calibration (a rerun reuses the first run's count). Every call
is made from Python's main thread. The report protocol is the C
probe's (see bench_probe.c): `fact`, `iters N`, `rep NS`, then `ok`.
"""
import ctypes
import itertools
import os
import sys
import time


def main():
    if len(sys.argv) not in (6, 7):
        sys.stderr.write(__doc__)
        return 2
    lib_path, name, batch_ms, reps, cpu = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    fixed = int(sys.argv[6]) if len(sys.argv) == 7 else 0
    try:
        out = os.fdopen(3, "w", buffering=1)
    except OSError:
        out = sys.stdout

    def say(line):
        out.write(line + "\n")
        out.flush()

    if cpu >= 0:
        try:
            os.sched_setaffinity(0, {cpu})
            say("fact pinned_cpu %d" % cpu)
        except OSError as e:
            say('fact pinned_cpu "not pinned: %s"' % e)
    lib = ctypes.CDLL(lib_path)
    noop = lib.gcb_noop
    noop.argtypes, noop.restype = [ctypes.c_int], ctypes.c_int
    empty = lib.BenchEmpty
    empty.argtypes, empty.restype = [], None
    add = lib.BenchAdd
    add.argtypes, add.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int

    # Each body is the same loop; only the statement inside differs, so
    # py/loop is the overhead every other figure contains.
    def run_loop(n):
        t = time.perf_counter_ns()
        for _ in itertools.repeat(None, n):
            pass
        return time.perf_counter_ns() - t

    def run_c(n):
        f = noop
        t = time.perf_counter_ns()
        for _ in itertools.repeat(None, n):
            f(1)
        return time.perf_counter_ns() - t

    def run_empty(n):
        f = empty
        t = time.perf_counter_ns()
        for _ in itertools.repeat(None, n):
            f()
        return time.perf_counter_ns() - t

    def run_add(n):
        f = add
        t = time.perf_counter_ns()
        for _ in itertools.repeat(None, n):
            f(1, 2)
        return time.perf_counter_ns() - t

    benches = {"py/loop": run_loop, "py/ctypes_c": run_c, "py/ctypes_empty": run_empty, "py/ctypes_add": run_add}
    if name not in benches:
        say("fail unknown benchmark %s for the ctypes probe" % name)
        return 1
    batch = benches[name]
    if add(2, 3) != 5:
        say("fail BenchAdd(2, 3) != 5")
        return 1
    batch(1)
    target = int(batch_ms * 1e6)
    n, steps = (fixed or 1), 0
    while not fixed:
        t = batch(n)
        steps += 1
        if steps > 60:
            break
        if t >= target:
            t = batch(n)
            steps += 1
            if t >= target // 2:
                break
        m = 1.15 * target / t if t > 0 else 10
        n = int(n * min(10.0, max(1.2, m))) + 1
    say("fact calibration_steps %d" % steps)
    say("iters %d" % n)
    for _ in range(reps):
        say("rep %d" % batch(n))
    say("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
