# GoString and GoSlice by value from Python cffi (ABI mode): cgo's struct
# layouts declared in a cdef.
import gocompat_cffi
import gocompat_probe as p

ffi, lib = gocompat_cffi.load("""
GoInt StrLen(GoString s);
GoInt SliceLen(GoSlice s);
""")


def main():
    b = "h\u00e9llo, \u4e16\u754c".encode()
    buf = ffi.new("char[]", b)
    gs = ffi.new("GoString *", {"p": buf, "n": len(b)})
    if not p.expect_eq("StrLen(s)", lib.StrLen(gs[0]), len(b)):
        return
    arr = ffi.new("GoInt[]", [7] * 5)
    sl = ffi.new("GoSlice *", {"data": arr, "len": 5, "cap": 5})
    if not p.expect_eq("SliceLen(v)", lib.SliceLen(sl[0]), 5):
        return
    empty = ffi.new("GoString *", {"p": ffi.NULL, "n": 0})
    if not p.expect_eq("StrLen(nil)", lib.StrLen(empty[0]), 0):
        return
    p.fact("strlen", len(b))
    p.passed()


main()
p.finish()
