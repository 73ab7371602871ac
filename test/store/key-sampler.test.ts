import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Keyspace,
  addMember,
  cloneValue,
  deleteField,
  newHashValue,
  newSetValue,
  randomField,
  randomMember,
  removeMember,
  setField,
  type SetValue,
} from '../../src/store/index.js';
import { KeySampler, SAMPLER_MIN_SIZE } from '../../src/store/key-sampler.js';

/** Counts picks per key over `draws` draws. */
function histogram(pick: () => string | undefined, draws: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const k = pick();
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

test('KeySampler picks only present keys, each about equally often, through adds and removes', () => {
  const sampler = new KeySampler(['a', 'b', 'c']);
  sampler.add('d');
  sampler.add('a'); // already there: no second slot, no double weight
  sampler.remove('b');
  sampler.remove('zz');
  sampler.add('e');
  sampler.remove('e');
  sampler.add('e');
  assert.equal(sampler.size, 4);
  const counts = histogram(() => sampler.pick(), 40_000);
  assert.deepEqual([...counts.keys()].sort(), ['a', 'c', 'd', 'e']);
  // Expected 10,000 each; binomial sd ≈ 87, so ±1,000 is > 11 sd.
  for (const [key, n] of counts) assert.ok(n > 9_000 && n < 11_000, `${key}: ${n}`);
  for (const k of ['a', 'c', 'd', 'e']) sampler.remove(k);
  assert.equal(sampler.pick(), undefined);
});

test('Database.randomKey follows adds, deletes, expiry, FLUSHDB and SWAPDB', () => {
  const keyspace = new Keyspace(2, {});
  const db = keyspace.db(0);
  assert.equal(db.randomKey(), undefined);
  for (let i = 0; i < 100; i++) db.add(`k${i}`, 'v');
  assert.ok(db.randomKey()?.startsWith('k'));
  for (let i = 0; i < 90; i++) db.delete(`k${i}`);
  db.add('new', 'v');
  db.setExpire('k95', 1);
  db.expireIfNeeded('k95', 1000);
  const counts = histogram(() => db.randomKey(), 10_000);
  assert.deepEqual(
    [...counts.keys()].sort(),
    ['k90', 'k91', 'k92', 'k93', 'k94', 'k96', 'k97', 'k98', 'k99', 'new'].sort(),
  );
  const other = keyspace.db(1);
  other.add('only-in-1', 'v');
  db.swapWith(other);
  assert.equal(db.randomKey(), 'only-in-1');
  assert.ok(other.randomKey() !== 'only-in-1');
  db.clear();
  assert.equal(db.randomKey(), undefined);
  db.add('after-flush', 'v');
  assert.equal(db.randomKey(), 'after-flush');
});

test('Database.randomKey is O(1): 2,000 draws from 200,000 keys take about as long as from 200 keys', () => {
  const time = (keys: number): number => {
    const db = new Keyspace(1, {}).db(0);
    for (let i = 0; i < keys; i++) db.add(`key:${i}`, 'v');
    db.randomKey();
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) db.randomKey();
    return performance.now() - started;
  };
  time(200); // warm up the JIT
  const small = time(200);
  const large = time(200_000);
  // A walk to a random position (the old RANDOMKEY) is ~1000× slower on the large set; allow noise.
  assert.ok(
    large < Math.max(small, 1) * 20,
    `200 keys: ${small.toFixed(1)} ms, 200k keys: ${large.toFixed(1)} ms`,
  );
});

/** Asserts that `draws` picks hit exactly `expected`, each within 40%..160% of its fair share. */
function assertFair(pick: () => string | undefined, expected: readonly string[], draws: number): void {
  const counts = histogram(pick, draws);
  assert.deepEqual([...counts.keys()].sort(), [...expected].sort());
  const fair = draws / expected.length;
  for (const [key, n] of counts) assert.ok(n > fair * 0.4 && n < fair * 1.6, `${key}: ${n} of ${draws}`);
}

test('randomMember walks a small set and builds a sampler for a big one, kept in step by add/remove', () => {
  const small = newSetValue(['a', 'b', 'c']);
  assertFair(() => randomMember(small), ['a', 'b', 'c'], 3_000);
  assert.equal(small.sampler, undefined); // small sets pay no index

  const big = newSetValue(Array.from({ length: SAMPLER_MIN_SIZE + 72 }, (_, i) => `m${i}`));
  assert.ok(randomMember(big)?.startsWith('m'));
  assert.equal(big.sampler?.size, SAMPLER_MIN_SIZE + 72); // picks are O(1) from here on
  for (let i = 0; i < SAMPLER_MIN_SIZE + 62; i++) assert.equal(removeMember(big, `m${i}`), true);
  assert.equal(removeMember(big, 'm0'), false);
  assert.equal(addMember(big, 'new'), true);
  assert.equal(addMember(big, 'new'), false); // no second slot, no double weight
  const left = [...big.members];
  assert.equal(left.length, 11);
  assertFair(() => randomMember(big), left, 11_000);
  for (const m of left) removeMember(big, m);
  assert.equal(randomMember(big), undefined);
});

test('randomField follows setField/deleteField; overwriting a field keeps its single weight', () => {
  const hash = newHashValue();
  for (let i = 0; i < 300; i++) assert.equal(setField(hash, `f${i}`, 'v'), true);
  assert.ok(randomField(hash)?.startsWith('f'));
  assert.notEqual(hash.sampler, undefined);
  for (let i = 0; i < 295; i++) assert.equal(deleteField(hash, `f${i}`), true);
  assert.equal(setField(hash, 'f299', 'changed'), false);
  assert.equal(hash.fields.get('f299'), 'changed');
  assertFair(() => randomField(hash), ['f295', 'f296', 'f297', 'f298', 'f299'], 5_000);
});

test('a copy (COPY, snapshot copy-on-write) gets its own sampler, not the original one', () => {
  const original = newSetValue(Array.from({ length: 200 }, (_, i) => `m${i}`));
  randomMember(original);
  const copy = cloneValue(original) as SetValue;
  assert.equal(copy.sampler, undefined);
  for (let i = 0; i < 199; i++) removeMember(copy, `m${i}`);
  assert.equal(randomMember(copy), 'm199');
  assert.equal(original.members.size, 200);
  assert.equal(original.sampler?.size, 200);
  assert.equal(histogram(() => randomMember(original), 2_000).size > 150, true);
});
