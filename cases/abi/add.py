import ctypes

import gocompat_probe as p

lib = p.load()
lib.Add.argtypes = [ctypes.c_int, ctypes.c_int]
lib.Add.restype = ctypes.c_int
if (p.expect_eq("Add(2, 3)", lib.Add(2, 3), 5)
        and p.expect_eq("Add(-7, 3)", lib.Add(-7, 3), -4)
        and p.expect_eq("Add(INT_MAX, 1)", lib.Add(2**31 - 1, 1), -2**31)):
    p.passed()
p.finish()
