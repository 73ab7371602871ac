/**
 * Replication benchmark (issue 13 §8), real redis-server 7.0 and redmesh on loopback, same run:
 *   - full sync: a master holding N keys × 100-byte values; the time from REPLICAOF on an empty
 *     replica until its link is up with every key, for redis→redis, redmesh→redmesh and the mixed
 *     pairs (diskless, no delay);
 *   - replication lag under redis-benchmark write load (SET, 100-byte values): a probe writes a
 *     fresh value on the master every 10 ms and reads the replica back to back until it holds it
 *     (in a process of its own: lib/lag-probe.ts); p50/p99 of that time, and the master−replica
 *     offset difference sampled alongside.
 *   - full sync through `redmesh vpn` between two network namespaces (the tutorial's set-up):
 *     redis→redis and redmesh→redmesh, from REPLICAOF on an empty replica until it holds every key
 *     (needs root; skipped otherwise, or with --no-vpn).
 * Targets: full sync ≤ 1.3× Redis's time; lag p99 ≤ 10 ms.
 *
 * Usage: node dist/bench/replication.js [--keys 1000000] [--probes 1000] [--requests 2000000] [--no-vpn]
 * Numbers only mean something on an otherwise idle machine; the load average is printed with them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Testbed, netnsPrefix, waitFor, type NetnsNode } from '../src/ops/index.js';
import { probeLag } from './lib/lag-probe.js';
import { redmesh } from './lib/tunnels.js';
import { runProcess } from '../test/helpers/process.js';
import { RawConnection, infoField, replyText } from '../test/helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    probes: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '2000000' },
    'no-vpn': { type: 'boolean', default: false },
  },
});
const keys = Number(values.keys);
const probes = Number(values.probes);
const loadRequests = Number(values.requests);

type Kind = 'redis' | 'redmesh';
const SERVER_ARGS = ['--repl-diskless-sync-delay', '0', '--save', ''];
const start = (kind: Kind): Promise<RunningServer> =>
  kind === 'redis' ? startRedis(0, SERVER_ARGS) : startRedmesh(0, SERVER_ARGS);

/** One command's reply as text; a nil reply (a probe key not there yet) reads as ''. */
async function call(c: RawConnection, argv: readonly string[]): Promise<string> {
  const reply = await c.call(argv, 120_000);
  return reply.toString('latin1', 0, 3) === '$-1' ? '' : replyText(reply);
}

/** `SET key:<i> <100 bytes>` for i < n, as one RESP stream for `redis-cli --pipe`. */
function dataset(n: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = `key:${i}`;
    const v = `${i}:`.padEnd(100, 'x');
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$100\r\n${v}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Seconds from REPLICAOF until the replica's link is up with every key. */
async function fullSync(masterKind: Kind, replicaKind: Kind, payload: Buffer): Promise<number> {
  const master = await start(masterKind);
  const replica = await start(replicaKind);
  try {
    const r = await runProcess('redis-cli', ['-p', String(master.port), '--pipe'], payload, 600_000);
    if (r.code !== 0) throw new Error(`redis-cli --pipe: ${r.stderr}`);
    const c = await RawConnection.open(replica.port);
    const t0 = performance.now();
    await call(c, ['REPLICAOF', '127.0.0.1', String(master.port)]);
    await waitUntil(
      async () => infoField(await call(c, ['INFO', 'replication']), 'master_link_status') === 'up',
      600_000,
      'link up',
    );
    await waitUntil(async () => (await call(c, ['DBSIZE'])) === String(keys), 600_000, 'all keys');
    const seconds = (performance.now() - t0) / 1000;
    c.close();
    return seconds;
  } finally {
    await stopAll(replica, master);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Lag under write load: ms until a probe write is readable on the replica; offset differences. */
async function lag(
  masterKind: Kind,
  replicaKind: Kind,
): Promise<{ p50: number; p99: number; offsetP99: number }> {
  const master = await start(masterKind);
  const replica = await start(replicaKind);
  const load = spawn(
    'redis-benchmark',
    [
      '-p',
      String(master.port),
      '-t',
      'set',
      '-d',
      '100',
      '-r',
      '100000',
      '-n',
      String(loadRequests),
      '-c',
      '20',
      '-q',
    ],
    { stdio: 'ignore' },
  );
  try {
    const m = await RawConnection.open(master.port);
    const r = await RawConnection.open(replica.port);
    await call(r, ['REPLICAOF', '127.0.0.1', String(master.port)]);
    await waitUntil(
      async () => infoField(await call(r, ['INFO', 'replication']), 'master_link_status') === 'up',
      60_000,
      'link up',
    );
    // The probes run in a process of their own (lib/lag-probe.ts); the offsets are read meanwhile.
    let probing = true;
    const lags = probeLag(master.port, replica.port, probes, 10).finally(() => (probing = false));
    const offsets: number[] = [];
    while (probing) {
      const mo = Number(infoField(await call(m, ['INFO', 'replication']), 'master_repl_offset'));
      const ro = Number(infoField(await call(r, ['INFO', 'replication']), 'master_repl_offset'));
      offsets.push(mo - ro);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const samples = await lags;
    m.close();
    r.close();
    samples.sort((a, b) => a - b);
    offsets.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p99: percentile(samples, 99), offsetP99: percentile(offsets, 99) };
  } finally {
    load.kill('SIGKILL');
    await stopAll(replica, master);
  }
}

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const VPN_PORT = '6390';
const VPN_PASSWORD = 'benchpass';

async function vpnCli(
  bed: Testbed,
  node: NetnsNode,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<string> {
  const argv = ['-p', VPN_PORT, '-a', VPN_PASSWORD, '--no-auth-warning', ...args];
  return (await bed.exec(node.ns, 'redis-cli', argv, timeoutMs)).trim();
}

/** A server of `kind` in `node` on port 6390 with requirepass, in its own empty directory. */
async function vpnServer(
  bed: Testbed,
  node: NetnsNode,
  kind: Kind,
  bind: string,
  dir: string,
): Promise<void> {
  const args = [
    ...['--port', VPN_PORT, '--bind', bind, '--dir', dir, '--save', '', '--appendonly', 'no'],
    ...['--requirepass', VPN_PASSWORD, '--masterauth', VPN_PASSWORD, '--repl-diskless-sync-delay', '0'],
  ];
  if (kind === 'redis') bed.spawn(node.ns, 'redis-server', args);
  else bed.spawn(node.ns, process.execPath, [CLI, 'server', ...args]);
  await waitFor(
    'server up',
    async () => (await vpnCli(bed, node, ['PING']).catch(() => '')) === 'PONG',
    20_000,
  );
}

/** Seconds from REPLICAOF 10.8.0.1 on an empty replica in B until it holds every key of A's master. */
async function vpnFullSync(bed: Testbed, kind: Kind, payload: Buffer): Promise<number> {
  const [a, b] = [bed.node(0), bed.node(1)];
  const dirs = [await mkdtemp(join(tmpdir(), 'rmb-repl-')), await mkdtemp(join(tmpdir(), 'rmb-repl-'))];
  try {
    await vpnServer(bed, a, kind, '127.0.0.1 10.8.0.1', dirs[0] as string);
    await vpnServer(bed, b, kind, '127.0.0.1 10.8.0.2', dirs[1] as string);
    const pipe = bed.spawn(
      a.ns,
      'redis-cli',
      ['-p', VPN_PORT, '-a', VPN_PASSWORD, '--no-auth-warning', '--pipe'],
      {
        stdin: payload.toString('latin1'),
      },
    );
    const code = await pipe.exited;
    if (code !== 0) throw new Error(`redis-cli --pipe: ${pipe.output()}`);
    const t0 = performance.now();
    await vpnCli(bed, b, ['REPLICAOF', '10.8.0.1', VPN_PORT]);
    await waitFor(
      'replica in sync through the tunnel',
      async () => {
        const info = await vpnCli(bed, b, ['INFO', 'replication']).catch(() => '');
        if (!/master_link_status:up/.test(info) || !/master_sync_in_progress:0/.test(info)) return false;
        return (await vpnCli(bed, b, ['DBSIZE'])) === String(keys);
      },
      600_000,
      20,
    );
    return (performance.now() - t0) / 1000;
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** The tunnel part: both kinds of server through one `redmesh vpn` pair, one testbed per kind. */
async function vpnSection(payload: Buffer): Promise<void> {
  if (values['no-vpn'] === true || process.getuid?.() !== 0) {
    console.log('\nfull sync through redmesh vpn: skipped (needs root; --no-vpn)');
    return;
  }
  const results = new Map<Kind, number>();
  for (const kind of ['redis', 'redmesh'] as const) {
    const bed = await Testbed.create(2, netnsPrefix('rmb'));
    try {
      const up = await redmesh(CLI).up(bed);
      try {
        results.set(kind, await vpnFullSync(bed, kind, payload));
      } finally {
        await up.cleanup();
      }
    } finally {
      await bed.destroy();
    }
  }
  const base = results.get('redis') ?? NaN;
  console.log('\nfull sync through redmesh vpn   seconds   × redis→redis (target ≤ 1.3)');
  for (const [kind, s] of results) {
    const name = `${kind} → ${kind}`;
    console.log(`${name.padEnd(30)} ${s.toFixed(2).padStart(8)}   ${(s / base).toFixed(2)}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${keys} keys × 100 B`,
  );
  const payload = dataset(keys);
  const pairs: [Kind, Kind][] = [
    ['redis', 'redis'],
    ['redmesh', 'redmesh'],
    ['redmesh', 'redis'],
    ['redis', 'redmesh'],
  ];
  const sync = new Map<string, number>();
  for (const [a, b] of pairs) sync.set(`${a} → ${b}`, await fullSync(a, b, payload));
  const base = sync.get('redis → redis') ?? NaN;
  console.log('\nfull sync                 seconds   × redis→redis (target ≤ 1.3)');
  for (const [name, s] of sync)
    console.log(`${name.padEnd(24)} ${s.toFixed(2).padStart(8)}   ${(s / base).toFixed(2)}`);
  console.log('\nlag under write load      p50 ms   p99 ms   offset diff p99 (target p99 ≤ 10 ms)');
  for (const [a, b] of pairs) {
    const l = await lag(a, b);
    console.log(
      `${`${a} → ${b}`.padEnd(24)} ${l.p50.toFixed(2).padStart(7)}  ${l.p99.toFixed(2).padStart(7)}   ${l.offsetP99}`,
    );
  }
  await vpnSection(payload);
}

await main();
