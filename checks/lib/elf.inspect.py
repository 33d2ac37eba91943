# lib/elf: the linking and hardening facts of the shared library (RELRO,
# BIND_NOW, stack, TEXTREL, TLS model and flags, NEEDED, GLIBC version
# needs, leaked runtime symbols), judged by the --fail-if policy of
# `gocompat check` (the conditions of `gocompat elf --fail-if`).
import os
import subprocess

import gocompat_elf as ge
import gocompat_probe as p

exports = [e for e in os.environ.get("GOCOMPAT_EXPORTS", "").split(",") if e]
f = ge.facts(exports=exports)
for k in ("type", "relro", "bind_now", "exec_stack", "gnu_stack", "textrel", "tls", "static_tls", "symbolic",
          "dt_flags", "dt_flags_1", "needed", "soname", "rpath", "runpath", "glibc_max", "stack_protector",
          "fortify", "has_symtab"):
    if k in f:
        p.fact(k, f[k])
# Sorted: the order of the version list is the linker's, not a change.
p.fact("version_needs", [dict(v, versions=sorted(v["versions"])) for v in f["version_needs"]])
p.fact("runtime_symbol_count", len(f["symbols"]["runtime"]))
policy = os.environ.get("GOCOMPAT_FAIL_IF", "")
p.fact("policy", policy)
if policy:
    argv = [os.environ["GOCOMPAT_BIN"], "elf", "--fail-if=" + policy, "--exports=" + ",".join(exports),
            os.environ["GOCOMPAT_ARTIFACT"]]
    r = subprocess.run(argv, capture_output=True, text=True, check=False)
    if r.returncode == 1:
        held = [l.split(": ", 1)[-1] for l in r.stderr.splitlines() if l.strip()]
        p.fact("policy_violations", held)
        p.fail("--fail-if: " + "; ".join(held))
    elif r.returncode != 0:
        raise RuntimeError("gocompat elf exited %d: %s" % (r.returncode, r.stderr.strip()))
p.passed()
p.finish()
