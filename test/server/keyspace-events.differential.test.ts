/**
 * Keyspace and keyevent notifications against a real redis-server 7.0: the same command sequences run
 * on both servers, and what a subscriber to `__key*__:*` receives (pmessage frames, RESP2 and RESP3)
 * is compared byte for byte, command by command. Every family's write commands are covered, with the
 * `del` after a container empties, `new` (flag n), `keymiss` (flag m), `expired` (lazy expiry; the
 * active cycle deletes through the same path) and `evicted`,
 * and notify-keyspace-events settings that enable only some classes or only K / only E.
 *
 * After each command the writer publishes a marker on a channel the subscriber also listens to, so
 * the events are attributed to the command that caused them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** A step: a command line, or `['#after', ms]`: wait until ms have passed since the last reply. */
type Line = readonly string[];

const MARKER = 'keyspace-events-test-marker';
/** DEBUG SET-ACTIVE-EXPIRE turns the active expiry cycle off where its timing would race. */
const DEBUG = ['--enable-debug-command', 'yes'];

const SCENARIOS: readonly (readonly [string, string, readonly Line[]])[] = [
  [
    'strings',
    'AKEn',
    [
      ['SET', 's', 'v'],
      ['SET', 's', 'w', 'EX', '100'],
      ['SET', 's', 'x', 'PXAT', '99999999999999'],
      ['SET', 's', 'y', 'NX'],
      ['SET', 's', 'y', 'XX', 'GET'],
      ['SETNX', 's2', 'a'],
      ['SETNX', 's2', 'b'],
      ['SETEX', 's3', '100', 'a'],
      ['PSETEX', 's4', '100000', 'a'],
      ['GETSET', 's', 'z'],
      ['MSET', 'm1', '1', 'm2', '2'],
      ['MSETNX', 'm3', '3', 'm4', '4'],
      ['MSETNX', 'm3', '3', 'm5', '5'],
      ['APPEND', 'a', 'x'],
      ['APPEND', 'a', 'y'],
      ['SETRANGE', 'r', '3', 'abc'],
      ['SETRANGE', 'r', '0', ''],
      ['INCR', 'n'],
      ['INCRBY', 'n', '5'],
      ['DECR', 'n'],
      ['DECRBY', 'n', '2'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['INCR', 's'],
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '1'],
      ['BITFIELD', 'bf', 'SET', 'u8', '0', '255'],
      ['BITFIELD', 'bf', 'GET', 'u8', '0'],
      ['BITOP', 'OR', 'dest', 'b', 'bf'],
      ['BITOP', 'AND', 'dest', 'nokey1', 'nokey2'],
      ['GETEX', 'm1', 'EX', '100'],
      ['GETEX', 'm1', 'PERSIST'],
      ['GETEX', 'm1', 'PXAT', '1'],
      ['GETDEL', 'm2'],
      ['GETDEL', 'm2'],
      ['GET', 'nokey'],
      ['LCS', 'a', 'r'],
    ],
  ],
  [
    'lists',
    'AKEn',
    [
      ['LPUSH', 'l', 'a', 'b'],
      ['RPUSH', 'l', 'c'],
      ['LPUSHX', 'nolist', 'a'],
      ['RPUSHX', 'l', 'd'],
      ['LINSERT', 'l', 'BEFORE', 'c', 'x'],
      ['LINSERT', 'l', 'BEFORE', 'nothere', 'x'],
      ['LSET', 'l', '0', 'z'],
      ['LREM', 'l', '1', 'x'],
      ['LREM', 'l', '1', 'nothere'],
      ['LTRIM', 'l', '0', '-1'],
      ['LTRIM', 'l', '0', '1'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['RPUSH', 'l', '1', '2', '3', '4'],
      ['LPOP', 'l', '2'],
      ['RPOPLPUSH', 'l', 'l2'],
      ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
      ['LMOVE', 'l2', 'l2', 'LEFT', 'RIGHT'],
      ['LMPOP', '2', 'l', 'l2', 'RIGHT', 'COUNT', '5'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'l', '0'],
      ['BRPOP', 'l', '0'],
      ['BLMOVE', 'l', 'l3', 'RIGHT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'l3', 'LEFT'],
      ['RPUSH', 'l', 'a', 'b'],
      ['LTRIM', 'l', '5', '10'],
      ['RPUSH', 'l', '3', '1', '2'],
      ['SORT', 'l', 'STORE', 'sorted'],
      ['SORT', 'nolist', 'STORE', 'sorted'],
      ['LRANGE', 'l', '0', '-1'],
    ],
  ],
  [
    'hashes',
    'AKEn',
    [
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HMSET', 'h', 'c', '3'],
      ['HSETNX', 'h', 'a', '9'],
      ['HSETNX', 'h', 'd', '4'],
      ['HINCRBY', 'h', 'a', '5'],
      ['HINCRBYFLOAT', 'h', 'b', '0.5'],
      ['HINCRBY', 'h', 'c', 'x'],
      ['HDEL', 'h', 'nothere'],
      ['HDEL', 'h', 'a', 'b'],
      ['HDEL', 'h', 'c', 'd'],
      ['HGET', 'h', 'a'],
    ],
  ],
  [
    'sets',
    'AKEn',
    [
      ['SADD', 's', '1', '2', '3'],
      ['SADD', 's', '1'],
      ['SREM', 's', '9'],
      ['SREM', 's', '1'],
      ['SMOVE', 's', 't', '2'],
      ['SMOVE', 's', 't', '3'],
      ['SADD', 's', 'x'],
      ['SMOVE', 's', 't', 'x'],
      ['SADD', 'u', 'a', 'b', 'c', 'd'],
      ['SPOP', 'u'],
      ['SPOP', 'u', '2'],
      ['SPOP', 'u', '5'],
      ['SADD', 'p', 'a', 'b'],
      ['SADD', 'q', 'b', 'c'],
      ['SINTERSTORE', 'i', 'p', 'q'],
      ['SUNIONSTORE', 'un', 'p', 'q'],
      ['SDIFFSTORE', 'd', 'p', 'q'],
      ['SINTERSTORE', 'i', 'p', 'nokey'],
      ['SDIFFSTORE', 'none', 'p', 'p'],
      ['SPOP', 'p', '0'],
      ['SPOP', 'q'],
      ['SPOP', 'q'],
    ],
  ],
  [
    'zsets',
    'AKEn',
    [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZADD', 'z', '1', 'a'],
      ['ZADD', 'z', 'INCR', '5', 'a'],
      ['ZINCRBY', 'z', '1', 'b'],
      ['ZADD', 'z', 'NX', '9', 'a'],
      ['ZREM', 'z', 'nothere'],
      ['ZREM', 'z', 'a'],
      ['ZADD', 'y', '1', 'x', '2', 'y', '3', 'zz'],
      ['ZREMRANGEBYRANK', 'y', '0', '0'],
      ['ZREMRANGEBYSCORE', 'y', '2', '2'],
      ['ZREMRANGEBYLEX', 'y', '-', '+'],
      ['ZREMRANGEBYLEX', 'y', '-', '+'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z', '5'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', 'w', '2', 'b', '3', 'x'],
      ['ZUNIONSTORE', 'u', '2', 'z', 'w'],
      ['ZINTERSTORE', 'i', '2', 'z', 'w'],
      ['ZDIFFSTORE', 'd', '2', 'z', 'w'],
      ['ZINTERSTORE', 'i', '2', 'z', 'nokey'],
      ['ZRANGESTORE', 'r', 'z', '0', '1'],
      ['ZRANGESTORE', 'r', 'z', '5', '10'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
      ['BZPOPMIN', 'z', '0'],
      ['ZADD', 'z', '1', 'a'],
      ['BZPOPMAX', 'z', '0'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '10'],
    ],
  ],
  [
    'keys',
    'AKEn',
    [
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['DEL', 'a', 'nokey', 'b'],
      ['SET', 'a', '1'],
      ['UNLINK', 'a'],
      ['SET', 'a', '1'],
      ['EXPIRE', 'a', '100'],
      ['PEXPIRE', 'a', '100000'],
      ['EXPIREAT', 'a', '99999999999'],
      ['PEXPIREAT', 'a', '99999999999999'],
      ['EXPIRE', 'a', '100', 'NX'],
      ['PERSIST', 'a'],
      ['PERSIST', 'a'],
      ['EXPIRE', 'nokey', '100'],
      ['RENAME', 'a', 'b'],
      ['SET', 'c', '3'],
      ['RENAME', 'b', 'c'],
      ['RENAMENX', 'c', 'd'],
      ['SET', 'e', '5'],
      ['RENAMENX', 'd', 'e'],
      ['RENAME', 'd', 'd'],
      ['MOVE', 'd', '1'],
      ['SET', 'x', '1'],
      ['COPY', 'x', 'y'],
      ['COPY', 'x', 'y', 'REPLACE'],
      ['COPY', 'x', 'y', 'DB', '2'],
      ['EXPIRE', 'x', '0'],
      ['SET', 'x', '1'],
      ['PEXPIREAT', 'x', '1'],
      ['TOUCH', 'e'],
      ['SET', 'dumped', 'value'],
      ['#dump-restore', 'dumped', 'restored'],
      ['#dump-restore', 'dumped', 'restored', 'REPLACE'],
      ['TYPE', 'e'],
      ['EXISTS', 'e'],
    ],
  ],
  [
    'expired keys',
    'AKEn',
    [
      // Lazy expiry only: an active cycle would announce the key at a moment that is a race.
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'lazy', 'v', 'PX', '1'],
      ['#after', '10'],
      ['GET', 'lazy'],
      ['SET', 'lazy2', 'v', 'PX', '1'],
      ['#after', '10'],
      ['EXISTS', 'lazy2'],
      ['SET', 'lazy3', 'v', 'PX', '1'],
      ['#after', '10'],
      ['SET', 'lazy3', 'again'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
  ],
  [
    'only some classes',
    'E$',
    [
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 's', 'v'],
      ['LPUSH', 'l', 'a'],
      ['DEL', 's', 'l'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Klg'],
      ['LPUSH', 'l', 'a'],
      ['SET', 's', 'v'],
      ['LPOP', 'l'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Eh'],
      ['HSET', 'h', 'f', 'v'],
      ['HDEL', 'h', 'f'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Ksz'],
      ['SADD', 'x', 'a'],
      ['ZADD', 'y', '1', 'a'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEx'],
      ['SET', 'e', 'v', 'PX', '1'],
      ['#after', '10'],
      ['GET', 'e'],
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEg'],
      ['SET', 'e', 'v', 'PX', '1'],
      ['#after', '10'],
      ['GET', 'e'],
      ['CONFIG', 'SET', 'notify-keyspace-events', ''],
      ['SET', 's', 'v'],
      ['DEL', 's'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
  ],
  [
    'key misses',
    'KEm',
    [
      ['SET', 's', 'v'],
      ['RPUSH', 'l', '2', '1'],
      ['GET', 'nokey'],
      ['GET', 's'],
      ['MGET', 's', 'n1', 'n2'],
      ['STRLEN', 'nokey'],
      ['GETRANGE', 'nokey', '0', '1'],
      ['GETBIT', 'nokey', '1'],
      ['BITCOUNT', 'nokey'],
      ['BITPOS', 'nokey', '1'],
      ['GETEX', 'nokey', 'EX', '10'],
      ['GETDEL', 'nokey'],
      ['BITOP', 'OR', 'd', 'n1', 's'],
      ['LCS', 'n1', 's'],
      ['LRANGE', 'nokey', '0', '-1'],
      ['LLEN', 'nokey'],
      ['LINDEX', 'nokey', '0'],
      ['LPOS', 'nokey', 'a'],
      ['HGET', 'nokey', 'f'],
      ['HGETALL', 'nokey'],
      ['HEXISTS', 'nokey', 'f'],
      ['HRANDFIELD', 'nokey'],
      ['SMEMBERS', 'nokey'],
      ['SISMEMBER', 'nokey', 'a'],
      ['SRANDMEMBER', 'nokey'],
      ['SINTER', 'nokey', 'n2'],
      ['SINTERSTORE', 'd', 'nokey'],
      ['SUNIONSTORE', 'd', 'n1', 'n2'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZSCORE', 'nokey', 'a'],
      ['ZCARD', 'nokey'],
      ['ZUNIONSTORE', 'd', '2', 'n1', 'n2'],
      ['ZRANDMEMBER', 'nokey'],
      ['TYPE', 'nokey'],
      ['TTL', 'nokey'],
      ['PTTL', 'nokey'],
      ['EXISTS', 'nokey', 's'],
      ['TOUCH', 'nokey'],
      ['OBJECT', 'ENCODING', 'nokey'],
      ['COPY', 'nokey', 'x'],
      ['SORT', 'nokey'],
      ['SORT', 'l', 'BY', 'w_*', 'GET', 'o_*'],
      ['RENAME', 'nokey', 'x'],
      ['SMOVE', 'nokey', 'x', 'a'],
      ['LPOP', 'nokey'],
      ['DEL', 'nokey'],
      ['EXPIRE', 'nokey', '10'],
      ['INCR', 'newcounter'],
      ['APPEND', 'newstring', 'x'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'e', 'v', 'PX', '1'],
      ['#after', '10'],
      ['GET', 'e'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
  ],
  [
    'a selected database',
    'AKE',
    [
      ['SELECT', '3'],
      ['SET', 'k', 'v'],
      ['LPUSH', 'l', 'a'],
      ['MOVE', 'k', '0'],
      ['SELECT', '0'],
      ['DEL', 'k'],
    ],
  ],
  ['transactions', 'AKE', [['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['LPUSH', 'l', 'x'], ['EXEC']]],
];

/** The messages a subscriber received, one list per line of the scenario (markers removed). */
async function eventsOf(
  server: RunningServer,
  flags: string,
  lines: readonly Line[],
  protocol: 2 | 3,
): Promise<string[][]> {
  const writer = await RawConnection.open(server.port, 2000);
  const subscriber = await RawConnection.open(server.port, 2000);
  try {
    await writer.call(['FLUSHALL']);
    await writer.call(['CONFIG', 'SET', 'notify-keyspace-events', flags]);
    if (protocol === 3) await subscriber.call(['HELLO', '3']);
    await subscriber.call(['PSUBSCRIBE', '__key*__:*']);
    await subscriber.call(['SUBSCRIBE', MARKER]);
    const out: string[][] = [];
    let lastReply = Date.now();
    let queuing = false;
    for (const [i, line] of lines.entries()) {
      if (line[0] === '#after') {
        const until = lastReply + Number(line[1]);
        while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
        out.push([]);
        continue;
      }
      if (line[0] === '#dump-restore') {
        // RESTORE of the DUMP payload the same server produced for line[1].
        const dumped = await writer.call(['DUMP', line[1] as string]);
        const start = dumped.indexOf('\r\n') + 2;
        const payload = dumped.subarray(start, dumped.length - 2);
        const restored = await writer.call(['RESTORE', line[2] as string, '0', payload, ...line.slice(3)]);
        if (line[3] === 'REPLACE') assert.equal(restored.toString('latin1'), '+OK\r\n', server.name);
      } else {
        await writer.call(line);
      }
      lastReply = Date.now();
      const word = (line[0] ?? '').toUpperCase();
      if (word === 'MULTI') queuing = true;
      if (word === 'EXEC' || word === 'DISCARD') queuing = false;
      if (queuing) {
        // A marker would be queued too: the events of the transaction come with EXEC's line.
        out.push([]);
        continue;
      }
      await writer.call(['PUBLISH', MARKER, String(i)]);
      const events: string[] = [];
      for (;;) {
        const r = await subscriber.read(3000);
        if (r.kind !== 'reply')
          throw new Error(`${server.name}: subscriber ${r.kind} after ${line.join(' ')}`);
        const text = showBytes(r.bytes, 10_000);
        if (text.includes(MARKER)) break;
        events.push(text);
      }
      out.push(events);
    }
    return out;
  } finally {
    writer.close();
    subscriber.close();
  }
}

async function compareScenarios(protocol: 2 | 3): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0, DEBUG), startRedmesh(0, DEBUG)]);
    let events = 0;
    for (const [name, flags, lines] of SCENARIOS) {
      const real = await eventsOf(redis, flags, lines, protocol);
      const ours = await eventsOf(redmesh, flags, lines, protocol);
      for (const [i, line] of lines.entries()) {
        assert.deepEqual(ours[i], real[i], `${name} (${flags}, RESP${protocol}): ${line.join(' ')}`);
        events += real[i]?.length ?? 0;
      }
    }
    assert.ok(events > 200, `only ${events} events compared`);
  } finally {
    await stopAll(redis, redmesh);
  }
}

test('a RESP2 subscriber receives the keyspace and keyevent messages of redis-server 7.0, command by command', async () => {
  await compareScenarios(2);
});

test('a RESP3 subscriber receives the same pushes as from redis-server 7.0', async () => {
  await compareScenarios(3);
});

test('evicted keys are announced as redis-server 7.0 does', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0, DEBUG), startRedmesh(0, DEBUG)]);
    const lines: Line[] = [
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['SET', 'victim', 'v'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'next', 'v'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ];
    // Redis may evict from a timer after CONFIG SET maxmemory: compare the whole stream, not per line.
    const real = (await eventsOf(redis, 'AKE', lines, 2)).flat();
    const ours = (await eventsOf(redmesh, 'AKE', lines, 2)).flat();
    assert.deepEqual(ours, real);
    assert.ok(
      real.some((e) => e.includes('evicted')),
      `redis evicted nothing: ${real.join(' | ')}`,
    );
  } finally {
    await stopAll(redis, redmesh);
  }
});
