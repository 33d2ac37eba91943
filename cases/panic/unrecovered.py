import atexit
import ctypes
import os
import time

import gocompat_probe as p

KINDS = ["string", "error", "custom", "nil", "index", "divide"]

lib = p.load()
s = os.environ.get("GOCOMPAT_PANIC")


def at_exit():
    # Runs only if Python exits normally; status 97 is allowed by no case.
    p.fact("atexit_ran", True)
    os._exit(97)


atexit.register(at_exit)
p.fact("scenario", s)
if s in KINDS:
    p.mark("call")
    r = lib.PanicKind(KINDS.index(s))
    p.fail("PanicKind returned %r to Python" % r)
elif s == "goroutine":
    lib.PanicLater(50)
    p.mark("returned")
    p.fact("export_returned", True)
    time.sleep(10)
    p.fail("the process outlived the goroutine's panic by 10 s")
elif s == "goexit":
    p.mark("call")
    lib.GoexitNow()
    p.fact("export_returned", True)
    p.fail("GoexitNow returned to Python")
elif s == "os-exit":
    p.mark("call")
    lib.ExitNow(3)
    p.fail("ExitNow(3) returned to Python")
elif s == "log-fatal":
    p.mark("call")
    lib.LogFatal()
    p.fail("LogFatal returned to Python")
else:
    p.skip("unknown GOCOMPAT_PANIC %r" % s)
p.finish()
