# Recovered(kind) recovers each kind of panic inside the export and returns
# 1 with the message, 100 times per kind; the cffi host carries on.
import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("int Recovered(int kind, char *msg, int n);")
WANT = [b"gocompat: deliberate panic", b"gocompat: deliberate error", b"{7}",
        b"runtime error: invalid memory address or nil pointer dereference",
        b"runtime error: index out of range [5] with length 1",
        b"runtime error: integer divide by zero"]


def main():
    buf = ffi.new("char[128]")
    for kind, want in enumerate(WANT):
        for i in range(100):
            rc = lib.Recovered(kind, buf, 128)
            got = ffi.string(buf)
            if rc != 1 or got != want:
                p.fail("call %d of Recovered(%d) returned %d with %r, want 1 with %r" % (i + 1, kind, rc, got, want))
                return
    if p.expect_eq("Recovered(-1)", lib.Recovered(-1, buf, 128), 0):
        p.fact("recovered_calls", 600)
        p.passed()


main()
p.finish()
