import ctypes

import gocompat_probe as p

lib = p.load()
try:
    fn = lib.lowerAdd
except AttributeError as e:
    p.fail("lowerAdd not found: %s" % e)
else:
    fn.argtypes = [ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    if p.expect_eq("lowerAdd(40, 2)", fn(40, 2), 42):
        p.passed()
p.finish()
