# libdemo's own Python test, run by `gocompat check` with ctypes.
import ctypes

import gocompat_probe as p

lib = p.load()
lib.Greet.argtypes = [p.GoString]
lib.Greet.restype = ctypes.c_int64
lib.Scale.argtypes = [ctypes.c_double]
lib.Scale.restype = ctypes.c_double


class GoSlice(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_int64), ("cap", ctypes.c_int64)]


lib.Sum.argtypes = [GoSlice]
lib.Sum.restype = ctypes.c_int64
xs = (ctypes.c_int64 * 3)(5, 6, 7)
ok = (p.expect_eq("Greet(b'py')", lib.Greet(p.GoString.of(b"py")), 9)
      and p.expect_eq("Scale(1.5)", lib.Scale(1.5), 4.5)
      and p.expect_eq("Sum([5,6,7])", lib.Sum(GoSlice(ctypes.cast(xs, ctypes.c_void_p), 3, 3)), 18))
if ok:
    p.passed()
p.finish()
