"""A cgo-generated header read as data: the exported functions' C
signatures, the structs cgo declares for multiple results, and the text
normalised for comparison across releases and checkouts.

Only what the header states is used: a signature whose argument values
cannot be built from it without guessing (pointers, GoSlice without an
element type, maps, channels, interfaces, complex numbers) is reported as
not callable, with the reason.
"""
import ctypes
import re

# C types of the header's typedefs and of the C types cgo spells out.
SCALARS = {
    "GoInt8": ctypes.c_int8, "GoUint8": ctypes.c_uint8, "GoInt16": ctypes.c_int16, "GoUint16": ctypes.c_uint16,
    "GoInt32": ctypes.c_int32, "GoUint32": ctypes.c_uint32, "GoInt64": ctypes.c_int64, "GoUint64": ctypes.c_uint64,
    "GoInt": ctypes.c_int64 if ctypes.sizeof(ctypes.c_void_p) == 8 else ctypes.c_int32,
    "GoUint": ctypes.c_uint64 if ctypes.sizeof(ctypes.c_void_p) == 8 else ctypes.c_uint32,
    "GoUintptr": ctypes.c_size_t, "GoFloat32": ctypes.c_float, "GoFloat64": ctypes.c_double,
    "char": ctypes.c_char, "signed char": ctypes.c_byte, "unsigned char": ctypes.c_ubyte,
    "short": ctypes.c_short, "unsigned short": ctypes.c_ushort, "int": ctypes.c_int, "unsigned int": ctypes.c_uint,
    "long": ctypes.c_long, "unsigned long": ctypes.c_ulong, "long long": ctypes.c_longlong,
    "unsigned long long": ctypes.c_ulonglong, "float": ctypes.c_float, "double": ctypes.c_double,
    "size_t": ctypes.c_size_t, "ptrdiff_t": ctypes.c_ssize_t, "_Bool": ctypes.c_bool, "bool": ctypes.c_bool,
    "int8_t": ctypes.c_int8, "uint8_t": ctypes.c_uint8, "int16_t": ctypes.c_int16, "uint16_t": ctypes.c_uint16,
    "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32, "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
}
FLOATS = ("GoFloat32", "GoFloat64", "float", "double")

_DECL_RE = re.compile(r"^extern\s+(.+?)\s*\b([A-Za-z_]\w*)\s*\((.*)\);\s*$", re.M)
_STRUCT_RE = re.compile(r"struct\s+(\w+_return)\s*\{([^}]*)\};", re.S)


class GoString(ctypes.Structure):
    _fields_ = [("p", ctypes.c_char_p), ("n", ctypes.c_ssize_t)]


def normalise(text, pkgdir=None):
    """The header as compared across releases: the `package` line (the
    import path, or command-line-arguments) and the checkout's folder in
    #line directives are replaced."""
    text = re.sub(r"^/\* package .* \*/$", "/* package PKG */", text, flags=re.M)
    if pkgdir:
        text = text.replace(pkgdir.rstrip("/") + "/", "")
    return text


def _params(text):
    text = text.strip()
    if text in ("", "void"):
        return []
    out = []
    for p in text.split(","):
        p = " ".join(p.split())
        m = re.match(r"^(.*?[\s*])([A-Za-z_]\w*)$", p)
        ctype = (m.group(1) if m else p).strip()
        out.append(" ".join(ctype.replace("*", " * ").split()).replace(" *", "*"))
    return out


def declarations(text):
    """{name: {"ret": C type, "args": [C type…], "decl": line}} in header order."""
    decls = {}
    for m in _DECL_RE.finditer(text):
        ret = " ".join(m.group(1).replace("*", " * ").split()).replace(" *", "*")
        decls[m.group(2)] = {"ret": ret, "args": _params(m.group(3)), "decl": " ".join(m.group(0).split())}
    return decls


def result_structs(text):
    """{"struct F_return": [field C types]} for multiple-result exports."""
    out = {}
    for m in _STRUCT_RE.finditer(text):
        fields = [" ".join(f.split()[:-1]) for f in m.group(2).split(";") if f.strip()]
        out["struct " + m.group(1)] = fields
    return out


def _why_not(ctype, structs, is_ret):
    if ctype == "void":
        return None if is_ret else "a void argument"
    if ctype in SCALARS or ctype == "GoString":
        return None
    if ctype.endswith("*"):
        return "%s: a pointer, whose memory and ownership the header does not describe" % ctype
    if ctype == "GoSlice":
        return "GoSlice: the header does not say the element type"
    if ctype in ("GoMap", "GoChan", "GoInterface"):
        return "%s: a Go value C cannot build" % ctype
    if ctype in ("GoComplex64", "GoComplex128"):
        return "%s: complex numbers are not callable through ctypes" % ctype
    if ctype in structs:
        for f in structs[ctype]:
            why = _why_not(f, structs, False)
            if why:
                return "%s has a field %s" % (ctype, why)
        return None
    return "%s: a type the header does not define as a scalar" % ctype


def callable_reason(decl, structs):
    """None if every argument and the result can be built and read from the
    header alone; else the reason."""
    for i, a in enumerate(decl["args"]):
        why = _why_not(a, structs, False)
        if why:
            return "argument %d is %s" % (i + 1, why)
    why = _why_not(decl["ret"], structs, True)
    return "its result is " + why if why else None


def ctype_of(ctype, structs):
    if ctype == "void":
        return None
    if ctype == "GoString":
        return GoString
    if ctype in structs:
        return type(ctype.replace(" ", "_"), (ctypes.Structure,),
                    {"_fields_": [("r%d" % i, ctype_of(f, structs)) for i, f in enumerate(structs[ctype])]})
    return SCALARS[ctype]
