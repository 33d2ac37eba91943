"""Build a c-shared library, change a constant, rebuild with the same
GOCACHE, and call the export from each build. Natively the call goes
through ctypes; on a foreign arch the library is cross-built for that arch
and called by a small C loader built with the arch's compiler and run
under its emulator, so the cell tests the arch it names."""
import ctypes
import os
import shlex
import subprocess
import tempfile

import gocompat_elf as ge
import gocompat_probe as p

SOURCE = '''package main

import "C"

const answer = %d

//export Answer
func Answer() C.int { return answer }

func main() {}
'''

LOADER = r'''#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        void *h = dlopen(argv[i], RTLD_NOW);
        int (*answer)(void) = h ? (int (*)(void))dlsym(h, "Answer") : NULL;
        if (!answer) { fprintf(stderr, "%s\n", dlerror()); return 1; }
        printf("%d\n", answer());
    }
    return 0;
}
'''

EMULATOR = shlex.split(os.environ.get("GOCOMPAT_EMULATOR", ""))


def build(workdir, value, out):
    with open(os.path.join(workdir, "main.go"), "w") as f:
        f.write(SOURCE % value)
    # -trimpath keeps the scratch folder's name out of every action's key:
    # the question is whether the cache tells two contents apart, and without
    # it each run (a new folder) would recompile all three from nothing.
    r = subprocess.run([os.environ["GOCOMPAT_GO"], "build", "-trimpath", "-buildmode=c-shared", "-o", out, "."],
                       cwd=workdir, env=ge.go_env(GO111MODULE="on"), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("go build failed: " + r.stderr.strip().splitlines()[-1])


def call_native(libs):
    # A fresh path each time: dlopen of an already-loaded path returns the old handle.
    return [ctypes.CDLL(lib).Answer() for lib in libs]


def call_emulated(workdir, libs):
    src, exe = os.path.join(workdir, "loader.c"), os.path.join(workdir, "loader")
    with open(src, "w") as f:
        f.write(LOADER)
    r = subprocess.run([os.environ["GOCOMPAT_CC"], "-o", exe, src], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("loader did not compile: " + r.stderr.strip())
    r = subprocess.run(EMULATOR + [exe] + libs, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("loader exited %d: %s" % (r.returncode, r.stderr.strip()))
    return [int(x) for x in r.stdout.split()]


with tempfile.TemporaryDirectory(prefix="gocompat-stale-") as d:
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write("module stale\n\ngo 1.19\n")
    libs = [os.path.join(d, "lib%d.so" % i) for i in range(3)]
    try:
        for lib, value in zip(libs, (41, 42, 41)):
            build(d, value, lib)
        seen = call_emulated(d, libs) if EMULATOR else call_native(libs)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        p.fail(str(e))
    else:
        p.fact("built_for", os.environ["GOCOMPAT_GOARCH"] if EMULATOR else os.uname().machine)
        p.fact("answers", seen)
        if p.expect_eq("Answer() after 41 -> 42 -> 41", seen, [41, 42, 41]):
            p.passed()
p.finish()
