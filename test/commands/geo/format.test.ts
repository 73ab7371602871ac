/**
 * The fixed-notation text of GEO replies against glibc's printf: the expected strings below are what
 * `printf("%.4f")`, `"%.6f"` and `"%.17Lf"` print on Debian 12 (gcc, glibc 2.36) — exact decimal
 * expansion, ties to even (0.03125 → 0.0312, 0.09375 → 0.0938), which JS's toFixed does not do.
 * And Redis's pqsort: the requested ranks come out as a full sort would put them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFixed, formatHumanLongDouble } from '../../../src/commands/geo/format.js';
import { pqsort } from '../../../src/commands/geo/pqsort.js';
import { seeded } from '../twin.js';

const GLIBC: readonly [number, string, string, string][] = [
  [0.03125, '0.0312', '0.031250', '0.03125000000000000'],
  [0.09375, '0.0938', '0.093750', '0.09375000000000000'],
  [1.00005, '1.0001', '1.000050', '1.00005000000000011'],
  [2.5e-5, '0.0000', '0.000025', '0.00002500000000000'],
  [123.45675, '123.4567', '123.456750', '123.45674999999999955'],
  [-0, '-0.0000', '-0.000000', '-0.00000000000000000'],
  [85.05112878, '85.0511', '85.051129', '85.05112877999999910'],
  [-179.99999731779098511, '-180.0000', '-179.999997', '-179.99999731779098511'],
  [1e-20, '0.0000', '0.000000', '0.00000000000000000'],
  [6372797.560856, '6372797.5609', '6372797.560856', '6372797.56085599958896637'],
  [0.000244140625, '0.0002', '0.000244', '0.00024414062500000'],
];

test('formatFixed prints what glibc printf prints, ties to even', () => {
  for (const [value, f4, f6, f17] of GLIBC) {
    assert.equal(formatFixed(value, 4), f4, `%.4f of ${value}`);
    assert.equal(formatFixed(value, 6), f6, `%.6f of ${value}`);
    assert.equal(formatFixed(value, 17), f17, `%.17f of ${value}`);
  }
  assert.equal(formatFixed(Infinity, 6), 'inf');
  assert.equal(formatFixed(-Infinity, 6), '-inf');
});

test('human long doubles drop trailing zeros, and -0 prints as 0', () => {
  assert.equal(formatHumanLongDouble(85.05112878), '85.0511287799999991');
  assert.equal(formatHumanLongDouble(180), '180');
  assert.equal(formatHumanLongDouble(0.5), '0.5');
  assert.equal(formatHumanLongDouble(-0), '0');
  assert.equal(formatHumanLongDouble(-1e-20), '0'); // "-0.000…" trimmed to "-0", then "0"
});

test('pqsort puts ranks lrange..rrange where a full sort puts them', () => {
  const rnd = seeded(5);
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(rnd() * 120);
    const values = Array.from({ length: n }, () => Math.floor(rnd() * 20));
    const sorted = [...values].sort((a, b) => a - b);
    const rrange = Math.floor(rnd() * n);
    const partial = [...values];
    pqsort(partial, (a, b) => (a > b ? 1 : a === b ? 0 : -1), 0, rrange);
    assert.deepEqual(partial.slice(0, rrange + 1), sorted.slice(0, rrange + 1), `n=${n} rrange=${rrange}`);
    assert.deepEqual(
      [...partial].sort((a, b) => a - b),
      sorted,
    );
  }
});
