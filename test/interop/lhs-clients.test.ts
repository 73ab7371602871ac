/**
 * Lists, hashes and sets with real clients against a real `redmesh server` process: redis-cli prints
 * the same text as against redis-server 7.0 (RESP2 and RESP3), and blocking pops are served by another
 * client's push or time out. (COMMAND INFO of every command is compared with redis-server 7.0 in
 * test/commands/server/command.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { assertSameCliTranscripts, ioredisClient, waitBlockedClients } from '../helpers/clients.js';
import { startRedmesh, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

/** Deterministic commands only (no random picks, no hash-table order). */
const SCRIPT: readonly (readonly string[])[] = [
  ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
  ['LPUSH', 'l', 'z'],
  ['LRANGE', 'l', '0', '-1'],
  ['LPOS', 'l', 'b', 'RANK', '-1', 'COUNT', '0'],
  ['LINSERT', 'l', 'AFTER', 'a', 'q'],
  ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
  ['LMPOP', '2', 'none', 'l', 'RIGHT', 'COUNT', '2'],
  ['LPOP', 'none', '3'],
  ['RPOP', 'l', '0'],
  ['BLPOP', 'none', 'l', '0'],
  ['LSET', 'l', '5', 'v'],
  ['LPOP', 'l', '-1'],
  ['BLPOP', 'none', '-1'],
  ['HSET', 'h', 'f1', 'v1', 'f2', '2', 'f3', '3.5'],
  ['HGETALL', 'h'],
  ['HINCRBY', 'h', 'f2', '40'],
  ['HINCRBYFLOAT', 'h', 'f3', '0.1'],
  ['HMGET', 'h', 'f1', 'nope'],
  ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
  ['HSCAN', 'h', '0', 'MATCH', 'f[12]'],
  ['HDEL', 'h', 'f1', 'f2', 'f3'],
  ['EXISTS', 'h'],
  ['HINCRBY', 'l2', 'f', '1'],
  ['SADD', 's', '5', '1', '3', '10'],
  ['SADD', 't', '3', '10', '12'],
  ['SMEMBERS', 's'],
  ['SINTER', 's', 't'],
  ['SUNION', 's', 't'],
  ['SDIFF', 's', 't'],
  ['SINTERCARD', '2', 's', 't', 'LIMIT', '1'],
  ['SMISMEMBER', 's', '1', '2'],
  ['SUNIONSTORE', 'u', 's', 't'],
  ['SSCAN', 'u', '0'],
  ['SRANDMEMBER', 's', '100'],
  ['SPOP', 't', '10'],
  ['SMOVE', 's', 'h', '1'],
  ['SPOP', 'none', '1'],
];

test('redis-cli prints the same list/hash/set replies from redmesh as from redis-server, RESP2 and RESP3', async () => {
  await assertSameCliTranscripts(SCRIPT);
});

test('ioredis: BLPOP, BLMOVE and BLMPOP are served by another client, in FIFO order, and BRPOP times out', async () => {
  let redmesh: RunningServer | undefined;
  const clients: Redis[] = [];
  try {
    redmesh = await startRedmesh(0);
    const port = redmesh.port;
    const [a, b, c] = [ioredisClient(port), ioredisClient(port), ioredisClient(port)];
    clients.push(a, b, c);
    await Promise.all(clients.map((x) => x.connect()));

    const first = b.blpop('jobs', 'other', 5);
    await waitBlockedClients(a, 1);
    const second = c.blpop('jobs', 5);
    await waitBlockedClients(a, 2);
    assert.equal(await a.rpush('jobs', 'j1', 'j2', 'j3'), 3);
    assert.deepEqual(await first, ['jobs', 'j1']);
    assert.deepEqual(await second, ['jobs', 'j2']);
    assert.deepEqual(await a.lrange('jobs', 0, -1), ['j3']);

    const moved = b.blmove('src', 'dst', 'RIGHT', 'LEFT', 5);
    await waitBlockedClients(a, 1);
    await a.lpush('src', 'm');
    assert.equal(await moved, 'm');
    assert.deepEqual(await a.lrange('dst', 0, -1), ['m']);

    const popped = b.call('BLMPOP', '5', '2', 'x', 'y', 'LEFT', 'COUNT', '2');
    await waitBlockedClients(a, 1);
    await a.rpush('y', '1', '2', '3');
    assert.deepEqual(await popped, ['y', ['1', '2']]);

    const started = Date.now();
    assert.equal(await b.brpop('never', 0.2), null);
    assert.ok(Date.now() - started >= 150, 'BRPOP waited for its timeout');

    // Inside MULTI a blocking pop does not block.
    const results = await a.multi().blpop('never', 0).brpoplpush('never', 'x', 0).exec();
    assert.deepEqual(results, [
      [null, null],
      [null, null],
    ]);
  } finally {
    for (const x of clients) x.disconnect();
    await stopAll(redmesh);
  }
});
