// What a Node.js probe (host node-koffi) is written against. A probe is
// NAME.js beside its case, run as `node NAME.js LIBRARY`; it loads the
// library through the koffi FFI module with load() and reports on fd 3 with
// the line protocol of every host: fact, mark, and one verdict (pass,
// fail DETAIL, skip REASON). Both this module and koffi are found through
// NODE_PATH, which the host's launcher sets.
//
// A worker_threads Worker may require this module and call load() too (the
// library is loaded once per process; each thread gets its own bindings);
// verdicts belong to the main thread, which collects the workers' results.
'use strict';

const fs = require('fs');
const path = require('path');
const { isMainThread } = require('worker_threads');

const REPORT_FD = 3;
let verdictSent = false;

// One write per line, so the runner reads whole lines even if we die next.
function emit(line) {
  const data = Buffer.from(line.replace(/\n/g, ' ') + '\n', 'utf8');
  let off = 0;
  while (off < data.length) off += fs.writeSync(REPORT_FD, data, off);
}

/** Record evidence; non-strings are sent as JSON. */
function fact(key, value) {
  emit(`fact ${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/** A CLOCK_MONOTONIC timestamp (libuv's hrtime on Linux), as the C hosts send. */
function mark(name) {
  emit(`mark ${name} ${process.hrtime.bigint()}`);
}

function verdict(line) {
  if (verdictSent) return;
  if (!isMainThread) throw new Error('gocompat_probe: a verdict from a worker thread: ' + line);
  verdictSent = true;
  emit(line);
}

// file:line of the probe code that called into this module.
function callerSite() {
  const lines = (new Error().stack || '').split('\n').slice(1);
  for (const l of lines) {
    const m = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(l);
    if (m && m[1] !== __filename) return `${path.basename(m[1])}:${m[2]}`;
  }
  return '?';
}

function passed() { verdict('pass'); }
function skip(reason) { verdict('skip ' + reason); }
function fail(detail) { verdict(`fail ${callerSite()}: ${detail}`); }

/** Fails with the observed value unless got === want (or both render the
 * same as JSON: arrays, BigInts); returns whether it held. */
function expectEq(what, got, want) {
  const show = (v) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
  if (got === want || show(got) === show(want)) return true;
  verdict(`fail ${callerSite()}: ${what} == ${show(got)}, want ${show(want)}`);
  return false;
}

/** Call at the end of a probe's main thread: one that never decided fails. */
function finish() {
  if (!verdictSent) verdict(`fail ${callerSite()}: probe ended without a verdict`);
}

function libraryPath() { return process.argv[2]; }

/** { koffi, lib }: the library (default: the probe's argument) loaded by
 * path; a worker passes the path it was given. On a foreign arch (the cell
 * runs under qemu-user) this Node cannot load it: the probe ends as a skip. */
function load(library = libraryPath()) {
  if (process.env.GOCOMPAT_EMULATOR) {
    skip(`a ${process.arch} Node cannot load a ${process.env.GOCOMPAT_GOARCH || 'foreign'} library`);
    process.exit(0);
  }
  let koffi;
  try {
    koffi = require('koffi');
  } catch (e) {
    skip(`no koffi module on NODE_PATH (scripts/setup --hosts installs it): ${e.message}`);
    process.exit(0);
  }
  const t0 = process.hrtime.bigint();
  const lib = koffi.load(library);
  if (isMainThread) {
    fact('dlopen_ms', Number(process.hrtime.bigint() - t0) / 1e6);
    fact('koffi_version', koffi.version);
    fact('node_version', process.version);
  }
  return { koffi, lib };
}

let goTypesMemo = null;

/** cgo's GoString and GoSlice (passed by value), as koffi struct types;
 * koffi refuses a type name twice, so they are declared once per thread. */
function goTypes(koffi) {
  if (!goTypesMemo) {
    goTypesMemo = {
      GoString: koffi.struct('GoString', { p: 'const char *', n: 'intptr_t' }),
      GoSlice: koffi.struct('GoSlice', { data: 'void *', len: 'int64_t', cap: 'int64_t' }),
    };
  }
  return goTypesMemo;
}

module.exports = { fact, mark, passed, skip, fail, expectEq, finish, libraryPath, load, goTypes };
