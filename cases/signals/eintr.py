"""EINTR in Go reads under CPython's own signal handling: a Python handler
for SIGUSR1 (CPython installs its C-level handler without SA_RESTART) and
the main thread blocked in the export ReadVia on a pipe or a socket. A
helper thread waits until /proc shows the main thread blocked, sends it
SIGUSR1 with pthread_kill and waits until the signal is no longer pending
(CPython's C handler ran), three times, then writes the byte the read waits
for. The Python-level handler itself runs only when the call returns."""
import ctypes
import errno
import os
import signal
import socket
import threading
import time

import gocompat_probe as p

SIGNALS = 3
WAIT_S = 20
# System call numbers the caller blocks in, by machine.
SYSCALLS = {"x86_64": {"read": 0, "futex": 202}, "aarch64": {"read": 63, "futex": 98}}

lib = p.load()
lib.ReadVia.argtypes = [ctypes.c_int, ctypes.c_int]
lib.ReadVia.restype = ctypes.c_int
python_calls = []
signal.signal(signal.SIGUSR1, lambda *a: python_calls.append(1))


def task_file(tid, name):
    try:
        with open("/proc/self/task/%d/%s" % (tid, name)) as f:
            return f.read()
    except OSError:
        return ""


def blocked_in(tid, nr):
    text = task_file(tid, "syscall")
    return text[:1].isdigit() and int(text.split()[0]) == nr


def pending(tid):
    for line in task_file(tid, "status").splitlines():
        if line.startswith("SigPnd:"):
            return int(line.split()[1], 16) >> (signal.SIGUSR1 - 1) & 1
    return 1


def wait(cond, state, until_done):
    """Polls cond; gives up once the call returned when until_done says so
    (waiting for the caller to block), never otherwise (waiting for a
    signal already sent to be delivered, which may end the call)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if until_done and state["done"]:
            return False
        if cond():
            return True
        time.sleep(0.001)
    state["error"] = "gave up waiting after %d s" % WAIT_S
    return False


def interrupter(state, tid, nr, wfd):
    main = threading.main_thread().ident
    for _ in range(SIGNALS):
        if not wait(lambda: blocked_in(tid, nr), state, True):
            break
        signal.pthread_kill(main, signal.SIGUSR1)
        if not wait(lambda: not pending(tid), state, False):
            break
        state["sent"] += 1
    os.write(wfd, b"x")


def run_kind(kind, name, nr, want, want_sent):
    if kind == 2:
        a, b = socket.socketpair()
        rfd, wfd, keep = a.fileno(), b.fileno(), (a, b)
    else:
        rfd, wfd = os.pipe()
        keep = None
    state = {"done": False, "sent": 0, "error": None}
    tid = threading.get_native_id()
    t = threading.Thread(target=interrupter, args=(state, tid, nr, wfd))
    t.start()
    got = lib.ReadVia(kind, rfd)
    state["done"] = True
    t.join()
    if keep is None:
        os.close(rfd)
        os.close(wfd)
    result = "the byte" if got == ord("x") else "EINTR" if got == -errno.EINTR else os.strerror(-got) if got < 0 else "another byte"
    p.fact("%s_result" % name, result)
    p.fact("%s_signals_while_blocked" % name, state["sent"])
    if state["error"]:
        p.fail("%s: %s" % (name, state["error"]))
        return False
    return p.expect_eq("%s: (ReadVia, signals)" % name, (got, state["sent"]), (want, want_sent))


def main():
    nrs = SYSCALLS.get(os.uname().machine)
    if nrs is None:
        p.skip("no system call numbers for %s" % os.uname().machine)
        return
    kinds = [(0, "os_file", nrs["read"], ord("x"), SIGNALS),
             (1, "syscall_read", nrs["read"], -errno.EINTR, 1),
             (2, "net_conn", nrs["futex"], ord("x"), SIGNALS)]
    for k in kinds:
        if not run_kind(*k):
            return
    p.fact("python_handler_calls", len(python_calls))
    p.passed()


main()
p.finish()
