# lib/symbols: every //export is a defined symbol of the artifact (a dynamic
# one in a shared library). The symbol lists are evidence, with the hash in
# cgo's _cgoexp_<hash>_Name wrappers normalised so that a rebuild is not a
# change.
import os
import re

import gocompat_elf as ge
import gocompat_probe as p

exports = [e for e in os.environ.get("GOCOMPAT_EXPORTS", "").split(",") if e]
f = ge.facts(exports=exports)
s = f["symbols"]


def norm(names):
    return sorted({re.sub(r"_cgoexp_[0-9a-f]+_", "_cgoexp_HASH_", n) for n in names})


p.fact("exports", sorted(ge.names(s["exports"])))
p.fact("missing_exports", s["missing"])
p.fact("runtime_symbols", norm(ge.names(s["runtime"])))
p.fact("other_symbols", norm(ge.names(s["other"])))
p.fact("imports", sorted(ge.names(s["imports"])))
bad = []
if s["missing"]:
    bad.append("not defined: " + ", ".join(s["missing"]))
if os.environ.get("GOCOMPAT_BUILDMODE") == "c-shared":
    by_name = {x["name"]: x for x in s["exports"]}
    wrong = [n for n in exports if n in by_name and ge.nm_type(f, by_name[n]) != "T"]
    if wrong:
        bad.append("not global functions in .text: " + ", ".join(wrong))
if bad:
    p.fail("; ".join(bad))
else:
    p.passed()
p.finish()
