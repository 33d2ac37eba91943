# lib/calls: the calls the user asked for (`gocompat check --call
# 'Add(2,3)=5'`), each made from Python's main thread and from a new
# thread (a pthread the Go runtime did not create), with argument and
# result types read from the generated header. Exports whose signature
# cannot be called from the header alone are listed with the reason. When
# every call is right, each is timed (ns per call through ctypes, from both
# threads, with ctypes calling C as the baseline) for the upgrade report.
import ctypes
import os
import threading
import time

import gocompat_header as gh
import gocompat_probe as p


def call_on(fn, args, on_thread):
    out = {}

    def run():
        try:
            out["value"] = gh.result_value(fn(*args))
        except Exception as e:  # a ctypes conversion error, reported as such
            out["error"] = str(e)

    if on_thread:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    else:
        run()
    return out


def batch_ns(fn, args, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn(*args)
    return (time.perf_counter_ns() - t0) / n


def cost(fn, args, reps=5, batch_ms=10):
    """ns per call from each thread: iterations grow until a batch takes
    batch_ms, then reps batches are timed (for the upgrade report's test)."""
    out = {}
    for where in ("main_thread", "new_thread"):
        def run():
            n = 10
            while n < 10 ** 6 and batch_ns(fn, args, n) * n < batch_ms * 1e6:
                n *= 10
            out[where] = [round(batch_ns(fn, args, n), 1) for _ in range(reps)]
        if where == "new_thread":
            t = threading.Thread(target=run)
            t.start()
            t.join()
        else:
            run()
    return out


with open(os.environ["GOCOMPAT_HEADER"], encoding="utf-8", errors="replace") as f:
    text = f.read()
decls = gh.declarations(text)
structs = gh.result_structs(text)
reasons = {n: gh.callable_reason(d, structs) for n, d in decls.items()}
p.fact("not_callable", {n: r for n, r in reasons.items() if r})
lib = p.load()
specs = [s for s in os.environ.get("GOCOMPAT_CALLS", "").split("\n") if s.strip()]
results, bad, timed = [], [], []
for spec in specs:
    row = {"call": spec.strip()}
    results.append(row)
    try:
        name, args, want = gh.parse_call(spec)
    except (ValueError, SyntaxError) as e:
        row["error"] = "cannot read the call: %s" % e
        bad.append("%s: %s" % (spec.strip(), row["error"]))
        continue
    why = gh.call_problem(name, args, decls, reasons)
    if why:
        row["error"] = why
        bad.append(row["error"])
        continue
    d = decls[name]
    fn = getattr(lib, name)
    fn.argtypes = [gh.ctype_of(a, structs) for a in d["args"]]
    fn.restype = gh.ctype_of(d["ret"], structs)
    try:
        cargs = [gh.arg_value(t, v) for t, v in zip(d["args"], args)]
    except ValueError as e:
        row["error"] = str(e)
        bad.append("%s: %s" % (spec.strip(), e))
        continue
    timed.append((spec.strip(), fn, cargs))
    for where in ("main_thread", "new_thread"):
        got = call_on(fn, cargs, where == "new_thread")
        row[where] = got.get("value", got.get("error"))
        if "error" in got:
            bad.append("%s from the %s: %s" % (spec.strip(), where.replace("_", " "), got["error"]))
        elif want is not None and not gh.same_result(got["value"], want):
            bad.append("%s from the %s returned %r" % (spec.strip(), where.replace("_", " "), got["value"]))
p.fact("calls", results)
if not bad:
    measured = {spec: cost(fn, cargs) for spec, fn, cargs in timed}
    libc = ctypes.CDLL(None)
    libc.labs.argtypes, libc.labs.restype = [ctypes.c_long], ctypes.c_long
    measured["(ctypes calling C labs)"] = cost(libc.labs, [ctypes.c_long(1)])
    p.fact("call_ns", measured)
if bad:
    p.fail("; ".join(bad))
elif not specs:
    p.skip("no calls asked for (--call NAME(ARGS)=RESULT)")
else:
    p.passed()
p.finish()
