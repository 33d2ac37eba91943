import gocompat_probe as p

lib = p.load()
p.fact("reached", "Panicky")
p.mark("call")
lib.Panicky()
p.fail("Panicky returned to Python")
p.finish()
