/**
 * The shared sample written by real Redis 7.0.15 (every type and encoding, expiries, 3 databases)
 * decodes to exactly its expected JSON: every key, value, type byte, expiry and layout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { describeRdb } from '../../src/persistence/index.js';
import { sharedFixture } from '../helpers/shared.js';

test('redis7-sample.rdb decodes to exactly redis7-sample.expected.json', () => {
  const file = readFileSync(sharedFixture('redis7-sample.rdb'));
  const expected = JSON.parse(readFileSync(sharedFixture('redis7-sample.expected.json'), 'utf8')) as unknown;
  const actual = describeRdb(file);
  assert.deepStrictEqual(actual, expected);
});

test('a flipped byte in the sample fails the checksum, naming both sums', () => {
  const file = Buffer.from(readFileSync(sharedFixture('redis7-sample.rdb')));
  file[5000] = (file[5000] as number) ^ 0x01;
  assert.throws(() => describeRdb(file), /checksum|key/);
});
