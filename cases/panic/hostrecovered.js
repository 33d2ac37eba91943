// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind;
// Node carries on.
'use strict';
const p = require('gocompat_probe');

const { lib } = p.load();
const recovered = lib.func('int RecoveredNamed(const char *name, _Out_ uint8_t *msg, int n)');
// The failures that panic on the calling goroutine, and the text recover gets from each.
const KINDS = {
  string: 'gocompat: deliberate panic',
  error: 'gocompat: deliberate error',
  custom: '{7}',
  nil: 'runtime error: invalid memory address or nil pointer dereference',
  index: 'runtime error: index out of range [5] with length 1',
  divide: 'runtime error: integer divide by zero',
};

function main() {
  const buf = Buffer.alloc(128);
  for (const [name, want] of Object.entries(KINDS)) {
    for (let i = 0; i < 100; i++) {
      buf.fill(0);
      const rc = recovered(name, buf, buf.length);
      const got = buf.subarray(0, buf.indexOf(0)).toString('utf8');
      if (rc !== 1 || got !== want) {
        p.fail(`call ${i + 1} of RecoveredNamed(${name}) returned ${rc} with ${JSON.stringify(got)}, want 1 with ${JSON.stringify(want)}`);
        return;
      }
    }
  }
  if (p.expectEq('RecoveredNamed(none)', recovered('none', buf, buf.length), 0)) {
    p.fact('recovered_calls', 100 * Object.keys(KINDS).length);
    p.passed();
  }
}

main();
p.finish();
