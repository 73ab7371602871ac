/**
 * The harness itself: it must see no difference between two real Redis servers (so its own
 * generation, timing and normalisation are deterministic), must catch a real difference and shrink it
 * to a short repro, and its normalisations must only forgive what they claim to.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand } from '../helpers/raw-resp.js';
import { startRedis, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';
import { agree } from './compare.js';
import { allFamilies } from './families/index.js';
import { runFamily } from './harness.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('unordered check sorts elements but still sees a different element', () => {
  assert.ok(agree('unordered', [b('*2\r\n$1\r\na\r\n$1\r\nb\r\n')], [b('*2\r\n$1\r\nb\r\n$1\r\na\r\n')]));
  assert.ok(!agree('unordered', [b('*2\r\n$1\r\na\r\n$1\r\nb\r\n')], [b('*2\r\n$1\r\nb\r\n$1\r\nc\r\n')]));
  assert.ok(
    !agree('unordered', [b('*1\r\n$1\r\na\r\n')], [b('~1\r\n$1\r\na\r\n')]),
    'RESP type still matters',
  );
});

test('pairs check keeps field/value pairs together', () => {
  const hgetall = (...kv: string[]): Buffer => encodeCommand(kv);
  assert.ok(agree('pairs', [hgetall('f1', 'v1', 'f2', 'v2')], [hgetall('f2', 'v2', 'f1', 'v1')]));
  assert.ok(!agree('pairs', [hgetall('f1', 'v1', 'f2', 'v2')], [hgetall('f1', 'v2', 'f2', 'v1')]));
});

test('sample check wants the same count of distinct elements; shape allows repeats', () => {
  const two = b('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
  const twice = b('*2\r\n$1\r\nc\r\n$1\r\nc\r\n');
  assert.ok(agree('shape', [two], [twice]));
  assert.ok(!agree('sample', [two], [twice]));
  assert.ok(!agree('shape', [two], [b('*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n')]));
  assert.ok(!agree('shape', [b('-ERR a\r\n')], [b('-ERR b\r\n')]), 'errors compare in full');
});

test('ttl check tolerates clock drift only on non-negative values', () => {
  assert.ok(agree('ttl', [b(':100\r\n')], [b(':99\r\n')], 1));
  assert.ok(!agree('ttl', [b(':100\r\n')], [b(':97\r\n')], 1));
  assert.ok(!agree('ttl', [b(':-1\r\n')], [b(':-2\r\n')], 1));
  assert.ok(!agree('exact', [b(':100\r\n')], [b(':99\r\n')]));
});

test('hello check masks only the connection id', () => {
  const hello = (id: string, version: string): Buffer =>
    b(`%2\r\n$2\r\nid\r\n:${id}\r\n$7\r\nversion\r\n$${version.length}\r\n${version}\r\n`);
  assert.ok(agree('hello', [hello('5', '7.0.15')], [hello('9', '7.0.15')]));
  assert.ok(!agree('hello', [hello('5', '7.0.15')], [hello('5', '7.2.0')]));
});

test(
  'two real Redis servers agree on every family (the harness is deterministic)',
  { timeout: 120_000 },
  async () => {
    let a: RunningServer | undefined;
    let c: RunningServer | undefined;
    try {
      a = await startRedis(0);
      c = await startRedis(0);
      for (const family of allFamilies) {
        const report = await runFamily(family, {
          baseSeed: 99,
          count: 6,
          length: 20,
          redisPort: a.port,
          redmeshPort: c.port,
          excluded: new Set(),
          maxMismatches: 1,
        });
        assert.deepEqual(report.mismatches, [], family.name);
        assert.ok(report.commands > 50, `${family.name} sent ${report.commands} commands`);
      }
    } finally {
      await stopAll(a, c);
    }
  },
);

test('a real difference is caught and shrunk to a short repro', { timeout: 120_000 }, async () => {
  let a: RunningServer | undefined;
  let c: RunningServer | undefined;
  try {
    a = await startRedis(0);
    // The second server lacks INCRBYFLOAT: every sequence that uses it must mismatch there.
    c = await startRedis(0, ['--rename-command', 'INCRBYFLOAT', '']);
    const strings = allFamilies.find((f) => f.name === 'strings');
    assert.ok(strings);
    const report = await runFamily(strings, {
      baseSeed: 1,
      count: 30,
      length: 25,
      redisPort: a.port,
      redmeshPort: c.port,
      excluded: new Set(),
      maxMismatches: 1,
    });
    assert.equal(report.mismatches.length, 1);
    const text = report.mismatches[0] as string;
    const lines = text.split('\n');
    const failing = lines.find((l) => l.startsWith('>>')) ?? '';
    assert.match(failing, /"INCRBYFLOAT"/);
    assert.match(text, /redmesh: -ERR unknown command 'INCRBYFLOAT'/);
    assert.ok(lines.length <= 8, `minimised repro is short:\n${text}`);
  } finally {
    await stopAll(a, c);
  }
});
