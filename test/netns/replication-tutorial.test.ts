/**
 * The tutorial's replication with redmesh on both ends: two namespaces on a 192.0.2.0/24 underlay,
 * `redmesh vpn` on each with the tutorial's peervpn.conf, a master whose redis.conf is the tutorial's
 * (`bind 127.0.0.1 10.8.0.1`, requirepass, tcp-keepalive 300) and a replica whose redis.conf is the
 * tutorial's (`slaveof 10.8.0.1 6379`, masterauth). The replica's INFO replication reads as the
 * tutorial checks it, writes arrive, the datasets compare equal key by key, and the tutorial's
 * promotion (`SLAVEOF NO ONE` after the master dies) keeps every key. Then the mixed pairs: a real
 * redis-server master with a redmesh replica, and a redmesh master with a real replica, from the
 * same two files. Only `--dir` is added on the command line, so each server writes in its own folder.
 *
 * The tests of this file share one tunnel and run in order.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NetnsNode, Spawned } from '../../src/ops/index.js';
import { Testbed, sh, waitFor } from '../../src/ops/index.js';
import { CLI, VpnFiles, pingOnce, startTutorialVpn } from './vpn-helpers.js';

const PASSWORD = 'tutorial-redis-password-7f3a';
const DATASET = 'dist/test/netns/fixtures/redis-dataset.js';

/** The tutorial's master redis.conf, as the tutorial edits it. */
const MASTER_CONF = `bind 127.0.0.1 10.8.0.1\nrequirepass ${PASSWORD}\ntcp-keepalive 300\n`;
/** The tutorial's replica redis.conf. */
const REPLICA_CONF =
  `bind 127.0.0.1 10.8.0.2\nrequirepass ${PASSWORD}\ntcp-keepalive 300\n` +
  `slaveof 10.8.0.1 6379\nmasterauth ${PASSWORD}\n`;

type Kind = 'redmesh' | 'redis-server';

describe('tutorial configs: replication across redmesh vpn', () => {
  let bed: Testbed;
  let files: VpnFiles;
  let a: NetnsNode;
  let b: NetnsNode;
  let masterConf: string;
  let replicaConf: string;

  before(async () => {
    bed = await Testbed.create(2);
    files = await VpnFiles.create();
    [a, b] = [bed.node(0), bed.node(1)];
    const psk = await sh(process.execPath, [CLI, 'keygen']);
    await startTutorialVpn(bed, files, a, 'a', { psk, overlay: '10.8.0.1' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: a.underlay });
    await waitFor('ping 10.8.0.1 from B', () => pingOnce(bed, b.ns, '10.8.0.1', '0.3'), 20_000, 50);
    masterConf = await files.config('redis-master', MASTER_CONF);
    replicaConf = await files.config('redis-replica', REPLICA_CONF);
  });

  after(async () => {
    await bed.destroy();
    await files.remove();
  });

  async function startServer(kind: Kind, node: NetnsNode, conf: string, dirName: string): Promise<Spawned> {
    const dir = join(files.dir, dirName);
    await mkdir(dir, { recursive: true });
    const server =
      kind === 'redmesh'
        ? bed.spawn(node.ns, process.execPath, [CLI, 'server', conf, '--dir', dir])
        : bed.spawn(node.ns, 'redis-server', [conf, '--dir', dir]);
    await waitFor(
      `${kind} in ${node.ns} answers PING`,
      async () => (await cli(node, 'PING').catch(() => '')) === 'PONG',
      20_000,
      100,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${server.output()}`);
    });
    return server;
  }

  async function cli(node: NetnsNode, ...args: string[]): Promise<string> {
    const out = await bed.exec(node.ns, 'redis-cli', [
      '-p',
      '6379',
      '-a',
      PASSWORD,
      '--no-auth-warning',
      ...args,
    ]);
    return out.trim();
  }

  async function infoReplication(node: NetnsNode): Promise<Map<string, string>> {
    const fields = new Map<string, string>();
    for (const line of (await cli(node, 'INFO', 'replication')).split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1));
    }
    return fields;
  }

  async function snapshot(node: NetnsNode): Promise<unknown> {
    return JSON.parse(
      await bed.exec(node.ns, process.execPath, [DATASET, 'snapshot', '6379', PASSWORD], 30_000),
    );
  }

  /**
   * One master/replica pair from the two files: full sync through the tunnel, INFO as the tutorial
   * reads it, a write arriving, READONLY, datasets equal; then, with `promote`, the master killed and
   * the replica promoted with SLAVEOF NO ONE. Both servers are stopped at the end.
   */
  async function scenario(
    t: { diagnostic(message: string): void },
    masterKind: Kind,
    replicaKind: Kind,
    promote: boolean,
  ): Promise<void> {
    const label = `${masterKind}-${replicaKind}`;
    const master = await startServer(masterKind, a, masterConf, `${label}-master`);
    let replica: Spawned | undefined;
    const logs = (): string => `--- master\n${master.output()}\n--- replica\n${replica?.output() ?? ''}`;
    try {
      const loaded = await bed.exec(a.ns, process.execPath, [DATASET, 'load', '6379', PASSWORD], 60_000);
      assert.match(loaded, /^loaded \d+/);
      const started = Date.now();
      replica = await startServer(replicaKind, b, replicaConf, `${label}-replica`);
      await waitFor(
        'master_link_status:up and master_sync_in_progress:0 on the replica',
        async () => {
          const info = await infoReplication(b).catch(() => new Map<string, string>());
          return info.get('master_link_status') === 'up' && info.get('master_sync_in_progress') === '0';
        },
        30_000,
        100,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${logs()}`);
      });
      t.diagnostic(`${label}: link up ${Date.now() - started} ms after the replica's start`);
      const info = await infoReplication(b);
      assert.equal(info.get('role'), 'slave');
      assert.equal(info.get('master_host'), '10.8.0.1');
      assert.equal(info.get('master_port'), '6379');
      const masterInfo = await infoReplication(a);
      assert.equal(masterInfo.get('connected_slaves'), '1');
      assert.match(masterInfo.get('slave0') ?? '', /^ip=10\.8\.0\.2,port=6379,state=online,/);

      assert.equal(await cli(a, 'SET', 'tutorial:after-sync', 'written on the master'), 'OK');
      await waitFor(
        'the write on the replica',
        async () => (await cli(b, 'GET', 'tutorial:after-sync')) === 'written on the master',
        10_000,
      );
      assert.match(await cli(b, 'SET', 'x', 'y'), /^READONLY You can't write against a read only replica\./);
      await waitFor(
        'equal replication offsets',
        async () =>
          (await infoReplication(a)).get('master_repl_offset') ===
          (await infoReplication(b)).get('master_repl_offset'),
        10_000,
      );
      const before = await snapshot(a);
      assert.deepEqual(await snapshot(b), before, `${label}: the replica's dataset equals the master's`);
      if (!promote) return;

      // The tutorial's failover: the master dies, the replica is promoted by hand.
      await bed.kill(master, 'SIGKILL');
      await waitFor(
        'master_link_status:down',
        async () => (await infoReplication(b)).get('master_link_status') === 'down',
        10_000,
      );
      assert.equal(await cli(b, 'SLAVEOF', 'NO', 'ONE'), 'OK');
      const promoted = await infoReplication(b);
      assert.equal(promoted.get('role'), 'master');
      assert.equal(promoted.get('connected_slaves'), '0');
      assert.equal(await cli(b, 'SET', 'tutorial:after-promotion', 'accepted'), 'OK');
      assert.equal(await cli(b, 'DEL', 'tutorial:after-promotion'), '1');
      assert.deepEqual(await snapshot(b), before, `${label}: the promoted replica kept every key`);
    } finally {
      if (replica !== undefined) await bed.kill(replica, 'SIGTERM').catch(() => undefined);
      await bed.kill(master, 'SIGTERM').catch(() => undefined);
    }
  }

  test('redmesh master and redmesh replica from the tutorial files: sync, INFO, writes, equal datasets, SLAVEOF NO ONE', async (t) => {
    await scenario(t, 'redmesh', 'redmesh', true);
  });

  test('real redis-server master (tutorial file) → redmesh replica (tutorial file), then SLAVEOF NO ONE', async (t) => {
    await scenario(t, 'redis-server', 'redmesh', true);
  });

  test('redmesh master (tutorial file) → real redis-server replica (tutorial file)', async (t) => {
    await scenario(t, 'redmesh', 'redis-server', false);
  });
});
