"""What a Python cffi probe (hosts python-cffi, python313-cffi,
python-cffi-api) is written against.

A probe is ``NAME.cffi.py`` beside its case, run as ``python3 NAME.cffi.py
LIBRARY``; it declares what it calls in C syntax with :func:`load`, which
returns ``(ffi, lib)``, and reports through gocompat_probe. Call ``load()``
before anything else: in API mode the host build runs the probe only as far
as ``load()``.

- ABI mode (python-cffi, python313-cffi): the library is ``ffi.dlopen``'ed.
- API mode (python-cffi-api): at host-build time (``-X
  gocompat_cffi_build=OUT``), ``load()`` compiles the declarations against
  the cgo header into an extension module linked with the library, writes
  it to OUT and ends the process; a probe run (``-X
  gocompat_cffi_module=OUT``) imports that extension instead of dlopen'ing.

Without the cffi module the probe ends as a skip.
"""
import importlib.machinery
import importlib.util
import os
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

# The extension's module name (its PyInit_ symbol), whatever its file is called.
API_MODULE = "_gocompat_cffi_api"


def _build(cffi, cdef, out):
    """Compile the declarations against the cgo header and the library into
    the extension OUT (API mode), then end the process."""
    xo = sys._xoptions
    lib = p.library_path()
    libdir = os.path.dirname(os.path.abspath(lib))
    ffi = cffi.FFI()
    ffi.cdef(GO_TYPES + cdef)
    ffi.set_source(API_MODULE, '#include "%s"' % xo["gocompat_cffi_header"],
                   include_dirs=[d for d in xo.get("gocompat_cffi_include", "").split(":") if d],
                   library_dirs=[libdir], libraries=[":" + os.path.basename(lib)],
                   extra_link_args=["-Wl,-rpath," + libdir])
    built = ffi.compile(tmpdir=os.path.dirname(os.path.abspath(out)))
    os.replace(built, out)
    os.chmod(out, 0o755)
    sys.exit(0)


def _import(path):
    """The compiled extension's (ffi, lib); the library is loaded with it."""
    loader = importlib.machinery.ExtensionFileLoader(API_MODULE, path)
    spec = importlib.util.spec_from_file_location(API_MODULE, path, loader=loader)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.ffi, mod.lib


def load(cdef):
    """(ffi, lib): ``cdef`` declared and the library loaded (see the module
    doc for the two modes)."""
    try:
        import cffi
    except ImportError:
        p.skip("no cffi module for %s (scripts/setup --hosts installs Debian's python3-cffi)" % sys.executable)
        sys.exit(0)
    if "gocompat_cffi_build" in sys._xoptions:
        _build(cffi, cdef, sys._xoptions["gocompat_cffi_build"])
    module = sys._xoptions.get("gocompat_cffi_module")
    if module:
        t0 = time.monotonic()
        ffi, lib = _import(module)
    else:
        ffi = cffi.FFI()
        ffi.cdef(GO_TYPES + cdef)
        t0 = time.monotonic()
        lib = ffi.dlopen(p.library_path())
    p.fact("dlopen_ms", round((time.monotonic() - t0) * 1e3, 3))
    p.fact("cffi_version", cffi.__version__)
    p.fact("cffi_mode", "api" if module else "abi")
    return ffi, lib
