/**
 * Strings changed in place (SETRANGE, SETBIT, BITFIELD, APPEND) against a real redis-server: the same
 * replies byte for byte for the writes and for everything that reads them afterwards. Ports redis.port-redmesh.port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const SCRIPT: readonly (readonly string[])[] = [
  ['SET', 'k', 'hello', 'EX', '1000'],
  ['OBJECT', 'ENCODING', 'k'],
  ['SETRANGE', 'k', '1', 'EY'],
  ['OBJECT', 'ENCODING', 'k'],
  ['TTL', 'k'],
  ['SETRANGE', 'k', '10', 'world'],
  ['GET', 'k'],
  ['SETRANGE', 'k', '0', ''],
  ['SETRANGE', 'nokey', '5', ''],
  ['EXISTS', 'nokey'],
  ['SETBIT', 'k', '7', '1'],
  ['SETBIT', 'k', '7', '1'],
  ['GETBIT', 'k', '7'],
  ['GETBIT', 'k', '1000'],
  ['SETBIT', 'k', '200', '1'],
  ['STRLEN', 'k'],
  ['GET', 'k'],
  ['BITFIELD', 'k', 'SET', 'u8', '0', '65', 'GET', 'u16', '8', 'INCRBY', 'i8', '#30', '5'],
  ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '1000', '7'],
  ['STRLEN', 'k'],
  ['BITCOUNT', 'k'],
  ['BITPOS', 'k', '1', '2'],
  ['GETRANGE', 'k', '-8', '-1'],
  ['MGET', 'k', 'nokey'],
  ['LCS', 'k', 'k', 'LEN'],
  ['APPEND', 'k', 'tail'],
  ['OBJECT', 'ENCODING', 'k'],
  ['COPY', 'k', 'k2'],
  ['SETRANGE', 'k', '0', 'ZZ'],
  ['GET', 'k2'],
  ['GET', 'k'],
  // APPEND to a string changed in place appends in place; reads see every byte of it.
  ['APPEND', 'k', ''],
  ['APPEND', 'k', 'more\0bytes'],
  ['SETBIT', 'k', '6', '1'],
  ['APPEND', 'k', 'x'.repeat(300)],
  ['STRLEN', 'k'],
  ['GETRANGE', 'k', '0', '9'],
  ['GETRANGE', 'k', '-305', '-290'],
  ['GETRANGE', 'k', '5', '2'],
  ['GET', 'k'],
  ['OBJECT', 'ENCODING', 'k'],
  ['SET', 'k', 'plain'],
  ['OBJECT', 'ENCODING', 'k'],
  ['SETBIT', 'fresh', '9', '1'],
  ['GET', 'fresh'],
  ['OBJECT', 'ENCODING', 'fresh'],
  ['SET', 'n', '10'],
  ['SETRANGE', 'n', '1', '5'],
  ['INCR', 'n'],
  ['OBJECT', 'ENCODING', 'n'],
  ['LPUSH', 'fresh', 'x'],
  ['SETRANGE', 'k', '536870912', 'x'],
  ['SETBIT', 'k', '4294967296', '1'],
  ['TTL', 'k2'],
];

async function transcript(port: number): Promise<string[]> {
  const c = await RawConnection.open(port);
  try {
    const out: string[] = [];
    for (const argv of SCRIPT) out.push(`${argv.join(' ')} -> ${(await c.call(argv)).toString('latin1')}`);
    return out;
  } finally {
    c.close();
  }
}

test('SETRANGE/SETBIT/BITFIELD/APPEND in place answer like real Redis, and so does every read after them', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0);
    redmesh = await startRedmesh(0);
    const expected = await transcript(redis.port);
    const got = await transcript(redmesh.port);
    assert.deepEqual(got, expected);
  } finally {
    await stopAll(redis, redmesh);
  }
});
