import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockRequest, CommandContext, CommandResult } from '../../../src/commands/index.js';
import { allCommands } from '../../../src/commands/index.js';
import { ERR_WRONGTYPE } from '../../../src/resp/errors.js';
import {
  array,
  bulk,
  bulkArray,
  EMPTY_ARRAY,
  error,
  integer,
  NULL,
  NULL_ARRAY,
  OK,
} from '../../../src/resp/reply.js';
import { ServerState, commandTable, defaultConfig } from '../../../src/server/state.js';
import { Keyspace, Quicklist } from '../../../src/store/index.js';
import { makeRunner } from '../../helpers/exec.js';

function asBlock(r: CommandResult): BlockRequest {
  assert.equal(r.kind, 'block', `expected a BlockRequest, got ${JSON.stringify(r)}`);
  return r;
}

/** A context for calling a BlockRequest's retry the way the server does after a key became ready. */
function contextFor(
  keyspace: Keyspace,
  now: number,
  inMulti = false,
): CommandContext & { propagated: string[][] } {
  const propagated: string[][] = [];
  return {
    keyspace,
    db: keyspace.db(0),
    client: { id: 2, protocol: 2, dbIndex: 0, inMulti },
    now,
    keyModified: () => undefined,
    databasesFlushed: () => undefined,
    databasesSwapped: () => undefined,
    propagateAs: (argvs) => propagated.push(...argvs.map((a) => [...a])),
    notify: () => undefined,
    server: new ServerState(defaultConfig(), commandTable(allCommands)),
    propagated,
  };
}

test('Quicklist is a deque: pushes and pops at both ends, indexing, growth and wrap-around', () => {
  const q = new Quicklist();
  for (let i = 0; i < 100; i++) {
    q.pushTail(`t${i}`);
    q.pushHead(`h${i}`);
  }
  assert.equal(q.length, 200);
  assert.equal(q.at(0), 'h99');
  assert.equal(q.at(199), 't99');
  assert.equal(q.at(200), undefined);
  for (let i = 99; i >= 50; i--) assert.equal(q.popHead(), `h${i}`);
  for (let i = 99; i >= 50; i--) assert.equal(q.popTail(), `t${i}`);
  assert.deepEqual(q.range(48, 51), ['h1', 'h0', 't0', 't1']);
  q.insertAt(50, 'mid');
  assert.equal(q.at(50), 'mid');
  assert.equal(
    q.retain((v) => v !== 'mid'),
    1,
  );
  q.trim(10, 19);
  assert.deepEqual(q.toArray(), ['h39', 'h38', 'h37', 'h36', 'h35', 'h34', 'h33', 'h32', 'h31', 'h30']);
  assert.deepEqual(q.clone().toArray(), q.toArray());
  q.clear();
  assert.equal(q.popHead(), undefined);
  assert.equal(q.popTail(), undefined);
});

test('LPUSH/RPUSH build the list in Redis order and LRANGE clamps indexes', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('LPUSH', 'l', 'a', 'b', 'c'), integer(3));
  assert.deepEqual(r.run('RPUSH', 'l', 'x'), integer(4));
  assert.deepEqual(r.run('LRANGE', 'l', '0', '-1'), bulkArray(['c', 'b', 'a', 'x']));
  assert.deepEqual(r.run('LRANGE', 'l', '-100', '1'), bulkArray(['c', 'b']));
  assert.deepEqual(r.run('LRANGE', 'l', '2', '1'), EMPTY_ARRAY);
  assert.deepEqual(r.run('LRANGE', 'l', 'x', '1'), error('ERR value is not an integer or out of range'));
  assert.deepEqual(r.run('LINDEX', 'l', '-1'), bulk('x'));
  assert.deepEqual(r.run('LINDEX', 'l', '4'), NULL);
  assert.deepEqual(r.run('LPUSHX', 'missing', 'a'), integer(0));
  assert.equal(r.keyspace.db(0).contains('missing'), false);
});

test('LPOP/RPOP with and without count use Redis 7.0 null shapes', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('LPOP', 'l'), NULL);
  assert.deepEqual(r.run('LPOP', 'l', '2'), NULL_ARRAY);
  assert.deepEqual(r.run('LPOP', 'l', '0'), NULL_ARRAY);
  assert.deepEqual(r.run('LPOP', 'l', '-1'), error('ERR value is out of range, must be positive'));
  r.run('RPUSH', 'l', 'a', 'b', 'c');
  assert.deepEqual(r.run('LPOP', 'l', '0'), EMPTY_ARRAY);
  assert.deepEqual(r.run('RPOP', 'l'), bulk('c'));
  assert.deepEqual(r.run('LPOP', 'l', '5'), bulkArray(['a', 'b']));
  assert.equal(r.keyspace.db(0).contains('l'), false, 'an emptied list is deleted');
  r.keyspace.db(0).setValue('s', 'v', false);
  assert.deepEqual(r.run('LPOP', 's'), error(ERR_WRONGTYPE));
  assert.deepEqual(r.run('LPOP', 's', 'x'), error('ERR value is out of range, must be positive'));
});

test('LSET, LINSERT, LREM and LTRIM edit in place and report like Redis', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('LSET', 'l', '0', 'v'), error('ERR no such key'));
  r.run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
  assert.deepEqual(r.run('LSET', 'l', '9', 'v'), error('ERR index out of range'));
  assert.deepEqual(r.run('LSET', 'l', '-1', 'z'), OK);
  assert.deepEqual(r.run('LINSERT', 'l', 'BEFORE', 'c', 'q'), integer(6));
  assert.deepEqual(r.run('LINSERT', 'l', 'after', 'nope', 'q'), integer(-1));
  assert.deepEqual(r.run('LINSERT', 'l', 'middle', 'c', 'q'), error('ERR syntax error'));
  assert.deepEqual(r.run('LRANGE', 'l', '0', '-1'), bulkArray(['a', 'b', 'a', 'q', 'c', 'z']));
  assert.deepEqual(r.run('LREM', 'l', '-1', 'a'), integer(1));
  assert.deepEqual(r.run('LRANGE', 'l', '0', '-1'), bulkArray(['a', 'b', 'q', 'c', 'z']));
  assert.deepEqual(r.run('LREM', 'l', '0', 'zz'), integer(0));
  assert.deepEqual(r.run('LTRIM', 'l', '1', '-2'), OK);
  assert.deepEqual(r.run('LRANGE', 'l', '0', '-1'), bulkArray(['b', 'q', 'c']));
  assert.deepEqual(r.run('LTRIM', 'l', '5', '1'), OK);
  assert.equal(r.keyspace.db(0).contains('l'), false);
});

test('LPOS honours RANK, COUNT and MAXLEN and rejects bad options with Redis messages', () => {
  const r = makeRunner();
  r.run('RPUSH', 'l', 'a', 'b', 'c', 'b', 'b');
  assert.deepEqual(r.run('LPOS', 'l', 'b'), integer(1));
  assert.deepEqual(r.run('LPOS', 'l', 'b', 'RANK', '-1'), integer(4));
  assert.deepEqual(r.run('LPOS', 'l', 'b', 'RANK', '2', 'COUNT', '0'), array([integer(3), integer(4)]));
  assert.deepEqual(r.run('LPOS', 'l', 'b', 'COUNT', '0', 'MAXLEN', '4'), array([integer(1), integer(3)]));
  assert.deepEqual(r.run('LPOS', 'l', 'zz'), NULL);
  assert.deepEqual(r.run('LPOS', 'missing', 'a', 'COUNT', '1'), EMPTY_ARRAY);
  assert.match(
    (r.run('LPOS', 'l', 'b', 'RANK', '0') as { message: string }).message,
    /^ERR RANK can't be zero/,
  );
  assert.deepEqual(r.run('LPOS', 'l', 'b', 'COUNT', '-1'), error("ERR COUNT can't be negative"));
  assert.deepEqual(r.run('LPOS', 'l', 'b', 'FOO', '1'), error('ERR syntax error'));
});

test('LMOVE rotates a list onto itself and creates the destination; LMPOP propagates as LPOP key n', () => {
  const r = makeRunner();
  r.run('RPUSH', 'l', 'a', 'b', 'c');
  assert.deepEqual(r.run('LMOVE', 'l', 'l', 'LEFT', 'RIGHT'), bulk('a'));
  assert.deepEqual(r.run('LRANGE', 'l', '0', '-1'), bulkArray(['b', 'c', 'a']));
  assert.deepEqual(r.run('RPOPLPUSH', 'l', 'd'), bulk('a'));
  assert.deepEqual(r.run('LRANGE', 'd', '0', '-1'), bulkArray(['a']));
  assert.deepEqual(r.run('LMOVE', 'missing', 'd', 'LEFT', 'LEFT'), NULL);
  assert.deepEqual(r.run('LMOVE', 'l', 'd', 'UP', 'LEFT'), error('ERR syntax error'));
  r.propagated.length = 0;
  assert.deepEqual(
    r.run('LMPOP', '2', 'missing', 'l', 'RIGHT', 'COUNT', '5'),
    array([bulk('l'), bulkArray(['c', 'b'])]),
  );
  assert.deepEqual(r.propagated, [['RPOP', 'l', '2']]);
  assert.deepEqual(r.run('LMPOP', '1', 'l', 'LEFT'), NULL_ARRAY);
  assert.deepEqual(r.run('LMPOP', '0', 'l', 'LEFT'), error('ERR numkeys should be greater than 0'));
  assert.deepEqual(r.run('LMPOP', '3', 'l', 'LEFT'), error('ERR syntax error'));
  assert.deepEqual(
    r.run('LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'),
    error('ERR count should be greater than 0'),
  );
});

test('BLPOP serves at once when data exists and propagates as LPOP', () => {
  const r = makeRunner();
  r.run('RPUSH', 'b', 'x', 'y');
  r.propagated.length = 0;
  assert.deepEqual(r.run('BLPOP', 'a', 'b', '0'), array([bulk('b'), bulk('x')]));
  assert.deepEqual(r.propagated, [['LPOP', 'b']]);
  assert.deepEqual(r.run('BLPOP', 'a', 'x'), error('ERR timeout is not a float or out of range'));
  assert.deepEqual(r.run('BLPOP', 'a', '-1'), error('ERR timeout is negative'));
});

test('BLPOP on empty keys blocks with a deadline; retry serves the first ready key, timeout gives a nil array', () => {
  const r = makeRunner();
  r.now = 1_000_000;
  const req = asBlock(r.run('BRPOP', 'k1', 'k2', '1.5'));
  assert.deepEqual(req.keys, ['k1', 'k2']);
  assert.equal(req.deadlineMs, 1_001_500);
  assert.equal(asBlock(r.run('BLPOP', 'k1', '0')).deadlineMs, 0, '0 waits forever');
  const ctx = contextFor(r.keyspace, r.now);
  assert.equal(req.retry(ctx), undefined, 'nothing ready yet');
  r.keyspace.db(0).setValue('k1', 'string', false);
  assert.equal(req.retry(ctx), undefined, 'a key of another type is not ready (Redis 7.0 keeps waiting)');
  r.run('RPUSH', 'k2', 'a', 'b');
  assert.deepEqual(req.retry(ctx), array([bulk('k2'), bulk('b')]));
  assert.deepEqual(ctx.propagated, [['RPOP', 'k2']]);
  assert.deepEqual(req.onTimeout(ctx), NULL_ARRAY);
});

test('BLMOVE and BRPOPLPUSH block, then move and propagate as LMOVE/RPOPLPUSH; wrong destination type is reported', () => {
  const r = makeRunner();
  const move = asBlock(r.run('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0'));
  assert.deepEqual(move.keys, ['src']);
  r.run('RPUSH', 'src', 'a', 'b');
  const ctx = contextFor(r.keyspace, r.now);
  assert.deepEqual(move.retry(ctx), bulk('b'));
  assert.deepEqual(ctx.propagated, [['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT']]);
  assert.deepEqual(r.run('LRANGE', 'dst', '0', '-1'), bulkArray(['b']));

  r.keyspace.db(0).setValue('str', 'v', false);
  const bad = asBlock(r.run('BRPOPLPUSH', 'empty', 'str', '0'));
  r.run('RPUSH', 'empty', 'z');
  assert.deepEqual(bad.retry(ctx), error(ERR_WRONGTYPE));
  assert.deepEqual(r.run('LRANGE', 'empty', '0', '-1'), bulkArray(['z']), 'nothing was popped');

  r.propagated.length = 0;
  assert.deepEqual(r.run('BRPOPLPUSH', 'empty', 'dst', '0'), bulk('z'));
  assert.deepEqual(r.propagated, [['RPOPLPUSH', 'empty', 'dst']]);
});

test('BLMPOP blocks on all its keys and serves with [key, elements]', () => {
  const r = makeRunner();
  const req = asBlock(r.run('BLMPOP', '0.5', '2', 'a', 'b', 'LEFT', 'COUNT', '3'));
  assert.deepEqual(req.keys, ['a', 'b']);
  r.run('RPUSH', 'b', '1', '2');
  const ctx = contextFor(r.keyspace, r.now);
  assert.deepEqual(req.retry(ctx), array([bulk('b'), bulkArray(['1', '2'])]));
  assert.deepEqual(ctx.propagated, [['LPOP', 'b', '2']]);
  assert.deepEqual(
    r.run('BLMPOP', 'x', '1', 'a', 'UP'),
    error('ERR syntax error'),
    'options are checked before the timeout',
  );
});

test('inside MULTI blocking list commands answer like an empty non-blocking call', () => {
  const keyspace = new Keyspace(1, {});
  const ctx = contextFor(keyspace, Date.now(), true);
  const run = (...argv: string[]): CommandResult => {
    const spec = allCommands.find((c) => c.name === argv[0]);
    assert.ok(spec);
    return spec.run(ctx, argv);
  };
  assert.deepEqual(run('blpop', 'a', '0'), NULL_ARRAY);
  assert.deepEqual(run('blmove', 'a', 'b', 'left', 'left', '0'), NULL);
  assert.deepEqual(run('brpoplpush', 'a', 'b', '0'), NULL);
  assert.deepEqual(run('blmpop', '0', '1', 'a', 'left'), NULL_ARRAY);
});

test('list commands carry COMMAND INFO metadata of redis 7.0', () => {
  const info = (name: string): readonly unknown[] => {
    const c = allCommands.find((s) => s.name === name);
    assert.ok(c, name);
    return [c.arity, c.flags, c.firstKey, c.lastKey, c.step, c.categories];
  };
  assert.deepEqual(info('blpop'), [
    -3,
    ['write', 'noscript', 'blocking'],
    1,
    -2,
    1,
    ['write', 'list', 'slow', 'blocking'],
  ]);
  assert.deepEqual(info('lmpop'), [-4, ['write', 'movablekeys'], 0, 0, 0, ['write', 'list', 'slow']]);
  assert.deepEqual(info('lpush'), [-3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'list', 'fast']]);
  assert.deepEqual(info('lmove'), [5, ['write', 'denyoom'], 1, 2, 1, ['write', 'list', 'slow']]);
});
