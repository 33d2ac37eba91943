# lib/header: the generated header declares every //export, compiles as C11
# and as C++17 with -Wall -Wextra -Werror, and is recorded whole (package
# line and checkout folder normalised) so that any change between two
# releases shows in an upgrade report.
import json
import os

import gocompat_elf as ge
import gocompat_header as gh
import gocompat_probe as p

exports = [e for e in os.environ.get("GOCOMPAT_EXPORTS", "").split(",") if e]
with open(os.environ["GOCOMPAT_HEADER"], encoding="utf-8", errors="replace") as f:
    text = gh.normalise(f.read(), os.environ.get("GOCOMPAT_FIXTURE_SRC"))
p.fact("header", json.dumps(text))  # a JSON string: its lines survive the one-line report
# cgo's own helpers (_GoStringLen …) are declared too; only //export names count.
decls = {n: d for n, d in gh.declarations(text).items() if n in exports}
structs = gh.result_structs(text)
p.fact("declarations", {n: d["decl"] for n, d in decls.items()})
reasons = {n: gh.callable_reason(d, structs) for n, d in decls.items()}
p.fact("callable", [n for n, r in reasons.items() if r is None])
p.fact("not_callable", {n: r for n, r in reasons.items() if r})
problems = []
undeclared = [e for e in exports if e not in decls]
if undeclared:
    problems.append("not declared in the header: " + ", ".join(undeclared))
for lang in ("c11", "c++17"):
    ok, line, cmd = ge.compile_header(os.environ["GOCOMPAT_HEADER"], lang)
    p.fact("compiles_" + lang.replace("+", "x"), ok if ok is not None else "no compiler: " + line)
    if ok is False:
        problems.append("%s: %s" % (lang, line))
if problems:
    p.fail("; ".join(problems))
else:
    p.passed()
p.finish()
