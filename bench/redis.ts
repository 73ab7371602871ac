/**
 * Redis-side benchmark (issue 2 §7): real redis-server 7.0 and redmesh on loopback, same run.
 *   - redis-benchmark's default test set against each, unpipelined and with -P 16, several runs,
 *     median ops/s per test and the ratio redmesh/redis; then again with `-r <random>` (random keys
 *     and members from that many, so hashes, sets and zsets grow big);
 *   - memory per key for 1M small strings loaded with `redis-cli --pipe`, measured two ways:
 *     growth of INFO used_memory and growth of the process RSS (from /proc).
 * Targets: >= 0.8x redis unpipelined, >= 0.5x at -P 16, <= 2x memory per key.
 *
 * Usage: node dist/bench/redis.js [--requests 100000] [--runs 3] [--clients 50] [--keys 1000000] [--random 100000]
 *                                 [--tests set,get,...] [--json out.json] [--oracle-only]
 * Numbers only mean something on an otherwise idle machine; the load average is printed with them.
 * REDMESH_MAIN=<other checkout>/dist/src/cli/main.js benches another build with this same code.
 */
import { writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runProcess } from '../test/helpers/process.js';
import { RawConnection, infoField, replyText } from '../test/helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll } from '../test/helpers/servers.js';
import type { RunningServer } from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '50' },
    keys: { type: 'string', default: '1000000' },
    // -r for the random-keys pass (0 skips it).
    random: { type: 'string', default: '100000' },
    tests: { type: 'string' },
    json: { type: 'string' },
    // Checks the bench itself: a second real Redis stands in for redmesh (ratios should be ~1).
    'oracle-only': { type: 'boolean', default: false },
  },
  // Shared with the other benches of `npm run bench`: their flags are theirs.
  strict: false,
});
const requests = Number(values.requests);
const runs = Number(values.runs);
const clients = Number(values.clients);
const memoryKeys = Number(values.keys);

/** Runs a program to completion (bounded), returning stdout; a non-zero exit is an error. */
async function run(cmd: string, args: readonly string[], stdin?: Buffer): Promise<string> {
  const r = await runProcess(cmd, args, stdin, 600_000);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function command(port: number, argv: readonly string[]): Promise<Buffer> {
  const c = await RawConnection.open(port);
  try {
    return await c.call(argv, 60_000);
  } finally {
    c.close();
  }
}

/** One redis-benchmark run: test name → requests per second (from --csv output). */
async function benchmark(
  port: number,
  pipeline: number,
  tests: string,
  random: number,
): Promise<Map<string, number>> {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-q',
    '--csv',
    '-c',
    String(clients),
    '-n',
    String(requests),
  ];
  if (pipeline > 1) args.push('-P', String(pipeline));
  if (random > 0) args.push('-r', String(random));
  args.push('-t', tests);
  const out = await run('redis-benchmark', args);
  const result = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^"([^"]+)","([0-9.]+)"/.exec(line);
    if (m) result.set(m[1] as string, Number(m[2]));
  }
  if (result.size === 0) throw new Error(`no results from redis-benchmark:\n${out}`);
  return result;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * redis-benchmark's default tests, as `-t` groups in its own order (`ping` runs PING_INLINE and
 * PING_MBULK; `lrange` fills a list first and runs LRANGE_100..600).
 */
const DEFAULT_TEST_GROUPS = [
  'ping',
  'set',
  'get',
  'incr',
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'sadd',
  'hset',
  'spop',
  'zadd',
  'zpopmin',
  'lrange',
  'mset',
] as const;
const testGroups: readonly string[] =
  typeof values.tests === 'string' ? values.tests.split(',') : DEFAULT_TEST_GROUPS;

/**
 * Median ops/s per test over `runs` runs. The servers take turns test by test (a few seconds apart,
 * the first one swapped each run), so drift in the machine's load hits both sides of a ratio alike.
 * Both see the same sequence of tests on a database flushed at the start of each run.
 */
async function throughput(
  pipeline: number,
  redisPort: number,
  redmeshPort: number,
  random = 0,
): Promise<Map<string, [number, number]>> {
  const samples = new Map<string, [number[], number[]]>();
  const sides = [
    [0, redisPort],
    [1, redmeshPort],
  ] as const;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? sides : [sides[1], sides[0]];
    for (const [, port] of order) await command(port, ['FLUSHALL']);
    for (const group of testGroups) {
      for (const [side, port] of order) {
        const r = await benchmark(port, pipeline, group, random);
        for (const [test, rps] of r) {
          const entry = samples.get(test) ?? [[], []];
          entry[side].push(rps);
          samples.set(test, entry);
        }
      }
    }
  }
  const out = new Map<string, [number, number]>();
  for (const [test, [a, b]] of samples) out.set(test, [median(a), median(b)]);
  return out;
}

/** `SET key:<i> val:<i>` for i < n, as one RESP stream for `redis-cli --pipe`. */
function massInsertion(n: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = `key:${i}`;
    const v = `val:${i}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

interface MemoryResult {
  readonly keys: number;
  readonly usedMemoryPerKey: number;
  readonly rssPerKey: number;
}

async function usedMemory(port: number): Promise<number> {
  return Number(infoField(replyText(await command(port, ['INFO', 'memory'])), 'used_memory') ?? NaN);
}

async function memoryPerKey(server: RunningServer, payload: Buffer): Promise<MemoryResult> {
  await command(server.port, ['FLUSHALL']);
  const used0 = await usedMemory(server.port);
  const rss0 = server.rssBytes();
  const out = await run('redis-cli', ['-p', String(server.port), '--pipe'], payload);
  if (!/errors: 0, replies: \d+/.test(out)) throw new Error(`redis-cli --pipe on ${server.name}: ${out}`);
  const keys = Number(replyText(await command(server.port, ['DBSIZE'])));
  const used1 = await usedMemory(server.port);
  const rss1 = server.rssBytes();
  return { keys, usedMemoryPerKey: (used1 - used0) / keys, rssPerKey: (rss1 - rss0) / keys };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

function printTable(title: string, rows: Map<string, [number, number]>, target: number): number[] {
  console.log(`\n${title} (median of ${runs} runs, ops/s; target redmesh/redis >= ${target})`);
  console.log(`${pad('test', 36)}${lpad('redis', 12)}${lpad('redmesh', 12)}${lpad('ratio', 8)}`);
  const ratios: number[] = [];
  for (const [test, [a, b]] of rows) {
    const ratio = b / a;
    ratios.push(ratio);
    const flag = ratio < target ? '  < target' : '';
    console.log(`${pad(test, 36)}${lpad(fmt(a), 12)}${lpad(fmt(b), 12)}${lpad(ratio.toFixed(2), 8)}${flag}`);
  }
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(
    `${pad('geometric mean ratio', 60)}${lpad(geo.toFixed(2), 8)}   min ${Math.min(...ratios).toFixed(2)}`,
  );
  return ratios;
}

async function main(): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  const load = loadavg().map((x) => x.toFixed(2));
  console.log(
    `redis bench: ${cpus().length} cores, load average ${load.join(' ')} at start; ` +
      `${requests} requests x ${clients} clients, ${runs} runs`,
  );
  try {
    redis = await startRedis(0);
    redmesh = values['oracle-only'] ? await startRedis(0) : await startRedmesh(0);
    const plain = await throughput(1, redis.port, redmesh.port);
    const piped = await throughput(16, redis.port, redmesh.port);
    const random = Number(values.random);
    const plainRandom = random > 0 ? await throughput(1, redis.port, redmesh.port, random) : undefined;
    const pipedRandom = random > 0 ? await throughput(16, redis.port, redmesh.port, random) : undefined;
    const payload = massInsertion(memoryKeys);
    const memRedis = await memoryPerKey(redis, payload);
    const memRedmesh = await memoryPerKey(redmesh, payload);
    const r1 = printTable('unpipelined (-c ' + clients + ')', plain, 0.8);
    const r16 = printTable('pipelined -P 16', piped, 0.5);
    if (plainRandom !== undefined) printTable(`unpipelined, -r ${random} (random keys)`, plainRandom, 0.8);
    if (pipedRandom !== undefined)
      printTable(`pipelined -P 16, -r ${random} (random keys)`, pipedRandom, 0.5);
    console.log(
      `\nmemory for ${fmt(memoryKeys)} small strings (SET key:i val:i via redis-cli --pipe), bytes per key:`,
    );
    console.log(
      `${pad('method', 36)}${lpad('redis', 12)}${lpad('redmesh', 12)}${lpad('ratio', 8)}  (target <= 2)`,
    );
    for (const [name, a, b] of [
      ['INFO used_memory growth', memRedis.usedMemoryPerKey, memRedmesh.usedMemoryPerKey],
      ['process RSS growth', memRedis.rssPerKey, memRedmesh.rssPerKey],
    ] as const) {
      console.log(
        `${pad(name, 36)}${lpad(a.toFixed(1), 12)}${lpad(b.toFixed(1), 12)}${lpad((b / a).toFixed(2), 8)}`,
      );
    }
    console.log(`keys loaded: redis ${memRedis.keys}, redmesh ${memRedmesh.keys}`);
    console.log(
      `load average at end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    if (typeof values.json === 'string') {
      writeFileSync(
        values.json,
        JSON.stringify(
          {
            load,
            requests,
            clients,
            runs,
            unpipelined: Object.fromEntries(plain),
            pipelined16: Object.fromEntries(piped),
            unpipelinedRandom: plainRandom === undefined ? undefined : Object.fromEntries(plainRandom),
            pipelined16Random: pipedRandom === undefined ? undefined : Object.fromEntries(pipedRandom),
            memory: { redis: memRedis, redmesh: memRedmesh },
            minRatio: { unpipelined: Math.min(...r1), pipelined16: Math.min(...r16) },
          },
          null,
          2,
        ),
      );
    }
  } finally {
    await stopAll(redis, redmesh);
  }
}

await main();
