// A JavaScript exception thrown in a koffi callback that Go called
// (CallThrough, no recover). koffi keeps the exception pending, returns
// zero to Go from the callback, and throws it from the export's call once
// Go has returned: the try/catch around the call sees it. 100 rounds, then
// a callback that returns normally, show the thread and Go unharmed.
'use strict';
const p = require('gocompat_probe');

const { koffi, lib } = p.load();
const cbType = koffi.proto('void gc_callback(void *arg)');
const callThrough = lib.func('int CallThrough(gc_callback *cb, void *arg, int recoverIt)');

function main() {
  let pastThrow = 0;
  const thrower = koffi.register(() => {
    throw new RangeError('thrown in a callback');
    pastThrow++; // eslint-disable-line no-unreachable
  }, koffi.pointer(cbType));
  p.mark('before_throw');
  for (let i = 0; i < 100; i++) {
    try {
      const rc = callThrough(thrower, null, 0);
      p.fail(`round ${i + 1}: CallThrough returned ${rc} and the exception was lost`);
      return;
    } catch (e) {
      if (!(e instanceof RangeError) || e.message !== 'thrown in a callback') {
        p.fail(`round ${i + 1}: caught ${e}, want the callback's RangeError`);
        return;
      }
    }
  }
  let calls = 0;
  const plain = koffi.register(() => { calls++; }, koffi.pointer(cbType));
  if (p.expectEq('CallThrough(plain)', callThrough(plain, null, 0), 0) && p.expectEq('plain callbacks', calls, 1) &&
      p.expectEq('statements after the throw', pastThrow, 0)) {
    p.fact('caught_rounds', 100);
    p.passed();
  }
}

main();
p.finish();
