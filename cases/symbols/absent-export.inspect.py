# Shared by noimportc and goexport: the build worked; is Add exported?
import os

import gocompat_elf as ge
import gocompat_probe as p

f = ge.facts(exports=["Add"])
ge.record_split(f)
header = os.environ.get("GOCOMPAT_HEADER", "")
declared = False
if os.path.exists(header):
    with open(header, encoding="utf-8") as h:
        declared = " Add(" in h.read()
p.fact("header_written", os.path.exists(header))
p.fact("header_declares_Add", declared)
p.fact("Add_in_dynsym", not f["symbols"]["missing"])
if not f["symbols"]["missing"] or declared:
    p.fail("Add is exported (dynsym: %s, header: %s)" % (not f["symbols"]["missing"], declared))
else:
    p.passed()
p.finish()
