"""Exports called from a Python atexit handler (what exitcalls.c does from
C's atexit and a destructor): the interpreter runs it at shutdown, after the
script ended, with a goroutine still ticking. It ends the process with exit
7 when it got through; a wrong result is exit 3, a ticker that stopped exit
4, and exit 0 means it never ran."""
import atexit
import ctypes
import os
import time

import gocompat_probe as p

TICK_WAIT_S = 10
M64 = (1 << 64) - 1

lib = p.load()
lib.Mix.argtypes = [ctypes.c_ulonglong]
lib.Mix.restype = ctypes.c_ulonglong
lib.Spawn.argtypes = [ctypes.c_int]
lib.Spawn.restype = ctypes.c_ulonglong
lib.Ticks.restype = ctypes.c_longlong
lib.StartTicker.restype = ctypes.c_int


def mix(x):
    z = (x + 0x9e3779b97f4a7c15) & M64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


def ticker_advances():
    t0 = lib.Ticks()
    deadline = time.monotonic() + TICK_WAIT_S
    while time.monotonic() < deadline:
        if lib.Ticks() > t0:
            return True
        time.sleep(0.001)
    return False


def exit_calls():
    mix_ok = lib.Mix(42) == mix(42)
    spawn_ok = lib.Spawn(8) == sum(mix(i) for i in range(8)) & M64
    lib.GC()
    ticking = ticker_advances()
    p.fact("atexit_calls", {"mix": mix_ok, "spawn": spawn_ok, "ticker": ticking})
    if not (mix_ok and spawn_ok):
        os._exit(3)
    if not ticking:
        os._exit(4)
    os._exit(7)


if p.expect_eq("StartTicker() >= 1", lib.StartTicker() >= 1, True) and p.expect_eq("Mix(7)", lib.Mix(7), mix(7)):
    atexit.register(exit_calls)
    p.passed()
p.finish()
