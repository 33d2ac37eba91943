"""Go writes to a socket whose peer is closed, from a Python host (which
starts with SIGPIPE ignored, as CPython does)."""
import os
import signal
import socket

import gocompat_probe as p

lib = p.load()
p.fact("python_sigpipe_ignored", signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)
if os.environ.get("GOCOMPAT_SIGPIPE") != "go":
    p.skip("the Python probe writes from Go only")
else:
    a, b = socket.socketpair()
    b.close()
    p.mark("write")
    r = lib.WriteFD(a.fileno())
    p.fact("go_write", r)
    if p.expect_eq("WriteFD on a broken socket", r, -32) and p.expect_eq("again", lib.WriteFD(a.fileno()), -32):
        p.passed()
p.finish()
