import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';
import {
  addLongDouble,
  formatLongDouble,
  parseLongDouble,
} from '../../../src/commands/strings/long-double.js';

function incrbyfloat(start: string, by: string): string | undefined {
  const a = parseLongDouble(start);
  const b = parseLongDouble(by);
  if (a === undefined || b === undefined) return undefined;
  const sum = addLongDouble(a, b);
  return sum.kind === 'finite' ? formatLongDouble(sum) : undefined;
}

test('INCRBYFLOAT arithmetic matches redis-server 7.0 (x87 long double, %.17Lf)', () => {
  // Each expected value was read from a real redis-server 7.0.15.
  assert.equal(incrbyfloat('10.5', '0.1'), '10.6');
  assert.equal(incrbyfloat('0.1', '0.2'), '0.3');
  assert.equal(incrbyfloat('0', '3.0e3'), '3000');
  assert.equal(incrbyfloat('3000', '5.0e-1'), '3000.5');
  assert.equal(incrbyfloat('0', '0x10'), '16');
  assert.equal(
    incrbyfloat('1e308', '1e308'),
    '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
  );
  assert.equal(incrbyfloat('inf', '1'), undefined);
  assert.equal(incrbyfloat('1e5000', '1'), undefined);
  assert.equal(incrbyfloat('1', '-1'), '0');
  assert.equal(incrbyfloat('-0.0000000000000000001', '0'), '0');
});

test('long double parsing rejects what string2ld rejects', () => {
  for (const bad of ['', ' 1', '1 ', 'nan', '1e', '1.2.3', 'abc', '1\x00', '1e-5000', '+', '.']) {
    assert.equal(parseLongDouble(bad), undefined, JSON.stringify(bad));
  }
  for (const good of ['1', '+1.5', '-.5', '5.', '1E3', '0x1p3', 'inf', '-Infinity', '0e999999999']) {
    assert.notEqual(parseLongDouble(good), undefined, good);
  }
});

test('INCRBYFLOAT command stores, replies and propagates SET … KEEPTTL', () => {
  const r = makeRunner();
  r.run('SET', 'f', '10.5', 'PX', '100000');
  assert.deepEqual(r.run('INCRBYFLOAT', 'f', '0.1'), { kind: 'bulk', value: '10.6' });
  assert.deepEqual(r.propagated.at(-1), ['SET', 'f', '10.6', 'KEEPTTL']);
  assert.notEqual(r.keyspace.db(0).getExpire('f'), undefined);
  assert.deepEqual(r.run('INCRBYFLOAT', 'f', 'x'), {
    kind: 'error',
    message: 'ERR value is not a valid float',
  });
  assert.deepEqual(r.run('INCRBYFLOAT', 'f', 'inf'), {
    kind: 'error',
    message: 'ERR increment would produce NaN or Infinity',
  });
});

test('INCR family: 64-bit bounds, overflow errors, TTL kept', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('INCR', 'n'), { kind: 'int', value: 1 });
  assert.deepEqual(r.run('INCRBY', 'n', '9223372036854775806'), { kind: 'int', value: 9223372036854775807n });
  assert.deepEqual(r.run('INCR', 'n'), {
    kind: 'error',
    message: 'ERR increment or decrement would overflow',
  });
  assert.deepEqual(r.run('GET', 'n'), { kind: 'bulk', value: '9223372036854775807' });
  assert.deepEqual(r.run('DECRBY', 'n', '-9223372036854775808'), {
    kind: 'error',
    message: 'ERR decrement would overflow',
  });
  r.run('SET', 'm', '-9223372036854775807');
  assert.deepEqual(r.run('DECR', 'm'), { kind: 'int', value: -9223372036854775808n });
  assert.deepEqual(r.run('DECR', 'm'), {
    kind: 'error',
    message: 'ERR increment or decrement would overflow',
  });
  for (const bad of [' 1', '01', '1.0', '', '+1', '9223372036854775808']) {
    r.run('SET', 'b', bad);
    assert.deepEqual(
      r.run('INCR', 'b'),
      { kind: 'error', message: 'ERR value is not an integer or out of range' },
      bad,
    );
  }
  r.run('SET', 't', '5', 'EX', '100');
  r.run('INCR', 't');
  assert.notEqual(r.keyspace.db(0).getExpire('t'), undefined);
});
