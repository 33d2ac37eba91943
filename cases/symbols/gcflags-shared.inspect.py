import gocompat_elf as ge
import gocompat_probe as p

f = ge.facts(exports=ge.fixture_exports())
ge.record_split(f)
p.fact("symtab", f["symtab"])
bad = [s["name"] for s in f["symbols"]["exports"] if s["size"] == 0 or s["shndx"] == "ABS"]
sections = {s["name"]: ge.section_of(f, s["shndx"]) for s in f["symbols"]["exports"]}
p.fact("export_sections", sections)
if f["symbols"]["missing"]:
    p.fail("missing exports: %s" % f["symbols"]["missing"])
elif bad:
    p.fail("zero-sized or ABS exports: %s" % ", ".join(bad))
else:
    p.passed()
p.finish()
