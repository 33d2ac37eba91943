"""setgroups/setgid/setuid from a root Python host after the library
loaded (what setuid.c does from C): os.setuid is glibc's setuid, which
changes every thread's credentials. The os/signal thread runs (NotifyStart)
and a Python thread is blocked inside the export ReadVia on an empty pipe."""
import ctypes
import errno
import os
import signal
import threading
import time

import gocompat_probe as p

NOBODY = 65534
WAIT_S = 20
READ = {"x86_64": 0, "aarch64": 63}

lib = p.load()
lib.NotifyStart.argtypes = [ctypes.c_int]
lib.ReadVia.argtypes = [ctypes.c_int, ctypes.c_int]
lib.ReadVia.restype = ctypes.c_int
lib.Spin.argtypes = [ctypes.c_int]
lib.Spin.restype = ctypes.c_long


def tasks():
    """{tid: (Uid line, Gid line)} of every thread still there."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/status" % tid) as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        ids = [l for l in lines if l.startswith(("Uid:", "Gid:"))]
        out[tid] = tuple(ids)
    return out


def expect_switched(when):
    t = tasks()
    p.fact("threads_" + when, len(t))
    other = [(tid, ids) for tid, ids in sorted(t.items())
             if any(l.split()[1:] != [str(NOBODY)] * 4 for l in ids) or len(ids) != 2]
    if not t or other:
        p.fail("%s: %d of %d threads have other ids, first %r" % (when, len(other), len(t), other[:1]))
        return False
    return True


def reader_blocked(state):
    nr = READ.get(os.uname().machine)
    if nr is None:
        return None
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        tid = state.get("tid")
        try:
            with open("/proc/self/task/%d/syscall" % tid) as f:
                text = f.read()
            if text[:1].isdigit() and int(text.split()[0]) == nr:
                return True
        except (OSError, TypeError):
            pass
        time.sleep(0.001)
    return False


def main():
    if os.geteuid() != 0:
        p.skip("changing credentials needs root (euid %d)" % os.geteuid())
        return
    lib.NotifyStart(signal.SIGUSR1)
    rfd, wfd = os.pipe()
    state = {}

    def reader():
        state["tid"] = threading.get_native_id()
        state["got"] = lib.ReadVia(0, rfd)

    r = threading.Thread(target=reader)
    r.start()
    blocked = reader_blocked(state)
    p.fact("reader_blocked_in_go", blocked)
    if blocked is False:
        p.fail("the reader was never seen blocked in read(2)")
        os.write(wfd, b"x")
        return
    try:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    except OSError as e:
        os.write(wfd, b"x")
        r.join()
        if e.errno == errno.EPERM:
            p.skip("no CAP_SETUID/CAP_SETGID here: %s" % e)
        else:
            p.fail("changing credentials: %s" % e)
        return
    if not expect_switched("at_switch"):
        return
    os.write(wfd, b"x")
    r.join()
    if not p.expect_eq("ReadVia", state.get("got"), ord("x")):
        return
    lib.Spin(1)
    late = threading.Thread(target=lib.Spin, args=(1,))
    late.start()
    late.join()
    if expect_switched("after_calls"):
        p.passed()


main()
p.finish()
