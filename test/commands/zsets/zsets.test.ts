/**
 * Unit tests of the sorted-set family through the in-memory runner: what the differential test
 * against redis-server cannot see (blocking, propagation, change counting, key deletion).
 * Reply bytes themselves are compared with real Redis in test/interop/zsets-vs-redis.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCommands } from '../../../src/commands/index.js';
import type { BlockRequest, CommandContext, CommandResult } from '../../../src/commands/index.js';
import { encodeReply } from '../../../src/resp/encoder.js';
import type { Reply } from '../../../src/resp/reply.js';
import { makeRunner } from '../../helpers/exec.js';
import type { TestRunner } from '../../helpers/exec.js';

function wire(result: CommandResult, protocol: 2 | 3 = 2): string {
  assert.ok(result.kind !== 'block', 'unexpected block');
  return encodeReply(result, protocol);
}

function asBlock(result: CommandResult): BlockRequest {
  assert.equal(result.kind, 'block');
  return result;
}

/** A context like the runner's, for calling retry()/onTimeout() of a parked request. */
function contextOf(
  runner: TestRunner,
  inMulti = false,
): CommandContext & { readonly propagated: string[][] } {
  const propagated: string[][] = [];
  return {
    keyspace: runner.keyspace,
    db: runner.keyspace.db(0),
    client: { id: 1, protocol: 2, dbIndex: 0, inMulti },
    now: runner.now,
    keyModified: () => undefined,
    databasesFlushed: () => undefined,
    databasesSwapped: () => undefined,
    propagateAs: (argvs) => propagated.push(...argvs.map((a) => [...a])),
    notify: () => undefined,
    server: {} as CommandContext['server'],
    propagated,
  };
}

test('BZPOPMIN on empty keys blocks; a later ZADD lets retry pop and propagate ZPOPMIN', () => {
  const r = makeRunner();
  const request = asBlock(r.run('BZPOPMIN', 'q1', 'q2', '1.5'));
  assert.deepEqual(request.keys, ['q1', 'q2']);
  assert.equal(request.deadlineMs, r.now + 1500);
  const ctx = contextOf(r);
  assert.equal(request.retry(ctx), undefined, 'still nothing to pop');
  r.run('ZADD', 'q2', '5', 'x', '1', 'y');
  assert.equal(wire(request.retry(ctx) as Reply), '*3\r\n$2\r\nq2\r\n$1\r\ny\r\n$1\r\n1\r\n');
  assert.deepEqual(ctx.propagated, [['ZPOPMIN', 'q2']]);
  assert.equal(wire(request.onTimeout(ctx)), '*-1\r\n');
});

test('a blocked BZMPOP skips keys of another type, pops COUNT, and deletes the emptied key', () => {
  const r = makeRunner();
  const request = asBlock(r.run('BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '5'));
  assert.equal(request.deadlineMs, 0, 'timeout 0 waits forever');
  r.keyspace.db(0).add('a', 'a string now');
  r.run('ZADD', 'b', '1', 'm1', '2', 'm2');
  const ctx = contextOf(r);
  const reply = request.retry(ctx);
  assert.equal(
    wire(reply as Reply),
    '*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$2\r\nm2\r\n$1\r\n2\r\n*2\r\n$2\r\nm1\r\n$1\r\n1\r\n',
  );
  assert.deepEqual(ctx.propagated, [['ZPOPMAX', 'b', '2']]);
  assert.equal(r.keyspace.db(0).contains('b'), false);
});

/** Runs a command straight from the table with a given context (the runner has no MULTI flag). */
function runWith(ctx: CommandContext, argv: string[]): CommandResult {
  const spec = allCommands.find((c) => c.name === (argv[0] ?? '').toLowerCase());
  assert.ok(spec !== undefined);
  return spec.run(ctx, argv);
}

test('blocking pops answer a null array at once inside MULTI, but still report WRONGTYPE', () => {
  const r = makeRunner();
  const ctx = contextOf(r, true);
  r.keyspace.db(0).add('s', 'x');
  assert.equal(wire(runWith(ctx, ['BZPOPMAX', 'none', '0'])), '*-1\r\n');
  assert.equal(wire(runWith(ctx, ['BZMPOP', '0', '1', 'none', 'MIN'])), '*-1\r\n');
  assert.match(wire(runWith(ctx, ['BZPOPMIN', 's', '0'])), /^-WRONGTYPE/);
});

test('ZMPOP propagates as ZPOPMIN/ZPOPMAX with the count actually popped', () => {
  const r = makeRunner();
  r.run('ZADD', 'k', '1', 'a', '2', 'b');
  r.propagated.length = 0;
  r.run('ZMPOP', '2', 'missing', 'k', 'MIN', 'COUNT', '10');
  assert.deepEqual(r.propagated, [['ZPOPMIN', 'k', '2']]);
  assert.equal(r.keyspace.db(0).contains('k'), false);
});

test('writes count a change only when something changed, and emptied sets disappear', () => {
  const r = makeRunner();
  r.run('ZADD', 'k', '1', 'a');
  r.propagated.length = 0;
  r.run('ZADD', 'k', 'NX', '5', 'a'); // no change: not propagated
  r.run('ZADD', 'k', 'XX', '1', 'a'); // same score: no change
  r.run('ZREM', 'k', 'nope');
  r.run('ZADD', 'absent', 'XX', '1', 'a');
  assert.deepEqual(r.propagated, []);
  assert.equal(r.keyspace.db(0).contains('absent'), false, 'XX does not create the key');
  r.run('ZINCRBY', 'k', '2', 'a');
  assert.deepEqual(r.propagated, [['ZINCRBY', 'k', '2', 'a']]);
  r.run('ZREMRANGEBYSCORE', 'k', '-inf', '+inf');
  assert.equal(r.keyspace.db(0).contains('k'), false);
});

test('*STORE with an empty result deletes the destination, even of another type', () => {
  const r = makeRunner();
  r.keyspace.db(0).add('dst', 'a string');
  assert.equal(wire(r.run('ZUNIONSTORE', 'dst', '1', 'missing')), ':0\r\n');
  assert.equal(r.keyspace.db(0).contains('dst'), false);
  r.run('ZADD', 'src', '1', 'a', '2', 'b');
  r.keyspace.db(0).add('dst2', 'x');
  r.keyspace.db(0).setExpire('dst2', r.now + 100_000);
  assert.equal(wire(r.run('ZRANGESTORE', 'dst2', 'src', '0', '0')), ':1\r\n');
  assert.equal(r.keyspace.db(0).getExpire('dst2'), undefined, 'the stored result has no TTL');
});

test('ZADD INCR and ZINCRBY refuse a NaN result and leave the score alone', () => {
  const r = makeRunner();
  r.run('ZADD', 'k', 'inf', 'a');
  assert.equal(wire(r.run('ZINCRBY', 'k', '-inf', 'a')), '-ERR resulting score is not a number (NaN)\r\n');
  assert.equal(wire(r.run('ZSCORE', 'k', 'a')), '$3\r\ninf\r\n');
});

test('RESP3 shapes: WITHSCORES pairs, ZPOPMIN flat without count, doubles as ,', () => {
  const r = makeRunner();
  r.protocol = 3;
  r.run('ZADD', 'k', '1.5', 'a', '2', 'b', '3', 'c');
  assert.equal(
    wire(r.run('ZRANGE', 'k', '0', '1', 'WITHSCORES'), 3),
    '*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n',
  );
  assert.equal(wire(r.run('ZPOPMIN', 'k'), 3), '*2\r\n$1\r\na\r\n,1.5\r\n');
  assert.equal(wire(r.run('ZPOPMAX', 'k', '1'), 3), '*1\r\n*2\r\n$1\r\nc\r\n,3\r\n');
  assert.equal(wire(r.run('ZSCAN', 'k', '0'), 3), '*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
});

test('a large set scans in rank-cursor pages that cover every member once', () => {
  const r = makeRunner();
  const argv = ['ZADD', 'big'];
  for (let i = 0; i < 300; i++) argv.push(String(i % 7), `m${i}`);
  r.run(...argv);
  const seen = new Set<string>();
  let cursor = '0';
  let pages = 0;
  do {
    const reply = r.run('ZSCAN', 'big', cursor, 'COUNT', '50') as Reply & { kind: 'array' };
    const [next, items] = reply.items as [Reply & { kind: 'bulk' }, Reply & { kind: 'array' }];
    cursor = next.value;
    for (let i = 0; i < items.items.length; i += 2)
      seen.add((items.items[i] as Reply & { kind: 'bulk' }).value);
    pages++;
  } while (cursor !== '0' && pages < 100);
  assert.equal(seen.size, 300);
  assert.equal(pages, 6);
});

test('ZRANDMEMBER with a huge negative count answers an error instead of exhausting memory', () => {
  const r = makeRunner();
  r.run('ZADD', 'k', '1', 'a');
  assert.equal(wire(r.run('ZRANDMEMBER', 'k', '-1000000000000')), '-ERR value is out of range\r\n');
  assert.equal(wire(r.run('ZRANDMEMBER', 'k', '-3')), '*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n');
});

test('ZRANDMEMBER counts on a big sorted set: distinct members with their own scores', () => {
  const r = makeRunner();
  r.run('ZADD', 'z', ...Array.from({ length: 500 }, (_, i) => [String(i), `m${i}`]).flat());
  for (const count of ['5', '166', '167', '499']) {
    const flat = (r.run('ZRANDMEMBER', 'z', count, 'WITHSCORES') as { items: readonly { value: string }[] })
      .items;
    assert.equal(flat.length, Number(count) * 2);
    const members = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) {
      assert.equal(`m${flat[i + 1]?.value}`, flat[i]?.value);
      members.add(flat[i]?.value as string);
    }
    assert.equal(members.size, Number(count));
  }
  const all = (r.run('ZRANDMEMBER', 'z', '500') as { items: readonly { value: string }[] }).items;
  assert.equal(all[0]?.value, 'm499'); // the whole set comes from the highest score down, like Redis
});

test('ZSCAN of a listpack zset gives scores as the listpack stores them (integers up to 2^62)', () => {
  // Bytes taken from redis-server 7.0.15: ZADD z -0 a 1e17 b 0.1 c 4611686018427387904 e
  // -4611686018427387904 g 9223372036854775807 h, then ZSCAN z 0 COUNT 100 (ZRANGE gives 1e+17 etc.).
  const r = makeRunner();
  r.run(
    ...['ZADD', 'z', '-0', 'a', '1e17', 'b', '0.1', 'c', '4611686018427387904', 'e'],
    ...['-4611686018427387904', 'g', '9223372036854775807', 'h'],
  );
  const scores = (r.run('ZSCAN', 'z', '0', 'COUNT', '100') as Reply & { kind: 'array' }).items[1];
  const flat = (scores as Reply & { kind: 'array' }).items.map((i) => (i as Reply & { kind: 'bulk' }).value);
  assert.deepEqual(flat, [
    ...['g', '-4611686018427387904', 'a', '0', 'c', '0.10000000000000001', 'b', '100000000000000000'],
    ...['e', '4611686018427387904', 'h', '9.2233720368547758e+18'],
  ]);
  const range = wire(r.run('ZRANGE', 'z', '3', '3', 'WITHSCORES'));
  assert.equal(range, '*2\r\n$1\r\nb\r\n$5\r\n1e+17\r\n');
});
