import os

import gocompat_elf as ge
import gocompat_probe as p

want = ge.fixture_exports()
f = ge.facts(exports=want)
ge.record_split(f)
p.fact("kind", f["kind"])
s = f["symbols"]
bad = []
if s["missing"]:
    bad.append("missing exports: %s" % ", ".join(s["missing"]))
letters = {}
for sym in s["exports"]:
    if sym["type"] != "FUNC" or sym["bind"] != "GLOBAL":
        bad.append("%s is %s %s" % (sym["name"], sym["bind"], sym["type"]))
    if f["kind"] == "elf":
        letters[sym["name"]] = ge.nm_type(f, sym)
        if letters[sym["name"]] != "T":
            bad.append("nm -D type of %s is %s" % (sym["name"], letters[sym["name"]]))
if letters:
    p.fact("nm_types", letters)
every = ge.names(s["exports"] + s["runtime"] + s["other"])
mangled = [n for n in every if n.startswith("_cgo_export")]
p.fact("cgo_export_aliases", mangled)
if mangled:
    bad.append("mangled export aliases exist: %s" % ", ".join(mangled[:5]))
internals = [n for n in ge.names(s["runtime"]) if n == "crosscall2" or n.startswith("_cgo_")]
p.fact("cgo_internals_visible", len(internals))
if not internals:
    bad.append("no cgo runtime internal (crosscall2, _cgo_*) is visible")
p.fact("buildmode", os.environ["GOCOMPAT_BUILDMODE"])
if bad:
    p.fail("; ".join(bad))
else:
    p.passed()
p.finish()
