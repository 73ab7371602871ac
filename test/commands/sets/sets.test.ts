import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERR_WRONGTYPE } from '../../../src/resp/errors.js';
import { array, bulk, bulkArray, error, integer, NULL, set } from '../../../src/resp/reply.js';
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

const members = (...m: string[]): Reply => set(m.map((x) => bulk(x)));
const sortedItems = (r: unknown): string[] =>
  (r as { items: readonly { value: string }[] }).items.map((i) => i.value).sort();

test('SADD/SREM count changes; an emptied set is deleted; integer sets reply sorted like an intset', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SADD', 's', '10', '2', '-3', '2'), integer(3));
  assert.deepEqual(r.run('SMEMBERS', 's'), members('-3', '2', '10'));
  assert.deepEqual(r.run('SISMEMBER', 's', '2'), integer(1));
  assert.deepEqual(r.run('SMISMEMBER', 's', '2', 'x'), array([integer(1), integer(0)]));
  assert.deepEqual(r.run('SCARD', 's'), integer(3));
  assert.deepEqual(r.run('SREM', 's', '2', '10', '-3', 'nope'), integer(3));
  assert.equal(r.keyspace.db(0).contains('s'), false);
  r.keyspace.db(0).setValue('str', 'v', false);
  assert.deepEqual(r.run('SADD', 'str', 'a'), error(ERR_WRONGTYPE));
});

test('SMOVE moves between sets and is a membership test when source and destination are the same', () => {
  const r = makeRunner();
  r.run('SADD', 'a', 'x', 'y');
  assert.deepEqual(r.run('SMOVE', 'a', 'b', 'x'), integer(1));
  assert.deepEqual(r.run('SMOVE', 'a', 'b', 'zz'), integer(0));
  assert.deepEqual(r.run('SMOVE', 'a', 'a', 'y'), integer(1));
  assert.deepEqual(r.run('SMOVE', 'missing', 'b', 'y'), integer(0));
  assert.deepEqual(r.run('SMOVE', 'a', 'b', 'y'), integer(1));
  assert.equal(r.keyspace.db(0).contains('a'), false);
  assert.deepEqual(sortedItems(r.run('SMEMBERS', 'b')), ['x', 'y']);
});

test('SINTER/SUNION/SDIFF and their STORE forms, with missing keys as empty sets', () => {
  const r = makeRunner();
  r.run('SADD', 'a', '1', '2', '3', 'x');
  r.run('SADD', 'b', '2', '3', '4');
  assert.deepEqual(sortedItems(r.run('SINTER', 'a', 'b')), ['2', '3']);
  assert.deepEqual(sortedItems(r.run('SUNION', 'a', 'b', 'missing')), ['1', '2', '3', '4', 'x']);
  assert.deepEqual(sortedItems(r.run('SDIFF', 'a', 'b')), ['1', 'x']);
  assert.deepEqual(r.run('SINTER', 'a', 'missing'), members());
  assert.deepEqual(r.run('SINTERSTORE', 'd', 'a', 'b'), integer(2));
  assert.deepEqual(r.run('SMEMBERS', 'd'), members('2', '3'));
  r.propagated.length = 0;
  assert.deepEqual(r.run('SDIFFSTORE', 'd', 'missing', 'a'), integer(0));
  assert.equal(r.keyspace.db(0).contains('d'), false, 'an empty result deletes the destination');
  assert.deepEqual(r.propagated, [['SDIFFSTORE', 'd', 'missing', 'a']]);
  assert.deepEqual(r.run('SDIFFSTORE', 'd', 'missing', 'a'), integer(0));
  assert.equal(r.propagated.length, 1, 'nothing changed, nothing propagated');
  r.keyspace.db(0).setValue('str', 'v', false);
  assert.deepEqual(r.run('SUNION', 'a', 'str'), error(ERR_WRONGTYPE));
  assert.deepEqual(
    r.run('SUNIONSTORE', 'str', 'a'),
    integer(4),
    'the destination is replaced whatever its type',
  );
});

test('SINTERCARD counts up to LIMIT and validates numkeys like Redis', () => {
  const r = makeRunner();
  r.run('SADD', 'a', '1', '2', '3');
  r.run('SADD', 'b', '1', '2', '3', '4');
  assert.deepEqual(r.run('SINTERCARD', '2', 'a', 'b'), integer(3));
  assert.deepEqual(r.run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'), integer(2));
  assert.deepEqual(r.run('SINTERCARD', '0', 'a'), error('ERR numkeys should be greater than 0'));
  assert.deepEqual(
    r.run('SINTERCARD', '3', 'a'),
    error("ERR Number of keys can't be greater than number of args"),
  );
  assert.deepEqual(r.run('SINTERCARD', '1', 'a', 'LIMIT', '-1'), error("ERR LIMIT can't be negative"));
  assert.deepEqual(r.run('SINTERCARD', '1', 'a', 'FOO'), error('ERR syntax error'));
});

test('SPOP propagates as SREM per member, or DEL when it takes the whole set', () => {
  const r = makeRunner();
  r.run('SADD', 's', 'a', 'b', 'c', 'd');
  r.propagated.length = 0;
  const one = r.run('SPOP', 's') as { value: string };
  assert.deepEqual(r.propagated, [['SREM', 's', one.value]]);
  r.propagated.length = 0;
  const two = sortedItems(r.run('SPOP', 's', '2'));
  assert.equal(two.length, 2);
  assert.deepEqual(r.propagated.map((a) => a[2]).sort(), two);
  r.propagated.length = 0;
  assert.equal(sortedItems(r.run('SPOP', 's', '10')).length, 1);
  assert.deepEqual(r.propagated, [['DEL', 's']]);
  assert.deepEqual(r.run('SPOP', 's'), NULL);
  assert.deepEqual(r.run('SPOP', 's', '2'), members());
  assert.deepEqual(r.run('SPOP', 's', '-1'), error('ERR value is out of range, must be positive'));
});

test('SRANDMEMBER: distinct for positive counts, repeats for negative, always an array', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SRANDMEMBER', 's'), NULL);
  assert.deepEqual(r.run('SRANDMEMBER', 's', '3'), array([]));
  r.run('SADD', 's', '3', '1', '2');
  assert.deepEqual(r.run('SRANDMEMBER', 's', '10'), bulkArray(['1', '2', '3']));
  const two = sortedItems(r.run('SRANDMEMBER', 's', '2'));
  assert.equal(new Set(two).size, 2);
  const many = r.run('SRANDMEMBER', 's', '-7') as { kind: string; items: readonly unknown[] };
  assert.equal(many.kind, 'array');
  assert.equal(many.items.length, 7);
  assert.deepEqual(r.run('SRANDMEMBER', 's', '1', '2'), error('ERR syntax error'));
});

test('SSCAN: intset-sized sets whole and sorted; large sets visit every stable member once', () => {
  const r = makeRunner();
  r.run('SADD', 'small', '5', '1', '3');
  assert.deepEqual(r.run('SSCAN', 'small', '0'), array([bulk('0'), bulkArray(['1', '3', '5'])]));
  const big: string[] = [];
  for (let i = 0; i < 2000; i++) big.push(`m${i}`);
  r.run('SADD', 'big', ...big);
  const seen = new Map<string, number>();
  let cursor = '0';
  let calls = 0;
  do {
    const page = scanPage(r.run('SSCAN', 'big', cursor, 'MATCH', 'm*'));
    for (const m of page.items) seen.set(m, (seen.get(m) ?? 0) + 1);
    r.run('SADD', 'big', `n${calls}`);
    cursor = page.cursor;
    calls++;
  } while (cursor !== '0' && calls < 10_000);
  assert.equal(cursor, '0');
  for (const m of big) assert.equal(seen.get(m), 1, m);
  assert.ok(calls <= 40, `bounded number of calls (${calls})`);
});

/** The bulk strings of an array or set reply. */
const itemsOf = (r: unknown): string[] =>
  (r as { items: readonly { value: string }[] }).items.map((i) => i.value);

test('SRANDMEMBER/SPOP counts on a big set: distinct picks for small and large counts, pops really removed', () => {
  const r = makeRunner();
  const all = Array.from({ length: 1000 }, (_, i) => `m${i}`);
  r.run('SADD', 's', ...all);
  const present = new Set(all);
  for (const count of [1, 10, 333, 334, 999]) {
    // 333 × 3 ≤ 1000 draws until enough differ; 334 × 3 > 1000 shuffles them all (Redis's CASE 3/4).
    const picked = itemsOf(r.run('SRANDMEMBER', 's', String(count)));
    assert.equal(picked.length, count);
    assert.equal(new Set(picked).size, count);
    assert.ok(picked.every((m) => present.has(m)));
  }
  const repeats = itemsOf(r.run('SRANDMEMBER', 's', '-5000'));
  assert.equal(repeats.length, 5000);
  assert.ok(new Set(repeats).size < 1000); // 5000 draws of 1000: repeats are certain
  assert.ok(repeats.every((m) => present.has(m)));

  // 10 popped one by one, then 985 of the remaining 990 (5 stay, 5 × 5 ≤ 985: a new set of the 5).
  for (const count of ['10', '985']) {
    const popped = itemsOf(r.run('SPOP', 's', count));
    assert.equal(new Set(popped).size, Number(count));
    for (const m of popped) {
      assert.ok(present.delete(m), `${m} popped twice or never there`);
      assert.deepEqual(r.run('SISMEMBER', 's', m), integer(0));
    }
    assert.deepEqual(r.run('SCARD', 's'), integer(present.size));
  }
  assert.deepEqual(sortedItems(r.run('SMEMBERS', 's')), [...present].sort());
  assert.equal(itemsOf(r.run('SRANDMEMBER', 's', '-100')).length, 100);
  assert.ok(present.has((r.run('SPOP', 's') as { value: string }).value));
});
