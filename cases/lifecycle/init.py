# dlopen from Python: how long it takes, whether Go's package init has run
# by the time it returns (both sides read CLOCK_MONOTONIC), and the first
# call made immediately afterwards.
import ctypes
import threading
import time

import gocompat_probe as p

t0 = time.monotonic_ns()
lib = ctypes.CDLL(p.library_path())
t1 = time.monotonic_ns()
lib.Mix.argtypes = [ctypes.c_ulonglong]
lib.Mix.restype = ctypes.c_ulonglong
lib.InitNanos.restype = ctypes.c_longlong
c0 = time.monotonic_ns()
first = lib.Mix(0)
c1 = time.monotonic_ns()
init = lib.InitNanos()
lib.InitTid.restype = ctypes.c_long
init_tid = lib.InitTid()
p.fact("init_tid", init_tid)
p.fact("loading_tid", threading.get_native_id())
p.fact("dlopen_ms", round((t1 - t0) / 1e6, 3))
p.fact("init_minus_dlopen_return_us", round((init - t1) / 1e3, 1))
p.fact("init_done_before_dlopen_returned", init < t1)
p.fact("first_call_us", round((c1 - c0) / 1e3, 1))
# The constructor only starts the runtime's init thread (golang/go#12639):
# package init runs there, concurrently; whether it finished before dlopen
# returned is a race and only evidence.
if (p.expect_eq("Mix(0) called right after dlopen", first, 0xe220a8397b1dcdaf)
        and p.expect_eq("package init ran on the loading thread", init_tid == threading.get_native_id(), False)):
    p.passed()
p.finish()
