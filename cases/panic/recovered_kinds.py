"""The failures of the panics fixture that panic on the calling goroutine,
by the fixture's names, and the text recover gets from each: what the
Python recovered probes (ctypes, cffi) expect."""

KINDS = {
    b"string": b"gocompat: deliberate panic",
    b"error": b"gocompat: deliberate error",
    b"custom": b"{7}",
    b"nil": b"runtime error: invalid memory address or nil pointer dereference",
    b"index": b"runtime error: index out of range [5] with length 1",
    b"divide": b"runtime error: integer divide by zero",
}
