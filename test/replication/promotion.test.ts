/**
 * Promotion keeps the history (PSYNC2): REPLICAOF NO ONE moves the old replication id to replid2, so
 * the old master, turned replica of the promoted one, continues with a partial resync. Both
 * directions against real redis-server 7.0, and redmesh → redmesh.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands } from '../persistence/dataset.js';
import { assertSameDataset, connectTo, info, text, waitFor, waitInSync } from './helpers.js';

type Kind = 'redis' | 'redmesh';
const start = (kind: Kind, args: readonly string[]): Promise<RunningServer> =>
  kind === 'redis' ? startRedis(0, args) : startRedmesh(0, args);

const PAIRS: readonly (readonly [Kind, Kind])[] = [
  ['redis', 'redmesh'],
  ['redmesh', 'redis'],
  ['redmesh', 'redmesh'],
];

for (const [masterKind, replicaKind] of PAIRS) {
  test(`${masterKind} master → ${replicaKind} replica, promoted; the old master follows it with a partial resync`, async () => {
    let a: RunningServer | undefined;
    let b: RunningServer | undefined;
    try {
      a = await start(masterKind, ['--repl-diskless-sync-delay', '0']);
      const ca = await connectTo(a);
      await runCommands(ca, datasetCommands());
      b = await start(replicaKind, [
        '--replicaof',
        '127.0.0.1',
        String(a.port),
        '--repl-diskless-sync-delay',
        '0',
      ]);
      const cb = await connectTo(b);
      const servers = [a, b];
      const detail = (): string => servers.map((s) => `--- ${s.name}\n${s.output()}`).join('\n');
      await waitInSync(ca, cb, detail);
      await text(ca, ['SET', 'before-promotion', '1']);
      await waitInSync(ca, cb, detail);
      const oldId = await info(ca, 'master_replid');
      const offset = Number(await info(cb, 'master_repl_offset'));

      assert.equal(await text(cb, ['REPLICAOF', 'NO', 'ONE']), '+OK');
      assert.equal(await info(cb, 'role'), 'master');
      assert.equal(await info(cb, 'master_replid2'), oldId);
      assert.equal(Number(await info(cb, 'second_repl_offset')), offset + 1);
      assert.notEqual(await info(cb, 'master_replid'), oldId);
      assert.equal(await text(cb, ['SET', 'after-promotion', '1']), '+OK');

      const partialBefore = Number(await info(cb, 'sync_partial_ok'));
      assert.equal(await text(ca, ['REPLICAOF', '127.0.0.1', String(b.port)]), '+OK');
      await waitFor(
        'the old master to resync partially',
        async () => Number(await info(cb, 'sync_partial_ok')) === partialBefore + 1,
        20_000,
        detail,
      );
      await waitInSync(cb, ca, detail);
      assert.equal(await info(ca, 'master_replid'), await info(cb, 'master_replid'));
      assert.equal(await info(ca, 'master_replid2'), oldId);
      assert.equal(await text(ca, ['GET', 'after-promotion']), '1');
      assert.match(await text(ca, ['SET', 'x', '1']), /^-READONLY/);
      await assertSameDataset(cb, ca, 'old master after following the promoted replica');
      ca.close();
      cb.close();
    } finally {
      await stopAll(b, a);
    }
  });
}
