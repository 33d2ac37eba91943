"""SIGINT (what Ctrl-C sends) to a Python host 200 ms into a blocking call:
does KeyboardInterrupt arrive, and how late? GOCOMPAT_SIGINT picks where
the main thread is: "idle" (time.sleep in Python), "in-go" (the Go export
Sleep(1500)), "in-libc" (libc usleep, the C baseline for "in-go")."""
import ctypes
import os
import signal
import threading
import time

import gocompat_probe as p

CALL_MS = 1500
SEND_AFTER_MS = 200
# How long to wait for a KeyboardInterrupt that has not come yet: it bounds a
# failure, never a pass.
WAIT_S = 10

where = os.environ.get("GOCOMPAT_SIGINT", "")
lib = p.load()
lib.Sleep.argtypes = [ctypes.c_int]
handler = signal.getsignal(signal.SIGINT)
p.fact("python_sigint_handler_kept", handler is signal.default_int_handler)
sent = []


def fire():
    time.sleep(SEND_AFTER_MS / 1e3)
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)


def blocking_call():
    if where == "idle":
        time.sleep(CALL_MS / 1e3)
    elif where == "in-go":
        lib.Sleep(CALL_MS)
    elif where == "in-libc":
        ctypes.CDLL(None).usleep(CALL_MS * 1000)


def main():
    if where not in ("idle", "in-go", "in-libc"):
        p.skip("GOCOMPAT_SIGINT must be idle, in-go or in-libc, not %r" % where)
        return
    if not p.expect_eq("SIGINT handler after loading the library", handler is signal.default_int_handler, True):
        return
    t = threading.Thread(target=fire)
    t0 = time.monotonic()
    t.start()
    got = None
    try:
        blocking_call()
        returned = time.monotonic()
        # A KeyboardInterrupt may land on the next bytecode after the call;
        # on a loaded machine the sender may even be late. Wait for it.
        while time.monotonic() - returned < WAIT_S and (not sent or time.monotonic() - sent[0] < WAIT_S):
            time.sleep(0.01)
    except KeyboardInterrupt:
        got = time.monotonic()
    t.join()
    p.fact("where", where)
    if got is None:
        p.fact("keyboard_interrupt", False)
        p.fail("no KeyboardInterrupt within %d s of SIGINT" % WAIT_S)
        return
    delay = (got - sent[0]) * 1e3
    p.fact("keyboard_interrupt", True)
    p.fact("interrupt_delay_ms", round(delay, 1))
    p.fact("call_elapsed_ms", round((got - t0) * 1e3, 1))
    # Judged by when the interrupt came relative to the call's full length,
    # which no load can shorten: a late sender or a slow wake-up on a busy
    # machine moves the delay, not which side of CALL_MS the interrupt is on.
    elapsed = (got - t0) * 1e3
    if where == "in-go":
        # The Go runtime retries its interrupted futex sleep: Python sees the
        # flag only when the export returns.
        if elapsed < CALL_MS:
            p.fail("KeyboardInterrupt %.1f ms into Sleep(%d), before it could have returned" % (elapsed, CALL_MS))
            return
    elif elapsed >= CALL_MS:
        p.fail("KeyboardInterrupt %.1f ms into the %d ms call, %.1f ms after SIGINT: the call was not interrupted"
               % (elapsed, CALL_MS, delay))
        return
    p.passed()


main()
p.finish()
