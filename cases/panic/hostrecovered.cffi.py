# RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
# inside the export and returns 1 with the message, 100 times per kind; the
# cffi host carries on.
import gocompat_cffi
import gocompat_probe as p
from recovered_kinds import KINDS

ffi, lib = gocompat_cffi.load("int RecoveredNamed(char *name, char *msg, int n);")


def main():
    buf = ffi.new("char[128]")
    for name, want in KINDS.items():
        for i in range(100):
            rc = lib.RecoveredNamed(name, buf, 128)
            got = ffi.string(buf)
            if rc != 1 or got != want:
                p.fail("call %d of RecoveredNamed(%s) returned %d with %r, want 1 with %r"
                       % (i + 1, name.decode(), rc, got, want))
                return
    if p.expect_eq("RecoveredNamed(none)", lib.RecoveredNamed(b"none", buf, 128), 0):
        p.fact("recovered_calls", 100 * len(KINDS))
        p.passed()


main()
p.finish()
