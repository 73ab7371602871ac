/**
 * Real clients against a real `redmesh server` process: redis-cli output (RESP2 and RESP3) must be
 * the same text as against redis-server 7.0, and ioredis must see ordinary replies, including a
 * BZPOPMIN served when another client adds to the key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { assertSameCliTranscripts, ioredisClient, waitBlockedClients } from '../helpers/clients.js';
import { startRedmesh, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

const SCRIPT: readonly (readonly string[])[] = [
  ['ZADD', 'z', '0.1', 'a', '1e20', 'b', '-0', 'c', 'inf', 'd', '3', 'e'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'z', '(0', '+inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'],
  ['ZSCORE', 'z', 'a'],
  ['ZMSCORE', 'z', 'a', 'nope', 'd'],
  ['ZINCRBY', 'z', '0.2', 'a'],
  ['ZADD', 'z', 'GT', 'CH', 'INCR', '1', 'e'],
  ['ZRANDMEMBER', 'z', '100', 'WITHSCORES'],
  ['ZUNION', '2', 'z', 'z', 'WEIGHTS', '1', '0.5', 'AGGREGATE', 'MAX', 'WITHSCORES'],
  ['ZPOPMIN', 'z'],
  ['ZPOPMAX', 'z', '2'],
  ['ZMPOP', '2', 'nope', 'z', 'MAX', 'COUNT', '1'],
  ['BZPOPMIN', 'z', '0'],
  ['ZSCAN', 'z', '0'],
  ['ZADD', 'z', 'XX', 'NX', '1', 'a'],
  ['ZRANGEBYLEX', 'z', 'a', '+'],
  ['ZCARD', 'z'],
  ['CONFIG', 'SET', 'zset-max-listpack-entries', '2'],
  ['ZADD', 'small', '1', 'a', '2', 'b'],
  ['OBJECT', 'ENCODING', 'small'],
  ['ZADD', 'small', '3', 'c'],
  ['OBJECT', 'ENCODING', 'small'],
  ['ZREM', 'small', 'c'],
  ['OBJECT', 'ENCODING', 'small'],
  ['ZUNIONSTORE', 'small2', '1', 'small'],
  ['OBJECT', 'ENCODING', 'small2'],
  ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
];

test('redis-cli prints the same sorted-set replies from redmesh as from redis-server, RESP2 and RESP3', async () => {
  await assertSameCliTranscripts(SCRIPT);
});

test('ioredis: scores round-trip, and BZPOPMIN is served by a ZADD from another client', async () => {
  let redmesh: RunningServer | undefined;
  const clients: Redis[] = [];
  try {
    redmesh = await startRedmesh(0);
    const port = redmesh.port;
    const a = ioredisClient(port);
    const b = ioredisClient(port);
    clients.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    assert.equal(await a.zadd('board', 10, 'ann', 7.5, 'bob', 12, 'cid'), 3);
    assert.deepEqual(await a.zrange('board', '0', '-1', 'WITHSCORES'), [
      'bob',
      '7.5',
      'ann',
      '10',
      'cid',
      '12',
    ]);
    assert.equal(await a.zincrby('board', 0.1, 'bob'), '7.5999999999999996');
    assert.equal(await a.zrevrank('board', 'cid'), 0);
    assert.deepEqual(await a.zrangebyscore('board', '(7.6', '+inf'), ['ann', 'cid']);
    const waiting = b.bzpopmin('queue', 5);
    await waitBlockedClients(a, 1);
    assert.equal(await a.zadd('queue', 1, 'job'), 1);
    assert.deepEqual(await waiting, ['queue', 'job', '1']);
    assert.equal(await a.zcard('queue'), 0);
    assert.equal(await b.bzpopmax('queue', 0.05), null);
  } finally {
    for (const c of clients) c.disconnect();
    await stopAll(redmesh);
  }
});
