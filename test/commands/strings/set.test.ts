import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';

test('SET with EX stores a TTL and propagates as SET … PXAT with the absolute time', () => {
  const r = makeRunner();
  r.now = 1_000_000;
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX', '10'), { kind: 'simple', value: 'OK' });
  assert.equal(r.keyspace.db(0).getExpire('k'), 1_010_000);
  assert.deepEqual(r.propagated, [['SET', 'k', 'v', 'PXAT', '1010000']]);
  assert.deepEqual(r.run('PTTL', 'k'), { kind: 'int', value: 10_000 });
});

test('SET NX/XX/GET combinations reply like Redis 7.0', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SET', 'k', 'a', 'XX'), { kind: 'null' });
  assert.deepEqual(r.run('SET', 'k', 'a', 'NX'), { kind: 'simple', value: 'OK' });
  assert.deepEqual(r.run('SET', 'k', 'b', 'NX', 'GET'), { kind: 'bulk', value: 'a' });
  assert.deepEqual(r.run('GET', 'k'), { kind: 'bulk', value: 'a' });
  assert.deepEqual(r.run('SET', 'k', 'c', 'GET'), { kind: 'bulk', value: 'a' });
  assert.deepEqual(r.propagated.at(-1), ['SET', 'k', 'c']);
});

test('SET option conflicts are syntax errors, bad times name the command', () => {
  const r = makeRunner();
  const syntax = { kind: 'error', message: 'ERR syntax error' };
  assert.deepEqual(r.run('SET', 'k', 'v', 'NX', 'XX'), syntax);
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX', '1', 'PX', '5'), syntax);
  assert.deepEqual(r.run('SET', 'k', 'v', 'KEEPTTL', 'EX', '5'), syntax);
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX'), syntax);
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX', '1', 'EX', '2'), { kind: 'simple', value: 'OK' });
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX', '0'), {
    kind: 'error',
    message: "ERR invalid expire time in 'set' command",
  });
  assert.deepEqual(r.run('SETEX', 'k', '-1', 'v'), {
    kind: 'error',
    message: "ERR invalid expire time in 'setex' command",
  });
  assert.deepEqual(r.run('SET', 'k', 'v', 'PX', 'abc'), {
    kind: 'error',
    message: 'ERR value is not an integer or out of range',
  });
  assert.deepEqual(r.run('SET', 'k', 'v', 'EX', '9223372036854775807'), {
    kind: 'error',
    message: "ERR invalid expire time in 'set' command",
  });
});

test('SET KEEPTTL keeps the TTL, plain SET drops it', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'v', 'PX', '5000');
  r.run('SET', 'k', 'w', 'KEEPTTL');
  assert.equal(r.keyspace.db(0).getExpire('k'), r.now + 5000);
  r.run('SET', 'k', 'x');
  assert.equal(r.keyspace.db(0).getExpire('k'), undefined);
});

test('SET GET on a non-string is WRONGTYPE and sets nothing', () => {
  const r = makeRunner();
  r.keyspace.db(0).add('h', { type: 'hash', fields: new Map([['f', 'v']]) });
  assert.deepEqual(r.run('SET', 'h', 'v', 'GET'), {
    kind: 'error',
    message: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  });
  assert.equal(typeof r.keyspace.db(0).peek('h'), 'object');
  assert.deepEqual(r.run('SET', 'h', 'v'), { kind: 'simple', value: 'OK' });
  assert.deepEqual(r.run('GET', 'h'), { kind: 'bulk', value: 'v' });
});

test('GETEX sets, rewrites and removes TTLs with the propagation Redis uses', () => {
  const r = makeRunner();
  r.now = 2_000_000;
  r.run('SET', 'k', 'v');
  r.propagated.length = 0;
  assert.deepEqual(r.run('GETEX', 'k', 'EX', '5'), { kind: 'bulk', value: 'v' });
  assert.deepEqual(r.propagated.at(-1), ['PEXPIREAT', 'k', '2005000']);
  assert.deepEqual(r.run('GETEX', 'k', 'PERSIST'), { kind: 'bulk', value: 'v' });
  assert.deepEqual(r.propagated.at(-1), ['PERSIST', 'k']);
  assert.equal(r.keyspace.db(0).getExpire('k'), undefined);
  assert.deepEqual(r.run('GETEX', 'k', 'PXAT', '99999999999999'), { kind: 'bulk', value: 'v' });
  assert.deepEqual(r.propagated.at(-1), ['PEXPIREAT', 'k', '99999999999999']);
  assert.deepEqual(r.run('GETEX', 'k', 'PXAT', '1000'), { kind: 'bulk', value: 'v' });
  assert.deepEqual(r.propagated.at(-1), ['DEL', 'k']);
  assert.deepEqual(r.run('GET', 'k'), { kind: 'null' });
  assert.deepEqual(r.run('GETEX', 'k', 'NX'), { kind: 'error', message: 'ERR syntax error' });
});

test('GETDEL, GETSET, SETNX, MSETNX', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('GETSET', 'k', '1'), { kind: 'null' });
  assert.deepEqual(r.propagated.at(-1), ['SET', 'k', '1']);
  assert.deepEqual(r.run('GETDEL', 'k'), { kind: 'bulk', value: '1' });
  assert.deepEqual(r.propagated.at(-1), ['DEL', 'k']);
  assert.deepEqual(r.run('SETNX', 'k', 'a'), { kind: 'int', value: 1 });
  assert.deepEqual(r.run('SETNX', 'k', 'b'), { kind: 'int', value: 0 });
  assert.deepEqual(r.run('MSETNX', 'x', '1', 'k', '2'), { kind: 'int', value: 0 });
  assert.deepEqual(r.run('GET', 'x'), { kind: 'null' });
  assert.deepEqual(r.run('MSET', 'x', '1', 'y'), {
    kind: 'error',
    message: "ERR wrong number of arguments for 'mset' command",
  });
  assert.deepEqual(r.run('MGET', 'k', 'nope'), {
    kind: 'array',
    items: [{ kind: 'bulk', value: 'a' }, { kind: 'null' }],
  });
});
