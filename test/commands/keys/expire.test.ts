import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';

const int = (value: number | bigint): unknown => ({ kind: 'int', value });

test('EXPIRE family sets absolute times and propagates PEXPIREAT', () => {
  const r = makeRunner();
  r.now = 5_000_000;
  r.run('SET', 'k', 'v');
  r.propagated.length = 0;
  assert.deepEqual(r.run('EXPIRE', 'k', '10'), int(1));
  assert.deepEqual(r.run('TTL', 'k'), int(10));
  assert.deepEqual(r.run('PEXPIRE', 'k', '1500'), int(1));
  assert.deepEqual(r.run('TTL', 'k'), int(2), 'rounded to the nearest second');
  assert.deepEqual(r.run('EXPIREAT', 'k', '6000'), int(1));
  assert.deepEqual(r.run('EXPIRETIME', 'k'), int(6000));
  assert.deepEqual(r.run('PEXPIREAT', 'k', '7000000'), int(1));
  assert.deepEqual(r.run('PEXPIRETIME', 'k'), int(7_000_000));
  assert.deepEqual(r.propagated, [
    ['PEXPIREAT', 'k', '5010000'],
    ['PEXPIREAT', 'k', '5001500'],
    ['PEXPIREAT', 'k', '6000000'],
    ['PEXPIREAT', 'k', '7000000'],
  ]);
  assert.deepEqual(r.run('EXPIRE', 'missing', '10'), int(0));
});

test('EXPIRE with a past time deletes the key and propagates DEL', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'v');
  r.propagated.length = 0;
  assert.deepEqual(r.run('EXPIRE', 'k', '-1'), int(1));
  assert.deepEqual(r.run('EXISTS', 'k'), int(0));
  assert.deepEqual(r.propagated, [['DEL', 'k']]);
});

test('NX/XX/GT/LT decide like Redis (no TTL counts as infinite)', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'v');
  assert.deepEqual(r.run('EXPIRE', 'k', '100', 'XX'), int(0));
  assert.deepEqual(r.run('EXPIRE', 'k', '100', 'GT'), int(0));
  assert.deepEqual(r.run('EXPIRE', 'k', '100', 'LT'), int(1));
  assert.deepEqual(r.run('EXPIRE', 'k', '50', 'NX'), int(0));
  assert.deepEqual(r.run('EXPIRE', 'k', '200', 'GT'), int(1));
  assert.deepEqual(r.run('EXPIRE', 'k', '300', 'LT'), int(0));
  assert.deepEqual(r.run('EXPIRE', 'k', '10', 'nx', 'xx'), {
    kind: 'error',
    message: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  });
  assert.deepEqual(r.run('EXPIRE', 'k', '10', 'GT', 'LT'), {
    kind: 'error',
    message: 'ERR GT and LT options at the same time are not compatible',
  });
  assert.deepEqual(r.run('EXPIRE', 'k', '10', 'foo'), {
    kind: 'error',
    message: 'ERR Unsupported option foo',
  });
  assert.deepEqual(r.run('EXPIRE', 'k', '9223372036854775807'), {
    kind: 'error',
    message: "ERR invalid expire time in 'expire' command",
  });
});

test('TTL/PTTL -2 and -1, PERSIST, lazy expiry on access', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('TTL', 'nokey'), int(-2));
  r.run('SET', 'k', 'v');
  assert.deepEqual(r.run('PTTL', 'k'), int(-1));
  assert.deepEqual(r.run('PERSIST', 'k'), int(0));
  r.run('PEXPIRE', 'k', '100');
  assert.deepEqual(r.run('PERSIST', 'k'), int(1));
  assert.deepEqual(r.run('TTL', 'k'), int(-1));
  r.run('PEXPIRE', 'k', '100');
  r.now += 100;
  assert.deepEqual(r.run('GET', 'k'), { kind: 'null' });
  assert.equal(r.keyspace.db(0).contains('k'), false, 'deleted lazily');
});
