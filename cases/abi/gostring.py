import ctypes

import gocompat_probe as p

lib = p.load()
for name in ("StrLen", "ByteSum"):
    fn = getattr(lib, name)
    fn.argtypes = [p.GoString]
    fn.restype = ctypes.c_longlong
GS = p.GoString.of
if (p.expect_eq("StrLen('gocompat')", lib.StrLen(GS(b"gocompat")), 8)
        and p.expect_eq("StrLen('a\\0b')", lib.StrLen(GS(b"a\0b")), 3)
        and p.expect_eq("ByteSum('a\\0b')", lib.ByteSum(GS(b"a\0b")), ord("a") + ord("b"))
        and p.expect_eq("StrLen('')", lib.StrLen(p.GoString(None, 0)), 0)):
    p.passed()
p.finish()
