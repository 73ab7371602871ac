/**
 * KeyspaceSnapshot keeps the keyspace of its start through every kind of change: overwrite, in-place
 * mutation, delete, create, TTL set and removed, SWAPDB (the view follows the tables) and FLUSHDB (the
 * keys not yet read are kept), and costs copies only for the keys written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyspace, KeyspaceSnapshot, Quicklist, stringText, type Value } from '../../src/store/index.js';

function plain(v: Value): unknown {
  if (typeof v === 'string' || v.type === 'string') return stringText(v);
  if (v.type === 'list') return v.items.toArray();
  return v.type;
}

function read(s: KeyspaceSnapshot): Record<number, [string, unknown, number | undefined][]> {
  const out: Record<number, [string, unknown, number | undefined][]> = {};
  for (const db of s.databases()) {
    const rows: [string, unknown, number | undefined][] = [];
    for (let i = 0; i < db.size; i++) {
      const e = s.entryAt(db.index, i);
      if (e !== undefined) rows.push([e[0], plain(e[1]), e[2]]);
    }
    // The key table's order is its hash partitions', not insertion: compare by key.
    out[db.index] = rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return out;
}

test('a snapshot reads the keyspace of its start whatever happens after', () => {
  const ks = new Keyspace(3);
  const now = Date.now();
  const [db0, db1, db2] = [ks.db(0), ks.db(1), ks.db(2)];
  for (let i = 0; i < 5; i++) db0.add(`k${i}`, `v${i}`);
  db0.setExpire('k1', now + 100_000);
  db0.add('list', { type: 'list', items: Quicklist.from(['a', 'b']) });
  db1.add('one', '1');
  db2.add('two', '2');
  db2.add('three', '3');
  const expected = {
    0: [
      ['k0', 'v0', undefined],
      ['k1', 'v1', now + 100_000],
      ['k2', 'v2', undefined],
      ['k3', 'v3', undefined],
      ['k4', 'v4', undefined],
      ['list', ['a', 'b'], undefined],
    ],
    1: [['one', '1', undefined]],
    2: [
      ['three', '3', undefined],
      ['two', '2', undefined],
    ],
  };
  const snap = new KeyspaceSnapshot(ks);
  assert.ok(snap.prepare(1000));
  // Reading db 2 has begun (one key, either) before FLUSHDB.
  const firstOf2 = snap.entryAt(2, 0)?.[0];
  assert.ok(firstOf2 === 'two' || firstOf2 === 'three', String(firstOf2));

  db0.setValue('k0', 'changed', false);
  db0.delete('k2');
  db0.add('k2', 're-created');
  db0.add('new', 'created after');
  db0.removeExpire('k1');
  db0.setExpire('k3', now + 5);
  const list = db0.lookupWrite('list', now);
  if (list !== undefined && typeof list !== 'string' && list.type === 'list') list.items.pushTail('c');
  db0.swapWith(db1); // db 0's old tables now sit at index 1
  ks.db(1).setValue('k4', 'after swap', false);
  db2.clear();
  ks.db(2).add('two', 'new tables');

  const { 2: rest, ...others } = read(snap);
  assert.deepStrictEqual(others, { 0: expected[0], 1: expected[1] });
  // Position 0 was read before the flush; the other key is what is left.
  assert.deepStrictEqual(rest, [firstOf2 === 'two' ? expected[2][0] : expected[2][1]]);
  assert.ok(snap.copiedKeys >= 6 && snap.copiedKeys <= 10, `copies: ${snap.copiedKeys}`);
  snap.release();
  ks.db(1).setValue('k0', 'no copy after release', false);
  assert.equal(snap.copiedKeys, 0);
});

for (const [how, wholeTableKeys] of [
  ['small tables listed whole', undefined],
  ['every table through its iterators', 0],
  ['some of each', 312],
] as const) {
  test(`writes while the key lists are being built (${how}): each key listed once, as at the start`, () =>
    writesWhileListing(wholeTableKeys));
}

function writesWhileListing(wholeTableKeys: number | undefined): void {
  const ks = new Keyspace(2);
  const db = ks.db(0);
  // More keys than two chunks of the key lists (32768 each): the listing and the filtering cross them.
  const n = 80_000;
  for (let i = 0; i < n; i++) db.add(`k${i}`, `v${i}`);
  ks.db(1).add('other', 'x');
  const snap = new KeyspaceSnapshot(ks, wholeTableKeys);
  let slices = 0;
  // A tiny budget: the listing takes many slices, with writes between them.
  while (!snap.prepare(0)) {
    const i = slices++ * 97;
    db.delete(`k${i % n}`); // deleted (maybe before, maybe after being listed)
    db.add(`k${i % n}`, 'recreated'); // and re-created: now at the end of the table
    db.add(`new${i}`, 'created during the listing');
    db.setValue(`k${(i + 1) % n}`, 'overwritten', false);
    ks.db(0).swapWith(ks.db(1));
    ks.db(1).swapWith(ks.db(0));
  }
  assert.ok(slices > 3, `the listing took ${slices} slices`);
  const seen = new Map<string, unknown>();
  for (const d of snap.databases()) {
    for (let i = 0; i < d.size; i++) {
      const e = snap.entryAt(d.index, i);
      assert.ok(e !== undefined);
      const id = `${d.index}/${e[0]}`;
      assert.ok(!seen.has(id), `${id} listed twice`);
      seen.set(id, plain(e[1]));
    }
  }
  assert.equal(seen.size, n + 1);
  for (let i = 0; i < n; i++) assert.equal(seen.get(`0/k${i}`), `v${i}`);
  assert.equal(seen.get('1/other'), 'x');
  snap.release();
}
