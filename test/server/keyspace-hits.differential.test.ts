/**
 * INFO stats keyspace_hits / keyspace_misses count read lookups as redis-server 7.0 does (lookupKey
 * without LOOKUP_WRITE / LOOKUP_NOSTATS): each line below is run on both servers and how much it moved
 * the two counters is compared, then CONFIG RESETSTAT zeroes them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const LINES: readonly (readonly string[])[] = [
  ['GET', 'k'],
  ['SET', 'k', 'v'],
  ['GET', 'k'],
  ['MGET', 'k', 'x', 'k'],
  ['STRLEN', 'k'],
  ['GETRANGE', 'k', '0', '1'],
  ['APPEND', 'k', 'w'],
  ['INCR', 'n'],
  ['HSET', 'h', 'f', '1'],
  ['HGET', 'h', 'f'],
  ['HGET', 'nohash', 'f'],
  ['HGETALL', 'h'],
  ['HMGET', 'h', 'f', 'g'],
  ['RPUSH', 'l', 'a', 'b'],
  ['LRANGE', 'l', '0', '-1'],
  ['LINDEX', 'nolist', '0'],
  ['SADD', 's', 'a'],
  ['SMEMBERS', 's'],
  ['SISMEMBER', 's', 'a'],
  ['SUNION', 's', 'nos'],
  ['ZADD', 'z', '1', 'a'],
  ['ZSCORE', 'z', 'a'],
  ['ZRANGE', 'z', '0', '-1'],
  ['GET', 'h'],
  ['EXISTS', 'k', 'x'],
  ['TYPE', 'k'],
  ['TTL', 'k'],
  ['OBJECT', 'ENCODING', 'k'],
  ['OBJECT', 'ENCODING', 'x'],
  ['OBJECT', 'FREQ', 'k'],
  ['DUMP', 'k'],
  ['TOUCH', 'k', 'x'],
  ['LLEN', 'l'],
  ['SCARD', 's'],
  ['ZCARD', 'z'],
  ['HLEN', 'h'],
  ['HEXISTS', 'h', 'f'],
  ['BITCOUNT', 'k'],
  ['SORT', 'l', 'ALPHA'],
  ['HRANDFIELD', 'h'],
  ['SRANDMEMBER', 's'],
  ['ZRANDMEMBER', 'z'],
  ['RANDOMKEY'],
  ['KEYS', '*'],
  ['SCAN', '0'],
  ['XADD', 'st', '1-1', 'f', 'v'],
  ['XRANGE', 'st', '-', '+'],
  ['XLEN', 'st'],
  ['PFADD', 'p', 'a'],
  ['PFCOUNT', 'p'],
  ['GEOADD', 'g', '1', '1', 'm'],
  ['GEOPOS', 'g', 'm'],
  ['EVAL', "return redis.call('get', KEYS[1])", '1', 'k'],
  ['GETEX', 'k'],
  ['COPY', 'k', 'k2'],
  ['RENAME', 'k2', 'k3'],
  ['LMOVE', 'l', 'l2', 'LEFT', 'LEFT'],
  ['SMOVE', 's', 's2', 'a'],
  ['SUNIONSTORE', 'su', 's2', 'nos'],
  ['ZUNIONSTORE', 'zu', '1', 'z'],
  ['BITOP', 'AND', 'bk', 'k', 'x'],
  ['GETDEL', 'k3'],
  ['SETRANGE', 'k', '0', 'x'],
  ['GETSET', 'k', 'y'],
  ['SET', 'k', 'z', 'GET'],
  ['DEL', 'k', 'x'],
  ['EXPIRE', 'h', '100'],
  ['PERSIST', 'h'],
  ['MEMORY', 'USAGE', 'h'],
];

async function deltas(server: RunningServer): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    await c.call(['FLUSHALL']);
    await c.call(['CONFIG', 'RESETSTAT']);
    const counters = async (): Promise<[number, number]> => {
      const info = (await c.call(['INFO', 'stats'])).toString('latin1');
      return [Number(/keyspace_hits:(\d+)/.exec(info)?.[1]), Number(/keyspace_misses:(\d+)/.exec(info)?.[1])];
    };
    const out: string[] = [];
    for (const line of LINES) {
      const [h0, m0] = await counters();
      await c.call(line);
      const [h1, m1] = await counters();
      out.push(`${line.join(' ')}: hits+${h1 - h0} misses+${m1 - m0}`);
    }
    await c.call(['CONFIG', 'RESETSTAT']);
    out.push(`after RESETSTAT: ${(await counters()).join(' ')}`);
    return out;
  } finally {
    c.close();
  }
}

test('keyspace_hits and keyspace_misses move as in redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await deltas(redis);
    assert.ok(real.includes('MGET k x k: hits+2 misses+1'), real.join('\n'));
    assert.deepEqual(await deltas(redmesh), real);
  } finally {
    await stopAll(redis, redmesh);
  }
});
