#!/usr/bin/env python3
"""Every view shows exactly one cell per record, with that record's status.

Reads a matrix document and the views `gocompat report` rendered from it
(matrix.md, matrix.csv, junit.xml, matrix.tap), locates each record in each
view by its record id (the id is recomputed from the record's cell key, as
the harness computes it, so a view that puts a record in another column or
row names another id), and compares the status shown with the record's.

Usage:
  views_cells.py GOCOMPAT WORKDIR            a generated three-arch matrix
  views_cells.py --views DIR MATRIX          views already rendered in DIR
Exit status: 0 every view agrees, 1 a cell disagrees, 2 bad usage."""
import csv
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SHORT = {"pass": "ok", "fail": "FAIL", "xfail": "xf", "xpass": "XP", "skip": "skip", "error": "ERR"}
FROM_SHORT = {v: k for k, v in SHORT.items()}


def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def record_id(go, goarch, mode, host, case):
    return "r%012x" % (fnv1a64("%s|%s|%s|%s|%s" % (go, goarch, mode, host, case)) & 0xFFFFFFFFFFFF)


def version_key(v):
    rel = v.split("/")[0]
    nums = [int(x) for x in re.findall(r"\d+", rel)[:3]]
    return nums + [0] * (3 - len(nums))


def column_labels(doc):
    """Each record's column: its release, plus /arch for any arch but the
    native one when the matrix holds several."""
    recs = doc["records"]
    count = {}
    for r in recs:
        count[r["goarch"]] = count.get(r["goarch"], 0) + 1
    native = max(count, key=lambda a: count[a]) if count else None
    for t in doc.get("toolchains", []):
        if t.get("goarch") in count and "emulator" not in t:
            native = t["goarch"]
            break
    if len(count) <= 1:
        return [r["go"] for r in recs]
    return [r["go"] if r["goarch"] == native else "%s/%s" % (r["go"], r["goarch"]) for r in recs]


class Checker:
    def __init__(self, doc):
        self.recs = doc["records"]
        self.cols = column_labels(doc)
        self.want = {}
        for r in self.recs:
            rid = record_id(r["go"], r["goarch"], r["buildmode"], r["host"], r["case"])
            if rid in self.want:
                raise SystemExit("two records share the cell key of %s" % rid)
            self.want[rid] = r["status"]
        self.by_key = {}  # (column, case, host, mode) -> id
        for r, c in zip(self.recs, self.cols):
            self.by_key[(c, r["case"], r["host"], r["buildmode"])] = record_id(r["go"], r["goarch"], r["buildmode"],
                                                                              r["host"], r["case"])
        self.failed = []

    def compare(self, view, shown):
        """shown: list of (record id or None, status) in the order the view shows them."""
        problems = []
        seen = {}
        for rid, st in shown:
            if rid is None or rid not in self.want:
                problems.append("a cell that is no record (%s, %s)" % (rid, st))
                continue
            seen[rid] = seen.get(rid, 0) + 1
            if st != self.want[rid]:
                problems.append("%s shows %s, the record says %s" % (rid, st, self.want[rid]))
        for rid in self.want:
            if seen.get(rid, 0) != 1:
                problems.append("%s shown %d times" % (rid, seen.get(rid, 0)))
        ok = not problems
        print(("ok   " if ok else "FAIL ") + "%s: %d cells for %d records%s" % (
            view, len(shown), len(self.want), "" if ok else ": " + "; ".join(problems[:5])))
        if not ok:
            self.failed.append(view)

    def md(self, path):
        shown = []
        cols, lines = None, open(path, encoding="utf-8").read().split("\n")
        labels = sorted(set(self.cols), key=lambda c: (version_key(c), c))
        for line in lines:
            if line.startswith("## "):
                cols = None
                continue
            if line.startswith("| case | host | modes |"):
                heads = [h.strip() for h in line.strip("|").split("|")][3:]
                if len(heads) != len(labels):
                    shown.append((None, "a table of %d columns, the matrix has %d" % (len(heads), len(labels))))
                cols = labels
                continue
            if cols is None or not line.startswith("| ") or line.startswith("|---"):
                continue
            parts = [p.strip() for p in line.strip().strip("|").split(" | ")]
            case, host, modes = parts[0], parts[1], parts[2].split(" ")
            for col, cell in zip(cols, parts[3:]):
                for mode, st in zip(modes, cell.split(" ")):
                    if st == "-":
                        continue
                    link = re.match(r"\[([^\]]+)\]\(index\.html#open=(r[0-9a-f]{12})\)$", st)
                    rid = self.by_key.get((col, case, host, mode))
                    if link:
                        if link.group(2) != rid:
                            shown.append((None, "%s linked as %s at %s" % (rid, link.group(2), col)))
                            continue
                        st = link.group(1)
                    shown.append((rid, FROM_SHORT.get(st, st)))
        self.compare("matrix.md", shown)

    def csv(self, path):
        shown = []
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            rid = self.by_key.get((row["go"], row["case"], row["host"], row["buildmode"]))
            if rid != row["record"] or record_id(row["release"], row["goarch"], row["buildmode"], row["host"],
                                                 row["case"]) != rid:
                shown.append((None, "row %s (go %s, release %s, goarch %s)" % (row["record"], row["go"],
                                                                                row.get("release"), row["goarch"])))
                continue
            shown.append((rid, row["status"]))
        self.compare("matrix.csv", shown)

    def junit(self, path):
        shown = []
        for suite in ET.parse(path).getroot():
            col = suite.get("name")
            for tc in suite.iter("testcase"):
                m = re.match(r"(.*) \[(.*)\]$", tc.get("name"))
                case = tc.get("classname")[len(col) + 1:].replace(".", "/", 1)
                rid = self.by_key.get((col, case, m.group(1), m.group(2))) if m else None
                kids = {k.tag: k for k in tc}
                if "failure" in kids:
                    st = kids["failure"].get("type")
                elif "error" in kids:
                    st = "error"
                elif "skipped" in kids:
                    st = "skip"
                elif "system-out" in kids and kids["system-out"].text.startswith("expected failure"):
                    st = "xfail"
                else:
                    st = "pass"
                shown.append((rid, st))
        self.compare("junit.xml", shown)

    def tap(self, path):
        shown = []
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            m = re.match(r"(not ok|ok) \d+ - (\S+) (\S+) (\S+) (\S+)( # (SKIP|TODO).*)?$", line)
            if not m:
                continue
            rid = self.by_key.get((m.group(2), m.group(3), m.group(4), m.group(5)))
            ok, directive = m.group(1) == "ok", m.group(7)
            st = {(True, None): "pass", (False, None): None, (True, "SKIP"): "skip", (True, "TODO"): "xpass",
                  (False, "TODO"): "xfail"}.get((ok, directive))
            if st is None:  # fail or error: the YAML block says which
                y = re.search(r'^  status: "(\w+)"', "\n".join(lines[i + 1:i + 4]), re.M)
                st = y.group(1) if y else "?"
            shown.append((rid, st))
        self.compare("matrix.tap", shown)

    def all(self, views):
        self.md(os.path.join(views, "matrix.md"))
        self.csv(os.path.join(views, "matrix.csv"))
        self.junit(os.path.join(views, "junit.xml"))
        self.tap(os.path.join(views, "matrix.tap"))
        return 1 if self.failed else 0


def main(argv):
    if len(argv) == 3 and argv[0] == "--views":
        return Checker(json.load(open(argv[2]))).all(argv[1])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    gocompat, work = argv
    os.makedirs(work, exist_ok=True)
    mpath = os.path.join(work, "matrix.json")
    with open(mpath, "w") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_matrix.py"), "900", "--seed", "11",
                        "--arches", "amd64,arm64,386"], check=True, stdout=f)
    out = os.path.join(work, "views")
    subprocess.run([gocompat, "report", "-q", "-i", mpath, "-o", out], check=True)
    return Checker(json.load(open(mpath))).all(out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
