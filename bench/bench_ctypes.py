"""Python ctypes benchmark probe for `gocompat bench`.

Usage: python3 bench_ctypes.py [--header H --call SPEC] LIBRARY BENCH BATCH_MS REPS CPU [ITERS]
       python3 bench_ctypes.py --describe HEADER [SPEC...]

BENCH is one of
  py/loop          the bare Python loop the other figures run in (baseline)
  py/ctypes_c      ctypes call of a plain C function (gcb_noop, int -> int)
  py/ctypes_libc   ctypes call of libc's labs (long -> long), for a library
                   that has no C function of its own
  py/ctypes_empty  ctypes call of the Go export BenchEmpty()
  py/ctypes_add    ctypes call of the Go export BenchAdd(int, int)
  lib/CALL         a user's library: the call SPEC (NAME(ARGS) or
                   NAME(ARGS)=RESULT) typed from the cgo header H; with a
                   RESULT, the first call must return it

ITERS skips calibration (a rerun reuses the first run's count). Every call
is made from Python's main thread. The report protocol is the C
probe's (see bench_probe.c): `fact`, `iters N`, `rep NS`, then `ok`.

--describe prints, as JSON, what a C program needs to make each SPEC
(gocompat_header.describe_calls): the harness generates the C probe of a
user's library from it.
"""
import ctypes
import itertools
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "probe"))
import gocompat_header as gh  # noqa: E402


class Failed(Exception):
    """The benchmark cannot run: reported as `fail DETAIL`."""


def timed(f, args):
    """A batch of n calls of f(*args) (a library's call, of any arity)."""
    def run(n):
        t = time.perf_counter_ns()
        for _ in itertools.repeat(None, n):
            f(*args)
        return time.perf_counter_ns() - t
    return run


# Each body is the same loop; only the statement inside differs, so
# py/loop is the overhead every other figure contains.
def bare_loop(n):
    t = time.perf_counter_ns()
    for _ in itertools.repeat(None, n):
        pass
    return time.perf_counter_ns() - t


def fixture_batch(lib, name):
    noop = lib.gcb_noop
    noop.argtypes, noop.restype = [ctypes.c_int], ctypes.c_int
    empty = lib.BenchEmpty
    empty.argtypes, empty.restype = [], None
    add = lib.BenchAdd
    add.argtypes, add.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    if add(2, 3) != 5:
        raise Failed("BenchAdd(2, 3) != 5")

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

    return {"py/ctypes_c": run_c, "py/ctypes_empty": run_empty, "py/ctypes_add": run_add}[name]


def library_batch(lib, header, spec):
    with open(header, encoding="utf-8", errors="replace") as f:
        text = f.read()
    decls = gh.declarations(text)
    structs = gh.result_structs(text)
    reasons = {n: gh.callable_reason(d, structs) for n, d in decls.items()}
    try:
        name, args, want = gh.parse_call(spec)
    except Exception as e:  # literal_eval's errors
        raise Failed("cannot read the call %s: %s" % (spec, e))
    why = gh.call_problem(name, args, decls, reasons)
    if why:
        raise Failed(why)
    fn = getattr(lib, name)
    fn.argtypes = [gh.ctype_of(a, structs) for a in decls[name]["args"]]
    fn.restype = gh.ctype_of(decls[name]["ret"], structs)
    try:
        cargs = tuple(gh.arg_value(t, v) for t, v in zip(decls[name]["args"], args))
    except ValueError as e:
        raise Failed("%s: %s" % (spec, e))
    got = gh.result_value(fn(*cargs))
    if want is not None and not gh.same_result(got, want):
        raise Failed("%s returned %r" % (spec, got))
    return timed(fn, cargs)


def choose(lib_path, name, header, spec):
    # Every figure runs with the library loaded: with its Go runtime in the
    # process, the bare loop included.
    lib = ctypes.CDLL(lib_path)
    if name == "py/loop":
        return bare_loop
    if name == "py/ctypes_libc":
        labs = ctypes.CDLL(None).labs
        labs.argtypes, labs.restype = [ctypes.c_long], ctypes.c_long
        return timed(labs, (1,))
    if name.startswith("lib/"):
        if not (header and spec):
            raise Failed("%s needs --header and --call" % name)
        return library_batch(lib, header, spec)
    if name in ("py/ctypes_c", "py/ctypes_empty", "py/ctypes_add"):
        return fixture_batch(lib, name)
    raise Failed("unknown benchmark %s for the ctypes probe" % name)


def measure(batch, batch_ms, reps, fixed, say):
    """Grow the batch until it takes batch_ms (unless fixed), then time reps
    batches."""
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


def options(argv):
    """--header H and --call SPEC, then the positional arguments."""
    opts = {"--header": None, "--call": None}
    while len(argv) >= 2 and argv[0] in opts:
        opts[argv[0]] = argv[1]
        argv = argv[2:]
    return opts["--header"], opts["--call"], argv


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--describe":
        with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
            json.dump(gh.describe_calls(f.read(), sys.argv[3:]), sys.stdout)
        return 0
    header, spec, args = options(sys.argv[1:])
    if len(args) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    lib_path, name, batch_ms, reps, cpu = args[0], args[1], float(args[2]), int(args[3]), int(args[4])
    fixed = int(args[5]) if len(args) == 6 else 0
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
    try:
        batch = choose(lib_path, name, header, spec)
    except Failed as e:
        say("fail %s" % e)
        return 1
    measure(batch, batch_ms, reps, fixed, say)
    say("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
