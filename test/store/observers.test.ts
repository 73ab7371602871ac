/**
 * The snapshot seam of the store (src/store/database.ts, KeyspaceObserver): every way a key changes
 * tells the registered observers first, while the old value can still be read, and FLUSH / SWAPDB let
 * an iteration that started before them go on over the old contents.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ActiveExpirer,
  Evictor,
  Keyspace,
  type KeyspaceObserver,
  type Value,
} from '../../src/store/index.js';
import { makeRunner, type TestRunner } from '../helpers/exec.js';

/** One notification and the state of the keyspace when it was made. */
type Seen =
  | {
      readonly kind: 'write';
      readonly db: number;
      readonly key: string;
      readonly old: Value | undefined;
      readonly ttl: number | undefined;
    }
  | { readonly kind: 'flush'; readonly db: number; readonly size: number }
  | {
      readonly kind: 'swap';
      readonly a: number;
      readonly b: number;
      readonly sizes: readonly [number, number];
    };

/** An observer that records what it is told with what the keyspace held at that moment. */
function recorder(keyspace: Keyspace): { observer: KeyspaceObserver; seen: Seen[] } {
  const seen: Seen[] = [];
  const observer: KeyspaceObserver = {
    beforeWrite: (db, key) => {
      const d = keyspace.db(db);
      seen.push({ kind: 'write', db, key, old: d.peek(key), ttl: d.getExpire(key) });
    },
    beforeFlush: (db) => seen.push({ kind: 'flush', db, size: keyspace.db(db).size }),
    beforeSwap: (a, b) =>
      seen.push({ kind: 'swap', a, b, sizes: [keyspace.db(a).size, keyspace.db(b).size] }),
  };
  return { observer, seen };
}

function setUp(): { r: TestRunner; seen: Seen[] } {
  const r = makeRunner(4);
  const { observer, seen } = recorder(r.keyspace);
  r.keyspace.addObserver(observer);
  return { r, seen };
}

/** A string value as its text, anything else by its kind (the tests here store strings). */
function text(value: Value | undefined): string {
  if (value === undefined) return 'undefined';
  return typeof value === 'string' ? value : `<${value.type}>`;
}

function writes(seen: readonly Seen[]): string[] {
  return seen.flatMap((s) => (s.kind === 'write' ? [`${s.db}:${s.key}=${text(s.old)}`] : []));
}

test('MOVE tells the observer about the source and the destination key before either changes', () => {
  const { r, seen } = setUp();
  r.run('SET', 'k', 'v');
  r.run('PEXPIRE', 'k', '100000');
  seen.length = 0;
  assert.deepEqual(r.run('MOVE', 'k', '2'), { kind: 'int', value: 1 });
  // Both sides are announced while k still lives in db 0 only, with its TTL.
  assert.ok(writes(seen).includes('2:k=undefined'), JSON.stringify(seen));
  assert.ok(writes(seen).includes('0:k=v'), JSON.stringify(seen));
  const src = seen.find((s) => s.kind === 'write' && s.db === 0);
  assert.ok(src?.kind === 'write' && src.ttl !== undefined, 'the TTL is still there when told');
  assert.equal(r.keyspace.db(2).peek('k'), 'v');
});

test('RENAME tells the observer about both keys, each before it changes', () => {
  const { r, seen } = setUp();
  r.run('SET', 'from', 'a');
  r.run('SET', 'to', 'b');
  seen.length = 0;
  r.run('RENAME', 'from', 'to');
  const w = writes(seen);
  assert.ok(w.includes('0:to=b'), `old destination value announced: ${w.join(' ')}`);
  assert.ok(w.includes('0:from=a'), `source announced before it is deleted: ${w.join(' ')}`);
  assert.equal(r.keyspace.db(0).peek('to'), 'a');
});

test('FLUSHDB tells beforeFlush with the keys still there; an iteration begun before keeps the old contents', () => {
  const { r, seen } = setUp();
  for (let i = 0; i < 10; i++) r.run('SET', `k${i}`, `v${i}`);
  r.run('PEXPIRE', 'k3', '100000');
  const db = r.keyspace.db(0);
  const snapshot = db.entriesWithExpiry();
  const first = snapshot.next();
  seen.length = 0;
  r.run('FLUSHDB');
  assert.deepEqual(seen, [{ kind: 'flush', db: 0, size: 10 }]);
  assert.equal(db.size, 0);
  r.run('SET', 'k5', 'new');
  const row = ([k, v, ttl]: readonly [string, Value, number | undefined]): string =>
    `${k}=${text(v)}${ttl === undefined ? '' : '+ttl'}`;
  const rest = [...snapshot].map(row);
  assert.equal(first.done, false);
  // The walk's order is the key table's (hash partitions), not insertion: compare as sets.
  rest.push(row(first.value));
  assert.deepEqual(rest.sort(), [
    'k0=v0',
    'k1=v1',
    'k2=v2',
    'k3=v3+ttl',
    'k4=v4',
    'k5=v5',
    'k6=v6',
    'k7=v7',
    'k8=v8',
    'k9=v9',
  ]);
});

test('FLUSHALL tells beforeFlush for every database before emptying it', () => {
  const { r, seen } = setUp();
  r.run('SET', 'a', '1');
  r.dbIndex = 3;
  r.run('SET', 'b', '2');
  r.run('SET', 'c', '3');
  seen.length = 0;
  r.run('FLUSHALL');
  assert.deepEqual(
    seen.filter((s) => s.kind === 'flush'),
    [
      { kind: 'flush', db: 0, size: 1 },
      { kind: 'flush', db: 1, size: 0 },
      { kind: 'flush', db: 2, size: 0 },
      { kind: 'flush', db: 3, size: 2 },
    ],
  );
});

test('SWAPDB tells beforeSwap before the tables move; an iteration begun before keeps its database', () => {
  const { r, seen } = setUp();
  r.run('SET', 'a', '1');
  r.dbIndex = 1;
  r.run('SET', 'b', '2');
  r.run('SET', 'c', '3');
  const iteration = r.keyspace.db(0).entriesWithExpiry();
  seen.length = 0;
  r.run('SWAPDB', '0', '1');
  assert.deepEqual(seen, [{ kind: 'swap', a: 0, b: 1, sizes: [1, 2] }]);
  assert.deepEqual(
    [...iteration].map(([k]) => k),
    ['a'],
  );
  assert.equal(r.keyspace.db(0).peek('b'), '2');
});

test('lazy expiry tells beforeWrite while the expired value is still readable', () => {
  const { r, seen } = setUp();
  r.run('SET', 'k', 'old', 'PX', '10');
  seen.length = 0;
  r.now += 1000;
  assert.deepEqual(r.run('GET', 'k'), { kind: 'null' });
  assert.deepEqual(writes(seen), ['0:k=old']);
});

test('active expiry tells beforeWrite before deleting each expired key', () => {
  const keyspace = new Keyspace(1);
  const { observer, seen } = recorder(keyspace);
  keyspace.addObserver(observer);
  const db = keyspace.db(0);
  for (let i = 0; i < 5; i++) {
    db.add(`k${i}`, `v${i}`);
    db.setExpire(`k${i}`, 1000);
  }
  seen.length = 0;
  assert.equal(new ActiveExpirer(keyspace).cycle(2000, 1000), 5);
  assert.deepEqual(writes(seen).sort(), ['0:k0=v0', '0:k1=v1', '0:k2=v2', '0:k3=v3', '0:k4=v4']);
  assert.ok(seen.every((s) => s.kind === 'write' && s.ttl === 1000));
  assert.equal(db.size, 0);
});

test('eviction tells beforeWrite before removing the victim', () => {
  const keyspace = new Keyspace(1);
  const { observer, seen } = recorder(keyspace);
  keyspace.addObserver(observer);
  const db = keyspace.db(0);
  for (let i = 0; i < 200; i++) db.add(`key:${i}`, 'x'.repeat(1000));
  seen.length = 0;
  const evictor = new Evictor(keyspace);
  const now = Date.now();
  // Room for about half of the keys above the evictor's fixed baseline.
  const maxmemory = evictor.usedMemory(now) - 100 * 1000;
  const evicted =
    evictor.performEvictions(
      { maxmemory, policy: 'allkeys-random', samples: 5, lfuLogFactor: 10, lfuDecayTime: 1 },
      now,
    ) ?? [];
  assert.ok(evicted.length > 50 && evicted.length < 200, `evicted ${evicted.length}`);
  assert.deepEqual(
    writes(seen),
    evicted.map((e) => `${e.db}:${e.key}=${'x'.repeat(1000)}`),
  );
});

test('any number of observers are told in registration order; a removed one is told nothing more', () => {
  const order: string[] = [];
  const own: KeyspaceObserver = { keyModified: (_db, key) => order.push(`own:${key}`) };
  const keyspace = new Keyspace(1, own);
  const first: KeyspaceObserver = { beforeWrite: (_db, key) => order.push(`first:${key}`) };
  const second: KeyspaceObserver = {
    beforeWrite: (_db, key) => order.push(`second:${key}`),
    keyModified: (_db, key) => order.push(`second-mod:${key}`),
  };
  keyspace.addObserver(first);
  keyspace.addObserver(second);
  const db = keyspace.db(0);
  db.add('a', '1');
  db.signalModified('a');
  keyspace.removeObserver(first);
  db.delete('a');
  keyspace.removeObserver(second);
  db.add('b', '1');
  db.signalModified('b');
  assert.deepEqual(order, ['first:a', 'second:a', 'own:a', 'second-mod:a', 'second:a', 'own:b']);
});
