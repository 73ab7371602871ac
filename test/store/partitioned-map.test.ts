import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntrySample } from '../../src/store/dense-table.js';
import { PARTITIONS, PartitionedMap, partitionOf } from '../../src/store/partitioned-map.js';

test('PartitionedMap keeps the Map API and its size', () => {
  const m = new PartitionedMap<number>();
  assert.equal(m.size, 0);
  assert.equal(m.get('a'), undefined);
  assert.equal(m.has('a'), false);
  assert.equal(m.delete('a'), false);
  for (let i = 0; i < 1000; i++) m.set(`k${i}`, i);
  assert.equal(m.size, 1000);
  m.set('k1', 100); // an existing key: replaced, not counted twice
  assert.equal(m.size, 1000);
  assert.equal(m.get('k1'), 100);
  assert.equal(m.has('k999'), true);
  assert.equal(m.delete('k5'), true);
  assert.equal(m.delete('k5'), false);
  assert.equal(m.size, 999);
  assert.equal(m.get('k5'), undefined);
  const keys = [...m.keys()];
  assert.equal(keys.length, 999);
  assert.equal(new Set(keys).size, 999);
  assert.deepEqual([...m.values()].sort((a, b) => a - b)[998], 999);
  assert.equal(new Map(m).get('k1'), 100);
  let seen = 0;
  m.forEach((v, k) => {
    assert.equal(m.get(k), v);
    seen++;
  });
  assert.equal(seen, 999);
  // keys() and values() walk the same entries in the same order (a snapshot advances them in lockstep).
  const ks = m.keys();
  const vs = m.values();
  for (let k = ks.next(), v = vs.next(); k.done !== true; k = ks.next(), v = vs.next())
    assert.equal(m.get(k.value), v.value);
  m.clear();
  assert.equal(m.size, 0);
  assert.deepEqual([...m.keys()], []);
});

test('keys spread over the partitions, so no single table holds the keyspace', () => {
  // The point of the split: a 10M-key database must not be one 450 MB backing array (V8's concurrent
  // marker scans one such array out of the main thread's sight; see partitioned-map.ts).
  const counts = new Array<number>(PARTITIONS).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const p = partitionOf(`key:${String(i).padStart(12, '0')}`);
    counts[p] = (counts[p] ?? 0) + 1;
  }
  const mean = n / PARTITIONS;
  assert.ok(Math.max(...counts) < 1.5 * mean, `largest partition ${Math.max(...counts)} vs mean ${mean}`);
  assert.ok(Math.min(...counts) > 0.5 * mean, `smallest partition ${Math.min(...counts)} vs mean ${mean}`);
  // Long keys that differ only at one end still spread; a key maps to one partition, always.
  const long = new Set<number>();
  for (let i = 0; i < 1000; i++) long.add(partitionOf(`${'x'.repeat(100)}${i}`));
  assert.ok(long.size > PARTITIONS / 2, `long keys in ${long.size} partitions`);
  assert.equal(partitionOf('same key'), partitionOf('same key'));
  const m = new PartitionedMap<number>();
  for (let i = 0; i < 10_000; i++) m.set(`k${i}`, i);
  assert.equal(m.partitionCount, PARTITIONS);
});

test('a live walk visits every key present throughout exactly once while keys come and go', () => {
  const m = new PartitionedMap<number>();
  for (let i = 0; i < 5000; i++) m.set(`stay${i}`, i);
  for (let i = 0; i < 5000; i++) m.set(`go${i}`, i);
  const seen = new Map<string, number>();
  let step = 0;
  for (const k of m.keys()) {
    seen.set(k, (seen.get(k) ?? 0) + 1);
    // Churn during the walk: delete the transient keys, add new ones, rewrite kept ones.
    if (step < 5000) m.delete(`go${step}`);
    m.set(`new${step}`, step);
    m.set(`stay${step % 5000}`, -1);
    step++;
    if (step > 100_000) assert.fail('the walk does not end');
  }
  for (let i = 0; i < 5000; i++) assert.equal(seen.get(`stay${i}`), 1, `stay${i}`);
  for (const [k, c] of seen) assert.equal(c, 1, `${k} seen ${c} times`);
});

test('a walk started before clear() goes on over the tables it started on', () => {
  const m = new PartitionedMap<number>();
  for (let i = 0; i < 100; i++) m.set(`k${i}`, i);
  const it = m.keys();
  assert.equal(it.next().done, false);
  m.clear();
  let rest = 0;
  for (let r = it.next(); r.done !== true; r = it.next()) rest++;
  assert.equal(rest, 99);
  assert.equal(m.size, 0);
});

test('tables() is the live list of tables: one made later appears, clear() leaves the old list whole', () => {
  const m = new PartitionedMap<number>();
  const tables = m.tables();
  assert.equal(tables.filter((t) => t !== undefined).length, 0);
  for (let i = 0; i < 1000; i++) m.set(`k${i}`, i);
  // The tables hold the entries in iteration order.
  const listed: [string, number][] = [];
  for (const t of tables) t?.forEach((v, k) => listed.push([k, v]));
  assert.deepEqual(listed, [...m.entries()]);
  m.clear();
  assert.equal(
    tables.reduce((n, t) => n + (t?.size ?? 0), 0),
    1000,
  );
  assert.equal(m.tables().filter((t) => t !== undefined).length, 0);
});

test('randomEntries draws present entries, each about as often, in small and big maps, and none from an empty one', () => {
  const m = new PartitionedMap<number>();
  const sample: EntrySample<number> = { count: 0, keys: [], values: [], access: [] };
  m.randomEntries(5, sample);
  assert.equal(sample.count, 0);
  for (const size of [3, 5000]) {
    m.clear();
    for (let i = 0; i < size * 2; i++) m.set(`k${i}`, i);
    for (let i = 0; i < size * 2; i += 2) m.delete(`k${i}`); // holes in every table
    m.setAccess('k1', 77);
    const counts = new Map<string, number>();
    const draws = size * 40;
    for (let i = 0; i < draws; i += 5) {
      m.randomEntries(5, sample);
      assert.equal(sample.count, 5);
      for (let j = 0; j < 5; j++) {
        const k = sample.keys[j] as string;
        assert.equal(m.get(k), sample.values[j], `${k} is in the map with the value drawn`);
        assert.equal(sample.access[j], k === 'k1' ? 77 : -1, `${k}'s access number`);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    assert.equal(counts.size, size, 'every key drawn');
    const most = Math.max(...counts.values());
    assert.ok(most < 40 * 2.5, `a key drawn ${most} times, 40 expected`);
  }
});
