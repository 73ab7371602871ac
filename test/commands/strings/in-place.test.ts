/**
 * SETRANGE / SETBIT / BITFIELD change a string in place (a ByteString with amortised growth) while
 * keeping the keyspace's copy-on-write contract: the change comes after Database.lookupWrite, so a
 * snapshot that copies values in beforeWrite keeps the old bytes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteString, cloneValue, stringText } from '../../../src/store/index.js';
import { makeRunner } from '../../helpers/exec.js';

const bulk = (value: string): unknown => ({ kind: 'bulk', value });
const int = (value: number): unknown => ({ kind: 'int', value });

test('ByteString grows by doubling, zero-pads, caches its text and clones independently', () => {
  const s = ByteString.from('ab');
  assert.equal(s.text(), 'ab');
  s.writeAt(4, 'xy');
  assert.equal(s.text(), 'ab\0\0xy');
  assert.equal(s.length, 6);
  assert.equal(s.capacity, 12); // room for the next writes, like sdsMakeRoomFor
  const view = s.writable(3);
  view[0] = 0x41;
  s.changed();
  assert.equal(s.text(), 'Ab\0\0xy');
  assert.equal(s.byteAt(5), 0x79);
  assert.equal(s.byteAt(100), 0);
  const copy = s.clone();
  s.writeAt(0, 'Z');
  assert.equal(copy.text(), 'Ab\0\0xy');
  assert.equal(s.text(), 'Zb\0\0xy');
  const big = ByteString.from('');
  big.writable(2 * 1024 * 1024);
  assert.equal(big.capacity, 3 * 1024 * 1024); // above 1 MB: +1 MB, not doubling
});

test('a snapshot copying in beforeWrite keeps the old bytes through SETRANGE, SETBIT and BITFIELD', () => {
  const snapshot = new Map<string, string>();
  const keyspace: { live?: ReturnType<typeof makeRunner> } = {};
  const r = makeRunner(1, {
    beforeWrite: (db, key) => {
      const value = keyspace.live?.keyspace.db(db).peek(key);
      // Copy-on-write: the first write to a key after the snapshot began copies the value.
      if (value !== undefined && !snapshot.has(key)) {
        const copy = cloneValue(value);
        snapshot.set(key, stringText(copy as string | ByteString));
      }
    },
  });
  keyspace.live = r;
  r.run('SET', 'k', 'hello');
  snapshot.clear();
  assert.deepEqual(r.run('SETRANGE', 'k', '1', 'EY'), int(5));
  assert.deepEqual(r.run('SETBIT', 'k', '7', '1'), int(0));
  assert.deepEqual(r.run('BITFIELD', 'k', 'SET', 'u8', '32', '33'), { kind: 'array', items: [int(111)] });
  assert.deepEqual(r.run('GET', 'k'), bulk('iEYl!'));
  assert.equal(snapshot.get('k'), 'hello');
});

test('strings changed in place read like any string: GET, MGET, STRLEN, GETRANGE, TYPE, COPY, APPEND, INCR', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SETRANGE', 'k', '2', '12'), int(4));
  assert.deepEqual(r.run('GET', 'k'), bulk('\0\x0012'));
  r.run('SET', 'n', '10');
  assert.deepEqual(r.run('SETRANGE', 'n', '1', '5'), int(2));
  assert.deepEqual(r.run('INCR', 'n'), int(16));
  assert.deepEqual(r.run('SETBIT', 'b', '0', '1'), int(0));
  assert.deepEqual(r.run('MGET', 'b', 'k', 'missing'), {
    kind: 'array',
    items: [bulk('\x80'), bulk('\0\x0012'), { kind: 'null' }],
  });
  assert.deepEqual(r.run('STRLEN', 'k'), int(4));
  assert.deepEqual(r.run('GETRANGE', 'k', '2', '-1'), bulk('12'));
  assert.deepEqual(r.run('TYPE', 'k'), { kind: 'simple', value: 'string' });
  assert.deepEqual(r.run('OBJECT', 'ENCODING', 'k'), bulk('raw'));
  assert.deepEqual(r.run('COPY', 'k', 'k2'), int(1));
  r.run('SETRANGE', 'k', '0', 'AB');
  assert.deepEqual(r.run('GET', 'k2'), bulk('\0\x0012'));
  assert.deepEqual(r.run('APPEND', 'k', '!'), int(5));
  assert.deepEqual(r.run('GET', 'k'), bulk('AB12!'));
  assert.deepEqual(r.run('LPUSH', 'k', 'x'), {
    kind: 'error',
    message: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  });
  assert.deepEqual(r.run('GETBIT', 'b', '0'), int(1));
  assert.deepEqual(r.run('BITCOUNT', 'k'), int(12));
});

test('a long run of SETRANGE appends and SETBITs is linear, not quadratic', () => {
  const r = makeRunner();
  const patch = 'x'.repeat(100);
  const started = performance.now();
  // 20,000 appends of 100 bytes: rebuilding the 2 MB string each time would copy ~20 GB.
  for (let i = 0; i < 20_000; i++) r.run('SETRANGE', 'grow', String(i * 100), patch);
  for (let i = 0; i < 20_000; i++) r.run('SETBIT', 'bits', String(i * 997), '1');
  const elapsed = performance.now() - started;
  assert.deepEqual(r.run('STRLEN', 'grow'), int(2_000_000));
  assert.deepEqual(r.run('BITCOUNT', 'bits'), int(20_000));
  assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
});

test('APPEND to a string changed in place appends in place, with room to grow, copy-on-write safe', () => {
  const snapshot = new Map<string, string>();
  const holder: { live?: ReturnType<typeof makeRunner> } = {};
  const r = makeRunner(1, {
    beforeWrite: (db, key) => {
      const value = holder.live?.keyspace.db(db).peek(key);
      if (value !== undefined && !snapshot.has(key)) {
        snapshot.set(key, stringText(cloneValue(value) as string | ByteString));
      }
    },
  });
  holder.live = r;
  r.run('SETRANGE', 'k', '0', 'abc');
  const inPlace = r.keyspace.db(0).peek('k');
  assert.ok(inPlace instanceof ByteString);
  snapshot.clear();
  assert.deepEqual(r.run('APPEND', 'k', 'def'), int(6));
  assert.equal(r.keyspace.db(0).peek('k'), inPlace); // the same value, changed in place
  assert.equal(inPlace.capacity, 6); // fitted in the room SETRANGE left (twice its 3 bytes)
  assert.deepEqual(r.run('APPEND', 'k', 'gh'), int(8));
  assert.equal(inPlace.capacity, 16); // sdsMakeRoomFor: twice the length needed
  assert.equal(snapshot.get('k'), 'abc'); // the snapshot copied before the first append
  assert.deepEqual(r.run('GETRANGE', 'k', '2', '4'), bulk('cde'));
  assert.deepEqual(r.run('GET', 'k'), bulk('abcdefgh'));
  assert.deepEqual(r.run('GETRANGE', 'k', '-2', '-1'), bulk('gh'));
  assert.deepEqual(r.run('OBJECT', 'ENCODING', 'k'), bulk('raw'));
  const chunk = 'y'.repeat(100);
  for (let i = 0; i < 20_000; i++) r.run('APPEND', 'k', chunk);
  assert.deepEqual(r.run('STRLEN', 'k'), int(2_000_008));
  assert.equal(r.keyspace.db(0).peek('k'), inPlace);
  assert.ok(inPlace.capacity - inPlace.length <= 1024 * 1024); // above 1 MB: at most 1 MB spare
});
