import gocompat_elf as ge
import gocompat_probe as p

f = ge.facts()
ge.record_split(f)
p.fact("needed", f["needed"])
defined = ge.names(f["symbols"]["exports"] + f["symbols"]["runtime"] + f["symbols"]["other"])
qualified = [n for n in defined if n.startswith("gocompat/golib.")]
p.fact("qualified", qualified)
if "Add" in defined:
    p.fail("a plain C name Add is defined")
elif not any(n.startswith("gocompat/golib.Add") for n in qualified):
    p.fail("gocompat/golib.Add is not in .dynsym")
elif not any(n.startswith("libruntime") for n in f["needed"]):
    p.fail("DT_NEEDED has no shared runtime: %s" % f["needed"])
else:
    p.passed()
p.finish()
