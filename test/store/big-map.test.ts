import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BigMap, BigSet, SHARD_CAPACITY } from '../../src/store/big-map.js';

test('a shard holds fewer keys than one native Map can (2^24)', () => {
  assert.ok(SHARD_CAPACITY < 2 ** 24);
});

test('BigMap grows into shards past its capacity and keeps the Map API', () => {
  const m = new BigMap<string, number>(undefined, 4);
  for (let i = 0; i < 10; i++) m.set(`k${i}`, i);
  assert.equal(m.size, 10);
  assert.equal(m.shardCount, 3);
  for (let i = 0; i < 10; i++) assert.equal(m.get(`k${i}`), i);
  assert.equal(m.get('nope'), undefined);
  assert.equal(m.has('k9'), true);
  m.set('k1', 100); // an existing key in the first shard stays there
  m.set('k9', 900); // and one in the last shard
  assert.equal(m.size, 10);
  assert.equal(m.get('k1'), 100);
  assert.equal(m.get('k9'), 900);
  assert.deepEqual(
    [...m.keys()],
    Array.from({ length: 10 }, (_, i) => `k${i}`),
  );
  assert.equal([...m.values()].length, 10);
  assert.deepEqual(new Map(m).get('k1'), 100);
  assert.equal(m.delete('k5'), true);
  assert.equal(m.delete('k5'), false);
  assert.equal(m.size, 9);
  // The last shard fills up, then the slot freed in an earlier shard is used before a new shard.
  m.set('k10', 10);
  m.set('k11', 11);
  m.set('k12', 12);
  assert.equal(m.shardCount, 3);
  m.set('k13', 13);
  assert.equal(m.shardCount, 4);
  assert.equal(m.get('k12'), 12);
  let seen = 0;
  m.forEach((v, k) => {
    assert.equal(m.get(k), v);
    seen++;
  });
  assert.equal(seen, m.size);
  m.clear();
  assert.equal(m.size, 0);
  assert.equal(m.shardCount, 1);
});

test('BigMap iteration is live across shards: every key present throughout is visited exactly once', () => {
  const m = new BigMap<string, number>(undefined, 8);
  for (let i = 0; i < 20; i++) m.set(`a${i}`, i);
  const it = m.keys();
  const seen: string[] = [];
  for (let step = 0; ; step++) {
    const r = it.next();
    if (r.done === true) break;
    seen.push(r.value);
    // Churn while iterating: add new keys (they may land in new shards) and delete some later ones.
    if (step < 30) m.set(`b${step}`, step);
    if (step === 3) m.delete('a19');
  }
  const present = Array.from({ length: 19 }, (_, i) => `a${i}`);
  for (const k of present) assert.equal(seen.filter((s) => s === k).length, 1, k);
  assert.equal(seen.includes('a19'), false);
  assert.equal(new Set(seen).size, seen.length, 'no key twice');
  assert.ok(seen.includes('b29'), 'keys added in new shards during the iteration are visited');
});

test('an iterator begun on a one-shard map still visits every old key after the map grows', () => {
  const m = new BigMap<string, number>(undefined, 4);
  for (let i = 0; i < 4; i++) m.set(`k${i}`, i);
  const it = m.keys();
  assert.equal(it.next().value, 'k0');
  for (let i = 4; i < 12; i++) m.set(`k${i}`, i);
  const rest = [...{ [Symbol.iterator]: () => it }];
  for (const k of ['k1', 'k2', 'k3']) assert.ok(rest.includes(k));
});

test('BigSet grows into shards and keeps the Set API', () => {
  const s = new BigSet<string>(['x', 'y', 'z', 'w', 'v'], 2);
  assert.equal(s.size, 5);
  assert.equal(s.shardCount, 3);
  s.add('x');
  assert.equal(s.size, 5);
  assert.equal(s.has('v'), true);
  assert.equal(s.has('q'), false);
  assert.deepEqual([...s], ['x', 'y', 'z', 'w', 'v']);
  assert.deepEqual([...s.entries()][4], ['v', 'v']);
  assert.equal(s.delete('y'), true);
  assert.equal(s.delete('y'), false);
  s.add('u');
  assert.equal(s.shardCount, 3);
  assert.deepEqual(new Set(s), new Set(['x', 'z', 'w', 'v', 'u']));
  const visited: string[] = [];
  s.forEach((v, k, set) => {
    assert.equal(v, k);
    assert.equal(set, s);
    visited.push(k);
  });
  assert.deepEqual(visited, [...s]);
});
