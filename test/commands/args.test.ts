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

test('parseDouble accepts decimals, exponents and inf, rejects nan and spaces', () => {
  assert.equal(parseDouble('1.5'), 1.5);
  assert.equal(parseDouble('-.5e2'), -50);
  assert.equal(parseDouble('+inf'), Infinity);
  assert.equal(parseDouble('-inf'), -Infinity);
  for (const bad of ['', 'nan', ' 1', '1 ', '1.2.3', '0x10']) assert.equal(parseDouble(bad), undefined, bad);
});
