// An export panics and nobody recovers: a try/catch around the koffi call,
// an uncaughtException handler and an exit handler must not see it; the
// process ends as the runtime decides.
'use strict';
const p = require('gocompat_probe');

const { lib } = p.load();
const failNamed = lib.func('int FailNamed(const char *name)');
process.on('uncaughtException', (e) => { p.fail(`a Go panic reached Node as an uncaught ${e}`); p.finish(); });
process.on('exit', (code) => { p.fail(`Node exited with ${code}`); });
p.mark('before_panic');
try {
  const rc = failNamed('string');
  p.fail(`FailNamed("string") returned ${rc}`);
} catch (e) {
  p.fail(`a Go panic reached JavaScript as ${e}`);
}
p.finish();
