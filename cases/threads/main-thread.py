# The Python main thread calls an export with no init function of any kind
# (the folklore says it crashes for want of Go TLS), then a Python thread.
import ctypes
import threading

import gocompat_probe as p

lib = p.load()
lib.Tid.restype = ctypes.c_long
lib.Mix.argtypes = [ctypes.c_ulonglong]
lib.Mix.restype = ctypes.c_ulonglong

p.fact("probe_on_main_thread", threading.current_thread() is threading.main_thread())
main_tid = threading.get_native_id()
p.mark("first_call")
go_tid = lib.Tid()
p.fact("caller_tid", main_tid)
p.fact("go_tid", go_tid)
out = {}


def other():
    out["tid"] = threading.get_native_id()
    out["go_tid"] = lib.Tid()


t = threading.Thread(target=other)
t.start()
t.join()
p.fact("pthread_tid", out.get("tid"))
p.fact("pthread_go_tid", out.get("go_tid"))
if (p.expect_eq("Tid() on the main thread", go_tid, main_tid)
        and p.expect_eq("Mix(0)", lib.Mix(0), 0xe220a8397b1dcdaf)
        and p.expect_eq("Tid() on a Python thread", out.get("go_tid"), out.get("tid"))):
    p.passed()
p.finish()
