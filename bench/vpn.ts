/**
 * VPN benchmark (issue 3 §8): between two network namespaces, for plain veth, wireguard-go,
 * tinc (switch mode), nebula and redmesh, in the same run:
 *   - iperf3 TCP throughput both directions,
 *   - the tunnel daemons' CPU-seconds per GB carried,
 *   - ping RTT at two cadences: 50 pings 20 ms apart (sparse: every packet wakes a sleeping daemon)
 *     and 200 pings 2 ms apart (busy), with the daemons' CPU time per ping,
 *   - a Redis 1M-key full sync through the tunnel (real redis-server master and replica).
 * Prints a table and each tunnel's ratio to the best non-redmesh tunnel.
 *
 * Usage: node dist/bench/vpn.js [--only name,name] [--seconds 5] [--keys 1000000]
 * Needs root, iperf3, wireguard-go + wg, tincd, nebula, redis-server. Run it with nothing else loading the cores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Testbed, netnsPrefix, waitFor, type NetnsNode } from '../src/ops/index.js';
import { cpuSeconds, cpuSecondsPrecise } from './lib/cpu.js';
import { nebula, plainVeth, redmesh, tincSwitch, wireguardGo, type Tunnel } from './lib/tunnels.js';

interface Result {
  name: string;
  mbitBtoA?: number;
  mbitAtoB?: number;
  cpuPerGB?: number;
  /** Sparse ping (-i 0.02). */
  rttMinMs?: number;
  rttAvgMs?: number;
  /** Busy ping (-i 0.002). */
  rttBusyAvgMs?: number;
  /** Tunnel daemons' CPU per sparse ping, microseconds (all daemons together). */
  cpuPerPingUs?: number;
  syncSeconds?: number;
  error?: string;
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    keys: { type: 'string', default: '1000000' },
  },
});
const seconds = Number(values.seconds);
const keys = Number(values.keys);
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const tunnels: Tunnel[] = [plainVeth, wireguardGo, tincSwitch, nebula, redmesh(cli)].filter(
  (t) => values.only === undefined || values.only.split(',').some((o) => t.name.startsWith(o)),
);

async function iperf(
  bed: Testbed,
  client: NetnsNode,
  server: NetnsNode,
  address: string,
  reverse: boolean,
): Promise<{ bits: number; bytes: number }> {
  const srv = bed.spawn(server.ns, 'iperf3', ['-s', '-1', '-p', '5201']);
  try {
    await waitFor(
      'iperf3 server',
      async () =>
        (await bed.exec(server.ns, 'ss', ['-ltn', 'sport = :5201']).catch(() => '')).includes('5201'),
      5000,
    );
    const out = await bed.exec(
      client.ns,
      'iperf3',
      ['-c', address, '-p', '5201', '-t', String(seconds), '-J', ...(reverse ? ['-R'] : [])],
      (seconds + 20) * 1000,
    );
    const j = JSON.parse(out) as { end: { sum_received: { bits_per_second: number; bytes: number } } };
    return { bits: j.end.sum_received.bits_per_second, bytes: j.end.sum_received.bytes };
  } finally {
    srv.child.kill('SIGKILL');
  }
}

async function ping(
  bed: Testbed,
  from: NetnsNode,
  address: string,
  count: number,
  interval: string,
): Promise<{ min: number; avg: number }> {
  const out = await bed.exec(from.ns, 'ping', ['-c', String(count), '-i', interval, '-q', address], 20_000);
  const m = /= ([\d.]+)\/([\d.]+)\//.exec(out);
  if (!m) throw new Error(`cannot parse ping output: ${out}`);
  return { min: Number(m[1]), avg: Number(m[2]) };
}

async function redisInfo(bed: Testbed, host: NetnsNode, port: number, field: string): Promise<string> {
  const out = await bed.exec(host.ns, 'redis-cli', [
    '-p',
    String(port),
    '-a',
    'benchpass',
    '--no-auth-warning',
    'INFO',
    'replication',
  ]);
  return new RegExp(`^${field}:(.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
}

async function fullSync(bed: Testbed, address: string): Promise<number> {
  // Each redis-server gets its own empty directory: a dump.rdb left in the working directory by an
  // earlier run would be loaded by the next master or replica and spoil the key count.
  const dirs = [await mkdtemp(join(tmpdir(), 'rmb-redis-')), await mkdtemp(join(tmpdir(), 'rmb-redis-'))];
  try {
    return await fullSyncIn(bed, address, dirs[0]!, dirs[1]!);
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function fullSyncIn(bed: Testbed, address: string, dirA: string, dirB: string): Promise<number> {
  const [a, b] = [bed.node(0), bed.node(1)];
  const common = [
    '--save',
    '',
    '--appendonly',
    'no',
    '--requirepass',
    'benchpass',
    '--enable-debug-command',
    'yes',
  ];
  bed.spawn(a.ns, 'redis-server', [
    '--dir',
    dirA,
    '--port',
    '6390',
    '--bind',
    `127.0.0.1 ${address}`,
    '--protected-mode',
    'no',
    '--repl-diskless-sync-delay',
    '0',
    ...common,
  ]);
  await waitFor(
    'master up',
    async () =>
      (
        await bed
          .exec(a.ns, 'redis-cli', ['-p', '6390', '-a', 'benchpass', '--no-auth-warning', 'PING'])
          .catch(() => '')
      ).includes('PONG'),
    10_000,
  );
  await bed.exec(
    a.ns,
    'redis-cli',
    ['-p', '6390', '-a', 'benchpass', '--no-auth-warning', 'DEBUG', 'POPULATE', String(keys)],
    120_000,
  );
  const start = Date.now();
  bed.spawn(b.ns, 'redis-server', [
    '--dir',
    dirB,
    '--port',
    '6391',
    '--bind',
    '127.0.0.1',
    '--replicaof',
    address,
    '6390',
    '--masterauth',
    'benchpass',
    ...common,
  ]);
  await waitFor(
    'replica in sync',
    async () =>
      (await redisInfo(bed, b, 6391, 'master_link_status').catch(() => '')) === 'up' &&
      (await redisInfo(bed, b, 6391, 'master_sync_in_progress').catch(() => '')) === '0',
    180_000,
  );
  const elapsed = (Date.now() - start) / 1000;
  const size = (
    await bed.exec(b.ns, 'redis-cli', ['-p', '6391', '-a', 'benchpass', '--no-auth-warning', 'DBSIZE'])
  ).trim();
  if (Number(size) !== keys) throw new Error(`replica has ${size} keys, expected ${keys}`);
  return elapsed;
}

async function measure(tunnel: Tunnel): Promise<Result> {
  const bed = await Testbed.create(2, netnsPrefix('rmb'));
  const result: Result = { name: tunnel.name };
  try {
    const up = await tunnel.up(bed);
    try {
      const [a, b] = [bed.node(0), bed.node(1)];
      const cpuBeforePing = await Promise.all(up.daemonPids.map(cpuSecondsPrecise));
      const p = await ping(bed, b, up.serverAddress, 50, '0.02');
      const cpuAfterPing = await Promise.all(up.daemonPids.map(cpuSecondsPrecise));
      result.rttMinMs = p.min;
      result.rttAvgMs = p.avg;
      if (up.daemonPids.length > 0) {
        const cpu = cpuAfterPing.reduce((s, v, i) => s + v - cpuBeforePing[i]!, 0);
        result.cpuPerPingUs = (cpu / 50) * 1e6;
      }
      result.rttBusyAvgMs = (await ping(bed, b, up.serverAddress, 200, '0.002')).avg;
      const cpuBefore = await Promise.all(up.daemonPids.map(cpuSeconds));
      const bToA = await iperf(bed, b, a, up.serverAddress, false);
      const aToB = await iperf(bed, b, a, up.serverAddress, true);
      const cpuAfter = await Promise.all(up.daemonPids.map(cpuSeconds));
      result.mbitBtoA = bToA.bits / 1e6;
      result.mbitAtoB = aToB.bits / 1e6;
      if (up.daemonPids.length > 0) {
        const cpu = cpuAfter.reduce((s, v, i) => s + v - cpuBefore[i]!, 0);
        result.cpuPerGB = cpu / ((bToA.bytes + aToB.bytes) / 1e9);
      }
      if (keys > 0) result.syncSeconds = await fullSync(bed, up.serverAddress);
    } finally {
      await up.cleanup();
    }
  } catch (e) {
    result.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    await bed.destroy();
  }
  return result;
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

const results: Result[] = [];
for (const t of tunnels) {
  process.stderr.write(`measuring ${t.name}…\n`);
  results.push(await measure(t));
}
const peers = results.filter((r) => r.name !== 'redmesh' && r.name !== 'plain veth' && r.error === undefined);
const best = Math.max(0, ...peers.map((r) => Math.min(r.mbitAtoB ?? 0, r.mbitBtoA ?? 0)));
console.log(`\nVPN benchmark: ${seconds}s iperf3 per direction, ${keys} keys full sync\n`);
console.log(
  '| tunnel | B→A Mbit/s | A→B Mbit/s | CPU-s/GB | ping 20 ms apart min/avg ms | daemon CPU µs/ping | ping 2 ms apart avg ms | full sync s | × best peer |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  if (r.error !== undefined) {
    console.log(`| ${r.name} | error: ${r.error} | | | | | | | |`);
    continue;
  }
  const worst = Math.min(r.mbitAtoB ?? 0, r.mbitBtoA ?? 0);
  console.log(
    `| ${r.name} | ${fmt(r.mbitBtoA)} | ${fmt(r.mbitAtoB)} | ${fmt(r.cpuPerGB, 1)} | ${fmt(r.rttMinMs, 3)}/${fmt(r.rttAvgMs, 3)} | ${fmt(r.cpuPerPingUs)} | ${fmt(r.rttBusyAvgMs, 3)} | ${fmt(r.syncSeconds, 2)} | ${best > 0 ? (worst / best).toFixed(2) : '-'} |`,
  );
}
