/**
 * Big collections and big datasets (issue 11 §4–5), real redis-server 7.0 and redmesh in the same run:
 *   - big collections: one sorted set, hash, set and list each filled to `--elements` members with
 *     `redis-cli --pipe`; memory per element (used_memory and RSS growth) and the ratio to Redis; then
 *     redis-benchmark on them with random members: ZADD, ZSCORE, ZRANK, ZRANGEBYSCORE windows, HSET,
 *     HGET, SADD, SISMEMBER, LPUSH, LINDEX, LRANGE 0 99 — unpipelined and with -P 16;
 *   - big dataset: `--keys` keys of `--value` bytes loaded with `redis-cli --pipe` (fill time, RSS and
 *     used_memory per key), GET/SET with random keys over the whole dataset (ops/s and p99, against
 *     the same test on a small dataset), and redmesh's GC pauses over 50 ms (V8's --trace-gc) during
 *     a `--mixed-seconds` GET/SET mix.
 *
 * Usage: node dist/bench/bigdata.js [--elements 1000000] [--dataset-keys 10000000] [--value 100]
 *          [--big-requests 200000] [--clients 50] [--mixed-seconds 60] [--sections collections,dataset]
 * A quick run: --elements 100000 --dataset-keys 1000000 --big-requests 50000 --mixed-seconds 10
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runProcess } from '../test/helpers/process.js';
import { RawConnection, infoField, replyText } from '../test/helpers/raw-resp.js';
import {
  freePort,
  redmeshMain,
  startRedis,
  startRedmesh,
  stopAll,
  type RunningServer,
} from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: '1000000' },
    'dataset-keys': { type: 'string', default: '10000000' },
    value: { type: 'string', default: '100' },
    'big-requests': { type: 'string', default: '200000' },
    clients: { type: 'string', default: '50' },
    'mixed-seconds': { type: 'string', default: '60' },
    sections: { type: 'string', default: 'collections,dataset' },
  },
  strict: false,
});
const str = (v: string | boolean | undefined, d: string): string => (typeof v === 'string' ? v : d);
const elements = Number(str(values.elements, '1000000'));
const datasetKeys = Number(str(values['dataset-keys'], '10000000'));
const valueSize = Number(str(values.value, '100'));
const requests = Number(str(values['big-requests'], '200000'));
const clients = str(values.clients, '50');
const mixedSeconds = Number(str(values['mixed-seconds'], '60'));
const sections = str(values.sections, 'collections,dataset').split(',');

async function command(port: number, argv: readonly string[]): Promise<string> {
  const c = await RawConnection.open(port);
  try {
    return replyText(await c.call(argv, 600_000));
  } finally {
    c.close();
  }
}

async function usedMemory(port: number): Promise<number> {
  return Number(infoField(await command(port, ['INFO', 'memory']), 'used_memory'));
}

/** RESP for `redis-cli --pipe`: one command per batch of `per` items made by `item(i)`. */
function pipePayload(n: number, per: number, head: readonly string[], item: (i: number) => string[]): Buffer {
  const chunks: Buffer[] = [];
  for (let start = 0; start < n; start += per) {
    const argv = [...head];
    for (let i = start; i < Math.min(n, start + per); i++) argv.push(...item(i));
    chunks.push(
      Buffer.from(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1'),
    );
  }
  return Buffer.concat(chunks);
}

async function pipe(port: number, payload: Buffer): Promise<number> {
  const t0 = Date.now();
  const r = await runProcess('redis-cli', ['-p', String(port), '--pipe'], payload, 3_600_000);
  if (r.code !== 0 || !/errors: 0,/.test(r.stdout))
    throw new Error(`redis-cli --pipe: ${r.stdout} ${r.stderr}`);
  return (Date.now() - t0) / 1000;
}

interface Bench {
  readonly rps: number;
  readonly p99: number;
}

/** One redis-benchmark run of a custom command (or -t test); ops/s and p99 latency (ms). */
async function bench(
  port: number,
  argv: readonly string[],
  opts: { pipeline?: number; random?: number; n?: number },
): Promise<Bench> {
  const args = ['-p', String(port), '-q', '--csv', '-c', clients, '-n', String(opts.n ?? requests)];
  if ((opts.pipeline ?? 1) > 1) args.push('-P', String(opts.pipeline));
  if (opts.random !== undefined) args.push('-r', String(opts.random));
  args.push(...argv);
  const r = await runProcess('redis-benchmark', args, undefined, 3_600_000);
  if (r.code !== 0) throw new Error(`redis-benchmark ${argv.join(' ')}: ${r.stderr || r.stdout}`);
  const line = r.stdout.split('\n').find((l) => /^"[^"]+","[0-9.]+"/.test(l));
  if (line === undefined) throw new Error(`no result from redis-benchmark ${argv.join(' ')}:\n${r.stdout}`);
  const cells = line.split(',').map((c) => Number(c.replace(/"/g, '')));
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  return { rps: cells[1] as number, p99: cells[6] as number };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const row = (name: string, a: string, b: string, ratio: string): string =>
  `  ${name.padEnd(44)}${a.padStart(12)}${b.padStart(12)}${ratio.padStart(8)}`;

interface Servers {
  readonly redis: RunningServer;
  readonly redmesh: RunningServer;
}

// --- big collections --------------------------------------------------------------------------------

const COLLECTIONS = [
  {
    key: 'bz',
    head: ['ZADD', 'bz'],
    item: (i: number) => [String((i * 7919) % 1000003), `member:${i}`],
    per: 100,
  },
  { key: 'bh', head: ['HSET', 'bh'], item: (i: number) => [`field:${i}`, 'vvvvvvvvvv'], per: 100 },
  { key: 'bs', head: ['SADD', 'bs'], item: (i: number) => [`member:${i}`], per: 100 },
  { key: 'bl', head: ['RPUSH', 'bl'], item: (i: number) => [`elem:${i}`], per: 100 },
] as const;

const COLLECTION_COMMANDS: readonly (readonly string[])[] = [
  ['ZADD', 'bz', '__rand_int__', 'member:__rand_int__'],
  ['ZSCORE', 'bz', 'member:__rand_int__'],
  ['ZRANK', 'bz', 'member:__rand_int__'],
  ['ZRANGEBYSCORE', 'bz', '__rand_int__', '+inf', 'LIMIT', '0', '10'],
  ['ZRANGE', 'bz', '0', '9'],
  ['HSET', 'bh', 'field:__rand_int__', 'vvvvvvvvvv'],
  ['HGET', 'bh', 'field:__rand_int__'],
  ['SADD', 'bs', 'member:__rand_int__'],
  ['SISMEMBER', 'bs', 'member:__rand_int__'],
  ['LPUSH', 'bl', 'elem:__rand_int__'],
  // A fixed middle index: -r's zero-padded numbers are not integers to LINDEX (nor to Redis).
  ['LINDEX', 'bl', String(Math.floor(elements / 2))],
  ['LRANGE', 'bl', '0', '99'],
];

async function bigCollections({ redis, redmesh }: Servers): Promise<void> {
  console.log(
    `\nbig collections: ${fmt(elements)} elements each; bytes per element (growth of used_memory / RSS)`,
  );
  console.log(row('collection', 'redis', 'redmesh', 'ratio'));
  for (const c of COLLECTIONS) {
    const payload = pipePayload(elements, c.per, c.head, c.item);
    const per: [number, number][] = [];
    for (const s of [redis, redmesh]) {
      await command(s.port, ['DEL', c.key]);
      const used0 = await usedMemory(s.port);
      const rss0 = s.rssBytes();
      await pipe(s.port, payload);
      per.push([(await usedMemory(s.port)) - used0, s.rssBytes() - rss0]);
    }
    const [[ur, rr], [um, rm]] = per as [[number, number], [number, number]];
    console.log(
      row(
        `${c.head[0]} used_memory`,
        (ur / elements).toFixed(1),
        (um / elements).toFixed(1),
        (um / ur).toFixed(2),
      ),
    );
    console.log(
      row(
        `${c.head[0]} RSS (target <= 2x)`,
        (rr / elements).toFixed(1),
        (rm / elements).toFixed(1),
        (rm / rr).toFixed(2),
      ),
    );
  }
  for (const pipeline of [1, 16]) {
    console.log(
      `\nbig collections, random members (-r ${elements}), ${pipeline === 1 ? 'unpipelined' : `-P ${pipeline}`}: ops/s`,
    );
    console.log(row('command', 'redis', 'redmesh', 'ratio'));
    for (const argv of COLLECTION_COMMANDS) {
      const n = pipeline === 1 ? requests : requests * 4;
      const a = await bench(redis.port, argv, { pipeline, random: elements, n });
      const b = await bench(redmesh.port, argv, { pipeline, random: elements, n });
      console.log(row(argv.slice(0, 2).join(' '), fmt(a.rps), fmt(b.rps), (b.rps / a.rps).toFixed(2)));
    }
  }
  for (const s of [redis, redmesh]) await command(s.port, ['FLUSHALL']);
}

// --- big dataset -----------------------------------------------------------------------------------

async function bigDataset({ redis, redmesh }: Servers): Promise<void> {
  const value = 'v'.repeat(valueSize);
  console.log(`\nbig dataset: ${fmt(datasetKeys)} keys x ${valueSize} bytes`);
  const small: Bench[][] = [];
  const big: Bench[][] = [];
  const fill: { secs: number; used: number; rss: number }[] = [];
  for (const s of [redis, redmesh]) {
    await command(s.port, ['FLUSHALL']);
    // Small dataset first: 10,000 keys.
    await pipe(
      s.port,
      pipePayload(10_000, 100, ['MSET'], (i) => [`key:${String(i).padStart(12, '0')}`, value]),
    );
    small.push([
      await bench(s.port, ['-t', 'get'], { random: 10_000 }),
      await bench(s.port, ['-t', 'set', '-d', String(valueSize)], { random: 10_000 }),
    ]);
    await command(s.port, ['FLUSHALL']);
    const used0 = await usedMemory(s.port);
    const rss0 = s.rssBytes();
    let secs = 0;
    // Built in slices so the payload stays small.
    const slice = 1_000_000;
    for (let start = 0; start < datasetKeys; start += slice) {
      const n = Math.min(slice, datasetKeys - start);
      secs += await pipe(
        s.port,
        pipePayload(n, 100, ['MSET'], (i) => [`key:${String(start + i).padStart(12, '0')}`, value]),
      );
    }
    fill.push({ secs, used: (await usedMemory(s.port)) - used0, rss: s.rssBytes() - rss0 });
    // Key names redis-benchmark makes with -r: key:000000123456.
    big.push([
      await bench(s.port, ['-t', 'get'], { random: datasetKeys }),
      await bench(s.port, ['-t', 'set', '-d', String(valueSize)], { random: datasetKeys }),
    ]);
    // Give the memory back before the other server fills: 10M x 1 KB twice does not fit in 24 GB.
    await command(s.port, ['FLUSHALL']);
  }
  const [fr, fm] = fill as [(typeof fill)[0], (typeof fill)[0]];
  console.log(row('metric', 'redis', 'redmesh', 'ratio'));
  console.log(row('fill time (s)', fr.secs.toFixed(1), fm.secs.toFixed(1), (fm.secs / fr.secs).toFixed(2)));
  console.log(
    row(
      'used_memory per key',
      (fr.used / datasetKeys).toFixed(1),
      (fm.used / datasetKeys).toFixed(1),
      (fm.used / fr.used).toFixed(2),
    ),
  );
  console.log(
    row(
      'RSS per key',
      (fr.rss / datasetKeys).toFixed(1),
      (fm.rss / datasetKeys).toFixed(1),
      (fm.rss / fr.rss).toFixed(2),
    ),
  );
  for (const [i, name] of ['GET', 'SET'].entries()) {
    const [r, m] = [big[0]?.[i] as Bench, big[1]?.[i] as Bench];
    const [rs, ms] = [small[0]?.[i] as Bench, small[1]?.[i] as Bench];
    console.log(row(`${name} ops/s, full dataset`, fmt(r.rps), fmt(m.rps), (m.rps / r.rps).toFixed(2)));
    const p99 = (b: Bench): string => b.p99.toFixed(2);
    console.log(row(`${name} p99 ms, small dataset`, p99(rs), p99(ms), (ms.p99 / rs.p99).toFixed(2)));
    console.log(row(`${name} p99 ms, full dataset`, p99(r), p99(m), (m.p99 / r.p99).toFixed(2)));
    const growth = (full: Bench, smallSet: Bench): string => (full.p99 / smallSet.p99).toFixed(2);
    console.log(row(`${name} p99 full / small (target <= 2)`, growth(r, rs), growth(m, ms), ''));
  }
}

/**
 * redmesh started under `node --trace-gc` (kept through its heap re-exec): a GET/SET mix over the
 * full dataset for `mixedSeconds`, then the pauses V8 reported. Loads the dataset itself.
 */
async function gcPauses(): Promise<void> {
  const port = await freePort();
  // No save points and a directory of its own: a save of the big dataset would write into the
  // working directory (and a later server started there would load it).
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-bigdata-'));
  const child = spawn(
    process.execPath,
    ['--trace-gc', redmeshMain, 'server', '--port', String(port), '--save', '', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('latin1')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('latin1')));
  try {
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await command(port, ['PING']).then(
        () => true,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    if (!ready) throw new Error(`redmesh under --trace-gc did not start:\n${out.slice(-2000)}`);
    const value = 'v'.repeat(valueSize);
    for (let start = 0; start < datasetKeys; start += 1_000_000) {
      const n = Math.min(1_000_000, datasetKeys - start);
      await pipe(
        port,
        pipePayload(n, 100, ['MSET'], (i) => [`key:${String(start + i).padStart(12, '0')}`, value]),
      );
    }
    const mark = out.length;
    const t0 = Date.now();
    let ops = 0;
    while (Date.now() - t0 < mixedSeconds * 1000) {
      for (const t of ['get', 'set']) {
        const r = await bench(port, ['-t', t, '-d', String(valueSize)], { random: datasetKeys, n: 100_000 });
        ops += 100_000;
        void r;
      }
    }
    const pauses = [
      ...out.slice(mark).matchAll(/(Scavenge|Mark-Compact|Mark-sweep)[^,]*, ([0-9.]+) \/ [0-9.]+ ms/g),
    ].map((m) => [m[1] as string, Number(m[2])] as const);
    const long = pauses.filter(([, ms]) => ms > 50);
    const max = pauses.reduce((a, [, ms]) => Math.max(a, ms), 0);
    // Incremental marking steps run on the main thread between requests: not pauses in V8's sense,
    // but a long one stalls clients all the same (each Mark-Compact line names its cycle's longest).
    const steps = [...out.slice(mark).matchAll(/biggest step ([0-9.]+) ms/g)].map((m) => Number(m[1]));
    const over10 = pauses.filter(([, ms]) => ms > 10).length;
    console.log(
      `\nGC during a ${mixedSeconds} s GET/SET mix on ${fmt(datasetKeys)} keys (${fmt(ops)} requests): ` +
        `${pauses.length} collections, ${over10} over 10 ms, ${long.length} over 50 ms, longest ${max.toFixed(1)} ms` +
        (long.length > 0 ? ` (${long.map(([k, ms]) => `${k} ${ms}`).join(', ')})` : '') +
        `; longest incremental marking step ${steps.length > 0 ? `${Math.max(...steps).toFixed(1)} ms` : 'none'}`,
    );
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bigData(): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  console.log(
    `big data bench: load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  try {
    redis = await startRedis(0);
    redmesh = await startRedmesh(0);
    if (sections.includes('collections')) await bigCollections({ redis, redmesh });
    if (sections.includes('dataset')) await bigDataset({ redis, redmesh });
  } finally {
    await stopAll(redis, redmesh);
  }
  if (sections.includes('dataset') || sections.includes('gc')) await gcPauses();
  console.log(
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

if (process.argv[1]?.endsWith('bigdata.js')) await bigData();
