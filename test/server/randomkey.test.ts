/**
 * RANDOMKEY against a real redis-server: every key comes up, none far more often than the others,
 * and expired keys it lands on are deleted rather than returned. Ports redis.port-redmesh.port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, encodeCommand } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const KEYS = 20;
const DRAWS = 2000;

async function distribution(c: RawConnection): Promise<Map<string, number>> {
  const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
  await c.call(['FLUSHALL']);
  await c.call(['MSET', ...keys.flatMap((k) => [k, 'v'])]);
  c.write(Buffer.concat(Array.from({ length: DRAWS }, () => encodeCommand(['RANDOMKEY']))));
  const counts = new Map<string, number>();
  for (let i = 0; i < DRAWS; i++) {
    const r = await c.read(5000);
    if (r.kind !== 'reply') throw new Error(`RANDOMKEY ${i}: ${r.kind}`);
    const key = r.bytes.toString('latin1').split('\r\n')[1] as string;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Exact replies when every key has expired, or all but one. */
async function expiredDraws(c: RawConnection): Promise<string[]> {
  const out: string[] = [];
  const call = async (...argv: string[]): Promise<void> => {
    out.push(`${argv.join(' ')} -> ${(await c.call(argv)).toString('latin1')}`);
  };
  await call('FLUSHALL');
  await call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  for (let i = 0; i < 150; i++) await c.call(['SET', `gone:${i}`, 'v', 'PX', '1']);
  await new Promise((r) => setTimeout(r, 20)); // let the 1 ms TTLs pass
  await call('DBSIZE');
  await call('RANDOMKEY');
  await call('DBSIZE');
  for (let i = 0; i < 3; i++) await c.call(['SET', `gone:${i}`, 'v', 'PX', '1']);
  await call('SET', 'live', 'v');
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++) await call('RANDOMKEY');
  await call('DBSIZE');
  return out;
}

test('RANDOMKEY draws every key about equally and deletes expired ones it meets, like Redis', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0, ['--enable-debug-command', 'yes']);
    redmesh = await startRedmesh(0, ['--enable-debug-command', 'yes']);
    for (const server of [redis, redmesh]) {
      const c = await RawConnection.open(server.port);
      try {
        const counts = await distribution(c);
        assert.equal(counts.size, KEYS, `${server.name}: ${[...counts.keys()].join(' ')}`);
        // Expected 100 each (sd ≈ 10): a fair pick stays well inside 40..200.
        for (const [key, n] of counts) assert.ok(n >= 40 && n <= 200, `${server.name} ${key}: ${n}`);
      } finally {
        c.close();
      }
    }
    const transcripts: string[][] = [];
    for (const server of [redis, redmesh]) {
      const c = await RawConnection.open(server.port);
      try {
        transcripts.push(await expiredDraws(c));
      } finally {
        c.close();
      }
    }
    // How many of the 3 expired keys the 5 draws happened to meet (and delete) is random, in Redis too:
    // the last DBSIZE is 1 (all met) to 4 (none met); the rest of the transcript is deterministic.
    for (const t of transcripts) assert.match(t.pop() ?? '', /^DBSIZE -> :[1-4]\r\n$/);
    assert.deepEqual(transcripts[1], transcripts[0]);
    assert.ok(transcripts[0]?.includes('RANDOMKEY -> $-1\r\n'));
  } finally {
    await stopAll(redis, redmesh);
  }
});
