import ctypes
import time

import gocompat_probe as p

WANT = [b"gocompat: deliberate panic", b"gocompat: deliberate error", b"{7}",
        b"runtime error: invalid memory address or nil pointer dereference",
        b"runtime error: index out of range [5] with length 1",
        b"runtime error: integer divide by zero"]

lib = p.load()
lib.Recovered.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
lib.Recovered.restype = ctypes.c_int
buf = ctypes.create_string_buffer(128)


def batch_ns(kind, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        lib.Recovered(kind, buf, 128)
    return (time.perf_counter_ns() - t0) / n


def main():
    for kind, want in enumerate(WANT):
        for i in range(1000):
            rc = lib.Recovered(kind, buf, 128)
            if rc != 1 or buf.value != want:
                p.fail("call %d of Recovered(%d) returned %d with %r, want 1 with %r" % (i + 1, kind, rc, buf.value, want))
                return
    if not p.expect_eq("Recovered(-1)", lib.Recovered(-1, buf, 128), 0):
        return
    p.fact("recovered_calls", 6000)
    # Fastest of seven interleaved batches of about 5 ms each, so load
    # skews both alike; the sizes come from a short calibration.
    nrec = max(20, min(5000, int(5e6 / max(batch_ns(0, 20), 1))))
    nplain = max(20, min(5000, int(5e6 / max(batch_ns(-1, 20), 1))))
    rec = plain = float("inf")
    for _ in range(7):
        rec = min(rec, batch_ns(0, nrec))
        plain = min(plain, batch_ns(-1, nplain))
    p.fact("batch_calls", [nrec, nplain])
    p.fact("recovered_panic_ns_per_call", round(rec))
    p.fact("plain_call_ns_per_call", round(plain))
    p.fact("panic_recover_cost_ns", round(rec - plain))
    p.passed()


main()
p.finish()
