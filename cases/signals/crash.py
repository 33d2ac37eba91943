"""A crash in a Python host, seen from outside (the Python side of crash.c).

The probe runs a child interpreter that loads the library and does what
GOCOMPAT_CRASH names (c-segv, c-abort, panic, stdout-pipe, socket,
go-pointer, chain-segv, chain-panic, chain-stack), optionally with faulthandler enabled before the load
(GOCOMPAT_CRASH_HANDLER=faulthandler, or segv or abrt: the crash reporter
Python has for both; GOCOMPAT_WANT_HANDLER=1 then wants its "Fatal Python
error" report) and optionally as PID 1 of a new PID
namespace (GOCOMPAT_CRASH_PID1=1, through `unshare --pid --fork`). It
reports the child's return code and stderr, and checks GOCOMPAT_WANT_END
("signal SIGABRT", "exit 0", alternatives with |), GOCOMPAT_WANT_STDERR,
GOCOMPAT_NO_STDERR, GOCOMPAT_WANT_RESULT and the C frames a registered cgo
symbolizer names (GOCOMPAT_WANT_FRAMES, GOCOMPAT_NO_FRAMES; see crash.c).
CPython starts with SIGPIPE
ignored, so every child is a host that ignores SIGPIPE."""
import os
import subprocess
import sys
import tempfile
import time

import gocompat_probe as p

CHILD = r"""
import ctypes, os, signal, socket, sys
facts = open(os.environ["GOCOMPAT_CHILD_FACTS"], "a", buffering=1)
def fact(k, v):
    facts.write("%s %s\n" % (k, v))
fact("pid", os.getpid())
fact("sigpipe_ignored", signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)
if os.environ.get("GOCOMPAT_CRASH_HANDLER") in ("faulthandler", "segv", "abrt"):
    import faulthandler
    faulthandler.enable()
    fact("faulthandler", faulthandler.is_enabled())
lib = ctypes.CDLL(sys.argv[1])
s = os.environ["GOCOMPAT_CRASH"]
r = None
try:
    if s in ("c-segv", "c-abort"):
        lib.CrashInC(1 if s == "c-abort" else 0)
    elif s == "panic":
        lib.Panic()
    elif s == "stdout-pipe":
        rd, wr = os.pipe()
        os.dup2(wr, 1)
        os.close(rd)
        os.close(wr)
        r = lib.PrintStdout(1000)
    elif s == "socket":
        a, b = socket.socketpair()
        b.close()
        r = lib.ConnWrite(a.fileno())
    elif s == "go-pointer":
        lib.GoPointer.restype = ctypes.POINTER(ctypes.c_int)
        r = lib.GoPointer()[0]
    elif s in ("chain-segv", "chain-panic", "chain-stack"):
        r = lib.ThroughC(("chain-segv", "chain-panic", "chain-stack").index(s))
    else:
        sys.exit(92)
except BaseException as e:
    fact("python_exception", repr(e))
fact("export_returned", True)
fact("result", r)
os._exit(0)
"""


def run(wrap):
    with tempfile.NamedTemporaryFile("r", prefix="gocompat-child-facts-") as facts:
        env = dict(os.environ, GOCOMPAT_CHILD_FACTS=facts.name)
        t0 = time.monotonic()
        child = subprocess.Popen(wrap + [sys.executable, "-c", CHILD, p.library_path()], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        end, err = p.wait_child(child, 20)
        ms = (time.monotonic() - t0) * 1e3
        got = {}
        for line in facts.read().splitlines():
            k, _, v = line.partition(" ")
            got[k] = v
    return end, err, got, ms


def first(err, prefix):
    for line in err.splitlines():
        if line.startswith(prefix):
            return line[:300]
    return None


def check_frames(err):
    """The C frames a registered cgo symbolizer named (a stderr line that is
    just the name), as evidence; None when GOCOMPAT_WANT_FRAMES (in this
    order) and GOCOMPAT_NO_FRAMES hold, else the reason."""
    want = os.environ.get("GOCOMPAT_WANT_FRAMES", "").split()
    no = os.environ.get("GOCOMPAT_NO_FRAMES", "").split()
    if not want and not no:
        return None
    lines = err.splitlines()
    seen = [line for line in lines if line in want or line in no]
    p.fact("c_frames", seen)
    p.fact("c_frame_count", len(seen))
    start = next((i for i, line in enumerate(lines) if line.startswith("goroutine ")), None)
    if start is not None:
        p.fact("stderr_traceback_head", " | ".join(line.replace("\t", " ") for line in lines[start:start + 10]))
    rest = iter(seen)
    for i, name in enumerate(want):
        if name not in rest:
            return "the child's stderr lacks the C frame %s%s (frames named: %s)" % (
                name, " after the ones before it" if i else "", seen)
    for name in seen:
        if name in no:
            return "the child's stderr names the C frame %s (frames named: %s)" % (name, seen)
    return None


def main():
    s = os.environ.get("GOCOMPAT_CRASH")
    if not s:
        p.skip("GOCOMPAT_CRASH is not set")
        return
    if os.environ.get("GOCOMPAT_EMULATOR"):
        p.skip("a %s Python cannot load a foreign library" % os.uname().machine)
        return
    pid1 = os.environ.get("GOCOMPAT_CRASH_PID1") == "1"
    wrap = ["unshare", "--pid", "--fork", "--kill-child", "--"] if pid1 else []
    end, err, got, ms = run(wrap)
    if pid1 and err.startswith("unshare: "):
        p.fact("unshare_plain", err.splitlines()[0])
        end, err, got, ms = run(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--"])
        if err.startswith("unshare: "):
            p.skip("no PID namespace here: " + err.splitlines()[0])
            return
        p.fact("unshare_user_namespace", True)
    lines = err.splitlines()
    p.fact("scenario", s)
    p.fact("child_end", end)
    p.fact("child_ms", round(ms, 1))
    p.fact("child_stderr_bytes", len(err))
    p.fact("stderr_first_line", lines[0][:300] if lines else "")
    for key, prefix in (("stderr_fatal_error", "fatal error:"), ("stderr_panic", "panic:"),
                        ("stderr_signal_line", "SIG"), ("stderr_fatal_python", "Fatal Python error:")):
        line = first(err, prefix)
        if line is not None:
            p.fact(key, line)
    p.fact("python_traceback", "Traceback (most recent call last)" in err)
    why = check_frames(err)
    p.fact("faulthandler_stack", "most recent call first" in err)
    for k in ("pid", "sigpipe_ignored", "faulthandler", "python_exception", "export_returned", "result"):
        if k in got:
            p.fact("child_pid" if k == "pid" else k, got[k])
    if pid1 and got.get("pid") != "1":
        p.fail("the child under unshare was not PID 1 (pid %s)" % got.get("pid"))
        return
    want_end = os.environ.get("GOCOMPAT_WANT_END")
    if want_end and end not in [w.strip() for w in want_end.split("|")]:
        p.fail("the child ended with %s, want %s; its stderr starts %r" % (end, want_end, lines[0] if lines else ""))
        return
    want = os.environ.get("GOCOMPAT_WANT_STDERR")
    if want and want not in err:
        p.fail("the child's stderr lacks %r; it starts %r" % (want, lines[0] if lines else ""))
        return
    nowant = os.environ.get("GOCOMPAT_NO_STDERR")
    if nowant and nowant in err:
        p.fail("the child's stderr holds %r" % nowant)
        return
    want_h = os.environ.get("GOCOMPAT_WANT_HANDLER")
    if want_h and ("Fatal Python error:" in err) != (want_h == "1"):
        p.fail("faulthandler %s, want it %s" % ("reported" if "Fatal Python error:" in err else "did not report",
                                               "to report" if want_h == "1" else "not to report"))
        return
    want_res = os.environ.get("GOCOMPAT_WANT_RESULT")
    if want_res and got.get("result") != want_res:
        p.fail("the export returned %s, want %s" % (got.get("result"), want_res))
        return
    if why:
        p.fail(why)
        return
    p.passed()


main()
p.finish()
