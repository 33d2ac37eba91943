// Add(int, int) through koffi: JavaScript numbers to C ints and back,
// including the wrap at INT_MAX.
'use strict';
const p = require('gocompat_probe');

const { lib } = p.load();
const add = lib.func('int Add(int a, int b)');
if (p.expectEq('Add(2, 3)', add(2, 3), 5) && p.expectEq('Add(-7, 3)', add(-7, 3), -4) &&
    p.expectEq('Add(INT_MAX, 1)', add(2 ** 31 - 1, 1), -(2 ** 31)))
  p.passed();
p.finish();
