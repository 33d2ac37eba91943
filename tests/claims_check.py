#!/usr/bin/env python3
"""A second derivation of the claims ledger, written apart from the C one.

Reads a matrix document and the rules of cases/claims.txt, judges every
claim, part, release column and arch from the records alone, and compares
each verdict with the claims.json that `gocompat report` wrote.

Usage:
  claims_check.py MATRIX CLAIMS_TXT CLAIMS_JSON   compare one ledger
  claims_check.py --gocompat BIN SRCDIR WORKDIR   render and compare the
      ledger of the published results/matrix.json and of a generated matrix
Exit status: 0 every verdict agrees, 1 one differs, 2 bad usage."""
import fnmatch
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ASIDE = "aside"


def parse_claims(path):
    claims, cur, part = [], None, None
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.strip().startswith("#") or line.startswith("## "):
            continue
        if line[0] in " \t":
            key, _, val = line.strip().partition("\t")
            val = val.strip()
            if key == "part":
                name, _, text = val.partition("\t")
                part = {"name": name.strip(), "cases": [], "hosts": [], "arches": [], "once": False}
                cur["parts"].append(part)
                continue
            tgt = part if part is not None else cur["top"]
            if key == "judge":
                tgt["once"] = val == "once"
            elif key in ("cases", "hosts", "arches"):
                tgt[key] = val.split()
            elif key not in ("holds", "refuted"):
                raise SystemExit("%s:%d: unknown key %s" % (path, n, key))
            continue
        cid, _, text = line.partition("\t")
        cur = {"id": cid.strip(), "parts": [], "top": {"name": "", "cases": [], "hosts": [], "arches": [], "once": False}}
        part = None
        claims.append(cur)
    for c in claims:
        if not c["parts"]:
            c["parts"] = [c["top"]]
        else:
            for p in c["parts"]:
                p["hosts"] = p["hosts"] or c["top"]["hosts"]
                p["arches"] = p["arches"] or c["top"]["arches"]
    return claims


def version_key(label):
    nums = [int(x) for x in re.findall(r"\d+", label.split("/")[0])[:3]]
    return nums + [0] * (3 - len(nums))


def columns(doc):
    recs = doc["records"]
    count = {}
    for r in recs:
        count[r["goarch"]] = count.get(r["goarch"], 0) + 1
    native = max(count, key=lambda a: count[a]) if count else None
    for t in doc.get("toolchains") or []:
        if t.get("goarch") in count and "emulator" not in t:
            native = t["goarch"]
            break
    if len(count) <= 1:
        return [r["go"] for r in recs]
    return [r["go"] if r["goarch"] == native else r["go"] + "/" + r["goarch"] for r in recs]


def observe(r, part, negated):
    """True (supports), False (refutes), None (ran, no verdict: skip or
    error) or ASIDE (does not observe the part: another host or arch, or an
    expected failure of a case the part is not about)."""
    st = r["status"]
    if part["hosts"] and r["host"] not in part["hosts"]:
        return ASIDE
    if part["arches"] and r["goarch"] not in part["arches"]:
        return ASIDE
    if st in ("skip", "error"):
        return None
    if st in ("xfail", "xpass") and not any(fnmatch.fnmatchcase(r["case"], g) for g in part["cases"]):
        return ASIDE
    met_one = st in ("pass", "xpass")
    t = r.get("trials") or {}
    n, met = (t["n"], t["met"]) if t.get("n") else (1, int(met_one))
    sup = n - met if negated else met
    return sup > 0 if part["once"] else sup == n


def verdict_of_part(cells):
    # cells: the observations of one part in one column
    if any(c is False for c in cells):
        return "refuted"
    if any(c is True for c in cells):
        return "holds"
    return "n/a" if any(c is None for c in cells) else "untested"


def over_columns(vs):
    s = set(vs)
    judged = s & {"holds", "refuted", "partly"}
    if not judged:
        return "n/a" if "n/a" in s else "untested"
    if judged == {"holds"}:
        return "holds"
    if judged == {"refuted"}:
        return "refuted"
    return "partly"


def over_parts(vs):
    s = set(vs)
    if "refuted" in s and ("holds" in s or "partly" in s):
        return "partly"
    if "refuted" in s:
        return "refuted"
    if "partly" in s:
        return "partly"
    if s == {"holds"}:
        return "holds"
    return "n/a" if "n/a" in s else "untested"


def derive(doc, claims):
    recs = doc["records"]
    cols = columns(doc)
    order = sorted(set(cols), key=lambda c: (version_key(c), c))
    colarch = {c: r["goarch"] for r, c in zip(recs, cols)}
    byid = {c["id"]: c for c in claims}
    extra = set()
    for r in recs:
        for link in r["claims"]:
            cid = link.lstrip("!").split(".")[0]
            if cid not in byid:
                extra.add(cid)
    for cid in sorted(extra, key=lambda x: (int(x[1:]), x)):
        c = {"id": cid, "parts": [{"name": "", "cases": [], "hosts": [], "arches": [], "once": False}]}
        claims.append(c)
        byid[cid] = c
    obs = {c["id"]: [dict() for _ in c["parts"]] for c in claims}  # part -> column -> [cells]
    arches = {c["id"]: set() for c in claims}
    for r, col in zip(recs, cols):
        for link in r["claims"]:
            neg = link.startswith("!")
            cid, _, pname = link.lstrip("!").partition(".")
            c = byid[cid]
            for k, p in enumerate(c["parts"]):
                if pname:
                    on = p["name"] == pname
                else:
                    on = len(c["parts"]) == 1 or any(fnmatch.fnmatchcase(r["case"], g) for g in p["cases"])
                if on:
                    obs[cid][k].setdefault(col, []).append(observe(r, p, neg))
                    arches[cid].add(r["goarch"])
    out = {}
    for c in claims:
        cid = c["id"]
        parts = []
        for k, p in enumerate(c["parts"]):
            per = {col: verdict_of_part(obs[cid][k].get(col, [])) for col in order}
            by_arch = {a: over_columns([per[col] for col in order if colarch[col] == a]) for a in sorted(arches[cid])}
            parts.append({"name": p["name"], "per": per, "verdict": over_columns(list(per.values())),
                          "arch": by_arch})
        per = {col: over_parts([p["per"][col] for p in parts]) for col in order}
        arch = {a: over_parts([p["arch"][a] for p in parts]) for a in sorted(arches[cid])}
        out[cid] = {"verdict": over_columns(list(per.values())), "per": per, "arch": arch, "parts": parts}
    return out


def compare(matrix_path, claims_txt, claims_json):
    doc = json.load(open(matrix_path))
    mine = derive(doc, parse_claims(claims_txt))
    theirs = json.load(open(claims_json))
    bad, n = [], 0
    seen = set()
    for c in theirs["claims"]:
        cid = c["id"]
        seen.add(cid)
        m = mine.get(cid)
        if m is None:
            bad.append("%s: in the ledger, not derived" % cid)
            continue
        n += 1
        if m["verdict"] != c["verdict"]:
            bad.append("%s overall: ledger %s, derived %s" % (cid, c["verdict"], m["verdict"]))
        for col, v in c["toolchains"].items():
            if m["per"].get(col) != v["verdict"]:
                bad.append("%s %s: ledger %s, derived %s" % (cid, col, v["verdict"], m["per"].get(col)))
        if m["arch"] != c["architectures"]:
            bad.append("%s by arch: ledger %s, derived %s" % (cid, c["architectures"], m["arch"]))
        lp = c.get("parts", [])
        if [p["name"] for p in lp] != [p["name"] for p in m["parts"]]:
            bad.append("%s parts: ledger %s, derived %s" % (cid, [p["name"] for p in lp], [p["name"] for p in m["parts"]]))
            continue
        for p, q in zip(lp, m["parts"]):
            if p["verdict"] != q["verdict"] or p["toolchains"] != q["per"] or p["architectures"] != q["arch"]:
                bad.append("%s part %s: ledger %s %s, derived %s %s" % (cid, p["name"], p["verdict"], p["toolchains"],
                                                                        q["verdict"], q["per"]))
    for cid in mine:
        if cid not in seen:
            bad.append("%s: derived, not in the ledger" % cid)
    cols = len(next(iter(theirs["claims"]))["toolchains"]) if theirs["claims"] else 0
    ok = not bad
    print(("ok   " if ok else "FAIL ") + "%s: %d claims over %d columns, every verdict (overall, per column, per arch, "
          "per part) re-derived%s" % (claims_json, n, cols, "" if ok else ": %d differ: %s" % (len(bad), "; ".join(bad[:6]))))
    return ok


def generated(path):
    """A three-arch matrix whose links use parts, negation, trials and
    expected failures of cases a part is and is not about."""
    out = subprocess.run([sys.executable, os.path.join(HERE, "gen_matrix.py"), "1200", "--seed", "5",
                          "--arches", "amd64,arm64,386"], check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    # Each of the (six) generated cases becomes one kind of link; the
    # record's own index varies statuses, trials and cases within it.
    kinds = {}
    for i, r in enumerate(doc["records"]):
        k = kinds.setdefault(r["case"], len(kinds))
        if k == 0:
            r["claims"] = ["C03.no-main", "!C03.empty-main"]
            r["case"] = "build/nomain"
        elif k == 1:
            r["claims"] = ["!C10"]
            r["case"] = "abi/gostring" if r["host"] in ("c-dlopen", "c-linked", "none") else "symbols/goparams"
        elif k == 2:
            r["claims"] = ["C28"]
            r["case"] = "lifecycle/fork-scheduler" if r["host"] != "c-archive" else "lifecycle/fork"
            if r["status"] in ("pass", "fail") and r["host"] != "c-archive":
                n = 20
                r["trials"] = {"n": n, "met": (i * 7) % (n + 1) if i % 4 else n, "seed": 1}
                r["status"] = "pass"
        elif k == 3:
            r["claims"] = ["C32"]
            r["case"] = "signals/sigint-python-idle" if r["host"] in ("python-ctypes", "c-dlopen") else "signals/notify"
        elif k == 4:
            r["claims"] = ["C25"]
            r["case"] = "lifecycle/musl" if r["host"] in ("c-dlopen", "c-linked", "c-threads") else "tls/exhaust"
            if r["host"] == "c-dlopen" and i % 2:
                r["status"] = "xfail"
        elif k == 5:
            r["claims"] = ["C21", "C99"]
    with open(path, "w") as f:
        json.dump(doc, f)


def main(argv):
    if len(argv) == 3 and not argv[0].startswith("-"):
        return 0 if compare(*argv) else 1
    if len(argv) == 4 and argv[0] == "--gocompat":
        gocompat, src, work = argv[1:]
        os.makedirs(work, exist_ok=True)
        claims_txt = os.path.join(src, "cases", "claims.txt")
        ok = True
        inputs = [("generated", os.path.join(work, "generated.json"))]
        generated(inputs[0][1])
        pub = os.path.join(src, "results", "matrix.json")
        if os.path.exists(pub):
            inputs.append(("published", pub))
        for name, m in inputs:
            out = os.path.join(work, name)
            subprocess.run([gocompat, "report", "-q", "-i", m, "-o", out, "--claims", claims_txt], check=True)
            ok &= compare(m, claims_txt, os.path.join(out, "claims.json"))
        return 0 if ok else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
