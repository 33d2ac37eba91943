"""runtime/pprof's CPU profile inside the library while Python threads call
in (what pprof.c does from C). With GOCOMPAT_PPROF=host-handler, Python
first runs a sampling profiler of its own (a SIGPROF handler and
signal.setitimer(ITIMER_PROF), as some Python profilers do) until it has
ticked, and the facts say what Go's profile did to it; GOCOMPAT_WANT_* name
what the case requires of those."""
import ctypes
import os
import signal
import threading
import time

import gocompat_probe as p

CALLERS = 2
CALLS = 5
WAIT_S = 30

lib = p.load()
lib.Spin.argtypes = [ctypes.c_int]
lib.Spin.restype = ctypes.c_long
lib.ProfileStart.restype = ctypes.c_int
lib.ProfileStop.argtypes = [ctypes.POINTER(ctypes.c_longlong)]
lib.ProfileStop.restype = ctypes.c_long
libc = ctypes.CDLL(None, use_errno=True)
host_hits = []


def c_handler():
    """The address of the C-level SIGPROF handler (sa_handler comes first in
    glibc's struct sigaction)."""
    buf = ctypes.create_string_buffer(512)
    libc.sigaction(signal.SIGPROF, None, buf)
    return ctypes.c_void_p.from_buffer(buf).value


def host_profiler_ticks():
    signal.signal(signal.SIGPROF, lambda *a: host_hits.append(1))
    signal.setitimer(signal.ITIMER_PROF, 0.01, 0.01)
    deadline = time.monotonic() + WAIT_S
    x = 0
    while len(host_hits) < 3 and time.monotonic() < deadline:
        x += sum(range(10000))
    return len(host_hits) >= 3


def raise_reaches_host():
    before = len(host_hits)
    signal.raise_signal(signal.SIGPROF)  # Python handlers run before it returns
    return len(host_hits) > before


def owner(host_addr):
    h = c_handler()
    return "host" if h == host_addr else "default" if not h else "ignored" if h == 1 else "other"


def want(name, got):
    w = os.environ.get(name)
    return w is None or p.expect_eq(name, got, w)


def profile(rounds, state):
    if lib.ProfileStart() != 0:
        p.fail("ProfileStart failed")
        return None
    start = list(rounds)
    deadline = time.monotonic() + WAIT_S
    while any(rounds[i] < start[i] + CALLS for i in range(CALLERS)) and time.monotonic() < deadline:
        time.sleep(0.001)
    state["overlapped"] = all(rounds[i] >= start[i] + CALLS for i in range(CALLERS))
    if state.get("host_addr"):
        state["during"] = (owner(state["host_addr"]), "true" if raise_reaches_host() else "false")
    samples = ctypes.c_longlong(-1)
    size = lib.ProfileStop(ctypes.byref(samples))
    # Both move with the machine's load; named as measurements, which
    # comparisons of two runs leave out.
    p.fact("profile_kb", round(size / 1024, 2))
    p.fact("samples_per_profile", samples.value)
    return size


def caller(i, rounds, stop):
    while not stop:
        lib.Spin(5)
        rounds[i] += 1


def main():
    host = os.environ.get("GOCOMPAT_PPROF") == "host-handler"
    state = {}
    if host:
        if not host_profiler_ticks():
            p.fail("the host's own profiler never ticked")
            return
        state["host_addr"] = c_handler()
        p.fact("host_ticks_before", len(host_hits))
    rounds, stop = [0] * CALLERS, []
    threads = [threading.Thread(target=caller, args=(i, rounds, stop)) for i in range(CALLERS)]
    for t in threads:
        t.start()
    size = profile(rounds, state)
    stop.append(1)
    for t in threads:
        t.join()
    if size is None or not p.expect_eq("callers overlapped the profile", state["overlapped"], True):
        return
    if size < 0:
        p.fail("ProfileStop: %s" % {-1: "not gzip", -2: "a malformed message"}.get(size, "no sample types"))
        return
    if host and not host_checks(state):
        return
    p.passed()


def host_checks(state):
    during, raised = state["during"]
    p.fact("handler_while_profiling", during)
    p.fact("raise_reaches_host_while_profiling", raised == "true")
    after = owner(state["host_addr"])
    reached = raise_reaches_host()
    timer = "running" if signal.getitimer(signal.ITIMER_PROF)[1] else "stopped"
    p.fact("handler_after_profiling", after)
    p.fact("raise_reaches_host_after_profiling", reached)
    p.fact("host_timer_after_profiling", timer)
    return (want("GOCOMPAT_WANT_HANDLER_DURING", during) and want("GOCOMPAT_WANT_RAISE_DURING", raised)
            and want("GOCOMPAT_WANT_HANDLER_AFTER", after)
            and want("GOCOMPAT_WANT_RAISE_AFTER", "true" if reached else "false")
            and want("GOCOMPAT_WANT_HOST_TIMER_AFTER", timer))


main()
p.finish()
