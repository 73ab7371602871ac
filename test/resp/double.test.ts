import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDouble } from '../../src/resp/double.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { double } from '../../src/resp/reply.js';

// Expected texts are glibc printf("%.17g") output (what redis-server 7.0.15 replies), including
// exact ties that printf rounds to even.
const printfG17: readonly (readonly [number, string])[] = [
  [0.1, '0.10000000000000001'],
  [1e20, '1e+20'],
  [0.3333333333333333, '0.33333333333333331'],
  [1e-5, '1.0000000000000001e-05'],
  [0.0001, '0.0001'],
  [123456789.123, '123456789.123'],
  [1e16, '10000000000000000'],
  [1e17, '1e+17'],
  [-3.5e-7, '-3.4999999999999998e-07'],
  [5e-324, '4.9406564584124654e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [0.00012345, '0.00012344999999999999'],
  [-286739689364880.125, '-286739689364880.12'],
  [319272054764044.875, '319272054764044.88'],
  [-1572837743947275.25, '-1572837743947275.2'],
  [2.5, '2.5'],
  [12345.678, '12345.678'],
  [9007199254740993, '9007199254740992'],
  [1.0000000000000002, '1.0000000000000002'],
  [-1e-320, '-9.9998886718268301e-321'],
  [4503599627370495.5, '4503599627370495.5'],
];

test('formatDouble matches printf %.17g, ties rounded to even', () => {
  for (const [value, text] of printfG17) assert.equal(formatDouble(value), text, String(value));
});

test('formatDouble spells infinities, NaN and signed zero like Redis', () => {
  assert.equal(formatDouble(Infinity), 'inf');
  assert.equal(formatDouble(-Infinity), '-inf');
  assert.equal(formatDouble(NaN), 'nan');
  assert.equal(formatDouble(0), '0');
  assert.equal(formatDouble(-0), '-0');
});

test('formatDouble text parses back to the same double', () => {
  for (let i = 0; i < 2000; i++) {
    const value = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 60 - 30);
    assert.equal(Number(formatDouble(value)), value);
  }
});

test('the reply encoder prints doubles with formatDouble in both protocols', () => {
  assert.equal(encodeReply(double(-286739689364880.125), 2), '$19\r\n-286739689364880.12\r\n');
  assert.equal(encodeReply(double(-286739689364880.125), 3), ',-286739689364880.12\r\n');
  assert.equal(encodeReply(double(-Infinity), 3), ',-inf\r\n');
});
