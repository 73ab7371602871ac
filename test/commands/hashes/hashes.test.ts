import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addLongDouble,
  formatLongDouble,
  parseLongDouble,
} from '../../../src/commands/strings/long-double.js';
import type { LongDouble } from '../../../src/commands/strings/long-double.js';
import { ERR_WRONGTYPE } from '../../../src/resp/errors.js';
import { array, bulk, bulkArray, error, integer, map, NULL, OK } from '../../../src/resp/reply.js';
import type { Reply } from '../../../src/resp/reply.js';
import { makeRunner } from '../../helpers/exec.js';

/** [cursor, [elements]] of a SCAN-family reply. */
function scanPage(reply: unknown): { cursor: string; items: string[] } {
  const [next, list] = (reply as { items: readonly unknown[] }).items;
  return {
    cursor: (next as { value: string }).value,
    items: (list as { items: readonly { value: string }[] }).items.map((i) => i.value),
  };
}

test('HSET counts new fields, keeps insertion order, and HMSET/HSETNX behave like Redis', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('HSET', 'h', 'a', '1', 'b', '2'), integer(2));
  assert.deepEqual(r.run('HSET', 'h', 'a', '9', 'c', '3'), integer(1));
  assert.deepEqual(r.run('HSET', 'h', 'a'), error("ERR wrong number of arguments for 'hset' command"));
  assert.deepEqual(r.run('HMSET', 'h', 'd', '4'), OK);
  assert.deepEqual(r.run('HSETNX', 'h', 'a', 'x'), integer(0));
  assert.deepEqual(r.run('HSETNX', 'h', 'e', '5'), integer(1));
  assert.deepEqual(r.run('HKEYS', 'h'), bulkArray(['a', 'b', 'c', 'd', 'e']));
  assert.deepEqual(r.run('HVALS', 'h'), bulkArray(['9', '2', '3', '4', '5']));
  assert.deepEqual(r.run('HGETALL', 'missing'), map([]));
  assert.deepEqual(r.run('HMGET', 'h', 'a', 'zz'), array([bulk('9'), NULL]));
  assert.deepEqual(r.run('HSTRLEN', 'h', 'a'), integer(1));
  assert.deepEqual(r.run('HEXISTS', 'h', 'zz'), integer(0));
  assert.deepEqual(r.run('HLEN', 'h'), integer(5));
});

test('HDEL deletes the key with its last field; WRONGTYPE on other types', () => {
  const r = makeRunner();
  r.run('HSET', 'h', 'a', '1');
  assert.deepEqual(r.run('HDEL', 'h', 'a', 'b'), integer(1));
  assert.equal(r.keyspace.db(0).contains('h'), false);
  r.keyspace.db(0).setValue('s', 'v', false);
  assert.deepEqual(r.run('HGET', 's', 'a'), error(ERR_WRONGTYPE));
  assert.deepEqual(r.run('HSET', 's', 'a', '1'), error(ERR_WRONGTYPE));
});

test('HINCRBY checks the stored value and 64-bit overflow', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('HINCRBY', 'h', 'n', '5'), integer(5));
  assert.deepEqual(r.run('HINCRBY', 'h', 'n', '-7'), integer(-2));
  r.run('HSET', 'h', 'big', '9223372036854775806', 'text', 'abc');
  assert.deepEqual(r.run('HINCRBY', 'h', 'big', '1'), integer(9223372036854775807n));
  assert.deepEqual(r.run('HINCRBY', 'h', 'big', '1'), error('ERR increment or decrement would overflow'));
  assert.deepEqual(r.run('HINCRBY', 'h', 'text', '1'), error('ERR hash value is not an integer'));
  assert.deepEqual(r.run('HINCRBY', 'h', 'n', '1.5'), error('ERR value is not an integer or out of range'));
});

test('HINCRBYFLOAT computes in long double like Redis and propagates as HSET', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 'f', '0.1'), bulk('0.1'));
  assert.deepEqual(
    r.run('HINCRBYFLOAT', 'h', 'f', '0.2'),
    bulk('0.3'),
    'a double would give 0.30000000000000004',
  );
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 'g', '1e30'), bulk('1000000000000000000024696061952'));
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 'f', '-0.3'), bulk('0'));
  assert.deepEqual(r.propagated.at(-1), ['HSET', 'h', 'f', '0']);
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 'f', 'inf'), error('ERR value is NaN or Infinity'));
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 'f', 'abc'), error('ERR value is not a valid float'));
  r.run('HSET', 'h', 't', 'abc');
  assert.deepEqual(r.run('HINCRBYFLOAT', 'h', 't', '1'), error('ERR hash value is not a float'));
});

test('long double emulation: parse, add and print match x87 results', () => {
  const ld = (s: string): LongDouble => {
    const v = parseLongDouble(s);
    assert.ok(v, s);
    return v;
  };
  const sum = (a: string, b: string): string => {
    return formatLongDouble(addLongDouble(ld(a), ld(b)));
  };
  assert.equal(sum('3.0', '0.1'), '3.1');
  assert.equal(sum('10.5', '-0.5'), '10');
  assert.equal(sum('0x10', '1'), '17');
  assert.equal(sum('1e-20', '0'), '0');
  assert.equal(sum('-1e-20', '0'), '0', '"-0" prints as 0');
  assert.equal(sum('5.0e3', '1.5'), '5001.5');
  for (const bad of ['', ' 1', '1 ', 'nan', '1e99999', '1e-99999', 'abc', '.', 'e5']) {
    assert.equal(parseLongDouble(bad), undefined, bad);
  }
  assert.equal(ld('-inf').kind, 'inf');
});

test('HRANDFIELD shapes: count, negative count, WITHVALUES flat in RESP2 and pairs in RESP3', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('HRANDFIELD', 'h'), NULL);
  assert.deepEqual(r.run('HRANDFIELD', 'h', '3'), array([]));
  r.run('HSET', 'h', 'a', '1', 'b', '2');
  assert.deepEqual(r.run('HRANDFIELD', 'h', '5', 'WITHVALUES'), bulkArray(['a', '1', 'b', '2']));
  const repeats = r.run('HRANDFIELD', 'h', '-5') as { items: readonly Reply[] };
  assert.equal(repeats.items.length, 5);
  for (const item of repeats.items) assert.ok(['a', 'b'].includes((item as { value: string }).value));
  r.protocol = 3;
  assert.deepEqual(
    r.run('HRANDFIELD', 'h', '2', 'WITHVALUES'),
    array([array([bulk('a'), bulk('1')]), array([bulk('b'), bulk('2')])]),
  );
  assert.deepEqual(r.run('HRANDFIELD', 'h', '1', 'x'), error('ERR syntax error'));
  assert.deepEqual(
    r.run('HRANDFIELD', 'h', '-9223372036854775808'),
    error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
  );
  assert.deepEqual(
    r.run('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'),
    error('ERR value is out of range'),
  );
});

test('HSCAN returns a small hash whole and walks a large one exactly once under mutation', () => {
  const r = makeRunner();
  r.run('HSET', 'small', 'a', '1', 'b', '2', 'c', '3');
  assert.deepEqual(
    r.run('HSCAN', 'small', '0', 'MATCH', '[ab]'),
    array([bulk('0'), bulkArray(['a', '1', 'b', '2'])]),
  );
  assert.deepEqual(r.run('HSCAN', 'missing', '0', 'BOGUS'), array([bulk('0'), bulkArray([])]));
  assert.deepEqual(r.run('HSCAN', 'small', 'x'), error('ERR invalid cursor'));
  assert.deepEqual(r.run('HSCAN', 'small', '0', 'COUNT', '0'), error('ERR syntax error'));

  const fields: string[] = [];
  for (let i = 0; i < 1000; i++) fields.push(`f${i}`, `${i}`);
  r.run('HSET', 'big', ...fields);
  const seen = new Map<string, number>();
  let cursor = '0';
  let calls = 0;
  do {
    const page = scanPage(r.run('HSCAN', 'big', cursor, 'COUNT', '20'));
    for (let i = 0; i < page.items.length; i += 2) {
      const f = page.items[i] as string;
      seen.set(f, (seen.get(f) ?? 0) + 1);
    }
    // Mutate while scanning: remove some fields not yet seen, add new ones.
    r.run('HDEL', 'big', `f${999 - calls}`);
    r.run('HSET', 'big', `new${calls}`, 'x');
    cursor = page.cursor;
    calls++;
  } while (cursor !== '0' && calls < 10_000);
  assert.equal(cursor, '0', 'the scan terminates');
  for (let i = 0; i < 1000 - calls; i++) assert.equal(seen.get(`f${i}`), 1, `f${i} seen exactly once`);
  assert.ok(calls > 10, `a large hash takes several calls (${calls})`);
});

test('HRANDFIELD counts on a big hash give distinct fields with their own values, in RESP2 and RESP3', () => {
  const r = makeRunner();
  const pairs = Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat();
  r.run('HSET', 'h', ...pairs);
  for (const count of ['7', '199', '200', '599']) {
    const flat = (r.run('HRANDFIELD', 'h', count, 'WITHVALUES') as { items: readonly { value: string }[] })
      .items;
    assert.equal(flat.length, Number(count) * 2);
    const fields = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) {
      const field = flat[i]?.value as string;
      assert.equal(flat[i + 1]?.value, `v${field.slice(1)}`);
      fields.add(field);
    }
    assert.equal(fields.size, Number(count));
  }
  r.protocol = 3;
  const nested = r.run('HRANDFIELD', 'h', '-3', 'WITHVALUES') as {
    items: readonly { items: readonly { value: string }[] }[];
  };
  assert.equal(nested.items.length, 3);
  for (const pair of nested.items) assert.equal(pair.items[1]?.value, `v${pair.items[0]?.value.slice(1)}`);
  r.run('HDEL', 'h', ...Array.from({ length: 598 }, (_, i) => `f${i}`));
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) seen.add((r.run('HRANDFIELD', 'h') as { value: string }).value);
  assert.deepEqual([...seen].sort(), ['f598', 'f599']);
});
