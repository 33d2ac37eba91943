"""One unrecovered failure in an export, named by GOCOMPAT_PANIC (the
fixture's FailNamed owns the names), from Python: the interpreter must never
regain control."""
import atexit
import ctypes
import os
import time

import gocompat_probe as p

FAIL_UNKNOWN, FAIL_DEFERRED = -1, -2
armed = False


def at_exit():
    # Runs only if Python exits normally after the failing call; status 97
    # is allowed by no case.
    if armed:
        p.fact("atexit_ran", True)
        os._exit(97)


def main():
    global armed
    s = os.environ.get("GOCOMPAT_PANIC")
    if s is None:
        return p.skip("GOCOMPAT_PANIC is not set")
    lib = p.load()
    lib.FailNamed.argtypes = [ctypes.c_char_p]
    lib.FailNamed.restype = ctypes.c_int
    atexit.register(at_exit)
    p.fact("scenario", s)
    p.mark("call")
    armed = True
    r = lib.FailNamed(s.encode())
    if r == FAIL_UNKNOWN:
        armed = False
        return p.skip("unknown GOCOMPAT_PANIC %r" % s)
    p.fact("export_returned", True)
    if r != FAIL_DEFERRED:
        return p.fail("FailNamed(%r) returned %r to Python" % (s, r))
    # The failure happens on a goroutine while Python sleeps here.
    p.mark("returned")
    time.sleep(10)
    p.fail("the process outlived the goroutine's panic by 10 s")


main()
p.finish()
