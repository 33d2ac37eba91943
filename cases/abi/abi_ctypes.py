"""ABI shapes called from Python ctypes, argtypes/restype built from
shapes.tsv at run time (no per-shape code). The oracle is the same C as for
the C hosts (abi_oracle_gen.c plus the value generator probe/abi.c),
compiled with $GOCOMPAT_CC into a small library (cached in the fixture's
build folder); the oracle and the Go
export get the same argument objects and must agree bit for bit.

A c-archive fixture is linked into a shared library first (ctypes can only
load shared objects). Float and double values travel as instances of
ctypes subclasses, never as Python floats, so signalling NaNs keep their
bits; complex shapes are unsupported (ctypes has no complex type)."""
import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import gocompat_probe as p

HERE = os.getcwd()
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


# Subclasses of simple types are not converted to Python objects when
# returned, so a result arrives with its exact bits.
class RawFloat(ctypes.c_float):
    pass


class RawDouble(ctypes.c_double):
    pass


SCALAR = {
    "a": ctypes.c_int8, "h": ctypes.c_uint8, "s": ctypes.c_int16, "t": ctypes.c_uint16,
    "i": ctypes.c_int32, "j": ctypes.c_uint32, "x": ctypes.c_int64, "y": ctypes.c_uint64,
    "z": ctypes.c_size_t, "u": ctypes.c_size_t, "g": ctypes.c_ssize_t, "f": RawFloat,
    "d": RawDouble, "b": ctypes.c_bool, "p": ctypes.c_void_p, "@": ctypes.c_void_p,
}
STR_MAX = 48


class GoSlice(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_ssize_t), ("cap", ctypes.c_ssize_t)]


class GoStr(ctypes.Structure):
    _fields_ = [("p", ctypes.c_void_p), ("n", ctypes.c_ssize_t)]


class Rng(ctypes.Structure):
    _fields_ = [("s", ctypes.c_uint64)]


_structs = {}


def struct_of(code):
    if code not in _structs:
        fields = [("f%d" % i, SCALAR[c]) for i, c in enumerate(code[1:-1])]
        _structs[code] = type("S_" + code[1:-1], (ctypes.Structure,), {"_fields_": fields})
    return _structs[code]


def ctype_of(code):
    if code in "FD":
        return None
    if code[0] in "{(":
        return struct_of(code)
    if code == "S":
        return GoStr
    if code == "Y":
        return GoSlice
    if code == "v":
        return None
    return SCALAR[code]


def _digest(paths, extra):
    h = hashlib.sha256(extra.encode())
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def _cached(cachedir, name, make):
    """Build `name` in cachedir once (atomic rename); several probes may race."""
    out = os.path.join(cachedir, name)
    if not os.path.exists(out):
        tmp = "%s.%d.tmp" % (out, os.getpid())
        make(tmp)
        os.replace(tmp, out)
    return out


def _run(cmd, what):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("%s failed: %s" % (what, (r.stderr.strip().splitlines() or ["?"])[0]))


def build(cc, cachedir, lib):
    """The oracle library, and a shared library for a c-archive fixture,
    cached in the fixture's build folder (keyed by their inputs)."""
    fixture = os.environ.get("GOCOMPAT_FIXTURE_SRC") or os.path.join(ROOT, "gosrc", "abishapes")
    srcs = [os.path.join(HERE, "abi_oracle_gen.c"), os.path.join(fixture, "abi_types.h"),
            os.path.join(ROOT, "probe", "abi.c"), os.path.join(ROOT, "probe", "abi.h")]
    oracle = _cached(cachedir, "abi-oracle-%s.so" % _digest(srcs, cc), lambda out: _run(
        [cc, "-shared", "-fPIC", "-O1", "-o", out, srcs[0], srcs[2], "-I" + os.path.join(ROOT, "probe"),
         "-I" + fixture],
        "building the oracle"))
    if lib.endswith(".a"):
        lib = _cached(cachedir, "abi-archive-%s.so" % _digest([lib], cc), lambda out: _run(
            [cc, "-shared", "-o", out, "-Wl,--whole-archive", lib, "-Wl,--no-whole-archive", "-pthread"],
            "linking the c-archive into a shared library"))
    return oracle, lib


def load_table(group):
    rows = []
    with open(os.path.join(HERE, "shapes.tsv")) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, grp, ret, args, flags = line.rstrip("\n").split("\t")
            if grp == group:
                rows.append((name, ret, [] if args == "-" else args.split(" ")))
    return rows


def main():
    group = os.environ.get("ABI_GROUP")
    iters = int(os.environ.get("ABI_ITERS", "40"))
    seed = int(os.environ.get("GOCOMPAT_SEED", "1"), 0)
    if not group:
        p.fail("ABI_GROUP is not set")
        return
    cc = os.environ.get("GOCOMPAT_CC") or "cc"
    cachedir = os.environ.get("GOCOMPAT_BUILD_DIR") or tempfile.mkdtemp(prefix="gocompat-abi-")
    try:
        oracle_path, lib_path = build(cc, cachedir, p.library_path())
        go = ctypes.CDLL(lib_path)
        orc = ctypes.CDLL(oracle_path)
    except (RuntimeError, OSError) as e:
        p.fail(str(e))
        return
    finally:
        if not os.environ.get("GOCOMPAT_BUILD_DIR"):
            shutil.rmtree(cachedir, ignore_errors=True)
    orc.abi_gen.argtypes = [ctypes.POINTER(Rng), ctypes.c_int, ctypes.c_void_p]
    orc.abi_gen_bytes.argtypes = [ctypes.POINTER(Rng), ctypes.c_void_p, ctypes.c_size_t]
    orc.abi_rng_next.argtypes = [ctypes.POINTER(Rng)]
    orc.abi_rng_next.restype = ctypes.c_uint64
    orc.abi_rng_seed.argtypes = [ctypes.POINTER(Rng), ctypes.c_uint64]
    # The type codes' kinds come from the C table (probe/abi.c), not a copy.
    orc.abi_kind_of.argtypes = [ctypes.c_char]
    orc.abi_kind_of.restype = ctypes.c_int
    kind = {c: orc.abi_kind_of(c.encode()) for c in SCALAR}
    for f, lib in (("abi_oracle_capture", orc), ("abi_cblog_take", orc), ("AbiCapture", go)):
        getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        getattr(lib, f).restype = ctypes.c_size_t
    capbuf = ctypes.create_string_buffer(1 << 16)

    def take(fn):
        n = fn(capbuf, len(capbuf))
        return capbuf.raw[:min(n, len(capbuf))]

    passed, failed, unsupported = [], [], []
    first = None
    rows = load_table(group)
    for name, ret, args in rows:
        if any(c in "FD" for c in [ret] + args):
            unsupported.append("%s: ctypes has no complex type" % name)
            continue
        p.fact("abi_last_shape", name)  # a record of a crash names the shape
        rng = Rng()
        h = 0xcbf29ce484222325 ^ seed
        for ch in name.encode():
            h = ((h ^ ch) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        orc.abi_rng_seed(ctypes.byref(rng), h)
        argtypes = [ctype_of(a) for a in args]
        restype = ctype_of(ret)
        gofn = getattr(go, "Abi_" + name)
        ofn = getattr(orc, "oracle_" + name)
        for fn in (gofn, ofn):
            fn.argtypes = argtypes
            fn.restype = restype
        cbaddr = ctypes.cast(getattr(orc, "abi_cb_" + name), ctypes.c_void_p).value if args and args[0] == "@" else None
        bad = None
        for it in range(iters):
            vals, bufs, keep = [], [], []
            for i, a in enumerate(args):
                t = argtypes[i]
                if a == "@":
                    vals.append(ctypes.c_void_p(cbaddr))
                elif a in "SY":
                    v = orc.abi_rng_next(ctypes.byref(rng))
                    n = v % (STR_MAX + 1)
                    buf = ctypes.create_string_buffer(STR_MAX)
                    keep.append(buf)
                    orc.abi_gen_bytes(ctypes.byref(rng), buf, n)
                    ptr = None if n == 0 and (v >> 32) % 2 else ctypes.addressof(buf)
                    if a == "S":
                        vals.append(GoStr(ptr, n))
                    else:
                        c = n + orc.abi_rng_next(ctypes.byref(rng)) % (STR_MAX - n + 1)
                        vals.append(GoSlice(ptr, n, 0 if ptr is None else c))
                        bufs.append((buf, n, buf.raw))
                elif a[0] == "{":
                    s = t()
                    for j, c in enumerate(a[1:-1]):
                        off = getattr(t, "f%d" % j).offset
                        orc.abi_gen(ctypes.byref(rng), kind[c], ctypes.addressof(s) + off)
                    vals.append(s)
                else:
                    v = t()
                    orc.abi_gen(ctypes.byref(rng), kind[a], ctypes.addressof(v))
                    vals.append(v)
            obs = []
            for fn, cap in ((ofn, orc.abi_oracle_capture), (gofn, go.AbiCapture)):
                orc.abi_oracle_reset()
                r = fn(*vals)
                o = {"argument capture": take(cap), "callback log": take(orc.abi_cblog_take),
                     "result": ret_bits(ret, restype, r),
                     "written-back bytes": b"".join(b.raw[:n] for b, n, _ in bufs)}
                for b, n, orig in bufs:
                    ctypes.memmove(b, orig, STR_MAX)
                obs.append(o)
            for part in ("argument capture", "callback log", "result", "written-back bytes"):
                e, g = obs[0][part], obs[1][part]
                if e != g:
                    d = next((k for k in range(min(len(e), len(g))) if e[k] != g[k]), min(len(e), len(g)))
                    at = d & ~7
                    bad = "%s: call %d: %s byte %d (of %d/%d): want %s got %s" % (
                        name, it, part, d, len(e), len(g), e[at:at + 16].hex() or "(none)", g[at:at + 16].hex() or "(none)")
                    break
            if bad:
                break
        if bad:
            failed.append(bad)
            first = first or bad
        else:
            passed.append(name)
    p.fact("abi_group", group)
    p.fact("abi_caller", "ctypes")
    p.fact("seed", seed)
    p.fact("calls_per_shape", iters)
    p.fact("shapes_total", len(rows))
    p.fact("shapes_passed_count", len(passed))
    p.fact("shapes_failed_count", len(failed))
    p.fact("shapes_unsupported_count", len(unsupported))
    p.fact("shapes_passed", passed)
    p.fact("shapes_failed", failed)
    p.fact("shapes_unsupported", unsupported)
    if not rows:
        p.fail("no shapes in group `%s`" % group)
    elif failed:
        p.fail("%d of %d `%s` shapes differ from the oracle; first: %s" % (len(failed), len(rows), group, first))
    else:
        p.passed()


def ret_bits(code, t, r):
    """The result's bits, fields without padding; a GoString's pointer only
    when it is not empty (as in abi_run.h)."""
    if code == "v":
        return b""
    if code[0] in "{(":
        out = b""
        for j, c in enumerate(code[1:-1]):
            f = getattr(t, "f%d" % j)
            out += ctypes.string_at(ctypes.addressof(r) + f.offset, f.size)
        return out
    if code == "S":
        ptr = r.p or 0
        return (ptr if r.n else 0).to_bytes(8, sys.byteorder) + (r.n & 0xFFFFFFFFFFFFFFFF).to_bytes(8, sys.byteorder)
    if isinstance(r, (RawFloat, RawDouble)):
        return bytes(r)
    if code == "p":
        return (r or 0).to_bytes(ctypes.sizeof(ctypes.c_void_p), sys.byteorder)
    size = ctypes.sizeof(t)
    if code == "b":
        return bytes([1 if r else 0])
    return (r & ((1 << (8 * size)) - 1)).to_bytes(size, sys.byteorder)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a probe that breaks must say why
        p.fail("%s: %s" % (type(e).__name__, e))
    p.finish()
    sys.stdout.flush()
