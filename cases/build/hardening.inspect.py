# Shared by the hardening cases: record the checksec-style facts of the
# artifact and compare the ones GOCOMPAT_WANT names (KEY=VALUE …).
import os

import gocompat_elf as ge
import gocompat_probe as p

f = ge.facts()
keys = ("type", "pie", "relro", "bind_now", "exec_stack", "gnu_stack", "textrel", "tls", "static_tls", "symbolic",
        "nodelete", "dt_flags", "dt_flags_1", "needed", "soname", "rpath", "runpath", "interp", "glibc_max",
        "stack_protector", "fortify", "has_symtab")
for k in keys:
    if k in f:
        p.fact(k, f[k])
p.fact("version_needs", f["version_needs"])
bad = []
for item in os.environ.get("GOCOMPAT_WANT", "").split():
    k, want = item.split("=", 1)
    got = f.get(k)
    if isinstance(got, bool):
        got = "yes" if got else "no"
    if str(got) != want:
        bad.append("%s is %s, want %s" % (k, got, want))
if bad:
    p.fail("; ".join(bad))
else:
    p.passed()
p.finish()
