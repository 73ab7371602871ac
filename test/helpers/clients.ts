/**
 * Real clients for interop tests: an ioredis connection set up the same way everywhere, a bounded wait
 * for blocked clients, and redis-cli transcripts compared between redmesh and redis-server.
 */
import assert from 'node:assert/strict';
import { Redis, type RedisOptions } from 'ioredis';
import { redisCli } from '../server/wire.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from './servers.js';

/** ioredis on 127.0.0.1:`port`, connecting on `connect()`, failing a command instead of retrying it. */
export function ioredisClient(port: number, options: RedisOptions = {}): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, ...options });
}

/** Waits (bounded) until INFO reports `count` blocked clients, so a push really serves a blocked pop. */
export async function waitBlockedClients(c: Redis, count: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!new RegExp(`blocked_clients:${count}\\r?\\n`).test(await c.info('clients'))) {
    assert.ok(Date.now() < deadline, `expected ${count} blocked client(s)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What redis-cli prints for each command of `script`, run one by one on an emptied server. */
export async function cliTranscript(
  port: number,
  script: readonly (readonly string[])[],
  protocol: 2 | 3,
): Promise<string> {
  let out = '';
  await redisCli(port, ['FLUSHALL']);
  for (const argv of script) out += `> ${argv.join(' ')}\n${await redisCli(port, [`-${protocol}`, ...argv])}`;
  return out;
}

/**
 * Starts redmesh and redis-server on free ports and asserts redis-cli prints the same text for
 * `script` from both, in RESP2 and in RESP3. Both servers are stopped afterwards.
 */
export async function assertSameCliTranscripts(script: readonly (readonly string[])[]): Promise<void> {
  let redmesh: RunningServer | undefined;
  let redis: RunningServer | undefined;
  try {
    // One after the other, so a failed start never leaves the other server unstopped.
    redmesh = await startRedmesh(0);
    redis = await startRedis(0);
    for (const protocol of [2, 3] as const) {
      const ours = await cliTranscript(redmesh.port, script, protocol);
      const theirs = await cliTranscript(redis.port, script, protocol);
      assert.equal(ours, theirs, `RESP${protocol}`);
    }
  } finally {
    await stopAll(redmesh, redis);
  }
}
