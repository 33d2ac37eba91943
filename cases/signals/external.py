"""A signal sent by another process while a Python thread is running Go
code (the Python side of external.c).

The probe runs a child interpreter GOCOMPAT_EXTERNAL_RUNS times (default
1). The child loads the library with ctypes and starts a thread that writes
its native thread id to a pipe, calls the export WriteFD on that pipe (the
next byte comes from Go, on that thread), then calls Spin(20000) over and
over (ctypes releases the GIL); the main thread waits in Thread.join.
GOCOMPAT_EXTERNAL_MAIN=block: the main thread blocks the signal before the
load (the spinning thread unblocks it); c (default): nothing blocked.

The parent waits for both bytes and for the thread to use user CPU time
(bounded; a pass never depends on it), sends GOCOMPAT_EXTERNAL_SIGNAL with
kill() to the process, or with tgkill() to the spinning thread when
GOCOMPAT_EXTERNAL_TARGET=thread, and waits for the child (killed after
20 s: "timeout"). It reports the count of each ending, the first stderr
line of each, which goroutine Go's report names first, and passes when
every run ended in one of GOCOMPAT_WANT_END ("signal SIGTERM",
alternatives with |) and every stderr holds GOCOMPAT_WANT_STDERR."""
import ctypes
import os
import select
import signal
import subprocess
import sys
import time

import gocompat_probe as p

CHILD = r"""
import ctypes, os, signal, sys, threading
sig = getattr(signal, "SIG" + os.environ["GOCOMPAT_EXTERNAL_SIGNAL"])
if os.environ.get("GOCOMPAT_EXTERNAL_MAIN") == "block":
    signal.pthread_sigmask(signal.SIG_BLOCK, {sig})
lib = ctypes.CDLL(sys.argv[1])
fd = int(os.environ["GOCOMPAT_EXTERNAL_READY_FD"])
def spin():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
    os.write(fd, b"%d\n" % threading.get_native_id())
    if lib.WriteFD(fd) != 0:
        os._exit(94)
    for _ in range(10):
        lib.Spin(20000)
t = threading.Thread(target=spin)
t.start()
t.join()
os._exit(0)
"""


def thread_utime(pid, tid):
    """The state letter and user CPU ticks of thread tid, or None."""
    try:
        with open("/proc/%d/task/%d/stat" % (pid, tid)) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rfind(")") + 2:].split()
    return rest[0], int(rest[11])


def read_until(fd, deadline, line):
    buf = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        b = os.read(fd, 1)
        if not b:
            break
        buf += b
        if not line or b == b"\n":
            break
    return buf


def landed_on(err):
    """What Go's crash report names first (see external.c)."""
    i = err.find("\ngoroutine ")
    if i < 0:
        return "no Go report"
    head = err[i + 1:].split("\n", 1)[0]
    if "[idle]" in head:
        return "goroutine 0, a thread in the Go scheduler"
    block = err[i + 1:].split("\n\n", 1)[0]
    return "the thread in Spin" if "main.Spin(" in block else "another goroutine"


def run_child(sig, to_thread):
    rd, wr = os.pipe()
    env = dict(os.environ, GOCOMPAT_EXTERNAL_READY_FD=str(wr))
    child = subprocess.Popen([sys.executable, "-c", CHILD, p.library_path()], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, pass_fds=(wr,))
    os.close(wr)
    t0 = time.monotonic()
    line = read_until(rd, t0 + 20, True)
    tid = int(line) if line.strip().isdigit() else 0
    go = read_until(rd, time.monotonic() + 20, False) if tid else b""
    tgo = time.monotonic()
    state, ticks = "?", -1
    st = thread_utime(child.pid, tid) if go == b"x" else None
    if st:
        base = st[1]
        state = st[0]
        while True:
            time.sleep(0.02)
            now = thread_utime(child.pid, tid)
            if not now:
                break
            state, ticks = now[0], now[1] - base
            if ticks >= 2 or time.monotonic() - tgo > 10:
                break
    wait_ms = (time.monotonic() - tgo) * 1e3
    tk = time.monotonic()
    if to_thread and tid:
        ctypes.CDLL(None, use_errno=True).tgkill(child.pid, tid, sig)
    else:
        os.kill(child.pid, sig)
    end, err = p.wait_child(child, 20)
    os.close(rd)
    if go != b"x":
        end += " (never ready)"
    return end, err, state, ticks, wait_ms, (time.monotonic() - tk) * 1e3


def main():
    name = os.environ.get("GOCOMPAT_EXTERNAL_SIGNAL")
    want = os.environ.get("GOCOMPAT_WANT_END")
    if not name or not want:
        p.skip("GOCOMPAT_EXTERNAL_SIGNAL or GOCOMPAT_WANT_END is not set")
        return
    if os.environ.get("GOCOMPAT_EMULATOR"):
        p.skip("a %s Python cannot load a foreign library" % os.uname().machine)
        return
    sig = getattr(signal, "SIG" + name, None)
    if sig is None:
        p.fail("unknown signal name %s (want SEGV, TERM, ...)" % name)
        return
    runs = int(os.environ.get("GOCOMPAT_EXTERNAL_RUNS", "1"))
    runs = runs if 1 <= runs <= 100 else 1
    to_thread = os.environ.get("GOCOMPAT_EXTERNAL_TARGET") == "thread"
    want_err = os.environ.get("GOCOMPAT_WANT_STDERR")
    allowed = [w.strip() for w in want.split("|")]
    endings, firsts, places = {}, {}, {}
    states, min_ticks, max_wait, max_after = "", None, 0.0, 0.0
    bad = lacks = None
    for _ in range(runs):
        end, err, state, ticks, wait_ms, after_ms = run_child(sig, to_thread)
        endings[end] = endings.get(end, 0) + 1
        firsts.setdefault(end, err.split("\n", 1)[0][:300])
        where = landed_on(err)
        places[where] = places.get(where, 0) + 1
        states += state
        min_ticks = ticks if min_ticks is None else min(min_ticks, ticks)
        max_wait, max_after = max(max_wait, wait_ms), max(max_after, after_ms)
        if bad is None and end not in allowed:
            bad = end
        if lacks is None and want_err and want_err not in err:
            lacks = end
    p.fact("signal", "SIG" + name)
    p.fact("runs", runs)
    p.fact("sent_with", "tgkill to the thread in Spin" if to_thread else "kill to the process")
    p.fact("main_thread", os.environ.get("GOCOMPAT_EXTERNAL_MAIN", "c"))
    p.fact("endings", endings)
    p.fact("stderr_first_line", firsts)
    p.fact("report_names", places)
    p.fact("thread_states_at_kill", states)
    p.fact("min_user_ticks_before_kill", min_ticks)
    p.fact("max_wait_before_kill_ms", round(max_wait, 1))
    p.fact("max_kill_to_end_ms", round(max_after, 1))
    if bad is not None:
        p.fail("a child ended with %s, want %s (endings %s); its stderr starts %r" % (bad, want, endings, firsts[bad]))
        return
    if lacks is not None:
        p.fail("a child that ended with %s has no %r on stderr (endings %s); its stderr starts %r"
               % (lacks, want_err, endings, firsts[lacks]))
        return
    p.passed()


main()
p.finish()
