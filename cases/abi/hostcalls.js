// GoString and GoSlice by value from Node.js through koffi: cgo's struct
// layouts declared as koffi structs.
'use strict';
const p = require('gocompat_probe');

const { koffi, lib } = p.load();
const { GoString, GoSlice } = p.goTypes(koffi);
const strLen = lib.func('StrLen', 'int64_t', [GoString]);
const sliceLen = lib.func('SliceLen', 'int64_t', [GoSlice]);

const s = 'h\u00e9llo, \u4e16\u754c';
const n = Buffer.byteLength(s, 'utf8');
const v = new BigInt64Array(5).fill(7n);
if (p.expectEq('StrLen(s)', Number(strLen({ p: s, n })), n) &&
    p.expectEq('SliceLen(v)', Number(sliceLen({ data: v, len: 5, cap: 5 })), 5) &&
    p.expectEq('StrLen(nil)', Number(strLen({ p: null, n: 0 })), 0)) {
  p.fact('strlen', n);
  p.passed();
}
p.finish();
