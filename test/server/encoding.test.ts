/**
 * OBJECT ENCODING after growing and shrinking: Redis converts hashes, sets and sorted sets to their
 * big encoding when a write makes them outgrow listpack/intset, and never back. Same steps on a real
 * redis-server, replies compared byte for byte. Ports redis.port-redmesh.port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, encodeCommand } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

type Step = readonly string[];

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const long = 'x'.repeat(65);

/** Writes whose replies are not compared, then the checks whose replies are. */
const PHASES: readonly { readonly setup: readonly Step[]; readonly checks: readonly Step[] }[] = [
  {
    setup: [
      ...range(1, 513).map((i) => ['HSET', 'h', `f${i}`, 'v']),
      ...range(2, 513).map((i) => ['HDEL', 'h', `f${i}`]),
      ['HSET', 'hlong', 'f', long],
      ['HSET', 'hlong', 'f', 'short'],
      ['HSET', 'hfield', long, '1'],
      ['HDEL', 'hfield', long],
      ['HSET', 'hfield', 'a', '1'],
      ['HINCRBY', 'hincr', long, '1'],
      ['HDEL', 'hincr', long],
      ['HSET', 'hincr', 'a', '1'],
      ['HSETNX', 'hnx', 'f', long],
      ['HSET', 'hnx', 'f', '1'],
      ['HSET', 'small', 'a', '1', 'b', '2'],
    ],
    checks: [
      ['OBJECT', 'ENCODING', 'h'],
      ['OBJECT', 'ENCODING', 'hlong'],
      ['OBJECT', 'ENCODING', 'hfield'],
      ['OBJECT', 'ENCODING', 'hincr'],
      ['OBJECT', 'ENCODING', 'hnx'],
      ['OBJECT', 'ENCODING', 'small'],
      ['HSCAN', 'small', '0'],
      ['COPY', 'h', 'hcopy'],
      ['OBJECT', 'ENCODING', 'hcopy'],
      ['RENAME', 'hlong', 'hrenamed'],
      ['OBJECT', 'ENCODING', 'hrenamed'],
    ],
  },
  {
    setup: [
      ...range(1, 513).map((i) => ['SADD', 's', String(i)]),
      ...range(4, 513).map((i) => ['SREM', 's', String(i)]),
      ['SADD', 'sstr', '3', '1', '2', 'a'],
      ['SREM', 'sstr', 'a'],
      ['SADD', 'ints', '3', '1', '2'],
      ['SADD', 'moved-into', '5'],
      ['SADD', 'src', 'a'],
      ['SMOVE', 'src', 'moved-into', 'a'],
      ['SREM', 'moved-into', 'a'],
    ],
    checks: [
      ['OBJECT', 'ENCODING', 's'],
      ['OBJECT', 'ENCODING', 'sstr'],
      ['OBJECT', 'ENCODING', 'ints'],
      ['SMEMBERS', 'ints'],
      ['SSCAN', 'ints', '0'],
      ['OBJECT', 'ENCODING', 'moved-into'],
      ['COPY', 's', 'scopy'],
      ['OBJECT', 'ENCODING', 'scopy'],
      ['SINTERSTORE', 'sinter', 's'],
      ['OBJECT', 'ENCODING', 'sinter'],
    ],
  },
  {
    setup: [
      ...range(1, 129).map((i) => ['ZADD', 'z', String(i), `m${i}`]),
      ...range(2, 129).map((i) => ['ZREM', 'z', `m${i}`]),
      ['ZADD', 'zlong', '1', long],
      ['ZADD', 'zlong', '2', 'b'],
      ['ZREM', 'zlong', long],
      ['RPUSH', 'l', ...range(1, 200).map(String)],
      ['LTRIM', 'l', '0', '1'],
    ],
    checks: [
      ['OBJECT', 'ENCODING', 'z'],
      ['OBJECT', 'ENCODING', 'zlong'],
      ['OBJECT', 'ENCODING', 'l'],
    ],
  },
  {
    // SPOP with a count that leaves few members builds a new set of them (spopWithCountCommand's
    // third case): an intset again when they are integers. The choices are random, the encodings not.
    setup: [
      ['SADD', 'spopints', ...range(1, 1000).map(String)],
      ['EXPIRE', 'spopints', '1000'],
      ['SPOP', 'spopints', '900'],
      ['SADD', 'spopedge', ...range(1, 600).map(String)],
      ['SPOP', 'spopedge', '500'], // 100 × 5 = 500 is not > 500: new set
      ['SADD', 'spopfew', ...range(1, 1000).map(String)],
      ['SPOP', 'spopfew', '10'], // removed one by one: stays a hash table
      ['SADD', 'spopone', ...range(1, 600).map(String)],
      ['SPOP', 'spopone'],
      ['SADD', 'spopstr', ...range(1, 600).map((i) => `a${i}`)],
      ['SPOP', 'spopstr', '590'],
    ],
    checks: [
      ['OBJECT', 'ENCODING', 'spopints'],
      ['SCARD', 'spopints'],
      ['TTL', 'spopints'],
      ['OBJECT', 'ENCODING', 'spopedge'],
      ['OBJECT', 'ENCODING', 'spopfew'],
      ['SCARD', 'spopfew'],
      ['OBJECT', 'ENCODING', 'spopone'],
      ['OBJECT', 'ENCODING', 'spopstr'],
      ['SCARD', 'spopstr'],
    ],
  },
  {
    // SINTERSTORE/SUNIONSTORE/SDIFFSTORE build their result in a fresh intset, which converts when a
    // member does not fit; SDIFFSTORE's "algorithm 2" first adds the whole first set, then removes.
    setup: [
      ['SADD', 'da', '1', '2', '3', 'x'],
      ['SADD', 'db', 'x'],
      ['SADD', 'dc', 'y'],
      ['SADD', 'dd', 'z'],
      ['SADD', 'dbig', ...range(1, 600).map(String)],
      ['SADD', 'dr1', ...range(1, 90).map(String)],
      ['SADD', 'dr2', ...range(91, 180).map(String)],
      ['SADD', 'shrunk', '1', 'x'],
      ['SREM', 'shrunk', 'x'],
      ['SADD', 'words', 'a', 'b'],
    ],
    checks: [
      ['SDIFFSTORE', 'd4', 'da', 'db', 'dc', 'dd'], // 4 × 4 / 2 > 7: algorithm 2
      ['OBJECT', 'ENCODING', 'd4'],
      ['SDIFFSTORE', 'd2', 'da', 'db'], // 4 × 2 / 2 ≤ 5: algorithm 1
      ['OBJECT', 'ENCODING', 'd2'],
      ['SDIFFSTORE', 'd4m', 'da', 'db', 'missing', 'dc', 'dd'],
      ['OBJECT', 'ENCODING', 'd4m'],
      ['SDIFFSTORE', 'dbig3', 'dbig', 'dr1', 'dr2'], // 900 > 780: algorithm 2, 600 > 512 entries
      ['OBJECT', 'ENCODING', 'dbig3'],
      ['SDIFFSTORE', 'dbig2', 'dbig', 'dr1'], // 600 ≤ 690: algorithm 1, 510 entries
      ['OBJECT', 'ENCODING', 'dbig2'],
      ['SDIFFSTORE', 'dsame', 'dbig', 'dbig', 'dr1'],
      ['OBJECT', 'ENCODING', 'shrunk'],
      ['SUNIONSTORE', 'un', 'shrunk'],
      ['OBJECT', 'ENCODING', 'un'],
      ['SUNIONSTORE', 'unw', 'shrunk', 'words'],
      ['OBJECT', 'ENCODING', 'unw'],
      ['SINTERSTORE', 'in', 'shrunk', 'dbig'],
      ['OBJECT', 'ENCODING', 'in'],
      ['SINTERSTORE', 'inw', 'words', 'words'],
      ['OBJECT', 'ENCODING', 'inw'],
      ['SDIFFSTORE', 'd4', 'missing', 'da'],
      ['EXISTS', 'd4'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
      ['SUNIONSTORE', 'small', 'da', 'db'],
      ['SDIFFSTORE', 'small3', 'dr1', 'dc', 'dd', 'db'],
      ['OBJECT', 'ENCODING', 'small3'],
      ['SINTERSTORE', 'small2', 'dr1', 'dr1'],
      ['OBJECT', 'ENCODING', 'small2'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
      ['SINTERSTORE', 'small4', 'dr1', 'dr1'],
      ['OBJECT', 'ENCODING', 'small4'],
    ],
  },
];

async function transcript(port: number): Promise<string[]> {
  const c = await RawConnection.open(port);
  const out: string[] = [];
  try {
    for (const { setup, checks } of PHASES) {
      c.write(Buffer.concat(setup.map((s) => encodeCommand(s))));
      for (let i = 0; i < setup.length; i++) {
        const r = await c.read(5000);
        if (r.kind !== 'reply') throw new Error(`setup ${setup[i]?.join(' ')}: ${r.kind}`);
      }
      for (const step of checks) out.push(`${step.join(' ')} -> ${(await c.call(step)).toString('latin1')}`);
    }
  } finally {
    c.close();
  }
  return out;
}

test('encodings never go back to listpack/intset after outgrowing them, as in Redis', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0);
    redmesh = await startRedmesh(0);
    const expected = await transcript(redis.port);
    const got = await transcript(redmesh.port);
    assert.deepEqual(got, expected);
    assert.equal(expected[0], 'OBJECT ENCODING h -> $9\r\nhashtable\r\n'); // the oracle's sticky answer
  } finally {
    await stopAll(redis, redmesh);
  }
});
