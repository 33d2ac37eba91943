# K Python threads call exports concurrently (ctypes releases the GIL for
# the call), then all K meet inside Go at Barrier(K): every thread must be
# blocked in Go at the same time for any of them to return.
import ctypes
import os
import threading
import time

import gocompat_probe as p

K = 8
CALLS = 500
lib = p.load()
lib.Mix.argtypes = [ctypes.c_ulonglong]
lib.Mix.restype = ctypes.c_ulonglong
lib.Barrier.argtypes = [ctypes.c_int]
lib.Barrier.restype = ctypes.c_int
M = (1 << 64) - 1


def mix_ref(z):
    z = (z + 0x9e3779b97f4a7c15) & M
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)


procs = lib.MaxProcs()
p.fact("gomaxprocs", procs)
want = os.environ.get("THR_WANT_MAXPROCS")
wrong = []
arrivals = []


def worker(i):
    for j in range(CALLS):
        x = (i << 32) | j
        if lib.Mix(x) != mix_ref(x):
            wrong.append(x)
    arrivals.append(lib.Barrier(K))


t0 = time.monotonic()
p.mark("threads_start")
ts = [threading.Thread(target=worker, args=(i,)) for i in range(K)]
for t in ts:
    t.start()
for t in ts:
    t.join()
p.fact("python_threads", K)
p.fact("elapsed_ms", round((time.monotonic() - t0) * 1e3, 2))
if ((want is None or p.expect_eq("GOMAXPROCS", procs, int(want)))
        and p.expect_eq("wrong results", len(wrong), 0)
        and p.expect_eq("barrier arrivals", sorted(arrivals), list(range(1, K + 1)))):
    p.passed()
p.finish()
