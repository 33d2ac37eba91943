# A Python exception raised in a cffi callback that Go called (CallThrough,
# no recover). cffi does not let it cross the C boundary: it reports it (to
# onerror, else stderr) and the callback returns; Go carries on.
import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("""
typedef void (*gc_callback)(void *);
int CallThrough(gc_callback cb, void *arg, int recoverIt);
""")
seen = []


def onerror(exc_type, exc_value, tb):
    seen.append(repr(exc_value))


@ffi.callback("void(void *)", onerror=onerror)
def raises(arg):
    raise ValueError("from a Python callback")


def main():
    try:
        rc = lib.CallThrough(raises, ffi.NULL, 0)
    except BaseException as e:
        p.fail("the exception crossed Go to the caller: %r" % e)
        return
    p.fact("onerror_saw", seen)
    if p.expect_eq("CallThrough", rc, 0) and p.expect_eq("errors reported to onerror", len(seen), 1):
        p.passed()


main()
p.finish()
