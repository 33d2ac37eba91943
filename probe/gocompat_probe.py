"""What a Python ctypes probe is written against.

A probe is run as ``python3 PROBE.py LIBRARY [ARG...]``; it loads the
library with :func:`load`, reports facts and one verdict on fd 3 (the same
line protocol as the C hosts: ``fact``, ``mark``, ``pass``, ``fail``,
``skip``).
"""
import ctypes
import json
import os
import sys
import time

_REPORT_FD = 3
_verdict_sent = False


def _emit(line):
    data = (line.replace("\n", " ") + "\n").encode("utf-8", "replace")
    while data:
        n = os.write(_REPORT_FD, data)
        data = data[n:]


def fact(key, value):
    """Record evidence; non-strings are sent as JSON."""
    _emit("fact %s %s" % (key, value if isinstance(value, str) else json.dumps(value)))


def mark(name):
    _emit("mark %s %d" % (name, time.monotonic_ns()))


def _verdict(line):
    global _verdict_sent
    if not _verdict_sent:
        _verdict_sent = True
        _emit(line)


def passed():
    _verdict("pass")


def fail(detail):
    frame = sys._getframe(1)
    _verdict("fail %s:%d: %s" % (os.path.basename(frame.f_code.co_filename), frame.f_lineno, detail))


def skip(reason):
    _verdict("skip " + reason)


def expect_eq(what, got, want):
    """Fail with the observed value unless got == want; returns whether it held."""
    if got != want:
        frame = sys._getframe(1)
        _verdict("fail %s:%d: %s == %r, want %r" % (
            os.path.basename(frame.f_code.co_filename), frame.f_lineno, what, got, want))
        return False
    return True


def library_path():
    return sys.argv[1]


def load(mode=ctypes.DEFAULT_MODE):
    """dlopen the library; on a foreign arch (the cell runs under qemu-user)
    this Python cannot load it, so the probe ends as a skip."""
    if os.environ.get("GOCOMPAT_EMULATOR"):
        skip("a %s Python cannot load a %s library" % (os.uname().machine, os.environ.get("GOCOMPAT_GOARCH", "foreign")))
        sys.exit(0)
    t0 = time.monotonic()
    lib = ctypes.CDLL(library_path(), mode=mode)
    fact("dlopen_ms", round((time.monotonic() - t0) * 1e3, 3))
    return lib


class GoString(ctypes.Structure):
    """cgo's _GoString_: a pointer and a length, passed by value."""
    _fields_ = [("p", ctypes.c_char_p), ("n", ctypes.c_ssize_t)]

    @classmethod
    def of(cls, b):
        return cls(b, len(b))


def wait_child(child, timeout):
    """Wait for child, a subprocess.Popen with stderr=PIPE, and name its end.

    Reads the child's stderr until it ends; one still running after timeout
    seconds is killed. Returns (end, stderr): end is "exit N", "signal
    SIGNAME" or "timeout" (the killed child, whatever its return code);
    stderr is all the child wrote, up to the kill included, as text
    (undecodable bytes replaced)."""
    import subprocess  # the caller has it loaded; most probes never need it
    try:
        _, err = child.communicate(timeout=timeout)
        end = _end_name(child.returncode)
    except subprocess.TimeoutExpired:
        child.kill()
        _, err = child.communicate()
        end = "timeout"
    return end, err.decode("utf-8", "replace")


def _end_name(returncode):
    if returncode >= 0:
        return "exit %d" % returncode
    import signal
    try:
        return "signal " + signal.Signals(-returncode).name
    except ValueError:
        return "signal %d" % -returncode


def finish():
    """Call at the end of a probe: a probe that never decided is a failure."""
    if not _verdict_sent:
        fail("probe ended without a verdict")
