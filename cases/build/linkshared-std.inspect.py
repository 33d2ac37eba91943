"""-linkshared as its users do it: the whole standard library installed
with `go install -buildmode=shared std` into a private pkgdir (kept in the
cache folder per release and arch, built once under a lock), then a
program doing fmt and os I/O built with -linkshared against it and run.
The linked program is kept beside it too (build_cached: an earlier cell
built it), and runs in a folder of its own that is removed afterwards.
Evidence: each step's exit status and first stderr lines, how long the
install took (or that it was cached), the size of libstd.so, the
program's exit status or signal and its output."""
import fcntl
import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
import time

import gocompat_elf as ge
import gocompat_probe as p

PROGRAM = '''package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	f, err := os.CreateTemp(".", "linkshared-*.txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create:", err)
		os.Exit(3)
	}
	defer os.Remove(f.Name())
	fmt.Fprintf(f, "%s %d\\n", "lines", 3)
	f.Close()
	g, err := os.Open(f.Name())
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(4)
	}
	sc := bufio.NewScanner(g)
	sc.Scan()
	fmt.Println("read:", strings.ToUpper(sc.Text()))
}
'''
WANT = "read: LINES 3"


def head(text, n=3):
    return " | ".join([l for l in text.splitlines() if l.strip()][:n])


def go(args, cwd, timeout):
    """Run the go command; a timeout is a result (exit status None)."""
    env = ge.go_env(GO111MODULE="off", GOPATH=os.path.join(cwd, "gopath"))
    t0 = time.monotonic()
    try:
        r = subprocess.run([os.environ["GOCOMPAT_GO"]] + args, cwd=cwd, env=env, capture_output=True, text=True,
                           timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        r = subprocess.CompletedProcess(e.cmd, None, "", "timed out after %d s; %s" % (timeout, err))
    return r, time.monotonic() - t0


def shared_std(pkgdir):
    """Install std as shared into pkgdir once; later cells reuse it."""
    os.makedirs(pkgdir, exist_ok=True)
    stamp = os.path.join(pkgdir, ".installed")
    with open(os.path.join(pkgdir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(stamp):
            with open(stamp) as f:
                return 0, "", float(f.read().strip() or 0), True
        for old in os.listdir(pkgdir):  # programs linked against an earlier install
            if old.startswith("prog-"):
                os.remove(os.path.join(pkgdir, old))
        r, secs = go(["install", "-buildmode=shared", "-pkgdir", pkgdir, "std"], pkgdir, 1500)
        if r.returncode == 0:
            with open(stamp, "w") as f:
                f.write("%.1f\n" % secs)
        return r.returncode, head(r.stderr), secs, False


def main():
    cache = os.path.dirname(os.environ["GOCOMPAT_GOCACHE"].rstrip("/"))
    pkgdir = os.path.join(cache, "shared-std")
    rc, err, secs, cached = shared_std(pkgdir)
    p.fact("std_install_exit", rc)
    p.fact("std_install_seconds", round(secs, 1))
    p.fact("std_install_cached", cached)
    if rc != 0:
        p.fact("std_install_stderr", err)
        if "not supported on " in err:  # the release has no shared mode on this arch
            p.skip(err.strip())
            return
        p.fail("go install -buildmode=shared std failed (exit %s): %s" % (rc, err))
        return
    libs = [f for f in os.listdir(pkgdir) if f.endswith(".so")]
    p.fact("shared_libraries", sorted(libs))
    if libs:
        p.fact("libstd_bytes", max(os.path.getsize(os.path.join(pkgdir, f)) for f in libs))
    prog = linked_program(pkgdir)
    if prog is None:
        return
    work = tempfile.mkdtemp(prefix="gocompat-linkshared-")
    try:
        run_program(prog, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def linked_program(pkgdir):
    """Build PROGRAM with -linkshared against pkgdir once per program text
    (kept beside the shared std, like a fixture build); later cells reuse
    it. Returns its path, or None after a failure."""
    prog = os.path.join(pkgdir, "prog-" + hashlib.sha256(PROGRAM.encode()).hexdigest()[:16])
    with open(os.path.join(pkgdir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p.fact("build_cached", os.path.exists(prog))
        if os.path.exists(prog):
            return prog
        work = tempfile.mkdtemp(prefix="gocompat-linkshared-")
        try:
            with open(os.path.join(work, "main.go"), "w") as f:
                f.write(PROGRAM)
            r, secs = go(["build", "-linkshared", "-pkgdir", pkgdir, "-o", "prog", "main.go"], work, 1500)
            p.fact("build_exit", r.returncode)
            p.fact("build_seconds", round(secs, 1))
            if r.returncode != 0:
                p.fact("build_stderr", head(r.stderr))
                p.fail("go build -linkshared failed (exit %s): %s" % (r.returncode, head(r.stderr, 1)))
                return None
            os.replace(os.path.join(work, "prog"), prog)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return prog


def run_program(prog, work):
    """Run the program in work (where it writes its file)."""
    try:
        # A foreign arch's program runs under the cell's emulator.
        emulator = shlex.split(os.environ.get("GOCOMPAT_EMULATOR", ""))
        run = subprocess.run(emulator + [prog], cwd=work, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        p.fact("run", "timeout")
        p.fail("the -linkshared program hung (60 s)")
        return
    how = "exit %d" % run.returncode if run.returncode >= 0 else "signal %d" % -run.returncode
    p.fact("run", how)
    p.fact("run_stdout", head(run.stdout))
    p.fact("run_stderr", head(run.stderr))
    if run.returncode != 0 or run.stdout.strip() != WANT:
        p.fail("the -linkshared program ended with %s: %s" % (how, head(run.stderr, 1) or head(run.stdout, 1)))
        return
    p.passed()


main()
