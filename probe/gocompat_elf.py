"""What inspect probes of the symbols and build areas share.

ELF facts come from ``$GOCOMPAT_BIN elf --json`` (libelf, never readelf or
nm text); export names come from the fixture's ``//export`` comments; the
cgo header is compiled with the host C and C++ compilers.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

import gocompat_probe as p

_EXPORT_RE = re.compile(r"^//export\s+(\S+)", re.M)


def fixture_exports(src=None):
    """The //export names of the fixture's .go files, in file order."""
    src = src or os.environ["GOCOMPAT_FIXTURE_SRC"]
    names = []
    for f in sorted(os.listdir(src)):
        if f.endswith(".go"):
            with open(os.path.join(src, f), encoding="utf-8") as fh:
                names += _EXPORT_RE.findall(fh.read())
    return names


def facts(path=None, exports=None, header=None):
    """`gocompat elf --json` of path (default: the artifact) as a dict."""
    path = path or os.environ["GOCOMPAT_ARTIFACT"]
    argv = [os.environ["GOCOMPAT_BIN"], "elf", "--json"]
    if exports:
        argv.append("--exports=" + ",".join(exports))
    if header:
        argv.append("--header=" + header)
    argv.append(path)
    r = subprocess.run(argv, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise RuntimeError("gocompat elf exited %d: %s" % (r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)[0]


def names(symbols):
    return [s["name"] for s in symbols]


def section_of(f, shndx):
    """Section name for a symbol's section index ("UNDEF", "ABS" pass through)."""
    if not isinstance(shndx, int):
        return shndx
    secs = f.get("sections", [])
    # The list starts at section 1 (section 0 is the null entry).
    return secs[shndx - 1]["name"] if 0 < shndx <= len(secs) else "?%d" % shndx


def nm_type(f, sym):
    """The letter `nm -D` would print for a symbol (T, D, B, R, U, W, …)."""
    if sym["shndx"] == "UNDEF":
        return "w" if sym["bind"] == "WEAK" else "U"
    sec = section_of(f, sym["shndx"])
    if sym["shndx"] == "ABS":
        letter = "a"
    elif sec.startswith(".text") or sec in (".init", ".fini", ".plt"):
        letter = "t"
    elif sec.startswith(".bss") or sec.startswith(".tbss") or sec.startswith(".noptrbss"):
        letter = "b"
    elif sec.startswith(".rodata") or sec in (".eh_frame", ".gopclntab", ".typelink", ".itablink"):
        letter = "r"
    else:
        letter = "d"
    if sym["bind"] == "WEAK":
        return "W" if letter == "t" else "V"
    return letter.upper() if sym["bind"] in ("GLOBAL", "UNIQUE") else letter


def compile_header(header, lang):
    """Compile a file that includes the header: lang "c11" (the cell's C
    compiler) or "c++17" (its g++ sibling), -Wall -Wextra -Werror. Returns
    (ok, first error line, command); ok is None when there is no compiler for
    the cell's arch (a cross g++ is often not installed), since another
    arch's compiler would judge the header by the wrong pointer size."""
    cc = os.environ.get("GOCOMPAT_CC") or "cc"
    if lang == "c11":
        argv = [cc, "-std=c11", "-x", "c"]
    else:
        cxx = cc[:-3] + "g++" if cc.endswith("gcc") else "g++"
        if not shutil.which(cxx):
            return None, "no %s here" % os.path.basename(cxx), cxx
        argv = [cxx, "-std=c++17", "-x", "c++"]
    argv += ["-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-"]
    src = '#include "%s"\nint main(void) { return 0; }\n' % header
    if lang != "c11":
        src = src.replace("(void)", "()")
    r = subprocess.run(argv, input=src, capture_output=True, text=True, check=False)
    lines = [l for l in r.stderr.splitlines() if "error" in l] or r.stderr.splitlines()
    return r.returncode == 0, (lines[0] if lines else ""), " ".join(argv)


def go_env(**extra):
    """The environment of a `go` command run by a probe: the toolchain under
    test offline, with the cell's GOCACHE, building for the cell's arch (on
    a foreign arch, with that arch's C compiler)."""
    e = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="", CGO_ENABLED="1",
             GOCACHE=os.environ["GOCOMPAT_GOCACHE"])
    if os.environ.get("GOCOMPAT_EMULATOR"):
        e.update(GOARCH=os.environ["GOCOMPAT_GOARCH"], CC=os.environ["GOCOMPAT_CC"])
    e.update(extra)
    return e


def go_build(args, src=None, env=None):
    """Run `go ARGS` in a private copy of the fixture with the toolchain
    under test. Returns (exit code, first error line, output folder)."""
    src = src or os.environ["GOCOMPAT_FIXTURE_SRC"]
    tmp = tempfile.mkdtemp(prefix="gocompat-inspect-")
    for f in os.listdir(src):
        with open(os.path.join(src, f), "rb") as a, open(os.path.join(tmp, f), "wb") as b:
            b.write(a.read())
    e = go_env(**(env or {}))
    r = subprocess.run([os.environ["GOCOMPAT_GO"]] + args, cwd=tmp, env=e, capture_output=True, text=True,
                       check=False)
    lines = [l for l in r.stderr.splitlines() if l and not l.startswith("#")]
    return r.returncode, (lines[0] if lines else ""), tmp


def record_split(f, prefix=""):
    """Evidence: the dynamic symbols, split as gocompat elf splits them."""
    s = f["symbols"]
    p.fact(prefix + "exports", [{k: x[k] for k in ("name", "bind", "type", "shndx", "size") if k in x}
                                for x in s["exports"]])
    p.fact(prefix + "missing_exports", s["missing"])
    p.fact(prefix + "runtime_symbols", names(s["runtime"]) if len(s["runtime"]) <= 400 else
           {"count": len(s["runtime"]), "first": names(s["runtime"])[:100]})
    p.fact(prefix + "other_symbols", names(s["other"])[:200])
    p.fact(prefix + "imports", names(s["imports"]))
