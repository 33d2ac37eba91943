import gocompat_elf as ge
import gocompat_probe as p

f = ge.facts(exports=ge.fixture_exports())
ge.record_split(f)
p.fact("sections", [s["name"] for s in f["sections"]])
p.fact("has_symtab", f["has_symtab"])
p.fact("has_dynsym", f["has_dynsym"])
p.fact("debug_sections", f["debug_sections"])
p.fact("file_size", f["file_size"])
if f["has_symtab"] or f["debug_sections"]:
    p.fail("still there: %s" % ", ".join(([".symtab"] if f["has_symtab"] else []) + f["debug_sections"]))
elif not f["has_dynsym"] or f["symbols"]["missing"]:
    p.fail(".dynsym lost exports: %s" % f["symbols"]["missing"])
else:
    p.passed()
p.finish()
