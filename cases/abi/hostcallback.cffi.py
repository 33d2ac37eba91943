# A Python function called back from Go through CallThrough as a cffi
# callback, 1000 times, from the main thread.
import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("""
typedef void (*gc_callback)(void *);
int CallThrough(gc_callback cb, void *arg, int recoverIt);
""")
calls = [0]


@ffi.callback("void(void *)")
def bump(arg):
    calls[0] += 1


def main():
    for i in range(1000):
        rc = lib.CallThrough(bump, ffi.NULL, 0)
        if rc != 0:
            p.fail("CallThrough returned %d at call %d" % (rc, i))
            return
    if not p.expect_eq("callbacks", calls[0], 1000):
        return
    p.fact("callbacks", calls[0])
    p.passed()


main()
p.finish()
