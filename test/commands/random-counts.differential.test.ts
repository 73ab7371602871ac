/**
 * HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with huge counts (issue 16, point 7), compared with
 * redis-server 7.0.15 only where Redis answers at once: a count out of range (LONG_MIN; with
 * WITHVALUES/WITHSCORES beyond ±LONG_MAX/2) is refused before the key is read, and any other count on
 * a missing key is an empty array, on a key of another type WRONGTYPE. On an existing key Redis would
 * build |count| elements in memory (7.0.15 was OOM-killed at ~23 GB answering one), so that case is
 * not sent to Redis: redmesh answers up to 2^24 picks and refuses more with "value is out of range",
 * a deliberate, documented difference checked on redmesh alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const COUNTS = [
  '-9223372036854775808',
  '-9223372036854775807',
  '-4611686018427387904',
  '-4611686018427387903',
  '-99999999999',
  '-16777217',
  '4611686018427387904',
  '9223372036854775807',
];

function lines(): string[][] {
  const out: string[][] = [];
  for (const [command, option] of [
    ['HRANDFIELD', 'WITHVALUES'],
    ['SRANDMEMBER', 'WITHVALUES'],
    ['ZRANDMEMBER', 'WITHSCORES'],
  ] as const) {
    for (const count of COUNTS) {
      for (const key of ['missing', 'str']) {
        out.push([command, key, count]);
        out.push([command, key, count, option]);
      }
    }
  }
  return out;
}

async function transcript(server: RunningServer): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    await c.call(['FLUSHALL']);
    await c.call(['SET', 'str', 'x']);
    const out: string[] = [];
    for (const line of lines()) out.push(`${line.join(' ')} -> ${showBytes(await c.call(line))}`);
    return out;
  } finally {
    c.close();
  }
}

test('huge HRANDFIELD / SRANDMEMBER / ZRANDMEMBER counts on missing and wrong-type keys answer as redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await transcript(redis);
    assert.ok(real.includes('HRANDFIELD missing -99999999999 -> *0\\r\\n'), real.join('\n'));
    assert.deepEqual(await transcript(redmesh), real);
  } finally {
    await stopAll(redis, redmesh);
  }
});

test('on an existing key, redmesh answers up to 2^24 repeated picks and refuses more (Redis would exhaust memory)', async () => {
  let redmesh: RunningServer | undefined;
  try {
    redmesh = await startRedmesh(0);
    const c = await RawConnection.open(redmesh.port, 2000);
    try {
      await c.call(['HSET', 'h', 'f', 'v']);
      await c.call(['SADD', 's', 'm']);
      await c.call(['ZADD', 'z', '1', 'm']);
      for (const line of [
        ['HRANDFIELD', 'h', '-16777217'],
        ['SRANDMEMBER', 's', '-99999999999'],
        ['ZRANDMEMBER', 'z', '-9223372036854775807'],
      ]) {
        assert.equal(showBytes(await c.call(line)), '-ERR value is out of range\\r\\n', line.join(' '));
      }
      const reply = await c.call(['HRANDFIELD', 'h', '-3']);
      assert.equal(showBytes(reply), '*3\\r\\n$1\\r\\nf\\r\\n$1\\r\\nf\\r\\n$1\\r\\nf\\r\\n');
    } finally {
      c.close();
    }
  } finally {
    await stopAll(redmesh);
  }
});
