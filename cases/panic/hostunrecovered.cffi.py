# An export panics and nobody recovers: a Python try/except around the cffi
# call must not see it; the process ends as the runtime decides.
import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("int FailNamed(char *name);")
p.mark("before_panic")
try:
    rc = lib.FailNamed(b"string")
    p.fail("FailNamed(\"string\") returned %d" % rc)
except BaseException as e:
    p.fail("a Go panic reached Python as %r" % e)
p.finish()
