/**
 * FAILOVER as Redis 7.0: errors compared with real Redis; a redmesh master hands over to a real
 * replica, and a real master to a redmesh replica (which receives PSYNC … FAILOVER and promotes
 * itself); datasets compared after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands } from '../persistence/dataset.js';
import { assertSameDataset, connectTo, info, text, waitFor, waitInSync } from './helpers.js';

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

for (const [masterKind, replicaKind] of [
  ['redmesh', 'redis'],
  ['redis', 'redmesh'],
] as const) {
  test(`FAILOVER TO: ${masterKind} master hands over to its ${replicaKind} replica`, async () => {
    let a: RunningServer | undefined;
    let b: RunningServer | undefined;
    try {
      a = await start(masterKind, ['--repl-diskless-sync-delay', '0']);
      const ca = await connectTo(a);
      await runCommands(ca, datasetCommands());
      b = await start(replicaKind, ['--replicaof', '127.0.0.1', String(a.port)]);
      const cb = await connectTo(b);
      const servers = [a, b];
      const detail = (): string => servers.map((s) => `--- ${s.name}\n${s.output()}`).join('\n');
      await waitInSync(ca, cb, detail);
      await text(ca, ['SET', 'before-failover', '1']);
      assert.equal(
        await text(ca, ['FAILOVER', 'TO', '127.0.0.1', String(b.port), 'TIMEOUT', '10000']),
        '+OK',
      );
      await waitFor(
        'the replica to be master',
        async () => (await info(cb, 'role')) === 'master',
        15_000,
        detail,
      );
      await waitFor(
        'the old master to follow',
        async () => (await info(ca, 'master_link_status')) === 'up',
        15_000,
        detail,
      );
      assert.equal(await info(ca, 'master_failover_state'), 'no-failover');
      assert.equal(await text(cb, ['SET', 'after-failover', '1']), '+OK');
      assert.match(await text(ca, ['SET', 'x', '1']), /^-READONLY/);
      await waitInSync(cb, ca, detail);
      assert.equal(await text(ca, ['GET', 'after-failover']), '1');
      assert.equal(Number(await info(cb, 'sync_partial_ok')), 1);
      await assertSameDataset(cb, ca, 'old master after the failover');
      ca.close();
      cb.close();
    } finally {
      await stopAll(b, a);
    }
  });
}
