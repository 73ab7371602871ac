/**
 * VPN benchmark (issue 3 §8): between two network namespaces, for plain veth, wireguard-go,
 * tinc (switch mode), nebula and redmesh, in the same run:
 *   - iperf3 TCP throughput both directions,
 *   - the tunnel daemons' CPU-seconds per GB carried,
 *   - ping RTT at two cadences: 50 pings 20 ms apart (sparse: every packet wakes a sleeping daemon)
 *     and 200 pings 2 ms apart (busy), with the daemons' CPU time per ping,
 *   - a Redis 1M-key full sync through the tunnel (real redis-server master and replica),
 *   - iperf3 B→A with 5% loss on both underlay links (nftables random drop on egress),
 *   - recovery after a partition (--partition seconds of 100% loss, default 60; 0 skips it): time from
 *     the heal until a ping crosses the tunnel again,
 *   - redmesh again over an IPv6 underlay (the other tunnels are measured over IPv4 only),
 *   - redmesh's relay → direct switch time (--no-relay-switch skips it): three nodes, the direct path
 *     between two of them blocked (nftables) until they talk through the third (`enablerelay yes`),
 *     then opened; seconds until both sides report the direct path. Measured for redmesh only: of the
 *     peers only tinc and nebula relay, each with its own setup (not built here).
 * Prints a table and each tunnel's ratio to the best non-redmesh tunnel.
 *
 * Usage: node dist/bench/vpn.js [--only name,name] [--seconds 5] [--keys 1000000]
 * Needs root, iperf3, wireguard-go + wg, tincd, nebula, redis-server. Run it with nothing else loading the cores.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  /** iperf3 B→A with 5% loss on both underlay links. */
  mbitLoss5?: number;
  /** Seconds from the end of a partition until a ping crosses the tunnel again. */
  recoverySeconds?: number;
  error?: string;
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    keys: { type: 'string', default: '1000000' },
    partition: { type: 'string', default: '60' },
    'no-relay-switch': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const keys = Number(values.keys);
const partitionSeconds = Number(values.partition);
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const tunnels: Tunnel[] = [
  plainVeth,
  wireguardGo,
  tincSwitch,
  nebula,
  redmesh(cli),
  redmesh(cli, { underlay: 'ipv6' }),
].filter((t) => values.only === undefined || values.only.split(',').some((o) => t.name.startsWith(o)));

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

/**
 * Random loss of `percent` % of every datagram leaving either host's underlay veth (nftables `numgen
 * random`, so no sch_netem module is needed); undefined removes it. 100 partitions the underlay.
 */
async function underlayLoss(bed: Testbed, percent: number | undefined): Promise<void> {
  for (const n of bed.nodes) {
    if (percent === undefined) {
      await bed.exec(n.ns, 'nft', ['delete', 'table', 'inet', 'rmbloss']);
      continue;
    }
    const verdict =
      percent >= 100 ? ['drop'] : ['numgen', 'random', 'mod', '100', '<', String(percent), 'drop'];
    await bed.exec(n.ns, 'nft', ['add', 'table', 'inet', 'rmbloss']);
    await bed.exec(n.ns, 'nft', [
      'add',
      'chain',
      'inet',
      'rmbloss',
      'out',
      '{ type filter hook output priority 0 ; }',
    ]);
    await bed.exec(n.ns, 'nft', ['add', 'rule', 'inet', 'rmbloss', 'out', 'oifname', n.veth, ...verdict]);
  }
}

/** Partition the underlay for `seconds`, heal it, and return the seconds until a tunnel ping answers. */
async function recoveryAfterPartition(bed: Testbed, address: string, seconds: number): Promise<number> {
  await underlayLoss(bed, 100);
  try {
    await new Promise((r) => setTimeout(r, seconds * 1000));
  } finally {
    await underlayLoss(bed, undefined);
  }
  const healed = Date.now();
  const answered = async (): Promise<boolean> =>
    bed.exec(bed.node(1).ns, 'ping', ['-c', '1', '-W', '0.2', address], 3000).then(
      () => true,
      () => false,
    );
  await waitFor('ping after the partition', answered, 300_000, 50);
  return (Date.now() - healed) / 1000;
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
      await underlayLoss(bed, 5);
      try {
        result.mbitLoss5 = (await iperf(bed, b, a, up.serverAddress, false)).bits / 1e6;
      } finally {
        await underlayLoss(bed, undefined);
      }
      if (partitionSeconds > 0 && tunnel !== plainVeth) {
        result.recoverySeconds = await recoveryAfterPartition(bed, up.serverAddress, partitionSeconds);
      }
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

/**
 * redmesh's relay → direct switch: relay r (`enablerelay yes`), b and c knowing only r, b ↔ c dropped
 * in b's namespace until b pings c through r; then the rules go and b keeps pinging c (every 200 ms)
 * while both daemons' status is polled. Returns the seconds until both report the direct path.
 */
async function relayToDirectSwitch(): Promise<number> {
  const bed = await Testbed.create(3, netnsPrefix('rmr'));
  const dir = await mkdtemp(join(tmpdir(), 'rmb-relay-'));
  try {
    const [r, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    const rules =
      `table inet rmbblock {\n` +
      `  chain in { type filter hook input priority 0; ip saddr ${c.underlay} drop; }\n` +
      `  chain out { type filter hook output priority 0; ip daddr ${c.underlay} drop; }\n` +
      `}\n`;
    await writeFile(join(dir, 'block.nft'), rules);
    await bed.exec(b.ns, 'nft', ['-f', join(dir, 'block.nft')]);
    const psk = randomBytes(382).toString('base64');
    const nodes: [NetnsNode, string, string][] = [
      [r, '10.8.0.1', 'enablerelay yes\n'],
      [b, '10.8.0.2', `initpeers ${r.underlay} 7000\n`],
      [c, '10.8.0.3', `initpeers ${r.underlay} 7000\n`],
    ];
    for (const [n, overlay, extra] of nodes) {
      const file = join(dir, `${n.ns}.conf`);
      const conf =
        `port 7000\nnetworkname redmeshrelay\npsk ${psk}\ninterface rmbpv0\nifconfig4 ${overlay}/24\n` +
        `enableprivdrop no\n${extra}`;
      await writeFile(file, conf, { mode: 0o600 });
      bed.spawn(n.ns, process.execPath, [cli, 'vpn', file, '--control-socket', join(dir, `${n.ns}.sock`)]);
    }
    const pingC = (): Promise<boolean> =>
      bed.exec(b.ns, 'ping', ['-c', '1', '-W', '0.2', '10.8.0.3'], 3000).then(
        () => true,
        () => false,
      );
    await waitFor('b pings c through the relay', pingC, 60_000, 100);
    const status = async (n: NetnsNode): Promise<{ endpoint?: string; relayedVia?: string }[]> => {
      const out = await bed.exec(n.ns, process.execPath, [
        cli,
        'vpn',
        'status',
        '--json',
        '--control-socket',
        join(dir, `${n.ns}.sock`),
      ]);
      return (JSON.parse(out) as { peers: { endpoint?: string; relayedVia?: string }[] }).peers;
    };
    const direct = async (n: NetnsNode, other: NetnsNode): Promise<boolean> =>
      (await status(n)).some((p) => p.endpoint === `${other.underlay}:7000` && p.relayedVia === undefined);
    if (await direct(b, c)) throw new Error('b reached c directly although the path was blocked');
    await bed.exec(b.ns, 'nft', ['delete', 'table', 'inet', 'rmbblock']);
    const opened = Date.now();
    await waitFor(
      'b and c on the direct path',
      async () => {
        void pingC();
        return (await direct(b, c)) && (await direct(c, b));
      },
      300_000,
      200,
    );
    return (Date.now() - opened) / 1000;
  } finally {
    await bed.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

const results: Result[] = [];
for (const t of tunnels) {
  process.stderr.write(`measuring ${t.name}…\n`);
  results.push(await measure(t));
}
const peers = results.filter(
  (r) => !r.name.startsWith('redmesh') && r.name !== 'plain veth' && r.error === undefined,
);
const best = Math.max(0, ...peers.map((r) => Math.min(r.mbitAtoB ?? 0, r.mbitBtoA ?? 0)));
console.log(`\nVPN benchmark: ${seconds}s iperf3 per direction, ${keys} keys full sync\n`);
console.log(
  `| tunnel | B→A Mbit/s | A→B Mbit/s | CPU-s/GB | ping 20 ms apart min/avg ms | daemon CPU µs/ping | ping 2 ms apart avg ms | full sync s | B→A Mbit/s at 5% loss | s to recover after ${partitionSeconds} s partition | × best peer |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  if (r.error !== undefined) {
    console.log(`| ${r.name} | error: ${r.error} | | | | | | | | | |`);
    continue;
  }
  const worst = Math.min(r.mbitAtoB ?? 0, r.mbitBtoA ?? 0);
  console.log(
    `| ${r.name} | ${fmt(r.mbitBtoA)} | ${fmt(r.mbitAtoB)} | ${fmt(r.cpuPerGB, 1)} | ${fmt(r.rttMinMs, 3)}/${fmt(r.rttAvgMs, 3)} | ${fmt(r.cpuPerPingUs)} | ${fmt(r.rttBusyAvgMs, 3)} | ${fmt(r.syncSeconds, 2)} | ${fmt(r.mbitLoss5)} | ${fmt(r.recoverySeconds, 1)} | ${best > 0 ? (worst / best).toFixed(2) : '-'} |`,
  );
}

if (values['no-relay-switch'] !== true && tunnels.some((t) => t.name === 'redmesh')) {
  process.stderr.write('measuring redmesh relay → direct switch…\n');
  try {
    console.log(
      `\nredmesh relay → direct switch: ${(await relayToDirectSwitch()).toFixed(1)} s after the direct path opened (bound 10 s)`,
    );
  } catch (e) {
    console.log(
      `\nredmesh relay → direct switch: error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
}
