/**
 * Restarts with persistence: the replication history saved in the RDB (repl-id, repl-offset,
 * repl-stream-db) lets a restarted redmesh master serve its real replica a partial resync, and a
 * restarted redmesh replica continue from a real master partially.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands } from '../persistence/dataset.js';
import { assertSameDataset, connectTo, info, text, waitFor, waitInSync } from './helpers.js';

test('a redmesh master restarted from its RDB serves its real replica a partial resync', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-repl-restart-'));
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    const args = ['--dir', dir, '--save', '3600 1', '--repl-diskless-sync-delay', '0'];
    master = await startRedmesh(0, args);
    const port = master.port;
    let m = await connectTo(master);
    await runCommands(m, datasetCommands());
    replica = await startRedis(0, ['--replicaof', '127.0.0.1', String(port)]);
    const r = await connectTo(replica);
    const detail = (): string => `${master?.output() ?? ''}\n${replica?.output() ?? ''}`;
    await waitInSync(m, r, detail);
    await text(m, ['SELECT', '7']);
    await text(m, ['SET', 'in-db-7', 'before']);
    await waitInSync(m, r, detail);
    const replid = await info(m, 'master_replid');
    m.close();
    await master.stop(); // SIGTERM with save points: the RDB is written, with the history
    master = await startRedmesh(port, args);
    m = await connectTo(master);
    assert.equal(await info(m, 'master_replid2'), replid);
    // Written in db 7 again: the replica must apply it there though the stream sends no SELECT first.
    await waitFor(
      'the replica to resync',
      async () => Number(await info(m, 'sync_partial_ok')) === 1,
      20_000,
      detail,
    );
    assert.equal(Number(await info(m, 'sync_full')), 0);
    await text(m, ['SELECT', '7']);
    await text(m, ['SET', 'in-db-7', 'after']);
    await waitInSync(m, r, detail);
    await assertSameDataset(m, r, 'real replica after the master restart');
    m.close();
    r.close();
  } finally {
    await stopAll(replica, master);
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const masterKind of ['redis', 'redmesh'] as const) {
  test(`a redmesh replica restarted from its RDB continues from a ${masterKind} master partially, in the right database`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-repl-restart-'));
    let master: RunningServer | undefined;
    let replica: RunningServer | undefined;
    try {
      master =
        masterKind === 'redis'
          ? await startRedis(0, ['--repl-diskless-sync-delay', '0'])
          : await startRedmesh(0, ['--repl-diskless-sync-delay', '0']);
      const m = await connectTo(master);
      await runCommands(m, datasetCommands());
      const args = ['--dir', dir, '--save', '3600 1', '--replicaof', '127.0.0.1', String(master.port)];
      replica = await startRedmesh(0, args);
      let r = await connectTo(replica);
      const detail = (): string => `${master?.output() ?? ''}\n${replica?.output() ?? ''}`;
      await text(m, ['SELECT', '4']);
      await text(m, ['SET', 'in-db-4', 'before']);
      await waitInSync(m, r, detail);
      r.close();
      await replica.stop();
      await text(m, ['SET', 'in-db-4', 'while-down']);
      await text(m, ['SET', 'also-db-4', 'while-down']);
      replica = await startRedmesh(replica.port, args);
      r = await connectTo(replica);
      await waitInSync(m, r, detail);
      assert.equal(Number(await info(m, 'sync_partial_ok')), 1);
      assert.equal(Number(await info(m, 'sync_full')), 1);
      await assertSameDataset(m, r, 'redmesh replica after its restart');
      await text(r, ['SELECT', '4']);
      assert.equal(await text(r, ['GET', 'also-db-4']), 'while-down');
      m.close();
      r.close();
    } finally {
      await stopAll(replica, master);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
