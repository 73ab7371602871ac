/**
 * FAILOVER as Redis 7.0: errors compared with real Redis; a redmesh master hands over to a real
 * replica, and a real master to a redmesh replica (which receives PSYNC … FAILOVER and promotes
 * itself); datasets compared after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, type RunningServer } from '../helpers/servers.js';
import { connectTo, text } from './helpers.js';

type Kind = 'redis' | 'redmesh';
const start = (kind: Kind, args: readonly string[]): Promise<RunningServer> =>
  kind === 'redis' ? startRedis(0, args) : startRedmesh(0, args);

test('FAILOVER argument errors are Redis 7.0 replies', async () => {
  const replies: Record<Kind, string[]> = { redis: [], redmesh: [] };
  for (const kind of ['redis', 'redmesh'] as const) {
    const s = await start(kind, []);
    try {
      const c = await connectTo(s);
      for (const argv of [
        ['FAILOVER', 'ABORT'],
        ['FAILOVER'],
        ['FAILOVER', 'TIMEOUT', '0'],
        ['FAILOVER', 'TIMEOUT', 'x'],
        ['FAILOVER', 'FORCE'],
        ['FAILOVER', 'TO', 'h'],
        ['FAILOVER', 'BOGUS'],
        ['FAILOVER', 'TO', '127.0.0.1', '1', 'TIMEOUT', '10'],
      ]) {
        replies[kind].push(await text(c, argv));
      }
      c.close();
    } finally {
      await s.stop();
    }
  }
  assert.deepEqual(replies.redmesh, replies.redis);
});
