/**
 * A deployment from `redmesh init`, brought up in network namespaces: three member nodes run
 * `redmesh vpn` with their generated peervpn.conf and a real redis-server 7.0 with their generated
 * redis.conf (only `dir` changed: /var/lib/redmesh exists on real nodes), and replicate through the
 * tunnel. Then `redmesh firewall` (nftables on a, iptables on b) is applied inside those namespaces
 * only: from a fourth namespace on the underlay, a TCP connect probe finds the Redis port filtered,
 * while through the overlay it answers, and the mesh keeps working. Apply twice changes nothing;
 * remove restores the port.
 *
 * The tests share one testbed and run in order.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NetnsNode, Spawned, Topology } from '../../src/ops/index.js';
import {
  Testbed,
  appendOnlySupported,
  buildTopology,
  deploymentFiles,
  newSecrets,
  thisRedmesh,
  waitFor,
  waitForOutput,
  writeDeployment,
} from '../../src/ops/index.js';
import { CLI, START_TIMEOUT_MS, startVpn } from './vpn-helpers.js';

/** A TCP connect from inside a namespace: `open`, `closed` (refused) or `filtered` (no answer in 1.5 s). */
const PROBE = `
const s = require('net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
const t = setTimeout(() => { console.log('filtered'); process.exit(0); }, 1500);
s.on('connect', () => { console.log('open'); process.exit(0); });
s.on('error', (e) => { console.log(e.code === 'ECONNREFUSED' ? 'closed' : 'error ' + e.code); process.exit(0); });
`;

describe('redmesh init deployment in namespaces, redmesh firewall', () => {
  let bed: Testbed;
  let dir: string;
  let topology: Topology;
  let password: string;
  let members: NetnsNode[];
  let outsider: NetnsNode;
  const vpns = new Map<string, Spawned>();

  before(async () => {
    bed = await Testbed.create(4);
    dir = await mkdtemp(join(tmpdir(), 'redmesh-deploy-'));
    members = [bed.node(0), bed.node(1), bed.node(2)];
    outsider = bed.node(3);
  });

  after(async () => {
    await bed.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function probe(from: NetnsNode, host: string, port: number): Promise<string> {
    return (await bed.exec(from.ns, process.execPath, ['-e', PROBE, host, String(port)])).trim();
  }

  async function cli(node: NetnsNode, ...args: string[]): Promise<string> {
    const out = await bed.exec(node.ns, 'redis-cli', ['-a', password, '--no-auth-warning', ...args]);
    return out.trim();
  }

  function name(i: number): string {
    return topology.nodes[i]?.name ?? '?';
  }

  async function startNodeVpn(i: number): Promise<Spawned> {
    const node = members[i] as NetnsNode;
    const vpn = startVpn(bed, node, join(dir, name(i), 'peervpn.conf'), join(dir, `${name(i)}.sock`));
    vpns.set(name(i), vpn);
    await waitForOutput(vpn, /info started /, START_TIMEOUT_MS);
    return vpn;
  }

  async function replicated(node: NetnsNode, key: string, value: string): Promise<boolean> {
    return (await cli(node, 'GET', key)) === value;
  }

  test('the generated configs bring up the mesh and replication through the tunnel', async () => {
    topology = buildTopology({
      nodes: members.map((n, i) => `${String.fromCharCode(97 + i)}=${n.underlay}`),
      master: 'a',
    });
    const secrets = newSecrets();
    password = secrets.redisPassword;
    const files = deploymentFiles(topology, secrets, {
      redmesh: thisRedmesh(),
      appendOnlySupported: appendOnlySupported(),
    });
    await writeDeployment(dir, files, false);
    for (let i = 0; i < members.length; i++) await startNodeVpn(i);
    for (let i = 0; i < members.length; i++) {
      const node = members[i] as NetnsNode;
      const overlay = topology.nodes[i]?.overlay ?? '';
      // What the server unit's ExecStartPre waits for: the VPN address it binds.
      await waitFor(
        `${overlay} on peervpn0`,
        async () =>
          (
            await bed.exec(node.ns, 'ip', ['-o', '-4', 'addr', 'show', 'dev', 'peervpn0']).catch(() => '')
          ).includes(` ${overlay}/`),
        10_000,
      );
      const conf = join(dir, name(i), 'redis.conf');
      const dataDir = join(dir, `${name(i)}-data`);
      await bed.exec(node.ns, 'mkdir', ['-p', dataDir]);
      const local = join(dir, `${name(i)}-redis.conf`);
      await writeFile(local, (await readFile(conf, 'utf8')).replace(/^dir .*$/m, `dir ${dataDir}`));
      const redis = bed.spawn(node.ns, 'redis-server', [local, '--supervised', 'no']);
      await waitForOutput(redis, /Ready to accept connections/, 10_000);
    }
    const [a, b, c] = members as [NetnsNode, NetnsNode, NetnsNode];
    for (const replica of [b, c]) {
      await waitFor(
        'master_link_status:up',
        async () => /master_link_status:up/.test(await cli(replica, 'INFO', 'replication')),
        20_000,
        100,
      );
    }
    assert.equal(await cli(a, 'SET', 'deployed', 'through-the-tunnel'), 'OK');
    for (const replica of [b, c])
      await waitFor('key on replica', () => replicated(replica, 'deployed', 'through-the-tunnel'), 5000);
    assert.match(await cli(b, 'INFO', 'replication'), /master_host:10\.8\.0\.1/);
  });

  test('nftables on a: the Redis port filtered on the underlay, answering through the VPN; idempotent; removable', async () => {
    const [a, b, c] = members as [NetnsNode, NetnsNode, NetnsNode];
    // An operator's mistake the firewall must cover: the server also listening on the underlay address.
    assert.equal(await cli(a, 'CONFIG', 'SET', 'bind', `127.0.0.1 10.8.0.1 ${a.underlay}`), 'OK');
    assert.equal(await probe(outsider, a.underlay, 6379), 'open', 'without the firewall the port is open');
    const apply = await bed.exec(a.ns, process.execPath, [
      CLI,
      'firewall',
      '--backend',
      'nftables',
      '--apply',
    ]);
    assert.match(apply, /applied with nftables/);
    const table = await bed.exec(a.ns, 'nft', ['list', 'table', 'inet', 'redmesh']);
    assert.equal(await probe(outsider, a.underlay, 6379), 'filtered');
    // What the tutorial checks with nmap from outside. A UDP service that answers no probe is
    // "open|filtered" to nmap at best; that the VPN port is really open shows below (c rejoins).
    const scan = await bed.exec(
      outsider.ns,
      'nmap',
      ['-Pn', '-n', '-sS', '-sU', '-p', 'T:6379,U:7000', a.underlay],
      60_000,
    );
    assert.match(scan, /6379\/tcp\s+filtered/, scan);
    assert.match(scan, /7000\/udp\s+open/, scan);
    assert.equal(
      (
        await bed.exec(b.ns, 'redis-cli', ['-h', '10.8.0.1', '-a', password, '--no-auth-warning', 'PING'])
      ).trim(),
      'PONG',
    );
    assert.equal(await cli(a, 'PING'), 'PONG', 'loopback');
    await bed.exec(a.ns, process.execPath, [CLI, 'firewall', '--backend', 'nftables', '--apply']);
    assert.equal(
      await bed.exec(a.ns, 'nft', ['list', 'table', 'inet', 'redmesh']),
      table,
      'applying again changes nothing',
    );
    assert.equal((await bed.exec(a.ns, 'nft', ['list', 'tables'])).match(/redmesh/g)?.length, 1);
    // The VPN port: c's VPN restarted behind a's rules rejoins, and replication from a reaches it.
    const old = vpns.get('c');
    if (old !== undefined) await bed.kill(old, 'SIGTERM');
    await startNodeVpn(2);
    assert.equal(await cli(a, 'SET', 'after-firewall', 'v1'), 'OK');
    await waitFor(
      'key on c after its VPN restarted',
      () => replicated(c, 'after-firewall', 'v1'),
      30_000,
      100,
    );
    const removed = await bed.exec(a.ns, process.execPath, [
      CLI,
      'firewall',
      '--backend',
      'nftables',
      '--remove',
    ]);
    assert.match(removed, /removed/);
    assert.equal(await probe(outsider, a.underlay, 6379), 'open');
    assert.match(
      await bed.exec(a.ns, process.execPath, [CLI, 'firewall', '--backend', 'nftables', '--remove']),
      /nothing to remove/,
    );
  });

  test('iptables on b: the same policy, one jump from INPUT however often applied, removable', async () => {
    const [a, b] = members as [NetnsNode, NetnsNode, NetnsNode];
    assert.equal(await cli(b, 'CONFIG', 'SET', 'bind', `127.0.0.1 10.8.0.2 ${b.underlay}`), 'OK');
    assert.equal(await probe(outsider, b.underlay, 6379), 'open');
    await bed.exec(b.ns, process.execPath, [CLI, 'firewall', '--backend', 'iptables', '--apply']);
    const chain = await bed.exec(b.ns, 'iptables', ['-S', 'REDMESH']);
    assert.equal(await probe(outsider, b.underlay, 6379), 'filtered');
    assert.equal(
      (
        await bed.exec(a.ns, 'redis-cli', ['-h', '10.8.0.2', '-a', password, '--no-auth-warning', 'PING'])
      ).trim(),
      'PONG',
    );
    await bed.exec(b.ns, process.execPath, [CLI, 'firewall', '--backend', 'iptables', '--apply']);
    assert.equal(await bed.exec(b.ns, 'iptables', ['-S', 'REDMESH']), chain);
    assert.equal((await bed.exec(b.ns, 'iptables', ['-S', 'INPUT'])).match(/-j REDMESH/g)?.length, 1);
    assert.equal(await cli(a, 'SET', 'iptables', 'v2'), 'OK');
    await waitFor('key on b behind iptables', () => replicated(b, 'iptables', 'v2'), 5000);
    await bed.exec(b.ns, process.execPath, [CLI, 'firewall', '--backend', 'iptables', '--remove']);
    assert.equal(await probe(outsider, b.underlay, 6379), 'open');
    assert.doesNotMatch(await bed.exec(b.ns, 'iptables', ['-S']), /REDMESH/, 'chain and jump gone');
  });
});
