"""A cgo-generated header read as data: the exported functions' C
signatures, the structs cgo declares for multiple results, and the text
normalised for comparison across releases and checkouts.

Only what the header states is used: a signature whose argument values
cannot be built from it without guessing (pointers, GoSlice without an
element type, maps, channels, interfaces, complex numbers) is reported as
not callable, with the reason. A call named as NAME(ARGS)=RESULT is typed
from the signature, for ctypes and, as literal text, for a C program.
"""
import ast
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
_SPEC_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*?)\)\s*(?:=\s*(.+?))?\s*$")


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


def result_fields(text):
    """{"struct F_return": [(field C type, field name)]} for multiple-result
    exports."""
    out = {}
    for m in _STRUCT_RE.finditer(text):
        fields = [f.split() for f in m.group(2).split(";") if f.strip()]
        out["struct " + m.group(1)] = [(" ".join(f[:-1]), f[-1]) for f in fields]
    return out


def result_structs(text):
    """{"struct F_return": [field C types]} for multiple-result exports."""
    return {k: [t for t, _ in v] for k, v in result_fields(text).items()}


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


def parse_call(spec):
    """NAME(ARGS) or NAME(ARGS)=RESULT as (name, args, want): the arguments
    and the result are Python literals; want is None when not given."""
    m = _SPEC_RE.match(spec)
    if not m:
        raise ValueError("not NAME(ARGS) or NAME(ARGS)=RESULT")
    args = ast.literal_eval("(" + m.group(2) + ",)") if m.group(2).strip() else ()
    want = ast.literal_eval(m.group(3)) if m.group(3) is not None else None
    return m.group(1), args, want


def call_text(spec):
    """The call without its expected result: "Add(2,3)" of "Add(2,3)=5"."""
    m = _SPEC_RE.match(spec)
    return "%s(%s)" % (m.group(1), m.group(2).strip()) if m else spec.strip()


def call_problem(name, args, decls, reasons):
    """Why the header rules the call out, or None."""
    if name not in decls:
        return "%s is not declared in the header" % name
    if reasons.get(name):
        return "%s cannot be called: %s" % (name, reasons[name])
    if len(args) != len(decls[name]["args"]):
        return "%s takes %d arguments, the call gives %d" % (name, len(decls[name]["args"]), len(args))
    return None


def arg_value(ctype, v):
    """A call's argument as ctypes takes it."""
    if ctype == "GoString":
        if not isinstance(v, str):
            raise ValueError("a GoString argument wants a string literal, not %r" % (v,))
        b = v.encode("utf-8")
        return GoString(b, len(b))
    if isinstance(v, str):
        raise ValueError("a %s argument wants a number, not a string" % ctype)
    if ctype in FLOATS:
        return float(v)
    return int(v)


def result_value(r):
    """A ctypes result as a Python value; a struct of results as a tuple."""
    if isinstance(r, ctypes.Structure):
        return tuple(getattr(r, f[0]) for f in r._fields_)
    return r


def same_result(got, want):
    return got == (tuple(want) if isinstance(want, list) else want)


def _int_range(ctype):
    """(kind, lowest, highest) of an integer C type."""
    if ctype in ("_Bool", "bool"):
        return "uint", 0, 1
    if ctype == "char":  # signed or not by platform: either spelling fits
        return "int", -128, 255
    t = SCALARS[ctype]
    bits = 8 * ctypes.sizeof(t)
    if t(-1).value < 0:
        return "int", -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return "uint", 0, (1 << bits) - 1


def typed_value(ctype, v):
    """A value as literal text for a C program: {"ctype", "kind", "value"},
    kind int, uint, float or string; numbers as decimal or hexadecimal
    float text, so none loses precision. Stricter than arg_value: an
    integer that does not fit its type, or has a fraction, is refused."""
    if ctype == "GoString":
        if not isinstance(v, str):
            raise ValueError("a GoString wants a string literal, not %r" % (v,))
        return {"ctype": ctype, "kind": "string", "value": v}
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if not isinstance(v, bool):
            raise ValueError("a %s wants a number, not %r" % (ctype, v))
        v = int(v)
    if ctype in FLOATS:
        return {"ctype": ctype, "kind": "float", "value": float(v).hex()}
    if isinstance(v, float) and not v.is_integer():
        raise ValueError("a %s wants an integer, not %r" % (ctype, v))
    kind, lo, hi = _int_range(ctype)
    if not lo <= int(v) <= hi:
        raise ValueError("%d does not fit in %s" % (int(v), ctype))
    return {"ctype": ctype, "kind": kind, "value": str(int(v))}


def typed_result(ret, want, fields):
    """The expected result as typed values, one per result field (the
    field name None for a single result); None when nothing is expected."""
    if want is None:
        return None
    if ret == "void":
        raise ValueError("the export returns nothing: drop =%r" % (want,))
    parts = fields.get(ret, [(ret, None)])
    values = tuple(want) if isinstance(want, (tuple, list)) else (want,)
    if len(values) != len(parts):
        raise ValueError("the export returns %d value(s), =RESULT names %d" % (len(parts), len(values)))
    out = []
    for (ctype, name), w in zip(parts, values):
        if ctype == "GoString":
            raise ValueError("a GoString result is not compared: drop =RESULT")
        out.append(dict(typed_value(ctype, w), field=name))
    return out


def describe_calls(text, specs):
    """What a C program needs to make each call: the export, its result
    type, the typed arguments and expected result; or why it cannot be
    made. Also every declared export with the reason it is not callable
    (None when it is)."""
    decls = declarations(text)
    fields = result_fields(text)
    structs = {k: [t for t, _ in v] for k, v in fields.items()}
    reasons = {n: callable_reason(d, structs) for n, d in decls.items()}
    calls = []
    for spec in specs:
        row = {"spec": spec.strip(), "bench": "lib/" + call_text(spec)}
        try:
            try:
                name, args, want = parse_call(spec)
            except Exception as e:  # literal_eval's errors: a spec that is not a literal call
                raise ValueError("cannot read the call: %s" % e)
            row["name"] = name
            why = call_problem(name, args, decls, reasons)
            if why:
                raise ValueError(why)
            row["ret"] = decls[name]["ret"]
            row["args"] = [typed_value(t, v) for t, v in zip(decls[name]["args"], args)]
            row["want"] = typed_result(row["ret"], want, fields)
        except ValueError as e:
            row["error"] = str(e)
        calls.append(row)
    return {"exports": reasons, "calls": calls}
