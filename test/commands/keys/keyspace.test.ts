import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';

const int = (value: number | bigint): unknown => ({ kind: 'int', value });
const OK = { kind: 'simple', value: 'OK' };

test('DEL/UNLINK count removed keys, EXISTS counts repeats, TYPE names types', () => {
  const r = makeRunner();
  r.run('MSET', 'a', '1', 'b', '2');
  r.keyspace.db(0).add('h', { type: 'hash', fields: new Map() });
  assert.deepEqual(r.run('EXISTS', 'a', 'a', 'zz'), int(2));
  assert.deepEqual(r.run('TYPE', 'a'), { kind: 'simple', value: 'string' });
  assert.deepEqual(r.run('TYPE', 'h'), { kind: 'simple', value: 'hash' });
  assert.deepEqual(r.run('TYPE', 'zz'), { kind: 'simple', value: 'none' });
  assert.deepEqual(r.run('DEL', 'a', 'a', 'zz'), int(1));
  assert.deepEqual(r.run('UNLINK', 'b', 'h'), int(2));
  assert.deepEqual(r.run('DBSIZE'), int(0));
  assert.deepEqual(r.run('TOUCH', 'a'), int(0));
});

test('RENAME moves value and TTL; RENAMENX refuses an existing target', () => {
  const r = makeRunner();
  r.run('SET', 'a', 'v', 'PX', '5000');
  assert.deepEqual(r.run('RENAME', 'a', 'b'), OK);
  assert.equal(r.keyspace.db(0).getExpire('b'), r.now + 5000);
  assert.deepEqual(r.run('GET', 'a'), { kind: 'null' });
  assert.deepEqual(r.run('RENAME', 'a', 'b'), { kind: 'error', message: 'ERR no such key' });
  assert.deepEqual(r.run('RENAME', 'b', 'b'), OK);
  r.run('SET', 'c', 'x');
  assert.deepEqual(r.run('RENAMENX', 'b', 'c'), int(0));
  assert.deepEqual(r.run('RENAMENX', 'b', 'd'), int(1));
  assert.deepEqual(r.run('RENAME', 'd', 'c'), OK);
  assert.deepEqual(r.run('GET', 'c'), { kind: 'bulk', value: 'v' });
});

test('MOVE and COPY between databases with their errors', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'v', 'EX', '100');
  assert.deepEqual(r.run('MOVE', 'k', '0'), {
    kind: 'error',
    message: 'ERR source and destination objects are the same',
  });
  assert.deepEqual(r.run('MOVE', 'k', '16'), { kind: 'error', message: 'ERR DB index is out of range' });
  assert.deepEqual(r.run('MOVE', 'k', 'x'), {
    kind: 'error',
    message: 'ERR value is not an integer or out of range',
  });
  assert.deepEqual(r.run('MOVE', 'k', '1'), int(1));
  assert.equal(r.keyspace.db(1).peek('k'), 'v');
  assert.notEqual(r.keyspace.db(1).getExpire('k'), undefined);
  r.dbIndex = 1;
  assert.deepEqual(r.run('COPY', 'k', 'k', 'DB', '0'), int(1));
  assert.deepEqual(r.run('COPY', 'k', 'k', 'DB', '0'), int(0));
  assert.deepEqual(r.run('COPY', 'k', 'k', 'DB', '0', 'REPLACE'), int(1));
  assert.deepEqual(r.run('COPY', 'k', 'k'), {
    kind: 'error',
    message: 'ERR source and destination objects are the same',
  });
  assert.deepEqual(r.run('COPY', 'k', 'j', 'BOGUS'), { kind: 'error', message: 'ERR syntax error' });
  const set = { type: 'set' as const, members: new Set(['a']) };
  r.keyspace.db(1).add('s', set);
  assert.deepEqual(r.run('COPY', 's', 's2'), int(1));
  set.members.add('b');
  const copied = r.keyspace.db(1).peek('s2');
  assert.ok(typeof copied === 'object' && copied.type === 'set' && copied.members.size === 1, 'COPY is deep');
});

test('KEYS matches globs and skips expired keys; RANDOMKEY; FLUSHDB/FLUSHALL; SWAPDB', () => {
  const r = makeRunner();
  r.run('MSET', 'user:1', 'a', 'user:2', 'b', 'other', 'c');
  r.run('SET', 'user:3', 'x', 'PX', '10');
  r.now += 20;
  const keys = r.run('KEYS', 'user:*');
  assert.ok(keys.kind === 'array');
  assert.deepEqual(keys.items.map((i) => (i.kind === 'bulk' ? i.value : '')).sort(), ['user:1', 'user:2']);
  const rk = r.run('RANDOMKEY');
  assert.ok(rk.kind === 'bulk' && ['user:1', 'user:2', 'other'].includes(rk.value));
  r.dbIndex = 3;
  r.run('SET', 'in3', 'v');
  assert.deepEqual(r.run('SWAPDB', '0', '3'), OK);
  assert.deepEqual(r.run('GET', 'other'), { kind: 'bulk', value: 'c' });
  assert.deepEqual(r.run('SWAPDB', 'x', '3'), { kind: 'error', message: 'ERR invalid first DB index' });
  assert.deepEqual(r.run('SWAPDB', '0', '99'), { kind: 'error', message: 'ERR DB index is out of range' });
  assert.deepEqual(r.run('FLUSHDB', 'BAD'), { kind: 'error', message: 'ERR syntax error' });
  assert.deepEqual(r.run('FLUSHDB', 'async'), OK);
  assert.deepEqual(r.run('DBSIZE'), int(0));
  r.dbIndex = 0;
  assert.deepEqual(r.run('DBSIZE'), int(1));
  r.propagated.length = 0;
  assert.deepEqual(r.run('FLUSHALL'), OK);
  assert.deepEqual(r.run('DBSIZE'), int(0));
  assert.deepEqual(r.run('FLUSHALL'), OK);
  assert.deepEqual(r.propagated, [['FLUSHALL'], ['FLUSHALL']], 'propagated even when empty');
  assert.deepEqual(r.run('RANDOMKEY'), { kind: 'null' });
});

test('OBJECT ENCODING/REFCOUNT follow Redis 7.0 thresholds', () => {
  const r = makeRunner();
  const enc = (key: string): unknown => r.run('OBJECT', 'ENCODING', key);
  r.run('MSET', 'i', '12345', 'e', 'hello', 'raw', 'x'.repeat(45), 'big', '123456789012345678901');
  assert.deepEqual(enc('i'), { kind: 'bulk', value: 'int' });
  assert.deepEqual(enc('e'), { kind: 'bulk', value: 'embstr' });
  assert.deepEqual(enc('raw'), { kind: 'bulk', value: 'raw' });
  assert.deepEqual(enc('big'), { kind: 'bulk', value: 'embstr' });
  assert.deepEqual(enc('nokey'), { kind: 'null' });
  const db = r.keyspace.db(0);
  db.add('ints', { type: 'set', members: new Set(['1', '2']) });
  db.add('strs', { type: 'set', members: new Set(['a']) });
  db.add('h', { type: 'hash', fields: new Map([['f', 'v']]) });
  db.add('hbig', { type: 'hash', fields: new Map([['f', 'v'.repeat(65)]]) });
  assert.deepEqual(enc('ints'), { kind: 'bulk', value: 'intset' });
  assert.deepEqual(enc('strs'), { kind: 'bulk', value: 'hashtable' });
  assert.deepEqual(enc('h'), { kind: 'bulk', value: 'listpack' });
  assert.deepEqual(enc('hbig'), { kind: 'bulk', value: 'hashtable' });
  r.run('SET', 'small', '7');
  assert.deepEqual(r.run('OBJECT', 'REFCOUNT', 'small'), int(2147483647));
  assert.deepEqual(r.run('OBJECT', 'REFCOUNT', 'e'), int(1));
  assert.deepEqual(r.run('OBJECT', 'FOO', 'e'), {
    kind: 'error',
    message: "ERR unknown subcommand 'FOO'. Try OBJECT HELP.",
  });
  const help = r.run('OBJECT', 'HELP');
  assert.ok(help.kind === 'array' && help.items.length === 15);
});

test('OBJECT FREQ and IDLETIME follow the maxmemory-policy like Redis', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'v');
  assert.deepEqual(r.run('OBJECT', 'FREQ', 'k'), {
    kind: 'error',
    message:
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  });
  assert.deepEqual(r.run('OBJECT', 'IDLETIME', 'k'), int(0));
  assert.deepEqual(r.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'), OK);
  assert.deepEqual(r.run('OBJECT', 'FREQ', 'k'), int(5), 'the initial LFU counter');
  assert.deepEqual(r.run('OBJECT', 'IDLETIME', 'k'), {
    kind: 'error',
    message:
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  });
  assert.deepEqual(r.run('OBJECT', 'FREQ', 'nokey'), { kind: 'null' });
});

test('strings changed in place report raw, as redis-server 7.0.15 does', () => {
  const r = makeRunner();
  const enc = (key: string): unknown => r.run('OBJECT', 'ENCODING', key);
  const bulk = (value: string): unknown => ({ kind: 'bulk', value });
  // Each expectation below was read from a real redis-server 7.0.15 running the same commands.
  r.run('SET', 'a', '12');
  r.run('APPEND', 'a', '3');
  assert.deepEqual(enc('a'), bulk('raw'));
  r.run('SET', 'a', '12');
  assert.deepEqual(enc('a'), bulk('int'));
  r.run('APPEND', 'n', '12');
  assert.deepEqual(enc('n'), bulk('int'));
  r.run('SETRANGE', 's', '0', '12');
  assert.deepEqual(enc('s'), bulk('raw'));
  r.run('SETBIT', 'b', '1', '1');
  r.run('RENAME', 'b', 'b2');
  r.run('COPY', 'b2', 'b3');
  assert.deepEqual(enc('b3'), bulk('raw'));
  r.run('BITOP', 'OR', 'd', 'a');
  assert.deepEqual(enc('d'), bulk('raw'));
  r.run('SET', 'i', '5');
  r.run('SETRANGE', 'i', '0', '');
  assert.deepEqual(enc('i'), bulk('int'));
  r.run('SETBIT', 'i', '0', '0');
  assert.deepEqual(enc('i'), bulk('raw'));
  r.run('INCR', 's');
  assert.deepEqual(enc('s'), bulk('int'));
  r.run('DEL', 'b3');
  r.run('SET', 'b3', 'x');
  assert.deepEqual(enc('b3'), bulk('embstr'));
});
