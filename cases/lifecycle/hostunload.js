// koffi unloads with lib.unload(); koffi.load loads the library again.
'use strict';
const fs = require('fs');
const p = require('gocompat_probe');

const ROUNDS = 20;
const path = p.libraryPath();
let { koffi, lib } = p.load(path);
let still = 0;
let wrong = 0;
let error = null;
for (let i = 0; i < ROUNDS && error === null; i++) {
  if (i) lib = koffi.load(path);
  const mix = lib.func('uint64_t Mix(uint64_t x)');
  if (BigInt(mix(0)) !== 0xe220a8397b1dcdafn) wrong++;
  try {
    lib.unload();
  } catch (e) {
    error = e.message;
  }
  if (fs.readFileSync('/proc/self/maps', 'utf8').includes(path)) still++;
}
p.fact('unload_call', 'lib.unload');
p.fact('rounds', ROUNDS);
p.fact('still_mapped_after_unload', still);
p.fact('wrong_results', wrong);
if (error !== null) p.fail(`lib.unload threw ${error}`);
else if (p.expectEq('wrong Mix(0) results', wrong, 0) &&
         p.expectEq('rounds the library stayed mapped after unload', still, ROUNDS)) p.passed();
p.finish();
