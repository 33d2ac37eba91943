"""Build a c-shared library, change a constant, rebuild with the same
GOCACHE, and call the export from each build through ctypes."""
import ctypes
import os
import subprocess
import tempfile

import gocompat_probe as p

SOURCE = '''package main

import "C"

const answer = %d

//export Answer
func Answer() C.int { return answer }

func main() {}
'''


def build(workdir, value, out):
    with open(os.path.join(workdir, "main.go"), "w") as f:
        f.write(SOURCE % value)
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="", GOPROXY="off", CGO_ENABLED="1",
               GOCACHE=os.environ["GOCOMPAT_GOCACHE"], GO111MODULE="on")
    r = subprocess.run([os.environ["GOCOMPAT_GO"], "build", "-buildmode=c-shared", "-o", out, "."],
                       cwd=workdir, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("go build failed: " + r.stderr.strip().splitlines()[-1])
    # A fresh path each time: dlopen of an already-loaded path returns the old handle.
    return ctypes.CDLL(out).Answer()


with tempfile.TemporaryDirectory(prefix="gocompat-stale-") as d:
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write("module stale\n\ngo 1.19\n")
    try:
        seen = [build(d, v, os.path.join(d, "lib%d.so" % i)) for i, v in enumerate((41, 42, 41))]
    except RuntimeError as e:
        p.fail(str(e))
    else:
        p.fact("answers", seen)
        if p.expect_eq("Answer() after 41 -> 42 -> 41", seen, [41, 42, 41]):
            p.passed()
p.finish()
