"""A Python program whose Go call panics, seen by its parent: the probe runs
a child interpreter that loads the library and calls PanicKind(0), and
reports the child's return code and stderr as subprocess sees them."""
import subprocess
import sys
import time

import gocompat_probe as p

CHILD = r"""
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
try:
    lib.PanicKind(0)
except BaseException as e:
    print("python caught %r" % (e,), file=sys.stderr)
print("python went on", file=sys.stderr)
"""

t0 = time.monotonic()
r = subprocess.run([sys.executable, "-S", "-c", CHILD, p.library_path()], stdin=subprocess.DEVNULL,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
err = r.stderr.decode("utf-8", "replace")
lines = err.splitlines()
p.fact("child_ms", round((time.monotonic() - t0) * 1e3, 1))
p.fact("child_returncode", r.returncode)
p.fact("stderr_lines", len(lines))
p.fact("stderr_first_line", lines[0] if lines else "")
p.fact("python_traceback", "Traceback (most recent call last)" in err)
p.fact("python_went_on", "python went on" in err or "python caught" in err)
if (p.expect_eq("child return code (-SIGABRT)", r.returncode, -6)
        and p.expect_eq("first stderr line", lines[0] if lines else "", "panic: gocompat: deliberate panic")
        and p.expect_eq("Python code after the call ran", "python went on" in err or "python caught" in err, False)
        and p.expect_eq("a Python traceback was printed", "Traceback (most recent call last)" in err, False)):
    p.passed()
p.finish()
