"""What a Python cffi probe (host python-cffi) is written against.

A probe is ``NAME.cffi.py`` beside its case, run as ``python3 NAME.cffi.py
LIBRARY``; it declares what it calls in C syntax and loads the library in
cffi's ABI mode (``ffi.dlopen``), then reports through gocompat_probe.
Without the cffi module (Debian's python3-cffi) the probe ends as a skip.
"""
import sys
import time

import gocompat_probe as p

# cgo's header types a probe's declarations may use.
GO_TYPES = """
typedef signed char GoInt8; typedef unsigned char GoUint8;
typedef long long GoInt64; typedef unsigned long long GoUint64;
typedef GoInt64 GoInt; typedef GoUint64 GoUint; typedef size_t GoUintptr;
typedef struct { const char *p; ptrdiff_t n; } GoString;
typedef struct { void *data; GoInt len; GoInt cap; } GoSlice;
"""


def load(cdef):
    """(ffi, lib): ``cdef`` declared and the library dlopen'ed in ABI mode."""
    try:
        import cffi
    except ImportError:
        p.skip("no cffi module for %s (scripts/setup --hosts installs python3-cffi)" % sys.executable)
        sys.exit(0)
    ffi = cffi.FFI()
    ffi.cdef(GO_TYPES + cdef)
    t0 = time.monotonic()
    lib = ffi.dlopen(p.library_path())
    p.fact("dlopen_ms", round((time.monotonic() - t0) * 1e3, 3))
    p.fact("cffi_version", cffi.__version__)
    return ffi, lib
