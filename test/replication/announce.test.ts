/**
 * What a replica announces and what a master requires, side by side with real Redis 7.0:
 * replica-announce-ip / -port reach a real master's INFO and ROLE, replica-priority shows in the
 * replica's INFO, and min-replicas-to-write refuses writes with Redis's NOREPLICAS until a good
 * replica is attached (min_slaves_good_slaves counting it), and again once it is gone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { connectTo, info, text, waitFor } from './helpers.js';

test('replica-announce-ip/port and replica-priority as a real master sees them; min-replicas-to-write as Redis', async () => {
  let realMaster: RunningServer | undefined;
  let ourMaster: RunningServer | undefined;
  let ourReplica: RunningServer | undefined;
  let realReplica: RunningServer | undefined;
  try {
    const minReplicas = ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'];
    [realMaster, ourMaster] = await Promise.all([startRedis(0, minReplicas), startRedmesh(0, minReplicas)]);
    const rm = await connectTo(realMaster);
    const om = await connectTo(ourMaster);
    const refused = await text(rm, ['SET', 'k', 'v']);
    assert.match(refused, /^-NOREPLICAS /);
    assert.equal(await text(om, ['SET', 'k', 'v']), refused);
    assert.equal(await info(om, 'min_slaves_good_slaves'), await info(rm, 'min_slaves_good_slaves'));
    assert.equal(await info(om, 'min_slaves_good_slaves'), '0');

    ourReplica = await startRedmesh(0, [
      ...['--replicaof', '127.0.0.1', String(realMaster.port)],
      ...['--replica-announce-ip', '10.9.8.7', '--replica-announce-port', '4444', '--replica-priority', '42'],
    ]);
    realReplica = await startRedis(0, ['--replicaof', '127.0.0.1', String(ourMaster.port)]);
    const detail = (): string => `${ourReplica?.output() ?? ''}\n${ourMaster?.output() ?? ''}`;
    await waitFor(
      "the real master's slave0 line to show the announced address",
      async () => /^ip=10\.9\.8\.7,port=4444,state=online,/.test((await info(rm, 'slave0')) ?? ''),
      20_000,
      detail,
    );
    assert.match(await text(rm, ['ROLE']), /\$8\r\n10\.9\.8\.7\r\n\$4\r\n4444\r\n/);
    const oreplica = await connectTo(ourReplica);
    assert.equal(await info(oreplica, 'slave_priority'), '42');
    assert.equal(await info(oreplica, 'replica_announced'), '1');

    // Both masters accept writes once their replica has acknowledged (within a second).
    for (const c of [rm, om]) {
      await waitFor(
        'a good replica',
        async () => (await text(c, ['SET', 'k', 'v'])) === '+OK',
        20_000,
        detail,
      );
    }
    assert.equal(await info(om, 'min_slaves_good_slaves'), '1');
    await stopAll(realReplica);
    realReplica = undefined;
    await waitFor('NOREPLICAS again', async () => (await text(om, ['SET', 'k', 'v'])) === refused, 20_000);
    for (const c of [rm, om, oreplica]) c.close();
  } finally {
    await stopAll(ourReplica, realReplica, ourMaster, realMaster);
  }
});
