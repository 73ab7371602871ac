import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DenseTable, keyHash as keyHashOf } from '../../src/store/dense-table.js';

/** A small deterministic generator (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('DenseTable answers as a Map does through random sets and deletes, growth and shrinking', () => {
  const random = rng(7);
  const table = new DenseTable<number>();
  const model = new Map<string, number>();
  // Phases: grow to ~20k keys, churn, shrink to a few, grow again: every index rebuild and packing.
  const phases: [ops: number, addShare: number][] = [
    [30_000, 0.8],
    [30_000, 0.5],
    [40_000, 0.1],
    [20_000, 0.7],
  ];
  for (const [ops, addShare] of phases) {
    for (let n = 0; n < ops; n++) {
      const key = `k${Math.floor(random() * 25_000)}`;
      if (random() < addShare) {
        const v = Math.floor(random() * 1000);
        table.set(key, v);
        model.set(key, v);
      } else {
        assert.equal(table.delete(key), model.delete(key));
      }
      if (n % 997 === 0) {
        const probe = `k${Math.floor(random() * 25_000)}`;
        assert.equal(table.get(probe), model.get(probe));
        assert.equal(table.has(probe), model.has(probe));
      }
    }
    assert.equal(table.size, model.size);
    for (const [k, v] of model) assert.equal(table.get(k), v, k);
    const listed = new Map(table);
    assert.deepEqual(new Map([...listed].sort()), new Map([...model].sort()));
  }
  // The empty string is a key like any other; clear() empties.
  table.set('', 1);
  assert.equal(table.get(''), 1);
  table.clear();
  assert.equal(table.size, 0);
  assert.deepEqual([...table.keys()], []);
  table.set('after', 2);
  assert.deepEqual([...table], [['after', 2]]);
});

test('churn at a steady size reuses holes: the table does not grow', () => {
  const table = new DenseTable<number>();
  for (let i = 0; i < 10_000; i++) table.set(`k${i}`, i);
  const slots = table.slotCount;
  // Evict-and-add, as maxmemory does: one key out, another in, 100k times.
  for (let i = 0; i < 100_000; i++) {
    table.delete(`k${i}`);
    table.set(`k${i + 10_000}`, i);
  }
  assert.equal(table.size, 10_000);
  assert.equal(table.slotCount, slots);
  assert.ok(slots <= 15_000, `${slots} slots for 10,000 keys`);
  // Deleting most keys packs the table small again.
  for (let i = 100_000; i < 109_900; i++) table.delete(`k${i}`);
  assert.equal(table.size, 100);
  assert.ok(table.slotCount <= 400, `${table.slotCount} slots for 100 keys`);
});

test('an iterator visits every key present throughout exactly once while the table churns, packs and grows', () => {
  for (const seed of [1, 2, 3]) {
    const random = rng(seed);
    const table = new DenseTable<number>();
    for (let i = 0; i < 4000; i++) table.set(`stay${i}`, i);
    for (let i = 0; i < 20_000; i++) table.set(`go${i}`, i);
    const seen = new Map<string, number>();
    let step = 0;
    const it = table.keys();
    for (let r = it.next(); r.done !== true; r = it.next()) {
      seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
      // Transient keys go (the table packs when few are left), new ones come, kept ones are rewritten.
      for (let j = 0; j < 8 && step * 8 + j < 20_000; j++) table.delete(`go${step * 8 + j}`);
      if (random() < 0.5) table.set(`new${step}`, step);
      table.set(`stay${Math.floor(random() * 4000)}`, -1);
      step++;
      if (step > 100_000) assert.fail('the walk does not end');
    }
    for (let i = 0; i < 4000; i++) assert.equal(seen.get(`stay${i}`), 1, `stay${i} (seed ${seed})`);
    for (const [k, c] of seen) assert.equal(c, 1, `${k} seen ${c} times`);
  }
});

test('keys() and values() advanced in lockstep stay paired through changes, and forEach survives them too', () => {
  const table = new DenseTable<string>();
  for (let i = 0; i < 3000; i++) table.set(`k${i}`, `v${i}`);
  const ks = table.keys();
  const vs = table.values();
  let n = 0;
  for (let k = ks.next(), v = vs.next(); k.done !== true; k = ks.next(), v = vs.next()) {
    assert.equal(v.value, `v${k.value.slice(1)}`);
    table.delete(k.value); // the table packs several times under the iterators
    n++;
  }
  assert.equal(n, 3000);
  assert.equal(table.size, 0);
  // A fresh table, so slot order is insertion order and k0 comes first.
  table.clear();
  for (let i = 0; i < 100; i++) table.set(`k${i}`, `v${i}`);
  let visited = 0;
  table.forEach((v, k) => {
    assert.equal(v, `v${k.slice(1)}`);
    if (visited === 0) for (let i = 10; i < 100; i++) table.delete(`k${i}`); // packs
    visited++;
  });
  assert.equal(table.size, 10);
  assert.equal(visited, 10);
});

test('an iterator across clear() goes on with what is added after', () => {
  const table = new DenseTable<number>();
  for (let i = 0; i < 100; i++) table.set(`a${i}`, i);
  const it = table.keys();
  assert.equal(it.next().done, false);
  table.clear();
  table.set('b', 1);
  assert.deepEqual([...it], ['b']);
});

test('access numbers stay with their key through growth and packing, and a new key starts without one', () => {
  const table = new DenseTable<number>();
  for (let i = 0; i < 1000; i++) table.set(`k${i}`, i);
  const hashOf = (k: string): number => hashes.get(k) as number;
  const hashes = new Map<string, number>();
  // The table takes the hash from its caller: compute it the way PartitionedMap does.
  for (let i = 0; i < 5000; i++) hashes.set(`k${i}`, keyHashOf(`k${i}`));
  for (let i = 0; i < 1000; i++) assert.equal(table.setAccess(`k${i}`, hashOf(`k${i}`), i * 7), true);
  assert.equal(table.setAccess('absent', keyHashOf('absent'), 1), false);
  for (let i = 1000; i < 5000; i++) table.set(`k${i}`, i); // grows the typed arrays
  for (let i = 0; i < 1000; i++) assert.equal(table.accessOf(`k${i}`, hashOf(`k${i}`)), i * 7);
  for (let i = 1000; i < 5000; i++) assert.equal(table.accessOf(`k${i}`, hashOf(`k${i}`)), undefined);
  for (let i = 10; i < 5000; i++) table.delete(`k${i}`); // packs
  for (let i = 0; i < 10; i++) assert.equal(table.accessOf(`k${i}`, hashOf(`k${i}`)), i * 7);
  table.delete('k0');
  table.set('k0', 0); // takes a hole: no access number from the key that was there
  assert.equal(table.accessOf('k0', hashOf('k0')), undefined);
});
