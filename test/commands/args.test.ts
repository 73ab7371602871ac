import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDouble, parseInt64, parseLong, parseTimeoutSeconds } from '../../src/commands/args.js';

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

test('parseLong: a 64-bit integer as a number (string2ll rules)', () => {
  assert.equal(parseLong('-42'), -42);
  assert.equal(parseLong('9223372036854775807'), 9223372036854775807);
  assert.equal(parseLong('9223372036854775808'), undefined);
  assert.equal(parseLong('+1'), undefined);
  assert.equal(parseLong(' 1'), undefined);
  assert.equal(parseLong(''), undefined);
});

test('parseTimeoutSeconds: seconds to an absolute deadline, with redis-server 7.0 quirks', () => {
  const now = 1_000_000;
  assert.equal(parseTimeoutSeconds('1.5', now), now + 1500);
  assert.equal(parseTimeoutSeconds('0', now), 0);
  assert.equal(parseTimeoutSeconds('-0.0001', now), 0); // truncates to 0: block forever
  assert.equal(parseTimeoutSeconds('-1', now), 'negative');
  assert.equal(parseTimeoutSeconds('1e400', now), 'negative'); // LLONG_MIN after conversion
  assert.equal(parseTimeoutSeconds('abc', now), 'notFloat');
  assert.equal(parseTimeoutSeconds(' 1', now), 'notFloat');
  assert.equal(parseTimeoutSeconds('9000000000000000', 3e17), 'outOfRange'); // now + ms passes LLONG_MAX
});

test('parseLong, parseTimeoutSeconds and strtod are defined once, in src/commands/args.ts', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  for (const name of ['parseLong', 'parseTimeoutSeconds', 'strtod']) {
    const defining = files('src').filter((f) =>
      new RegExp(`function ${name}\\(`).test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(defining, [join('src', 'commands', 'args.ts')], name);
  }
});
