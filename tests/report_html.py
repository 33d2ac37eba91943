#!/usr/bin/env python3
"""index.html in a real headless Chromium.

Renders the views of a small synthetic matrix of three arches (amd64 native,
arm64 and 386 emulated) with `gocompat report`, loads index.html in headless
Chromium driven over the DevTools protocol (through --remote-debugging-pipe,
so nothing but the standard library is needed), then: checks the drawn
matrix against the records cell by cell (each record id once, in its
release × arch column, with its status), applies filters, clicks
a cell with a real mouse event and reads the evidence panel, follows a deep
link, compares the claims table with claims.json, checks that no request
left the machine, and takes a screenshot.

Usage: report_html.py GOCOMPAT CHROMIUM WORKDIR
Exit status: 0 pass, 1 a check failed, 77 no browser."""
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE_ = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE_)
import views_cells  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FAILED = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILED.append(what)


class Browser:
    """A minimal DevTools client over Chromium's --remote-debugging-pipe:
    JSON messages separated by NUL bytes, commands on fd 3, replies on fd 4."""

    def __init__(self, chromium, profile):
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def child_fds():
            # Through high numbers first, so neither end clobbers the other;
            # dup2 leaves the copies inheritable.
            a, b = os.dup(to_r), os.dup(from_w)
            hi_a, hi_b = os.dup2(a, 200), os.dup2(b, 201)
            os.dup2(hi_a, 3)
            os.dup2(hi_b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1280,900",
             "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False, start_new_session=True)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            r, _, _ = select.select([self.from_r], [], [], left)
            if r:
                chunk = os.read(self.from_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def js(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s" % json.dumps(r["exceptionDetails"])[:400])
        return r["result"].get("value")

    def load(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")
        for _ in range(100):
            if self.js("document.body && document.body.getAttribute('data-ready')") == "1":
                return
            time.sleep(0.05)
        raise RuntimeError("the page never finished drawing")

    def click(self, selector):
        box = self.js("(()=>{const e=document.querySelector(%s);if(!e)return null;e.scrollIntoView({block:'center'});"
                      "const r=e.getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2]})()" % json.dumps(selector))
        if not box:
            raise RuntimeError("nothing to click at " + selector)
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": t, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def synthetic_matrix(path):
    out = subprocess.run([sys.executable, os.path.join(HERE, "gen_matrix.py"), "630", "--seed", "7",
                          "--arches", "amd64,arm64,386"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    recs = doc["records"]
    # Hostile text: must show as text, never become markup.
    recs[3]["status"] = "fail"
    recs[3]["detail"] = '<img id=evil src=x onerror="window.pwned=1"></script><!-- "quoted" & more'
    recs[3]["evidence"]["note"] = "</script><script>window.pwned=2</script>"
    with open(path, "w") as f:
        json.dump(doc, f)
    return doc


def main():
    gocompat, chromium, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "results")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "bench"))
    with open(os.path.join(out, "bench", "overhead.svg"), "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#4a8"/></svg>\n')
    mpath = os.path.join(work, "matrix.json")
    doc = synthetic_matrix(mpath)
    recs = doc["records"]
    subprocess.run([gocompat, "report", "-q", "-i", mpath, "-o", out], check=True)
    claims = json.load(open(os.path.join(out, "claims.json")))
    page = "file://" + os.path.join(out, "index.html")

    profile = tempfile.mkdtemp(prefix="gocompat-chromium-")
    b = Browser(chromium, profile)
    try:
        targets = b.call("Target.getTargets", session=False)["targetInfos"]
        page_target = [t for t in targets if t["type"] == "page"][0]
        b.session = b.call("Target.attachToTarget", {"targetId": page_target["targetId"], "flatten": True},
                           session=False)["sessionId"]
        b.call("Page.enable")
        b.call("Network.enable")
        b.call("Runtime.enable")
        b.load(page)

        cells = b.js("document.querySelectorAll('#matrix td.cell[data-id]').length")
        check(cells == len(recs), "every record is a cell (%s of %d)" % (cells, len(recs)))
        labels = views_cells.column_labels(doc)
        gos = sorted(set(labels), key=lambda c: (views_cells.version_key(c), c))
        heads = b.js("[...document.querySelector('#matrix table thead tr').children].slice(3).map(e=>e.textContent)")
        check(heads == gos, "release x arch columns oldest first (%d): %s" % (len(heads), heads[:4]))
        # Cell by cell: each drawn cell's record id, status, column header and row.
        drawn = b.js("[...document.querySelectorAll('#matrix td.cell[data-id]')].map(td=>{const tr=td.parentNode;"
                     "const th=tr.closest('table').querySelector('thead tr').children[td.cellIndex];"
                     "return [td.dataset.id,td.dataset.status,th.textContent,tr.children[0].textContent,"
                     "tr.children[1].textContent,tr.children[2].textContent]})")
        want = {}
        for r, col in zip(recs, labels):
            rid = views_cells.record_id(r["go"], r["goarch"], r["buildmode"], r["host"], r["case"])
            want[rid] = (r["status"], col, r["case"], r["host"], r["buildmode"])
        seen, bad = {}, []
        for rid, st, col, case, host, mode in drawn:
            seen[rid] = seen.get(rid, 0) + 1
            if want.get(rid) != (st, col, case, host, mode):
                bad.append("%s drawn as %s in %s/%s/%s/%s, record %s" % (rid, st, col, case, host, mode, want.get(rid)))
        bad += ["%s drawn %d times" % (rid, seen.get(rid, 0)) for rid in want if seen.get(rid, 0) != 1]
        check(not bad, "each record is drawn once, in its column and row, with its status (%d cells; %s)"
              % (len(drawn), "; ".join(bad[:3]) or "all agree"))
        empty = b.js("document.querySelectorAll('#matrix td.cell.empty').length")
        check(empty == len({(r["case"], r["host"], r["buildmode"]) for r in recs}) * len(gos) - len(recs),
              "the only empty cells are those no record fills (%d)" % empty)

        # A filter, applied as a user does: pick an option, the select fires 'change'.
        b.js("(()=>{const s=document.getElementById('f-status');s.value='fail';s.dispatchEvent(new Event('change'))})()")
        want = sum(1 for r in recs if r["status"] == "fail")
        got = b.js("[...document.querySelectorAll('#matrix td.cell[data-id]')].map(e=>e.dataset.status)")
        check(len(got) == want and set(got) == {"fail"}, "status=fail shows the %d failing cells (shows %d)" % (want, len(got)))
        check("status=fail" in b.js("location.hash"), "the filter is kept in the URL")
        b.js("(()=>{const s=document.getElementById('f-area');s.value='abi';s.dispatchEvent(new Event('change'))})()")
        want2 = sum(1 for r in recs if r["status"] == "fail" and r["area"] == "abi")
        got2 = b.js("document.querySelectorAll('#matrix td.cell[data-id]').length")
        check(got2 == want2, "area=abi and status=fail: %d cells (shows %d)" % (want2, got2))
        b.js("document.getElementById('reset').click()")

        # Open the hostile record's cell with a real mouse click.
        hostile = recs[3]
        b.js("(()=>{const s=document.getElementById('f-status');s.value='fail';s.dispatchEvent(new Event('change'))})()")
        rid = b.js("(()=>{const D=JSON.parse(document.getElementById('gocompat-data').textContent);return D.ids[3]})()")
        b.click('#matrix td.cell[data-id="%s"] button' % rid)
        check(b.js("!document.getElementById('panel').hidden"), "clicking a cell opens its record")
        detail = b.js("document.querySelector('#panel dd[data-field=detail]').textContent")
        check(detail == hostile["detail"], "the panel shows the record's detail as text")
        evidence = json.loads(b.js("document.getElementById('evidence').textContent"))
        check(evidence == hostile["evidence"], "the panel shows the record's evidence")
        check(hostile["case"] in b.js("document.getElementById('panel-title').textContent"), "the panel names the case")
        check(b.js("document.getElementById('evil')===null && window.pwned===undefined"), "record text never runs or renders as markup")
        check("open=" + rid in b.js("location.hash"), "the open record is in the URL")
        shot = base64.b64decode(b.call("Page.captureScreenshot", {"format": "png"})["data"])
        shot_path = os.path.join(work, "index-html.png")
        with open(shot_path, "wb") as f:
            f.write(shot)
        ok_png = shot[:8] == b"\x89PNG\r\n\x1a\n" and shot[12:16] == b"IHDR"
        w, h = struct.unpack(">II", shot[16:24]) if ok_png else (0, 0)
        check(ok_png and w >= 1000 and h >= 600, "screenshot %s (%dx%d)" % (shot_path, w, h))

        # Claims table against claims.json; the benchmark plot loads.
        for c in claims["claims"]:
            shown = b.js("(()=>{const r=document.getElementById('claim-%s');return r?r.children[2].textContent:null})()" % c["id"])
            if shown != c["verdict"]:
                check(False, "claim %s shows %s, claims.json says %s" % (c["id"], shown, c["verdict"]))
                break
        else:
            check(True, "the claims table shows the verdicts of claims.json (%d claims)" % len(claims["claims"]))
        check(b.js("(()=>{const i=document.querySelector('#bench img');return !!i&&i.complete&&i.naturalWidth>0})()"),
              "the benchmark plot beside the page is shown")

        # A deep link: one release, one record open.
        rec0 = recs[0]
        rid0 = b.js("JSON.parse(document.getElementById('gocompat-data').textContent).ids[0]")
        b.call("Page.navigate", {"url": "about:blank"})
        b.wait_event("Page.loadEventFired")
        b.load(page + "#go=" + labels[0] + "&open=" + rid0)
        cols = b.js("document.querySelectorAll('#matrix table')[0].querySelectorAll('thead th').length")
        check(cols == 4, "a #go= link shows one release column")
        check(b.js("!document.getElementById('panel').hidden") and
              rec0["case"] in b.js("document.getElementById('panel-title').textContent"), "an #open= link opens that record")

        urls = [e["params"]["request"]["url"] for e in b.events if e.get("method") == "Network.requestWillBeSent"]
        remote = [u for u in urls if not (u.startswith("file:") or u.startswith("data:") or u.startswith("about:"))]
        check(not remote, "no request leaves the machine (%d requests, remote: %s)" % (len(urls), remote[:3]))
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
