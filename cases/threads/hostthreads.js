// Eight worker_threads (each an OS thread with its own V8 isolate and its
// own koffi bindings) call Mix 500 times each, checked against the same
// function in JavaScript, then all eight meet inside Go at Barrier(8).
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const p = require('gocompat_probe');

const K = 8, CALLS = 500, M = (1n << 64n) - 1n;

function mixRef(z) {
  z = (z + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  return z ^ (z >> 31n);
}

function work({ id, library }) {
  const { lib } = p.load(library);
  const mix = lib.func('uint64_t Mix(uint64_t x)');
  const barrier = lib.func('int Barrier(int n)');
  let wrong = 0;
  for (let j = 0n; j < BigInt(CALLS); j++) {
    const x = (BigInt(id + 1) << 32n) | j;
    if (BigInt(mix(x)) !== mixRef(x)) wrong++;
  }
  parentPort.postMessage({ wrong, arrival: barrier(K) });
}

async function main() {
  p.load();
  p.mark('threads_start');
  const results = await Promise.all(Array.from({ length: K }, (_, id) => new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { id, library: p.libraryPath() } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  p.fact('host_threads', K);
  const wrong = results.reduce((n, r) => n + r.wrong, 0);
  const arrivals = results.map((r) => r.arrival).sort((a, b) => a - b);
  if (p.expectEq('wrong results', wrong, 0) &&
      p.expectEq('threads through Barrier', arrivals, Array.from({ length: K }, (_, i) => i + 1)))
    p.passed();
}

if (isMainThread) {
  main().catch((e) => p.fail(`a worker failed: ${e && e.stack ? e.stack : e}`)).finally(p.finish);
} else {
  work(workerData);
}
