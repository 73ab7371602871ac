/**
 * Persistence benchmark (issue 12 §8): real redis-server 7.0 and redmesh, same run.
 *   - N keys x V-byte values loaded with `redis-cli --pipe`, then BGSAVE while one client (a process of
 *     its own: lib/latency-client.ts) runs GETs back to back: save time (BGSAVE to rdb_bgsave_in_progress:0), GET p99 / max latency during the
 *     save, peak RSS during the save (the server plus its children: Redis's forked child counts, its
 *     copy-on-write pages shared with the parent are counted twice, so Redis's figure is an upper
 *     bound), file size;
 *   - load time at start (the "DB loaded from disk: X seconds" line both servers log);
 *   - AOF with appendfsync everysec: redis-benchmark SET throughput (-d V, random keys).
 * Targets: GET p99 <= 1 ms, max <= 10 ms, save and load <= 1.5x Redis, AOF throughput >= 0.8x.
 *
 * Usage: node dist/bench/persistence.js [--keys 1000000] [--value 100] [--requests 200000]
 *                                       [--clients 50] [--persistence-json out.json]
 * A quick check of the bench itself: --keys 50000 --requests 20000.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LatencyClient } from './lib/latency-client.js';
import { runProcess } from '../test/helpers/process.js';
import { RawConnection, infoField, replyText } from '../test/helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    value: { type: 'string', default: '100' },
    requests: { type: 'string', default: '200000' },
    clients: { type: 'string', default: '50' },
    'persistence-json': { type: 'string' },
  },
  // Flags are shared with the other benches run by `npm run bench`.
  strict: false,
});
const keys = Number(values.keys);
const valueSize = Number(values.value);
const requests = Number(values.requests);
const clients = Number(values.clients);

type Side = 'redis' | 'redmesh';
const start = (side: Side, args: readonly string[]): Promise<RunningServer> =>
  side === 'redis' ? startRedis(0, args) : startRedmesh(0, args);

async function run(cmd: string, args: readonly string[], stdin?: Buffer): Promise<string> {
  const r = await runProcess(cmd, args, stdin, 1_800_000);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function dataset(n: number, size: number): Buffer {
  const parts: string[] = [];
  const pad = 'x'.repeat(size);
  for (let i = 0; i < n; i++) {
    const k = `key:${i}`;
    const v = (String(i) + pad).slice(0, size);
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** RSS of a process and all its descendants, from /proc. */
function treeRss(pid: number): number {
  let total = 0;
  const walk = (p: number): void => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'latin1');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) total += Number(m[1]) * 1024;
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'latin1').trim();
        for (const k of kids === '' ? [] : kids.split(/\s+/)) walk(Number(k));
      }
    } catch {
      // gone
    }
  };
  walk(pid);
  return total;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface SaveResult {
  saveMs: number;
  loadSec: number;
  fileBytes: number;
  peakRss: number;
  rssBefore: number;
  getP99: number;
  getMax: number;
  gets: number;
  aofSetRps: number;
}

async function bgsaveRun(side: Side, payload: Buffer): Promise<SaveResult> {
  const dir = mkdtempSync(join(tmpdir(), `bench-persist-${side}-`));
  let server: RunningServer | undefined;
  let reader: LatencyClient | undefined;
  try {
    server = await start(side, ['--dir', dir, '--dbfilename', 'bench.rdb', '--save', '']);
    const out = await run('redis-cli', ['-p', String(server.port), '--pipe'], payload);
    if (!/errors: 0/.test(out)) throw new Error(`redis-cli --pipe on ${side}: ${out}`);
    const control = await RawConnection.open(server.port);
    // The GETs are timed in a process of their own (see lib/latency-client.ts).
    reader = await LatencyClient.start(server.port, keys);
    const rssBefore = treeRss(server.pid);
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, treeRss((server as RunningServer).pid));
    }, 5);
    reader.begin();
    const t0 = performance.now();
    const reply = replyText(await control.call(['BGSAVE'], 30_000));
    if (!reply.startsWith('Background saving started')) throw new Error(`BGSAVE on ${side}: ${reply}`);
    for (;;) {
      const info = replyText(await control.call(['INFO', 'persistence'], 30_000));
      if (infoField(info, 'rdb_bgsave_in_progress') === '0') {
        if (infoField(info, 'rdb_last_bgsave_status') !== 'ok') throw new Error(`BGSAVE failed on ${side}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const saveMs = performance.now() - t0;
    const latencies = await reader.end();
    clearInterval(sampler);
    control.close();
    const fileBytes = statSync(join(dir, 'bench.rdb')).size;
    await server.stop();
    // Load at start: the time the server itself reports.
    server = await start(side, ['--dir', dir, '--dbfilename', 'bench.rdb', '--save', '']);
    let m: RegExpExecArray | null = null;
    for (const deadline = Date.now() + 10_000; m === null && Date.now() < deadline;) {
      m = /DB loaded from disk: ([0-9.]+) seconds/.exec(server.output());
      if (m === null) await new Promise((r) => setTimeout(r, 20));
    }
    if (m === null) throw new Error(`no load line from ${side}:\n${server.output()}`);
    const loadSec = Number(m[1]);
    const c = await RawConnection.open(server.port);
    const size = Number(replyText(await c.call(['DBSIZE'])));
    c.close();
    if (size !== keys) throw new Error(`${side} loaded ${size} keys, expected ${keys}`);
    await server.stop();
    server = undefined;

    // AOF, appendfsync everysec: SET throughput.
    rmSync(join(dir, 'bench.rdb'));
    server = await start(side, [
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
    ]);
    const bench = await run('redis-benchmark', [
      '-p',
      String(server.port),
      '-q',
      '--csv',
      '-c',
      String(clients),
      '-n',
      String(requests),
      '-t',
      'set',
      '-d',
      String(valueSize),
      '-r',
      String(keys),
    ]);
    const rps = /^"SET","([0-9.]+)"/m.exec(bench);
    if (rps === null) throw new Error(`no SET result from redis-benchmark on ${side}:\n${bench}`);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      saveMs,
      loadSec,
      fileBytes,
      peakRss,
      rssBefore,
      getP99: percentile(sorted, 99),
      getMax: sorted[sorted.length - 1] ?? NaN,
      gets: sorted.length,
      aofSetRps: Number(rps[1]),
    };
  } finally {
    reader?.kill();
    await stopAll(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

async function main(): Promise<void> {
  console.log(
    `\npersistence bench: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${keys} keys x ${valueSize}-byte values; AOF: ${requests} SETs x ${clients} clients`,
  );
  const payload = dataset(keys, valueSize);
  const redis = await bgsaveRun('redis', payload);
  const ours = await bgsaveRun('redmesh', payload);
  const MB = 1024 * 1024;
  const rows: [string, number, number, string, string][] = [
    [
      'BGSAVE time (ms)',
      redis.saveMs,
      ours.saveMs,
      'ratio <= 1.5',
      ours.saveMs / redis.saveMs <= 1.5 ? 'ok' : 'MISS',
    ],
    [
      'load at start (s, as logged)',
      redis.loadSec,
      ours.loadSec,
      'ratio <= 1.5',
      ours.loadSec / redis.loadSec <= 1.5 ? 'ok' : 'MISS',
    ],
    ['RDB file size (MB)', redis.fileBytes / MB, ours.fileBytes / MB, '', ''],
    ['RSS before the save (MB)', redis.rssBefore / MB, ours.rssBefore / MB, '', ''],
    ['peak RSS during the save, incl. children (MB)', redis.peakRss / MB, ours.peakRss / MB, '', ''],
    ['GET p99 during the save (ms)', redis.getP99, ours.getP99, '<= 1 ms', ours.getP99 <= 1 ? 'ok' : 'MISS'],
    [
      'GET max during the save (ms)',
      redis.getMax,
      ours.getMax,
      '<= 10 ms',
      ours.getMax <= 10 ? 'ok' : 'MISS',
    ],
    ['GETs answered during the save', redis.gets, ours.gets, '', ''],
    [
      'AOF everysec SET ops/s',
      redis.aofSetRps,
      ours.aofSetRps,
      'ratio >= 0.8',
      ours.aofSetRps / redis.aofSetRps >= 0.8 ? 'ok' : 'MISS',
    ],
  ];
  console.log(`${pad('measure', 48)}${lpad('redis', 12)}${lpad('redmesh', 12)}${lpad('ratio', 8)}  target`);
  for (const [name, a, b, target, verdict] of rows) {
    const f = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
    console.log(
      `${pad(name, 48)}${lpad(f(a), 12)}${lpad(f(b), 12)}${lpad((b / a).toFixed(2), 8)}  ${target} ${verdict}`,
    );
  }
  const jsonOut = values['persistence-json'];
  if (typeof jsonOut === 'string') {
    writeFileSync(jsonOut, JSON.stringify({ keys, valueSize, redis, redmesh: ours }, null, 2));
  }
}

await main();
