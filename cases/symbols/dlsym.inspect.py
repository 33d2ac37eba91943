import ctypes
import os

import gocompat_elf as ge
import gocompat_probe as p

want = ge.fixture_exports()
f = ge.facts(exports=want)
imports = ge.names(f["symbols"]["imports"])
p.fact("cgo_init_imported", "_cgo_init" in imports)
lib = p.load()
found = {}
for name in want + ["monotonicNanos", "main.Add", "main.monotonicNanos"]:
    try:
        getattr(lib, name)
        found[name] = True
    except AttributeError:
        found[name] = False
p.fact("dlsym", found)
if "_cgo_init" in imports:
    p.fail("_cgo_init is an undefined import")
elif not all(found[n] for n in want):
    p.fail("dlsym failed for: %s" % ", ".join(n for n in want if not found[n]))
elif any(found[n] for n in ("monotonicNanos", "main.Add", "main.monotonicNanos")):
    p.fail("a Go function without //export resolves: %s" % found)
else:
    p.passed()
p.finish()
