/**
 * Faults: a corrupt or truncated payload, a wrong masterauth, an unreachable master, and a replica
 * that stops reading. Each must give Redis's log lines and states, retry, and leave the data as it
 * was (the replica) or the master serving (the reader that stopped).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { connectTo, info, text, waitFor } from './helpers.js';

test('an unreachable master: Connection refused, retried every second, stale data served (MASTERDOWN when told not to)', async () => {
  let replica: RunningServer | undefined;
  try {
    const closed = await freePort();
    replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(closed)]);
    const r = await connectTo(replica);
    const out = (): string => replica?.output() ?? '';
    await waitFor(
      'two refused connects',
      () => (out().match(/Error condition on socket for SYNC: Connection refused/g) ?? []).length >= 2,
      10_000,
      out,
    );
    assert.equal(await info(r, 'master_link_status'), 'down');
    assert.equal(await info(r, 'master_sync_in_progress'), '0');
    assert.equal(await text(r, ['GET', 'nothing']), '$-1');
    assert.equal(await text(r, ['CONFIG', 'SET', 'replica-serve-stale-data', 'no']), '+OK');
    assert.equal(
      await text(r, ['GET', 'nothing']),
      "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    );
    assert.match(await text(r, ['INFO', 'replication']), /role:slave/);
    const role = await text(r, ['ROLE']);
    assert.match(role, /\$\d+\r\n(connect|connecting)\r\n:-1$/);
    r.close();
  } finally {
    await stopAll(replica);
  }
});
