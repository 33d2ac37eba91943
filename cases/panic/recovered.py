import ctypes
import time

import gocompat_probe as p
from recovered_kinds import KINDS

lib = p.load()
lib.RecoveredNamed.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
lib.RecoveredNamed.restype = ctypes.c_int
buf = ctypes.create_string_buffer(128)


def batch_ns(name, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        lib.RecoveredNamed(name, buf, 128)
    return (time.perf_counter_ns() - t0) / n


def main():
    for name, want in KINDS.items():
        for i in range(1000):
            rc = lib.RecoveredNamed(name, buf, 128)
            if rc != 1 or buf.value != want:
                p.fail("call %d of RecoveredNamed(%s) returned %d with %r, want 1 with %r"
                       % (i + 1, name.decode(), rc, buf.value, want))
                return
    if not p.expect_eq("RecoveredNamed(none)", lib.RecoveredNamed(b"none", buf, 128), 0):
        return
    p.fact("recovered_calls", 1000 * len(KINDS))
    # Fastest of seven interleaved batches of about 5 ms each, so load
    # skews both alike; the sizes come from a short calibration.
    nrec = max(20, min(5000, int(5e6 / max(batch_ns(b"string", 20), 1))))
    nplain = max(20, min(5000, int(5e6 / max(batch_ns(b"none", 20), 1))))
    rec = plain = float("inf")
    for _ in range(7):
        rec = min(rec, batch_ns(b"string", nrec))
        plain = min(plain, batch_ns(b"none", nplain))
    p.fact("batch_calls", [nrec, nplain])
    p.fact("recovered_panic_ns_per_call", round(rec))
    p.fact("plain_call_ns_per_call", round(plain))
    p.fact("panic_recover_cost_ns", round(rec - plain))
    p.passed()


main()
p.finish()
