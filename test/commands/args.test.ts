import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDouble, parseInt64 } from '../../src/commands/args.js';

test('parseInt64 accepts what string2ll accepts and nothing else', () => {
  assert.equal(parseInt64('0'), 0);
  assert.equal(parseInt64('-12'), -12);
  assert.equal(parseInt64('9223372036854775807'), 9223372036854775807n);
  assert.equal(parseInt64('-9223372036854775808'), -9223372036854775808n);
  for (const bad of ['', '+1', ' 1', '1 ', '01', '-0', '9223372036854775808', '1.0', 'abc', '1e3']) {
    assert.equal(parseInt64(bad), undefined, bad);
  }
});

test('parseInt64 agrees with a BigInt reference on every shape around the 15/16-digit fast-path edge', () => {
  const reference = (s: string): number | bigint | undefined => {
    if (!/^-?(?:0|[1-9][0-9]*)$/.test(s) || s === '-0' || s.length > 20) return undefined;
    const n = BigInt(s);
    if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) return undefined;
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  };
  const shapes = ['', '-', '0', '-0', '00', '-01', '1', '-1', '1a', 'a1', '1-', '--1', '+1', '1 ', ' 1'];
  for (let digits = 13; digits <= 20; digits++) {
    shapes.push('9'.repeat(digits), '-' + '9'.repeat(digits), '1' + '0'.repeat(digits - 1));
    shapes.push('-1' + '0'.repeat(digits - 1), '1'.repeat(digits - 1) + 'x', '0' + '1'.repeat(digits - 1));
  }
  for (const s of shapes) assert.deepEqual(parseInt64(s), reference(s), JSON.stringify(s));
});

test('parseDouble accepts decimals, exponents and inf, rejects nan and spaces', () => {
  assert.equal(parseDouble('1.5'), 1.5);
  assert.equal(parseDouble('-.5e2'), -50);
  assert.equal(parseDouble('+inf'), Infinity);
  assert.equal(parseDouble('-inf'), -Infinity);
  for (const bad of ['', 'nan', ' 1', '1 ', '1.2.3', '0x10']) assert.equal(parseDouble(bad), undefined, bad);
});
