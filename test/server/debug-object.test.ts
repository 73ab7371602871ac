/**
 * DEBUG OBJECT's refcount: and encoding: fields against a real redis-server 7.0, for every type and
 * encoding (and the conversions between them), and against OBJECT ENCODING/REFCOUNT: one function
 * answers all of them. Ports redis.port-redmesh.port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, encodeCommand } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

const SETUP: readonly (readonly string[])[] = [
  ['SET', 'int', '123'],
  ['SET', 'bigint', '-9223372036854775808'],
  ['SET', 'zeros', '007'],
  ['SET', 'embstr', 'hello'],
  ['SET', 'raw', 'x'.repeat(45)],
  ['SET', 'edge', 'x'.repeat(44)],
  ['APPEND', 'appended-new', 'x'],
  ['SET', 'appended', '1'],
  ['APPEND', 'appended', '2'],
  ['SETRANGE', 'setrange', '0', 'ab'],
  ['SET', 'incr', '10'],
  ['SETRANGE', 'incr', '1', '5'],
  ['INCR', 'incr'],
  ['RPUSH', 'list', 'a', 'b'],
  ['HSET', 'hash', 'a', '1'],
  ['HSET', 'bighash', ...range(513, (i) => `f${i}`).flatMap((f) => [f, 'v'])],
  ['HSET', 'longhash', 'f', 'x'.repeat(65)],
  ['SADD', 'intset', '1', '2'],
  ['SADD', 'strset', 'a'],
  ['SADD', 'bigintset', ...range(513, String)],
  ['ZADD', 'zset', '1', 'a'],
  ['ZADD', 'longzset', '1', 'y'.repeat(70)],
  ['ZADD', 'bigzset', ...range(129, (i) => [String(i), `m${i}`].join(' ')).flatMap((p) => p.split(' '))],
];
const KEYS = [...new Set(SETUP.map((s) => s[1] as string))];

/** "key refcount:… encoding:… | OBJECT ENCODING … REFCOUNT …" for every key. */
async function fields(port: number): Promise<string[]> {
  const c = await RawConnection.open(port);
  try {
    c.write(Buffer.concat(SETUP.map((s) => encodeCommand(s))));
    for (const step of SETUP) {
      const r = await c.read(5000);
      if (r.kind !== 'reply') throw new Error(`${step.join(' ')}: ${r.kind}`);
    }
    const out: string[] = [];
    for (const key of KEYS) {
      const debug = (await c.call(['DEBUG', 'OBJECT', key])).toString('latin1');
      const shown = /(refcount:\d+) (encoding:\S+)/.exec(debug);
      assert.ok(shown !== null, `${key}: ${debug}`);
      const encoding = (await c.call(['OBJECT', 'ENCODING', key])).toString('latin1').split('\r\n')[1];
      const refcount = (await c.call(['OBJECT', 'REFCOUNT', key])).toString('latin1').trim();
      out.push(`${key} ${shown[1]} ${shown[2]} | OBJECT ENCODING ${encoding} REFCOUNT ${refcount}`);
    }
    return out;
  } finally {
    c.close();
  }
}

test('DEBUG OBJECT tells the refcount and encoding that OBJECT tells, as real Redis does', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0, ['--enable-debug-command', 'yes']);
    redmesh = await startRedmesh(0, ['--enable-debug-command', 'yes']);
    const expected = await fields(redis.port);
    const got = await fields(redmesh.port);
    assert.deepEqual(got, expected);
    // The oracle covers every encoding of 7.0 (so the comparison means something).
    const encodings = new Set(expected.map((l) => /encoding:(\S+)/.exec(l)?.[1]));
    for (const e of ['int', 'embstr', 'raw', 'quicklist', 'listpack', 'hashtable', 'intset', 'skiplist']) {
      assert.ok(encodings.has(e), `no key with encoding ${e}`);
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
