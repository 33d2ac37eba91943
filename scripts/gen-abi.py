#!/usr/bin/env python3
"""Generate the ABI fixture and its C oracle from cases/abi/shapes.tsv.

usage: gen-abi.py [--root DIR] [--out DIR]

Reads ROOT/cases/abi/shapes.tsv (ROOT defaults to the source tree this
script lives in) and writes, under OUT (default ROOT):

  gosrc/abishapes/shapes.go      one Go export per shape
  gosrc/abishapes/bridge.c       C trampolines for callbacks and snprintf
  gosrc/abishapes/abi_types.h    the struct types every side shares: the cgo
                                 preamble, bridge.c and the probes include it
  cases/abi/abi_oracle_gen.c     the oracle: each shape as a plain C function
  cases/abi/abi_direct_gen.c     per-shape direct calls for the C probes
  cases/abi/shapes-GROUP-CALLER.case  one case per shape group and caller

Every shape computes the same thing on both sides: it appends the bits of
its arguments to a capture buffer (integers widened to 64 bits as the
callee sees them, floats as raw bits), hashes the capture (FNV-1a), and
derives its result from the hash, picking a float or pointer result from
its own arguments of that type so NaN payloads and -0.0 travel back too.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# code: (C type for the oracle, C type in the cgo header, Go type, kind)
T = {
    'a': ('signed char', 'signed char', 'C.schar', 'int'),
    'h': ('unsigned char', 'unsigned char', 'C.uchar', 'uint'),
    's': ('short', 'short', 'C.short', 'int'),
    't': ('unsigned short', 'unsigned short', 'C.ushort', 'uint'),
    'i': ('int', 'int', 'C.int', 'int'),
    'j': ('unsigned int', 'unsigned int', 'C.uint', 'uint'),
    'x': ('long long', 'long long', 'C.longlong', 'int'),
    'y': ('unsigned long long', 'unsigned long long', 'C.ulonglong', 'uint'),
    'z': ('size_t', 'size_t', 'C.size_t', 'uint'),
    'u': ('uintptr_t', 'uintptr_t', 'C.uintptr_t', 'uint'),
    'g': ('ptrdiff_t', 'GoInt', 'int', 'int'),
    'f': ('float', 'float', 'C.float', 'f32'),
    'd': ('double', 'double', 'C.double', 'f64'),
    'b': ('_Bool', '_Bool', 'C._Bool', 'bool'),
    'p': ('void *', 'void *', 'unsafe.Pointer', 'ptr'),
    '@': ('void *', 'void *', 'unsafe.Pointer', 'ptr'),
    'F': ('float _Complex', 'GoComplex64', 'complex64', 'c64'),
    'D': ('double _Complex', 'GoComplex128', 'complex128', 'c128'),
    'S': ('abi_gostring', 'GoString', 'string', 'str'),
    'Y': ('abi_goslice', 'GoSlice', '[]byte', 'slice'),
}
# snprintf conversions for vararg shapes (after default promotions)
VFMT = {'a': '%d', 'h': '%d', 's': '%d', 't': '%d', 'i': '%d', 'j': '%u', 'x': '%lld',
        'y': '%llu', 'z': '%zu', 'f': '%a', 'd': '%a', 'p': '%p'}
CALLERS = {
    'direct': ('c-linked c-archive', 'abi_direct', [],
               'direct calls through the cgo header'),
    'dlsym': ('c-dlopen c-archive', 'abi_direct', ['-DABI_VIA_DLSYM', '-rdynamic'],
              'calls through a dlsym pointer cast to the declared type'),
    'ffi': ('c-dlopen c-archive', 'abi_ffi', ['-lffi', '-rdynamic'],
            'libffi ffi_call built from the table row at run time'),
    'ctypes': ('python-ctypes python-ctypes@c-archive python313-ctypes python313-ctypes@c-archive', 'abi_ctypes', [],
               'Python ctypes with argtypes/restype built from the table'),
}


class Type:
    def __init__(self, code):
        self.code = code
        if code[0] in '{(':
            self.fields = list(code[1:-1])
            self.kind = 'struct' if code[0] == '{' else 'tuple'
        else:
            self.fields = None
            self.kind = 'v' if code == 'v' else T[code][3]

    def ctype(self):
        if self.kind == 'v':
            return 'void'
        if self.kind == 'struct':
            return 'struct abi_s_' + self.code[1:-1]
        if self.kind == 'tuple':
            return 'struct abi_t_' + self.code[1:-1]
        return T[self.code][0]

    def htype(self):
        """The type as the cgo header spells it (structs are shared)."""
        if self.fields is not None or self.kind == 'v':
            return self.ctype()
        return T[self.code][1]

    def gotype(self):
        if self.kind == 'struct':
            return 'C.struct_abi_s_' + self.code[1:-1]
        return T[self.code][2]


class Shape:
    def __init__(self, line, lineno):
        cols = line.rstrip('\n').split('\t')
        if len(cols) != 5:
            sys.exit('shapes.tsv:%d: want 5 tab-separated columns' % lineno)
        self.name, self.group = cols[0], cols[1]
        self.ret = Type(cols[2])
        self.args = [] if cols[3] == '-' else [Type(a) for a in cols[3].split(' ')]
        flags = [] if cols[4] == '-' else cols[4].split(',')
        self.stress = 'stress' in flags
        self.vararg = 'vararg' in flags
        self.calls = 0
        for f in flags:
            if f.startswith('calls='):
                self.calls = int(f[6:])
        self.cb = bool(self.args) and self.args[0].code == '@'
        self.export = 'Abi_' + self.name

    def cbargs(self):
        return self.args[1:] if self.cb else self.args


def load(path):
    shapes = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            shapes.append(Shape(line, n))
    return shapes


def struct_types(shapes):
    """Every struct and result-list layout, in first-use order."""
    seen = []
    for s in shapes:
        for t in [s.ret] + s.args:
            if t.fields is not None and t.code not in seen:
                seen.append(t.code)
    return seen


def types_text(shapes):
    out = ['#ifndef GOCOMPAT_ABI_TYPES', '#define GOCOMPAT_ABI_TYPES',
           '#include <stddef.h>', '#include <stdint.h>',
           'typedef struct { const char *p; ptrdiff_t n; } abi_gostring;',
           'typedef struct { void *data; ptrdiff_t len, cap; } abi_goslice;']
    for code in struct_types(shapes):
        tag = ('abi_s_' if code[0] == '{' else 'abi_t_') + code[1:-1]
        fields = ' '.join('%s f%d;' % (T[c][0], i) for i, c in enumerate(code[1:-1]))
        out.append('struct %s { %s };' % (tag, fields))
    out.append('#endif')
    return '\n'.join(out) + '\n'


def flat(args, first=0):
    """(index, kind code, expression) of every scalar the arguments carry."""
    items = []
    for i, a in enumerate(args, first):
        if a.fields is not None:
            for j, c in enumerate(a.fields):
                items.append((c, 'a%d.f%d' % (i, j)))
        else:
            items.append((a.code, 'a%d' % i))
    return items


# ---- Go -------------------------------------------------------------------

def go_put(code, e):
    k = T[code][3]
    if k == 'int':
        return 'put64(uint64(int64(%s)))' % e
    if k == 'uint':
        return 'put64(uint64(%s))' % e
    if k == 'bool':
        return 'putBool(bool(%s))' % e
    if k == 'ptr':
        return 'put64(uint64(uintptr(%s)))' % e
    if k == 'f32':
        return 'put32(math.Float32bits(float32(%s)))' % e
    if k == 'f64':
        return 'put64(math.Float64bits(float64(%s)))' % e
    if k == 'c64':
        return 'putC64(complex64(%s))' % e
    if k == 'c128':
        return 'putC128(complex128(%s))' % e
    if k == 'str':
        return 'putStr(%s)' % e
    if k == 'slice':
        return 'putSlice(%s)' % e
    raise ValueError(code)


def go_put_value(t, e):
    if t.fields is not None:
        return [go_put(c, '%s.f%d' % (e, j)) for j, c in enumerate(t.fields)]
    return [go_put(t.code, e)]


def go_result(code, idx, items, h='h'):
    """A Go expression of Go type T[code][2] for result item idx."""
    gt = T[code][2]
    k = T[code][3]
    x = 'hi(%s, %d)' % (h, idx)
    cands = [e for c, e in items if c == code and code != '@']
    if k in ('int', 'uint'):
        return '%s(%s)' % (gt, x)
    if k == 'bool':
        return '%s(%s&1 != 0)' % (gt, x)
    if k in ('f32', 'f64', 'c64', 'c128', 'ptr', 'str') and cands:
        return '[...]%s{%s}[%s%%%d]' % (gt, ', '.join(cands), x, len(cands))
    if k == 'f32':
        return '%s(math.Float32frombits(uint32(%s)))' % (gt, x)
    if k == 'f64':
        return '%s(math.Float64frombits(%s))' % (gt, x)
    if k == 'c64':
        return 'c64bits(%s)' % x
    if k == 'c128':
        return 'c128bits(%s)' % x
    if k == 'ptr':
        return 'unsafe.Pointer(nil)'
    if k == 'str':
        return '""'
    raise ValueError(code)


def go_results(t, items, h='h'):
    """Statements setting r (a value of the export's result type)."""
    if t.kind == 'struct':
        lines = ['var r %s' % t.gotype()]
        for j, c in enumerate(t.fields):
            lines.append('r.f%d = %s' % (j, go_result(c, j, items, h)))
        return lines, 'r'
    if t.kind == 'tuple':
        return [], ', '.join(go_result(c, j, items, h) for j, c in enumerate(t.fields))
    if t.code == 'S':
        cands = [e for c, e in items if c == 'S']
        if cands:
            return ['s := [...]string{%s}[hi(%s, 0)%%%d]' % (', '.join(cands), h, len(cands)),
                    'r := s[(hi(%s, 0)>>8)%%uint64(len(s)+1):]' % h], 'r'
        return [], '""'
    return [], go_result(t.code, 0, items, h)


def gen_go(shapes):
    out = ['// Code generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT.',
           '', 'package main', '', '/*', '#include "abi_types.h"']
    out += bridge_decls(shapes)
    out += ['*/', 'import "C"', '', 'import (', '\t"math"', '\t"unsafe"', ')', '',
            'var _ = math.Float32bits', 'var _ unsafe.Pointer', '']
    for s in shapes:
        params = ', '.join('a%d %s' % (i, a.gotype()) for i, a in enumerate(s.args))
        if s.ret.kind == 'v':
            res = ''
        elif s.ret.kind == 'tuple':
            res = ' (%s)' % ', '.join(T[c][2] for c in s.ret.fields)
        else:
            res = ' ' + s.ret.gotype()
        out.append('//export %s' % s.export)
        out.append('func %s(%s)%s {' % (s.export, params, res))
        body = ['capReset()']
        if s.stress:
            body.append('stress()')
        for i, a in enumerate(s.args):
            body += go_put_value(a, 'a%d' % i)
        if s.cb:
            cargs = ', '.join('a%d' % i for i in range(1, len(s.args)))
            call = 'C.abi_tramp_%s(a0%s)' % (s.name, ', ' + cargs if cargs else '')
            body.append('for k := 0; k < %d; k++ {' % s.calls)
            if s.ret.kind == 'v':
                body.append('\t%s' % call)
            else:
                body.append('\tcr := %s' % call)
                body += ['\t' + x for x in go_put_value(s.ret, 'cr')]
            if s.stress:
                body.append('\tstress()')
            body.append('}')
        if s.vararg:
            cargs = ', '.join('a%d' % i for i in range(len(s.args)))
            body.append('n := C.abi_vcall_%s(vbuf, vbufSize, %s)' % (s.name, cargs))
            body.append('putVbuf(int(n))')
        body.append('h := capHash()')
        items = flat(s.cbargs(), 1 if s.cb else 0)
        pre, expr = go_results(s.ret, items) if s.ret.kind != 'v' else ([], None)
        body += pre
        for i, a in enumerate(s.args):
            if a.code == 'Y':
                body.append('writeBack(a%d, h)' % i)
        if expr is None:
            body.append('_ = h')
        else:
            body.append('return ' + expr)
        out += ['\t' + b for b in body]
        out += ['}', '']
    return '\n'.join(out)


def bridge_decls(shapes):
    lines = []
    for s in shapes:
        if s.cb:
            ps = ['void *cb'] + ['%s a%d' % (a.ctype(), i) for i, a in enumerate(s.args) if i > 0]
            lines.append('%s abi_tramp_%s(%s);' % (s.ret.ctype(), s.name, ', '.join(ps)))
        if s.vararg:
            ps = ['char *buf', 'size_t n'] + ['%s a%d' % (a.ctype(), i) for i, a in enumerate(s.args)]
            lines.append('int abi_vcall_%s(%s);' % (s.name, ', '.join(ps)))
    return lines


def gen_bridge(shapes):
    c = ['/* Code generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT.',
         ' * C helpers the exports call: Go cannot call a C function pointer or a',
         ' * variadic C function itself. */',
         '#include <stdio.h>', '#include <stddef.h>', '#include <stdint.h>', '', '#include "abi_types.h"', '']
    c += bridge_decls(shapes)
    c.append('')
    for s in shapes:
        if s.cb:
            rest = s.args[1:]
            ps = ['void *cb'] + ['%s a%d' % (a.ctype(), i) for i, a in enumerate(s.args) if i > 0]
            fty = '%s (*)(%s)' % (s.ret.ctype(), ', '.join(a.ctype() for a in rest) or 'void')
            call = '((%s)cb)(%s)' % (fty, ', '.join('a%d' % i for i in range(1, len(s.args))))
            c.append('%s abi_tramp_%s(%s)' % (s.ret.ctype(), s.name, ', '.join(ps)))
            c.append('{')
            c.append('    %s%s;' % ('' if s.ret.kind == 'v' else 'return ', call))
            c.append('}')
            c.append('')
        if s.vararg:
            ps = ['char *buf', 'size_t n'] + ['%s a%d' % (a.ctype(), i) for i, a in enumerate(s.args)]
            fmt = ' '.join(VFMT[a.code] for a in s.args)
            c.append('int abi_vcall_%s(%s)' % (s.name, ', '.join(ps)))
            c.append('{')
            c.append('    return snprintf(buf, n, "%s", %s);' % (fmt, ', '.join('a%d' % i for i in range(len(s.args)))))
            c.append('}')
            c.append('')
    return '\n'.join(c)


# ---- C oracle ---------------------------------------------------------------

def c_put(code, e):
    k = T[code][3]
    if k == 'int':
        return 'put64((uint64_t)(int64_t)(%s));' % e
    if k in ('uint', 'bool'):
        return 'put64((uint64_t)(%s));' % e
    if k == 'ptr':
        return 'put64((uint64_t)(uintptr_t)(%s));' % e
    if k in ('f32', 'f64', 'c64', 'c128'):
        return 'putn(&(%s), sizeof(%s));' % (e, e)
    if k == 'str':
        return 'put_str(%s);' % e
    if k == 'slice':
        return 'put_slice(%s);' % e
    raise ValueError(code)


def c_put_value(t, e):
    if t.fields is not None:
        return [c_put(c, '%s.f%d' % (e, j)) for j, c in enumerate(t.fields)]
    return [c_put(t.code, e)]


def c_result(code, idx, items, h='h'):
    ct = T[code][0]
    k = T[code][3]
    x = 'hi(%s, %d)' % (h, idx)
    cands = [e for c, e in items if c == code and code != '@']
    if k in ('int', 'uint'):
        return '(%s)%s' % (ct, x)
    if k == 'bool':
        return '(_Bool)(%s & 1)' % x
    if k in ('f32', 'f64', 'c64', 'c128', 'ptr') and cands:
        return '((%s[]){%s})[%s %% %d]' % (ct, ', '.join(cands), x, len(cands))
    if k == 'f32':
        return 'f32bits((uint32_t)%s)' % x
    if k == 'f64':
        return 'f64bits(%s)' % x
    if k == 'c64':
        return 'c64bits(%s)' % x
    if k == 'c128':
        return 'c128bits(%s)' % x
    if k == 'ptr':
        return '(void *)0'
    raise ValueError(code)


def c_results(t, items, h='h'):
    if t.fields is not None:
        lines = ['%s r;' % t.ctype(), 'memset(&r, 0, sizeof r);']
        for j, c in enumerate(t.fields):
            lines.append('r.f%d = %s;' % (j, c_result(c, j, items, h)))
        return lines
    if t.code == 'S':
        cands = [e for c, e in items if c == 'S']
        if cands:
            return ['abi_gostring s = ((abi_gostring[]){%s})[hi(%s, 0) %% %d];' % (', '.join(cands), h, len(cands)),
                    'uint64_t off = (hi(%s, 0) >> 8) %% ((uint64_t)s.n + 1);' % h,
                    'abi_gostring r = { s.p + off, s.n - (ptrdiff_t)off };']
        return ['abi_gostring r = { 0, 0 };']
    return ['%s r = %s;' % (t.ctype(), c_result(t.code, 0, items, h))]


def params(args, first=0):
    return ', '.join('%s a%d' % (a.ctype(), i) for i, a in enumerate(args, first)) or 'void'


def gen_oracle(shapes):
    o = ['/* Code generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT.',
         ' * The oracle: every shape as a plain C function computing what the Go',
         ' * export must compute, plus the native callbacks the exports call. */',
         '#include <stdint.h>', '#include <stdio.h>', '#include <string.h>', '#include "abi_types.h"', '',
         'static unsigned char capbuf[1 << 16];', 'static size_t caplen;',
         'static unsigned char cblog[1 << 16];', 'static size_t cblen;', 'static uint64_t cbcalls;', '',
         'static void putn(const void *p, size_t n)',
         '{', '    if (caplen + n > sizeof capbuf) n = sizeof capbuf - caplen;',
         '    memcpy(capbuf + caplen, p, n);', '    caplen += n;', '}',
         'static void put64(uint64_t v) { putn(&v, 8); }',
         'static void put_str(abi_gostring s)',
         '{', '    put64((uint64_t)(uintptr_t)s.p);', '    put64((uint64_t)s.n);',
         '    if (s.n > 0) putn(s.p, (size_t)s.n);', '}',
         'static void put_slice(abi_goslice s)',
         '{', '    put64((uint64_t)(uintptr_t)s.data);', '    put64((uint64_t)s.len);', '    put64((uint64_t)s.cap);',
         '    if (s.len > 0) putn(s.data, (size_t)s.len);', '}',
         'static uint64_t fnv(const unsigned char *p, size_t n)',
         '{', '    uint64_t h = 0xcbf29ce484222325ULL;',
         '    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;', '    return h;', '}',
         'static uint64_t mix(uint64_t z)',
         '{', '    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;', '    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;',
         '    return z ^ (z >> 31);', '}',
         'static uint64_t hi(uint64_t h, int i) { return mix(h + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)); }',
         'static float f32bits(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }',
         'static double f64bits(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }',
         '__attribute__((unused)) static float _Complex c64bits(uint64_t b) { float _Complex c; memcpy(&c, &b, 8); return c; }',
         '__attribute__((unused)) static double _Complex c128bits(uint64_t b)',
         '{', '    uint64_t v[2] = { b, mix(b) };', '    double _Complex c;', '    memcpy(&c, v, 16);', '    return c;', '}',
         'static void write_back(abi_goslice s, uint64_t h)',
         '{', '    unsigned char *b = s.data, x = (unsigned char)(h >> 8);',
         '    for (long long k = 0; k < s.len; k++) b[k] = (unsigned char)((unsigned char)(b[k] * 31u + (unsigned)k) ^ x);',
         '}',
         'static void put_vbuf(const char *buf, int n)',
         '{', '    put64((uint64_t)(int64_t)n);', '    if (n > 0) putn(buf, (size_t)n < 255 ? (size_t)n : 255);', '}',
         '',
         '/* What the last oracle call captured; resets for the next call. */',
         'size_t abi_oracle_capture(void *dst, size_t n)',
         '{', '    size_t c = caplen < n ? caplen : n;', '    memcpy(dst, capbuf, c);', '    return caplen;', '}',
         '/* What the native callbacks saw since the last reset. */',
         'size_t abi_cblog_take(void *dst, size_t n)',
         '{', '    size_t c = cblen < n ? cblen : n;', '    memcpy(dst, cblog, c);', '    return cblen;', '}',
         'void abi_oracle_reset(void) { caplen = cblen = 0; cbcalls = 0; }', '']
    # Callbacks: log the arguments, return a value derived from them and the call count.
    for s in shapes:
        if not s.cb:
            continue
        rest = s.args[1:]
        o.append('%s abi_cb_%s(%s)' % (s.ret.ctype(), s.name, params(rest, 1)))
        o.append('{')
        o.append('    size_t save = caplen;')
        for i, a in enumerate(rest, 1):
            o += ['    ' + x for x in c_put_value(a, 'a%d' % i)]
        o.append('    put64(cbcalls++);')
        o.append('    uint64_t h = fnv(capbuf + save, caplen - save);')
        o.append('    memcpy(cblog + cblen, capbuf + save, caplen - save);')
        o.append('    cblen += caplen - save;')
        o.append('    caplen = save;')
        if s.ret.kind == 'v':
            o.append('    (void)h;')
        else:
            o += ['    ' + x for x in c_results(s.ret, flat(rest, 1))]
            o.append('    return r;')
        o.append('}')
        o.append('')
    for s in shapes:
        o.append('%s oracle_%s(%s)' % (s.ret.ctype(), s.name, params(s.args)))
        o.append('{')
        o.append('    caplen = 0;')
        for i, a in enumerate(s.args):
            o += ['    ' + x for x in c_put_value(a, 'a%d' % i)]
        if s.cb:
            rest = s.args[1:]
            fty = '%s (*)(%s)' % (s.ret.ctype(), ', '.join(a.ctype() for a in rest) or 'void')
            call = '((%s)a0)(%s)' % (fty, ', '.join('a%d' % i for i in range(1, len(s.args))))
            o.append('    for (int k = 0; k < %d; k++) {' % s.calls)
            if s.ret.kind == 'v':
                o.append('        %s;' % call)
            else:
                o.append('        %s cr = %s;' % (s.ret.ctype(), call))
                o += ['        ' + x for x in c_put_value(s.ret, 'cr')]
            o.append('    }')
        if s.vararg:
            fmt = ' '.join(VFMT[a.code] for a in s.args)
            o.append('    char vbuf[256];')
            o.append('    int vn = snprintf(vbuf, sizeof vbuf, "%s", %s);' % (fmt, ', '.join('a%d' % i for i in range(len(s.args)))))
            o.append('    put_vbuf(vbuf, vn);')
        o.append('    uint64_t h = fnv(capbuf, caplen);')
        if s.ret.kind != 'v':
            o += ['    ' + x for x in c_results(s.ret, flat(s.cbargs(), 1 if s.cb else 0))]
        for i, a in enumerate(s.args):
            if a.code == 'Y':
                o.append('    write_back(a%d, h);' % i)
        o.append('    %s;' % ('(void)h' if s.ret.kind == 'v' else 'return r'))
        o.append('}')
        o.append('')
    o.append('/* name, oracle, native callback (or NULL) */')
    o.append('struct abi_oracle_entry { const char *name; void (*oracle)(void); void (*cb)(void); };')
    o.append('const struct abi_oracle_entry abi_oracles[] = {')
    for s in shapes:
        cb = '(void (*)(void))abi_cb_%s' % s.name if s.cb else '0'
        o.append('    { "%s", (void (*)(void))oracle_%s, %s },' % (s.name, s.name, cb))
    o.append('    { 0, 0, 0 },')
    o.append('};')
    return '\n'.join(o) + '\n'


# ---- direct callers -----------------------------------------------------------

def gen_direct(shapes):
    o = ['/* Code generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT.',
         ' * One function per shape: draw values, call the oracle and the export',
         ' * with the same bits, hand both observations to abi_run.h. */', '']
    for s in shapes:
        o.append('static void run_%s(abi_run *r)' % s.name)
        o.append('{')
        for i, a in enumerate(s.args):
            o.append('    %s a%d;' % (a.ctype(), i))
            if a.code == '@':
                o.append('    a%d = (void *)abi_cb_%s;' % (i, s.name))
            elif a.code == 'S':
                o.append('    run_gen_str(r, %d, &a%d);' % (i, i))
            elif a.code == 'Y':
                o.append('    run_gen_slice(r, %d, &a%d);' % (i, i))
            elif a.fields is not None:
                o.append('    memset(&a%d, 0, sizeof a%d);' % (i, i))
                for j, c in enumerate(a.fields):
                    o.append('    abi_gen(&r->rng, %s, &a%d.f%d);' % (kind_enum(c), i, j))
            else:
                o.append('    abi_gen(&r->rng, %s, &a%d);' % (kind_enum(a.code), i))
        gargs = []
        for i, a in enumerate(s.args):
            if a.code in 'SY':
                gt = 'GoString' if a.code == 'S' else 'GoSlice'
                o.append('    %s g%d;' % (gt, i))
                o.append('    memcpy(&g%d, &a%d, sizeof g%d);' % (i, i, i))
                gargs.append('g%d' % i)
            else:
                gargs.append('a%d' % i)
        oargs = ', '.join('a%d' % i for i in range(len(s.args)))
        o.append('    abi_oracle_reset();')
        if s.ret.kind == 'v':
            o.append('    oracle_%s(%s);' % (s.name, oargs))
        else:
            o.append('    %s e = oracle_%s(%s);' % (s.ret.ctype(), s.name, oargs))
        o.append('    run_observe_oracle(r);')
        o += ['    ' + x for x in ret_ser(s.ret, 'e', '&r->exp')]
        o.append('    run_restore(r);')
        o.append('    abi_oracle_reset();')
        call = 'ABI_FN(%s)(%s)' % (s.export, ', '.join(gargs))
        if s.ret.kind == 'v':
            o.append('    %s;' % call)
        elif s.ret.kind == 'tuple':
            o.append('    struct %s_return g = %s;' % (s.export, call))
        elif s.ret.code == 'S':
            o.append('    GoString g = %s;' % call)
        else:
            o.append('    %s g = %s;' % (s.ret.htype(), call))
        o.append('    run_observe_go(r);')
        o += ['    ' + x for x in ret_ser(s.ret, 'g', '&r->got')]
        o.append('}')
        o.append('')
    o.append('static const struct abi_direct { const char *name, *group; void (*run)(abi_run *); } abi_direct[] = {')
    for s in shapes:
        o.append('    { "%s", "%s", run_%s },' % (s.name, s.group, s.name))
    o.append('    { 0, 0, 0 },')
    o.append('};')
    return '\n'.join(o) + '\n'


KIND_ENUM = {'a': 'ABI_I8', 'h': 'ABI_U8', 's': 'ABI_I16', 't': 'ABI_U16', 'i': 'ABI_I32', 'j': 'ABI_U32',
             'x': 'ABI_I64', 'y': 'ABI_U64', 'z': 'ABI_SIZE', 'u': 'ABI_UPTR', 'f': 'ABI_F32', 'd': 'ABI_F64',
             'b': 'ABI_BOOL', 'p': 'ABI_PTR', 'g': 'ABI_GOINT', 'F': 'ABI_C64', 'D': 'ABI_C128'}


def kind_enum(c):
    return KIND_ENUM[c]


def ret_ser(t, v, obs):
    """Append the result's bits (fields without padding) to an observation."""
    if t.kind == 'v':
        return []
    if t.fields is not None:
        return ['obs_ret(%s, &%s.r%d, sizeof %s.r%d);' % (obs, v, j, v, j) if t.kind == 'tuple' and v == 'g'
                else 'obs_ret(%s, &%s.f%d, sizeof %s.f%d);' % (obs, v, j, v, j) for j in range(len(t.fields))]
    if t.code == 'S':
        return ['obs_ret_str(%s, %s.p, %s.n);' % (obs, v, v)]
    return ['obs_ret(%s, &%s, sizeof %s);' % (obs, v, v)]


# Files the C probes compile in besides their own source: their digest is a
# hostflag of every generated case, so the host cache rebuilds the probes
# whenever one of them changes.
PROBE_INPUTS = ['probe/abi.c', 'probe/abi.h', 'cases/abi/abi_run.h']


def inputs_digest(root, generated):
    import hashlib
    h = hashlib.sha256()
    for rel in PROBE_INPUTS:
        with open(os.path.join(root, rel), 'rb') as f:
            h.update(rel.encode() + b'\0' + f.read())
    for rel in sorted(generated):
        h.update(rel.encode() + b'\0' + generated[rel].encode())
    return h.hexdigest()[:16]




# 386's C code moves floats through the x87 stack, which quiets signalling
# NaNs (cgo's export wrappers included): bit for bit does not hold there for
# a group with a float anywhere, so its cases name the other arches and
# cases/abi/snan-x87.case records the quieting itself.
ARCHES_X87_FREE = ('amd64', 'arm64', 'riscv64', 'ppc64le', 's390x')
FLOAT_KINDS = ('f32', 'f64', 'c64', 'c128')


def has_float(s):
    codes = [s.ret] + s.args
    kinds = [T[c][3] for t in codes for c in (t.fields or ([] if t.kind == 'v' else [t.code]))]
    return any(k in FLOAT_KINDS for k in kinds)


def has_go_type(s):
    codes = [s.ret] + s.args
    return any(c in ('S', 'Y') for t in codes for c in (t.fields or ([] if t.kind == 'v' else [t.code])))


def shape_claims(shapes, g):
    """A pass of every shape refutes C09 and supports C11; a group that
    passes GoString or GoSlice values also refutes C10 (exports cannot take
    Go strings or slices)."""
    go_types = any(has_go_type(s) for s in shapes if s.group == g)
    return '!C09 !C10 C11' if go_types else '!C09 C11'


def gen_cases(shapes, digest):
    groups = []
    for s in shapes:
        if s.group not in groups:
            groups.append(s.group)
    files = {}
    for g in groups:
        names = [s.name for s in shapes if s.group == g]
        floats = any(has_float(s) for s in shapes if s.group == g)
        for caller, (hosts, probe, flags, how) in CALLERS.items():
            lines = ['# Generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT.',
                     '# ABI shapes of group `%s` (%d shapes), called by %s.' % (g, len(names), how),
                     'fixture: abishapes', 'hosts: ' + hosts, 'probe: ' + probe,
                     'expect: every argument, result, callback argument and written-back byte of the %d `%s` shapes '
                     'matches the natively compiled C oracle bit for bit over randomised values' % (len(names), g),
                     'claims: ' + shape_claims(shapes, g), 'env: ABI_GROUP=' + g, 'timeout: 120']
            if floats:
                lines.append('arch: ' + ' '.join(ARCHES_X87_FREE))
            lines += ['hostflag: ' + f for f in flags]
            if probe != 'abi_ctypes':
                lines.append('hostflag: -DABI_INPUTS=' + digest)
            files['cases/abi/shapes-%s-%s.case' % (g, caller)] = '\n'.join(lines) + '\n'
    return files


def main(argv):
    root = os.path.dirname(HERE)
    out = None
    i = 0
    while i < len(argv):
        if argv[i] in ('--root', '--out') and i + 1 < len(argv):
            if argv[i] == '--root':
                root = argv[i + 1]
            else:
                out = argv[i + 1]
            i += 2
        elif argv[i] in ('-h', '--help'):
            print(__doc__.strip())
            return 0
        else:
            print('gen-abi.py: unknown argument %s (see --help)' % argv[i], file=sys.stderr)
            return 2
    out = out or root
    shapes = load(os.path.join(root, 'cases/abi/shapes.tsv'))
    bc = gen_bridge(shapes)
    files = {
        'gosrc/abishapes/shapes.go': gen_go(shapes),
        'gosrc/abishapes/bridge.c': bc,
        'gosrc/abishapes/abi_types.h': '/* Code generated by scripts/gen-abi.py from cases/abi/shapes.tsv; DO NOT EDIT. */\n'
                                       + types_text(shapes),
        'cases/abi/abi_oracle_gen.c': gen_oracle(shapes),
        'cases/abi/abi_direct_gen.c': gen_direct(shapes),
    }
    files.update(gen_cases(shapes, inputs_digest(root, files)))
    for rel, text in files.items():
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        old = None
        if os.path.exists(p):
            with open(p) as f:
                old = f.read()
        if old != text:
            with open(p + '.tmp', 'w') as f:
                f.write(text)
            os.replace(p + '.tmp', p)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
