import os

import gocompat_elf as ge
import gocompat_probe as p

header = os.environ["GOCOMPAT_HEADER"]
want = ge.fixture_exports()
f = ge.facts(exports=want, header=header)
ge.record_split(f)
decls = f["header"]["declarations"]
p.fact("declarations", decls)
types = {"StrLen": "GoString", "SliceLen": "GoSlice", "MapLen": "GoMap", "ChanCap": "GoChan", "IsNil": "GoInterface"}
bad = []
if f["symbols"]["missing"]:
    bad.append("not defined: %s" % ", ".join(f["symbols"]["missing"]))
for name, t in types.items():
    d = [x for x in decls if (" %s(" % name) in x]
    if not d:
        bad.append("%s not declared" % name)
    elif t not in d[0]:
        bad.append("%s declared as %r" % (name, d[0]))
results = {}
for lang in ("c11", "c++17"):
    ok, err, _ = ge.compile_header(header, lang)
    results[lang] = "ok" if ok else ("not checked: " + err if ok is None else err)
    if ok is False:
        bad.append("%s: %s" % (lang, err))
p.fact("compile", results)
if bad:
    p.fail("; ".join(bad))
else:
    p.passed()
p.finish()
