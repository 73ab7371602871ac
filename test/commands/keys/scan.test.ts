import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reply } from '../../../src/resp/reply.js';
import { parseScanCursor } from '../../../src/commands/scan-cursor.js';
import { makeRunner, type TestRunner } from '../../helpers/exec.js';

function scanOnce(r: TestRunner, cursor: string, ...opts: string[]): { cursor: string; keys: string[] } {
  const reply = r.run('SCAN', cursor, ...opts) as Reply;
  assert.ok(reply.kind === 'array');
  const [c, list] = reply.items;
  assert.ok(c?.kind === 'bulk' && list?.kind === 'array');
  return { cursor: c.value, keys: list.items.map((i) => (i.kind === 'bulk' ? i.value : '?')) };
}

test('a full SCAN returns every key present throughout, while keys are added and removed', () => {
  const r = makeRunner();
  const stable = new Set<string>();
  for (let i = 0; i < 500; i++) {
    r.run('SET', `stable:${i}`, 'v');
    stable.add(`stable:${i}`);
  }
  for (let i = 0; i < 500; i++) r.run('SET', `churn:${i}`, 'v');
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  let added = 0;
  do {
    const step = scanOnce(r, cursor, 'COUNT', '7');
    for (const k of step.keys) seen.add(k);
    cursor = step.cursor;
    // Between calls: delete some churn keys, add new ones, rewrite stable ones (same position).
    for (let j = 0; j < 5; j++) r.run('DEL', `churn:${calls * 5 + j}`);
    for (let j = 0; j < 5; j++) r.run('SET', `new:${added++}`, 'v');
    r.run('SET', `stable:${calls % 500}`, 'w');
    calls++;
    assert.ok(calls < 10_000, 'scan terminates');
  } while (cursor !== '0');
  for (const k of stable) assert.ok(seen.has(k), `missed ${k}`);
});

test('SCAN MATCH, TYPE and COUNT filter; bad cursors and options are errors', () => {
  const r = makeRunner();
  r.run('MSET', 'a1', 'x', 'a2', 'x', 'b1', 'x');
  r.keyspace.db(0).add('a3', { type: 'hash', fields: new Map() });
  const all = (opts: string[]): string[] => {
    const out: string[] = [];
    let cursor = '0';
    do {
      const s = scanOnce(r, cursor, ...opts);
      out.push(...s.keys);
      cursor = s.cursor;
    } while (cursor !== '0');
    return out.sort();
  };
  assert.deepEqual(all(['MATCH', 'a*']), ['a1', 'a2', 'a3']);
  assert.deepEqual(all(['MATCH', 'a*', 'TYPE', 'string', 'COUNT', '1']), ['a1', 'a2']);
  assert.deepEqual(all(['TYPE', 'HASH']), ['a3']);
  assert.deepEqual(r.run('SCAN', 'x'), { kind: 'error', message: 'ERR invalid cursor' });
  assert.deepEqual(r.run('SCAN', '0', 'COUNT', '0'), { kind: 'error', message: 'ERR syntax error' });
  assert.deepEqual(r.run('SCAN', '0', 'MATCH'), { kind: 'error', message: 'ERR syntax error' });
  assert.deepEqual(r.run('SCAN', '0', 'COUNT', 'x'), {
    kind: 'error',
    message: 'ERR value is not an integer or out of range',
  });
});

test('an unknown or reused cursor restarts the iteration instead of skipping keys', () => {
  const r = makeRunner();
  for (let i = 0; i < 30; i++) r.run('SET', `k${i}`, 'v');
  const first = scanOnce(r, '0', 'COUNT', '10');
  const second = scanOnce(r, first.cursor, 'COUNT', '10');
  const retried = scanOnce(r, first.cursor, 'COUNT', '10');
  assert.deepEqual(retried.keys, first.keys, 'a consumed cursor starts over');
  assert.notDeepEqual(second.keys, first.keys);
  assert.deepEqual(scanOnce(r, '987654321', 'COUNT', '10').keys, first.keys);
});

test('cursor parsing follows strtoul', () => {
  assert.equal(parseScanCursor('0'), 0n);
  assert.equal(parseScanCursor(''), 0n);
  assert.equal(parseScanCursor('007'), 7n);
  assert.equal(parseScanCursor('+5'), 5n);
  assert.equal(parseScanCursor('-1'), 2n ** 64n - 1n);
  assert.equal(parseScanCursor('18446744073709551616'), undefined);
  assert.equal(parseScanCursor(' 1'), undefined);
  assert.equal(parseScanCursor('1x'), undefined);
});
