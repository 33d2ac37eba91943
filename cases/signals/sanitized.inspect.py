"""A library built with a sanitizer (-race, -asan, -msan), loaded with dlopen
by a C program and by Python ctypes, each in a child process of its own: a
sanitizer runtime that cannot start kills its process while the library
loads, so the loading must not happen in the probe itself.

The C loader is compiled here with GOCOMPAT_SAN_CC or GOCOMPAT_CC (plus GOCOMPAT_SAN_CFLAGS,
e.g. -fsanitize=address for a host built with the same sanitizer). Each
child dlopens GOCOMPAT_ARTIFACT and calls Work from its main thread and
from four threads. GOCOMPAT_SAN_PRELOAD names a runtime to LD_PRELOAD
(resolved with `CC -print-file-name`). GOCOMPAT_WANT_END ("exit 0",
"exit 66", alternatives with |) and GOCOMPAT_WANT_STDERR say what both
children must show; GOCOMPAT_SAN_ONLY=c runs the C loader only (a Python
that no preload can make load the library has nothing to show)."""
import os
import shlex
import signal
import subprocess
import sys
import tempfile

import gocompat_probe as p

LOADER = r"""
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
static int (*work)(int);
static void *call(void *a) { long i = (long)a; return (void *)(long)(work((int)i) == i + 1); }
int main(int argc, char **argv)
{
    (void)argc;
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 3; }
    work = (int (*)(int))dlsym(h, "Work");
    if (!work || work(1) != 2) { fprintf(stderr, "Work failed\n"); return 4; }
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, call, (void *)(i + 10));
    int ok = 1;
    for (int i = 0; i < 4; i++) { void *r; pthread_join(t[i], &r); ok += r != NULL; }
    printf("calls ok %d\n", ok);
    return ok == 5 ? 0 : 5;
}
"""

PY_CHILD = r"""
import ctypes, sys, threading
lib = ctypes.CDLL(sys.argv[1])
ok = [lib.Work(1) == 2]
ts = [threading.Thread(target=lambda i=i: ok.append(lib.Work(i) == i + 1)) for i in range(10, 14)]
for t in ts: t.start()
for t in ts: t.join()
print("calls ok %d" % sum(ok))
sys.exit(0 if sum(ok) == 5 else 5)
"""


def end_of(rc):
    if rc is None:
        return "timeout"
    if rc < 0:
        try:
            return "signal " + signal.Signals(-rc).name
        except ValueError:
            return "signal %d" % -rc
    return "exit %d" % rc


def run(argv, env):
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=50)
        return end_of(r.returncode), r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def first_line(err):
    for line in err.splitlines():
        if line.strip():
            return line[:300]
    return ""


def main():
    if os.environ.get("GOCOMPAT_EMULATOR"):
        p.skip("sanitizer runtimes are run natively only")
        return
    lib = os.environ["GOCOMPAT_ARTIFACT"]
    cc = shlex.split(os.environ.get("GOCOMPAT_SAN_CC") or os.environ.get("GOCOMPAT_CC") or "cc")
    cflags = shlex.split(os.environ.get("GOCOMPAT_SAN_CFLAGS", ""))
    env = dict(os.environ)
    pre = os.environ.get("GOCOMPAT_SAN_PRELOAD")
    if pre:
        path = subprocess.run(cc + ["-print-file-name=" + pre], stdout=subprocess.PIPE).stdout.decode().strip()
        if not os.path.isabs(path):
            p.skip("%s has no %s" % (cc[0], pre))
            return
        env["LD_PRELOAD"] = path
        p.fact("ld_preload", path)
    with tempfile.TemporaryDirectory(prefix="gocompat-san-") as d:
        src, exe = os.path.join(d, "loader.c"), os.path.join(d, "loader")
        with open(src, "w") as f:
            f.write(LOADER)
        b = subprocess.run(cc + cflags + ["-o", exe, src, "-ldl", "-pthread"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if b.returncode != 0:
            p.fail("the C loader did not build: %s" % first_line(b.stdout.decode("utf-8", "replace")))
            return
        c_end, c_out, c_err = run([exe, lib], env)
    p.fact("c_end", c_end)
    p.fact("c_stdout", c_out.strip())
    p.fact("c_stderr_first_line", first_line(c_err))
    children = [("the C host", c_end, c_err)]
    if os.environ.get("GOCOMPAT_SAN_ONLY") != "c":
        py_end, py_out, py_err = run([sys.executable, "-c", PY_CHILD, lib], env)
        p.fact("python_end", py_end)
        p.fact("python_stdout", py_out.strip())
        p.fact("python_stderr_first_line", first_line(py_err))
        children.append(("Python", py_end, py_err))
    want_end = [w.strip() for w in os.environ.get("GOCOMPAT_WANT_END", "exit 0").split("|")]
    want_err = os.environ.get("GOCOMPAT_WANT_STDERR")
    for who, end, err in children:
        if end not in want_end:
            p.fail("%s ended with %s, want %s; stderr starts %r" % (who, end, " | ".join(want_end), first_line(err)))
            return
        if want_err and want_err not in err:
            p.fail("%s's stderr lacks %r; it starts %r" % (who, want_err, first_line(err)))
            return
    p.passed()


main()
p.finish()
