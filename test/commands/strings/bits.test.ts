import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';

const int = (value: number | bigint): unknown => ({ kind: 'int', value });

test('SETBIT/GETBIT address bits MSB first and grow the string', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SETBIT', 'b', '7', '1'), int(0));
  assert.deepEqual(r.run('GET', 'b'), { kind: 'bulk', value: '\x01' });
  assert.deepEqual(r.run('SETBIT', 'b', '7', '0'), int(1));
  assert.deepEqual(r.run('SETBIT', 'b', '17', '1'), int(0));
  assert.deepEqual(r.run('STRLEN', 'b'), int(3));
  assert.deepEqual(r.run('GETBIT', 'b', '17'), int(1));
  assert.deepEqual(r.run('GETBIT', 'b', '1000'), int(0));
  assert.deepEqual(r.run('SETBIT', 'b', '1', '2'), {
    kind: 'error',
    message: 'ERR bit is not an integer or out of range',
  });
  assert.deepEqual(r.run('SETBIT', 'b', '4294967296', '1'), {
    kind: 'error',
    message: 'ERR bit offset is not an integer or out of range',
  });
});

test('BITCOUNT and BITPOS with BYTE and BIT ranges', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'foobar');
  assert.deepEqual(r.run('BITCOUNT', 'k'), int(26));
  assert.deepEqual(r.run('BITCOUNT', 'k', '0', '0'), int(4));
  assert.deepEqual(r.run('BITCOUNT', 'k', '1', '1'), int(6));
  assert.deepEqual(r.run('BITCOUNT', 'k', '1', '1', 'BYTE'), int(6));
  assert.deepEqual(r.run('BITCOUNT', 'k', '5', '30', 'BIT'), int(17));
  assert.deepEqual(r.run('BITCOUNT', 'k', '0'), { kind: 'error', message: 'ERR syntax error' });
  r.run('SET', 'p', '\xff\xf0\x00');
  assert.deepEqual(r.run('BITPOS', 'p', '0'), int(12));
  r.run('SET', 'q', '\x00\xff\xf0');
  assert.deepEqual(r.run('BITPOS', 'q', '1', '0'), int(8));
  assert.deepEqual(r.run('BITPOS', 'q', '1', '2'), int(16));
  assert.deepEqual(r.run('BITPOS', 'q', '1', '2', '-1', 'BYTE'), int(16));
  assert.deepEqual(r.run('BITPOS', 'q', '1', '7', '15', 'BIT'), int(8));
  r.run('SET', 'ones', '\xff\xff');
  assert.deepEqual(r.run('BITPOS', 'ones', '0'), int(16));
  assert.deepEqual(r.run('BITPOS', 'ones', '0', '0', '-1'), int(-1));
  assert.deepEqual(r.run('BITPOS', 'none', '0'), int(0));
  assert.deepEqual(r.run('BITPOS', 'none', '1'), int(-1));
  assert.deepEqual(r.run('BITPOS', 'q', '2'), {
    kind: 'error',
    message: 'ERR The bit argument must be 1 or 0.',
  });
});

test('BITOP combines with zero padding and deletes the target for empty inputs', () => {
  const r = makeRunner();
  r.run('SET', 'a', '\x0f\xf0');
  r.run('SET', 'b', '\xff');
  assert.deepEqual(r.run('BITOP', 'AND', 'd', 'a', 'b'), int(2));
  assert.deepEqual(r.run('GET', 'd'), { kind: 'bulk', value: '\x0f\x00' });
  r.run('BITOP', 'XOR', 'd', 'a', 'b');
  assert.deepEqual(r.run('GET', 'd'), { kind: 'bulk', value: '\xf0\xf0' });
  r.run('BITOP', 'NOT', 'd', 'b');
  assert.deepEqual(r.run('GET', 'd'), { kind: 'bulk', value: '\x00' });
  assert.deepEqual(r.run('BITOP', 'OR', 'd', 'x', 'y'), int(0));
  assert.deepEqual(r.run('EXISTS', 'd'), int(0));
  assert.deepEqual(r.run('BITOP', 'NOT', 'd', 'a', 'b'), {
    kind: 'error',
    message: 'ERR BITOP NOT must be called with a single source key.',
  });
});

test('BITFIELD: signed/unsigned, # offsets, WRAP/SAT/FAIL overflow', () => {
  const r = makeRunner();
  const arr = (...items: unknown[]): unknown => ({ kind: 'array', items });
  assert.deepEqual(r.run('BITFIELD', 'bf', 'SET', 'i8', '0', '100', 'GET', 'i8', '0'), arr(int(0), int(100)));
  assert.deepEqual(r.run('BITFIELD', 'bf', 'INCRBY', 'i8', '0', '100'), arr(int(-56)));
  assert.deepEqual(r.run('BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '-200'), arr(int(-128)));
  assert.deepEqual(
    r.run('BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '-1'),
    arr({ kind: 'null' }),
  );
  assert.deepEqual(r.run('BITFIELD', 'bf', 'SET', 'u4', '#1', '15', 'GET', 'u8', '0'), arr(int(0), int(143)));
  assert.deepEqual(r.run('BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1'), arr(int(143)));
  assert.deepEqual(r.run('BITFIELD', 'bf', 'GET', 'u8', '0'), arr(int(255)));
  assert.deepEqual(
    r.run('BITFIELD', 'bf', 'SET', 'i64', '0', '-1', 'GET', 'u63', '1'),
    arr(int(-72057594037927936n), int(9223372036854775807n)),
  );
  assert.deepEqual(r.run('BITFIELD', 'bf', 'GET', 'u64', '0'), {
    kind: 'error',
    message:
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  });
  assert.deepEqual(r.run('BITFIELD', 'bf', 'OVERFLOW', 'X'), {
    kind: 'error',
    message: 'ERR Invalid OVERFLOW type specified',
  });
  assert.deepEqual(r.run('BITFIELD_RO', 'bf', 'SET', 'u8', '0', '1'), {
    kind: 'error',
    message: 'ERR BITFIELD_RO only supports the GET subcommand',
  });
  assert.deepEqual(r.run('BITFIELD_RO', 'none', 'GET', 'u8', '0'), arr(int(0)));
});

test('a bitmap past the V8 string limit is refused cleanly instead of crashing', () => {
  const r = makeRunner();
  // Redis would allocate the full 512 MB here; V8 strings stop 24 bytes short of it.
  assert.deepEqual(r.run('SETBIT', 'huge', '4294967295', '1'), {
    kind: 'error',
    message: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  });
  assert.deepEqual(r.run('EXISTS', 'huge'), int(0));
});

test('BITFIELD writes refused by OVERFLOW FAIL are not propagated, as redis-server 7.0.15 does', () => {
  const r = makeRunner();
  const arr = (...items: unknown[]): unknown => ({ kind: 'array', items });
  assert.deepEqual(
    r.run('BITFIELD', 'nk', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '5'),
    arr({ kind: 'null' }),
  );
  assert.deepEqual(r.run('EXISTS', 'nk'), int(1), 'the key is created all the same');
  assert.deepEqual(r.propagated, []);
  r.run('BITFIELD', 'nk', 'SET', 'u2', '0', '1', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '5');
  assert.deepEqual(r.propagated, [
    ['BITFIELD', 'nk', 'SET', 'u2', '0', '1', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '5'],
  ]);
});
