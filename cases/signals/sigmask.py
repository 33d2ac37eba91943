"""Signal masks around exports, from Python's main thread (what sigmask.c
does from C; GOCOMPAT_SIGMASK picks thread or exec, GOCOMPAT_WANT_UNBLOCKED
names the signals a Go call may leave unblocked)."""
import ctypes
import os
import signal

import gocompat_probe as p

lib = p.load()
lib.NotifyStart.argtypes = [ctypes.c_int]
lib.NotifyReset.argtypes = [ctypes.c_int]
lib.Spin.argtypes = [ctypes.c_int]
lib.Spin.restype = ctypes.c_long
lib.ChildMasks.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_ulonglong), ctypes.POINTER(ctypes.c_ulonglong)]
lib.ChildMasks.restype = ctypes.c_int


def blocked_now():
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def names(sigs):
    """Signal numbers as names, in number order (as sigmask.c reports them)."""
    out = []
    for n in sorted(int(s) for s in sigs):
        try:
            out.append(signal.Signals(n).name)
        except ValueError:
            out.append(str(n))
    return " ".join(out)


def from_bits(b):
    return {n for n in range(1, 65) if b >> (n - 1) & 1}


def thread_mask():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGINT, signal.SIGTERM, signal.SIGURG,
                                              signal.SIGPROF, signal.SIGCHLD})
    before = blocked_now()
    lib.NotifyStart(signal.SIGUSR1)
    after_notify = blocked_now()
    lib.NotifyReset(signal.SIGUSR1)
    after_reset = blocked_now()
    lib.Spin(1)
    after_plain = blocked_now()
    p.fact("blocked_before", names(before))
    p.fact("unblocked_by_notify", names(before - after_notify))
    p.fact("unblocked_by_reset", names(before - after_reset))
    p.fact("unblocked_by_plain_export", names(before - after_plain))
    p.fact("blocked_by_go", names((after_notify | after_reset | after_plain) - before))
    lost = {signal.Signals[n] for n in os.environ.get("GOCOMPAT_WANT_UNBLOCKED", "").split()}
    want = names(before - lost)
    if (p.expect_eq("after NotifyStart", names(after_notify), want)
            and p.expect_eq("after NotifyReset", names(after_reset), want)
            and p.expect_eq("after Spin", names(after_plain), want)):
        p.passed()


def child_blocked(from_goroutine, key):
    blk, ign = ctypes.c_ulonglong(), ctypes.c_ulonglong()
    rc = lib.ChildMasks(from_goroutine, ctypes.byref(blk), ctypes.byref(ign))
    if rc != 0:
        p.fail("ChildMasks(%d) = %d" % (from_goroutine, rc))
        return None
    got = names(from_bits(blk.value))
    p.fact(key, got)
    return got


def exec_mask():
    start = blocked_now()
    p.fact("blocked_at_start", names(start))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
    lib.NotifyStart(signal.SIGUSR1)
    steps = [(0, "child_from_caller", start | {signal.SIGUSR2}),
             (1, "child_from_goroutine", start)]
    for from_goroutine, key, want in steps:
        if not p.expect_eq(key, child_blocked(from_goroutine, key), names(want)):
            return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    key = "child_from_caller_after_blocking_sigint"
    if not p.expect_eq(key, child_blocked(0, key), names(start | {signal.SIGUSR2, signal.SIGINT})):
        return
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR2})
    key = "child_from_caller_after_unblocking_sigusr2"
    if p.expect_eq(key, child_blocked(0, key), names(start | {signal.SIGINT})):
        p.passed()


mode = os.environ.get("GOCOMPAT_SIGMASK")
if mode == "thread":
    thread_mask()
elif mode == "exec":
    exec_mask()
else:
    p.skip("GOCOMPAT_SIGMASK must be thread or exec")
p.finish()
