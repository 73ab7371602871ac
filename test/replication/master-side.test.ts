/**
 * Master-side details against real replicas, and expiry on a replica compared with a real replica of
 * the same master: replicas that arrive together share one diskless snapshot; a replica never
 * expires keys itself (reads of an expired key answer as missing), the master's DEL removes them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands } from '../persistence/dataset.js';
import { assertSameDataset, connectTo, text, waitInSync } from './helpers.js';

test('replicas that arrive together share one diskless snapshot', async () => {
  let master: RunningServer | undefined;
  let a: RunningServer | undefined;
  let b: RunningServer | undefined;
  try {
    master = await startRedmesh(0, ['--repl-diskless-sync-delay', '2']);
    const m = await connectTo(master);
    await runCommands(m, datasetCommands());
    const args = ['--replicaof', '127.0.0.1', String(master.port)];
    [a, b] = await Promise.all([startRedis(0, args), startRedis(0, args)]);
    const ca = await connectTo(a);
    const cb = await connectTo(b);
    const detail = (): string => master?.output() ?? '';
    await waitInSync(m, ca, detail);
    await waitInSync(m, cb, detail);
    assert.equal(
      (master.output().match(/Starting BGSAVE for SYNC with target: replicas sockets/g) ?? []).length,
      1,
    );
    await assertSameDataset(m, ca, 'first replica');
    await assertSameDataset(m, cb, 'second replica');
    for (const c of [m, ca, cb]) c.close();
  } finally {
    await stopAll(a, b, master);
  }
});

test('expired keys on a redmesh replica answer as on a real replica until the master sends DEL', async () => {
  let master: RunningServer | undefined;
  let real: RunningServer | undefined;
  let ours: RunningServer | undefined;
  try {
    master = await startRedis(0, ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    const m = await connectTo(master);
    await text(m, ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    const args = ['--replicaof', '127.0.0.1', String(master.port)];
    [real, ours] = await Promise.all([startRedis(0, args), startRedmesh(0, args)]);
    const r = await connectTo(real);
    const o = await connectTo(ours);
    await waitInSync(m, r);
    await waitInSync(m, o);
    await text(m, ['SET', 'short', 'v', 'PX', '300']);
    await text(m, ['SET', 'long', 'v']);
    await waitInSync(m, r);
    await waitInSync(m, o);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const probe = [['GET', 'short'], ['EXISTS', 'short'], ['TTL', 'short'], ['DBSIZE'], ['KEYS', '*']];
    const answers = async (c: typeof r): Promise<string[]> => {
      const out: string[] = [];
      for (const argv of probe) out.push(await text(c, argv));
      return out;
    };
    const before = await answers(r);
    assert.deepEqual(await answers(o), before);
    assert.equal(before[3], ':2', 'the real replica still holds the expired key');
    // A read on the master expires the key there and propagates DEL.
    assert.equal(await text(m, ['GET', 'short']), '$-1');
    await waitInSync(m, r);
    await waitInSync(m, o);
    const after = await answers(r);
    assert.deepEqual(await answers(o), after);
    assert.equal(after[3], ':1');
    for (const c of [m, r, o]) c.close();
  } finally {
    await stopAll(real, ours, master);
  }
});
