import os

import gocompat_elf as ge
import gocompat_probe as p

header = os.environ.get("GOCOMPAT_HEADER", "")
want = ge.fixture_exports()
if not os.path.exists(header):
    p.fail("no header was written (%s)" % header)
else:
    f = ge.facts(header=header)
    decls = f["header"]["declarations"]
    p.fact("declarations", decls)
    declared = [d.split("(")[0].split()[-1].lstrip("*") for d in decls]
    missing = [n for n in want if n not in declared]
    p.fact("undeclared", missing)
    results = {}
    for lang in ("c11", "c++17"):
        ok, err, cmd = ge.compile_header(header, lang)
        results[lang] = "ok" if ok else ("not checked: " + err if ok is None else err)
    p.fact("compile", results)
    if missing:
        p.fail("not declared: %s" % ", ".join(missing))
    elif any(v != "ok" and not v.startswith("not checked") for v in results.values()):
        p.fail("; ".join("%s: %s" % kv for kv in results.items() if kv[1] != "ok" and not kv[1].startswith("not checked")))
    else:
        p.passed()
p.finish()
