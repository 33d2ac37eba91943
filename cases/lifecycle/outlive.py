# Goroutines outliving the call, from Python: they run while Python is
# busy elsewhere; then a second interpreter starts goroutines, leaves a
# daemon thread inside a Go call, and exits: status and time to exit.
import ctypes
import subprocess
import sys
import time

import gocompat_probe as p

lib = p.load()
lib.StartTicker.restype = ctypes.c_int
lib.Ticks.restype = ctypes.c_longlong
# The ticker (1 ms period) usually ticks ~100 times in the first 100 ms; a
# loaded machine may starve it, so Python goes on sleeping in 100 ms steps
# until it has seen TICKS_WANTED ticks or the limit passed. The limits bound
# a failure, never a pass.
TICKS_WANTED, TICKS_LIMIT_S, CHILD_EXIT_LIMIT_S = 10, 10, 20
started = lib.StartTicker()
t0 = t1 = lib.Ticks()
waited = 0.0
while t1 - t0 < TICKS_WANTED and waited < TICKS_LIMIT_S:
    time.sleep(0.1)
    waited += 0.1
    t1 = lib.Ticks()
p.fact("ticks_while_host_outside_go", t1 - t0)
p.fact("host_outside_go_ms", round(waited * 1e3))

CHILD = r"""
import ctypes, sys, threading, time
lib = ctypes.CDLL(sys.argv[1])
for _ in range(4):
    lib.StartTicker()
threading.Thread(target=lib.SpinMs, args=(10000,), daemon=True).start()
time.sleep(0.02)
sys.stdout.write("%d\n" % time.monotonic_ns())
sys.stdout.flush()
sys.exit(0)
"""
try:
    r = subprocess.run([sys.executable, "-S", "-c", CHILD, p.library_path()], capture_output=True, timeout=CHILD_EXIT_LIMIT_S)
    end = time.monotonic_ns()
    code = r.returncode
    sent = int(r.stdout.decode() or "0")
    p.fact("child_exit_ms", round((end - sent) / 1e6, 2) if sent else None)
    p.fact("child_exit_status", code)
except subprocess.TimeoutExpired:
    code = "timeout"
    p.fact("child_exit_status", "timeout")
if (p.expect_eq("StartTicker()", started, 1)
        and p.expect_eq("ticker ran while Python slept", t1 - t0 >= TICKS_WANTED, True)
        and p.expect_eq("exit status of an interpreter leaving goroutines and a Go call running", code, 0)):
    p.passed()
p.finish()
