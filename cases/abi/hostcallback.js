// A JavaScript function called back from Go through CallThrough as a koffi
// callback, 1000 times, on the main thread (the thread that registered it).
'use strict';
const p = require('gocompat_probe');

const { koffi, lib } = p.load();
const cbType = koffi.proto('void gc_callback(void *arg)');
const callThrough = lib.func('int CallThrough(gc_callback *cb, void *arg, int recoverIt)');

let calls = 0;
const cb = koffi.register(() => { calls++; }, koffi.pointer(cbType));
let failed = false;
for (let i = 0; i < 1000 && !failed; i++) {
  const rc = callThrough(cb, null, 0);
  if (rc !== 0) {
    p.fail(`CallThrough returned ${rc} at call ${i}`);
    failed = true;
  }
}
koffi.unregister(cb);
if (!failed && p.expectEq('callbacks', calls, 1000)) {
  p.fact('callbacks', calls);
  p.passed();
}
p.finish();
